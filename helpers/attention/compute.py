"""Attention: the formula, the real model's weights, and simple statistics about its heads.

The notebook writes the formula out by hand; these functions are the tested versions that
the widget, the checks and the tests use.
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

MAX_TOKENS = 512  # all-MiniLM-L6-v2 reads at most 512 tokens, [CLS] and [SEP] included


def attention(q, k, v, mask=None):
    """Return (output, weights) of softmax(q k^T / sqrt(d)) v.

    q: (..., n_queries, d), k: (..., n_keys, d), v: (..., n_keys, d_v);
    mask: bool, broadcastable to (..., n_queries, n_keys), True where a key may be attended to.
    output: (..., n_queries, d_v); weights: (..., n_queries, n_keys).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., n_queries, n_keys)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def library_attention(q, k, v, mask=None):
    """Return torch's fused scaled_dot_product_attention output for the same arguments."""
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def split_heads(x, num_heads):
    """Return x of shape (batch, seq, num_heads * d) as (batch, num_heads, seq, d)."""
    batch, seq, width = x.shape
    return x.view(batch, seq, num_heads, width // num_heads).transpose(1, 2)


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
    keep = attention_mask.bool()[:, None, None, :]  # (batch, 1, 1, seq): which keys are real
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return torch.softmax(scores.masked_fill(~keep, float("-inf")), dim=-1)


# A sentence this short runs as fast on one thread as on two when the machine is quiet, and
# ten times faster when other programs keep the cores busy (measured: 21 vs 203 ms of CPU).
SMALL_INPUT = 64


@contextmanager
def _threads(n: int | None):
    """Run the block with torch using `n` threads (None: leave it as it is), then restore."""
    before = torch.get_num_threads()
    if n is not None and n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@dataclass
class AttentionRun:
    """The model's attention for one text: weights (layers, heads, seq, seq) as a NumPy array."""

    text: str
    tokens: list[str]
    weights: np.ndarray
    n_tokens_before_truncation: int
    message: str = ""

    @property
    def truncated(self) -> bool:
        """True when the text had more tokens than the model reads."""
        return self.n_tokens_before_truncation > len(self.tokens)


def describe_input(n_tokens: int, n_real: int) -> str:
    """Return a sentence about the input's length, or "" when there is nothing to say."""
    if n_real == 0:
        return "No tokens to show: type a sentence (at least one word)."
    if n_tokens > MAX_TOKENS:
        return (
            f"Your text has {n_tokens} tokens; the model reads at most {MAX_TOKENS}, "
            f"so it was truncated: only the first {MAX_TOKENS} are shown."
        )
    if n_real == 1:
        return (
            "Only one token between [CLS] and [SEP]: it can attend only to itself and to "
            "the two special tokens. Type a longer sentence to see more."
        )
    return ""


def run_attention(model, tokenizer, text: str) -> AttentionRun:
    """Run the model once on `text` (truncated to the model's limit) and keep every attention map.

    Text with no tokens (empty, spaces, control characters) gives an AttentionRun with no
    weights and a message saying what to do, never an exception.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, not {type(text).__name__}.")
    # A lone surrogate (half of a broken character) cannot be tokenized: it becomes "?".
    text = text.encode("utf-8", "replace").decode("utf-8")
    n_tokens = len(tokenizer(text, truncation=False)["input_ids"])
    n_real = n_tokens - 2
    message = describe_input(n_tokens, n_real)
    if n_real == 0:
        return AttentionRun(text, [], np.zeros((0, 0, 0, 0), dtype=np.float32), n_tokens, message)
    batch = tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    with torch.no_grad(), _threads(1 if batch["input_ids"].shape[1] <= SMALL_INPUT else None):
        out = model(**batch, output_attentions=True)
    if not out.attentions:
        raise RuntimeError(
            "The model returned no attention weights. Load it with helpers.models.load_model(), "
            "which uses eager attention, and call it with output_attentions=True."
        )
    weights = torch.stack(out.attentions)[:, 0].numpy()  # (layers, heads, seq, seq)
    tokens = tokenizer.convert_ids_to_tokens(batch["input_ids"][0].tolist())
    return AttentionRun(text, tokens, weights, n_tokens, message)


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


def head_statistics(weights: np.ndarray, tokens: list[str]) -> pd.DataFrame:
    """Return one row per (layer, head): the mean share of attention to [CLS], to [SEP],
    to the previous token, to the next token, to itself, and to other copies of the same word,
    averaged over the queries.

    weights: (layers, heads, seq, seq).
    """
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


def attention_between(weights: np.ndarray, tokens: list[str], source: str, target: str):
    """Return, per layer, the weight from token `source` to token `target` averaged over heads.

    Uses the first occurrence of each token. Returns a NumPy array of shape (layers,).
    """
    missing = [t for t in (source, target) if t not in tokens]
    if missing:
        raise ValueError(f"{missing[0]!r} is not one of the tokens: {tokens}")
    i, j = tokens.index(source), tokens.index(target)
    return weights[:, :, i, j].mean(axis=1)
