"""Lesson 3's checks: the right answer passes in every form a student may give it (list,
tensor, NumPy or torch integer); each common wrong answer gets its own hint (not the generic
one, never "Correct"); every check has a ladder of two hints; none raises."""

import math
import re

import numpy as np
import pytest
import torch
from exercise_harness import assert_specific_hints, generic_hint
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.attention import exercises as ex
from helpers.attention import reference
from helpers.attention.compute import run_attention

CHECKS = [getattr(ex, name) for name in ex.CHECKS]


def softmax(xs):
    exps = [math.exp(x) for x in xs]
    return [e / sum(exps) for e in exps]


def generic(check, *others):
    """The message a check gives an answer it does not recognise."""
    odd = {ex.check_unscaled_top_weight: "high", ex.check_previous_token_head: 5,
           ex.check_masked_weights: [0.5, 0.0, 0.5]}.get(check, [0.11, 0.22, 0.67])
    if check is ex.check_toy_output:
        odd = [1.0, 1.0]
    if check is ex.check_attention_by_hand:
        return check(lambda q, k, v, mask=None: torch.zeros(*q.shape[:-1], v.shape[-1])).message
    return check(odd).message


def assert_specific(check, answer, contains, *others):
    feedback = check(answer, *others)
    assert feedback.correct is False, (answer, feedback)
    assert feedback.message != generic(check, *others), (answer, feedback)
    assert contains in feedback.message, (answer, feedback.message)


def test_checks_are_listed_in_notebook_order():
    assert ex.CHECKS == ("check_masked_weights", "check_unscaled_top_weight", "check_toy_weights",
                         "check_toy_output", "check_attention_by_hand", "check_previous_token_head")


def test_checks_wait_for_an_answer():
    for check in CHECKS:
        assert check(...).correct is None


# --- exercise 1: predict the weights with dog masked ------------------------------------


def test_masked_weights(model):
    c = ex.check_masked_weights
    before = softmax([1.0, 0.5, 0.0])
    assert c([0.7311, 0.0, 0.2689]).correct
    assert c(torch.tensor([0.7311, 0.0, 0.2689])).correct
    assert c(np.array([0.7311, 0.0, 0.2689])).correct
    assert_specific(c, before, "without the mask")  # the mask forgotten
    assert_specific(c, [before[0], 0.0, before[2]], "add up to")  # zeroed, not renormalised
    assert_specific(c, [before[0] + before[1], 0.0, before[2]], "best key")  # all of dog's to cat
    assert_specific(c, [before[0] + before[1] / 2, 0.0, before[2] + before[1] / 2], "not split evenly")
    assert_specific(c, softmax([2.0, -50, 0.0]), "unscaled")
    assert_specific(c, [[0.7311, 0.0, 0.2689]], "shape (1, 3)")  # (1, n) instead of (n,)
    assert_specific(c, [0.6, 0.1, 0.3], "exactly 0")
    assert_specific(c, "abc", "three numbers")


# --- exercise 2: predict the largest weight of unscaled scores at d = 384 -----------------


def test_unscaled_top_weight_is_the_notebooks_measurement():
    """Section 5's seeded measurement, recomputed as the notebook's cell does it."""
    generator = torch.Generator().manual_seed(0)
    for dim in [4, 32, 384]:
        qs = torch.randn(1000, 1, dim, generator=generator)
        ks = torch.randn(1000, 10, dim, generator=generator)
        top = torch.softmax((qs * ks).sum(-1), -1).max(-1).values.mean().item()
    assert round(top, 3) == reference.UNSCALED_TOP_WEIGHT_384


def test_unscaled_top_weight():
    c = ex.check_unscaled_top_weight
    assert c(0.95).correct and c(0.944).correct and c(1).correct and c(np.float32(0.9)).correct
    assert c(torch.tensor(0.9)).correct
    not_a_number = generic_hint(c, "high")
    assert_specific_hints(c, {
        "uniform": 0.1,
        "the scaled value": 0.32,
        "half": 0.6,
        "more than 1": 1.5,
        "negative": -0.2,
    }, not_a_number)
    for answer in ("0.95", [0.9], True, float("nan")):
        assert c(answer).message == not_a_number


# --- exercises 3 and 4: the toy by hand ----------------------------------------------------


def test_toy_weights_hints():
    c = ex.check_toy_weights
    assert c([0.3837, 0.3837, 0.2327]).correct
    assert c(torch.softmax(torch.tensor([1.0, 1.0, 0.5]), 0)).correct
    assert_specific(c, [0.4223, 0.4223, 0.1554], "divide the scores by sqrt(d)")  # unscaled
    assert_specific(c, [1, 1, 0.5], "scores, not weights")
    assert_specific(c, [2, 2, 1], "scores, not weights")
    assert_specific(c, [0.5065, 0.3072, 0.1863], "kitten")  # the wrong query
    assert_specific(c, [0.5, 0.5, 0.5], "add up to")
    assert_specific(c, [[0.3837, 0.3837, 0.2327]], "shape (1, 3)")
    assert_specific(c, "abc", "three numbers")
    assert_specific(c, 3, "three numbers")


def test_toy_output_hints():
    c = ex.check_toy_output
    assert c([3.0692, 0.9308]).correct and c(torch.tensor([3.0692, 0.9308])).correct
    assert_specific(c, [4, 0], "hard look-up")
    assert_specific(c, [8 / 3, 4 / 3], "plain average")
    assert_specific(c, [3.2547, 0.7453], "kitten")
    assert_specific(c, [3.3784, 0.6216], "unscaled")
    assert_specific(c, [[3.0692, 0.9308]], "shape (1, 2)")
    assert_specific(c, [1, 2, 3], "two numbers")


# --- exercise 5: attention with the softmax written out ---------------------------------


def attention_by_hand(q, k, v, mask=None, scale=True, use_mask=True, stable=True, dim=-1, out=True):
    scores = q @ k.transpose(-2, -1) / (math.sqrt(q.shape[-1]) if scale else 1)
    if mask is not None and use_mask:
        scores = scores.masked_fill(~mask, float("-inf"))
    if stable:
        scores = scores - scores.amax(dim, keepdim=True)
    exps = scores.exp()
    w = exps / exps.sum(dim, keepdim=True)
    return w @ v if out else w


def test_attention_by_hand_accepts_a_right_function():
    c = ex.check_attention_by_hand
    assert c(attention_by_hand).correct
    assert c(lambda q, k, v, mask=None: attention_by_hand(q, k, v, mask).numpy()).correct  # NumPy is fine
    assert c(lambda q, k, v, mask=None: reference.reference_attention(q, k, v, mask)).correct


def test_attention_by_hand_names_every_plausible_mistake():
    def with_mistake(**mistake):
        return lambda q, k, v, mask=None: attention_by_hand(q, k, v, mask, **mistake)

    def my_attention_pair(q, k, v, mask=None):  # section 3's function returns (output, weights)
        return attention_by_hand(q, k, v, mask), attention_by_hand(q, k, v, mask, out=False)

    generic = re.compile(r"on .*, the values differ from the reference by up to .*")
    assert_specific_hints(ex.check_attention_by_hand, {
        "exp() overflows: no max subtracted": with_mistake(stable=False),
        "unscaled scores": with_mistake(scale=False),
        "the mask ignored": with_mistake(use_mask=False),
        "softmax over the queries": with_mistake(dim=-2),
        "the weights, not the output": with_mistake(out=False),
        "(output, weights) like my_attention": my_attention_pair,
    }, generic)
    assert "amax" in ex.check_attention_by_hand(with_mistake(stable=False)).message


def test_attention_by_hand_other_failures_name_the_input():
    c = ex.check_attention_by_hand
    wrong_shape = c(lambda q, k, v, mask=None: torch.zeros(7))
    assert wrong_shape.correct is False and "shape (7,)" in wrong_shape.message
    raises = c(lambda q, k, v, mask=None: 1 / 0)
    assert raises.correct is False and "ZeroDivisionError" in raises.message
    assert c(lambda q, k, v, mask=None: None).correct is None
    assert c(42).correct is False


def test_attention_cases_cover_masks_and_overflow():
    cases = reference.attention_cases()
    labels = " ".join(label for label, _ in cases)
    assert "masked" in labels and "causal" in labels and "hundreds" in labels
    q, k, _, _ = cases[-1][1]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    assert scores.max() > 89  # e^89 overflows float32: the naive softmax gives nan here
    assert torch.isnan(scores.exp() / scores.exp().sum(-1, keepdim=True)).any()


# --- exercise 6: layer 1's previous-token head ----------------------------------------------


@pytest.fixture(scope="module")
def run(model, tokenizer):
    return run_attention(model, tokenizer, reference.ATTENTION_EXAMPLE)


def test_previous_token_head_constants_match_the_model(run):
    shares = [np.diagonal(m, offset=-1).mean() for m in run.weights[1]]
    nxt = [np.diagonal(m, offset=1).mean() for m in run.weights[reference.NEXT_TOKEN_LAYER]]
    assert int(np.argmax(shares)) == reference.PREVIOUS_TOKEN_HEAD_LAYER_1
    assert int(np.argmax(nxt)) == reference.NEXT_TOKEN_HEAD
    layer_0 = [np.diagonal(m, offset=-1).mean() for m in run.weights[0]]
    assert int(np.argmax(layer_0)) == reference.PREVIOUS_TOKEN_HEAD_LAYER_0
    assert run.weights.shape[1] == reference.COURSE_HEADS


def test_previous_token_head_hints(run):
    c = ex.check_previous_token_head
    shares = [np.diagonal(run.weights[1, h], offset=-1).mean() for h in range(12)]
    assert c(9).correct and c(np.argmax(shares)).correct and c(torch.tensor(9)).correct
    assert c(np.int32(9)).correct
    assert_specific(c, 8, "next token")
    assert_specific(c, np.int64(8), "next token")
    assert_specific(c, 2, "layer 0")  # the right head for the wrong layer
    assert_specific(c, shares, "np.argmax")  # the shares, not the head
    assert_specific(c, "9", "int from 0 to 11")
    assert_specific(c, 9.0, "int from 0 to 11")
    assert_specific(c, True, "int from 0 to 11")
    assert_specific(c, 12, "heads 0 to 11")
    assert "np.diagonal" in c(0).message


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=5),
                 st.lists(st.floats(allow_nan=True), max_size=4), st.booleans(),
                 st.lists(st.lists(st.floats(allow_nan=True), max_size=3), max_size=2)))
def test_checks_never_raise(answer):
    for check in CHECKS:
        if check is not ex.check_attention_by_hand:
            assert check(answer).correct in (True, False)
