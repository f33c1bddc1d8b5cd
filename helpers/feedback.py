"""Exercise checks: call one with your answer; it says whether you got it, and if not, why.

Every check returns a Feedback. In a notebook it shows as one line:
    ✅ Correct: ...        you got it
    ❌ Not yet: ...        a hint that names what to look at
    ✏️ Not answered yet: ... you have not replaced the `...` placeholder
Tests read `.correct` instead of the text.
"""

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
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




# --- The ladder of help ------------------------------------------------------------------
# A check gives the specific hint for a mistake it recognises. `check.hint(2)` shows a second,
# more explicit hint on request; the solution stays in the notebook's folded <details>.


@dataclass(frozen=True)
class Hint:
    """A hint asked for by the student: level n of a check's ladder."""

    level: int
    of: int
    text: str

    def __repr__(self) -> str:
        return f"💡 Hint {self.level} of {self.of}: {self.text}"

    __str__ = __repr__


@functools.cache
def lesson_hints(package: str) -> dict[str, list[str]]:
    """The ladders of hints of one lesson folder, {check name: [hint 1, hint 2]}, from its
    hints.toml (course text kept apart from the checks' logic, so it can be edited alone)."""
    text = resources.files(package).joinpath("hints.toml").read_text(encoding="utf-8")
    return {name: list(table["hints"]) for name, table in tomllib.loads(text).items()}


def exercise(expected: tuple[str, ...] = (), hints: list[str] | None = None):
    """Decorate a check with its ladder of hints (`hints`, or by default the check's table in
    its lesson folder's hints.toml) and the answer it expects, as printed text.

    `check.hint(n)` returns hint n (1 = a nudge, last = nearly the answer). `check.expected`
    holds the answer as it would be written or printed (tests assert that no cell above the
    exercise already prints it). While the first argument is still the `...` placeholder, the
    decorated check answers "not answered" without running, so no check repeats that test."""

    def decorate(check):
        ladder = hints or lesson_hints(check.__module__.rpartition(".")[0])[check.__name__]

        @functools.wraps(check)
        def checked(answer: Any = ..., *args, **kwargs) -> Feedback:
            if (pending := unanswered(answer)) is not None:
                return pending
            return check(answer, *args, **kwargs)

        def hint(level: int = 1) -> Hint:
            level = min(max(int(level), 1), len(ladder))
            return Hint(level, len(ladder), ladder[level - 1])

        checked.hints, checked.hint, checked.expected = list(ladder), hint, tuple(expected)
        return checked

    return decorate


# --- Write-a-function exercises ------------------------------------------------------------


def _as_tensor(value: Any):
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach()
    try:
        return torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None


def compare_with_reference(student: Any, reference, cases: list[tuple[str, tuple]],
                           atol: float = 1e-5, name: str = "your function") -> Feedback:
    """Run `student` and `reference` on each (label, args) case; name the first that differs.

    As in ARENA's tests: the hint says which input, and whether the shape or the values differ
    (with the largest difference), so the student knows where to look."""
    if student is ... or student is None:
        return Feedback(None, f"write {name}, then run the cell again.")
    if not callable(student):
        return wrong(f"pass the function itself (its name, without brackets), not a {type(student).__name__}.")
    for label, args in cases:
        want = reference(*args)
        try:
            got = student(*args)
        except Exception as err:  # the student's code failed: say where, not a traceback
            return wrong(f"on {label}, {name} raised {type(err).__name__}: {err}")
        got_t, want_t = _as_tensor(got), _as_tensor(want)
        if got_t is None:
            return wrong(f"on {label}, {name} returned a {type(got).__name__}; return a tensor.")
        if tuple(got_t.shape) != tuple(want_t.shape):
            return wrong(f"on {label}, {name} returned shape {tuple(got_t.shape)}; "
                         f"expected {tuple(want_t.shape)}.")
        diff = (got_t.double() - want_t.double()).abs().max().item() if got_t.numel() else 0.0
        if not diff <= atol:
            return wrong(f"on {label}, the values differ from the reference by up to {diff:.3g} "
                         f"(tolerance {atol:g}).")
    return right(f"{name} matches the reference on all {len(cases)} inputs.")


def returns_none(function, args) -> bool:
    """True if `function(*args)` runs and returns None (a body still `...`, or no return)."""
    try:
        return function(*args) is None
    except Exception:  # compare_with_reference reports the error with the input's name
        return False


def makes_mistake(student, mistake, cases) -> bool:
    """True if `student` gives what `mistake` gives on every case (NaN where it gives NaN)."""
    import torch

    try:
        with torch.no_grad():
            for _, args in cases:
                got = torch.as_tensor(student(*args), dtype=torch.float64)
                want = torch.as_tensor(mistake(*args), dtype=torch.float64)
                if got.shape != want.shape or not torch.allclose(got, want, atol=1e-4, equal_nan=True):
                    return False
    except Exception:  # the student's function fails on some input: not this mistake
        return False
    return True


def compare_and_diagnose(student: Any, reference, cases: list[tuple[str, tuple]], mistakes,
                         name: str, returns: str, atol: float = 1e-4) -> Feedback:
    """compare_with_reference, after a "not answered" for a function that returns nothing yet;
    when the student's function differs, the hint of the first (mistake, hint) it reproduces."""
    if callable(student) and returns_none(student, cases[0][1]):
        return Feedback(None, f"{name} returns nothing yet: replace the ... with your code, "
                              f"ending with `return` and {returns}, then run the cell again.")
    feedback = compare_with_reference(student, reference, cases, atol=atol, name=name)
    if feedback.correct is not False or not callable(student):
        return feedback
    for mistake, hint in mistakes:
        if makes_mistake(student, mistake, cases):
            return wrong(hint)
    return feedback


# --- Plain values: what a student may pass for a number or a list ---------------------------


def as_plain(value: Any) -> Any:
    """Return `value` with numpy/torch scalars and arrays turned into Python ints, floats and
    lists, and tuples into lists (recursively); anything else is returned as it is.

    So `np.int64(9)`, `torch.tensor(9)` and `9` are the same answer to a check."""
    if hasattr(value, "tolist") and not isinstance(value, (list, tuple, str, bytes)):
        try:
            value = value.tolist()
        except (TypeError, ValueError, RuntimeError):
            return value
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    return value


def is_whole_number(value: Any) -> bool:
    """Return True for an int (not a bool), after as_plain (so numpy and torch ints count)."""
    value = as_plain(value)
    return isinstance(value, int) and not isinstance(value, bool)


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def compare_values_with_reference(student: Any, reference, cases: list[tuple[str, tuple]],
                                  name: str = "your function", diagnose=None) -> Feedback:
    """Like compare_with_reference, for functions that return lists, ints or strings.

    Each (label, args) case runs on fresh copies of `args`; outputs are compared exactly after
    `as_plain` (so tuples, numpy arrays and tensors compare as lists). On the first case that
    differs, `diagnose(args, got, want)` may name the mistake (a str), else the hint shows
    what came back and what the reference returns. A function that changes its arguments in
    place is told so; one that returns None on the first case is "not answered yet"."""
    import copy

    if student is ... or student is None:
        return Feedback(None, f"write {name}, then run the cell again.")
    if not callable(student):
        return wrong(f"pass the function itself (its name, without brackets), not a {type(student).__name__}.")
    for index, (label, args) in enumerate(cases):
        want = as_plain(reference(*copy.deepcopy(args)))
        given = copy.deepcopy(args)
        try:
            got = as_plain(student(*given))
        except Exception as err:  # the student's code failed: say where, not a traceback
            return wrong(f"on {label}, {name} raised {type(err).__name__}: {err}")
        if got is None and index == 0:  # the body is still `...` (or has no `return`)
            return Feedback(None, f"{name} returns nothing yet: write its body, ending with "
                                  "`return ...`, then run the cell again.")
        if given != args:
            return wrong(f"on {label}, {name} changed the lists it was given; build new lists "
                         "instead (e.g. row + [...], not row.append or row.extend).")
        if got != want:
            found = diagnose(args, got, want) if diagnose else None
            return wrong(f"on {label}, {found}" if found else
                         f"on {label}, {name} returned {_short(got)}; the reference returns {_short(want)}.")
    return right(f"{name} matches the reference on all {len(cases)} inputs.")
