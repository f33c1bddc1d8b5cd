"""Make a plain `pytest` run see the same quiet, offline environment as `make test`.

nbval's kernels inherit this process's environment, so this must happen before they start.
The Makefile exports the same values.
"""

import os
import sys
from pathlib import Path

from helpers.course_env import COURSE_ENV  # stdlib only: nothing heavy is imported yet

for key, value in COURSE_ENV.items():
    os.environ.setdefault(key, value)

# The suite runs several kernels at once on few cores (nbval's at two torch threads beside the
# background jobs at one). OpenMP's default lets a waiting thread spin on its core, so a kernel
# whose second thread is descheduled burns the core the others need: measured here, lesson 5
# under nbval next to one busy process took 106 s, with passive waiting 28 s. Same outputs
# (waiting is not arithmetic); only the tests set it, a student's lone kernel keeps the default.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# Offline, proven: tests/netguard cuts the network (all but loopback) in this process and, via
# PYTHONPATH and its sitecustomize.py, in every Python process a test starts (notebook kernels
# included). A refused attempt fails the test during which it happened. See its docstrings.
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests" / "netguard"))
pytest_plugins = ["netguard_plugin"]
