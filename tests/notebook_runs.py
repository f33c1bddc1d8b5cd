"""Run a notebook the way students do, in real Jupyter kernels, and record every cell's outputs.

Used by test_student_behaviour.py and test_stability.py; one session per notebook serves both,
and the sessions of different notebooks run in parallel subprocesses (each kernel uses one
torch thread), so a session costs about three runs of the notebook, shared between CPU cores.

One session, with torch at ONE thread (COURSE_TORCH_THREADS=1, OMP_NUM_THREADS=1):
  kernel A, fresh (what a student has after "Restart kernel"):
    "first"   every code cell in order; these outputs must equal the committed ones
              (nbval's strict rules; the main test run does the same at two threads),
    "revisit" then every section again, the last section first ("let me go back to ..."),
              each section's cells in order (a section with a cell slower than SLOW_S, i.e.
              training, is left out here: it runs twice in kernel B); then every widget cell
              once more ("revisit-widget"), now that the variables it reads were re-assigned;
  kernel B, fresh:
    "jump"    the Setup cells, then the first cell of every other section, last section
              first: a student who restarted and went straight back to where they were.
              Errors are expected here; they must say what is missing or what to run
              (NameError, or a message naming the cell), never a deep traceback from a helper;
    "twice"   then from the top, every code cell run twice in a row (a double Shift+Enter).
  (The twice-run gets its own kernel: a cell run twice draws its random numbers twice, which
  rightly changes what later cells print, so it cannot share the compared pass.)
Kernels A and B run as separate jobs, so a long lesson's two halves run side by side.

Command line (what the tests call):  python tests/notebook_runs.py NOTEBOOK A|B OUT.json

Also a plain run, for a notebook the tests have changed (e.g. the worked solutions in place of
the exercises, tests/test_exercise_solutions.py): every cell top to bottom in a fresh kernel at
one torch thread, from notebooks/ (where the lessons run), failing at the first cell that
raises (as nbclient does; a `raises-exception` cell may):
    python tests/notebook_runs.py NOTEBOOK run OUT.ipynb
"""

import copy
import json
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbval.plugin import coalesce_streams, find_comment_markers, find_metadata_tags

from helpers import LESSONS

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT_S = 600
# A section with a cell slower than this in the first pass (training) is left out of the
# revisit pass (Setup never is): its cells still run twice in a row in kernel B, and a long
# lesson's two kernels stay balanced.
SLOW_S = 10

# A cell that shows a widget: a course widget built (its class from helpers.LESSONS), interact, display.
WIDGET_CALL = re.compile(r"\b(" + "|".join(lesson.widget for lesson in LESSONS if lesson.widget)
                         + r")\(|\binteractive?\(|\bdisplay\(")
ONE_THREAD = {"COURSE_TORCH_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def nbval_options(cell) -> dict:
    """nbval's options for a cell (from `# NBVAL_...` comments and tags): skip, check, ..."""
    options = dict(find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    return options


def code_cell_indices(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip() and not nbval_options(c).get("skip")]


def sections(nb) -> list[list[int]]:
    """Code-cell indices grouped by `## ` heading (the cells before the first one form a group)."""
    groups: list[list[int]] = [[]]
    runnable = set(code_cell_indices(nb))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"^##\s", cell.source, re.M):
            groups.append([])
        elif i in runnable:
            groups[-1].append(i)
    return [g for g in groups if g]


def setup_section(nb) -> list[int]:
    """The code cells of the section headed 'Setup' (or the first section)."""
    heading_of = {}
    current = ""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and (m := re.search(r"^##\s+(.*)$", cell.source, re.M)):
            current = m.group(1)
        heading_of[i] = current
    groups = sections(nb)
    found = [g for g in groups if re.search(r"\bsetup\b", heading_of[g[0]], re.I)]
    return found[0] if found else groups[0]


def plain(outputs) -> list[dict]:
    """Outputs as plain JSON-able dicts."""
    return [json.loads(json.dumps(o)) for o in outputs]


class Session:
    """Runs cells of one notebook in a kernel and records each run."""

    def __init__(self, path: Path):
        self.path = path
        self.nb = nbformat.read(path, as_version=4)
        self.records: list[dict] = []
        self.threads = ""  # torch's thread count in the kernel after the first pass
        self.slow: list[int] = []  # cells left out of the revisit pass (see SLOW_S)

    def kernel(self):
        client = NotebookClient(
            copy.deepcopy(self.nb), kernel_name="python3", timeout=CELL_TIMEOUT_S,
            allow_errors=True, store_widget_state=False,
            resources={"metadata": {"path": str(self.path.parent)}},
        )
        return client, client.setup_kernel(env={**os.environ, **ONE_THREAD})

    def run(self, client, index: int, phase: str) -> dict:
        cell = copy.deepcopy(self.nb.cells[index])
        start = time.perf_counter()
        client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        errors = [o for o in cell.outputs if o.output_type == "error"]
        record = {
            "phase": phase, "index": index, "seconds": round(seconds, 2),
            "outputs": plain(cell.outputs),
            "error": {"ename": errors[0].ename, "evalue": errors[0].evalue,
                      "traceback": errors[0].traceback} if errors else None,
        }
        self.records.append(record)
        return record

    def play_a(self) -> None:
        """Kernel A: the compared pass, then the sections again (last first), then the widgets."""
        nb = self.nb
        client, context = self.kernel()
        with context:
            seconds = {}
            for index in code_cell_indices(nb):
                seconds[index] = self.run(client, index, "first")["seconds"]
            probe = nbformat.v4.new_code_cell("import torch; print(torch.get_num_threads())")
            client.execute_cell(probe, 0)  # stored into the client's copy only
            self.threads = "".join(o.get("text", "") for o in probe.outputs).strip()
            setup = setup_section(nb)
            for group in reversed(sections(nb)):
                if group != setup and max(seconds[index] for index in group) >= SLOW_S:
                    self.slow.extend(group)  # a section is re-run whole or not at all
                    continue
                for index in group:
                    self.run(client, index, "revisit")
            for index in code_cell_indices(nb):
                if WIDGET_CALL.search(nb.cells[index].source):
                    self.run(client, index, "revisit-widget")

    def play_b(self) -> None:
        """Kernel B: Setup, the first cell of each section (last first), then every cell twice."""
        nb = self.nb
        client, context = self.kernel()
        with context:
            setup = setup_section(nb)
            for index in setup:
                self.run(client, index, "jump")
            for group in reversed(sections(nb)):
                if group[0] not in setup:
                    self.run(client, group[0], "jump")
            for index in code_cell_indices(nb):
                self.run(client, index, "twice")
                self.run(client, index, "twice")


# --- comparing like nbval's strict mode ---------------------------------------------------

SKIP_KEYS = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
             "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}


def comparable(outputs) -> dict[str, list]:
    """nbval's view of outputs: streams merged per name, MIME types flattened, skip list applied."""
    merged = coalesce_streams([nbformat.from_dict(copy.deepcopy(o)) for o in outputs])
    found: dict[str, list] = {}
    for output in merged:
        if output.output_type == "stream":
            found.setdefault(output.name, []).append(output.text)
            continue
        for key, value in output.items():
            if key in SKIP_KEYS:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_KEYS:
                        found.setdefault(mime, []).append(data)
            else:
                found.setdefault(key, []).append(value)
    return found


def differences(got, committed) -> str | None:
    """None if nbval (strict) would accept `got` for a cell that committed `committed`."""
    left, right = comparable(committed), comparable(got)
    if set(left) != set(right):
        return f"output kinds differ: committed {sorted(left)}, got {sorted(right)}"
    for key in left:
        if left[key] != right[key]:
            return f"{key} differs:\n--- committed\n{''.join(map(str, left[key]))}\n+++ got\n{''.join(map(str, right[key]))}"
    return None


def run_through(notebook: str, out: str) -> None:
    """The plain run (see the docstring): the executed notebook is written to `out`."""
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}},
                   ).execute(env={**os.environ, **ONE_THREAD})
    nbformat.write(nb, out)


def main(notebook: str, part: str, out: str) -> None:
    if part == "run":
        run_through(notebook, out)
        return
    start = time.perf_counter()
    session = Session(Path(notebook).resolve())
    {"A": session.play_a, "B": session.play_b}[part]()
    Path(out).write_text(json.dumps({
        "notebook": notebook, "part": part, "records": session.records,
        "torch_threads": session.threads, "slow": session.slow,
        "played": session.nb,  # the version played (the file may change meanwhile)
        "seconds": round(time.perf_counter() - start, 1),
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
