"""Seeds and thread counts: set once, visibly, by a lesson's Setup cell, or for a moment by a
helper that needs them, which restores what was there before (no hidden global state)."""

import os
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

DEFAULT_THREADS = 2


def course_threads() -> int:
    """Return the thread count the course runs at: $COURSE_TORCH_THREADS, else 2."""
    return int(os.environ.get("COURSE_TORCH_THREADS") or DEFAULT_THREADS)


def seed_everything(seed: int = 0, threads: int | None = None) -> None:
    """Seed Python, NumPy and torch, and set torch's thread count (`threads`, else the course's).

    A lesson's Setup cell calls this once, in plain sight; helpers never do. The tests run the
    notebooks at 1 thread as well as 2, to show that no printed number depends on it.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads or course_threads())


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with torch on `n` threads (None: unchanged), then restore the count."""
    before = torch.get_num_threads()
    if n is not None and n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@contextmanager
def torch_seeded(seed: int) -> Iterator[None]:
    """Run the block with torch's global generator seeded to `seed`, then restore its state."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
