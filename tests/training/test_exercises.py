"""Lesson 4's exercise checks: each accepts its solution (numpy and torch integers too), gives
a specific hint (not the generic one) for each common wrong answer, never raises on odd input,
says "not answered" for the placeholder, offers a ladder of hints; CHECKS is in the notebook's
order; and no expected answer is printed above its exercise."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import training_support

from helpers.training import answers as ans
from helpers.training import exercises as ex
from helpers.training.compute import parameter_table

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "05_freezing.ipynb"
GENERIC = {  # what a check says when it does not recognise the mistake
    "check_head_only_count": "the head maps",
    "check_last_layer_count": "count the parameters of encoder layer 5",
    "check_small_data_winner": "the textbook answer",
}

background_jobs = training_support.background_jobs  # the live curves (all_runs)


def hint_of(feedback):
    assert feedback.correct is False, feedback
    return feedback.message


def test_counts_come_from_the_real_model(pristine):
    table = parameter_table(pristine)
    assert ans.layer_size() == table.loc["layer 5", "parameters"]
    assert ans.pooler_size() == table.loc["pooler", "parameters"]
    assert ans.head_size(5) == table.loc["classifier", "parameters"]


@pytest.mark.parametrize("right", [1155, np.int64(1155), torch.tensor(1155), 1155.0])
def test_head_count_accepts_any_integer_type(right):
    assert ex.check_head_only_count(right).correct is True


@pytest.mark.parametrize("answer, says", [
    (770, "2 labels"), (1925, "5-topic"), (1152, "bias"), (1155 + 147_840, "pooler"),
    ("1155", "whole number"), (True, "whole number"),
])
def test_head_count_wrong_answers_get_specific_hints(answer, says):
    hint = hint_of(ex.check_head_only_count(answer))
    assert says in hint and not hint.startswith(GENERIC["check_head_only_count"])


def test_last_layer_count_accepts_the_truth(classifier):
    for name, param in classifier.named_parameters():
        param.requires_grad = "layer.5" in name or "classifier" in name
    truth = sum(p.numel() for p in classifier.parameters() if p.requires_grad)
    assert ex.check_last_layer_count(truth).correct is True
    assert ex.check_last_layer_count(np.int32(truth)).correct is True


@pytest.mark.parametrize("answer, says", [
    (1_774_464, "classifier"), (1925, "layer.5"), (1_774_464 + 1925 + 147_840, "pooler"),
    (1_774_464 + 770, "2 labels"), (6 * 1_774_464 + 1925, "only one encoder layer"),
])
def test_last_layer_count_wrong_answers_get_specific_hints(answer, says):
    hint = hint_of(ex.check_last_layer_count(answer))
    assert says in hint and not hint.startswith(GENERIC["check_last_layer_count"])


@pytest.mark.parametrize("answer, says", [
    ("head only", "pooler output"), ("top layer + pooler + head", "last row"),
    ("pooler + head", "textbook"), ("the big one", "write one of"),
])
def test_small_data_winner_hints(answer, says):
    assert says in hint_of(ex.check_small_data_winner(answer))


def test_small_data_winner_is_what_the_recorded_and_live_runs_say(all_runs):
    from helpers.training.curves import mean_at

    means = {s: mean_at(all_runs, "topics", s, 2) for s in ex.STRATEGY_NAMES}
    assert max(means, key=means.get) == ex.SMALL_DATA_WINNER
    assert ex.check_small_data_winner("Full Fine-Tuning").correct is True


def _wrong_freezers():
    from helpers.training.compute import block_of

    def only_freezes(model, blocks):  # sets False but never True: wrong on a frozen model
        for name, param in model.named_parameters():
            if block_of(name) not in blocks:
                param.requires_grad = False

    def substring(model, blocks):  # "layer 1" -> "layer.1" also matches "layer.10"
        keys = [b.replace(" ", ".") for b in blocks]
        for name, param in model.named_parameters():
            param.requires_grad = any(k in name for k in keys)

    def base_only(model, blocks):  # loops over base_model: the classifier keeps its old flag
        for name, param in model.base_model.named_parameters():
            param.requires_grad = block_of("bert." + name) in blocks

    def crashes(model, blocks):
        raise KeyError(blocks[0])

    return {"only_freezes": (only_freezes, "should be trainable"),
            "substring": (substring, "layer.10"), "base_only": (base_only, "classifier"),
            "crashes": (crashes, "raised KeyError")}


def test_freeze_all_but_accepts_the_reference_and_a_student_loop():
    from helpers.training.compute import block_of

    def student(model, blocks):
        for name, param in model.named_parameters():
            param.requires_grad = block_of(name) in blocks

    assert ex.check_freeze_all_but(ex.freeze_all_but_reference).correct is True
    assert ex.check_freeze_all_but(student).correct is True


@pytest.mark.parametrize("mistake", list(_wrong_freezers()))
def test_freeze_all_but_names_the_first_differing_parameter(mistake):
    function, says = _wrong_freezers()[mistake]
    assert says in hint_of(ex.check_freeze_all_but(function))


def test_freeze_all_but_odd_inputs():
    assert ex.check_freeze_all_but(...).correct is None
    assert "function itself" in hint_of(ex.check_freeze_all_but(3))


def test_optimizer_check_hints(classifier):
    for name, param in classifier.base_model.named_parameters():
        param.requires_grad = "pooler" in name
    params = list(classifier.parameters())
    trainable = [p for p in params if p.requires_grad]
    right = torch.optim.AdamW(trainable, lr=1e-3)
    assert ex.check_optimizer_params(right, classifier).correct is True
    cases = {
        "frozen tensors": torch.optim.AdamW(params, lr=1e-3),  # the bug: all parameters
        "wrong way round": torch.optim.AdamW([p for p in params if not p.requires_grad], lr=1e-3),
        "pooler trains too": torch.optim.AdamW(list(classifier.classifier.parameters()), lr=1e-3),
        "not this model's": torch.optim.AdamW([*trainable, torch.nn.Parameter(torch.ones(2))], lr=1e-3),
    }
    for says, optimizer in cases.items():
        assert says in hint_of(ex.check_optimizer_params(optimizer, classifier)), says
    assert "build an optimizer" in hint_of(ex.check_optimizer_params(trainable, classifier))


def test_bug_conditions_hints():
    right = dict(ex.ZERO_GRADIENT_MOVES)
    assert ex.check_bug_conditions(right).correct is True
    cases = {
        "with a zero gradient": dict.fromkeys(right, True),
        "section 5 showed": dict.fromkeys(right, False),
        "velocity": {**right, "SGD with momentum 0.9": False},
        "shrinks every weight": {**right, "AdamW (weight decay 0.01)": False},
        "True or False": {**right, "SGD with momentum 0.9": "yes"},
    }
    for says, answer in cases.items():
        assert says in hint_of(ex.check_bug_conditions(answer)), says
    assert ex.check_bug_conditions({**right, "SGD with momentum 0.9": ...}).correct is None


def test_tools_hints():
    assert ex.check_tools(dict(ex.TOOL_ROLES)).correct is True
    spelled = {k: f"model.{v}()" for k, v in ex.TOOL_ROLES.items()}
    assert ex.check_tools(spelled).correct is True
    swapped = {**ex.TOOL_ROLES, "turns off dropout": "no_grad"}
    assert "no graph is recorded" in hint_of(ex.check_tools(swapped))
    assert "write one of" in hint_of(ex.check_tools(dict.fromkeys(ex.TOOL_ROLES, "freeze")))


@pytest.mark.parametrize("answer", ex.REVIEW_REASONS)
def test_reviews_reason_each_wrong_reason_is_answered(answer):
    feedback = ex.check_reviews_reason(answer)
    assert feedback.correct is (answer == "features lack sentiment")
    if not feedback.correct:
        assert feedback.message == ex._REASON_HINTS[answer]


@pytest.mark.parametrize("name", ex.CHECKS)
def test_every_check_handles_the_placeholder_odd_input_and_has_two_hints(name):
    check = getattr(ex, name)
    args = (None,) if name == "check_optimizer_params" else ()
    assert check(..., *args).correct is None
    for odd in (None, "", [], {"a": 1}, -1, 1e30, object()):
        assert check(odd, *args).correct is not True  # a hint, never an exception
    assert len(check.hints) == 2 and "Hint 2 of 2" in repr(check.hint(2))


def _cells():
    return json.loads(NOTEBOOK.read_text())["cells"]


def test_checks_are_listed_in_notebook_order():
    called = []
    for cell in _cells():
        if "exercise" in cell["metadata"].get("tags", []):
            called += [n for n in ex.CHECKS if f"{n}(" in "".join(cell["source"]) and n not in called]
    assert tuple(called) == ex.CHECKS


def test_no_expected_answer_is_printed_above_its_exercise():
    printed = ""
    for cell in _cells():
        source = "".join(cell["source"])
        for name in ex.CHECKS:
            if "exercise" in cell["metadata"].get("tags", []) and f"{name}(" in source:
                for expected in getattr(ex, name).expected:
                    assert expected not in printed, (name, expected)
        for output in cell.get("outputs", []):
            printed += "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
