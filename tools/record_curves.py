"""Record lesson 4's learning curves that do not fit the lesson's time budget.

*top layer + pooler + head* (on cached features: one encoder layer forward and backward per
step) and full fine-tuning (all 22.7 M parameters through the whole model at every step), at
the sizes and seeds of helpers.training.curves.recorded_grid, with the learning rates of
helpers.training.fitting.LEARNING_RATES, on one torch thread (so the runs repeat bit for bit).
Writes helpers/data/recorded_curves.csv. The notebook loads it and re-runs one point of each
strategy live; tests/training/test_curves.py re-runs points and checks they match.

Usage:  python tools/record_curves.py [--out PATH] [--tasks topics reviews]
                                      [--strategies ...] [--resume]
(about 20 minutes of one core; run the tasks in two processes to halve it, then merge)
"""

import argparse
import itertools
import time
from pathlib import Path

import pandas as pd

from helpers.models import load_model, load_tokenizer
from helpers.training.compute import TASKS, encode_splits, load_task
from helpers.training.curves import COLUMNS, RECORDED_CSV, recorded_grid, recorded_point
from helpers.training.features import cache_features

STRATEGIES = ("top layer + pooler + head", "full fine-tuning")


def _table(out: Path, resume: bool) -> pd.DataFrame:
    return pd.read_csv(out)[COLUMNS] if resume and out.is_file() else pd.DataFrame(columns=COLUMNS)


def record(out=RECORDED_CSV, tasks=tuple(TASKS), strategies=STRATEGIES, resume=False) -> pd.DataFrame:
    """Run every point of the grid, writing `out` after each; with `resume`, keep the points
    already in `out` and run only the missing ones. Returns the table."""
    out = Path(out)
    table = _table(out, resume)
    done = set(zip(table["task"], table["strategy"], table["per_class"], table["seed"], strict=True))
    tokenizer = load_tokenizer()
    for task in tasks:
        pristine = load_model("classifier", num_labels=len(TASKS[task][1]))
        data = encode_splits(tokenizer, load_task(task))
        features = {split: cache_features(pristine, part) for split, part in data.items()}
        for strategy in strategies:
            sizes, seeds = recorded_grid(task)[strategy]
            for per_class, seed in itertools.product(sizes, seeds):
                if (task, strategy, per_class, seed) in done:
                    continue
                start = time.process_time()
                row = recorded_point(pristine, data, features, task, strategy, per_class, seed)
                table = pd.concat([table, pd.DataFrame([row])], ignore_index=True)
                table.to_csv(out, index=False)
                print(row, f"{time.process_time() - start:.1f} s CPU", flush=True)
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(RECORDED_CSV))
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=list(TASKS))
    parser.add_argument("--strategies", nargs="+", default=list(STRATEGIES), choices=list(STRATEGIES))
    parser.add_argument("--resume", action="store_true", help="keep the points already in --out")
    args = parser.parse_args()
    record(args.out, args.tasks, args.strategies, args.resume)
