"""No exercise's answer is printed above it (issue 16).

For every lesson in helpers.LESSONS and every check in `lesson.checks()` (its exercises'
`CHECKS`, in notebook order): find the exercise cell (the first code cell that calls the
check), and assert that none of the check's `expected` strings (the answer as it would be
written or printed, declared with `@exercise(..., expected=(...))`) occurs in the outputs of
any cell above it: streams, text/plain and text/html. An expected string counts as found
only as a whole (not inside a longer number or word: "17" is not found in "170").
"""

import re
from pathlib import Path

import nbformat
import pytest

from helpers import LESSONS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TEXT_MIMES = ("text/plain", "text/html")


def _cases() -> list:
    """One pytest param per (lesson, check name); a lesson whose checks fail to import is one
    failing param, so the other lessons are still checked."""
    cases = []
    for lesson in LESSONS:
        try:
            names = list(lesson.checks())
        except Exception as err:  # noqa: BLE001 (reported by the test below)
            names = [f"<import failed: {type(err).__name__}: {err}>"]
        cases += [pytest.param(lesson.notebook, name, id=f"{lesson.notebook}-{name}")
                  for name in names]
    return cases


def _lesson_cases() -> list:
    return [pytest.param(lesson.notebook, id=lesson.notebook) for lesson in LESSONS if lesson.package]


def output_text(cell) -> str:
    """The text a student sees under a cell: streams, text/plain and text/html outputs."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        for mime in TEXT_MIMES:
            parts.append(str(output.get("data", {}).get(mime, "")))
    return "\n".join(parts)


def calls(cell, name: str) -> bool:
    return cell.cell_type == "code" and re.search(rf"\b{re.escape(name)}\(", cell.source) is not None


def exercise_index(nb, name: str) -> int:
    """Return the index of the first code cell that calls the check `name`."""
    found = [i for i, cell in enumerate(nb.cells) if calls(cell, name)]
    assert found, f"{name} is in CHECKS but no code cell of the notebook calls it"
    return found[0]


def occurs(expected: str, text: str) -> bool:
    """True if `expected` occurs in `text` as a whole (not inside a longer word or number)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(expected)}(?![0-9A-Za-z])", text) is not None


def lesson_of(notebook: str):
    return next(lesson for lesson in LESSONS if lesson.notebook == notebook)


@pytest.mark.parametrize(("notebook", "name"), _cases())
def test_no_expected_answer_is_printed_above_its_exercise(notebook, name):
    checks = lesson_of(notebook).checks()
    assert name in checks, f"{notebook}: {name}"
    check = checks[name]
    expected = getattr(check, "expected", None)
    assert expected, (
        f"{notebook}: {name} declares no expected answer; decorate it with "
        "@exercise(expected=('the answer as printed', ...)) from helpers.feedback (hints in the lesson's hints.toml)"
    )
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    index = exercise_index(nb, name)
    shown = [(i, answer) for i, cell in enumerate(nb.cells[:index])
             for answer in expected if occurs(answer, output_text(cell))]
    assert not shown, (
        f"{notebook}: the answer of {name} (exercise cell {index}) is already printed above it, "
        f"(cell, answer): {shown}"
    )


@pytest.mark.parametrize("notebook", _lesson_cases())
def test_checks_are_listed_in_the_notebook_s_order(notebook):
    names = list(lesson_of(notebook).checks())
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    order = sorted(names, key=lambda name: exercise_index(nb, name))
    assert names == order, f"{notebook}: CHECKS should be in notebook order: {order}"


def test_the_matcher_finds_whole_answers_only():
    assert occurs("17", "length: 17 tokens") and not occurs("17", "ids [1017, 170]")
    assert occurs("['to', 'fit']", "lost: ['to', 'fit']")
    assert not occurs("9", "99 bottles")
