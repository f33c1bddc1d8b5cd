"""Facts lesson 3, its checks and its tests share, defined once: the example sentences, the toy
look-up, the heads the lesson names, and the inputs the write-a-function exercise is checked on
(with the common mistakes it recognises). tests/attention/ recomputes every fact from the model.
Lesson 4 (helpers/layers) reuses the sentence.
"""

import math

import torch

ATTENTION_EXAMPLE = "The animal didn't cross the street because it was too tired."
ATTENTION_PAIR = (ATTENTION_EXAMPLE, ATTENTION_EXAMPLE.replace("tired", "wide"))

# The toy look-up of lesson 3: features (animal, small, vehicle, loud); values (legs, wheels).
TOY_KEYS = {"cat": [1, 1, 0, 0], "dog": [1, 0, 0, 1], "car": [0, 0, 1, 1]}
TOY_VALUES = {"cat": [4, 0], "dog": [4, 0], "car": [0, 4]}
TOY_PUPPY = [1, 1, 0, 1]
TOY_KITTEN = [1, 1, 0, 0]

# Section 5: the mean largest weight of softmax over 10 random keys, unscaled scores, d = 384
# (the notebook's seeded measurement; tests/attention/ recomputes it).
UNSCALED_TOP_WEIGHT_384 = 0.944

# On ATTENTION_EXAMPLE (16 tokens with [CLS] and [SEP]) with the course model (12 heads a layer):
COURSE_HEADS = 12
PREVIOUS_TOKEN_HEAD_LAYER_0 = 2
NEXT_TOKEN_LAYER, NEXT_TOKEN_HEAD, PREVIOUS_TOKEN_HEAD_LAYER_1 = 1, 8, 9


def returns_pair(function, args) -> bool:
    """True if `function(*args)` returns a pair (output, weights), as section 3's my_attention."""
    try:
        result = function(*args)
    except Exception:
        return False
    return isinstance(result, tuple) and len(result) == 2


# --- Lesson 3, exercise 5: attention written out, softmax by hand -------------------------

def reference_attention(q, k, v, mask=None):
    """The course's attention output softmax(q k^T / sqrt(d)) v, shape (..., n, d_v)."""
    from helpers.attention.compute import attention

    with torch.no_grad():
        return attention(q, k, v, mask)[0]


def attention_cases() -> list[tuple[str, tuple]]:
    """Return (label, (q, k, v, mask)) inputs: one query, a batch of heads with a padding mask,
    a causal mask, and scores so large that exp() overflows float32 unless each row's largest
    score is subtracted first."""
    gen = torch.Generator().manual_seed(5)
    q1, k3, v3 = (torch.randn(*shape, generator=gen) for shape in ((1, 4), (3, 4), (3, 2)))
    q, k, v = torch.randn(3, 2, 12, 7, 32, generator=gen).unbind(0)  # (batch, heads, tokens, d)
    keep = torch.ones(2, 1, 7, 7, dtype=torch.bool)
    keep[1, :, :, 5:] = False
    big = torch.randn(3, 6, 8, generator=gen).unbind(0)
    return [
        ("one query (1, 4), three keys, no mask", (q1, k3, v3, None)),
        ("a batch (2, 12, 7, 32), the last 2 keys of sentence 2 masked", (q, k, v, keep)),
        ("6 tokens, a lower-triangular (causal) mask", (big[0], big[1], big[2], torch.ones(6, 6, dtype=torch.bool).tril())),
        ("6 tokens with scores in the hundreds (q and k times 30)", (30 * big[0], 30 * big[1], big[2], None)),
    ]


def _attention_variant(scaled=True, use_mask=True, stable=True, axis=-1, weights=False):
    """Return an attention function that makes the given mistakes (all defaults: the right one)."""

    def run(q, k, v, mask=None):
        with torch.no_grad():
            scores = q @ k.transpose(-2, -1) / (math.sqrt(q.shape[-1]) if scaled else 1.0)
            if mask is not None and use_mask:
                scores = scores.masked_fill(~mask, float("-inf"))
            if stable:
                scores = scores - scores.amax(axis, keepdim=True)
            exps = scores.exp()
            w = exps / exps.sum(axis, keepdim=True)
            return w if weights else w @ v

    return run


def attention_mistakes() -> list[tuple[object, str]]:
    """Return (function making one mistake, the hint for it), for check_attention_by_hand."""
    return [
        (_attention_variant(stable=False), "exp() overflows on large scores (e^89 is already inf "
                                           "in float32, and inf / inf is nan): subtract each row's "
                                           "largest score first, scores - scores.amax(-1, keepdim=True)."),
        (_attention_variant(scaled=False), "your scores are not scaled: divide q @ k^T by sqrt(d), "
                                           "d = q.shape[-1]."),
        (_attention_variant(use_mask=False), "your function ignores the mask: set masked scores to "
                                             "-inf before the softmax (scores.masked_fill(~mask, float('-inf')))."),
        (_attention_variant(axis=-2), "the weights of one query must add up to 1 over the keys, the "
                                      "last axis: sum (and take the max) over dim=-1."),
        (_attention_variant(weights=True), "those are the weights; attention returns weights @ v."),
    ]
