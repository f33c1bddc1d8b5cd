"""For instructors: run a folder of students' lesson notebooks and tabulate their exercises.

    python -m helpers.progress DIR --out progress.csv [--timeout 120] [--jobs 2]

DIR holds the students' copies, either one folder per student (`DIR/alice/03_attention.ipynb`:
the student is the folder's name) or files side by side (`DIR/alice-03_attention.ipynb`: the
student is the file name without the lesson's name). A file's lesson is the course notebook
whose name (or `NN_` number) it contains. Each notebook runs top to bottom in a fresh kernel
(nbclient, in the notebook's folder, the course's quiet offline environment); a failing cell
does not stop the rest, and a cell that runs longer than --timeout seconds is interrupted.

One CSV row per student and exercise (every check of `helpers.LESSONS[i].checks()`):
student, lesson, exercise, status, detail. The status is read from what the check printed
(see helpers.feedback): "solved" (✅ Correct), "not yet" (❌ Not yet, or the cell failed) or
"unanswered" (✏️ Not answered yet, or the check is not called in the notebook). The detail is
the check's message or the error (a file that is not a notebook, or a kernel that dies, gives
its exercises a detail saying so; the other files still run). Students' notebooks are code: run them only if you would
run the students' code yourself. The notebooks themselves are not changed.
"""

import argparse
import copy
import csv
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers.course_env import COURSE_ENV
from helpers.lessons import LESSONS, Lesson

STATUS = {"✅ Correct": "solved", "❌ Not yet": "not yet", "✏️ Not answered yet": "unanswered"}
FIELDS = ["student", "lesson", "exercise", "status", "detail"]
QUIET_ENV = {**COURSE_ENV, "MPLBACKEND": "agg"}  # no inline figures to store


@dataclass(frozen=True)
class Copy:
    """One student's copy of one lesson."""

    student: str
    lesson: Lesson
    path: Path


def lesson_of(path: Path) -> Lesson | None:
    """The lesson whose notebook name, or failing that `NN_` number, is in the file name."""
    name = path.stem
    for lesson in LESSONS:
        if lesson.notebook in name:
            return lesson
    for lesson in LESSONS:
        if re.search(rf"(^|[^0-9]){lesson.notebook[:2]}_", name):
            return lesson
    return None


def student_of(path: Path, folder: Path, lesson: Lesson) -> str:
    """The first folder under `folder`, or the file name without the lesson's name."""
    parts = path.relative_to(folder).parts
    if len(parts) > 1:
        return parts[0]
    rest = path.stem.replace(lesson.notebook, "")
    rest = re.sub(rf"(^|[^0-9]){lesson.notebook[:2]}_\w*", "", rest) if rest == path.stem else rest
    return rest.strip(" -_.") or path.stem


def find_copies(folder: Path) -> list[Copy]:
    """Every lesson notebook under `folder` (checkpoints skipped), by student then lesson."""
    copies = []
    for path in sorted(folder.rglob("*.ipynb")):
        lesson = lesson_of(path)
        if ".ipynb_checkpoints" in path.parts or lesson is None or not lesson.checks():
            continue
        copies.append(Copy(student_of(path, folder, lesson), lesson, path))
    return sorted(copies, key=lambda c: (c.student, c.lesson.notebook, str(c.path)))


def execute(path: Path, timeout: int):
    """The notebook at `path` run top to bottom (a copy); failing cells keep their error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    nb = nbformat.read(path, as_version=4)
    run = copy.deepcopy(nb)
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    client = NotebookClient(run, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except DeadKernelError as err:  # the rest of the notebook did not run
        return run, f"the kernel died ({err})"
    except Exception as err:  # a kernel that would not start, a broken file: say so, go on
        return run, f"the notebook could not be run ({type(err).__name__}: {err})"
    return run, None


def _text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            texts.append(f"error: {output.get('ename')}: {output.get('evalue')}")
        texts.append(output.get("text") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def outcome(text: str) -> tuple[str, str] | None:
    """(status, detail) from a check's printed Feedback, or from an error; None if neither."""
    found = [(text.rfind(mark), mark) for mark in STATUS if mark in text]
    if found:
        _, mark = max(found)
        line = text[text.rfind(mark):].split("\n", 1)[0]
        return STATUS[mark], line[len(mark):].lstrip(": ").strip()
    error = re.search(r"^error: (.*)$", text, flags=re.M)
    return ("not yet", f"the cell failed: {error[1]}") if error else None


def grade(run, lesson: Lesson, problem: str | None = None) -> dict[str, tuple[str, str]]:
    """{check name: (status, detail)} for every check of the lesson, from an executed run;
    a check called several times counts its last call."""
    results = {}
    for cell in run["cells"]:
        if cell["cell_type"] != "code":
            continue
        for name in lesson.checks():
            if re.search(rf"\b{name}\s*\(", cell["source"]):
                results[name] = outcome(_text(cell)) or ("not yet", problem or "the check printed nothing")
    missing = "the check is not called in this notebook" if problem is None else problem
    return {name: results.get(name, ("unanswered", missing)) for name in lesson.checks()}


def rows_for(copy_: Copy, timeout: int) -> list[dict]:
    try:
        run, problem = execute(copy_.path, timeout)
    except Exception as err:  # not a notebook nbformat can read: report it, go on
        run, problem = {"cells": []}, f"the notebook could not be read ({type(err).__name__})"
    return [
        {"student": copy_.student, "lesson": copy_.lesson.notebook, "exercise": name,
         "status": status, "detail": detail}
        for name, (status, detail) in grade(run, copy_.lesson, problem).items()
    ]


def progress(folder: Path, out: Path, timeout: int = 120, jobs: int = 2) -> list[dict]:
    """Run every copy under `folder` (`jobs` kernels at a time) and write the CSV to `out`."""
    copies = find_copies(folder)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = [row for rows in pool.map(lambda c: rows_for(c, timeout), copies) for row in rows]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.progress",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the students' notebooks")
    parser.add_argument("--out", type=Path, default=Path("progress.csv"), help="CSV to write")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder: give the folder of the students' notebooks.",
              file=sys.stderr)
        return 2
    rows = progress(args.folder, args.out, args.timeout, args.jobs)
    if not rows:
        print(f"no lesson notebooks found under {args.folder} (names like 03_attention.ipynb)",
              file=sys.stderr)
        return 1
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUS.values()}
    students = len({r["student"] for r in rows})
    print(f"{args.out}: {len(rows)} rows for {students} students: "
          + ", ".join(f"{n} {status}" for status, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
