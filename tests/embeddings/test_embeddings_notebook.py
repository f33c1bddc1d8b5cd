"""Lesson 2's exercises: the ladder of hints, answers never printed above their exercise, and
for every check the common wrong answers, each of which must get its own specific hint."""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from helpers.embeddings import exercises
from helpers.embeddings.exercises import (
    CHECKS,
    check_bank_inputs,
    check_cat_neighbour,
    check_embedding_parameters,
    check_masked_mean,
    check_paris_row,
    check_same_position,
)
from helpers.embeddings.sentences import mean_pool

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02_embeddings.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def E(model):
    return model.get_input_embeddings().weight.detach()


@pytest.fixture(scope="module")
def calls(tokenizer, model):
    """{check name: function(answer) -> Feedback}, with the notebook's extra arguments."""
    return {
        "check_cat_neighbour": check_cat_neighbour,
        "check_same_position": check_same_position,
        "check_paris_row": lambda a: check_paris_row(a, tokenizer, model),
        "check_bank_inputs": lambda a: check_bank_inputs(a, model),
        "check_embedding_parameters": lambda a: check_embedding_parameters(a, model),
        "check_masked_mean": check_masked_mean,
    }


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def exercise_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", [])]


# --- the machinery: ladder, order, placeholders ----------------------------------------------


def test_checks_are_listed_in_notebook_order(nb):
    order = [re.search(r"\b(check_\w+)\(", nb.cells[i].source).group(1) for i in exercise_cells(nb)]
    assert tuple(order) == CHECKS


def test_every_check_has_two_hints_and_its_expected_answer():
    for name in CHECKS:
        check = getattr(exercises, name)
        assert len(check.hints) == 2 and check.hint(1).text != check.hint(2).text, name
        assert repr(check.hint(2)).startswith("💡 Hint 2 of 2"), name
        assert check.expected, name


def test_the_notebook_shows_how_to_ask_for_hint_two(nb):
    assert all(".hint(2)" in nb.cells[i].source for i in exercise_cells(nb))


def test_no_expected_answer_is_printed_above_its_exercise(nb):
    for index in exercise_cells(nb):
        name = re.search(r"\b(check_\w+)\(", nb.cells[index].source).group(1)
        above = "".join(outputs_text(c) for c in nb.cells[:index] if c.cell_type == "code").lower()
        for answer in getattr(exercises, name).expected:
            assert answer.lower() not in above, f"{name}: {answer!r} is printed above it"


@pytest.mark.parametrize("name", CHECKS)
def test_placeholder_is_not_answered(calls, name):
    assert calls[name](...).correct is None


def test_the_write_a_function_placeholder_is_not_answered():
    def masked_mean(states, attention_mask):
        return ...

    assert check_masked_mean(masked_mean).correct is None


# --- right answers, in every form a student may give them -----------------------------------


def test_right_answers_in_any_form(calls, tokenizer, model, E):
    paris = E[tokenizer.convert_tokens_to_ids("paris")]
    config = model.config
    count = config.max_position_embeddings * config.type_vocab_size
    right = {
        "check_cat_neighbour": ["kitten", " Kitten ", "'kitten'"],
        "check_same_position": ["identical", "Identical", "the same", "same"],
        "check_paris_row": [paris, paris.clone().requires_grad_(), paris.numpy(), paris.tolist()],
        "check_bank_inputs": [count, np.int64(count), torch.tensor(count), float(count),
                              np.array([count])],
        "check_embedding_parameters": [11_918_592, np.int64(11_918_592), torch.tensor(11_918_592),
                                       sum(p.numel() for p in model.embeddings.parameters())],
        "check_masked_mean": [mean_pool,
                              lambda s, m: (s * m[..., None]).sum(1) / m.sum(1, keepdim=True)],
    }
    for name, answers in right.items():
        for answer in answers:
            feedback = calls[name](answer)
            assert feedback.correct, (name, answer, feedback)


# --- wrong answers: each common mistake gets its own hint -------------------------------------


def _generic(name: str, calls) -> str:
    """The message a check gives an answer it recognises no mistake in."""
    unusual = {"check_cat_neighbour": "zebra", "check_same_position": "purple",
               "check_paris_row": torch.full((384,), 0.123), "check_bank_inputs": 777,
               "check_embedding_parameters": 777,
               "check_masked_mean": lambda s, m: s[:, 0] * 0 + 42.0}
    return calls[name](unusual[name]).message


def _masked_mean_mistakes() -> dict:
    return {
        "averaged the padding": lambda s, m: s.mean(dim=1),
        "masked sum": lambda s, m: (s * m.unsqueeze(-1)).sum(dim=1),
        "padded length": lambda s, m: (s * m.unsqueeze(-1)).sum(dim=1) / s.shape[1],
        "keepdim": lambda s, m: (s * m.unsqueeze(-1)).sum(1, keepdim=True) / m.sum(1)[:, None, None],
        "unsqueeze(-1)": lambda s, m: (s * m).sum(dim=1) / m.sum(dim=1),
        "shape": lambda s, m: (s * m.unsqueeze(-1)).sum(dim=2),
        "not a ": 3,  # the function's result, not the function
        "raised": lambda s, m: s.missing_method(),
    }


def layer0_paris(tokenizer, model) -> torch.Tensor:
    batch = tokenizer("paris", return_tensors="pt")
    with torch.no_grad():
        return model.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"])[0, 1]


def wrong_answers(tokenizer, model, E) -> dict[str, dict]:
    """{check: {a phrase its hint must contain: a common wrong answer}}."""
    ids = tokenizer.convert_tokens_to_ids
    config = model.config
    positions, types, d = config.max_position_embeddings, config.type_vocab_size, config.hidden_size
    return {
        "check_cat_neighbour": {"replace* cat": "dog", "not one of the options": "car",
                                "as a string": 0.56, "kitten\" or \"dog\" (got a bool)": True,
                                "is not one of": "cat"},
        "check_same_position": {"nothing has mixed them": "different", "closer than similar": "similar",
                                "as a string": True, "got a int": 1},
        "check_paris_row": {"shape is (1, 384)": E[[ids("paris")]], "[CLS]": E[tokenizer("paris")["input_ids"]],
                            "'london'": E[ids("london")], "enters layer 0": layer0_paris(tokenizer, model),
                            "length 1": torch.nn.functional.normalize(E[ids("paris")], dim=0),
                            "yours has shape (7,)": torch.zeros(7), "got a str": "paris"},
        "check_bank_inputs": {"word row only": 1, "counts the positions": positions,
                              "counts the token types": types, "multiply, don't add": positions + types,
                              "number of words": config.vocab_size, "numbers in a table": positions * d,
                              "each of which has d numbers": positions * types * d,
                              "whole number": "1024", "got a list": [positions, types]},
        "check_embedding_parameters": {
            "LayerNorm learns numbers too": (config.vocab_size + positions + types) * d,
            "weight and a bias": (config.vocab_size + positions + types + 1) * d,
            "counts rows": config.vocab_size + positions + types,
            "word table alone": config.vocab_size * d,
            "tables are learned too": (config.vocab_size + 2) * d,
            "left out the position table": (config.vocab_size + types + 2) * d,
            # (leaving out the 2 token-type rows but counting the LayerNorm gives the same number
            # as the three tables without the LayerNorm: that one gets the LayerNorm hint)
            "whole number": "11,918,592",
        },
        "check_masked_mean": _masked_mean_mistakes(),
    }


def test_every_common_wrong_answer_gets_its_specific_hint(calls, tokenizer, model, E):
    for name, mistakes in wrong_answers(tokenizer, model, E).items():
        generic = _generic(name, calls)
        for phrase, answer in mistakes.items():
            feedback = calls[name](answer)
            assert feedback.correct is False, (name, phrase, feedback)
            assert feedback.message != generic, (name, phrase, "got the generic hint")
            assert phrase in feedback.message, (name, phrase, feedback.message)


def test_the_unrecognised_answers_get_the_generic_hint_and_never_correct(calls):
    for name in CHECKS:
        assert calls[name](...).correct is None
        assert _generic(name, calls) and not any(w in _generic(name, calls) for w in ("Correct",))


def test_the_write_a_function_check_names_the_input_where_it_differs():
    def off_on_random(states, attention_mask):
        out = mean_pool(states, attention_mask)
        return out + (states.shape[-1] > 3) * 0.5  # right on the small cases, wrong on random

    feedback = check_masked_mean(off_on_random)
    assert feedback.correct is False and "random states" in feedback.message
