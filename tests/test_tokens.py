"""Lesson 1 helpers: the corpus, the tiny BPE tokenizer, the playground, its plots and checks."""

import html
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.text import MAX_CHARS
from helpers.tokens import exercises as checks
from helpers.tokens.compute import (
    MAX_SENTENCES,
    PADDING_CHOICES,
    load_corpus,
    mean_tokens_per_sentence,
    merges_of,
    playground_encode,
    split_sentences,
    train_bpe,
)
from helpers.tokens.plots import attention_mask_grid, vocab_tradeoff
from helpers.tokens.widget import _PAD_CELL, _REAL_CELL, TokenizerPlayground, playground_html


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


# --- The worked example of the lesson -----------------------------------------


def test_worked_example_tokens_and_ids(tokenizer):
    batch = tokenizer(["Hello, world!", "How are you?"], padding=True, truncation=True)
    first = batch["input_ids"][0]
    assert tokenizer.convert_ids_to_tokens(first) == ["[CLS]", "hello", ",", "world", "!", "[SEP]"]
    assert first == [101, 7592, 1010, 2088, 999, 102]
    vocab = tokenizer.get_vocab()
    by_hand = [vocab[t] for t in ["[CLS]"] + tokenizer.tokenize("Hello, world!") + ["[SEP]"]]
    assert by_hand == first == tokenizer.encode("Hello, world!")


def test_claims_the_lesson_makes(tokenizer):
    assert tokenizer.tokenize("tokenization") == ["token", "##ization"]
    assert tokenizer.tokenize("pizza 🍕") == ["pizza", "[UNK]"]
    assert tokenizer.model_max_length == 512
    assert tokenizer.backend_tokenizer.normalizer.normalize_str("CAFÉ Zürich") == "cafe zurich"


# --- Corpus and the tiny tokenizer ------------------------------------------------


def test_corpus_is_a_few_hundred_distinct_sentences(corpus):
    assert 200 <= len(corpus) <= 1000
    assert len(set(corpus)) == len(corpus)
    assert all(s == s.strip() and len(s.split()) >= 2 for s in corpus)


def test_corpus_leaves_the_lessons_new_words_out(corpus):
    text = " ".join(corpus).lower()
    assert "tokenization" not in text and "unbelievably" not in text


def test_load_corpus_skips_blank_lines(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("one two.\n\n   \nthree four.\n", encoding="utf-8")
    assert load_corpus(path) == ["one two.", "three four."]


def test_bpe_training_is_deterministic_and_sized(corpus):
    first, second = train_bpe(corpus, 300), train_bpe(corpus, 300)
    assert first.get_vocab_size() == 300
    assert merges_of(first) == merges_of(second)
    assert merges_of(first)[:2] == [("t", "h"), ("th", "e")]


def test_bigger_vocabulary_means_fewer_tokens(corpus):
    lengths = [mean_tokens_per_sentence(train_bpe(corpus, v), corpus) for v in (80, 300, 1000)]
    assert lengths == sorted(lengths, reverse=True)


def test_tiny_tokenizer_bad_arguments_explain_themselves(corpus):
    with pytest.raises(ValueError, match="positive"):
        train_bpe(corpus, 0)
    with pytest.raises(ValueError, match="at least one sentence"):
        mean_tokens_per_sentence(train_bpe(corpus, 100), [])


def test_merges_of_refuses_a_non_bpe_tokenizer(tokenizer):
    with pytest.raises(ValueError, match="Only a BPE"):
        merges_of(tokenizer.backend_tokenizer)


# --- The playground's computation -------------------------------------------------


def test_playground_worked_example(tokenizer):
    result = playground_encode(tokenizer, "Hello, world!\nHow are you?")
    assert result.problem is None and result.notes == []
    assert result.ids == [[101, 7592, 1010, 2088, 999, 102], [101, 2129, 2024, 2017, 1029, 102]]
    assert result.attention_mask == [[1] * 6, [1] * 6]


def test_split_sentences_drops_blank_lines():
    assert split_sentences("a\n\n  \nb c\n") == ["a", "b c"]


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "Type a sentence"), ("   ", "Only spaces"), ("\n \t\n", "Only spaces"),
     (None, "must be a string"), (42, "must be a string")],
)
def test_playground_empty_and_odd_input_answers_in_words(tokenizer, text, words):
    result = playground_encode(tokenizer, text)
    assert result.problem is not None and words in result.problem
    assert result.tokens == []


def test_playground_reads_only_the_first_characters_of_a_huge_paste(tokenizer):
    result = playground_encode(tokenizer, "The cat sat on the mat. " * 420)  # 10,080 characters
    assert result.problem is None
    assert any("10,080 characters" in n and f"{MAX_CHARS:,}" in n for n in result.notes)
    assert any("cut from" in n for n in result.notes)


def test_playground_names_what_became_unk(tokenizer):
    result = playground_encode(tokenizer, "I love pizza 🍕\nПривет мир\n東京")
    assert "[UNK]" in result.tokens[0]
    assert any("Sentence 1" in n and "'🍕'" in n for n in result.notes)
    assert "[UNK]" not in result.tokens[1] + result.tokens[2]


def test_playground_shortens_a_quoted_unknown_word(tokenizer):
    result = playground_encode(tokenizer, "x" * 500)
    assert any("…" in n and len(n) < 300 for n in result.notes)


@pytest.mark.parametrize("max_length", [0, 1])
def test_max_length_below_the_special_tokens_is_explained(tokenizer, max_length):
    result = playground_encode(tokenizer, "Hello", max_length=max_length)
    assert result.problem is not None
    assert "max_length" in result.problem


def test_max_length_equal_to_the_special_tokens_keeps_only_them(tokenizer):
    result = playground_encode(tokenizer, "Hello there", max_length=2)
    assert result.tokens == [["[CLS]", "[SEP]"]]
    assert any("only for the special tokens" in n for n in result.notes)


def test_without_special_tokens_max_length_one_is_fine(tokenizer):
    result = playground_encode(tokenizer, "Hello there", max_length=1, add_special_tokens=False)
    assert result.tokens == [["hello"]]


def test_padding_off_gives_ragged_rows_and_says_so(tokenizer):
    result = playground_encode(tokenizer, "a b c\nhi", padding="off")
    assert [len(r) for r in result.ids] == [5, 3]
    assert any("cannot be stacked" in n for n in result.notes)


def test_padding_max_length_pads_to_max_length(tokenizer):
    result = playground_encode(tokenizer, "hi\nhello there", padding="max_length", max_length=7)
    assert [len(r) for r in result.ids] == [7, 7]
    assert result.attention_mask[0] == [1, 1, 1, 0, 0, 0, 0]
    assert result.tokens[0][-1] == "[PAD]"


def test_padding_never_shortens_without_truncation(tokenizer):
    result = playground_encode(tokenizer, "a b c d e f\nhi", padding="max_length",
                               truncation=False, max_length=4)
    assert len(result.ids[0]) == 8
    assert any("never shortens" in n for n in result.notes)


def test_over_the_model_limit_without_truncation_is_flagged(tokenizer):
    result = playground_encode(tokenizer, "a " * 900, truncation=False)
    assert len(result.ids[0]) == 902
    assert any("limit of 512" in n for n in result.notes)


def test_many_lines_are_capped(tokenizer):
    result = playground_encode(tokenizer, "\n".join(f"line {i}" for i in range(30)))
    assert len(result.ids) == MAX_SENTENCES
    assert any("30 lines" in n for n in result.notes)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"padding": "sideways"}, "padding must be"), ({"padding": 3}, "padding must be"),
     ({"max_length": "ten"}, "max_length must be"), ({"max_length": True}, "max_length must be"),
     ({"max_length": -4}, "max_length must be")],
)
def test_bad_control_values_are_answered_in_words(tokenizer, kwargs, words):
    assert words in playground_encode(tokenizer, "Hello", **kwargs).problem


def test_lone_surrogates_do_not_crash(tokenizer):
    assert playground_encode(tokenizer, "ab\ud800cd").problem is None


tricky_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", " ", "\n\n", "\t \r\n", "\x00\x07\x1b", "مرحبا بالعالم", "שלום עולם",
                     "\u202eevil\u202c", "🍕🍕🍕", "東京タワー", "नमस्ते", "<b>&amp;</b>",
                     "a" * 10_000, "word " * 2_000]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=tricky_text, padding=st.sampled_from(PADDING_CHOICES), truncation=st.booleans(),
       max_length=st.integers(-3, 70), specials=st.booleans())
def test_playground_never_raises(tokenizer, text, padding, truncation, max_length, specials):
    result = playground_encode(tokenizer, text, padding, truncation, max_length, specials)
    page = playground_html(result)
    assert isinstance(page, str) and "<script" not in page
    if result.problem:
        assert result.tokens == [] and len(result.problem) > 10
        return
    assert len(result.tokens) == len(result.ids) == len(result.attention_mask) >= 1
    for tokens, ids, mask in zip(result.tokens, result.ids, result.attention_mask, strict=True):
        assert len(tokens) == len(ids) == len(mask)
        assert all((m == 0) == (t == "[PAD]") for t, m in zip(tokens, mask, strict=True))
    if padding != "off" and (truncation or padding == "longest"):
        assert len({len(r) for r in result.ids}) == 1
    if truncation:
        assert all(len(r) <= max_length for r in result.ids)


# --- The widget -------------------------------------------------------------------


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


# --- Plots ------------------------------------------------------------------------


def test_attention_mask_grid_draws_every_cell():
    tokens = [["[CLS]", "hi", "[SEP]"], ["[CLS]", "[SEP]", "[PAD]"]]
    ax = attention_mask_grid(tokens, [[1, 1, 1], [1, 1, 0]])
    assert len(ax.texts) == 6 and ax.texts[-1].get_text() == "[PAD]\n0"
    assert ax.get_legend() is not None
    plt.close("all")


@pytest.mark.parametrize("mask", [[], [[]], [[1, 1], [1]]])
def test_attention_mask_grid_refuses_a_ragged_batch(mask):
    with pytest.raises(ValueError, match="pad the batch first"):
        attention_mask_grid([["a", "b"], ["c"]], mask)


def test_vocab_tradeoff_uses_a_log_axis_and_labels_references():
    fig, ax = plt.subplots()
    assert vocab_tradeoff([10, 100], [30.0, 20.0], {"words": (1000, 12.0)}, ax=ax) is ax
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["our tiny BPE", "words"]
    plt.close(fig)


# --- Exercise checks --------------------------------------------------------------


def test_check_constants_match_the_tokenizer(tokenizer):
    assert {t: tokenizer.convert_tokens_to_ids(t) for t in checks.SPECIAL_IDS} == checks.SPECIAL_IDS
    assert tokenizer.tokenize("unbelievably") == checks.UNBELIEVABLY_TOKENS
    assert tokenizer(checks.MASK_BATCH, padding=True)["attention_mask"] == checks.MASK_ANSWER
    ids = tokenizer(checks.TRUNCATION_SENTENCE, truncation=True, max_length=8)["input_ids"]
    assert ids == checks.TRUNCATION_ANSWER
    assert tokenizer(*checks.PAIR)["token_type_ids"] == checks.PAIR_TYPE_IDS


ALL_CHECKS = [checks.check_sep_id, checks.check_wordpiece_tokens, checks.check_attention_mask,
              checks.check_truncated_ids, checks.check_token_type_ids]


@pytest.mark.parametrize("check", ALL_CHECKS)
def test_every_check_is_polite_about_the_placeholder(check):
    assert check(...).correct is None


@settings(max_examples=60, deadline=None)
@given(answer=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                        st.lists(st.integers()), st.lists(st.text()),
                        st.lists(st.lists(st.integers())), st.dictionaries(st.text(), st.integers())))
def test_checks_never_raise_on_odd_answers(answer):
    for check in ALL_CHECKS:
        assert check(answer).correct in (True, False)


def hint(feedback):
    assert feedback.correct is False
    return feedback.message


def test_check_sep_id_hints(tokenizer):
    assert checks.check_sep_id(102).correct
    assert "[CLS]" in hint(checks.check_sep_id(101))
    assert "[PAD]" in hint(checks.check_sep_id(0))
    assert "text" in hint(checks.check_sep_id("[SEP]"))
    assert "not a list" in hint(checks.check_sep_id([102]))
    assert "sep_token_id" in hint(checks.check_sep_id(7))
    assert "whole number" in hint(checks.check_sep_id(True))
    assert "whole number" in hint(checks.check_sep_id(None))


def test_check_wordpiece_tokens_hints(tokenizer):
    assert checks.check_wordpiece_tokens(tokenizer.tokenize("unbelievably")).correct
    assert "special tokens" in hint(checks.check_wordpiece_tokens(
        tokenizer.convert_ids_to_tokens(tokenizer.encode("unbelievably"))))
    assert "'##'" in hint(checks.check_wordpiece_tokens(["un", "bel", "ie", "va", "bly"]))
    assert "not in the vocabulary" in hint(checks.check_wordpiece_tokens(["unbelievably"]))
    assert "these are ids" in hint(checks.check_wordpiece_tokens([4895, 8671]))
    assert "list of strings" in hint(checks.check_wordpiece_tokens("un ##bel"))
    assert "lower-cases" in hint(checks.check_wordpiece_tokens(["Un", "##bel"]))


def test_check_attention_mask_hints(tokenizer):
    encoding = tokenizer(checks.MASK_BATCH, padding=True, return_tensors="pt")
    assert checks.check_attention_mask(encoding["attention_mask"]).correct  # a tensor is fine
    assert "whole dictionary" in hint(checks.check_attention_mask(encoding))
    ragged = tokenizer(checks.MASK_BATCH)["attention_mask"]
    assert "padding=True" in hint(checks.check_attention_mask(ragged))
    swapped = [[1 - v for v in row] for row in checks.MASK_ANSWER]
    assert "swapped" in hint(checks.check_attention_mask(swapped))
    assert "2 rows" in hint(checks.check_attention_mask([checks.MASK_ANSWER[0]]))
    assert "count the real tokens" in hint(checks.check_attention_mask([[1] * 10, [1] * 10]))
    assert "as long as the longest" in hint(checks.check_attention_mask([[1] * 12, [1] * 12]))


def test_check_truncated_ids_hints(tokenizer):
    good = tokenizer(checks.TRUNCATION_SENTENCE, truncation=True, max_length=8)
    assert checks.check_truncated_ids(good["input_ids"]).correct
    assert checks.check_truncated_ids([good["input_ids"]]).correct  # a batch of one
    assert "whole dictionary" in hint(checks.check_truncated_ids(good))
    full = tokenizer(checks.TRUNCATION_SENTENCE)["input_ids"]
    assert "exactly 8" in hint(checks.check_truncated_ids(full))
    no_specials = tokenizer(checks.TRUNCATION_SENTENCE, add_special_tokens=False)["input_ids"][:8]
    assert "[CLS] (101)" in hint(checks.check_truncated_ids(no_specials))
    other = tokenizer("Another sentence that is long enough here.", truncation=True, max_length=8)
    assert "exactly TRUNCATION_SENTENCE" in hint(checks.check_truncated_ids(other["input_ids"]))


def test_check_token_type_ids_hints(tokenizer):
    assert checks.check_token_type_ids(tokenizer(*checks.PAIR)["token_type_ids"]).correct
    one_text = tokenizer(" ".join(checks.PAIR))["token_type_ids"]
    assert "two arguments" in hint(checks.check_token_type_ids(one_text))
    swapped = [1 - v for v in checks.PAIR_TYPE_IDS]
    assert "swapped" in hint(checks.check_token_type_ids(swapped))
    assert "first [SEP]" in hint(checks.check_token_type_ids([0] * 5 + [1] * 6))
    assert "whole dictionary" in hint(checks.check_token_type_ids(tokenizer(*checks.PAIR)))


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


@settings(max_examples=25, deadline=None)
@given(sentences=st.lists(st.text(max_size=80), max_size=6))
def test_tiny_tokenizer_trains_on_any_text(sentences):
    tokenizer = train_bpe(sentences, 60)
    assert "[UNK]" in tokenizer.get_vocab()  # (every character is kept, even past 60 entries)
    if sentences:
        assert mean_tokens_per_sentence(tokenizer, sentences) >= 0


def test_the_notebook_shows_the_worked_example_as_computed():
    """The committed lesson prints the worked example exactly as the tokenizer computes it."""
    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "01_tokenization.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    shown = "".join(
        "".join(o.get("text", "") for o in c.outputs)
        for c in nb.cells
        if c.cell_type == "code" and "ids_by_hand = [vocab[token] for token in tokens]" in c.source
    )
    assert "tokens: ['[CLS]', 'hello', ',', 'world', '!', '[SEP]']" in shown
    assert "ids by hand: [101, 7592, 1010, 2088, 999, 102]" in shown
