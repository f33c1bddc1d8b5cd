"""Lesson 4's exercise checks, in the notebook's order (CHECKS), each with its ladder of hints.

The answers they expect live in helpers.training.answers (counts from the model's config);
tests/training/test_exercises.py feeds each check the common wrong answers.
"""

from typing import Any

from helpers.feedback import Feedback, exercise, first_failure, right, unanswered, wrong
from helpers.training.answers import (
    REVIEW_REASONS,
    SMALL_DATA_WINNER,
    STRATEGY_NAMES,
    TOOL_ROLES,
    ZERO_GRADIENT_MOVES,
    _config,
    _freeze_cases,
    _is_empty,
    freeze_all_but_reference,
    head_size,
    layer_size,
    pooler_size,
)


def _as_int(answer: Any) -> int | None:
    """Return `answer` as an int if it is a whole number (int, numpy or torch integer), else None."""
    if isinstance(answer, bool):
        return None
    if hasattr(answer, "item") and getattr(answer, "ndim", 0) == 0:
        answer = answer.item()
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    return answer if isinstance(answer, int) else None


def _count_check(answer: Any, want: int, known: dict[int, str], success: str, fallback: str) -> Feedback:
    if (pending := unanswered(answer)) is not None:
        return pending
    value = _as_int(answer)
    if value is None:
        return wrong(f"give a whole number (an int such as 1000), not {type(answer).__name__}.")
    if value == want:
        return right(success)
    return wrong(known.get(value, fallback))


def _strategy_answer(answer: Any) -> str | None:
    text = " ".join(str(answer).lower().replace("+", " + ").split())
    return next((s for s in STRATEGY_NAMES if text == s), None)


@exercise(expected=(SMALL_DATA_WINNER,))
def check_small_data_winner(answer: Any) -> Feedback:
    """Exercise 1 (predict): the strategy with the best mean test accuracy, topics, 2 per class."""
    name = _strategy_answer(answer)
    if name is None:
        return wrong(f"write one of {', '.join(repr(s) for s in STRATEGY_NAMES)}.")
    if name == SMALL_DATA_WINNER:
        return right("full fine-tuning: starting from pretrained weights, with a small learning rate "
                     "and early stopping, it adapts the features a little without forgetting them.")
    hints = {"head only": "head only reads the pooler output, which this model never trained: it is "
                          "the weakest of the frozen strategies here.",
             "top layer + pooler + head": "close: it beats the other frozen strategies. But did anything "
                                          "beat it at 2 per class? Look at the last row."}
    return wrong(hints.get(name, "the textbook answer is 'a frozen strategy', but the table of section 8 "
                                 "says otherwise here: look at the last row."))


@exercise(expected=("1155", "1,155"))
def check_head_only_count(answer: Any) -> Feedback:
    """Exercise 2 (predict): trainable parameters of a 3-label classifier with a frozen base."""
    want, hidden = head_size(3), _config().hidden_size
    known = {head_size(2): f"{head_size(2):,} is the count for 2 labels: how many labels are there now?",
             head_size(5): f"{head_size(5):,} is our 5-topic head: this one has 3 labels.",
             hidden * 3: f"close: you counted the weights (3 x {hidden}). Each label also has a bias.",
             pooler_size() + want: "the pooler is frozen too here (the whole base is): count only the head."}
    return _count_check(answer, want, known, f"{want:,}: a (3, {hidden}) weight and 3 biases.",
                        f"the head maps {hidden} numbers to 3 labels: weight (3, {hidden}) plus bias (3,).")


@exercise(expected=("1776389", "1,776,389"))
def check_last_layer_count(answer: Any) -> Feedback:
    """Exercise 3 (predict): trainable parameters after `"layer.5" in name or "classifier" in name`."""
    layer, head = layer_size(), head_size(5)
    total = _config().num_hidden_layers * layer
    known = {layer: "you counted layer 5 only: the loop also keeps the classifier trainable.",
             head: "you counted the classifier only: 'layer.5' is in the names of encoder layer 5.",
             layer + head + pooler_size(): "the pooler's names (bert.pooler.dense...) do not contain 'layer.5'.",
             layer + head_size(2): "that is the head for 2 labels; our topic classifier has 5.",
             total + head: "only one encoder layer matches 'layer.5', not all six."}
    return _count_check(answer, layer + head, known,
                        f"{layer + head:,}: encoder layer 5 ({layer:,}) and the classifier ({head:,}).",
                        "count the parameters of encoder layer 5 (see section 2) plus the classifier.")


@exercise(expected=("param.requires_grad = block_of(name) in blocks",))
def check_freeze_all_but(student: Any) -> Feedback:
    """Exercise 4 (write a function): freeze_all_but(model, blocks) against the reference."""
    if student is ... or student is None or _is_empty(student):
        return Feedback(None, "write freeze_all_but (replace the `...` in its body), then run the cell again.")
    if not callable(student):
        return wrong(f"pass the function itself (its name, without brackets), not a {type(student).__name__}.")
    from helpers.training.compute import block_of

    for label, make, start, blocks in _freeze_cases():
        mine, ref = make(), make()
        for net in (mine, ref):
            net.requires_grad_(start)
        try:
            student(mine, list(blocks))
        except Exception as err:  # the student's code failed: say where, not a traceback
            return wrong(f"on the model with {label}, freeze_all_but raised {type(err).__name__}: {err}")
        freeze_all_but_reference(ref, blocks)
        got = dict((n, p.requires_grad) for n, p in mine.named_parameters())
        for name, param in ref.named_parameters():
            if got[name] != param.requires_grad:
                state = "trainable" if got[name] else "frozen"
                return wrong(f"on the model with {label}: {name} (block {block_of(name)!r}) is {state}, "
                             f"but should be {'trainable' if param.requires_grad else 'frozen'}.")
    return right(f"freeze_all_but matches the course's version on all {len(_freeze_cases())} models.")


@exercise(expected=("[p for p in bug_model.parameters() if p.requires_grad]",))
def check_optimizer_params(optimizer: Any, model: Any) -> Feedback:
    """Exercise 5 (find the bug): an optimizer that holds exactly the model's trainable parameters."""
    if not hasattr(optimizer, "param_groups"):
        return wrong("build an optimizer, e.g. torch.optim.AdamW(<parameters>, lr=1e-3), and assign it.")
    if not hasattr(model, "parameters"):
        return wrong("pass the model as the second argument.")
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    trainable = {id(p) for p in model.parameters() if p.requires_grad}
    frozen_held = sum(1 for p in model.parameters() if id(p) in held and not p.requires_grad)
    if frozen_held and not trainable & held:
        return wrong("the optimizer holds only frozen tensors: the filter is the wrong way round "
                     "(keep requires_grad True, not False).")
    rules = [
        (not frozen_held, f"the optimizer still holds {frozen_held} frozen tensors. Keep only the "
                          "parameters whose requires_grad is True (a filter in a list comprehension)."),
        (not trainable - held, f"{len(trainable - held)} trainable tensors are missing from the "
                               "optimizer: they would never change. The pooler trains too."),
        (not held - trainable, "the optimizer holds tensors that are not this model's parameters."),
    ]
    return first_failure(rules, f"the optimizer holds exactly the {len(trainable)} trainable tensors; "
                                "frozen weights cannot be touched, even by weight decay.")


def _dict_answer(answer: Any, keys) -> Feedback | None:
    """Return a Feedback if `answer` is not yet a complete dict with `keys`, else None."""
    if (pending := unanswered(answer)) is not None:
        return pending
    if not isinstance(answer, dict) or set(answer) != set(keys):
        return wrong("keep the dictionary with its keys as given; fill in the values.")
    if any(v is ... for v in answer.values()):
        return unanswered(...)
    return None


@exercise(expected=(repr(ZERO_GRADIENT_MOVES),))
def check_bug_conditions(answer: Any) -> Feedback:
    """Exercise 6 (reasoning): which optimizers move a weight whose gradient is all zeros."""
    if (pending := _dict_answer(answer, ZERO_GRADIENT_MOVES)) is not None:
        return pending
    if not all(isinstance(v, bool) for v in answer.values()):
        return wrong("answer each with True or False (no quotes).")
    if all(answer.values()):
        return wrong("plain SGD's step is lr x gradient: with a zero gradient, what is it?")
    if not any(answer.values()):
        return wrong("section 5 showed AdamW moving 'frozen' weights with zero gradients: why?")
    if not answer["SGD with momentum 0.9"]:
        return wrong("momentum keeps a running velocity of past gradients: a zero gradient today does "
                     "not stop it at once.")
    if answer["SGD, no momentum, no weight decay"]:
        return wrong("plain SGD's step is lr x gradient: with a zero gradient, what is it?")
    if not answer["AdamW (weight decay 0.01)"]:
        return wrong("AdamW shrinks every weight it holds by lr x weight decay, gradient or not, and "
                     "its first moment remembers past gradients.")
    return right("only plain SGD leaves it alone; decay and momentum move a zero-gradient weight. "
                 "The safe rule works for every optimizer: give it only trainable parameters.")


_TOOL_HINTS = {
    "eval": "eval() only switches layers such as dropout off: gradients still flow to every weight.",
    "requires_grad": "requires_grad=False only decides which weights get gradients: dropout still "
                     "runs, and a graph is still recorded for the others.",
    "no_grad": "inside torch.no_grad() no graph is recorded for any weight, and dropout is not "
               "switched off either.",
}


def _tool_name(value: Any) -> str | None:
    text = str(value).lower().replace(" ", "")
    return next((key for key in ("requires_grad", "no_grad", "eval") if key in text), None)


@exercise(expected=(repr(TOOL_ROLES),))
def check_tools(answer: Any) -> Feedback:
    """Exercise 7 (reasoning): match eval(), requires_grad and torch.no_grad() to what each does."""
    if (pending := _dict_answer(answer, TOOL_ROLES)) is not None:
        return pending
    for role, tool in TOOL_ROLES.items():
        name = _tool_name(answer[role])
        if name is None:
            return wrong(f"for {role!r}, write one of 'eval', 'requires_grad', 'no_grad'.")
        if name != tool:
            return wrong(_TOOL_HINTS[name] + f" So which tool {role}?")
    return right("eval() switches behaviour, requires_grad chooses who learns, no_grad() records nothing.")


_REASON_HINTS = {
    "too few epochs": "every head trained until validation stopped improving (early stopping), "
                      "not for a fixed number of epochs.",
    "learning rate too small": "the same learning rates reach high accuracy on topics within a few "
                               "epochs, and they were picked on validation.",
    "too many parameters": "head only trains a few hundred parameters: too few to memorise much, "
                           "and it is still near chance on validation.",
}


@exercise(expected=("features lack sentiment",))
def check_reviews_reason(answer: Any) -> Feedback:
    """Exercise 8 (reasoning): why frozen strategies stay near chance on the reviews."""
    text = " ".join(str(answer).lower().split())
    if text not in REVIEW_REASONS:
        return wrong(f"write one of {', '.join(repr(r) for r in REVIEW_REASONS)}.")
    if text == "features lack sentiment":
        return right("the frozen features carry topic, not polarity; only changing the base (full "
                     "fine-tuning, with enough data) can add it.")
    return wrong(_REASON_HINTS[text])


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_small_data_winner",
    "check_head_only_count",
    "check_last_layer_count",
    "check_freeze_all_but",
    "check_optimizer_params",
    "check_bug_conditions",
    "check_tools",
    "check_reviews_reason",
)
