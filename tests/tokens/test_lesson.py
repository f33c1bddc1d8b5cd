"""The claims lesson 1 makes, asserted here so that the student's cells only print them.

Two kinds: claims recomputed from the tokenizer and model (the lesson prints them; nbval
checks the committed prints are reproduced), and checks on the committed notebook itself
(its hand-written WordPiece agrees with the tokenizer, every printed comparison says True,
the numbers quoted in the prose are the printed ones, and no student cell holds test
scaffolding: asserts, logging or thread settings).
"""

import contextlib
import io
import re
from pathlib import Path

import nbformat
import pytest
import torch

from helpers.tokens import exercises as ex
from helpers.tokens.compute import load_corpus, mean_tokens_per_sentence, merges_of, train_bpe

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "01_tokenization.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def printed(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def cell_defining(nb, name: str):
    return next(c for c in code_cells(nb) if f"def {name}(" in c.source)


@pytest.fixture(scope="module")
def notebook_wordpiece(nb, tokenizer):
    """The `wordpiece` function exactly as the notebook writes it."""
    namespace = {"tokenizer": tokenizer, "vocab": tokenizer.get_vocab()}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(cell_defining(nb, "wordpiece").source, namespace)  # noqa: S102 (our own notebook)
    return namespace["wordpiece"]


# --- WordPiece by hand ------------------------------------------------------------------

WORDS = ["unbelievably", "tokenization", "tokenisation", "recieve", "2026", "123456",
         "transformers", "pizza🍕", "hello", "a", "embeddings", "xqzv", "supercalifragilistic"]


def test_the_notebook_s_wordpiece_is_the_tokenizer_s(notebook_wordpiece, tokenizer):
    vocab = tokenizer.get_vocab()
    backend = tokenizer.backend_tokenizer
    corpus_words = {word for s in load_corpus() for word, _ in
                    backend.pre_tokenizer.pre_tokenize_str(backend.normalizer.normalize_str(s))}
    for word in WORDS + sorted(corpus_words):
        assert notebook_wordpiece(word, vocab) == tokenizer.tokenize(word), word


def test_the_notebook_s_wordpiece_solves_exercise_1(notebook_wordpiece):
    assert notebook_wordpiece(ex.TOY_WORD, ex.TOY_VOCAB) == ex.TOY_ANSWER
    # greedy never goes back: the split a person would pick also spells the word
    assert "".join(p.removeprefix("##") for p in ["un", "##believ", "##ably"]) == ex.TOY_WORD


# --- Claims about the tokenizer ---------------------------------------------------------


def test_unk_replaces_a_whole_word(tokenizer):
    assert tokenizer.tokenize("pizza 🍕") == ["pizza", "[UNK]"]
    assert tokenizer.tokenize("I love pizza🍕") == ["i", "love", "[UNK]"]


def test_a_word_over_100_characters_is_unknown(tokenizer):
    assert tokenizer.backend_tokenizer.model.max_input_chars_per_word == 100
    assert tokenizer.tokenize("a" * 101) == ["[UNK]"] and "[UNK]" not in tokenizer.tokenize("a" * 100)


def test_chinese_characters_are_split_by_the_normaliser(tokenizer):
    normaliser = tokenizer.backend_tokenizer.normalizer
    assert "handle_chinese_chars=True" in repr(normaliser)
    assert normaliser.normalize_str("東京") == " 東  京 "
    assert tokenizer.tokenize("東京") == ["東", "京"]
    chinese = [t.removeprefix("##") for t in tokenizer.get_vocab()
               if all("\u4e00" <= ch <= "\u9fff" for ch in t.removeprefix("##"))]
    assert chinese and max(map(len, chinese)) == 1


def test_the_model_is_uncased(tokenizer):
    ids = {tuple(tokenizer(s)["input_ids"]) for s in ["Hello", "hello", "HELLO"]}
    assert len(ids) == 1
    assert not [t for t in tokenizer.get_vocab()
                if re.search("[A-Z]", t) and t not in tokenizer.all_special_tokens]


def test_worked_example_tokens_and_ids(tokenizer):
    batch = tokenizer(["Hello, world!", "How are you?"], padding=True, truncation=True)
    first = batch["input_ids"][0]
    assert tokenizer.convert_ids_to_tokens(first) == ["[CLS]", "hello", ",", "world", "!", "[SEP]"]
    assert first == [101, 7592, 1010, 2088, 999, 102]
    vocab = tokenizer.get_vocab()
    assert [vocab[t] for t in ["[CLS]"] + tokenizer.tokenize("Hello, world!") + ["[SEP]"]] == first
    assert tokenizer.convert_tokens_to_ids(["[PAD]", "[UNK]", "[CLS]"]) == [0, 100, 101]
    assert tokenizer("How are you?", "Fine, thanks.")["token_type_ids"] == [0] * 6 + [1] * 5


def test_subwords_lose_no_word_where_the_word_vocabulary_loses_three(tokenizer):
    corpus = load_corpus()
    words = {w.lower() for s in corpus for w in re.findall(r"\w+", s)}
    sentence = "Tokenization makes sense of unbelievably rare words"
    assert sum(w not in words for w in sentence.lower().split()) == 3
    assert "[UNK]" not in tokenizer.tokenize(sentence)
    assert "tokenization" not in " ".join(corpus).lower()


def test_truncation_keeps_the_first_pieces_and_sep(tokenizer):
    long_text = " ".join(load_corpus()[:60])
    ids = tokenizer.encode(long_text)
    room = tokenizer.model_max_length - tokenizer.num_special_tokens_to_add()
    assert len(ids) > tokenizer.model_max_length
    cut = tokenizer(long_text, truncation=True)["input_ids"]
    assert cut == [tokenizer.cls_token_id] + ids[1:-1][:room] + [tokenizer.sep_token_id]


def test_bpe_first_merge_is_the_most_frequent_pair_and_more_merges_shorten():
    corpus = load_corpus()
    assert merges_of(train_bpe(corpus, 300))[:2] == [("t", "h"), ("th", "e")]
    lengths = [mean_tokens_per_sentence(train_bpe(corpus, v), corpus) for v in (80, 300, 1000)]
    assert lengths == sorted(lengths, reverse=True)


def test_padding_changes_a_sentence_only_without_the_mask(tokenizer, model):
    texts = ["I like tea.", "Do you like green tea with milk?"]
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    alone = tokenizer(texts[0], return_tensors="pt")
    n = alone["input_ids"].shape[1]
    no_mask = {k: v for k, v in batch.items() if k != "attention_mask"}
    with torch.no_grad():
        reference = model(**alone).last_hidden_state[0]
        with_mask = model(**batch).last_hidden_state[0, :n]
        without = model(**no_mask).last_hidden_state[0, :n]
    assert (with_mask - reference).abs().max() < 1e-5
    assert (without - reference).abs().max() > 0.1
    # the prose: "by 0.13 on average, more than a third of a typical number (0.34)"
    assert (without - reference).abs().mean() > reference.abs().mean() / 3


# --- The committed notebook -------------------------------------------------------------


def test_every_printed_comparison_says_true(nb):
    claims = [line for c in code_cells(nb) for line in printed(c).splitlines()
              if re.search(r"\b(same|equal|fewer|over the limit|below|adds)\b.*: (True|False)\b", line)]
    assert len(claims) >= 10, claims
    assert all(line.rstrip().endswith("True") for line in claims), claims


def test_the_prose_quotes_the_printed_numbers(nb):
    table = printed(next(c for c in code_cells(nb) if "distinct tokens" in c.source))
    rows = {m.group(1).strip(): (m.group(2), m.group(3))
            for m in re.finditer(r"^(characters|words|WordPiece \(model\))\s+([\d,]+)\s+([\d.]+)$",
                                 table, re.M)}
    assert rows["characters"][0] == "47" and rows["words"] == ("1,327", "13.3")
    assert rows["WordPiece (model)"][1] == "13.9"
    assert int(rows["WordPiece (model)"][0].replace(",", "")) > int(rows["words"][0].replace(",", ""))
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for number in ("(47 here)", "1,327 different words", "13.9 against 13.3", "30,522"):
        assert number in prose
    mask = printed(next(c for c in code_cells(nb) if "without_mask = model(" in c.source))
    assert "typical number in these vectors: 0.34 " in mask and "average 0.13" in mask
    words = " ".join(prose.split())  # the prose, line breaks aside
    assert "by 0.13 on average" in words and "a typical number (0.34)" in words
    scores = printed(next(c for c in code_cells(nb) if "score = {" in c.source))
    assert re.search(r"^q\+u\s+18\s+18\s", scores, re.M) and re.search(r"^9\+6\s+1\s", scores, re.M)


def test_unk_and_the_words_the_lesson_names_are_printed(nb):
    text = "".join(printed(c) for c in code_cells(nb))
    assert "'I love pizza🍕'      -> ['i', 'love', '[UNK]']" in text
    assert "normalised: 'tokyo is  東  京 '" in text
    for word in ["unbelievably", "tokenization", "recieve", "2026"]:
        assert re.search(rf"^{word}\s+by hand .* same as the tokenizer: True$", text, re.M), word


def test_student_cells_hold_no_test_scaffolding(nb):
    scaffolding = re.compile(r"^\s*assert\b|logging|set_verbosity|set_num_threads|torch_threads", re.M)
    found = [c.source[:60] for c in code_cells(nb) if scaffolding.search(c.source)]
    assert not found, f"cells with asserts, logging or thread settings: {found}"


def test_the_lesson_shows_how_to_ask_for_hint_2(nb):
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"check_\w+\.hint\(2\)", prose)
