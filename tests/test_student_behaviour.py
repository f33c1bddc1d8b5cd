"""Notebooks survive what students do: run a cell twice, go back to an earlier section, re-run
a widget after changing what it shows, restart the kernel and jump to where they were.

Each notebook is played once per test run (tests/notebook_runs.py explains the phases); these
tests read that record. A failure names the cell (index among all cells, 0-based), the phase
and the error, and shows the cell's first line.
"""

import re
from pathlib import Path

import nbformat
import pytest
from notebook_runs import NOTEBOOKS, nbval_options

by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
pytestmark = pytest.mark.slow

# An error is clear when it names what is missing (NameError: name 'model' is not defined) or
# says which cell to run. A TypeError from deep inside a helper is not.
CLEAR = re.compile(r"\brun\b.*\b(first|above|earlier|before|again|setup)\b", re.I | re.S)


def expected_to_raise(cell) -> bool:
    return bool(nbval_options(cell).get("check_exception"))


def failures(path: Path, session: dict, phases: set[str], clear_is_fine: bool = False) -> list[str]:
    nb = nbformat.from_dict(session["played"])  # the version played, even if edited since
    found = []
    for record in session["records"]:
        error, cell = record["error"], nb.cells[record["index"]]
        if record["phase"] not in phases or error is None or expected_to_raise(cell):
            continue
        if clear_is_fine and (error["ename"] == "NameError" or CLEAR.search(error["evalue"])):
            continue
        first_line = cell.source.strip().splitlines()[0][:70]
        found.append(f"cell {record['index']} ({record['phase']}: {first_line!r}): "
                     f"{error['ename']}: {error['evalue'][:300]}")
    return found


@by_name
def test_every_cell_can_be_run_twice_in_a_row(path, student_session):
    problems = failures(path, student_session, {"twice"})
    assert not problems, "errors when each cell runs twice in a row:\n" + "\n".join(problems)


@by_name
def test_going_back_to_earlier_sections_and_rerunning_widgets_works(path, student_session):
    """After a full run: every section again, last first; then every widget cell again."""
    problems = failures(path, student_session, {"first", "revisit", "revisit-widget"})
    assert not problems, "errors when sections are re-run out of order:\n" + "\n".join(problems)


@by_name
def test_after_a_restart_cells_run_too_early_say_what_is_missing(path, student_session):
    """Restart, run Setup, then the first cell of each section, last section first: cells that
    need an earlier one may fail, but only with an error that says what is missing or what to run."""
    problems = failures(path, student_session, {"jump"}, clear_is_fine=True)
    assert not problems, "unclear errors when cells run before those they need:\n" + "\n".join(problems)


@by_name
def test_the_setup_cell_alone_runs_after_a_restart(path, student_session):
    jumps = [r for r in student_session["records"] if r["phase"] == "jump"]
    assert jumps, "no cell was run after the restart"
    setup_errors = [r for r in jumps if r["error"] and r["index"] == jumps[0]["index"]]
    assert not setup_errors, f"the Setup cell fails in a fresh kernel: {setup_errors[0]['error']['evalue']}"
