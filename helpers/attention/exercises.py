"""Exercise checks and their expected answers of lesson 3 (attention)."""

import math

from helpers.feedback import Feedback, right, unanswered, wrong

# The toy look-up of lesson 3: features (animal, small, vehicle, loud); values (legs, wheels).
TOY_KEYS = {"cat": [1, 1, 0, 0], "dog": [1, 0, 0, 1], "car": [0, 0, 1, 1]}
TOY_VALUES = {"cat": [4, 0], "dog": [4, 0], "car": [0, 4]}
TOY_PUPPY = [1, 1, 0, 1]
TOY_KITTEN = [1, 1, 0, 0]
# Layer 1's next- and previous-token heads on "The animal didn't cross the street because it was
# too tired."
# (tests/test_attention.py recomputes both from the model).
NEXT_TOKEN_LAYER, NEXT_TOKEN_HEAD, PREVIOUS_TOKEN_HEAD_LAYER_1 = 1, 8, 9


def _softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    exps = [math.exp(x - top) for x in xs]
    return [e / sum(exps) for e in exps]


def _toy_scores(query: list[float], scaled: bool = True) -> list[float]:
    scale = math.sqrt(len(query)) if scaled else 1.0
    return [sum(a * b for a, b in zip(query, key, strict=True)) / scale for key in TOY_KEYS.values()]


def _as_floats(answer, length: int) -> list[float] | None:
    """Return the answer as `length` floats, or None if it is not that."""
    try:
        values = [float(x) for x in list(answer)]
    except (TypeError, ValueError):
        return None
    return values if len(values) == length else None


def _close(a: list[float], b: list[float], tol: float = 0.01) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def check_toy_weights(answer) -> Feedback:
    """Exercise: the attention weights of the query 'puppy' over the keys cat, dog, car."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 3)
    if got is None:
        return wrong("give three numbers, one weight per key (cat, dog, car), e.g. [0.2, 0.3, 0.5].")
    expected = _softmax(_toy_scores(TOY_PUPPY))
    if _close(got, expected):
        return right(f"weights {[round(w, 4) for w in expected]}: scores [2, 2, 1] / 2, then softmax.")
    if _close(got, _softmax(_toy_scores(TOY_PUPPY, scaled=False))):
        return wrong("those are the weights of the unscaled scores: divide the scores by sqrt(d) = 2 first.")
    if _close(got, _toy_scores(TOY_PUPPY)) or _close(got, _toy_scores(TOY_PUPPY, scaled=False)):
        return wrong("those are scores, not weights: apply softmax to the scaled scores.")
    if abs(sum(got) - 1) > 0.01:
        return wrong(f"your weights add up to {sum(got):.3f}; softmax gives weights that add up to 1.")
    return wrong("compute each score q·k (q = puppy), divide by sqrt(4) = 2, then take the softmax.")


def check_toy_output(answer) -> Feedback:
    """Exercise: the output (a weighted sum of the values) of the query 'puppy'."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 2)
    if got is None:
        return wrong("give two numbers (legs, wheels): the output has the shape of one value.")
    weights = _softmax(_toy_scores(TOY_PUPPY))
    values = list(TOY_VALUES.values())
    expected = [sum(w * v[i] for w, v in zip(weights, values, strict=True)) for i in range(2)]
    if _close(got, expected):
        return right(f"output {[round(x, 4) for x in expected]}: mostly legs, a little wheel.")
    if _close(got, values[0]):
        return wrong("that is a hard look-up (the best key's value alone): weight every value instead.")
    if _close(got, [sum(v[i] for v in values) / 3 for i in range(2)]):
        return wrong("that is a plain average: weight each value by its attention weight.")
    return wrong("multiply each value by its weight (from exercise 1) and add the three products.")


def check_masked_weights(answer) -> Feedback:
    """Exercise: the weights of the query 'kitten' when the key 'cat' is masked out."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 3)
    if got is None:
        return wrong("give three numbers, one weight per key (cat, dog, car), the masked one included.")
    expected = [0.0, *_softmax(_toy_scores(TOY_KITTEN)[1:])]
    if _close(got, expected):
        return right(f"weights {[round(w, 4) for w in expected]}: the masked key gets exactly 0 and "
                     "softmax shares everything between the others.")
    if abs(got[0]) > 1e-6:
        return wrong("a masked key gets a score of -inf, so its weight is exactly 0: the first number must be 0.")
    if abs(sum(got) - 1) > 0.01:
        return wrong(f"your weights add up to {sum(got):.3f}: masking happens before softmax, "
                     "so the remaining weights still add up to 1.")
    return wrong("take the scaled scores of dog and car only (the cat score becomes -inf), then softmax.")


def check_previous_token_head(answer) -> Feedback:
    """Exercise: which head of layer 1 attends most to the previous token (pronoun sentence)?"""
    if (fb := unanswered(answer)) is not None:
        return fb
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong("give one head number, an int from 0 to 11.")
    if not 0 <= answer <= 11:
        return wrong(f"layer 1 has heads 0 to 11; {answer} is not one of them.")
    if answer == PREVIOUS_TOKEN_HEAD_LAYER_1:
        return right(f"head {answer} of layer 1 gives the previous token the largest share "
                     "(about 0.30: much less than layer 0's head 2, which gives it 1.00).")
    if answer == NEXT_TOKEN_HEAD:
        return wrong("that head looks mostly at the next token; we want the previous one (offset=-1).")
    if answer == 2:
        return wrong("head 2 is the previous-token head of layer 0; look at layer 1: run.weights[1].")
    return wrong("for each head h compute np.diagonal(run.weights[1, h], offset=-1).mean() "
                 "and take the head with the largest value.")


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_toy_weights",
    "check_toy_output",
    "check_masked_weights",
    "check_previous_token_head",
)
