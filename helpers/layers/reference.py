"""Facts lesson 4 (inside a layer), its checks and its tests share, defined once: the inputs
the write-a-function exercise `one_head` is checked on, and the common mistakes it recognises.
tests/layers/ recomputes every fact from the model.
"""

import math

import torch

from helpers.layers.compute import head_output

# The layer the lesson takes apart (as in lesson 3, section 7), and the length of lesson 3's
# sentence (16 tokens with [CLS] and [SEP]) that section 6 masks causally.
LESSON_LAYER = 3
CAUSAL_TOKENS = 16

# This model's sizes, as the exercises expect them (tests/layers/ recounts them from the weights).
NUM_LAYERS = 6
FEED_FORWARD_PARAMETERS = 1_181_568  # 384 * 1536 + 1536 + 1536 * 384 + 384
ATTENTION_PARAMETERS = 591_360  # Q, K, V and W_O: 4 * (384 * 384 + 384)
LAYER_NORM_PARAMETERS = 1_536  # two LayerNorms, a weight and a bias of 384 each
LAYER_PARAMETERS = ATTENTION_PARAMETERS + FEED_FORWARD_PARAMETERS + LAYER_NORM_PARAMETERS
MODEL_PARAMETERS = 22_713_216  # embeddings, six layers and the pooler


def reference_head_output(x, layer, head, mask=None):
    """The course's one head (helpers.layers.compute.head_output): (seq, d_head)."""
    with torch.no_grad():
        return head_output(x, layer, head, mask)


def head_output_cases(model) -> list[tuple[str, tuple]]:
    """Return (label, (x, layer, head, mask)) inputs: random hidden states of several lengths,
    first and last layers and heads, a padding mask and a causal mask."""
    gen = torch.Generator().manual_seed(3)
    hidden, layers = model.config.hidden_size, model.encoder.layer
    last_layer, last_head = len(layers) - 1, model.config.num_attention_heads - 1
    x5, x9 = torch.randn(5, hidden, generator=gen), torch.randn(9, hidden, generator=gen)
    keep = torch.tensor([True] * 7 + [False] * 2)
    return [
        ("random x (5 tokens), layer 0, head 0, no mask", (x5, layers[0], 0, None)),
        (f"random x (9 tokens), layer {last_layer}, head {last_head}, no mask",
         (x9, layers[last_layer], last_head, None)),
        ("random x (9 tokens), layer 3, head 1, the last 2 keys masked", (x9, layers[3], 1, keep)),
        ("random x (5 tokens), layer 2, head 5, a causal mask",
         (x5, layers[2], 5, torch.ones(5, 5, dtype=torch.bool).tril())),
    ]


def _head_variant(scaled=True, bias=True, use_mask=True, rows=True, softmax_dim=-1, weights=False):
    """Return a one-head function that makes the given mistakes (all False: the right one)."""

    def one_head(x, layer, head, mask=None):
        sa = layer.attention.self
        d = sa.attention_head_size
        cols = slice(head * d, (head + 1) * d)

        def project(m):
            w = m.weight[cols].T if rows else m.weight[:, cols]
            return x @ w + (m.bias[cols] if bias else 0)

        q, k, v = project(sa.query), project(sa.key), project(sa.value)
        scores = q @ k.T / (math.sqrt(d) if scaled else 1.0)
        if mask is not None and use_mask:
            scores = scores.masked_fill(~mask, float("-inf"))
        w = torch.softmax(scores, dim=softmax_dim)
        return w if weights else w @ v

    def run(*args):
        with torch.no_grad():
            return one_head(*args)

    return run


def head_output_mistakes() -> list[tuple[object, str]]:
    """Return (function making one mistake, the hint for it), for check_head_output."""
    return [
        (_head_variant(scaled=False), "your scores are not scaled: divide q @ k.T by sqrt(32)."),
        (_head_variant(bias=False), "add the biases too: q = x @ W_Q[cols].T + b_Q[cols] (and for k, v)."),
        (_head_variant(use_mask=False), "your function ignores the mask: set masked scores to -inf "
                                        "before the softmax (scores.masked_fill(~mask, float('-inf')))."),
        (_head_variant(rows=False), "a torch Linear stores its weight as (out, in): this head's "
                                    "outputs are rows W[cols], used as x @ W[cols].T."),
        (_head_variant(softmax_dim=0), "softmax over the keys, the last axis: torch.softmax(scores, dim=-1)."),
        (_head_variant(weights=True), "those are the weights; the head's output is weights @ v."),
    ]
