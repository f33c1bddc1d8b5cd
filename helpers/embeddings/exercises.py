"""Exercise checks of lesson 2 (embeddings), in the notebook's order (see `CHECKS`).

Kinds: two predict-before-you-run (`check_cat_neighbour`, `check_same_position`), three
reasoning (`check_paris_row`, `check_bank_inputs`, `check_embedding_parameters`) and one
write-a-function (`check_masked_mean`, compared with `mean_pool` on several inputs, random
tensors included).
Checks that need the model take the notebook's own `tokenizer`/`model` (never a second copy);
the predict answers are constants here, recomputed from the model in tests/embeddings/.
Every check has a ladder of hints: `check_x.hint(2)` is the explicit one.
"""

from typing import Any

import torch

from helpers.embeddings.sentences import mean_pool
from helpers.feedback import Feedback, compare_with_reference, exercise, right, unanswered, wrong

CAT_NEAREST = "kitten"  # static input embeddings: cos(cat, kitten) > cos(cat, dog)


def _word(answer: Any) -> str | None:
    """Return answer as a stripped lower-case word, or None if it is not a string."""
    return answer.strip().strip("'\"").lower() if isinstance(answer, str) else None


def _as_number(answer: Any) -> float | None:
    """Return answer as a float if it is a number or a one-element tensor/array, else None."""
    if isinstance(answer, str | bytes | bool):
        return None
    try:
        if hasattr(answer, "item") and not isinstance(answer, int | float):  # numpy or torch
            size = answer.numel() if hasattr(answer, "numel") else getattr(answer, "size", 1)
            if size != 1:
                return None
            answer = answer.item()
        value = float(answer)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        return None
    return value if value == value else None  # NaN is not an answer


@exercise(expected=("kitten",))
def check_cat_neighbour(answer: Any) -> Feedback:
    """Predict: is `cat` nearer `kitten` or `dog` (cosine of the static input vectors)?"""
    word = _word(answer)
    if word is None:
        return wrong(f'answer with one of the two words as a string, "kitten" or "dog" '
                     f"(got a {type(answer).__name__}): this is a prediction, not a number.")
    if word == CAT_NEAREST:
        return right("kitten: the word used in the same places as `cat`. Run the next cell "
                     "to see both numbers.")
    if word == "dog":
        return wrong("a fair guess (both are pets, and often appear together), but the nearer "
                     "word is the one that can *replace* cat in a sentence. Run the next cell.")
    if word in ("car", "cat"):
        return wrong(f'"{word}" is not one of the options: choose "kitten" or "dog".')
    return wrong(f'choose one of the two options, "kitten" or "dog" (got {answer[:30]!r}).')


@exercise(expected=("identical",))
def check_same_position(answer: Any) -> Feedback:
    """Predict: `bank` at the same position in two different sentences: are the vectors
    entering layer 0 identical or different?"""
    word = _word(answer)
    if word is None:
        return wrong(f'answer with a word as a string, "identical" or "different" '
                     f"(got a {type(answer).__name__}).")
    if word in ("identical", "the same", "same", "equal"):
        return right("identical: the embedding step looks at each token alone; the other "
                     "words only matter from layer 0 on. Run the next cell.")
    if word == "different":
        return wrong("the sentences differ, but nothing has mixed them yet: each vector entering "
                     "layer 0 is built from its own token's id, position and type only.")
    if word in ("similar", "close", "nearly the same", "almost the same"):
        return wrong("closer than similar: think of which three rows are added, and whether "
                     "any of them depends on the other words.")
    return wrong(f'choose "identical" or "different" (got {answer[:30]!r}).')


def _paris_row_mistake(answer: torch.Tensor, matrix: torch.Tensor, tokenizer) -> Feedback:
    """Name the mistake of a wrong answer to check_paris_row."""
    d = matrix.shape[1]
    if answer.numel() == d:
        return wrong(f"the numbers are there but the shape is {tuple(answer.shape)}; index with "
                     f"a plain int (not a list) to get shape ({d},).")
    if answer.ndim == 2 and answer.shape[-1] == d:
        return wrong(f"you got {answer.shape[0]} rows; did you include [CLS] and [SEP]? Use "
                     'tokenizer.convert_tokens_to_ids("paris") for the single id.')
    return wrong(f"a row of E has shape ({d},); yours has shape {tuple(answer.shape)}.")


@exercise(expected=('E[tokenizer.convert_tokens_to_ids("paris")]',))
def check_paris_row(answer: Any, tokenizer, model) -> Feedback:
    """Exercise: the word-embedding row of the token "paris", shape (d,)."""
    if not isinstance(answer, torch.Tensor):
        try:
            answer = torch.as_tensor(answer, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError):
            return wrong(f"expected a tensor (a row of E), got a {type(answer).__name__}.")
    matrix = model.get_input_embeddings().weight.detach()
    row = tokenizer.convert_tokens_to_ids("paris")
    answer = answer.detach().float()
    if answer.shape != matrix[row].shape:
        return _paris_row_mistake(answer, matrix, tokenizer)
    if torch.allclose(answer, matrix[row]):
        return right(f"row {row} of a {matrix.shape[0]}-row table: that is all a word embedding is.")
    with torch.no_grad():  # what enters layer 0 for "paris" alone: [CLS] paris [SEP]
        layer0 = model.embeddings(input_ids=torch.tensor([[tokenizer.cls_token_id, row,
                                                           tokenizer.sep_token_id]]))[0, 1]
    if torch.allclose(answer, layer0, atol=1e-5):
        return wrong("that is what enters layer 0 (word + position + token type, then LayerNorm); "
                     "the exercise asks for the row of the word-embedding table E only.")
    if torch.allclose(answer, torch.nn.functional.normalize(matrix[row], dim=0), atol=1e-6):
        return wrong("that row has been scaled to length 1; give the row of E as it is.")
    matches = (matrix == answer).all(dim=1).nonzero().flatten().tolist()
    if matches:
        token = tokenizer.convert_ids_to_tokens(matches[0])
        return wrong(f"that is the row of token {token!r} (id {matches[0]}); look up the id of "
                     '"paris" first.')
    return wrong("those are not the numbers of any row of E: index the matrix E, don't compute.")


def _bank_inputs_mistakes(config) -> dict[int, str]:
    positions, types = config.max_position_embeddings, config.type_vocab_size
    d = config.hidden_size
    return {
        1: "that is true of the word row only; the position and token-type rows are added to it.",
        positions: "that counts the positions; a token in the second sentence of a pair gets "
                   "the other token-type row as well.",
        types: "that counts the token types; `bank` can also sit at any position.",
        positions + types: "each position combines with each token type: multiply, don't add.",
        config.vocab_size: "that is the number of words; the question is about one word, `bank`.",
        positions * d: "that counts numbers in a table; count different vectors (rows summed).",
        positions * types * d: "that counts numbers; count vectors, each of which has d numbers.",
    }


@exercise(expected=("1024", "1,024"))
def check_bank_inputs(answer: Any, model) -> Feedback:
    """Reasoning: how many different vectors can `bank` enter layer 0 as (any position, either
    token type)? max_position_embeddings * type_vocab_size."""
    value = _as_number(answer)
    if value is None:
        return wrong(f"give one whole number, e.g. 10 (got a {type(answer).__name__}).")
    config = model.config
    expected = config.max_position_embeddings * config.type_vocab_size
    if value == expected:
        return right(f"{config.max_position_embeddings} positions x {config.type_vocab_size} "
                     f"token types = {expected:,} vectors, all from one word row.")
    return wrong(_bank_inputs_mistakes(config).get(
        int(value) if value.is_integer() else None,
        "count the choices: which rows are added to the word row, and how many of each?"))


def _embedding_parameter_mistakes(config) -> dict[int, str]:
    d = config.hidden_size
    rows = {"word": config.vocab_size, "position": config.max_position_embeddings,
            "token type": config.type_vocab_size}
    tables = sum(rows.values()) * d
    mistakes = {
        tables: "that counts the three tables; the LayerNorm learns numbers too (a weight and a bias).",
        tables + d: "the LayerNorm learns two vectors of hidden_size numbers: a weight and a bias.",
        sum(rows.values()): "that counts rows; each row holds hidden_size numbers.",
        sum(rows.values()) + 2: "that counts rows and LayerNorm vectors; each holds hidden_size numbers.",
        rows["word"] * d: "that is the word table alone; the position and token-type tables count too.",
        rows["word"] * d + 2 * d: "the position and token-type tables are learned too: count them.",
    }
    for name, count in rows.items():
        mistakes.setdefault(tables - count * d + 2 * d, f"you left out the {name} table.")
    return mistakes


@exercise(expected=("11918592", "11,918,592"))
def check_embedding_parameters(answer: Any, model) -> Feedback:
    """Reasoning: how many learned numbers (parameters) the embedding step has: three tables and
    the LayerNorm's weight and bias."""
    value = _as_number(answer)
    if value is None:
        return wrong(f"give one whole number, e.g. 1000 (got a {type(answer).__name__}).")
    expected = sum(p.numel() for p in model.embeddings.parameters())
    if value == expected:
        share = expected / sum(p.numel() for p in model.parameters())
        return right(f"{expected:,} numbers: {share:.0%} of the whole model's parameters sit in "
                     "this first step, most of them in the word table.")
    return wrong(_embedding_parameter_mistakes(model.config).get(
        int(value) if value.is_integer() else None,
        "add up rows x columns of the three tables, then the LayerNorm's weight and bias."))


def _cases() -> list[tuple[str, tuple]]:
    """Inputs for check_masked_mean: (label, (states (batch, n, d), attention_mask (batch, n)))."""
    generator = torch.Generator().manual_seed(0)
    states = torch.arange(30, dtype=torch.float32).reshape(2, 5, 3)
    random_mask = (torch.rand(3, 7, generator=generator) > 0.4).long()
    random_mask[:, 0] = 1  # every sentence has its [CLS]
    return [
        ("one sentence without padding (mask all 1)", (states[:1, :4], torch.ones(1, 4, dtype=torch.long))),
        ("two sentences, the second padded (mask [[1,1,1,1,1],[1,1,1,0,0]])",
         (states, torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]]))),
        ("random states (3, 7, 384) with random padding", (torch.randn(3, 7, 384, generator=generator), random_mask)),
    ]


def _masked_mean_mistake(student, states, mask) -> str | None:
    """Name a known mistake by what `student` returns on the padded case, or None."""
    try:
        got = torch.as_tensor(student(states, mask)).double()
    except Exception as err:  # the student's code failed
        if "size" in str(err) and "match" in str(err):
            return ("the mask is (batch, n) but the states are (batch, n, d): give the mask a last "
                    "dimension, attention_mask.unsqueeze(-1).")
        return None
    s, m = states.double(), mask.unsqueeze(-1).double()
    known = {
        "you averaged the padding too: multiply by the mask first, and divide by the number of "
        "real tokens.": s.mean(dim=1),
        "that is the masked sum: divide it by the number of real tokens, mask.sum(dim=1).":
            (s * m).sum(dim=1),
        "you divided by the padded length; divide by the number of real tokens, mask.sum(dim=1).":
            (s * m).sum(dim=1) / s.shape[1],
    }
    for hint, wrong_value in known.items():
        if got.shape == wrong_value.shape and torch.allclose(got, wrong_value):
            return hint
    if got.ndim == 3 and got.shape[1] == 1:
        return "the result has shape (batch, 1, d): sum over dim=1 without keepdim=True."
    return None


def _returns_placeholder(student, *args) -> bool:
    """True while the student's function still returns the `...` placeholder."""
    try:
        return student(*args) is ...
    except Exception:  # the student's code failed: that is an answer, checked below
        return False


@exercise(expected=("(states * mask).sum(dim=1) / mask.sum(dim=1)",))
def check_masked_mean(student: Any) -> Feedback:
    """Write a function: masked_mean(states (batch, n, d), attention_mask (batch, n)) -> (batch, d),
    compared with helpers' mean_pool on several inputs, random tensors included."""
    cases = _cases()
    if student is ... or (callable(student) and _returns_placeholder(student, *cases[0][1])):
        return unanswered(...)
    if callable(student) and (hint := _masked_mean_mistake(student, *cases[1][1])):
        return wrong(hint)
    return compare_with_reference(student, mean_pool, cases, atol=1e-5, name="masked_mean")


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_cat_neighbour",
    "check_same_position",
    "check_paris_row",
    "check_bank_inputs",
    "check_embedding_parameters",
    "check_masked_mean",
)
