"""Lesson 5's fixtures: the 5-topic classifier (loaded once, never changed by a test: tests
take copies), both tasks tokenized, their cached features, and the learning curves (the live
ones computed in a background job, see training_support.py)."""

import copy

import pytest
from training_support import LIVE_CURVES, encode_tasks, pristine_classifier, task_features


@pytest.fixture(scope="session")
def pristine():
    return pristine_classifier()


@pytest.fixture
def classifier(pristine):
    """A copy of the course classifier that a test may change."""
    return copy.deepcopy(pristine)


@pytest.fixture(scope="session")
def encoded(tokenizer):
    return encode_tasks(tokenizer)


@pytest.fixture(scope="session")
def features(pristine, encoded):
    return task_features(pristine, encoded)


@pytest.fixture(scope="module")
def all_runs(background):
    """Every learning-curve run the lesson shows: the frozen strategies live (as the notebook
    runs them; a background job), full fine-tuning from helpers/data/recorded_curves.csv.
    (A module that reads it names `training_support.background_jobs` as its own.)"""
    import pandas as pd

    from helpers.training.curves import load_recorded

    done = background(LIVE_CURVES)
    assert done.returncode == 0, f"the live curves did not run:\n{done.tail()}"
    recorded = load_recorded()
    return pd.concat([pd.read_pickle(done.out), recorded[recorded["strategy"] == "full fine-tuning"]],
                     ignore_index=True)
