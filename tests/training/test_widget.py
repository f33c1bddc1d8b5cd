"""Lesson 4's freezing panel, driven from Python: ticking boxes redraws the bar without touching
the model; each click trains a fresh copy (never the model given, never the last click's copy)
at a learning rate suited to what trains, and reports training and validation accuracy."""

import re

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.training.compute import block_names, strategy_blocks
from helpers.training.fitting import LEARNING_RATES, learning_rate_for
from helpers.training.widget import FreezingPanel, freezing_bar_html, train_choice


@pytest.fixture(scope="module")
def small(encoded):
    return {"train": encoded["topics"]["train"].subset(16), "validation": encoded["topics"]["validation"].subset(10)}


@pytest.fixture(scope="module")
def panel(pristine, small):
    return FreezingPanel(None, pristine, small, train_examples=16, epochs=1)


def flags(model):
    return [p.requires_grad for p in model.parameters()]


def set_choice(panel, chosen):
    for name, box in panel.controls.items():
        box.value = name in chosen


def test_panel_has_its_class_and_a_box_per_block(panel, pristine):
    assert "freezing-panel" in panel.view._dom_classes
    assert list(panel.controls) == block_names(pristine)
    assert set(panel.outputs) == {"summary", "report"}


def test_building_and_ticking_never_change_the_model(pristine, small):
    before = flags(pristine)
    panel = FreezingPanel(None, pristine, small)
    set_choice(panel, ["classifier"])
    assert flags(pristine) == before
    assert "trainable</b> 1,925" in panel.outputs["summary"].value


def test_freezing_everything_answers_in_words_and_cannot_train(panel):
    set_choice(panel, [])
    assert panel.button.disabled and "Nothing would train" in panel.outputs["summary"].value
    assert "Nothing would train" in panel.train()


def test_a_frozen_classifier_is_pointed_out(panel):
    set_choice(panel, ["layer 5"])
    assert "classifier is frozen" in panel.outputs["summary"].value


def test_each_click_trains_a_fresh_copy_and_reports_both_accuracies(panel, pristine):
    before = [p.detach().clone() for p in pristine.parameters()]
    set_choice(panel, ["pooler", "classifier"])
    first = panel.train()
    second = panel.train()
    assert all(torch.equal(a, b) for a, b in zip(before, pristine.parameters(), strict=True))
    numbers = re.compile(r"training (\d\.\d{3}), validation (\d\.\d{3})")
    assert numbers.search(first) and numbers.findall(first) == numbers.findall(second)  # fresh each time
    assert "learning rate 0.003" in first and not panel.button.disabled


def test_learning_rates_suit_what_trains(pristine):
    for strategy in STRATEGIES_WITH_RATES:
        assert learning_rate_for(pristine, strategy_blocks(pristine, strategy)) == LEARNING_RATES[strategy]
    assert learning_rate_for(pristine, ["layer 5"]) == LEARNING_RATES["top layer + pooler + head"]
    assert learning_rate_for(pristine, ["embeddings", "classifier"]) == LEARNING_RATES["full fine-tuning"]


STRATEGIES_WITH_RATES = list(LEARNING_RATES)


def test_train_choice_is_deterministic_and_leaves_threads(pristine, small):
    threads = torch.get_num_threads()
    a = train_choice(pristine, small, ["classifier"], epochs=1)
    b = train_choice(pristine, small, ["classifier"], epochs=1)
    assert {k: v for k, v in a.items() if k != "seconds"} == {k: v for k, v in b.items() if k != "seconds"}
    assert torch.get_num_threads() == threads


def test_a_panel_without_data_says_so(pristine):
    panel = FreezingPanel(None, pristine)
    assert panel.button.disabled and "cannot train" in panel.train()


@settings(max_examples=15, deadline=None)
@given(st.sets(st.sampled_from(["embeddings", "layer 0", "layer 5", "pooler", "classifier"])))
def test_any_choice_updates_counts_that_add_up(panel, chosen):
    set_choice(panel, chosen)
    s = panel.summary
    assert s.trainable + s.frozen == s.total
    assert f"{s.trainable:,}" in panel.outputs["summary"].value


def test_bar_keeps_a_tiny_trainable_share_visible(panel):
    set_choice(panel, ["classifier"])
    html = freezing_bar_html(panel.summary)
    assert "width:0.60%" in html


def test_the_boxes_can_start_from_a_named_choice(pristine, small):
    panel = FreezingPanel(None, pristine, small, trainable=["pooler", "classifier"])
    assert [n for n, box in panel.controls.items() if box.value] == ["pooler", "classifier"]
    assert all(p.requires_grad for p in pristine.parameters())
    with pytest.raises(ValueError, match="No such block"):
        FreezingPanel(None, pristine, small, trainable=["layer 99"])
