"""Committed outputs are the truth on any machine: they do not depend on torch's thread count,
and nothing in the repository hides an unstable number from strict nbval.

The main test run re-executes every notebook with strict nbval at two torch threads (the
default of seed_everything). Here every notebook runs again at ONE thread
(COURSE_TORCH_THREADS=1, OMP_NUM_THREADS=1: the first pass of tests/notebook_runs.py) and each
cell nbval checks must print exactly what is committed, by nbval's own comparison rules.
"""

import re
import tomllib
from pathlib import Path

import nbformat
import pytest
from notebook_runs import NOTEBOOKS, ROOT, differences, nbval_options

by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])


@pytest.mark.slow
@by_name
def test_outputs_are_the_same_at_one_torch_thread(path, student_session):
    assert student_session["torch_threads"] == "1", "the kernel did not run at one thread"
    nb = nbformat.from_dict(student_session["played"])  # the version played, even if edited since
    problems = []
    for record in student_session["records"]:
        cell = nb.cells[record["index"]]
        if record["phase"] != "first" or nbval_options(cell).get("check") is False:
            continue
        if cell.execution_count is None:
            continue  # nbval does not compare a cell that was never run (the hygiene test fails it)
        diff = differences(record["outputs"], cell.outputs)
        if diff:
            problems.append(f"cell {record['index']}: {diff}")
    assert not problems, f"{path.name} at one thread differs from its committed outputs:\n" + "\n".join(problems)


def nbval_options_in_use() -> list[str]:
    """Every place pytest/nbval options are set: pyproject's addopts, Makefile, CI scripts."""
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    texts = [str(addopts.get("addopts", ""))]
    for name in ["Makefile", ".ci/run", "setup.cfg", "pytest.ini", "tox.ini", *map(str, (ROOT / ".github").rglob("*.yml"))]:
        path = ROOT / name
        if path.is_file():
            texts.append(path.read_text())
    return texts


def sanitizer_files() -> list[Path]:
    named = {m.group(1) for text in nbval_options_in_use()
             for m in re.finditer(r"--(?:nbval-)?sanitize-with[ =]+(\S+)", text)}
    found = {ROOT / n for n in named}
    found |= {p for p in ROOT.rglob("*saniti*") if ".venv" not in p.parts and ".git" not in p.parts and p.is_file() and p.suffix != ".py"}
    return sorted(found)


def test_every_sanitizer_rule_says_what_it_hides_and_why():
    """Preferably there is no sanitizer at all; any rule must follow a comment explaining it."""
    for path in sanitizer_files():
        assert path.is_file(), f"nbval is told to sanitize with {path}, which does not exist"
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines):
            if line.startswith("regex:"):
                before = [prev for prev in lines[:n] if prev.strip()][-1:] or [""]
                assert before[0].lstrip().startswith("#"), (
                    f"{path.name}:{n + 1}: rule {line!r} needs a comment above it saying what "
                    "unstable text it hides and why that text cannot be made stable at its source"
                )


def test_seed_everything_takes_its_thread_count_from_the_environment(monkeypatch):
    import torch

    from helpers import seed_everything

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("COURSE_TORCH_THREADS", "1")
        seed_everything(0)
        assert torch.get_num_threads() == 1
        monkeypatch.delenv("COURSE_TORCH_THREADS")
        seed_everything(0)
        assert torch.get_num_threads() == 2
        seed_everything(0, threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
