"""Exercise checks: call one with your answer; it says whether you got it, and if not, why.

Every check returns a Feedback. In a notebook it shows as one line:
    ✅ Correct: ...        you got it
    ❌ Not yet: ...        a hint that names what to look at
    ✏️ Not answered yet: ... you have not replaced the `...` placeholder
Tests read `.correct` instead of the text.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feedback:
    """The outcome of checking one answer: correct is True, False, or None (not answered)."""

    correct: bool | None
    message: str

    def __repr__(self) -> str:
        mark = {True: "✅ Correct", False: "❌ Not yet", None: "✏️ Not answered yet"}[self.correct]
        return f"{mark}: {self.message}"

    __str__ = __repr__


def right(message: str) -> Feedback:
    """Return a Feedback that confirms a correct answer."""
    return Feedback(True, message)


def wrong(hint: str) -> Feedback:
    """Return a Feedback with a hint for a wrong answer."""
    return Feedback(False, hint)


def unanswered(answer: Any) -> Feedback | None:
    """Return a polite 'not answered' Feedback while `answer` is still the `...` placeholder."""
    if answer is ...:
        return Feedback(None, "replace the `...` with your answer, then run the cell again.")
    return None


def first_failure(rules: list[tuple[bool, str]], success: str) -> Feedback:
    """Return the hint of the first rule whose condition is False, or `success` if all hold."""
    for holds, hint in rules:
        if not holds:
            return wrong(hint)
    return right(success)


# --- Lesson 1: tokenization ------------------------------------------------

# --- Lesson 2: embeddings --------------------------------------------------

# --- Lesson 3: attention ---------------------------------------------------

# --- Lesson 4: freezing ----------------------------------------------------
