"""Exercise checks and their expected answers of lesson 1 (tokens)."""

from typing import Any

from helpers.feedback import Feedback, right, unanswered, wrong

# Expected answers are written out (tests check them against the real tokenizer), so a
# check never loads a model and answers instantly.

SPECIAL_IDS = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
UNBELIEVABLY_TOKENS = ["un", "##bel", "##ie", "##va", "##bly"]
MASK_BATCH = ["I like tea.", "Do you like green tea with milk?"]
MASK_ANSWER = [[1, 1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]
TRUNCATION_SENTENCE = "Tokenizers cut long sentences to fit the model."
TRUNCATION_ANSWER = [101, 19204, 17629, 2015, 3013, 2146, 11746, 102]
PAIR = ("Is it raining?", "Take an umbrella.")
PAIR_TYPE_IDS = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]


def _as_plain(answer: Any) -> Any:
    """Return tensors and arrays as nested lists; leave anything else as it is."""
    return answer.tolist() if hasattr(answer, "tolist") and not isinstance(answer, list) else answer


def _is_int_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _dict_hint(answer: Any, key: str) -> Feedback | None:
    """Return a hint if the whole tokenizer output (a dict) was passed instead of one entry."""
    if hasattr(answer, "keys"):
        return wrong(f"that is the whole dictionary the tokenizer returns; pick one entry "
                     f"from it, e.g. encoding[{key!r}].")
    return None


def check_sep_id(answer: Any) -> Feedback:
    """Exercise: the id of [SEP] in the course tokenizer (102)."""
    if (fb := unanswered(answer)) is not None:
        return fb
    answer = _as_plain(answer)
    if isinstance(answer, str):
        return wrong("that is text; the answer is a number. Try tokenizer.sep_token_id, "
                     "or look '[SEP]' up in tokenizer.get_vocab().")
    if isinstance(answer, list):
        return wrong("give one number, not a list: the id of the single token '[SEP]'.")
    if not isinstance(answer, int) or isinstance(answer, bool):
        return wrong("give one whole number: the id of '[SEP]', e.g. tokenizer.sep_token_id.")
    names = {v: k for k, v in SPECIAL_IDS.items()}
    if answer == 102:
        return right("[SEP] is 102. It closes every sentence (and separates the two of a pair).")
    if answer in names:
        return wrong(f"{answer} is the id of {names[answer]}, another special token. "
                     "Which one ends a sentence?")
    return wrong("not the id of [SEP]. Encode any sentence and look at the last id of the "
                 "list, or use tokenizer.sep_token_id.")


def check_wordpiece_tokens(answer: Any) -> Feedback:
    """Exercise: the WordPiece tokens of "unbelievably", without special tokens."""
    if (fb := unanswered(answer)) is not None:
        return fb
    answer = _as_plain(answer)
    if isinstance(answer, str):
        return wrong("give a list of strings (one per token), not one string: "
                     "tokenizer.tokenize(...) returns such a list.")
    if not isinstance(answer, list) or not all(isinstance(t, str) for t in answer):
        if _is_int_list(answer):
            return wrong("these are ids; the exercise asks for the tokens (strings). Use "
                         "tokenizer.tokenize(...) or convert_ids_to_tokens(...).")
        return wrong("give a list of strings, e.g. ['un', ...].")
    if "[CLS]" in answer or "[SEP]" in answer:
        return wrong("drop the special tokens: tokenizer.tokenize(...) does not add "
                     "[CLS]/[SEP], and neither does add_special_tokens=False.")
    if answer == ["unbelievably"]:
        return wrong("the whole word is not in the vocabulary; the tokenizer splits it into "
                     "pieces. Ask the tokenizer instead of guessing.")
    if answer == [t.removeprefix("##") for t in UNBELIEVABLY_TOKENS]:
        return wrong("right pieces, but a piece that continues a word starts with '##'.")
    if answer == UNBELIEVABLY_TOKENS:
        return right("un + ##bel + ##ie + ##va + ##bly: a rare word built from five known "
                     "pieces, no [UNK] needed.")
    return wrong(f"not the tokenizer's split ({len(answer)} pieces given). Remember the "
                 "tokenizer lower-cases first; run tokenizer.tokenize('unbelievably').")


def check_attention_mask(answer: Any) -> Feedback:
    """Exercise: the attention_mask of MASK_BATCH with padding=True."""
    if (fb := unanswered(answer)) is not None:
        return fb
    if (fb := _dict_hint(answer, "attention_mask")) is not None:
        return fb
    answer = _as_plain(answer)
    if not isinstance(answer, list) or not all(_is_int_list(r) for r in answer):
        return wrong("give a list of two lists of 0s and 1s, one per sentence "
                     "(a tensor works too).")
    if len(answer) != 2:
        return wrong(f"the batch has 2 sentences, so the mask has 2 rows, not {len(answer)}.")
    if [len(r) for r in answer] == [6, 10]:
        return wrong("the rows have different lengths: you forgot padding=True.")
    if answer == [[1 - v for v in r] for r in MASK_ANSWER]:
        return wrong("0 and 1 are swapped: 1 marks a real token, 0 a padding position.")
    if {len(r) for r in answer} != {10}:
        return wrong("with padding=True both rows are as long as the longest sentence "
                     "(10 tokens, [CLS] and [SEP] included).")
    if answer == MASK_ANSWER:
        return right("6 real tokens + 4 padding positions in the first row, 10 real in "
                     "the second.")
    return wrong("the length is right but not the 1s and 0s: count the real tokens of "
                 "each sentence, [CLS] and [SEP] included.")


def check_truncated_ids(answer: Any) -> Feedback:
    """Exercise: the ids of TRUNCATION_SENTENCE with truncation=True, max_length=8."""
    if (fb := unanswered(answer)) is not None:
        return fb
    if (fb := _dict_hint(answer, "input_ids")) is not None:
        return fb
    answer = _as_plain(answer)
    if isinstance(answer, list) and len(answer) == 1 and _is_int_list(answer[0]):
        answer = answer[0]  # a batch of one sentence is fine
    if not _is_int_list(answer):
        return wrong("give the list of ids (whole numbers), e.g. encoding['input_ids'].")
    if len(answer) != 8:
        return wrong(f"{len(answer)} ids: with truncation=True and max_length=8 there are "
                     "exactly 8. Did you pass both arguments?")
    if answer[0] != 101 or answer[-1] != 102:
        return wrong("truncation keeps the special tokens: the list starts with [CLS] (101) "
                     "and ends with [SEP] (102). Leave add_special_tokens at its default.")
    if answer == TRUNCATION_ANSWER:
        return right("8 ids: [CLS], the first 6 word pieces, and [SEP]; the rest was cut.")
    return wrong("8 ids with [CLS] and [SEP], but not the sentence's first pieces: check "
                 "that you encoded exactly TRUNCATION_SENTENCE.")


def check_token_type_ids(answer: Any) -> Feedback:
    """Exercise: the token_type_ids of the sentence pair PAIR."""
    if (fb := unanswered(answer)) is not None:
        return fb
    if (fb := _dict_hint(answer, "token_type_ids")) is not None:
        return fb
    answer = _as_plain(answer)
    if isinstance(answer, list) and len(answer) == 1 and _is_int_list(answer[0]):
        answer = answer[0]
    if not _is_int_list(answer):
        return wrong("give the list of token type ids (0s and 1s).")
    if set(answer) == {0}:
        return wrong("all zeros: you encoded one text. Pass the two sentences as two "
                     "arguments, tokenizer(first, second), not as one string or a batch.")
    if answer == PAIR_TYPE_IDS:
        return right("0 for [CLS], the first sentence and its [SEP]; 1 for the second "
                     "sentence and the final [SEP].")
    if answer == [1 - v for v in PAIR_TYPE_IDS]:
        return wrong("swapped: the first sentence gets 0 and the second gets 1.")
    return wrong(f"{len(answer)} values; the pair has {len(PAIR_TYPE_IDS)} tokens. The first "
                 "[SEP] still belongs to sentence 0.")


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_sep_id",
    "check_wordpiece_tokens",
    "check_attention_mask",
    "check_truncated_ids",
    "check_token_type_ids",
)
