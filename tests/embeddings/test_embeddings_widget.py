"""The embedding map explorer: its pure computation, its drawing, and the widget around them."""

import statistics
import time

import matplotlib.pyplot as plt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.embeddings.compute import (
    MAX_WORDS,
    Exploration,
    PlacedWord,
    build_word_map,
    explore_words,
    parse_word_list,
)
from helpers.embeddings.widget import (
    EmbeddingExplorer,
    ExplorerCanvas,
    explorer_figure_png,
    explorer_messages_html,
    explorer_table_html,
)
from helpers.text import MAX_CHARS

ODD_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(categories=["Cc", "Zs", "Po"]), max_size=50),
    st.lists(
        st.sampled_from(["cat", "שלום", "مرحبا", "😀", "東京", "x" * 150, ",", " "]), max_size=40
    ).map(", ".join),
)


@pytest.fixture(scope="module")
def word_map(tokenizer, model):
    return build_word_map(tokenizer, model)


@pytest.fixture(scope="module")
def explorer(tokenizer, model, word_map):
    return EmbeddingExplorer(tokenizer, model, word_map=word_map)


# --- parsing ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", ",,, ,", "\n\t"])
def test_empty_input_asks_for_words(text):
    words, messages = parse_word_list(text)
    assert words == [] and "separated by commas" in messages[-1]


def test_duplicates_are_placed_once_and_named():
    words, messages = parse_word_list("cat, Cat, dog, cat")
    assert words == ["cat", "dog"]
    assert any("more than once" in m and "cat" in m for m in messages)


def test_two_hundred_words_are_cut_to_the_maximum():
    words, messages = parse_word_list(", ".join(f"w{i}" for i in range(200)))
    assert len(words) == MAX_WORDS
    assert any("200 different words" in m for m in messages)


def test_very_long_text_is_cut_with_a_message():
    words, messages = parse_word_list("a" * 10_000)
    assert any("10,000 characters" in m for m in messages)
    assert words == ["a" * MAX_CHARS]


def test_full_width_commas_separate_words():
    assert parse_word_list("猫，犬、cat")[0] == ["猫", "犬", "cat"]


def test_non_text_is_answered_in_words():
    words, messages = parse_word_list(None)
    assert words == [] and "text" in messages[0]


# --- placing words ---------------------------------------------------------------


def test_known_words_are_placed_with_neighbours(word_map):
    result = explore_words("kitten, tram", word_map)
    assert [p.word for p in result.placed] == ["kitten", "tram"]
    kitten = result.placed[0]
    assert kitten.pieces == ["kitten"] and len(kitten.neighbours) == 5
    assert "cat" in [t for t, _ in kitten.neighbours]
    assert not any("Only one word" in m for m in result.messages)


def test_reference_word_lands_on_its_reference_point(word_map):
    result = explore_words("cat, dog", word_map)
    i = word_map.words.index("cat")
    assert result.placed[0].coords == pytest.approx(tuple(word_map.coords[i].tolist()), abs=1e-5)


def test_multi_piece_word_is_averaged_and_the_split_shown(word_map):
    result = explore_words("noodle, cat", word_map)
    noodle = result.placed[0]
    assert noodle.pieces == ["no", "##odle"]
    assert any("no + ##odle" in m and "average of those 2" in m for m in result.messages)


def test_unknown_word_is_skipped_with_a_reason(word_map):
    result = explore_words("😀, cat", word_map)
    assert [p.word for p in result.placed] == ["cat"]
    assert any("unknown to the vocabulary" in m and "[UNK]" in m for m in result.messages)


def test_one_word_gets_a_hint(word_map):
    result = explore_words("cat", word_map)
    assert len(result.placed) == 1
    assert any("Only one word" in m for m in result.messages)


def test_a_word_longer_than_the_tokenizer_accepts_is_unknown(word_map):
    result = explore_words("x" * 150, word_map)
    assert result.placed == [] and any("unknown" in m for m in result.messages)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ODD_TEXT)
def test_explore_words_never_raises(word_map, text):
    result = explore_words(text, word_map)
    assert isinstance(result, Exploration)
    assert len(result.placed) <= MAX_WORDS
    assert result.placed or result.messages  # something placed, or a reason why not
    for placed in result.placed:
        assert all(abs(c) < 100 for c in placed.coords)


# --- drawing and the widget ------------------------------------------------------


def test_html_escapes_student_text(word_map):
    result = explore_words("<b>cat</b>, 😀", word_map)
    assert "<b>cat" not in explorer_table_html(result) + explorer_messages_html(result)


def test_figure_is_png_and_closed(word_map):
    before = plt.get_fignums()
    png = explorer_figure_png(explore_words("kitten, tram", word_map), word_map, "#D55E00")
    assert png.startswith(b"\x89PNG") and plt.get_fignums() == before


def test_widget_has_its_classes_controls_and_an_initial_map(explorer):
    assert "embedding-explorer" in explorer.view._dom_classes
    assert set(explorer.controls) == {"words", "colour", "place"}
    assert "embedding-explorer-words" in explorer.controls["words"]._dom_classes
    assert bytes(explorer.outputs["map"].value).startswith(b"\x89PNG")
    assert "kitten" in explorer.outputs["neighbours"].value


def test_typing_words_updates_the_widget(explorer):
    explorer.controls["words"].value = "😀, embedding"
    assert "unknown to the vocabulary" in explorer.outputs["messages"].value
    assert "em + ##bed + ##ding" in explorer.outputs["neighbours"].value
    explorer.controls["words"].value = ""
    assert "separated by commas" in explorer.outputs["messages"].value
    assert "No word placed" in explorer.outputs["neighbours"].value


def test_colour_and_button_redraw(explorer):
    explorer.controls["words"].value = "cat, tram"
    first = explorer.outputs["map"].value
    explorer.controls["colour"].value = "#009E73"
    assert bytes(explorer.outputs["map"].value) != bytes(first)
    explorer.controls["place"].click()
    assert bytes(explorer.outputs["map"].value).startswith(b"\x89PNG")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ODD_TEXT)
def test_widget_update_never_raises(explorer, text):
    explorer.controls["words"].value = text
    result = explorer.update()
    assert isinstance(result, Exploration)
    assert bytes(explorer.outputs["map"].value).startswith(b"\x89PNG")


def test_update_is_quick_enough(explorer):
    explorer.controls["words"].value = "kitten, tram, noodle"
    times = []
    for _ in range(5):
        start = time.perf_counter()
        explorer.update()
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 3.0  # generous: shared CI machines; about 0.3 s measured


# --- claims the lesson's text makes about the explorer --------------------------


def test_claim_noodle_is_split_and_its_neighbours_are_crude(word_map):
    noodle = explore_words("noodle", word_map).placed[0]
    assert noodle.pieces == ["no", "##odle"]
    assert [t for t, _ in noodle.neighbours[:2]] == ["not", "nothing"]


def test_claim_a_word_outside_the_groups_lands_near_the_middle(word_map):
    volcano = explore_words("volcano", word_map).placed[0]
    distance = (volcano.coords[0] ** 2 + volcano.coords[1] ** 2) ** 0.5  # the map's centre is 0, 0
    reference = word_map.coords.norm(dim=1).median().item()
    assert distance < 0.5 * reference
    assert volcano.neighbours[0][0] == "volcanic"


def test_fast_canvas_leaves_its_background_untouched(word_map):
    canvas = ExplorerCanvas(word_map)
    before = (len(canvas.ax.collections), len(canvas.ax.texts))
    empty = canvas.png(explore_words("", word_map), "#000000")
    with_words = canvas.png(explore_words("kitten, tram", word_map), "#D55E00")
    assert empty.startswith(b"\x89PNG") and with_words != empty
    assert (len(canvas.ax.collections), len(canvas.ax.texts)) == before
    assert canvas.png(explore_words("", word_map), "#000000") == empty


def test_fast_canvas_falls_back_to_a_full_draw_outside_the_frame(word_map):
    canvas = ExplorerCanvas(word_map)
    far = Exploration([PlacedWord("far", ["far"], (50.0, -50.0), [])], [])
    assert not canvas.inside([(50.0, -50.0)])
    assert canvas.png(far, "#000000").startswith(b"\x89PNG")


def test_broken_characters_become_replacement_characters(word_map):
    words, messages = parse_word_list("cat, \ud800, dog\udfff")
    assert words == ["cat", "\ufffd", "dog\ufffd"]
    assert any("lone surrogate" in m and "\ufffd" in m for m in messages)
    result = explore_words("cat, \ud800", word_map)
    assert [p.word for p in result.placed] == ["cat"]
