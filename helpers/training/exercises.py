"""Exercise checks and their expected answers of lesson 4 (training)."""

from typing import Any

from helpers.feedback import Feedback, first_failure, right, unanswered, wrong

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


# Every check of this lesson, in the notebook's order (helpers.LESSONS reads it).
CHECKS = (
    "check_head_only_count",
    "check_last_layer_and_head",
    "check_optimizer_params",
    "check_tools",
)
