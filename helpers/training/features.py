"""Lesson 4, section 7: a frozen base is a feature extractor.

With the base frozen, what it computes for a sentence never changes, so we compute it once
(`cache_features`) and train only the part on top (`StrategyHead`) on the cached numbers.
For *top layer + pooler + head* we cache the input to the top layer and run that layer for the
`[CLS]` position only (`TopLayerCLS`): the pooler reads nothing else, so the other positions'
outputs of the top layer are never used. Nothing here imports matplotlib or IPython.
"""

import copy
import math
from dataclasses import dataclass

import torch
from torch import nn

from helpers.runtime import torch_threads
from helpers.training.compute import Encoded
from helpers.training.fitting import Curve, new_classifier, train_early_stopping


@dataclass(frozen=True)
class Features:
    """The frozen base's outputs for n sentences, computed once:
    pooled (n, hidden): the pooler output, what the classifier reads;
    cls (n, hidden): the last layer's [CLS] vector, what the pooler reads;
    top_input (n, seq_len, hidden) and mask (n, seq_len): the input to the top layer;
    labels (n,)."""

    pooled: torch.Tensor
    cls: torch.Tensor
    top_input: torch.Tensor
    mask: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def rows(self, index) -> "Features":
        """Return the rows in `index` (a slice or a LongTensor of indices)."""
        return Features(self.pooled[index], self.cls[index], self.top_input[index],
                        self.mask[index], self.labels[index])


@torch.no_grad()
def cache_features(model: nn.Module, data: Encoded, batch_size: int = 64) -> Features:
    """Run the frozen base (eval mode: no dropout) once over `data`; return its Features.
    One forward pass per sentence, whatever is trained on them later."""
    model.eval()
    pooled, cls, top_input = [], [], []
    with torch_threads(1):
        for begin in range(0, len(data), batch_size):
            rows = slice(begin, begin + batch_size)
            out = model.base_model(input_ids=data.input_ids[rows], attention_mask=data.attention_mask[rows],
                                   output_hidden_states=True)
            pooled.append(out.pooler_output)
            cls.append(out.last_hidden_state[:, 0])
            top_input.append(out.hidden_states[-2])  # the input to the top layer
    return Features(torch.cat(pooled), torch.cat(cls), torch.cat(top_input), data.attention_mask.clone(),
                    data.labels.clone())


class TopLayerCLS(nn.Module):
    """One BERT encoder layer computed for the [CLS] position only: (n, seq_len, hidden) and a
    mask (n, seq_len) in, (n, hidden) out. Keys and values of every position are still used
    (the [CLS] query attends to all of them); the products are regrouped so that no key or
    value vector is formed: q . (W_k x) = (W_k^T q) . x, and sum_j a_j (W_v x_j) = W_v (sum_j a_j x_j)."""

    def __init__(self, layer: nn.Module):
        super().__init__()
        self.layer = layer

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        attn = self.layer.attention.self
        heads, size = attn.num_attention_heads, attn.attention_head_size
        x0 = hidden[:, 0]                                               # shape: (n, hidden)
        q = attn.query(x0).view(-1, heads, size)                        # shape: (n, heads, size)
        u = torch.einsum("nhd,hdk->nhk", q, attn.key.weight.view(heads, size, -1))
        scores = torch.einsum("nhk,nlk->nhl", u, hidden) / math.sqrt(size)  # (n, heads, seq_len)
        # (q . key bias is the same for every position: softmax ignores it)
        scores = scores.masked_fill(mask[:, None, :] == 0, torch.finfo(scores.dtype).min)
        weights = attn.dropout(scores.softmax(dim=-1))
        mixed = torch.einsum("nhl,nlk->nhk", weights, hidden)           # shape: (n, heads, hidden)
        context = torch.einsum("nhk,hdk->nhd", mixed, attn.value.weight.view(heads, size, -1))
        context = (context + attn.value.bias.view(heads, size)).flatten(1)  # shape: (n, hidden)
        attended = self.layer.attention.output(context, x0)
        return self.layer.output(self.layer.intermediate(attended), attended)


class StrategyHead(nn.Module):
    """The trainable part of a frozen strategy, on cached Features; returns logits (n, labels).
    head only: classifier(pooled); pooler + head: classifier(tanh(dense(cls)));
    top layer + pooler + head: the same on top of TopLayerCLS(top_input, mask)."""

    def __init__(self, model: nn.Module, strategy: str, num_labels: int, seed: int):
        super().__init__()
        if strategy not in ("head only", "pooler + head", "top layer + pooler + head"):
            raise ValueError(f"{strategy!r} does not freeze the base: it cannot use cached features.")
        self.strategy = strategy
        bert = model.base_model
        self.top = TopLayerCLS(copy.deepcopy(bert.encoder.layer[-1])) if strategy.startswith("top") else None
        self.pooler = copy.deepcopy(bert.pooler) if strategy != "head only" else None
        self.classifier = new_classifier(model.config, num_labels, seed)

    def forward(self, features: Features) -> torch.Tensor:
        if self.pooler is None:
            return self.classifier(features.pooled)
        cls = features.cls if self.top is None else self.top(features.top_input, features.mask)
        return self.classifier(self.pooler(cls[:, None]))  # the pooler reads position 0


@torch.no_grad()
def evaluate_head(head: nn.Module, features: Features) -> tuple[float, float]:
    """Return (mean loss, accuracy) of `head` on cached `features`."""
    logits = head(features)
    loss = nn.functional.cross_entropy(logits, features.labels).item()
    return loss, (logits.argmax(-1) == features.labels).float().mean().item()


def train_head(head: nn.Module, train: Features, validation: Features, lr: float, seed: int = 0,
               **loop) -> Curve:
    """Train `head` on cached features (eval mode: no dropout, so the cached numbers are exactly
    what the frozen model computes), early-stopped on `validation`. Returns the Curve."""
    head.eval()

    def loss_of(rows):
        part = train.rows(rows)
        return nn.functional.cross_entropy(head(part), part.labels)

    return train_early_stopping(head, loss_of, len(train), lambda: evaluate_head(head, validation),
                                lr, seed, **loop)
