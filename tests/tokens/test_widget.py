"""Lesson 1's tokenizer playground (helpers/tokens/widget.py)."""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.tokens.compute import PADDING_CHOICES, playground_encode
from helpers.tokens.widget import _PAD_CELL, _REAL_CELL, TokenizerPlayground, playground_html

from .strategies import tricky_text


def test_playground_widget_is_findable_and_updates(tokenizer):
    root = TokenizerPlayground(tokenizer)
    assert "tokenizer-playground" in root.view._dom_classes
    assert set(root.controls) == {"text", "padding", "truncation", "max_length",
                                  "add_special_tokens"}
    assert root.controls["text"].continuous_update
    assert ">7592<" in root.output.value  # hello's id under its chip
    root.controls["text"].value = "I love pizza 🍕"
    assert "[UNK]" in root.output.value and "🍕" in root.output.value
    root.controls["text"].value = "   "
    assert "Only spaces" in root.output.value
    root.controls["text"].value = "Hello"
    root.controls["max_length"].value = 1
    assert "smaller than the 2 special tokens" in root.output.value
    root.controls["add_special_tokens"].value = False
    assert "[CLS]" not in root.output.value


def test_playground_html_escapes_and_caps(tokenizer):
    page = playground_html(playground_encode(tokenizer, "<b>bold</b> & co"))
    assert "<b>bold" not in page and html.escape("<") in page
    long = playground_html(playground_encode(tokenizer, "word " * 300, max_length=200))
    assert "more tokens" in long and "first 64 of 200 columns" in long


def test_padding_cells_look_different_in_the_grid(tokenizer):
    page = playground_html(playground_encode(tokenizer, "hi\nhello there friend"))
    assert _PAD_CELL in page and _REAL_CELL in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=tricky_text, padding=st.sampled_from(PADDING_CHOICES), truncation=st.booleans(),
       max_length=st.integers(1, 64), specials=st.booleans())
def test_playground_widget_update_never_shows_a_traceback(tokenizer, text, padding, truncation,
                                                          max_length, specials):
    root = _shared_playground(tokenizer)
    values = {"text": text, "padding": padding, "truncation": truncation,
              "max_length": max_length, "add_special_tokens": specials}
    for name, value in values.items():
        root.controls[name].value = value
    root.update()
    assert root.output.value and "Traceback" not in root.output.value


_PLAYGROUNDS = {}


def _shared_playground(tokenizer):
    """One playground per test session (hypothesis calls the test many times)."""
    if "root" not in _PLAYGROUNDS:
        _PLAYGROUNDS["root"] = TokenizerPlayground(tokenizer)
    return _PLAYGROUNDS["root"]


def test_the_slider_stops_at_the_tokenizer_s_limit(tokenizer):
    import copy

    short = copy.deepcopy(tokenizer)
    short.model_max_length = 32  # another model with a shorter input
    assert TokenizerPlayground(short).controls["max_length"].max == 32
    assert TokenizerPlayground(tokenizer).controls["max_length"].max == 64  # drawn at most
