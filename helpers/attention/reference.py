"""Facts lesson 3, its checks and its tests share, defined once: the example sentences, the toy
look-up, the heads the lesson names, and the inputs the write-a-function exercise is checked on
(with the common mistakes it recognises). tests/attention/ recomputes every fact from the model.
"""

import math

import torch

from helpers.attention.layer import head_output

ATTENTION_EXAMPLE = "The animal didn't cross the street because it was too tired."
ATTENTION_PAIR = (ATTENTION_EXAMPLE, ATTENTION_EXAMPLE.replace("tired", "wide"))

# The toy look-up of lesson 3: features (animal, small, vehicle, loud); values (legs, wheels).
TOY_KEYS = {"cat": [1, 1, 0, 0], "dog": [1, 0, 0, 1], "car": [0, 0, 1, 1]}
TOY_VALUES = {"cat": [4, 0], "dog": [4, 0], "car": [0, 4]}
TOY_PUPPY = [1, 1, 0, 1]
TOY_KITTEN = [1, 1, 0, 0]

# On ATTENTION_EXAMPLE (16 tokens with [CLS] and [SEP]) with the course model (12 heads a layer):
CAUSAL_TOKENS = 16
COURSE_HEADS = 12
PREVIOUS_TOKEN_HEAD_LAYER_0 = 2
NEXT_TOKEN_LAYER, NEXT_TOKEN_HEAD, PREVIOUS_TOKEN_HEAD_LAYER_1 = 1, 8, 9


def reference_head_output(x, layer, head, mask=None):
    """The course's one head (helpers.attention.layer.head_output): (seq, d_head)."""
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


def makes_mistake(student, mistake, cases) -> bool:
    """True if `student` gives what `mistake` gives on every case (NaN where it gives NaN)."""
    try:
        with torch.no_grad():
            for _, args in cases:
                got = torch.as_tensor(student(*args), dtype=torch.float64)
                want = torch.as_tensor(mistake(*args), dtype=torch.float64)
                if got.shape != want.shape or not torch.allclose(got, want, atol=1e-4, equal_nan=True):
                    return False
    except Exception:  # the student's function fails on some input: not this mistake
        return False
    return True


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
