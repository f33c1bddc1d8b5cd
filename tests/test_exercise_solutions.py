"""Every lesson's worked solutions pass their checks, run inside the notebook itself.

Each exercise cell (tagged `exercise`) is replaced by the code of the `<details>` solution
that follows it, the notebook is executed, and each of those cells must answer "✅ Correct".
Lesson 4's exercises start from `pristine`, so there only the Setup cell and the exercises
(wherever they are) run, with everything after the Exercises heading (not the training).
The solved notebooks run in the background from the start of the test run (a job each, see
tests/background.py), in a fresh kernel each, from notebooks/, top to bottom.
"""

import re
import sys
from pathlib import Path

import nbformat
import pytest
from background import Job

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSONS = ["01_tokenization", "02_embeddings", "03_attention", "04_inside_a_layer", "05_freezing"]
SETUP_AND_EXERCISES_ONLY = {"05_freezing"}
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```.*?</details>", re.DOTALL)


def read(lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{lesson}.ipynb", as_version=4)


def is_exercise(cell: nbformat.NotebookNode) -> bool:
    return "exercise" in cell.metadata.get("tags", [])


def last_text(cell: nbformat.NotebookNode) -> str:
    """Return the text of a cell's last output."""
    output = cell.outputs[-1]
    return output.get("text") or output.get("data", {}).get("text/plain", "")


def solution_of(nb: nbformat.NotebookNode, index: int) -> str:
    """Return the solution code in the <details> block right after exercise cell `index`."""
    following = nb.cells[index + 1]
    match = SOLUTION.search(following.source) if following.cell_type == "markdown" else None
    assert match, f"exercise cell {index} has no <details> solution right after it"
    return match.group(1)


def heading_index(nb: nbformat.NotebookNode, heading: str) -> int:
    return next(i for i, c in enumerate(nb.cells)
                if c.cell_type == "markdown" and c.source.startswith(heading))


def with_solutions(nb: nbformat.NotebookNode, setup_and_exercises_only: bool):
    """Return a copy of `nb` with solutions in its exercise cells, and those cells' new indices."""
    nb = nbformat.from_dict(nb)
    setup, exercises = heading_index(nb, "## Setup"), heading_index(nb, "## Exercises")
    kept, replaced = [], []
    for index, cell in enumerate(nb.cells):
        if setup_and_exercises_only and not (index == setup + 1 or index >= exercises or is_exercise(cell)):
            continue
        if is_exercise(cell):
            cell.source = solution_of(nb, index)
            replaced.append(len(kept))
        kept.append(cell)
    nb.cells = kept
    return nb, replaced


@pytest.mark.parametrize("lesson", LESSONS)
def test_four_unanswered_exercises_each_with_a_solution(lesson):
    nb = read(lesson)
    exercises = [i for i, c in enumerate(nb.cells) if is_exercise(c)]
    assert len(exercises) >= 4
    for index in exercises:
        assert "..." in nb.cells[index].source and "# replace" in nb.cells[index].source
        assert last_text(nb.cells[index]).startswith("✏️ Not answered yet")
        solution_of(nb, index)


def solved(lesson: str):
    return with_solutions(read(lesson), lesson in SETUP_AND_EXERCISES_ONLY)


def background_jobs(workdir: Path, items) -> dict[str, Job]:
    """A plain run (tests/notebook_runs.py) of each selected lesson with its solutions in."""
    wanted = LESSONS if items is None else [item.callspec.params["lesson"] for item in items
                                            if item.originalname == "test_every_solution_passes_its_check"]
    jobs = {}
    for lesson in wanted:
        source, out = workdir / f"{lesson}.solved.ipynb", workdir / f"{lesson}.solved.run.ipynb"
        try:
            nbformat.write(solved(lesson)[0], source)
        except AssertionError:  # a solution is missing: the test says so, nothing to run
            continue
        jobs[f"solutions {lesson}"] = Job(
            [sys.executable, str(NOTEBOOKS.parent / "tests" / "notebook_runs.py"), str(source), "run",
             str(out)], log=workdir / f"{lesson}.solved.log", out=out, order=10)
    return jobs


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_every_solution_passes_its_check(lesson, background):
    _, replaced = solved(lesson)
    done = background(f"solutions {lesson}")
    assert done.returncode == 0, f"{lesson} with its solutions did not run through:\n{done.tail()}"
    nb = nbformat.read(done.out, as_version=4)
    for index in replaced:
        assert last_text(nb.cells[index]).startswith("✅ Correct"), (index, last_text(nb.cells[index]))
