"""Every committed notebook is tidy, and every lesson has the course's shape.

Runs on whatever notebooks/ holds when pytest starts, so a new lesson is checked the moment it
is added. Failures name the notebook and the cell (its index among all cells, 0-based).
- all notebooks: valid nbformat; run top to bottom (execution counts 1, 2, 3, ...); no error
  outputs; no machine paths, user or host names, or memory addresses in outputs; no stored
  widget state; under a size cap; every `NBVAL_IGNORE_OUTPUT`/`NBVAL_SKIP` says why.
- lessons (01_..., 02_..., ...): title, learning goals, a Setup cell that seeds, a recap, and at
  least four exercises, each a checked placeholder followed by a collapsed solution.
"""

import getpass
import re
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import comment_markers

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSONS = [nb for nb in NOTEBOOKS if re.match(r"0[1-9]_", nb.name)]
MAX_BYTES = 3_000_000  # same cap as the team's nbhygiene hook; widget state or huge images break it
MIN_EXERCISES = 4

LEAKS = [
    (re.compile(r"(?<![\w.])/(?:root|home/[^/\s]+|tmp|private/var|var/folders|Users/[^/\s]+)/"),
     "a machine path"),
    (re.compile(r"[A-Za-z]:\\\\?(?:Users|Documents and Settings)\\"), "a Windows user path"),
    (re.compile(r"site-packages|dist-packages|\.venv/"), "an installed-package path"),
    (re.compile(r" at 0x[0-9a-fA-F]{4,}"), "a memory address"),
    (re.compile(re.escape(str(ROOT))), "this checkout's path"),
    (re.compile(re.escape(sys.prefix)), "this Python's path"),
    (re.compile(r"/ipykernel_\d+/"), "a kernel's temporary file name"),
]
_user = getpass.getuser()
if _user not in {"root", "user", "jovyan", "runner"}:  # common words: only flag them in paths
    LEAKS.append((re.compile(rf"\b{re.escape(_user)}\b"), "your user name"))
else:
    LEAKS.append((re.compile(rf"[/\\]{re.escape(_user)}[/\\]"), "your user name in a path"))
_host = socket.gethostname()
if len(_host) >= 6:
    LEAKS.append((re.compile(re.escape(_host)), "this machine's host name"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    """(index among all cells, cell) for every code cell with some code in it."""
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]


def output_texts(output) -> list[str]:
    """The human-readable text of one output: streams, text/plain, HTML, markdown, tracebacks."""
    if output.output_type == "stream":
        return [output.text]
    if output.output_type == "error":
        return ["\n".join(output.get("traceback", [])), output.get("evalue", "")]
    data = output.get("data", {})
    return [str(data[k]) for k in ("text/plain", "text/html", "text/markdown", "text/latex") if k in data]


def headings(nb) -> list[tuple[int, str]]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found += [(i, m.group(1).strip()) for m in re.finditer(r"^#{1,6}\s+(.*)$", cell.source, re.M)]
    return found


by_name = pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
lesson_by_name = pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])


# --- every notebook ---------------------------------------------------------

@by_name
def test_is_valid_nbformat_with_the_python3_kernel(path):
    nb = read(path)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", "kernelspec must be python3"


@by_name
def test_ran_top_to_bottom_in_one_go(path):
    cells = code_cells(read(path))
    counts = [(i, c.execution_count) for i, c in cells]
    unrun = [i for i, count in counts if count is None]
    assert not unrun, f"cells {unrun} were never run: record with `make notebooks NB=...`"
    expected = list(range(1, len(cells) + 1))
    assert [count for _, count in counts] == expected, (
        f"execution counts {[count for _, count in counts]} should be {expected}: "
        "re-record with `make notebooks NB=...` (a fresh kernel, top to bottom)"
    )


@by_name
def test_no_error_outputs(path):
    errors = [(i, o.ename) for i, c in code_cells(read(path)) for o in c.outputs
              if o.output_type == "error"]
    assert not errors, f"error outputs committed (cell, exception): {errors}"


@by_name
def test_no_stream_writes_to_stderr_except_on_purpose(path):
    """Warnings and progress bars land on stderr; a lesson shows them only on purpose, saying
    so in the cell or in the markdown just above it (e.g. "... its warning, on stderr")."""
    nb = read(path)
    stderr = []
    for i, cell in code_cells(nb):
        above = nb.cells[i - 1].source if i > 0 and nb.cells[i - 1].cell_type == "markdown" else ""
        on_purpose = re.search(r"stderr|warning|NBVAL_IGNORE_OUTPUT", cell.source + above, re.I)
        stderr += [(i, o.text[:200]) for o in cell.outputs
                   if o.output_type == "stream" and o.name == "stderr" and not on_purpose]
    assert not stderr, f"stderr output (a warning or progress bar?) in (cell, text): {stderr}"


@by_name
def test_outputs_hold_nothing_machine_specific(path):
    found = []
    for i, cell in code_cells(read(path)):
        for output in cell.outputs:
            for text in output_texts(output):
                found += [(i, what, m.group(0)) for pattern, what in LEAKS
                          if (m := pattern.search(text))]
    assert not found, f"machine-specific text in outputs (cell, what, text): {found}"


@by_name
def test_no_widget_state_and_small_file(path):
    nb = read(path)
    assert "widgets" not in nb.metadata, "stored widget state: record with `make notebooks`"
    states = [i for i, c in code_cells(nb) for o in c.outputs
              if "application/vnd.jupyter.widget-state+json" in o.get("data", {})]
    assert not states, f"widget state stored in outputs of cells {states}"
    size = path.stat().st_size
    assert size < MAX_BYTES, f"{path.name} is {size:,} bytes, over the {MAX_BYTES:,} cap"


@by_name
def test_every_unchecked_cell_says_why_and_nbval_sees_the_marker(path):
    """nbval honours a marker only when the comment is exactly `# NBVAL_IGNORE_OUTPUT` (or
    `# NBVAL_SKIP`, ...): `# NBVAL_IGNORE_OUTPUT: why` is silently ignored and the output is
    compared after all. So: the marker alone on its line, the reason on the next comment line."""
    unseen, silent = [], []
    for i, cell in code_cells(read(path)):
        lines = cell.source.splitlines()
        for n, line in enumerate(lines):
            if not re.match(r"\s*#.*\bNBVAL_[A-Z_]+", line):
                continue
            if line.lstrip("# \t").rstrip() not in comment_markers:
                unseen.append((i, line.strip()[:60]))
                continue
            following = lines[n + 1].strip() if n + 1 < len(lines) else ""
            if not (following.startswith("#") and len(following.strip("# ")) >= 10):
                silent.append((i, line.strip()))
    assert not unseen, (
        f"nbval does not recognise these markers, so it compares the output anyway (cell, line): "
        f"{unseen}. Write the marker alone, e.g. '# NBVAL_IGNORE_OUTPUT', and the reason on the next line."
    )
    assert not silent, f"nbval markers without a reason on the next line (cell, marker): {silent}"


# --- every lesson -----------------------------------------------------------

@lesson_by_name
def test_lesson_opens_with_title_and_learning_goals(path):
    nb = read(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# "), (
        "the first cell must be the title, a markdown '# ...' heading"
    )
    opening = "\n".join(c.source for c in nb.cells[:3] if c.cell_type == "markdown")
    goals = re.search(r"learning goals|you will (learn|be able)|in this (notebook|lesson) you will",
                      opening, re.I)
    assert goals, "the first cells must state the learning goals ('Learning goals' ...)"
    assert re.search(r"^\s*(?:[-*]|\d+\.)\s+\S", opening[goals.end():], re.M), (
        "the learning goals should be a list"
    )


@lesson_by_name
def test_lesson_has_a_setup_cell_that_seeds(path):
    nb = read(path)
    setup = [i for i, text in headings(nb) if re.match(r"(\d+\.\s*)?setup\b", text, re.I)]
    assert setup, "a '## Setup' heading is missing"
    after = [c for c in nb.cells[setup[0] + 1:] if c.cell_type == "code"][:1]
    assert after and "seed_everything(" in after[0].source, "the Setup cell must call seed_everything"
    assert "use_course_style(" in after[0].source, "the Setup cell must call use_course_style()"
    assert "import *" not in after[0].source, "import names explicitly, never `import *`"


@lesson_by_name
def test_lesson_ends_with_a_recap(path):
    nb = read(path)
    recap = [i for i, text in headings(nb) if re.search(r"\brecap\b", text, re.I)]
    assert recap, "a '## Recap' heading is missing"
    assert re.search(r"^\s*(?:[-*]|\d+\.)\s+\S", nb.cells[recap[-1]].source, re.M), (
        "the recap should be a short list"
    )


def exercises(nb):
    """(index, exercise cell, following cell or None) for every cell tagged `exercise`."""
    return [(i, c, nb.cells[i + 1] if i + 1 < len(nb.cells) else None)
            for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", [])]


def solution_code(cell) -> str | None:
    """The python code inside the <details> block of a markdown cell, or None."""
    if cell is None or cell.cell_type != "markdown" or "<details>" not in cell.source:
        return None
    block = re.search(r"```(?:python)?\n(.*?)```", cell.source.split("<details>", 1)[1], re.S)
    return block.group(1) if block else None


@lesson_by_name
def test_lesson_has_at_least_four_checked_exercises(path):
    nb = read(path)
    found = exercises(nb)
    assert len(found) >= MIN_EXERCISES, f"{len(found)} exercises (cells tagged 'exercise'); need {MIN_EXERCISES}"
    assert any(re.search(r"exercises?\b", text, re.I) for _, text in headings(nb)), (
        "an '## Exercises' heading is missing"
    )
    problems = []
    for i, cell, following in found:
        checks = re.findall(r"\b(check_\w+)\(", cell.source)
        solution = solution_code(following)
        outputs = "".join(t for o in cell.get("outputs", []) for t in output_texts(o))
        if cell.cell_type != "code":
            problems.append((i, "an exercise must be a code cell"))
        elif "..." not in cell.source:
            problems.append((i, "no `...` placeholder for the student to replace"))
        elif not checks:
            problems.append((i, "no check_...() call: the answer is never checked"))
        elif solution is None:
            problems.append((i, "not followed by a markdown cell with a <details> solution block"))
        elif not set(checks) & set(re.findall(r"\b(check_\w+)\(", solution)):
            problems.append((i, f"the solution does not call {checks}"))
        elif "<summary>" not in following.source:
            problems.append((i, "the <details> block needs a <summary> (it shows collapsed)"))
        elif not outputs.strip().splitlines()[-1:] or not outputs.strip().splitlines()[-1].startswith("✏️ Not answered yet"):
            problems.append((i, f"committed output should end with '✏️ Not answered yet': {outputs[-80:]!r}"))
    assert not problems, f"exercise problems (cell, problem): {problems}"
