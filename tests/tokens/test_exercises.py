"""Lesson 1's exercise checks: their answers agree with the real tokenizer, right answers in
any reasonable form (numpy, torch, tuples) pass, and every common wrong answer gets a hint
of its own (the wrong-answer harness, tests/exercise_harness.py)."""

import re

import numpy as np
import pytest
import torch
from exercise_harness import assert_specific_hints, generic_hint
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import LESSONS
from helpers.tokens import exercises as ex
from helpers.tokens.compute import pad_batch

LESSON = next(lesson for lesson in LESSONS if lesson.notebook == "01_tokenization")
CHECKS = list(LESSON.checks().values())


def wordpiece(word, vocab):
    """Greedy longest-match-first, as the notebook writes it (tests/tokens/test_lesson.py
    shows the notebook's own function agrees)."""
    pieces, start = [], 0
    while start < len(word):
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else "##" + word[start:end]
            if piece in vocab:
                break
        else:
            return ["[UNK]"]
        pieces.append(piece)
        start = end
    return pieces


# --- The expected answers are the tokenizer's ------------------------------------------


def test_expected_answers_match_the_tokenizer(tokenizer):
    assert wordpiece(ex.TOY_WORD, ex.TOY_VOCAB) == ex.TOY_ANSWER
    assert tokenizer.tokenize(ex.TOY_WORD) == ex.REAL_UNBELIEVABLY
    padded = tokenizer(ex.PAD_BATCH, padding=True)["input_ids"]
    per_row = [row.count(tokenizer.pad_token_id) for row in padded]
    assert per_row == ex.PAD_PER_ROW and sum(per_row) == ex.PAD_COUNT
    kept = tokenizer(ex.TRUNCATION_SENTENCE, truncation=True,
                     max_length=ex.TRUNCATION_MAX_LENGTH)["input_ids"]
    assert tokenizer.tokenize(ex.TRUNCATION_SENTENCE)[len(kept) - 2:] == ex.LOST_TOKENS
    assert tokenizer.tokenize(ex.TRUNCATION_SENTENCE) == ex.TRUNCATION_PIECES
    pair = tokenizer(*ex.PAIR)
    assert len(pair["input_ids"]) == ex.PAIR_LENGTH
    assert pair["token_type_ids"] == ex.PAIR_TYPE_IDS


def test_the_wrong_answers_the_checks_name_are_the_mistakes_they_say(tokenizer):
    words = [[w for w in re.findall(r"\w+|[^\w\s]", s)] for s in ex.PAD_BATCH]
    longest = max(map(len, words))
    assert sum(longest - len(w) for w in words) == 8  # "you counted words"
    assert [len(tokenizer.tokenize(s)) for s in ex.PAIR] == [4, 10]


def test_pad_batch_equals_the_tokenizer(tokenizer):
    texts = ["Hello, world!", "How are you?", "Tokenizers pad short sentences."]
    rows = [tokenizer.encode(t) for t in texts]
    padded = tokenizer(texts, padding=True)
    assert pad_batch(rows, tokenizer.pad_token_id) == (padded["input_ids"], padded["attention_mask"])
    assert pad_batch([], 0) == ([], [])


def test_pad_batch_leaves_its_rows_alone():
    rows = [[1], [2, 3]]
    pad_batch(rows, 0)
    assert rows == [[1], [2, 3]]


# --- Every check: registry, ladder, placeholder, odd answers ----------------------------


def test_checks_are_registered_in_notebook_order():
    assert list(LESSON.checks()) == list(ex.CHECKS)
    assert len(CHECKS) >= 5


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_has_a_ladder_and_expected_answers(check):
    assert len(check.hints) >= 2 and check.expected
    assert check.hint(2).text == check.hints[1] and check.hint(2).level == 2
    assert "Hint 2 of" in repr(check.hint(2))


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_is_polite_about_the_placeholder(check):
    assert check(...).correct is None


@settings(max_examples=60, deadline=None)
@given(answer=st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(),
                        st.lists(st.integers()), st.lists(st.text()),
                        st.lists(st.lists(st.integers())), st.dictionaries(st.text(), st.integers())))
def test_checks_never_raise_on_odd_answers(answer):
    for check in CHECKS:
        feedback = check(answer)
        # None is "not answered yet" for a write-a-function check (nothing was defined)
        assert feedback.correct in ((True, False, None) if answer is None else (True, False))


# --- Right answers, in every form a student may give them ------------------------------


def solution_pad(rows, pad_id):
    longest = max((len(row) for row in rows), default=0)
    return ([row + [pad_id] * (longest - len(row)) for row in rows],
            [[1] * len(row) + [0] * (longest - len(row)) for row in rows])


def numpy_pad(rows, pad_id):
    ids, mask = solution_pad(rows, pad_id)
    return np.array(ids, dtype=np.int64), np.array(mask)


RIGHT = [
    (ex.check_toy_wordpiece, ["unbe", "##liev", "##ably"]),
    (ex.check_toy_wordpiece, ("unbe", "##liev", "##ably")),
    (ex.check_pad_count, 9),
    (ex.check_pad_count, np.int64(9)),
    (ex.check_pad_count, torch.tensor(9)),
    (ex.check_pad_count, np.sum(np.array([7, 2, 0]))),
    (ex.check_pad_count, 9.0),
    (ex.check_lost_tokens, ["to", "fit", "the", "model", "."]),
    (ex.check_lost_tokens, np.array(["to", "fit", "the", "model", "."])),
    (ex.check_pad, solution_pad),
    (ex.check_pad, numpy_pad),
    (ex.check_pair_length, 17),
    (ex.check_pair_length, np.int32(17)),
    (ex.check_pair_length, torch.tensor([17]).sum()),
    (ex.check_token_type_ids, ex.PAIR_TYPE_IDS),
    (ex.check_token_type_ids, torch.tensor([ex.PAIR_TYPE_IDS])),
    (ex.check_token_type_ids, np.array(ex.PAIR_TYPE_IDS)),
]


@pytest.mark.parametrize(("check", "answer"), RIGHT,
                         ids=[f"{c.__name__}-{type(a).__name__}" for c, a in RIGHT])
def test_right_answers_pass_in_any_reasonable_form(check, answer):
    feedback = check(answer)
    assert feedback.correct is True, feedback


def test_the_tokenizer_s_own_outputs_pass(tokenizer):
    batch = tokenizer(*ex.PAIR, return_tensors="pt")
    assert ex.check_token_type_ids(batch["token_type_ids"]).correct
    assert ex.check_pair_length(batch["input_ids"].shape[1]).correct
    assert ex.check_pair_length(len(tokenizer(*ex.PAIR)["input_ids"])).correct
    padded = tokenizer(ex.PAD_BATCH, padding=True, return_tensors="pt")
    assert ex.check_pad_count((padded["attention_mask"] == 0).sum()).correct


# --- The wrong-answer harness: every common mistake gets its own hint ------------------

WRONG = {
    ex.check_toy_wordpiece: {
        "the split a person would pick": ["un", "##believ", "##ably"],
        "shortest last piece": ["unbe", "##liev", "##ab", "##ly"],
        "the real tokenizer's split": ["un", "##bel", "##ie", "##va", "##bly"],
        "pieces without ##": ["unbe", "liev", "ably"],
        "the whole word unknown": ["[UNK]"],
        "the word unsplit": ["unbelievably"],
        "a piece that is not in TOY_VOCAB": ["unbe", "##lievably"],
        "pieces that miss the end of the word": ["unbe", "##liev"],
        "one string instead of a list": "unbe ##liev ##ably",
        "ids instead of strings": [4895, 8671],
        "numpy ids instead of strings": np.array([4895, 8671]),
        "a number": 3,
    },
    ex.check_pad_count: {
        "words, not word pieces": 8,
        "a numpy int: words, not pieces": np.int64(8),
        "the first row only": 7,
        "the longest row's length": 12,
        "the whole padded batch": 36,
        "the real tokens": 27,
        "[CLS]/[SEP] counted as padding (off by the special tokens)": 15,
        "no padding at all": 0,
        "per row instead of the total": [7, 2, 0],
        "per row, as a tensor": torch.tensor([7, 2, 0]),
        "text instead of a number": "9",
        "a bool": True,
        "a list of strings": ["[PAD]"] * 9,
    },
    ex.check_lost_tokens: {
        "forgot both special tokens": ["model", "."],
        "forgot one special token": ["fit", "the", "model", "."],
        "counted words, not pieces": ["the", "model", "."],
        "[SEP] lost too": ["to", "fit", "the", "model", ".", "[SEP]"],
        "forgot the full stop": ["to", "fit", "the", "model"],
        "the full stop glued to the word": ["to", "fit", "the", "model."],
        "the capital kept": ["Tokenizers"],
        "nothing lost": [],
        "one string instead of a list": "to fit the model.",
        "ids instead of strings": [2000, 4906, 1996, 2944, 1012],
        "a torch tensor of ids": torch.tensor([2000, 4906, 1996, 2944, 1012]),
    },
    ex.check_pair_length: {
        "one [SEP] missing (off by one special token)": 16,
        "no special tokens": 14,
        "only [CLS] (off by the special tokens)": 15,
        "a [CLS] per sentence": 18,
        "words, not pieces": 11,
        "a numpy int, one [SEP] missing": np.int64(16),
        "a torch int, no special tokens": torch.tensor(14),
        "text": "17",
        "a list of the two lengths": [4, 10],
        "a float that is not whole": 16.5,
    },
    ex.check_token_type_ids: {
        "one text, not a pair": [0] * 17,
        "swapped": [1] * 6 + [0] * 11,
        "first [SEP] given to sentence 1": [0] * 5 + [1] * 12,
        "no special tokens": [0] * 4 + [1] * 10,
        "final [SEP] missing": [0] * 6 + [1] * 10,
        "the tokenizer's whole output": {"input_ids": [101], "token_type_ids": [0]},
        "shape (1, n) of the one-text mistake": [[0] * 17],
        "a tensor of shape (1, n), swapped": torch.tensor([[1] * 6 + [0] * 11]),
        "a string": "0 0 0 1 1",
        "ids instead of type ids": [101, 2003, 102],
    },
}

GENERIC = {
    ex.check_toy_wordpiece: generic_hint(ex.check_toy_wordpiece, ["un", "##believ", "##ab", "##ly"]),
    ex.check_pad_count: generic_hint(ex.check_pad_count, 1234),
    ex.check_lost_tokens: generic_hint(ex.check_lost_tokens, ["fit", "to"]),
    ex.check_pair_length: generic_hint(ex.check_pair_length, 1234),
    ex.check_token_type_ids: re.compile(r"\d+ values; the pair has 17 tokens\. .*"),
}


def _swapped_mask(rows, pad_id):
    ids, mask = solution_pad(rows, pad_id)
    return ids, [[1 - v for v in row] for row in mask]


def _left(rows, pad_id):
    longest = max((len(r) for r in rows), default=0)
    return ([[pad_id] * (longest - len(r)) + r for r in rows],
            [[1] * len(r) + [0] * (longest - len(r)) for r in rows])


def _zero(rows, pad_id):
    return solution_pad(rows, 0)


def _ids_only(rows, pad_id):
    return solution_pad(rows, pad_id)[0]


def _in_place(rows, pad_id):
    longest = max((len(r) for r in rows), default=0)
    mask = [[1] * len(r) + [0] * (longest - len(r)) for r in rows]
    for row in rows:
        row.extend([pad_id] * (longest - len(row)))
    return rows, mask


def _no_default(rows, pad_id):
    longest = max(len(r) for r in rows)  # fails on an empty batch
    return ([r + [pad_id] * (longest - len(r)) for r in rows],
            [[1] * len(r) + [0] * (longest - len(r)) for r in rows])


def _fixed_ten(rows, pad_id):
    return ([r + [pad_id] * (10 - len(r)) for r in rows],
            [[1] * len(r) + [0] * (10 - len(r)) for r in rows])


WRONG[ex.check_pad] = {
    "mask swapped": _swapped_mask,
    "padded on the left": _left,
    "always pads with 0": _zero,
    "returns only input_ids": _ids_only,
    "changes the rows in place": _in_place,
    "max() of an empty batch": _no_default,
    "pads to a fixed length 10": _fixed_ten,
    "no padding": lambda rows, pad_id: ([list(r) for r in rows], [[1] * len(r) for r in rows]),
    "ids and mask in the wrong order": lambda rows, pad_id: solution_pad(rows, pad_id)[::-1],
    "flat lists": lambda rows, pad_id: ([v for r in rows for v in r], [1]),
    "called instead of passed": solution_pad([[1], [2, 3]], 0),
}
GENERIC[ex.check_pad] = re.compile(r"on .*, pad returned .*; the reference returns .*")


@pytest.mark.parametrize("check", list(WRONG), ids=lambda c: c.__name__)
def test_every_common_wrong_answer_gets_its_own_hint(check):
    assert_specific_hints(check, WRONG[check], GENERIC[check])


def test_every_check_is_in_the_wrong_answer_harness():
    assert set(WRONG) == set(CHECKS)


def test_the_harness_catches_a_generic_hint_and_an_accepted_answer():
    with pytest.raises(AssertionError, match="generic hint"):
        assert_specific_hints(ex.check_pad_count, {"unknown": 1234}, GENERIC[ex.check_pad_count])
    with pytest.raises(AssertionError, match="instead of a hint"):
        assert_specific_hints(ex.check_pad_count, {"right": 9}, GENERIC[ex.check_pad_count])


def test_a_check_s_hint_does_not_depend_on_the_number_type():
    for value in (8, 7, 12, 15):
        assert ex.check_pad_count(value) == ex.check_pad_count(np.int64(value)) == \
            ex.check_pad_count(torch.tensor(value))
