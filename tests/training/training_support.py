"""Lesson 5's test data, built the same way in the test process (tests/training/conftest.py)
and in the background job that runs the learning curves the lesson runs live.

The live curves (every frozen strategy in LIVE on both tasks, as the notebook runs them) take
the longest of lesson 5's tests and are only computed, never changed: they run in a background
job (tests/background.py) from the start of the test run, in their own process, while the
other tests run; the tests read the table it writes.
    python tests/training/training_support.py OUT.pkl
"""

import sys
from pathlib import Path

LIVE_CURVES = "lesson 5 live curves"


def pristine_classifier():
    """The 5-topic course classifier, its head initialised from seed 0."""
    import torch

    from helpers.models import load_model
    from helpers.training.compute import TASKS

    torch.manual_seed(0)
    return load_model("classifier", num_labels=len(TASKS["topics"][1]))


def encode_tasks(tokenizer) -> dict:
    from helpers.training.compute import TASKS, encode_splits, load_task

    return {task: encode_splits(tokenizer, load_task(task)) for task in TASKS}


def task_features(pristine, encoded: dict) -> dict:
    from helpers.training.features import cache_features

    return {task: {split: cache_features(pristine, part) for split, part in splits.items()}
            for task, splits in encoded.items()}


def live_runs(pristine, features: dict):
    """One table: every LIVE frozen strategy's curve on every task (helpers.training.curves)."""
    import pandas as pd

    from helpers.training.compute import TASKS
    from helpers.training.curves import LIVE, frozen_curve

    return pd.concat([frozen_curve(pristine, features[task], task, s) for task in TASKS for s in LIVE],
                     ignore_index=True)


def background_jobs(workdir: Path, items) -> dict:
    """The live curves, if a selected test reads them (the `all_runs` fixture)."""
    from background import Job

    if items is not None and not any("all_runs" in item.fixturenames for item in items):
        return {}
    out = workdir / "live_curves.pkl"
    return {LIVE_CURVES: Job([sys.executable, __file__, str(out)], log=workdir / "live_curves.log",
                             out=out, order=30)}


def main(out: str) -> None:
    from helpers.models import load_tokenizer

    pristine = pristine_classifier()
    live_runs(pristine, task_features(pristine, encode_tasks(load_tokenizer()))).to_pickle(out)


if __name__ == "__main__":
    main(sys.argv[1])
