"""Run a notebook (or a few cells) top to bottom in a fresh kernel: wall time and peak memory.

The wall time runs from asking for a kernel to the end of the last cell, the wait a student
sees after "Restart Kernel and Run All Cells". Peak memory is the kernel process's own
high-water mark of resident memory (getrusage ru_maxrss, read inside the kernel by one
extra cell after the last one), so a short spike between two samples cannot be missed.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

TIMEOUT_S = 600

# Runs after the notebook, in the same kernel. Linux reports ru_maxrss in KiB, macOS in bytes.
PEAK_PROBE = """\
import json as _j, sys as _s
try:
    import resource as _r
    _peak = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss * (1 if _s.platform == "darwin" else 1024)
except ImportError:  # Windows: the peak working set
    import psutil as _p
    _peak = _p.Process().memory_info().peak_wset
    _cpu = sum(_p.Process().cpu_times()[:2])
else:
    _u = _r.getrusage(_r.RUSAGE_SELF)
    _cpu = _u.ru_utime + _u.ru_stime
print("BENCH-PEAK", _j.dumps([_peak, _cpu]))
"""


@dataclass
class KernelRun:
    """One execution: seconds from kernel request to last cell, peak RSS in bytes, the kernel's
    CPU seconds (all its threads, user + system), per-cell seconds."""

    wall_s: float
    startup_s: float
    peak_rss: int | None
    cpu_s: float | None = None
    cell_s: list[tuple[int, float, str]] = field(default_factory=list)  # (index, seconds, first line)
    cell_peak: list[tuple[int, int, str]] = field(default_factory=list)  # (index, bytes, first line)
    error: str | None = None
    stdout: str = ""


def code_notebook(*sources: str) -> nbformat.NotebookNode:
    """Return an in-memory notebook whose code cells are `sources`."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def _stdout_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")


def _first_line(source: str) -> str:
    lines = [ln for ln in source.splitlines() if ln.strip()]
    code = [ln for ln in lines if not ln.lstrip().startswith("#")]
    return ((code or lines or [""])[0])[:60]


def _high_water_mark(pid: int | None) -> int | None:
    """Return the process's peak resident memory so far (Linux VmHWM), or None elsewhere."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, TypeError):
        return None
    return None


def run_in_fresh_kernel(nb: nbformat.NotebookNode, cwd: Path) -> KernelRun:
    """Execute every code cell of `nb` (a copy) in a new python3 kernel started in `cwd`."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # never touch the caller's notebook
    probe = nbformat.v4.new_code_cell(PEAK_PROBE)
    nb.cells.append(probe)
    client = NotebookClient(
        nb,
        timeout=TIMEOUT_S,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd)}},
        store_widget_state=False,
    )
    cell_s, error = [], None
    start = time.perf_counter()
    cell_peak = []
    with client.setup_kernel():
        ready = time.perf_counter()
        end = ready
        pid = getattr(client.km.provisioner, "pid", None)
        for index, cell in enumerate(nb.cells[:-1]):
            if cell.cell_type != "code":
                continue
            t0 = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as err:
                error = f"cell {index}: {str(err).strip().splitlines()[-1][:200]}"
                break
            except Exception as err:  # a timeout or a dead kernel: say which cell, keep going
                error = f"cell {index}: {type(err).__name__}: {str(err).strip()[:200]}"
                break
            end = time.perf_counter()
            cell_s.append((index, end - t0, _first_line(cell.source)))
            cell_peak.append((index, _high_water_mark(pid), _first_line(cell.source)))
        if error is None or "CellTimeoutError" not in error and "DeadKernel" not in error:
            client.execute_cell(probe, len(nb.cells) - 1)
    peak = cpu = None
    for line in _stdout_of(probe).splitlines():
        if line.startswith("BENCH-PEAK "):
            peak, cpu = json.loads(line.split(" ", 1)[1])
    stdout = "".join(_stdout_of(c) for c in nb.cells[:-1] if c.cell_type == "code")
    return KernelRun(end - start, ready - start, peak, cpu, cell_s, cell_peak, error, stdout)


def run_notebook(path: Path) -> KernelRun:
    """Execute the notebook at `path` in a fresh kernel, in its own folder, without saving it."""
    return run_in_fresh_kernel(nbformat.read(path, as_version=4), Path(path).parent)
