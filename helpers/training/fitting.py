"""Lesson 4, sections 7-10: training until validation stops improving, through the model or on
cached features, and timing it.

Every run seeds its own generators, runs its training steps on one torch thread (scoped, see
helpers.runtime.torch_threads: the backward pass of big matrix products adds its sums in a
different order on two threads, about 1e-6 apart after a few steps) and restores what it changed.
Nothing here imports matplotlib, IPython or progress bars.
"""

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from helpers.runtime import torch_seeded, torch_threads
from helpers.training.compute import Encoded, apply_strategy

LEARNING_RATES = {"head only": 1e-1, "pooler + head": 3e-3,
                  "top layer + pooler + head": 1e-3, "full fine-tuning": 1e-4}


@dataclass
class Curve:
    """What one early-stopped run measured after every epoch, and the epoch it kept."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.val_loss)


def new_classifier(config, num_labels: int, seed: int) -> nn.Linear:
    """Return a fresh classifier head Linear(hidden, num_labels), initialised as BERT does
    (normal, std config.initializer_range; bias zero) from `seed`."""
    with torch_seeded(seed):
        head = nn.Linear(config.hidden_size, num_labels)
        nn.init.normal_(head.weight, std=config.initializer_range)
        nn.init.zeros_(head.bias)
    return head


def fresh_model(pristine: nn.Module, strategy: str, seed: int, num_labels: int | None = None) -> nn.Module:
    """Return a copy of `pristine` with a new head for `num_labels` (default: pristine's) from
    `seed`, frozen as `strategy` says. `pristine` itself is never changed."""
    model = copy.deepcopy(pristine)
    model.num_labels = model.config.num_labels = num_labels or pristine.config.num_labels
    model.classifier = new_classifier(model.config, model.num_labels, seed)
    apply_strategy(model, strategy)
    return model


def _snapshot(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def train_early_stopping(module: nn.Module, loss_of: Callable, n_train: int, evaluate: Callable,
                         lr: float, seed: int, batch_size: int = 16, max_epochs: int = 60,
                         patience: int = 4, min_delta: float = 1e-3) -> Curve:
    """Train `module`'s trainable parameters with AdamW until the validation loss has not
    improved (by more than `min_delta`) for `patience` epochs; keep (restore) the weights of the best epoch.

    `loss_of(rows)` returns the mean training loss on the rows (a LongTensor of indices);
    `evaluate()` returns (validation loss, validation accuracy). Returns the Curve."""
    params = [p for p in module.parameters() if p.requires_grad]
    if not params:
        raise ValueError("Every parameter is frozen: nothing would train. Unfreeze at least one block.")
    optimizer = torch.optim.AdamW(params, lr=lr, fused=True)
    generator = torch.Generator().manual_seed(seed)
    curve, best, best_loss, start = Curve(), _snapshot(module), math.inf, time.perf_counter()
    with torch_threads(1), torch_seeded(seed):  # seeded: dropout masks repeat, then restored
        for epoch in range(1, max_epochs + 1):
            order, losses = torch.randperm(n_train, generator=generator), []
            for begin in range(0, n_train, batch_size):
                loss = loss_of(order[begin:begin + batch_size])
                loss.backward()
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
                losses.append(loss.item())
            val_loss, val_acc = evaluate()
            curve.train_loss.append(sum(losses) / len(losses))
            curve.val_loss.append(val_loss)
            curve.val_acc.append(val_acc)
            if val_loss < best_loss - min_delta:
                best, best_loss, curve.best_epoch = _snapshot(module), val_loss, epoch
            elif epoch - curve.best_epoch >= patience:
                break
    module.load_state_dict(best)
    curve.seconds = time.perf_counter() - start
    return curve


# --- through the whole model --------------------------------------------------


@torch.no_grad()
def evaluate_model(model: nn.Module, data: Encoded, batch_size: int = 64) -> tuple[float, float]:
    """Return (mean loss, accuracy) of `model` on `data`, in eval mode (no dropout), no graph."""
    was_training = model.training
    model.eval()
    loss, correct = 0.0, 0
    for begin in range(0, len(data), batch_size):
        rows = slice(begin, begin + batch_size)
        out = model(**data.batch(rows), labels=data.labels[rows])
        loss += out.loss.item() * len(data.labels[rows])
        correct += (out.logits.argmax(-1) == data.labels[rows]).sum().item()
    model.train(was_training)
    return loss / len(data), correct / len(data)


def accuracy(model: nn.Module, data: Encoded) -> float:
    """Return the fraction of `data` the model classifies correctly (eval mode, no graph)."""
    return evaluate_model(model, data)[1]


def fit_model(model: nn.Module, train: Encoded, validation: Encoded, lr: float, seed: int = 0,
              dropout: bool = True, **loop) -> Curve:
    """Train `model` (already frozen as wanted) through the whole network, early-stopped on
    `validation`; dropout on (train mode) unless `dropout=False`. Returns the Curve."""

    def loss_of(rows):
        model.train(dropout)
        return model(**train.batch(rows), labels=train.labels[rows]).loss

    curve = train_early_stopping(model, loss_of, len(train), lambda: evaluate_model(model, validation),
                                 lr, seed, **loop)
    model.eval()
    return curve


def run_full_finetuning(pristine: nn.Module, data: dict[str, Encoded], rows: torch.Tensor,
                        seed: int, lr: float = LEARNING_RATES["full fine-tuning"], **loop) -> dict:
    """Fine-tune a fresh copy of `pristine` (new head from `seed`) on the training `rows`;
    return {train_acc, val_acc, test_acc, best_epoch, epochs, seconds}."""
    num_labels = int(data["train"].labels.max()) + 1
    model = fresh_model(pristine, "full fine-tuning", seed, num_labels)
    train = data["train"].rows(rows)
    curve = fit_model(model, train, data["validation"], lr, seed, **loop)
    result = {"train_acc": accuracy(model, train), "val_acc": accuracy(model, data["validation"]),
              "test_acc": accuracy(model, data["test"]), "best_epoch": curve.best_epoch,
              "epochs": curve.epochs, "seconds": curve.seconds}
    del model
    return result


def seconds_per_step(model: nn.Module, batch: dict, labels: torch.Tensor, steps: int = 3) -> float:
    """Return the mean wall time of one training step (forward, backward, AdamW) of `model`
    as it is frozen, on one thread, after one warm-up step. The model is changed by the steps."""
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-5)
    model.train()
    with torch_threads(1):
        for step in range(steps + 1):
            if step == 1:
                start = time.perf_counter()
            model(**batch, labels=labels).loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    model.eval()
    return (time.perf_counter() - start) / steps



def learning_rate_for(model: nn.Module, blocks) -> float:
    """Return the course's learning rate for training `blocks` of `model`: the rate of the
    strategy whose deepest trainable block is the same (fewer weights, larger steps)."""
    blocks, top = set(blocks), f"layer {model.config.num_hidden_layers - 1}"
    deeper = blocks - {"classifier", "pooler", top}
    if deeper:
        return LEARNING_RATES["full fine-tuning"]
    if top in blocks:
        return LEARNING_RATES["top layer + pooler + head"]
    return LEARNING_RATES["pooler + head" if "pooler" in blocks else "head only"]
