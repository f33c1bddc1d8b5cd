"""Lesson 4's exercise checks: the written-out answers match the real model, every wrong answer
gets a specific hint, odd answers never raise, and every solution in the notebook passes."""

import copy
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.training.compute import apply_strategy, count_parameters, set_trainable_blocks
from helpers.training.exercises import (
    HEAD_ONLY_3_LABELS,
    LAST_LAYER_AND_HEAD,
    TOOL_ROLES,
    check_head_only_count,
    check_last_layer_and_head,
    check_optimizer_params,
    check_tools,
)

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04_freezing.ipynb"
CHECKS = [check_head_only_count, check_last_layer_and_head, check_tools,
          lambda a: check_optimizer_params(a, None)]


@pytest.fixture(scope="module")
def pristine():
    from helpers.models import load_model

    return load_model("classifier", num_labels=2)


@pytest.fixture
def model(pristine):
    return copy.deepcopy(pristine)


def test_written_out_answers_match_the_real_model():
    from helpers.models import load_model

    three = load_model("classifier", num_labels=3)
    apply_strategy(three, "head only")
    assert count_parameters(three)[0] == HEAD_ONLY_3_LABELS == 1155


def test_every_check_says_not_answered_for_the_placeholder():
    for check in CHECKS:
        assert check(...).correct is None


@settings(max_examples=30, deadline=None)
@given(answer=st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=True), st.booleans(),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(), st.text(), max_size=3)))
def test_odd_answers_get_a_hint_never_an_exception(answer):
    for check in CHECKS:
        feedback = check(answer)
        assert feedback.correct is not True or answer == HEAD_ONLY_3_LABELS
        assert feedback.message


def test_head_count_hints_are_specific():
    assert check_head_only_count(1155).correct
    assert "3 labels" not in check_head_only_count(770).message and "how many labels" in check_head_only_count(770).message
    assert "bias" in check_head_only_count(1152).message
    assert "pooler included" in check_head_only_count(148_995).message
    assert "whole number" in check_head_only_count("1155").message


def test_last_layer_check_accepts_the_solution_and_names_each_mistake(model):
    set_trainable_blocks(model, ["layer 5", "classifier"])
    assert check_last_layer_and_head(model).correct
    assert str(LAST_LAYER_AND_HEAD)[:1] in check_last_layer_and_head(model).message
    cases = {
        ("layer 5",): "classifier is frozen",
        ("layer 5", "classifier", "embeddings"): "embeddings are still trainable",
        ("layer 5", "classifier", "pooler"): "pooler is still trainable",
        ("classifier",): "layer 5 (the last encoder layer) is frozen",
        ("layer 1", "layer 5", "classifier"): "earlier encoder layer",
    }
    for blocks, hint in cases.items():
        set_trainable_blocks(model, blocks)
        feedback = check_last_layer_and_head(model)
        assert feedback.correct is False and hint in feedback.message, (blocks, feedback)
    set_trainable_blocks(model, ["layer 5", "classifier"])
    model.bert.encoder.layer[5].output.dense.weight.requires_grad = False
    assert "still frozen" in check_last_layer_and_head(model).message
    assert "classifier model itself" in check_last_layer_and_head(torch.nn.Linear(2, 2)).message


def test_optimizer_check_names_frozen_and_missing_tensors(model):
    apply_strategy(model, "pooler + head")
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert check_optimizer_params(torch.optim.AdamW(trainable, lr=1e-3), model).correct
    assert "101 frozen tensors" in check_optimizer_params(torch.optim.AdamW(model.parameters()), model).message
    assert "missing" in check_optimizer_params(torch.optim.AdamW(trainable[:2]), model).message
    other = torch.nn.Linear(2, 2)
    assert "not this model's" in check_optimizer_params(torch.optim.AdamW([*trainable, other.weight]), model).message
    assert "build an optimizer" in check_optimizer_params("AdamW", model).message
    assert "second argument" in check_optimizer_params(torch.optim.AdamW(trainable), None).message


def test_tools_check_accepts_spellings_and_explains_mix_ups():
    assert check_tools(dict(TOOL_ROLES)).correct
    spelled = {"turns off dropout": "model.eval()",
               "stops gradients into chosen weights, while others still learn": "param.requires_grad = False",
               "builds no graph at all, so nothing can learn": "with torch.no_grad():"}
    assert check_tools(spelled).correct
    swapped = dict(TOOL_ROLES, **{"turns off dropout": "requires_grad"})
    assert "dropout still runs" in check_tools(swapped).message
    swapped = dict(TOOL_ROLES, **{"builds no graph at all, so nothing can learn": "eval"})
    assert "gradients still flow" in check_tools(swapped).message
    assert "one of" in check_tools(dict(TOOL_ROLES, **{"turns off dropout": "dropout"})).message
    assert check_tools(dict(TOOL_ROLES, **{"turns off dropout": ...})).correct is None
    assert "keep the dictionary" in check_tools({"x": "eval"}).message
