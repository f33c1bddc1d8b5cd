"""Attention: the formula, masks, the real model's weights, and statistics about its heads.

Lesson 3, sections 3-4 (the formula and masks), 7-8 (the real model's heads, padding) and
9-11 (what the heads do); lesson 4, sections 1 (the weights recomputed) and 6 (causal masks).
The notebook writes the formula out by hand; these are the tested versions that the widget,
the checks and the tests use. The rest of a layer (values, output projection, feed-forward)
is in helpers/layers/.
"""

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from helpers.runtime import torch_threads
from helpers.text import clean_text

if TYPE_CHECKING:  # pandas is imported where a table is made (section 10), not with the lesson
    import pandas as pd


def attention_weights(q, k, mask=None):
    """Return softmax(q k^T / sqrt(d)): (..., n_queries, n_keys), each row adding up to 1.

    q: (..., n_queries, d), k: (..., n_keys, d); mask: bool, broadcastable to
    (..., n_queries, n_keys), True where a key may be attended to (a masked key gets 0).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., n_queries, n_keys)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def attention(q, k, v, mask=None):
    """Return (output, weights) of softmax(q k^T / sqrt(d)) v (see attention_weights).

    v: (..., n_keys, d_v); output: (..., n_queries, d_v); weights: (..., n_queries, n_keys).
    """
    weights = attention_weights(q, k, mask)
    return weights @ v, weights


def causal_mask(n: int) -> torch.Tensor:
    """Return the causal (GPT-style) mask (n, n): True where query i may look at key j <= i."""
    return torch.ones(n, n, dtype=torch.bool).tril()


def padding_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Return the tokenizer's 0/1 attention_mask (batch, seq) as keys to keep (batch, 1, 1, seq)."""
    return attention_mask.bool()[:, None, None, :]


def split_heads(x, num_heads):
    """Return x of shape (batch, seq, num_heads * d) as (batch, num_heads, seq, d)."""
    batch, seq, width = x.shape
    return x.view(batch, seq, num_heads, width // num_heads).transpose(1, 2)


def merge_heads(x):
    """Return x of shape (batch, num_heads, seq, d) as (batch, seq, num_heads * d): heads side by side."""
    batch, heads, seq, d = x.shape
    return x.transpose(1, 2).reshape(batch, seq, heads * d)


def recompute_attention(model, hidden_state, attention_mask, layer):
    """Return layer `layer`'s attention weights recomputed from its own query/key weights.

    hidden_state: (batch, seq, hidden), the hidden state entering that layer
    (``output_hidden_states=True`` gives it as ``hidden_states[layer]``);
    attention_mask: (batch, seq) of 0/1 from the tokenizer.
    Returns (batch, num_heads, seq, seq).
    """
    self_attention = model.encoder.layer[layer].attention.self
    num_heads = model.config.num_attention_heads
    q = split_heads(self_attention.query(hidden_state), num_heads)  # (batch, heads, seq, d)
    k = split_heads(self_attention.key(hidden_state), num_heads)
    return attention_weights(q, k, padding_mask(attention_mask))


def max_tokens(model, tokenizer) -> int:
    """Return how many tokens the model reads at most ([CLS] and [SEP] included): 512 here."""
    config = getattr(model, "config", None)
    positions = getattr(config, "max_position_embeddings", tokenizer.model_max_length)
    return int(min(tokenizer.model_max_length, positions))


# A sentence this short runs as fast on one thread as on two when the machine is quiet, and
# ten times faster when other programs keep the cores busy (measured: 21 vs 203 ms of CPU).
SMALL_INPUT = 64


@dataclass
class AttentionRun:
    """The model's attention for one text: weights (layers, heads, seq, seq) as a NumPy array."""

    text: str
    tokens: list[str]
    weights: np.ndarray
    n_tokens_before_truncation: int
    message: str = ""
    limit: int = field(default=0, repr=False)  # the model's token limit (0: not known)

    @property
    def truncated(self) -> bool:
        """True when the text had more tokens than the model reads."""
        return self.n_tokens_before_truncation > len(self.tokens)


def describe_input(n_tokens: int, n_real: int, limit: int) -> str:
    """Return a sentence about the input's length (`limit`: the model's), or "" if all is well."""
    if n_real == 0:
        return "No tokens to show: type a sentence (at least one word)."
    if n_tokens > limit:
        return (
            f"Your text has {n_tokens} tokens; the model reads at most {limit}, "
            f"so it was truncated: only the first {limit} are shown."
        )
    if n_real == 1:
        return (
            "Only one token between [CLS] and [SEP]: it can attend only to itself and to "
            "the two special tokens. Type a longer sentence to see more."
        )
    return ""


def _forward_attentions(model, ids: list[int]) -> np.ndarray:
    """Run the model on one sequence of ids; return its weights (layers, heads, seq, seq)."""
    input_ids = torch.tensor([ids])
    with torch.no_grad(), torch_threads(1 if len(ids) <= SMALL_INPUT else None):
        out = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                    token_type_ids=torch.zeros_like(input_ids), output_attentions=True)
    if not out.attentions:
        raise RuntimeError(
            "The model returned no attention weights. Load it with helpers.models.load_model(), "
            "which uses eager attention, and call it with output_attentions=True."
        )
    return torch.stack(out.attentions)[:, 0].numpy()


def run_attention(model, tokenizer, text: str) -> AttentionRun:
    """Run the model once on `text` (truncated to the model's limit) and keep every attention map.

    Text with no tokens (empty, spaces, control characters) gives an AttentionRun with no
    weights and a message saying what to do, never an exception.
    """
    text, notes = clean_text(text, "text")
    limit = max_tokens(model, tokenizer)
    ids = tokenizer(text, truncation=False)["input_ids"]  # tokenized once, cut below
    n_tokens = len(ids)
    message = " ".join([*notes, describe_input(n_tokens, n_tokens - 2, limit)]).strip()
    if n_tokens <= 2:
        return AttentionRun(text, [], np.zeros((0, 0, 0, 0), dtype=np.float32), n_tokens, message, limit)
    if n_tokens > limit:
        ids = ids[:limit - 1] + ids[-1:]  # keep [SEP] last, as truncation=True does
    weights = _forward_attentions(model, ids)
    return AttentionRun(text, tokenizer.convert_ids_to_tokens(ids), weights, n_tokens, message, limit)


def select_map(weights: np.ndarray, layer: int, head: int | None) -> np.ndarray:
    """Return one head's map (seq, seq), or the average of all heads when head is None."""
    layer_maps = weights[layer]  # (heads, seq, seq)
    return layer_maps.mean(axis=0) if head is None else layer_maps[head]


def offset_share(weights: np.ndarray, offset: int) -> float:
    """Return the mean weight a token gives to the token `offset` places away (-1 = previous).

    weights: (seq, seq). The mean is over the queries that have such a neighbour.
    """
    seq = weights.shape[-1]
    if abs(offset) >= seq:
        return float("nan")
    return float(np.diagonal(weights, offset=offset).mean())


def same_word_share(weights: np.ndarray, tokens: list[str]) -> float:
    """Return the mean weight a token gives to other copies of itself (e.g. 'the' to 'the').

    weights: (seq, seq). The mean is over tokens that occur more than once; nan if none does.
    """
    same = np.array([[a == b for b in tokens] for a in tokens]) & ~np.eye(len(tokens), dtype=bool)
    has_twin = same.any(axis=1)
    if not has_twin.any():
        return float("nan")
    return float((weights * same).sum(axis=1)[has_twin].mean())


def head_statistics(weights: np.ndarray, tokens: list[str]) -> "pd.DataFrame":
    """Return one row per (layer, head): the mean share of attention to [CLS], to [SEP],
    to the previous token, to the next token, to itself, and to other copies of the same word,
    averaged over the queries.

    weights: (layers, heads, seq, seq).
    """
    import pandas as pd

    sep = tokens.index("[SEP]") if "[SEP]" in tokens else len(tokens) - 1
    rows = []
    for layer, layer_maps in enumerate(weights):
        for head, a in enumerate(layer_maps):
            rows.append(
                {
                    "layer": layer,
                    "head": head,
                    "to [CLS]": float(a[:, 0].mean()),
                    "to [SEP]": float(a[:, sep].mean()),
                    "to previous": offset_share(a, -1),
                    "to next": offset_share(a, 1),
                    "to itself": offset_share(a, 0),
                    "to same word": same_word_share(a, tokens),
                }
            )
    return pd.DataFrame(rows).set_index(["layer", "head"])


def strongest_heads(stats: "pd.DataFrame") -> "pd.DataFrame":
    """Return, for each column of head_statistics, the head with the largest share.

    One row per role: columns layer, head, share."""
    import pandas as pd

    rows = [{"role": col, "layer": stats[col].idxmax()[0], "head": stats[col].idxmax()[1],
             "share": float(stats[col].max())} for col in stats.columns]
    return pd.DataFrame(rows).set_index("role")


def head_role(row: "pd.Series", threshold: float = 0.5) -> str:
    """Return a head's role in a few letters from its head_statistics row: the share that is
    at least `threshold` ('prev', 'next', 'CLS', 'SEP', 'self', 'same'), or 'mixed'."""
    names = {"to previous": "prev", "to next": "next", "to [CLS]": "CLS", "to [SEP]": "SEP",
             "to itself": "self", "to same word": "same"}
    best = max(names, key=lambda col: np.nan_to_num(row[col]))
    return names[best] if row[best] >= threshold else "mixed"


def attention_between(weights: np.ndarray, tokens: list[str], source: str, target: str):
    """Return, per layer, the weight from token `source` to token `target` averaged over heads.

    Uses the first occurrence of each token. Returns a NumPy array of shape (layers,).
    """
    missing = [t for t in (source, target) if t not in tokens]
    if missing:
        raise ValueError(f"{missing[0]!r} is not one of the tokens: {tokens}")
    i, j = tokens.index(source), tokens.index(target)
    return weights[:, :, i, j].mean(axis=1)
