"""What the classroom tests share: the clone's root, and the environment of a fresh machine."""

import os
from pathlib import Path

from helpers.course_env import COURSE_ENV

ROOT = Path(__file__).resolve().parents[2]
NETGUARD = ROOT / "tests" / "netguard"


def clean_env(**extra) -> dict:
    """The environment of a fresh machine: no clone on PYTHONPATH (only the network guard),
    no venv activated, the course's quiet offline variables."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return {**env, **COURSE_ENV, "PYTHONPATH": str(NETGUARD), **extra}
