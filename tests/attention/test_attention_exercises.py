"""Lesson 3's checks: the right answer passes in every form a student may give it (list,
tensor, NumPy or torch integer); each common wrong answer gets its own hint (not the generic
one, never "Correct"); every check has a ladder of two hints; none raises."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.attention import exercises as ex
from helpers.attention import reference
from helpers.attention.compute import run_attention
from helpers.feedback import Hint

CHECKS = [getattr(ex, name) for name in ex.CHECKS]


def softmax(xs):
    exps = [math.exp(x) for x in xs]
    return [e / sum(exps) for e in exps]


def generic(check, *others):
    """The message a check gives an answer it does not recognise."""
    odd = {ex.check_causal_zeros: 77, ex.check_previous_token_head: 5,
           ex.check_masked_weights: [0.5, 0.0, 0.5]}.get(check, [0.11, 0.22, 0.67])
    if check is ex.check_toy_output:
        odd = [1.0, 1.0]
    if check is ex.check_head_output:
        return check(lambda x, layer, head, mask=None: torch.zeros(len(x), 32), *others).message
    return check(odd).message


def assert_specific(check, answer, contains, *others):
    feedback = check(answer, *others)
    assert feedback.correct is False, (answer, feedback)
    assert feedback.message != generic(check, *others), (answer, feedback)
    assert contains in feedback.message, (answer, feedback.message)


def test_checks_are_listed_in_notebook_order():
    assert ex.CHECKS == ("check_masked_weights", "check_causal_zeros", "check_toy_weights",
                         "check_toy_output", "check_head_output", "check_previous_token_head")


@pytest.mark.parametrize("check", CHECKS, ids=ex.CHECKS)
def test_every_check_has_a_ladder_of_two_hints(check):
    assert len(check.hints) == 2
    first, second = check.hint(), check.hint(2)
    assert isinstance(first, Hint) and repr(first).startswith("💡 Hint 1 of 2")
    assert repr(second).startswith("💡 Hint 2 of 2") and second.text != first.text
    assert check.hint(9).level == 2  # asking too far gives the last hint


def test_checks_wait_for_an_answer(model):
    for check in CHECKS:
        others = (model,) if check is ex.check_head_output else ()
        assert check(..., *others).correct is None


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


# --- exercise 2: predict how many weights the causal mask zeroes --------------------------


def test_causal_zeros():
    c, n = ex.check_causal_zeros, reference.CAUSAL_TOKENS
    assert c(120).correct and c(np.int64(120)).correct and c(torch.tensor(120)).correct
    assert_specific(c, n * (n + 1) // 2, "diagonal")
    assert_specific(c, n * n, "not every weight")
    assert_specific(c, n * (n - 1), "both sides")
    assert_specific(c, n * n // 2, "half the grid")
    assert_specific(c, n - 1, "first token's row")
    assert_specific(c, (n - 1) * (n - 2) // 2, "all 16 tokens")  # off by one token
    assert_specific(c, 0, "does hide")
    assert_specific(c, 120.0, "whole number")  # a float
    assert_specific(c, "120", "whole number")
    assert_specific(c, True, "whole number")


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


# --- exercise 5: write one head -------------------------------------------------------------


def one_head(x, layer, head, mask=None, scale=True, bias=True, use_mask=True, dim=-1, out=True):
    sa = layer.attention.self
    rows = slice(head * 32, (head + 1) * 32)
    q, k, v = ((x @ m.weight[rows].T + (m.bias[rows] if bias else 0)) for m in (sa.query, sa.key, sa.value))
    scores = q @ k.T / (math.sqrt(32) if scale else 1)
    if mask is not None and use_mask:
        scores = scores.masked_fill(~mask, float("-inf"))
    w = torch.softmax(scores, dim=dim)
    return w @ v if out else w


def test_head_output_accepts_a_right_function(model):
    assert ex.check_head_output(one_head, model).correct
    assert ex.check_head_output(lambda *a: one_head(*a).detach().numpy(), model).correct  # NumPy is fine


@pytest.mark.parametrize(("mistake", "contains"), [
    ({"scale": False}, "not scaled"),
    ({"bias": False}, "biases"),
    ({"use_mask": False}, "ignores the mask"),
    ({"dim": 0}, "last axis"),
    ({"out": False}, "weights @ v"),
])
def test_head_output_names_the_mistake(model, mistake, contains):
    assert_specific(ex.check_head_output, lambda *a: one_head(*a, **mistake), contains, model)


def test_head_output_other_failures_name_the_input(model):
    def no_transpose(x, layer, head, mask=None):
        sa = layer.attention.self
        cols = slice(head * 32, (head + 1) * 32)
        q, k, v = (x @ m.weight[:, cols] + m.bias[cols] for m in (sa.query, sa.key, sa.value))
        scores = q @ k.T / math.sqrt(32)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, -1) @ v

    assert_specific(ex.check_head_output, no_transpose, "(out, in)", model)
    wrong_shape = ex.check_head_output(lambda x, layer, head, mask=None: torch.zeros(1, len(x), 32), model)
    assert wrong_shape.correct is False and "shape (1, 5, 32)" in wrong_shape.message
    raises = ex.check_head_output(lambda x, layer, head, mask=None: 1 / 0, model)
    assert raises.correct is False and "ZeroDivisionError" in raises.message
    assert ex.check_head_output(lambda x, layer, head, mask=None: None, model).correct is None
    assert ex.check_head_output(42, model).correct is False


def test_head_output_cases_cover_masks_and_layers(model):
    cases = reference.head_output_cases(model)
    labels = " ".join(label for label, _ in cases)
    assert "masked" in labels and "causal" in labels and "layer 5" in labels and "head 11" in labels


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
        if check is not ex.check_head_output:
            assert check(answer).correct in (True, False)
