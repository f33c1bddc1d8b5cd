"""Run lesson notebooks top to bottom in a fresh kernel and save them with their outputs.

Usage (through make, which sets the same environment as CI):  make notebooks [NB=path]

Besides outputs and execution counts 1, 2, 3, ... it keeps notebooks tidy:
- no stored widget state (it bloats files and nbval does not compare it),
- slideshow metadata on every cell: a markdown cell that starts with '#' opens a new slide,
  every other cell continues the current one (set another slide_type by hand to override),
- no per-cell execution timing metadata,
- consecutive prints to one stream stored as one output (a busy kernel may send one print in
  two messages; nbval joins them anyway, so the file should not depend on the machine's load).
"""

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

TIMEOUT_S = 300


def joined_streams(outputs: list) -> list:
    """Return `outputs` with each run of consecutive same-stream outputs joined into one."""
    joined = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (output.output_type == "stream" and previous is not None
                and previous.output_type == "stream" and previous.name == output.name):
            previous.text += output.text
        else:
            joined.append(output)
    return joined


def tidy(nb: nbformat.NotebookNode) -> None:
    """Give every cell slide metadata and drop metadata that changes from run to run."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = joined_streams(cell.outputs)
        starts_heading = cell.cell_type == "markdown" and cell.source.lstrip().startswith("#")
        cell.metadata.setdefault("slideshow", {"slide_type": "slide" if starts_heading else "-"})


def record(path: Path) -> float:
    """Execute the notebook at `path` in place; return the seconds it took."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    tidy(nb)
    nbformat.write(nb, path)
    return seconds


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"{name}: {record(Path(name)):.1f} s", flush=True)
