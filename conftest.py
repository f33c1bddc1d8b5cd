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

# Offline, proven: tests/netguard cuts the network (all but loopback) in this process and, via
# PYTHONPATH and its sitecustomize.py, in every Python process a test starts (notebook kernels
# included). A refused attempt fails the test during which it happened. See its docstrings.
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests" / "netguard"))
pytest_plugins = ["netguard_plugin"]
