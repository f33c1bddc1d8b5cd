"""Exercise checks: call one with your answer; it says whether you got it, and if not, why.

Every check returns a Feedback. In a notebook it shows as one line:
    ✅ Correct: ...        you got it
    ❌ Not yet: ...        a hint that names what to look at
    ✏️ Not answered yet: ... you have not replaced the `...` placeholder
Tests read `.correct` instead of the text.
"""

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Feedback:
    """The outcome of checking one answer: correct is True, False, or None (not answered)."""

    correct: bool | None
    message: str

    def __repr__(self) -> str:
        mark = {True: "✅ Correct", False: "❌ Not yet", None: "✏️ Not answered yet"}[self.correct]
        return f"{mark}: {self.message}"

    __str__ = __repr__


def right(message: str) -> Feedback:
    """Return a Feedback that confirms a correct answer."""
    return Feedback(True, message)


def wrong(hint: str) -> Feedback:
    """Return a Feedback with a hint for a wrong answer."""
    return Feedback(False, hint)


def unanswered(answer: Any) -> Feedback | None:
    """Return a polite 'not answered' Feedback while `answer` is still the `...` placeholder."""
    if answer is ...:
        return Feedback(None, "replace the `...` with your answer, then run the cell again.")
    return None


def first_failure(rules: list[tuple[bool, str]], success: str) -> Feedback:
    """Return the hint of the first rule whose condition is False, or `success` if all hold."""
    for holds, hint in rules:
        if not holds:
            return wrong(hint)
    return right(success)


# --- Lesson 1: tokenization ------------------------------------------------
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

# --- Lesson 2: embeddings --------------------------------------------------


def _lesson2_reference():
    """Return (tokenizer, embedding matrix (V, d)) of the course model, loaded once."""
    from helpers.embeddings import course_encoder, embedding_matrix

    tokenizer, model = course_encoder()
    return tokenizer, embedding_matrix(model)


def _as_float(answer: Any) -> float | None:
    """Return answer as a float if it is a number or a one-element tensor/array, else None."""
    if isinstance(answer, str | bytes | bool):
        return None
    try:
        if hasattr(answer, "numel") and answer.numel() != 1:
            return None
        value = float(answer)
    except (TypeError, ValueError, RuntimeError):
        return None
    return value if value == value else None  # NaN is not an answer


def check_paris_row(answer: Any) -> Feedback:
    """Exercise: the embedding row of the token "paris", shape (384,)."""
    import torch

    if (feedback := unanswered(answer)) is not None:
        return feedback
    if not isinstance(answer, torch.Tensor):
        return wrong(f"expected a tensor (a row of E), got a {type(answer).__name__}.")
    tokenizer, matrix = _lesson2_reference()
    expected = matrix[tokenizer.convert_tokens_to_ids("paris")]
    answer = answer.detach().float()
    if answer.shape != expected.shape:
        if answer.numel() == expected.numel():
            return wrong(
                f"the numbers are there but the shape is {tuple(answer.shape)}; "
                "index with a plain int (not a list) to get shape (384,)."
            )
        if answer.ndim == 2 and answer.shape[-1] == expected.shape[0]:
            return wrong(
                f"you got {answer.shape[0]} rows; did you include [CLS] and [SEP]? "
                'Use tokenizer.convert_tokens_to_ids("paris") for the single id.'
            )
        return wrong(f"a row of E has shape (384,); yours has shape {tuple(answer.shape)}.")
    if torch.allclose(answer, expected):
        row = tokenizer.convert_tokens_to_ids("paris")
        return right(f"row {row} of a 30522-row table: that is all an input embedding is.")
    matches = (matrix == answer).all(dim=1).nonzero().flatten().tolist()
    if matches:
        token = tokenizer.convert_ids_to_tokens(matches[0])
        return wrong(
            f"that is the row of token {token!r} (id {matches[0]}); "
            'look up the id of "paris" first.'
        )
    return wrong("those are not the numbers of any row of E: index the matrix E, don't compute.")


def check_cat_car_cosine(answer: Any) -> Feedback:
    """Exercise: the cosine similarity of the static vectors of "cat" and "car"."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    value = _as_float(answer)
    if value is None:
        return wrong("give one number (a float); on a one-element tensor, call .item().")
    tokenizer, matrix = _lesson2_reference()
    a, b = (matrix[tokenizer.convert_tokens_to_ids(w)] for w in ("cat", "car"))
    expected = (a @ b / (a.norm() * b.norm())).item()
    if abs(value - expected) < 1e-4:
        return right(f"cos(cat, car) = {expected:.3f}, lower than cos(cat, dog).")
    if abs(value - (a @ b).item()) < 1e-3:
        return wrong("that is the dot product; divide it by the two vectors' lengths (.norm()).")
    if abs(value - (a - b).norm().item()) < 1e-3:
        return wrong("that is the Euclidean distance; cosine similarity uses the dot product.")
    if not -1.0 <= value <= 1.0:
        return wrong("a cosine similarity lies between -1 and 1; divide by both lengths.")
    return wrong('not the cosine of cat and car: check you used vec("cat") and vec("car").')


def check_nearest_to_boat(answer: Any) -> Feedback:
    """Exercise: the nearest of the 32 course words to "boat", by cosine in all dimensions."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    if not isinstance(answer, str):
        return wrong(f'answer with a word as a string, e.g. "car" (got a {type(answer).__name__}).')
    from helpers.embeddings import fit_pca, load_word_groups, nearest_in_list, word_vectors

    tokenizer, matrix = _lesson2_reference()
    words = [w for ws in load_word_groups().values() for w in ws]
    vectors = word_vectors(words, tokenizer, matrix)
    expected = nearest_in_list(vectors, words)[words.index("boat")]
    word = answer.strip().lower()
    if word == expected:
        return right(f"{expected!r}; in 384 dimensions it beats every other word.")
    if word == "boat":
        return wrong("every word is nearest to itself; skip it (fill the diagonal) and look again.")
    if word not in words:
        return wrong(f"{answer!r} is not one of the 32 words of the map; pick one of `words`.")
    coords = fit_pca(vectors)(vectors)
    i = words.index("boat")
    on_map = min(
        (w for w in words if w != "boat"),
        key=lambda w: (coords[words.index(w)] - coords[i]).norm().item(),
    )
    if word == on_map:
        return wrong(
            "that is the nearest on the 2D map, which distorts distances; "
            "use cosine similarity on the full 384-number vectors."
        )
    return wrong(
        f"{answer!r} is not the nearest; compare cosine similarities of all words with boat."
    )


def check_eat_aspect(answer: Any) -> Feedback:
    """Exercise: the aspect ("animal", "food", "action") on which "eat" scores highest."""
    if (feedback := unanswered(answer)) is not None:
        return feedback
    from helpers.embeddings import aspect_directions, load_aspect_seeds, profile, word_vector

    tokenizer, matrix = _lesson2_reference()
    directions = aspect_directions(load_aspect_seeds(), tokenizer, matrix)
    if not isinstance(answer, str) or answer.strip().lower() not in directions:
        return wrong(f"answer with one of {', '.join(map(repr, directions))}.")
    scores = profile(word_vector("eat", tokenizer, matrix), directions)
    expected = max(scores, key=scores.get)
    if answer.strip().lower() == expected:
        return right(
            f"{expected!r} ({scores[expected]:.2f}): the model learned what we eat, "
            "not that eating is an action."
        )
    return wrong(
        f'you may have guessed from grammar; compute profile_of("eat"): '
        f"{answer.strip()!r} is not its highest score."
    )


# --- Lesson 3: attention ---------------------------------------------------


# The toy look-up of lesson 3: features (animal, small, vehicle, loud); values (legs, wheels).
TOY_KEYS = {"cat": [1, 1, 0, 0], "dog": [1, 0, 0, 1], "car": [0, 0, 1, 1]}
TOY_VALUES = {"cat": [4, 0], "dog": [4, 0], "car": [0, 4]}
TOY_PUPPY = [1, 1, 0, 1]
TOY_KITTEN = [1, 1, 0, 0]
# Layer 1's next- and previous-token heads on "The animal didn't cross the street because it was
# too tired."
# (tests/test_attention.py recomputes both from the model).
NEXT_TOKEN_LAYER, NEXT_TOKEN_HEAD, PREVIOUS_TOKEN_HEAD_LAYER_1 = 1, 8, 9


def _softmax(xs: list[float]) -> list[float]:
    top = max(xs)
    exps = [math.exp(x - top) for x in xs]
    return [e / sum(exps) for e in exps]


def _toy_scores(query: list[float], scaled: bool = True) -> list[float]:
    scale = math.sqrt(len(query)) if scaled else 1.0
    return [sum(a * b for a, b in zip(query, key, strict=True)) / scale for key in TOY_KEYS.values()]


def _as_floats(answer, length: int) -> list[float] | None:
    """Return the answer as `length` floats, or None if it is not that."""
    try:
        values = [float(x) for x in list(answer)]
    except (TypeError, ValueError):
        return None
    return values if len(values) == length else None


def _close(a: list[float], b: list[float], tol: float = 0.01) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def check_toy_weights(answer) -> Feedback:
    """Exercise: the attention weights of the query 'puppy' over the keys cat, dog, car."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 3)
    if got is None:
        return wrong("give three numbers, one weight per key (cat, dog, car), e.g. [0.2, 0.3, 0.5].")
    expected = _softmax(_toy_scores(TOY_PUPPY))
    if _close(got, expected):
        return right(f"weights {[round(w, 4) for w in expected]}: scores [2, 2, 1] / 2, then softmax.")
    if _close(got, _softmax(_toy_scores(TOY_PUPPY, scaled=False))):
        return wrong("those are the weights of the unscaled scores: divide the scores by sqrt(d) = 2 first.")
    if _close(got, _toy_scores(TOY_PUPPY)) or _close(got, _toy_scores(TOY_PUPPY, scaled=False)):
        return wrong("those are scores, not weights: apply softmax to the scaled scores.")
    if abs(sum(got) - 1) > 0.01:
        return wrong(f"your weights add up to {sum(got):.3f}; softmax gives weights that add up to 1.")
    return wrong("compute each score q·k (q = puppy), divide by sqrt(4) = 2, then take the softmax.")


def check_toy_output(answer) -> Feedback:
    """Exercise: the output (a weighted sum of the values) of the query 'puppy'."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 2)
    if got is None:
        return wrong("give two numbers (legs, wheels): the output has the shape of one value.")
    weights = _softmax(_toy_scores(TOY_PUPPY))
    values = list(TOY_VALUES.values())
    expected = [sum(w * v[i] for w, v in zip(weights, values, strict=True)) for i in range(2)]
    if _close(got, expected):
        return right(f"output {[round(x, 4) for x in expected]}: mostly legs, a little wheel.")
    if _close(got, values[0]):
        return wrong("that is a hard look-up (the best key's value alone): weight every value instead.")
    if _close(got, [sum(v[i] for v in values) / 3 for i in range(2)]):
        return wrong("that is a plain average: weight each value by its attention weight.")
    return wrong("multiply each value by its weight (from exercise 1) and add the three products.")


def check_masked_weights(answer) -> Feedback:
    """Exercise: the weights of the query 'kitten' when the key 'cat' is masked out."""
    if (fb := unanswered(answer)) is not None:
        return fb
    got = _as_floats(answer, 3)
    if got is None:
        return wrong("give three numbers, one weight per key (cat, dog, car), the masked one included.")
    expected = [0.0, *_softmax(_toy_scores(TOY_KITTEN)[1:])]
    if _close(got, expected):
        return right(f"weights {[round(w, 4) for w in expected]}: the masked key gets exactly 0 and "
                     "softmax shares everything between the others.")
    if abs(got[0]) > 1e-6:
        return wrong("a masked key gets a score of -inf, so its weight is exactly 0: the first number must be 0.")
    if abs(sum(got) - 1) > 0.01:
        return wrong(f"your weights add up to {sum(got):.3f}: masking happens before softmax, "
                     "so the remaining weights still add up to 1.")
    return wrong("take the scaled scores of dog and car only (the cat score becomes -inf), then softmax.")


def check_previous_token_head(answer) -> Feedback:
    """Exercise: which head of layer 1 attends most to the previous token (pronoun sentence)?"""
    if (fb := unanswered(answer)) is not None:
        return fb
    if isinstance(answer, bool) or not isinstance(answer, int):
        return wrong("give one head number, an int from 0 to 11.")
    if not 0 <= answer <= 11:
        return wrong(f"layer 1 has heads 0 to 11; {answer} is not one of them.")
    if answer == PREVIOUS_TOKEN_HEAD_LAYER_1:
        return right(f"head {answer} of layer 1 gives the previous token the largest share "
                     "(about 0.30: much less than layer 0's head 2, which gives it 1.00).")
    if answer == NEXT_TOKEN_HEAD:
        return wrong("that head looks mostly at the next token; we want the previous one (offset=-1).")
    if answer == 2:
        return wrong("head 2 is the previous-token head of layer 0; look at layer 1: run.weights[1].")
    return wrong("for each head h compute np.diagonal(run.weights[1, h], offset=-1).mean() "
                 "and take the head with the largest value.")


# --- Lesson 4: freezing ----------------------------------------------------
# Expected answers are written out (tests/test_training_checks.py checks them against the real
# model), so a check answers instantly. Block names as in helpers.training.block_of.

HIDDEN_SIZE = 384
HEAD_ONLY_3_LABELS = HIDDEN_SIZE * 3 + 3  # classifier weight (3, 384) + bias (3,)
LAST_LAYER_AND_HEAD = 1_774_464 + 770  # encoder layer 5 + classifier (2 labels)
TOOL_ROLES = {
    "turns off dropout": "eval",
    "stops gradients into chosen weights, while others still learn": "requires_grad",
    "builds no graph at all, so nothing can learn": "no_grad",
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_head_only_count(answer: Any) -> Feedback:
    """Exercise: trainable parameters of a 3-label classifier whose base model is frozen."""
    if (pending := unanswered(answer)) is not None:
        return pending
    if not _is_number(answer):
        return wrong(f"give a whole number (an int such as 1000), not {type(answer).__name__}.")
    if answer == HEAD_ONLY_3_LABELS:
        return right(f"{HEAD_ONLY_3_LABELS:,}: a (3, 384) weight and 3 biases; only the head trains.")
    if answer == 770:
        return wrong("770 is the count for 2 labels. The classifier has one row of 384 weights "
                     "and one bias per label: how many labels are there now?")
    if answer == HIDDEN_SIZE * 3:
        return wrong("close: you counted the weights (3 x 384). Each label also has a bias.")
    if answer > 100_000:
        return wrong("the whole base model is frozen here, pooler included: only the classifier "
                     "head trains. Count its weight and bias.")
    return wrong("the head is a Linear layer from 384 numbers to 3 labels: weight (3, 384) plus bias (3,).")


def _blocks_trainable(model: Any) -> dict[str, bool] | None:
    """Return {block: trainable?} (a block counts as trainable if any tensor in it is)."""
    from helpers.training import block_of

    if not hasattr(model, "named_parameters"):
        return None
    blocks: dict[str, bool] = {}
    for name, param in model.named_parameters():
        block = block_of(name)
        blocks[block] = blocks.get(block, False) or bool(param.requires_grad)
    return blocks


def check_last_layer_and_head(model: Any) -> Feedback:
    """Exercise: freeze everything except the last encoder layer and the classifier."""
    if (pending := unanswered(model)) is not None:
        return pending
    blocks = _blocks_trainable(model)
    if not blocks or "classifier" not in blocks:
        return wrong("pass the classifier model itself (the one from load_model('classifier')).")
    last = max((b for b in blocks if b.startswith("layer ")), key=lambda b: int(b.split()[1]))
    partly = [b for b in blocks if b in ("classifier", last) and any(
        not p.requires_grad for n, p in model.named_parameters() if _block(n) == b)]
    rules = [
        (blocks["classifier"], "the classifier is frozen: it is new and random, so it must train. "
         "A loop over model.base_model never touches it; did you loop over model.parameters()?"),
        (not blocks.get("embeddings", False), "the embeddings are still trainable: freeze the whole "
         "base model first, then unfreeze only the last layer."),
        (not blocks.get("pooler", False), "the pooler is still trainable: this time only the last "
         "encoder layer and the classifier should learn."),
        (blocks[last], f"{last} (the last encoder layer) is frozen: unfreeze the names that contain "
         f"'layer.{last.split()[1]}.'"),
        (not any(v for b, v in blocks.items() if b.startswith("layer ") and b != last),
         f"an earlier encoder layer is trainable: only {last} should be. Note that 'layer.1' also "
         "matches 'layer.1x': include the dot after the number."),
        (not partly, f"some tensors of {', '.join(partly)} are still frozen: unfreeze every tensor in it."),
    ]
    return first_failure(rules, f"only {last} and the classifier train ({LAST_LAYER_AND_HEAD:,} "
                                "parameters with 2 labels).")


def _block(name: str) -> str:
    from helpers.training import block_of

    return block_of(name)


def check_optimizer_params(optimizer: Any, model: Any) -> Feedback:
    """Exercise: an optimizer that holds exactly the model's trainable parameters."""
    if (pending := unanswered(optimizer)) is not None:
        return pending
    if not hasattr(optimizer, "param_groups"):
        return wrong("build an optimizer, e.g. torch.optim.AdamW(<parameters>, lr=1e-3), and assign it.")
    if not hasattr(model, "parameters"):
        return wrong("pass the model as the second argument.")
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    frozen_held = sum(1 for p in model.parameters() if id(p) in held and not p.requires_grad)
    if frozen_held:
        return wrong(f"the optimizer still holds {frozen_held} frozen tensors. Keep only the "
                     "parameters whose requires_grad is True (a filter in a list comprehension).")
    if trainable - held:
        return wrong(f"{len(trainable - held)} trainable tensors are missing from the optimizer: "
                     "they would never change.")
    if held - trainable:
        return wrong("the optimizer holds tensors that are not this model's parameters.")
    return right(f"the optimizer holds exactly the {len(trainable)} trainable tensors; frozen "
                 "weights cannot be touched, even by weight decay.")


_TOOL_HINTS = {
    "eval": "eval() only switches layers such as dropout off: gradients still flow to every weight.",
    "requires_grad": "requires_grad=False only decides which weights get gradients: dropout still "
                     "runs, and a graph is still recorded for the others.",
    "no_grad": "inside torch.no_grad() no graph is recorded for any weight, and dropout is not "
               "switched off either.",
}


def _tool_name(value: Any) -> str | None:
    text = str(value).lower().replace(" ", "")
    for key in ("requires_grad", "no_grad", "eval"):
        if key in text:
            return key
    return None


def check_tools(answer: Any) -> Feedback:
    """Exercise: match eval(), requires_grad and torch.no_grad() to what each does."""
    if (pending := unanswered(answer)) is not None:
        return pending
    if not isinstance(answer, dict) or set(answer) != set(TOOL_ROLES):
        return wrong("keep the dictionary with its three descriptions as keys; fill in the values.")
    for role, tool in TOOL_ROLES.items():
        given = answer[role]
        if given is ...:
            return unanswered(given)
        name = _tool_name(given)
        if name is None:
            return wrong(f"for {role!r}, write one of 'eval', 'requires_grad', 'no_grad'.")
        if name != tool:
            return wrong(_TOOL_HINTS[name] + f" So which tool {role}?")
    return right("eval() switches behaviour, requires_grad chooses who learns, no_grad() records nothing.")
