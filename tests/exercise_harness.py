"""A reusable wrong-answer harness for exercise checks (issue 16: "plausible mistakes get
their own hint").

Use it from any lesson's tests:

    from exercise_harness import assert_specific_hints, generic_hint

    GENERIC = generic_hint(check_x, a_wrong_answer_nobody_would_guess)
    assert_specific_hints(check_x, {
        "off by the special tokens": 7,
        "a numpy integer, off by one": np.int64(8),
        "shape (1, n) instead of (n,)": [[...]],
    }, GENERIC)

Each wrong answer must be refused (`.correct is False`: not "Correct", not "Not answered
yet") with a hint that differs from the generic one. A failure lists every answer that got
the generic hint or was accepted, so one run shows all the gaps.
"""

import re
from typing import Any

from helpers.feedback import Feedback


def generic_hint(check, answer: Any) -> str:
    """Return the hint `check` gives for `answer`, a wrong answer it does not recognise."""
    feedback = check(answer)
    assert feedback.correct is False, f"{answer!r} was meant to be a wrong answer: {feedback}"
    return feedback.message


def _is_generic(message: str, generic: str | re.Pattern) -> bool:
    if isinstance(generic, re.Pattern):
        return generic.fullmatch(message) is not None
    return message == generic


def assert_specific_hints(check, wrong_answers: dict[str, Any], generic: str | re.Pattern) -> None:
    """Assert each of `wrong_answers` ({label: answer}) is refused with a specific hint.

    `generic` is the check's fallback hint: a string (as `generic_hint` returns), or a regex
    that must match the whole message (for checks whose fallback names the input, e.g.
    write-a-function checks: re.compile(r"on .*, pad returned .*"))."""
    assert wrong_answers, "give at least one wrong answer"
    problems = []
    for label, answer in wrong_answers.items():
        try:
            feedback = check(answer)
        except Exception as err:  # a check must never raise on a student's answer
            problems.append(f"{label}: the check raised {type(err).__name__}: {err}")
            continue
        if not isinstance(feedback, Feedback):
            problems.append(f"{label}: the check returned {type(feedback).__name__}, not Feedback")
        elif feedback.correct is not False:
            problems.append(f"{label}: got {feedback!r} instead of a hint")
        elif _is_generic(feedback.message, generic):
            problems.append(f"{label}: got only the generic hint {feedback.message!r}")
    assert not problems, f"{check.__name__}: " + "; ".join(problems)
