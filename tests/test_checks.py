"""The exercise-feedback pattern every lesson uses."""

from helpers.feedback import Feedback, first_failure, right, unanswered, wrong


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
