"""Exercise checks of lesson 3 (attention), in the notebook's order (see CHECKS at the end).

Two predict-before-you-run exercises sit in the lesson's body (sections 4 and 5), just
above the cell that shows the truth; the others are at the end. Each check is decorated with
its ladder of hints: `check_toy_weights.hint(2)` gives the second, more explicit one.
"""

import math
import numbers
import operator

from helpers.attention.reference import (
    COURSE_HEADS,
    NEXT_TOKEN_HEAD,
    PREVIOUS_TOKEN_HEAD_LAYER_0,
    PREVIOUS_TOKEN_HEAD_LAYER_1,
    TOY_KEYS,
    TOY_KITTEN,
    TOY_PUPPY,
    TOY_VALUES,
    UNSCALED_TOP_WEIGHT_384,
    attention_cases,
    attention_mistakes,
    reference_attention,
    returns_pair,
)
from helpers.feedback import (
    Feedback,
    as_plain,
    compare_and_diagnose,
    exercise,
    right,
    wrong,
)


def _softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    exps = [math.exp(x - top) if x > -math.inf else 0.0 for x in xs]
    return [e / sum(exps) for e in exps]


def _toy_scores(query: list[float], scaled: bool = True) -> list[float]:
    scale = math.sqrt(len(query)) if scaled else 1.0
    return [sum(a * b for a, b in zip(query, key, strict=True)) / scale for key in TOY_KEYS.values()]


def _shape(answer) -> tuple:
    """Return the shape of a nested list, array or tensor ((): a number; None: ragged/not numbers)."""
    if hasattr(answer, "shape"):
        return tuple(answer.shape)
    if isinstance(answer, list | tuple):
        inner = {_shape(x) for x in answer}
        if not answer or len(inner) != 1 or None in inner:
            return (0,) if not answer else None
        return (len(answer), *inner.pop())
    return () if isinstance(answer, numbers.Real) else None


def _as_floats(answer, length: int) -> tuple[list[float] | None, str | None]:
    """Return (the answer as `length` floats, None) or (None, a hint saying what is wrong)."""
    shape = _shape(answer)
    if shape == (1, length):
        return None, (f"your answer has shape (1, {length}), a list inside a list; give the "
                      f"{length} numbers themselves, shape ({length},): e.g. weights[0].")
    if shape != (length,):
        return None, None
    try:
        return [float(x) for x in list(answer)], None
    except (TypeError, ValueError):
        return None, None


def _as_int(answer) -> int | None:
    """Return a whole number given as int, NumPy or torch integer (not bool, float or text)."""
    if isinstance(answer, bool) or str(getattr(answer, "dtype", "")) in ("bool", "torch.bool"):
        return None
    try:
        return operator.index(answer)
    except TypeError:
        return None


def _close(a: list[float], b: list[float], tol: float = 0.01) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _rounded(xs: list[float]) -> list[float]:
    return [round(x, 4) for x in xs]


def _diagnose(got: list[float], expected: list[float], success: str,
              mistakes: list[tuple[list[float], str]], otherwise: str, tol: float = 0.01) -> Feedback:
    """right(success) if `got` is `expected`; else the hint of the first mistake `got` equals
    (each a (value it gives, hint) pair), else `otherwise`."""
    if _close(got, expected):
        return right(success)
    return next((wrong(hint) for value, hint in mistakes if _close(got, value, tol)), wrong(otherwise))


# --- Section 4, predict before you run: masking a key -------------------------------------

MASKED = 1  # the key 'dog' (cat, dog, car) is masked in section 4
MASKED_EXPECTED = [0.0 if i == MASKED else w
                   for i, w in enumerate(_softmax([s if i != MASKED else -math.inf
                                                   for i, s in enumerate(_toy_scores(TOY_KITTEN))]))]


def _masked_mistakes() -> list[tuple[list[float], str]]:
    before = _softmax(_toy_scores(TOY_KITTEN))
    kept = sum(w for i, w in enumerate(before) if i != MASKED)
    dog_to_cat = [before[0] + before[1], 0.0, before[2]]
    even = [before[0] + before[1] / 2, 0.0, before[2] + before[1] / 2]
    unscaled = _softmax([2.0, -math.inf, 0.0])
    return [
        (before, "those are the weights without the mask: a masked key gets weight exactly 0."),
        ([0.0 if i == MASKED else w for i, w in enumerate(before)],
         f"your weights add up to {kept:.4f}: masking happens before softmax, so the kept weights "
         "still add up to 1."),
        (dog_to_cat, "the masked weight does not all go to the best key: softmax shares it over "
                     "every key that is left, in proportion to the weights they had."),
        (even, "the masked weight is not split evenly: the kept keys grow in proportion "
               "(each is divided by the sum of the kept weights)."),
        (unscaled, "those are the weights of the unscaled scores: divide by sqrt(4) = 2 first."),
    ]


@exercise(expected=("[0.7311, 0.0, 0.2689]",))
def check_masked_weights(answer) -> Feedback:
    """Predict: the kitten's weights over cat, dog, car when the key dog is masked."""
    got, shape_hint = _as_floats(answer, 3)
    if got is None:
        return wrong(shape_hint or "give three numbers, one weight per key (cat, dog, car), the masked one included.")
    otherwise = ("the masked key (dog, the second number) gets a weight of exactly 0."
                 if abs(got[MASKED]) > 1e-6 else
                 "scaled scores [1.0, 0.5, 0.0]; dog's becomes -inf; softmax over the rest.")
    return _diagnose(got, MASKED_EXPECTED,
                     f"weights {_rounded(MASKED_EXPECTED)}: the masked key gets exactly 0 and the "
                     "others grow in proportion, still adding up to 1.",
                     _masked_mistakes(), otherwise, tol=0.005)


# --- Section 5, predict before you run: softmax of unscaled scores at d = 384 --------------

@exercise(expected=(f"{UNSCALED_TOP_WEIGHT_384:.3f}",))
def check_unscaled_top_weight(answer) -> Feedback:
    """Predict: the mean largest weight of softmax over 10 random keys, unscaled scores, d = 384."""
    answer = as_plain(answer)  # a NumPy or torch number counts
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real) or math.isnan(answer):
        return wrong("give one number between 0 and 1: the average largest weight of the 10.")
    value = float(answer)
    if 0.85 <= value <= 1.0:
        return right(f"measured {UNSCALED_TOP_WEIGHT_384:.3f}: the softmax is saturated, nearly a hard "
                     "look-up on one key (and never exactly 1).")
    if value > 1.0 or value < 0.0:
        return wrong("a weight is between 0 and 1: the 10 weights of a query add up to 1.")
    if value <= 0.15:
        return wrong("that is about the uniform weight 1/10; scores 20 apart are far from equal.")
    if value <= 0.5:
        return wrong("that is about what the scaled scores give (about 0.3); without scaling the "
                     "scores are spread sqrt(384), about 20 times wider.")
    return wrong("larger still: a score gap of 20 is a factor e^20, about 500 million, between two weights.")


# --- Exercises at the end: the toy by hand, attention by hand, a head's role --------------

@exercise(expected=("[0.3837, 0.3837, 0.2327]",))
def check_toy_weights(answer) -> Feedback:
    """Exercise: the attention weights of the query 'puppy' over the keys cat, dog, car."""
    got, shape_hint = _as_floats(answer, 3)
    if got is None:
        return wrong(shape_hint or "give three numbers, one weight per key (cat, dog, car), e.g. [0.2, 0.3, 0.5].")
    expected = _softmax(_toy_scores(TOY_PUPPY))
    scores = "those are scores, not weights: apply softmax to the scaled scores."
    mistakes = [
        (_softmax(_toy_scores(TOY_PUPPY, scaled=False)),
         "those are the weights of the unscaled scores: divide the scores by sqrt(d) = 2 first."),
        (_toy_scores(TOY_PUPPY), scores),
        (_toy_scores(TOY_PUPPY, scaled=False), scores),
        (_softmax(_toy_scores(TOY_KITTEN)),
         "those are the kitten's weights from section 2: use the puppy, [1, 1, 0, 1]."),
    ]
    otherwise = (f"your weights add up to {sum(got):.3f}; softmax gives weights that add up to 1."
                 if abs(sum(got) - 1) > 0.01 else
                 "compute each score q·k (q = puppy), divide by sqrt(4) = 2, then take the softmax.")
    return _diagnose(got, expected, f"weights {_rounded(expected)}: scores [2, 2, 1] / 2, then softmax.",
                     mistakes, otherwise)


@exercise(expected=("[3.0692, 0.9308]",))
def check_toy_output(answer) -> Feedback:
    """Exercise: the output (a weighted sum of the values) of the query 'puppy'."""
    got, shape_hint = _as_floats(answer, 2)
    if got is None:
        return wrong(shape_hint or "give two numbers (legs, wheels): the output has the shape of one value.")
    values = list(TOY_VALUES.values())

    def mix(weights):
        return [sum(w * v[i] for w, v in zip(weights, values, strict=True)) for i in range(2)]

    expected = mix(_softmax(_toy_scores(TOY_PUPPY)))
    mistakes = [
        (values[0], "that is a hard look-up (the best key's value alone): weight every value instead."),
        ([sum(v[i] for v in values) / 3 for i in range(2)], "that is a plain average: weight each value by its attention weight."),
        (mix(_softmax(_toy_scores(TOY_KITTEN))), "that is the kitten's output from section 2: use the puppy's weights."),
        (mix(_softmax(_toy_scores(TOY_PUPPY, scaled=False))), "those weights come from unscaled scores: divide by sqrt(4) first."),
    ]
    return _diagnose(got, expected, f"output {_rounded(expected)}: mostly legs, a little wheel.", mistakes,
                     "multiply each value by its weight (from exercise 3) and add the three products.")


@exercise(expected=("scores - scores.amax(-1, keepdim=True)",))
def check_attention_by_hand(answer) -> Feedback:
    """Write a function: attention's output (..., n, d_v) with the softmax written out."""
    cases = attention_cases()
    if callable(answer) and returns_pair(answer, cases[0][1]):
        return wrong("return only the output, weights @ v (a tensor), not (output, weights).")
    return compare_and_diagnose(answer, reference_attention, cases, attention_mistakes(),
                                name="attention_by_hand", returns="the output")


@exercise(expected=("head 9 of layer 1", "layer 1, head 9", "layer 1 head 9"))
def check_previous_token_head(answer) -> Feedback:
    """Exercise: which head of layer 1 attends most to the previous token (pronoun sentence)?"""
    if _shape(answer) == (COURSE_HEADS,):
        return wrong("that is one share per head; the answer is the head with the largest: np.argmax(...).")
    if (answer := _as_int(answer)) is None:
        return wrong(f"give one head number, an int from 0 to {COURSE_HEADS - 1}.")
    if not 0 <= answer < COURSE_HEADS:
        return wrong(f"layer 1 has heads 0 to {COURSE_HEADS - 1}; {answer} is not one of them.")
    if answer == PREVIOUS_TOKEN_HEAD_LAYER_1:
        return right(f"head {answer} of layer 1 gives the previous token the largest share "
                     "(about 0.30: much less than layer 0's head 2, which gives it 1.00).")
    if answer == NEXT_TOKEN_HEAD:
        return wrong("that head looks mostly at the next token; we want the previous one (offset=-1).")
    if answer == PREVIOUS_TOKEN_HEAD_LAYER_0:
        return wrong("head 2 is the previous-token head of layer 0; look at layer 1: run.weights[1].")
    return wrong("for each head h compute np.diagonal(run.weights[1, h], offset=-1).mean() "
                 "and take the head with the largest value.")


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_masked_weights",
    "check_unscaled_top_weight",
    "check_toy_weights",
    "check_toy_output",
    "check_attention_by_hand",
    "check_previous_token_head",
)
