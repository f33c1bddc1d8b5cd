"""Lesson 3's notebook as committed: exercises in the order of CHECKS, no exercise's answer
printed above it, the hint ladder shown to the student, and the measured tolerances printed."""

import re

from attention_support import notebook

from helpers.attention import exercises as ex


def output_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        texts.append(output.get("text") or output.get("data", {}).get("text/plain", ""))
    return "".join(texts)


def exercise_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", [])]


def test_exercises_are_in_the_order_of_checks():
    called = [re.search(r"\b(check_\w+)\(", c.source).group(1) for _, c in exercise_cells(notebook())]
    assert tuple(called) == ex.CHECKS


def test_at_least_five_exercises_of_three_kinds():
    nb = notebook()
    sources = [c.source for _, c in exercise_cells(nb)]
    assert len(sources) >= 5
    assert sum("(predict)" in s for s in sources) >= 2
    assert any(re.search(r"^def \w+\(", s, re.M) for s in sources)  # write a function


def test_no_answer_is_printed_above_its_exercise():
    nb = notebook()
    for index, cell in exercise_cells(nb):
        check = getattr(ex, re.search(r"\b(check_\w+)\(", cell.source).group(1))
        above = "\n".join(output_text(c) for c in nb.cells[:index] if c.cell_type == "code")
        for expected in check.expected:
            assert expected not in above, f"{check.__name__}'s answer {expected!r} is printed above it"


def test_predictions_are_revealed_right_after_their_solution():
    nb = notebook()
    for index, cell in exercise_cells(nb):
        if "(predict)" not in cell.source:
            continue
        reveal = nb.cells[index + 2]
        check = getattr(ex, re.search(r"\b(check_\w+)\(", cell.source).group(1))
        assert reveal.cell_type == "code" and check.expected[0] in output_text(reveal)


def test_the_student_is_shown_how_to_ask_for_hint_2():
    nb = notebook()
    text = "\n".join(c.source for c in nb.cells)
    assert ".hint(2)" in text and ".hint()" in text


def test_the_tolerances_are_printed():
    text = "\n".join(output_text(c) for c in notebook().cells)
    assert "from scratch vs torch: max difference < 1e-05" in text
    assert "padded batch, recomputed with the mask vs the model's: max difference < 1e-05" in text


def test_the_layer_part_lives_in_lesson_4():
    sources = "\n".join(c.source for c in notebook().cells)
    assert "def my_layer(" not in sources and "layer_diagram" not in sources
    assert "lesson 4" in sources.lower()


def test_the_lesson_says_where_keys_and_values_come_from():
    text = "\n".join(c.source for c in notebook().cells if c.cell_type == "markdown")
    assert "computed, here and now, from the tokens of the sentence being read" in text
    assert "spotlight" in text
