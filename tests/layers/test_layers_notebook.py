"""Lesson 4's notebook as committed: at least five exercises of three kinds in the order of
CHECKS, predictions revealed right after their solution, no answer printed above its exercise,
the hint ladder shown, and the measured tolerances and claims printed."""

import re

from layers_support import notebook, output_text

from helpers.layers import exercises as ex


def exercise_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", [])]


def check_of(cell):
    return getattr(ex, re.search(r"\b(check_\w+)\(", cell.source).group(1))


def test_exercises_are_in_the_order_of_checks():
    called = [check_of(c).__name__ for _, c in exercise_cells(notebook())]
    assert tuple(called) == ex.CHECKS


def test_at_least_five_exercises_of_three_kinds():
    sources = [c.source for _, c in exercise_cells(notebook())]
    assert len(sources) >= 5
    predict = sum("(predict)" in s for s in sources)
    write = sum(bool(re.search(r"^def \w+\(", s, re.M)) for s in sources)
    assert predict >= 2 and write >= 1 and len(sources) - predict - write >= 1


def test_no_answer_is_printed_above_its_exercise():
    nb = notebook()
    for index, cell in exercise_cells(nb):
        above = "\n".join(output_text(c) for c in nb.cells[:index] if c.cell_type == "code")
        for expected in check_of(cell).expected:
            assert expected not in above, f"{check_of(cell).__name__}'s answer {expected!r} is printed above it"


def test_predictions_are_revealed_right_after_their_solution():
    nb = notebook()
    for index, cell in exercise_cells(nb):
        if "(predict)" in cell.source:
            reveal = nb.cells[index + 2]
            assert reveal.cell_type == "code" and check_of(cell).expected[0] in output_text(reveal)


def test_the_student_is_shown_how_to_ask_for_hint_2():
    text = "\n".join(c.source for c in notebook().cells)
    assert ".hint(2)" in text and ".hint()" in text


def test_the_measured_differences_and_tolerance_are_printed():
    text = "\n".join(output_text(c) for c in notebook().cells)
    assert "layer 3's weights vs the model's out.attentions: max difference < 1e-05" in text
    assert "the library's mask value: -3.4028234663852886e+38" in text
    assert "layer 3 head 1, recomputed vs the model's: max difference < 1e-05" in text
    assert "all 72 heads, recomputed vs the model's: max difference < 1e-05" in text
    assert re.search(r"layer 3 by hand vs the model's hidden_states\[4\]: max difference < 0.0001", text)
    assert re.search(r"six layers by hand: max difference below 1e-0[5-6]", text)
    assert "six layers by hand vs last_hidden_state: max difference < 0.0001" in text
    assert "embeddings by hand vs hidden_states[0]: max difference < 0.0001" in text


def test_the_numbers_quoted_in_the_prose_are_the_printed_ones():
    nb = notebook()
    printed = "\n".join(output_text(c) for c in nb.cells)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    cosine = float(re.search(r"with and without the residuals: (\d\.\d\d) on average", printed).group(1))
    assert cosine < 0.2 and "cosine about 0.1" in prose
    assert "the feed-forward block holds 1,181,568 weights and biases" in printed
    assert "1,181,568 weights and biases per layer" in prose
    assert re.search(r"changes its input by 5\d%", printed) and "about half of its size" in prose


def test_the_causal_claims_are_printed():
    text = "\n".join(output_text(c) for c in notebook().cells)
    assert "weights set to exactly 0 by the causal mask: 120 of 256" in text
    assert "bidirectional: 16 of 16 final vectors change: all" in text
    assert "causal       :  3 of 16 final vectors change: ['tired', '.', '[SEP]']" in text


def test_the_lesson_names_the_library_mask_value():
    text = "\n".join(c.source for c in notebook().cells if c.cell_type == "markdown")
    assert "torch.finfo(torch.float32).min" in text and "not write $-\\infty$" in text
