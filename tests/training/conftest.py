"""Lesson 4's fixtures: the 5-topic classifier (loaded once, never changed by a test: tests
take copies), both tasks tokenized, and their cached features."""

import copy

import pytest
import torch

from helpers.training.compute import TASKS, encode_splits, load_task
from helpers.training.features import cache_features


@pytest.fixture(scope="session")
def pristine():
    from helpers.models import load_model

    torch.manual_seed(0)
    return load_model("classifier", num_labels=len(TASKS["topics"][1]))


@pytest.fixture
def classifier(pristine):
    """A copy of the course classifier that a test may change."""
    return copy.deepcopy(pristine)


@pytest.fixture(scope="session")
def encoded(tokenizer):
    return {task: encode_splits(tokenizer, load_task(task)) for task in TASKS}


@pytest.fixture(scope="session")
def features(pristine, encoded):
    return {task: {split: cache_features(pristine, part) for split, part in splits.items()}
            for task, splits in encoded.items()}


@pytest.fixture(scope="session")
def all_runs(pristine, features):
    """Every learning-curve run the lesson shows: the frozen strategies live (as the notebook
    runs them), full fine-tuning from helpers/data/recorded_curves.csv."""
    import pandas as pd

    from helpers.training.curves import LIVE, frozen_curve, load_recorded

    live = [frozen_curve(pristine, features[task], task, s) for task in TASKS for s in LIVE]
    recorded = load_recorded()
    return pd.concat([*live, recorded[recorded["strategy"] == "full fine-tuning"]], ignore_index=True)
