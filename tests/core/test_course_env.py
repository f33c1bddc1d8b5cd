"""The course's environment is written once in Python (helpers/course_env.py) and once in the
Makefile, which cannot import it: the two must say the same."""

import re
from pathlib import Path

from helpers.course_env import COURSE_ENV

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_the_makefile_exports_the_same_environment():
    exported = dict(re.findall(r"^export (\w+) := (\S+)\s*$", MAKEFILE.read_text(), re.M))
    assert {key: exported.get(key) for key in COURSE_ENV} == COURSE_ENV
