"""Lesson 4's checks: the right answer passes in every form a student may give it (int, NumPy
or torch integer, text in any case); each plausible wrong answer gets its own hint (never the
generic one, never "Correct"); every check has a ladder of two hints; none raises."""

import math
import re

import numpy as np
import torch
from exercise_harness import assert_specific_hints, generic_hint
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.layers import exercises as ex
from helpers.layers import reference

CHECKS = [getattr(ex, name) for name in ex.CHECKS]
D, INNER = 384, 1536


def test_checks_are_listed_in_notebook_order():
    assert ex.CHECKS == ("check_feed_forward_parameters", "check_residual_change", "check_causal_zeros",
                         "check_head_output", "check_mixing_step", "check_layer_parameters")


def test_checks_wait_for_an_answer(model):
    for check in CHECKS:
        others = (model,) if check is ex.check_head_output else ()
        assert check(..., *others).correct is None


# --- exercise 1: predict the feed-forward block's parameters -------------------------------


def test_feed_forward_parameters():
    c, right = ex.check_feed_forward_parameters, D * INNER + INNER + INNER * D + D
    assert c(right).correct and c(np.int64(right)).correct and c(torch.tensor(right)).correct
    assert c(1_181_568).correct and right == reference.FEED_FORWARD_PARAMETERS
    assert_specific_hints(c, {
        "weights only, no biases": 2 * D * INNER,
        "one matrix": D * INNER,
        "the first Linear only": D * INNER + INNER,
        "1,536 biases twice": 2 * D * INNER + 2 * INNER,
        "384 biases twice": 2 * D * INNER + 2 * D,
        "the vector sizes added": D + INNER + D,
        "the whole layer": reference.LAYER_PARAMETERS,
        "a float": float(right),
        "text": "1181568",
        "a bool": True,
    }, generic_hint(c, 12345))


# --- exercise 2: predict what removing the residuals does ----------------------------------


def test_residual_change():
    c = ex.check_residual_change
    assert c("a lot").correct and c("A lot").correct and c("  a  LOT ").correct and c("lot").correct
    assert_specific_hints(c, {
        "a little": "a little",
        "a bit": "A bit",
        "nothing": "nothing",
        "no change": "no change",
        "a number": 0.5,
    }, generic_hint(c, "maybe"))


# --- exercise 3: predict how many weights the causal mask zeroes ---------------------------


def test_causal_zeros():
    c, n = ex.check_causal_zeros, reference.CAUSAL_TOKENS
    assert c(120).correct and c(np.int64(120)).correct and c(torch.tensor(120)).correct
    assert_specific_hints(c, {
        "the diagonal counted": n * (n + 1) // 2,
        "every weight": n * n,
        "both sides of the diagonal": n * (n - 1),
        "half the grid": n * n // 2,
        "the first row only": n - 1,
        "[CLS] and [SEP] left out": (n - 2) * (n - 3) // 2,
        "off by one token": (n - 1) * (n - 2) // 2,
        "nothing hidden": 0,
    }, generic_hint(c, 77))
    not_whole = c("120").message
    assert "whole number" in not_whole and c(120.0).message == not_whole == c(True).message


def test_the_sentence_has_causal_tokens(tokenizer):
    from helpers.attention.reference import ATTENTION_EXAMPLE

    assert len(tokenizer(ATTENTION_EXAMPLE)["input_ids"]) == reference.CAUSAL_TOKENS


# --- exercise 4: write one head -------------------------------------------------------------


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


def test_head_output_names_every_plausible_mistake(model):
    def no_transpose(x, layer, head, mask=None):
        sa = layer.attention.self
        cols = slice(head * 32, (head + 1) * 32)
        q, k, v = (x @ m.weight[:, cols] + m.bias[cols] for m in (sa.query, sa.key, sa.value))
        scores = q @ k.T / math.sqrt(32)
        if mask is not None:
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, -1) @ v

    def with_mistake(**mistake):
        return lambda *a: one_head(*a, **mistake)

    def check(answer):
        return ex.check_head_output(answer, model)

    assert_specific_hints(check, {
        "unscaled scores": with_mistake(scale=False),
        "no biases": with_mistake(bias=False),
        "the mask ignored": with_mistake(use_mask=False),
        "softmax over the queries": with_mistake(dim=0),
        "the weights, not the output": with_mistake(out=False),
        "columns of W instead of rows": no_transpose,
    }, re.compile(r"on .*, the values differ from the reference by up to .*"))


def test_head_output_other_failures_name_the_input(model):
    wrong_shape = ex.check_head_output(lambda x, layer, head, mask=None: torch.zeros(1, len(x), 32), model)
    assert wrong_shape.correct is False and "shape (1, 5, 32)" in wrong_shape.message
    raises = ex.check_head_output(lambda x, layer, head, mask=None: 1 / 0, model)
    assert raises.correct is False and "ZeroDivisionError" in raises.message
    assert ex.check_head_output(lambda x, layer, head, mask=None: None, model).correct is None
    assert ex.check_head_output(42, model).correct is False


def test_head_output_cases_cover_masks_and_layers(model):
    labels = " ".join(label for label, _ in reference.head_output_cases(model))
    assert "masked" in labels and "causal" in labels and "layer 5" in labels and "head 11" in labels


# --- exercise 5: where tokens exchange information -----------------------------------------


def test_mixing_step():
    c = ex.check_mixing_step
    assert c("weights @ V").correct and c("Weights @ v").correct and c("attention").correct
    assert_specific_hints(c, {
        "the projections": "Q, K, V projections",
        "W_O": "W_O",
        "LayerNorm": "residual + LayerNorm",
        "feed-forward": "feed-forward",
        "not text": 3,
    }, generic_hint(c, "the embeddings"))
    assert "feed-forward" in ex.MIXING_STEPS and len(ex.MIXING_STEPS) == 5


def test_only_attention_mixes_tokens(model):
    """The claim behind exercise 4: change one token's input, and before `weights @ V` only its
    own row changes; from `weights @ V` on, the other tokens' rows change too."""
    from helpers.layers.compute import layer_parts

    gen = torch.Generator().manual_seed(0)
    x = torch.randn(1, 6, D, generator=gen)
    changed = x.clone()
    changed[0, 4] += 1.0
    with torch.no_grad():
        a, b = (layer_parts(model.encoder.layer[2], t, None, 12) for t in (x, changed))
    others = [0, 1, 2, 3, 5]
    assert (a["q"] - b["q"])[..., others, :].abs().max() < 1e-6
    assert (a["heads"] - b["heads"])[..., others, :].abs().max() > 1e-3


# --- exercise 6: a whole layer's parameters --------------------------------------------------


def test_layer_parameters():
    c, right = ex.check_layer_parameters, 4 * (D * D + D) + (D * INNER + INNER + INNER * D + D) + 2 * (D + D)
    assert right == reference.LAYER_PARAMETERS
    assert c(right).correct and c(np.int64(right)).correct and c(torch.tensor(right)).correct
    assert_specific_hints(c, {
        "the feed-forward block only": reference.FEED_FORWARD_PARAMETERS,
        "attention only": reference.ATTENTION_PARAMETERS,
        "no LayerNorms": right - 4 * D,
        "Q only, no K, V, W_O": right - 3 * (D * D + D),
        "W_O forgotten": right - (D * D + D),
        "all six layers": 6 * right,
        "the whole model": reference.MODEL_PARAMETERS,
        "a float": float(right),
        "text": str(right),
    }, generic_hint(c, 12345))


@settings(max_examples=30, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=8), st.booleans(),
                 st.lists(st.floats(allow_nan=True), max_size=4)))
def test_checks_never_raise(answer):
    for check in CHECKS:
        if check is not ex.check_head_output:
            assert check(answer).correct in (True, False)
