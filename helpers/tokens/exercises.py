"""Exercise checks of lesson 1 (tokens), in the notebook's order, with their expected answers.

Three kinds: predict before you run (exercises 1-3: commit to an answer, then a cell shows
the truth), write a function (exercise 4: padding by hand, against the reference
`compute.pad_batch`), reasoning (5-6: sentence pairs). `check_x.hint(2)`: the explicit hint.

Expected answers are written out (tests check them against the real tokenizer), so a check
never loads a model and answers instantly. Numpy and torch numbers count as numbers.
"""

from typing import Any

from helpers.feedback import (
    Feedback,
    as_plain,
    compare_values_with_reference,
    exercise,
    is_whole_number,
    right,
    wrong,
)
from helpers.tokens.compute import pad_batch

# Exercise 1 (section 2): greedy longest-match-first with a toy vocabulary.
TOY_VOCAB = ["un", "unbe", "##believ", "##liev", "##ably", "##ab", "##ly"]
TOY_WORD = "unbelievably"
TOY_ANSWER = ["unbe", "##liev", "##ably"]
REAL_UNBELIEVABLY = ["un", "##bel", "##ie", "##va", "##bly"]

# Exercise 2 (section 6): how many [PAD] a batch gets with padding=True.
PAD_BATCH = ["Cats sleep.", "Do you like green tea with milk?", "Tokenization is unbelievably fun."]
PAD_PER_ROW = [7, 2, 0]  # rows of 5, 10 and 12 tokens, [CLS] and [SEP] included
PAD_COUNT = 9

# Exercise 3 (section 7): which tokens truncation loses.
TRUNCATION_SENTENCE = "Tokenizers cut long sentences to fit the model."
TRUNCATION_MAX_LENGTH = 8
LOST_TOKENS = ["to", "fit", "the", "model", "."]
TRUNCATION_PIECES = ["token", "##izer", "##s", "cut", "long", "sentences"] + LOST_TOKENS

# Exercise 4 (Exercises): padding by hand, on these inputs (label, (rows, pad_id)).
PAD_CASES = [
    ("two rows of different lengths", ([[7, 8, 9], [5]], 0)),
    ("rows that already have equal lengths", ([[1, 2], [3, 4]], 0)),
    ("a batch of one row", ([[101, 7592, 102]], 0)),
    ("a batch with an empty row", ([[], [4, 5]], 0)),
    ("pad_id=1 (the [PAD] id of RoBERTa models)", ([[0, 9, 2], [0, 2]], 1)),
    ("an empty batch (no rows at all)", ([], 0)),
]

# Exercises 5 and 6 (Exercises): a sentence pair, 4 and 10 word pieces.
PAIR = ("Is it raining?", "Take your unbelievably big umbrella.")
PAIR_LENGTH = 17
PAIR_TYPE_IDS = [0] * 6 + [1] * 11


def _known_mistake(answer: Any, mistakes: list[tuple[Any, str]]) -> Feedback | None:
    """Return the hint of the first (wrong answer, hint) pair that `answer` equals, else None."""
    for value, hint in mistakes:
        if answer == value:
            return wrong(hint)
    return None


def _token_list_problem(answer: Any, example: str) -> Feedback | None:
    """Return a hint if `answer` is not a list of strings (tokens), else None."""
    if isinstance(answer, str):
        return wrong(f"give a list of strings, one per token, e.g. {example}, not one string.")
    if isinstance(answer, list) and answer and all(is_whole_number(v) for v in answer):
        return wrong("these are ids (numbers); the question asks for the tokens, as strings.")
    if not isinstance(answer, list) or not all(isinstance(t, str) for t in answer):
        return wrong(f"give a list of strings, e.g. {example}.")
    return None


def _toy_split_problem(answer: list[str]) -> Feedback | None:
    """Return a hint if a piece of `answer` is not in TOY_VOCAB, or the pieces miss letters."""
    if outside := [piece for piece in answer if piece not in TOY_VOCAB]:
        return wrong(f"{outside[0]!r} is not in TOY_VOCAB: use only its pieces, '##' included.")
    if (spelled := "".join(piece.removeprefix("##") for piece in answer)) != TOY_WORD:
        return wrong(f"these pieces spell {spelled!r}, not {TOY_WORD!r}.")
    return None


def _number_problem(answer: Any) -> Feedback | None:
    """Return a hint if `answer` is not one whole number (numpy/torch ints count), else None."""
    if isinstance(answer, str):
        return wrong("that is text; give a number, e.g. 3 (without quotes).")
    if isinstance(answer, float) and answer.is_integer():
        return None
    if not is_whole_number(answer):
        return wrong(f"give one whole number, not a {type(answer).__name__}.")
    return None


@exercise(expected=("['unbe', '##liev', '##ably']", "unbe ##liev ##ably", "unbe + ##liev + ##ably"))
def check_toy_wordpiece(answer: Any) -> Feedback:
    """Exercise 1: predict wordpiece(TOY_WORD, TOY_VOCAB): ['unbe', '##liev', '##ably']."""
    answer = as_plain(answer)
    if (fb := _token_list_problem(answer, "['un', '##...']")) is not None:
        return fb
    if answer == TOY_ANSWER:
        return right("unbe + ##liev + ##ably: at each step the longest piece that fits, "
                     "never looking back.")
    return _known_mistake(answer, [
        (["un", "##believ", "##ably"], "a split that works, and the one a person would pick, but "
         "greedy does not search for it: at the start it takes the longest piece that fits, "
         "and 'unbe' is longer than 'un'."),
        (["unbe", "##liev", "##ab", "##ly"], "nearly: at each step take the LONGEST piece that "
         "fits; '##ably' is in TOY_VOCAB, so 'ably' is one piece."),
        (REAL_UNBELIEVABLY, "that is the real tokenizer's split, with its 30,522 pieces; here "
         "only the pieces of TOY_VOCAB count."),
        (["unbe", "liev", "ably"], "right pieces, but a piece that continues a word is written "
         "with '##' in front."),
        (["[UNK]"], "the word can be built from TOY_VOCAB's pieces, so it is not unknown. Start "
         "with the longest piece the word begins with."),
        ([TOY_WORD], "the whole word is not in TOY_VOCAB; it is cut into pieces that are."),
    ]) or _toy_split_problem(answer) or wrong("not greedy longest-match-first. From the first "
                                              "letter, take the longest piece of TOY_VOCAB that "
                                              "matches, and repeat from where it ends.")


@exercise(expected=("[PAD] tokens in the batch: 9", "9 = 7 + 2 + 0"))
def check_pad_count(answer: Any) -> Feedback:
    """Exercise 2: predict how many [PAD] tokenizer(PAD_BATCH, padding=True) adds in total (9)."""
    answer = as_plain(answer)
    if answer == PAD_PER_ROW:
        return wrong("right for each sentence; the question asks for the whole batch: add them.")
    if (fb := _number_problem(answer)) is not None:
        return fb
    if answer == PAD_COUNT:
        return right("9 [PAD]: 7 in the first row, 2 in the second, none in the longest.")
    return _known_mistake(answer, [
        (8, "you counted words; the tokenizer counts word pieces: 'tokenization' and "
            "'unbelievably' are several tokens each, and punctuation is a token too."),
        (7, "that is the first sentence's padding; the second one is shorter than the longest too."),
        (12, "that is the length of the longest row; padding fills the shorter rows up to it."),
        (36, "that is the size of the whole padded batch (3 rows of 12); count only the [PAD]."),
        (27, "that is the number of real tokens; the question asks for the padding."),
        (15, "[CLS] and [SEP] are real tokens (mask 1), not padding: every row has them."),
        (0, "padding=True pads every row to the longest one, so the shorter rows do get [PAD]."),
    ]) or wrong("not the number of [PAD]. Count each row's tokens ([CLS] and [SEP] included); "
                "each shorter row is padded up to the longest.")


@exercise(expected=("['to', 'fit', 'the', 'model', '.']",))
def check_lost_tokens(answer: Any) -> Feedback:
    """Exercise 3: predict the tokens truncation=True, max_length=8 drops from TRUNCATION_SENTENCE."""
    answer = as_plain(answer)
    if (fb := _token_list_problem(answer, "['model', '.']")) is not None:
        return fb
    if outside := [t for t in answer if t not in TRUNCATION_PIECES + ["[CLS]", "[SEP]"]]:
        return wrong(f"{outside[0]!r} is not one of the sentence's word pieces: write them as "
                     "tokenizer.tokenize does (lower-case, punctuation apart).")
    if answer == LOST_TOKENS:
        return right("to, fit, the, model and '.' are lost: 8 places hold [CLS], 6 pieces and [SEP].")
    return _known_mistake(answer, [
        (LOST_TOKENS[3:], "[CLS] and [SEP] take 2 of the 8 places, so only 6 word pieces are kept."),
        (LOST_TOKENS[1:], "both [CLS] and [SEP] take a place each: 8 - 2 = 6 word pieces are kept."),
        (LOST_TOKENS[2:], "'Tokenizers' is not one token but three pieces (token ##izer ##s)."),
        (LOST_TOKENS + ["[SEP]"], "truncation keeps [SEP]: it cuts word pieces, then closes the "
         "row with [SEP] as always."),
        (LOST_TOKENS[:-1], "the full stop is a token too."),
        ([], "the sentence has 11 word pieces; with [CLS] and [SEP] that is more than 8."),
    ]) or wrong("not the lost pieces. Split the sentence into word pieces, keep as many as fit "
                "beside [CLS] and [SEP], and list the rest in order.")


def _pad_diagnosis(args: tuple, got: Any, want: Any) -> str | None:
    """Name a known mistake in a student's padding of args = (rows, pad_id), else None."""
    rows, pad_id = args
    ids, mask = want
    longest = max((len(r) for r in rows), default=0)
    if not (isinstance(got, list) and len(got) == 2 and all(isinstance(g, list) for g in got)):
        return "return two things, input_ids and attention_mask: `return input_ids, attention_mask`."
    if not all(isinstance(row, list) for part in got for row in part):
        return "input_ids and attention_mask are each a list of rows (lists), one row per sentence."
    if got == [ids, [[1 - v for v in r] for r in mask]]:
        return "the 0s and 1s of the mask are swapped: 1 marks a real id, 0 a padding position."
    if got[1] == mask and got[0] == [[pad_id] * (longest - len(r)) + list(r) for r in rows]:
        return "you padded on the left; BERT pads on the right, after the real tokens."
    if got[1] == mask and got[0] == [list(r) + [0] * (longest - len(r)) for r in rows]:
        return f"you padded with 0; use the pad_id you are given (here {pad_id})."
    if got[0] == mask and got[1] == ids:
        return "input_ids and attention_mask come back in the wrong order: ids first."
    if got[0] == [list(r) for r in rows]:
        return "the rows are not padded: each must be as long as the longest row."
    if len({len(r) for r in got[0]}) == 1 and got[0] and len(got[0][0]) != longest:
        return (f"the rows have {len(got[0][0])} ids; pad them to the longest row "
                f"({longest}), not to a fixed length.")
    return None


@exercise(expected=("([[7, 8, 9], [5, 0, 0]], [[1, 1, 1], [1, 0, 0]])",))
def check_pad(pad: Any) -> Feedback:
    """Exercise 4: `pad(rows, pad_id)` returns (input_ids, attention_mask) like pad_batch."""
    return compare_values_with_reference(pad, pad_batch, PAD_CASES, name="pad",
                                         diagnose=_pad_diagnosis)


@exercise(expected=("length 17", "17 tokens", "17 ids"))
def check_pair_length(answer: Any) -> Feedback:
    """Exercise 5: len(tokenizer(*PAIR)['input_ids']), reasoned out: 4 + 10 + 3 = 17."""
    answer = as_plain(answer)
    if (fb := _number_problem(answer)) is not None:
        return fb
    if answer == PAIR_LENGTH:
        return right("17 = [CLS] + 4 pieces + [SEP] + 10 pieces + [SEP].")
    return _known_mistake(answer, [
        (16, "one [SEP] missing: a pair gets [CLS], the first sentence, [SEP], the second, [SEP]."),
        (14, "these are the word pieces alone; a pair adds three special tokens."),
        (15, "a pair has three special tokens, not one: [CLS] and two [SEP]."),
        (18, "one [CLS] per input, not per sentence: [CLS] A [SEP] B [SEP]."),
        (11, "you counted words; 'unbelievably' is 5 word pieces, and punctuation is a token."),
    ]) or wrong("not the length. Count each sentence's word pieces with tokenizer.tokenize, "
                "then add the special tokens of a pair.")


@exercise(expected=(str(PAIR_TYPE_IDS), str([0] * 6 + [1] * 11).replace(" ", "")))
def check_token_type_ids(answer: Any) -> Feedback:
    """Exercise 6: the token_type_ids of the sentence pair PAIR: 6 zeros, then 11 ones."""
    if hasattr(answer, "keys"):
        return wrong("that is the whole dictionary the tokenizer returns; pick one entry "
                     "from it, e.g. encoding['token_type_ids'].")
    answer = as_plain(answer)
    if isinstance(answer, list) and len(answer) == 1 and isinstance(answer[0], list):
        answer = answer[0]  # a batch of one pair is fine
    if not (isinstance(answer, list) and answer and all(v in (0, 1) for v in answer)):
        return wrong("give the list of token type ids: 0s and 1s, one per token.")
    if answer == PAIR_TYPE_IDS:
        return right("0 for [CLS], the first sentence and its [SEP]; 1 for the second "
                     "sentence and the final [SEP].")
    return _known_mistake(answer, [
        ([0] * 17, "all zeros: that is one text. Pass the two sentences as two arguments, "
         "tokenizer(first, second)."),
        ([1 - v for v in PAIR_TYPE_IDS], "swapped: the first sentence gets 0, the second 1."),
        ([0] * 5 + [1] * 12, "the first [SEP] still belongs to sentence 0."),
        ([0] * 4 + [1] * 10, "one value per token, special tokens included: [CLS] and both [SEP]."),
        ([0] * 6 + [1] * 10, "the final [SEP] is a token of the second sentence: it gets 1 too."),
    ]) or wrong(f"{len(answer)} values; the pair has {len(PAIR_TYPE_IDS)} tokens. 0 for [CLS], "
                "the first sentence's pieces and its [SEP]; 1 for all the rest.")


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_toy_wordpiece",
    "check_pad_count",
    "check_lost_tokens",
    "check_pad",
    "check_pair_length",
    "check_token_type_ids",
)
