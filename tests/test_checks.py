"""The exercise-feedback pattern every lesson uses (helpers/feedback.py)."""

import importlib

import numpy as np
import torch

from helpers.feedback import (
    Feedback,
    as_plain,
    compare_values_with_reference,
    exercise,
    first_failure,
    is_whole_number,
    right,
    unanswered,
    wrong,
)


def test_feedback_reads_as_one_line():
    assert repr(right("well done")) == "✅ Correct: well done"
    assert repr(wrong("look at the ids")) == "❌ Not yet: look at the ids"
    assert repr(Feedback(None, "x")).startswith("✏️ Not answered yet")


def test_placeholder_is_recognised():
    assert unanswered(...).correct is None
    assert unanswered(0) is None


def test_first_failure_reports_the_first_broken_rule():
    feedback = first_failure([(True, "a"), (False, "b"), (False, "c")], "ok")
    assert feedback == wrong("b")
    assert first_failure([(True, "a")], "ok") == right("ok")


# --- The ladder of help, plain values, and write-a-function comparisons ----------------

def test_exercise_gives_a_ladder_of_hints_and_the_expected_answer():
    @exercise(hints=["nudge", "explicit"], expected=("42",))
    def check(answer):
        return right("yes") if answer == 42 else wrong("no")

    assert check.hint().text == "nudge" and check.hint(2).text == "explicit"
    assert check.hint(9).level == 2 and repr(check.hint(2)) == "💡 Hint 2 of 2: explicit"
    assert check.expected == ("42",) and check(42).correct


def test_as_plain_turns_numpy_and_torch_into_python():
    assert as_plain(np.int64(9)) == 9 and type(as_plain(np.int64(9))) is int
    assert as_plain(torch.tensor(9)) == 9 and type(as_plain(torch.tensor(9))) is int
    assert as_plain(torch.tensor([[1, 2]])) == [[1, 2]]
    assert as_plain((np.array([1, 2]), (3, "a"))) == [[1, 2], [3, "a"]]
    assert as_plain("text") == "text" and as_plain(None) is None
    assert is_whole_number(np.int32(3)) and not is_whole_number(True) and not is_whole_number(3.0)


def _reference(rows):
    return [sorted(row) for row in rows]


CASES = [("two rows", ([[3, 1], [2]],)), ("an empty batch", ([],))]


def test_compare_values_accepts_a_matching_function_in_any_container():
    feedback = compare_values_with_reference(lambda rows: tuple(np.sort(r) for r in rows),
                                             _reference, CASES, name="sort_rows")
    assert feedback.correct, feedback
    assert "all 2 inputs" in feedback.message


def test_compare_values_names_the_first_input_that_differs():
    feedback = compare_values_with_reference(lambda rows: [sorted(r) for r in rows][:1],
                                             _reference, CASES, name="sort_rows")
    assert feedback == wrong("on two rows, sort_rows returned [[1, 3]]; the reference returns "
                             "[[1, 3], [2]].")


def test_compare_values_explains_errors_mutation_placeholders_and_diagnoses():
    def in_place(rows):
        for row in rows:
            row.sort()
        return rows

    assert "changed the lists" in compare_values_with_reference(in_place, _reference, CASES).message
    raised = compare_values_with_reference(lambda rows: rows[0][5], _reference, CASES)
    assert raised.message.startswith("on two rows, your function raised IndexError")
    assert compare_values_with_reference(..., _reference, CASES).correct is None
    assert compare_values_with_reference(lambda rows: None, _reference, CASES).correct is None
    assert "pass the function itself" in compare_values_with_reference([1], _reference, CASES).message
    diagnosed = compare_values_with_reference(lambda rows: rows, _reference, CASES,
                                              diagnose=lambda args, got, want: "not sorted.")
    assert diagnosed == wrong("on two rows, not sorted.")


def test_every_hints_table_belongs_to_a_check_of_its_lesson():
    """helpers/<idea>/hints.toml holds exactly one two-hint ladder per check of that lesson."""
    from helpers.feedback import lesson_hints
    from helpers.lessons import LESSONS

    for lesson in LESSONS:
        if lesson.package is None:
            continue
        exercises = importlib.import_module(f"{lesson.package}.exercises")
        tables = lesson_hints(lesson.package)
        assert set(tables) == set(exercises.CHECKS), f"{lesson.package}/hints.toml vs its CHECKS"
        assert all(len(hints) == 2 and all(h.strip() for h in hints) for hints in tables.values())
