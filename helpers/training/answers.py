"""Lesson 4's expected answers and the references its checks compare with (helpers.training.
exercises). Sizes are worked out from the course model's config, never typed in."""

from functools import cache
from typing import Any

STRATEGY_NAMES = ("head only", "pooler + head", "top layer + pooler + head", "full fine-tuning")
SMALL_DATA_WINNER = "full fine-tuning"  # topics, 2 per class: the lesson's table (a test re-checks it)
TOOL_ROLES = {
    "turns off dropout": "eval",
    "stops gradients into chosen weights, while others still learn": "requires_grad",
    "builds no graph at all, so nothing can learn": "no_grad",
}
ZERO_GRADIENT_MOVES = {
    "AdamW (weight decay 0.01)": True,
    "SGD, no momentum, no weight decay": False,
    "SGD with momentum 0.9": True,
}
REVIEW_REASONS = ("too few epochs", "learning rate too small", "features lack sentiment", "too many parameters")


@cache
def _config():
    from transformers import AutoConfig

    from helpers.models import verified_bundled_dir

    return AutoConfig.from_pretrained(verified_bundled_dir())


def head_size(num_labels: int) -> int:
    """Parameters of the classifier head: weight (num_labels, hidden) and bias (num_labels,)."""
    return num_labels * (_config().hidden_size + 1)


def layer_size() -> int:
    """Parameters of one encoder layer: four attention projections (hidden -> hidden), the
    feed-forward pair (hidden -> intermediate -> hidden), two LayerNorms."""
    hidden, inner = _config().hidden_size, _config().intermediate_size
    return 4 * (hidden * hidden + hidden) + 2 * hidden * inner + inner + hidden + 4 * hidden


def pooler_size() -> int:
    """Parameters of the pooler: one dense layer hidden -> hidden."""
    return _config().hidden_size * (_config().hidden_size + 1)


def freeze_all_but_reference(model, blocks) -> None:
    """The course's version: requires_grad True exactly for the named blocks (see block_of)."""
    from helpers.training.compute import set_trainable_blocks

    set_trainable_blocks(model, blocks)


def _placeholder(model, blocks):
    ...


def _is_empty(function: Any) -> bool:
    """Return True for a function whose body is still only the `...` placeholder."""
    code = getattr(function, "__code__", None)
    return code is not None and code.co_code == _placeholder.__code__.co_code


def _tiny_bert(layers: int, seed: int):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=20, max_position_embeddings=16, num_labels=3)
    torch.manual_seed(seed)
    return BertForSequenceClassification(config)


def _freeze_cases():
    """(label, model factory, starting flags, blocks) for check_freeze_all_but."""
    return [
        ("6 layers, all trainable, blocks ['classifier']", lambda: _tiny_bert(6, 0), True, ["classifier"]),
        ("6 layers, all frozen, blocks ['layer 5', 'pooler', 'classifier']", lambda: _tiny_bert(6, 0),
         False, ["layer 5", "pooler", "classifier"]),
        ("12 layers, all trainable, blocks ['layer 1', 'classifier']", lambda: _tiny_bert(12, 1), True,
         ["layer 1", "classifier"]),
        ("12 layers, all frozen, blocks ['embeddings', 'layer 10']", lambda: _tiny_bert(12, 1), False,
         ["embeddings", "layer 10"]),
    ]
