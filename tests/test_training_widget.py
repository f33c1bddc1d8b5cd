"""Lesson 4's freezing panel, driven from Python: ticking boxes sets requires_grad and redraws
the bar at once; freezing everything is answered in words; the button trains one short epoch."""

import copy
import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.training.compute import count_parameters, encode_splits, load_reviews
from helpers.training.widget import FreezingPanel, freezing_bar_html

BLOCKS = ["embeddings", *[f"layer {i}" for i in range(6)], "pooler", "classifier"]


@pytest.fixture(scope="module")
def pristine():
    from helpers.models import load_model

    torch.manual_seed(0)
    return load_model("classifier", num_labels=2)


@pytest.fixture(scope="module")
def data():
    from helpers.models import load_tokenizer

    full = encode_splits(load_tokenizer(), load_reviews())
    return {"train": full["train"].subset(16), "validation": full["validation"].subset(16)}


@pytest.fixture(scope="module")
def panel(pristine, data):
    model = copy.deepcopy(pristine)
    for _, param in model.base_model.named_parameters():
        param.requires_grad = False
    root = FreezingPanel(None, model, data, train_examples=16)
    root.model = model
    return root


def set_choice(panel, chosen):
    for name in BLOCKS:
        panel.controls[name].value = name in chosen


def test_panel_has_its_class_and_a_box_per_block(panel):
    assert "freezing-panel" in panel.view._dom_classes
    assert all(name in panel.controls for name in BLOCKS)
    assert set(panel.outputs) == {"summary", "report"}
    assert "freezing-block-layer-5" in panel.controls["layer 5"]._dom_classes


def test_panel_starts_from_the_models_own_state(panel):
    ticked = [name for name in BLOCKS if panel.controls[name].value]
    assert ticked == ["classifier"]
    assert "770" in panel.outputs["summary"].value


def test_ticking_a_box_sets_requires_grad_and_redraws(panel):
    set_choice(panel, ["classifier"])
    panel.controls["pooler"].value = True
    assert count_parameters(panel.model)[0] == 148_610
    assert "148,610" in panel.outputs["summary"].value
    assert panel.model.bert.pooler.dense.weight.requires_grad


def test_freezing_everything_answers_in_words_and_cannot_train(panel):
    set_choice(panel, [])
    assert "Nothing would train" in panel.outputs["summary"].value
    assert panel.button.disabled
    assert "Nothing would train" in panel.train()


def test_a_frozen_classifier_is_pointed_out(panel):
    set_choice(panel, ["layer 5"])
    assert "classifier is frozen" in panel.outputs["summary"].value


def test_the_button_trains_one_short_epoch(panel):
    set_choice(panel, ["classifier"])
    before = panel.model.classifier.weight.detach().clone()
    panel.button.click()
    report = panel.outputs["report"].value
    assert re.search(r"One epoch on 16 sentences, 770 trainable parameters: [\d.]+ s\.", report), report
    assert "Validation accuracy" in report
    assert not torch.equal(before, panel.model.classifier.weight)
    assert not panel.button.disabled


def test_a_panel_without_data_says_so(pristine):
    root = FreezingPanel(None, copy.deepcopy(pristine))
    assert root.button.disabled
    assert "cannot train" in root.train()


@settings(max_examples=30, deadline=None)
@given(chosen=st.sets(st.sampled_from(BLOCKS)))
def test_any_choice_updates_counts_that_add_up(panel, chosen):
    set_choice(panel, chosen)
    summary = panel.update()
    assert summary.trainable + summary.frozen == 22_713_986
    assert summary.trainable == count_parameters(panel.model)[0]
    assert panel.button.disabled == (not chosen)
    html = panel.outputs["summary"].value
    assert "freezing-bar" in html and f"{summary.trainable:,}" in html


def test_bar_keeps_a_tiny_trainable_share_visible():
    from helpers.training import FreezeSummary

    html = freezing_bar_html(FreezeSummary(770, 22_713_216, 22_713_986, "x <b>"))
    assert "width:0.60%" in html and "x &lt;b&gt;" in html
    assert "width:0.00%" in freezing_bar_html(FreezeSummary(0, 10, 10, "none"))
