"""`python -m helpers.progress`: a folder of students' notebooks in, one CSV row per student
and exercise out, on a small class with right, wrong, unanswered, failing and stuck answers
(tests/progress/class/, written by make_class.py; they call the real checks of lessons 1 and 3)."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from background import Job

from helpers import LESSONS
from helpers.progress import find_copies, lesson_of, outcome, student_of

CLASS = Path(__file__).resolve().parent / "class"
REPO = CLASS.parent.parent.parent
SOLVED, NOT_YET, UNANSWERED = "solved", "not yet", "unanswered"
EXPECTED = {  # (student, lesson, check): status; every other check of those lessons: unanswered
    ("alice", "01_tokenization", "check_pair_length"): SOLVED,
    ("alice", "03_attention", "check_toy_weights"): SOLVED,  # its stale "Not yet" is replaced
    ("alice", "03_attention", "check_toy_output"): NOT_YET,
    ("bob", "03_attention", "check_toy_weights"): NOT_YET,
    ("bob", "03_attention", "check_toy_output"): SOLVED,  # after a failing cell
    ("bob", "03_attention", "check_masked_weights"): SOLVED,  # after a cell that timed out
    ("bob", "03_attention", "check_previous_token_head"): NOT_YET,  # its cell failed
    ("carol", "03_attention", "check_toy_weights"): SOLVED,  # wrong first, right second
}
CHECKS = {lesson.notebook: list(lesson.checks()) for lesson in LESSONS}


def background_jobs(workdir: Path, items) -> dict[str, Job]:
    """The progress command over a copy of the class, with a checkpoint file that must be
    skipped and a broken file (run in the background: it mostly waits for the stuck cell)."""
    folder = workdir / "class"
    shutil.copytree(CLASS, folder, dirs_exist_ok=True)
    (folder / "erin-01_tokenization.ipynb").write_text("not json")  # a broken file
    checkpoint = folder / "carol" / ".ipynb_checkpoints" / "03_attention-checkpoint.ipynb"
    checkpoint.parent.mkdir()
    shutil.copy(CLASS / "carol" / "03_attention.ipynb", checkpoint)
    out = workdir / "progress.csv"
    # --timeout: over a loaded machine's torch import (other jobs run meanwhile), under the sleep
    return {"progress": Job([sys.executable, "-m", "helpers.progress", str(folder), "--out", str(out),
                             "--timeout", "30"], log=workdir / "progress.log", out=out, cwd=REPO,
                            waits=True, timeout_s=600)}


@pytest.fixture(scope="module")
def graded(background) -> tuple[list[dict], str]:
    """The CSV rows of the class and what the command printed."""
    done = background("progress")
    assert done.returncode == 0, done.stderr[-3000:]
    with done.out.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle)), done.stdout


def test_one_row_per_student_and_exercise_with_the_right_status(graded):
    rows, summary = graded
    assert list(rows[0]) == ["student", "lesson", "exercise", "status", "detail"]
    expected = {
        (student, lesson, check): EXPECTED.get((student, lesson, check), UNANSWERED)
        for student, lesson in {(s, lesson) for s, lesson, _ in EXPECTED} | {("erin", "01_tokenization")}
        for check in CHECKS[lesson]
    }
    got = {(r["student"], r["lesson"], r["exercise"]): r["status"] for r in rows}
    assert len(got) == len(rows), "a student's exercise has two rows"
    assert got == expected
    assert "4 students" in summary


def test_the_detail_says_why(graded):
    rows, _ = graded
    detail = {(r["student"], r["exercise"]): r["detail"] for r in rows}
    assert "NameError" in detail[("bob", "check_previous_token_head")]
    assert detail[("carol", "check_toy_output")] == "the check is not called in this notebook"
    assert "replace the `...`" in detail[("alice", "check_masked_weights")]
    assert "could not be read" in detail[("erin", "check_pair_length")]


def test_students_and_lessons_are_found_by_folder_or_by_file_name(tmp_path):
    assert lesson_of(Path("alice-03_attention.ipynb")).notebook == "03_attention"
    assert lesson_of(Path("03_my_copy.ipynb")).notebook == "03_attention"
    assert lesson_of(Path("notes.ipynb")) is None
    lesson = lesson_of(Path("x/03_attention.ipynb"))
    assert student_of(tmp_path / "bob-03_attention.ipynb", tmp_path, lesson) == "bob"
    assert student_of(tmp_path / "eve" / "03_attention.ipynb", tmp_path, lesson) == "eve"
    names = {(c.student, c.lesson.notebook) for c in find_copies(CLASS)}
    assert names == {("alice", "01_tokenization"), ("alice", "03_attention"),
                     ("bob", "03_attention"), ("carol", "03_attention")}


def test_outcome_reads_each_feedback_line():
    assert outcome("✅ Correct: yes") == ("solved", "yes")
    assert outcome("❌ Not yet: look again") == ("not yet", "look again")
    assert outcome("✏️ Not answered yet: replace") == ("unanswered", "replace")
    assert outcome("❌ Not yet: first\n✅ Correct: then") == ("solved", "then")
    assert outcome("error: NameError: x")[0] == "not yet"
    assert outcome("nothing") is None


def test_a_missing_folder_is_a_clear_message(tmp_path):
    done = subprocess.run([sys.executable, "-m", "helpers.progress", str(tmp_path / "nope")],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 2 and "is not a folder" in done.stderr
