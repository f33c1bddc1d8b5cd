"""Speaker notes for the slides, read from docs/instructor-guide.md (their one source).

Each lesson's part of the guide (a `### NN Title (M minutes)` heading) holds a timing table
    | Slide | Minutes | Say, pause, ask |
whose rows the slides show as notes (press S), and a **Questions.** list. A row's first cell
names where its note goes: a section number ("3", "3-4": the `## 3.` heading), or the start
of a heading ("Exercises", "Recap") or of an exercise cell's first line ("Exercise 1").
A question goes to section N when it ends with "(section N)", otherwise to the Recap slide.
A row that matches nothing goes on the title slide, marked, so nothing is lost silently.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "instructor-guide.md"
LESSON = re.compile(r"^### (\d\d) (.+?) \((\d+) minutes\)\s*$", re.M)
ROW = re.compile(r"^\|(?P<key>[^|]+)\|\s*(?P<minutes>\d+)\s*\|(?P<text>[^|]*)\|\s*$")
SECTION = re.compile(r"^(\d+)(?:\s*[–-]\s*(\d+))?\b")
QUESTION_SECTION = re.compile(r"\s*\(sections? (\d+)[^)]*\)\s*$")


@dataclass
class Row:
    key: str
    minutes: int
    text: str


@dataclass
class LessonNotes:
    number: str
    title: str
    stated_minutes: int
    rows: list[Row] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(row.minutes for row in self.rows)


def parse(text: str | None = None) -> dict[str, LessonNotes]:
    """{"01": LessonNotes, ...} from the guide's text (default: docs/instructor-guide.md)."""
    text = GUIDE.read_text(encoding="utf-8") if text is None else text
    found, marks = {}, list(LESSON.finditer(text))
    for mark, after in zip(marks, marks[1:] + [None], strict=True):
        body = text[mark.end(): after.start() if after else len(text)]
        body = re.split(r"^## ", body, flags=re.M)[0]
        notes = LessonNotes(mark[1], mark[2], int(mark[3]))
        for line in body.splitlines():
            row = ROW.match(line.strip())
            if row and not row["key"].strip().startswith("-"):
                notes.rows.append(Row(row["key"].strip(), int(row["minutes"]), row["text"].strip()))
        questions = body.split("**Questions.**", 1)[1] if "**Questions.**" in body else ""
        notes.questions = [q.strip() for q in re.split(r"^- ", questions, flags=re.M)[1:]]
        notes.questions = [" ".join(q.split()) for q in notes.questions]
        found[notes.number] = notes
    return found


def _names(cell) -> tuple[int | None, str]:
    """(section number, text) a note can be matched against: a heading, or a code cell's
    first comment line."""
    first = cell.source.strip().split("\n", 1)[0] if cell.source.strip() else ""
    if cell.cell_type == "markdown" and first.startswith("#"):
        title = first.lstrip("#").strip()
        number = re.match(r"(\d+)\.", title)
        return (int(number[1]) if number and first.startswith("## ") else None), title
    if cell.cell_type == "code" and first.startswith("#"):
        return None, first.lstrip("#").strip()
    return None, ""


def _match(row_key: str, cells: list) -> object | None:
    section = SECTION.match(row_key)
    for cell in cells:
        number, name = _names(cell)
        if section and number == int(section[1]):
            return cell
        if not section and name.lower().startswith(row_key.lower()):
            return cell
    return None


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def assigner(notes: LessonNotes | None):
    """A function cells -> {id(cell): notes markdown}, for tools/slide_plan.plan."""

    def assign(cells: list) -> dict[int, str]:
        if notes is None or not cells:
            return {}
        found: dict[int, list[str]] = {id(cells[0]): [
            f"**Lesson {notes.number}, {notes.title}: {notes.minutes} min in all** "
            "(docs/instructor-guide.md). Read the goals aloud."]}
        elapsed = 0
        for row in notes.rows:
            cell = _match(row.key, cells)
            where = "" if cell is not None else f" (no slide matches “{row.key}”)"
            stamp = f"**{row.key}: {row.minutes} min** ({_clock(elapsed)} to " \
                    f"{_clock(elapsed + row.minutes)} of {_clock(notes.minutes)}){where}"
            found.setdefault(id(cell if cell is not None else cells[0]), []).append(
                f"{stamp}. {row.text}")
            elapsed += row.minutes
        recap = _match("Recap", cells) or cells[-1]
        for question in notes.questions:
            section = QUESTION_SECTION.search(question)
            cell = _match(section[1], cells) if section else None
            target = cell if cell is not None else recap
            found.setdefault(id(target), []).append(f"Likely question: {question}")
        return {key: "\n\n".join(texts) for key, texts in found.items()}

    return assign
