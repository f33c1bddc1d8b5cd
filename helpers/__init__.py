"""Small helpers shared by the lesson notebooks of *How transformers read text*.

Import what you need by name, e.g. ``from helpers.models import load_model``.
Nothing here runs at import time: no seeds, no plot style, no network.
"""

import os
import random
from pathlib import Path

import numpy as np
import torch

from helpers.plotting import presentation_mode, use_course_style

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

__all__ = ["DATA_DIR", "presentation_mode", "seed_everything", "use_course_style"]


def seed_everything(seed: int = 0, threads: int | None = None) -> None:
    """Seed Python, NumPy and torch, and fix torch's thread count, so runs repeat exactly.

    The thread count is `threads`, else $COURSE_TORCH_THREADS, else 2 (the tests run the
    notebooks at 1 as well, to show that no printed number depends on it).
    """
    threads = threads or int(os.environ.get("COURSE_TORCH_THREADS") or 2)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
