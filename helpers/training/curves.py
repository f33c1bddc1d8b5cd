"""Lesson 4, section 8: accuracy against training-set size, per strategy, on both tasks.

Every point is one stratified subset of the training split (`per_class` sentences of every
label, drawn from `seed`), a fresh head from the same seed, trained until validation stops
improving, then measured on the training subset, validation and test. *head only* and
*pooler + head* run on cached features, live in the notebook. *top layer + pooler + head*
(cheap per step, but one encoder layer forward and backward) and full fine-tuning (the whole
model) do not fit the lesson's time budget: tools/record_curves.py runs them and writes
RECORDED_CSV; the notebook loads it and re-runs one point of each live, and
tests/training/test_curves.py re-runs points and compares. Nothing here imports matplotlib or IPython.
"""

from pathlib import Path

import pandas as pd

from helpers.paths import DATA_DIR
from helpers.training.compute import stratified_rows
from helpers.training.features import Features, StrategyHead, evaluate_head, train_head
from helpers.training.fitting import LEARNING_RATES, run_full_finetuning

SIZES = {"topics": (2, 4, 8, 16, 32), "reviews": (2, 4, 8, 16, 32, 90)}  # the last = all of train
SEEDS = (0, 1, 2)
HEAD_LOOP = {"batch_size": 32, "max_epochs": 60, "patience": 4}
FULL_FT_SIZES = {"topics": (2, 8, 32), "reviews": (2, 8, 32, 90)}
FULL_FT_SEEDS = (0, 1, 2)
FULL_FT_LOOP = {"batch_size": 16, "max_epochs": 40, "patience": 3}
RECORDED_CSV = DATA_DIR / "recorded_curves.csv"
LIVE = ("head only", "pooler + head", "top layer + pooler + head")  # run live in the notebook
COLUMNS = ["task", "strategy", "per_class", "seed", "train_acc", "val_acc", "test_acc",
           "best_epoch", "epochs"]


def frozen_point(model, features: dict[str, Features], task: str, strategy: str, per_class: int,
                 seed: int) -> dict:
    """Train one frozen strategy's head on `per_class` cached training sentences per label;
    return one row (see COLUMNS), accuracies rounded to 4 decimals."""
    rows = stratified_rows(features["train"].labels, per_class, seed)
    train = features["train"].rows(rows)
    num_labels = int(features["train"].labels.max()) + 1
    head = StrategyHead(model, strategy, num_labels, seed)
    curve = train_head(head, train, features["validation"], LEARNING_RATES[strategy], seed, **HEAD_LOOP)
    accs = [evaluate_head(head, part)[1] for part in (train, features["validation"], features["test"])]
    return _row(task, strategy, per_class, seed, accs, curve.best_epoch, curve.epochs)


def _row(task, strategy, per_class, seed, accs, best_epoch, epochs) -> dict:
    values = [task, strategy, per_class, seed, *(round(a, 4) for a in accs), best_epoch, epochs]
    return dict(zip(COLUMNS, values, strict=True))


def frozen_curve(model, features: dict[str, Features], task: str, strategy: str,
                 sizes=None, seeds=SEEDS) -> pd.DataFrame:
    """Return one row per (size, seed) for a frozen strategy on cached features."""
    sizes = SIZES[task] if sizes is None else sizes
    return pd.DataFrame([frozen_point(model, features, task, strategy, k, s)
                         for k in sizes for s in seeds], columns=COLUMNS)


def full_finetuning_point(pristine, data: dict, task: str, per_class: int, seed: int) -> dict:
    """Fine-tune everything on `per_class` training sentences per label; return one row."""
    rows = stratified_rows(data["train"].labels, per_class, seed)
    result = run_full_finetuning(pristine, data, rows, seed, **FULL_FT_LOOP)
    accs = [result["train_acc"], result["val_acc"], result["test_acc"]]
    return _row(task, "full fine-tuning", per_class, seed, accs, result["best_epoch"], result["epochs"])


def recorded_grid(task: str) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Return {strategy: (sizes, seeds)} of the runs tools/record_curves.py records for `task`."""
    return {"top layer + pooler + head": (SIZES[task], SEEDS),
            "full fine-tuning": (FULL_FT_SIZES[task], FULL_FT_SEEDS)}


def recorded_point(pristine, data: dict, features: dict, task: str, strategy: str, per_class: int,
                   seed: int) -> dict:
    """Run one point of a recorded strategy (see recorded_grid); return its row."""
    if strategy == "full fine-tuning":
        return full_finetuning_point(pristine, data, task, per_class, seed)
    return frozen_point(pristine, features, task, strategy, per_class, seed)


def load_recorded(path: str | Path = RECORDED_CSV) -> pd.DataFrame:
    """Return the recorded runs (see tools/record_curves.py)."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"{path} is missing: run `python tools/record_curves.py` "
                                "(about 20 minutes of one core) to record it.")
    return pd.read_csv(path)[COLUMNS]


def same_as_recorded(recorded: pd.DataFrame, row: dict) -> bool:
    """Return True if `row` (a live re-run) equals the recorded row for the same point."""
    key = (recorded["task"] == row["task"]) & (recorded["strategy"] == row["strategy"]) & (
        recorded["per_class"] == row["per_class"]) & (recorded["seed"] == row["seed"])
    match = recorded[key]
    return len(match) == 1 and all(match.iloc[0][c] == row[c] for c in COLUMNS)


def summarise(runs: pd.DataFrame, column: str = "test_acc") -> pd.DataFrame:
    """Return mean and standard deviation (over seeds) of `column` per task, strategy and size:
    one row per (task, strategy), columns (per_class, 'mean'|'std'), rounded to 3 decimals."""
    grouped = runs.groupby(["task", "strategy", "per_class"])[column]
    table = pd.DataFrame({"mean": grouped.mean(), "std": grouped.std(ddof=0)}).round(3)
    return table.unstack("per_class").swaplevel(axis=1).sort_index(axis=1)


def curve_table(runs: pd.DataFrame, task: str, column: str = "test_acc") -> pd.DataFrame:
    """Return a readable table for one task: one row per strategy, one column per size,
    each cell 'mean ± std' of `column` over seeds."""
    part = runs[runs["task"] == task]
    grouped = part.groupby(["strategy", "per_class"])[column]
    text = (grouped.mean().map("{:.3f}".format) + " ± " + grouped.std(ddof=0).map("{:.3f}".format))
    table = text.unstack("per_class").fillna("")
    order = [s for s in ("head only", "pooler + head", "top layer + pooler + head", "full fine-tuning")
             if s in table.index]
    table = table.loc[order]
    table.columns.name = "per class →"
    return table


def mean_at(runs: pd.DataFrame, task: str, strategy: str, per_class: int,
            column: str = "test_acc") -> float:
    """Return the mean of `column` over seeds at one point."""
    part = runs[(runs["task"] == task) & (runs["strategy"] == strategy) & (runs["per_class"] == per_class)]
    if part.empty:
        raise KeyError(f"No runs for {task}, {strategy}, {per_class} per class.")
    return float(part[column].mean())


def gap_table(runs: pd.DataFrame, task: str) -> pd.DataFrame:
    """Return the mean train - validation accuracy gap (overfitting) per strategy and size."""
    part = runs[runs["task"] == task].assign(gap=lambda f: f["train_acc"] - f["val_acc"])
    return part.groupby(["strategy", "per_class"])["gap"].mean().round(3).unstack("per_class")
