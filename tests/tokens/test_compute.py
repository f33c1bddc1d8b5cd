"""Lesson 1's pure computations: the corpus, the tiny BPE tokenizer, the playground's
encoding (helpers/tokens/compute.py)."""

import import_probe
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.text import MAX_CHARS
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
from helpers.tokens.widget import playground_html

from .strategies import tricky_text


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


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


@settings(max_examples=25, deadline=None)
@given(sentences=st.lists(st.text(max_size=80), max_size=6))
def test_tiny_tokenizer_trains_on_any_text(sentences):
    tokenizer = train_bpe(sentences, 60)
    assert "[UNK]" in tokenizer.get_vocab()  # (every character is kept, even past 60 entries)
    if sentences:
        assert mean_tokens_per_sentence(tokenizer, sentences) >= 0


def test_sizes_come_from_the_tokenizer_not_constants(tokenizer):
    import copy

    short = copy.deepcopy(tokenizer)
    short.model_max_length = 100
    result = playground_encode(short, "a " * 150, truncation=False)
    assert any("limit of 100" in n for n in result.notes)


def test_student_text_follows_the_course_rule(tokenizer):
    from helpers.text import REPLACEMENT, clean_text

    result = playground_encode(tokenizer, "ab\ud800cd")
    assert result.notes[:1] == clean_text("ab\ud800cd")[1] and REPLACEMENT in result.notes[0]
    assert "must be a string" in playground_encode(tokenizer, b"bytes").problem


PURE = import_probe.register("helpers.tokens.compute", "helpers.tokens.exercises")


def test_compute_and_checks_load_no_plotting_or_notebook_code():
    assert import_probe.heavy_loaded(*PURE) == []
