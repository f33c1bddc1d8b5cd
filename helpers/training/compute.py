"""Fine-tuning plumbing for lesson 4: the reviews data, parameter blocks, training and measuring.

The ideas the lesson teaches (the freezing loop, unfreezing the pooler, the proof that frozen
weights do not move) are written out in the notebook; this module loads, counts, trains and times.
Training is deterministic: every run seeds its own generators and never changes the thread count.
"""

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import torch
from tqdm.auto import tqdm

from helpers.paths import DATA_DIR

LABELS = ("negative", "positive")
SPLITS = ("train", "validation", "test")
SPLIT_SIZES = {"train": 180, "validation": 60, "test": 60}
REVIEWS_CSV = DATA_DIR / "reviews.csv"
STRATEGIES = ("full fine-tuning", "head only", "pooler + head", "top layer + pooler + head")


# --- the data ---------------------------------------------------------------


def load_reviews(path: str | Path = REVIEWS_CSV) -> pd.DataFrame:
    """Return the reviews as a table: text, label, split, and label_id (0 negative, 1 positive)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"text", "label", "split"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path} needs the columns text, label, split; missing {sorted(missing)}.")
    unknown = set(frame["label"]) - set(LABELS) | set(frame["split"]) - set(SPLITS)
    if unknown:
        raise ValueError(f"{path} has unknown labels or splits: {sorted(unknown)}.")
    frame["label_id"] = frame["label"].map(LABELS.index)
    return frame


@dataclass(frozen=True)
class Encoded:
    """One split, tokenized once: ids and mask of shape (n, max_len), labels of shape (n,)."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def batch(self, index: torch.Tensor | slice) -> dict[str, torch.Tensor]:
        """Return the model's keyword arguments for the rows in `index`, without the padding
        columns that no row in it needs (shorter batches are faster)."""
        mask = self.attention_mask[index]
        width = int(mask.sum(dim=1).max()) if len(mask) else 0
        return {"input_ids": self.input_ids[index][:, :width], "attention_mask": mask[:, :width]}

    def subset(self, n: int) -> "Encoded":
        """Return the first n rows (the data are already shuffled)."""
        return Encoded(self.input_ids[:n], self.attention_mask[:n], self.labels[:n])


def encode_splits(tokenizer, frame: pd.DataFrame, max_length: int = 32) -> dict[str, Encoded]:
    """Tokenize every split once, padded to the longest sentence; return {split: Encoded}."""
    encoded = {}
    for split in SPLITS:
        rows = frame[frame["split"] == split]
        batch = tokenizer(
            list(rows["text"]),
            padding="longest",
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        labels = torch.tensor(rows["label_id"].to_numpy(), dtype=torch.long)
        encoded[split] = Encoded(batch["input_ids"], batch["attention_mask"], labels)
    return encoded


# --- where the parameters live ----------------------------------------------


def block_of(name: str) -> str:
    """Return the block a parameter name belongs to: 'embeddings', 'layer 3', 'pooler', 'classifier'."""
    parts = name.split(".")
    if "embeddings" in parts:
        return "embeddings"
    if "layer" in parts and "encoder" in parts:
        return f"layer {parts[parts.index('layer') + 1]}"
    if "pooler" in parts:
        return "pooler"
    if parts[0] == "classifier":
        return "classifier"
    return "other"


def block_names(model: torch.nn.Module) -> list[str]:
    """Return the model's blocks in order, from embeddings to classifier."""
    names = []
    for name, _ in model.named_parameters():
        block = block_of(name)
        if block not in names:
            names.append(block)
    return names


def parameter_table(model: torch.nn.Module) -> pd.DataFrame:
    """Return one row per block: tensors, parameters, trainable parameters (in model order)."""
    rows = {}
    for name, param in model.named_parameters():
        row = rows.setdefault(block_of(name), {"tensors": 0, "parameters": 0, "trainable": 0})
        row["tensors"] += 1
        row["parameters"] += param.numel()
        row["trainable"] += param.numel() if param.requires_grad else 0
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "block"
    return table


def count_parameters(model: torch.nn.Module) -> tuple[int, int]:
    """Return (trainable, total) numbers of parameters."""
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total


def set_trainable_blocks(model: torch.nn.Module, trainable: Iterable[str]) -> None:
    """Set requires_grad to True for parameters in the named blocks and False everywhere else."""
    trainable = set(trainable)
    unknown = trainable - set(block_names(model))
    if unknown:
        raise ValueError(f"No such block(s): {sorted(unknown)}; choose from {block_names(model)}.")
    for name, param in model.named_parameters():
        param.requires_grad = block_of(name) in trainable


@dataclass(frozen=True)
class FreezeSummary:
    """Trainable and frozen parameter counts after a choice of blocks, and what they mean."""

    trainable: int
    frozen: int
    total: int
    message: str

    @property
    def can_train(self) -> bool:
        return self.trainable > 0


def freezing_summary(model: torch.nn.Module, trainable_blocks: Iterable[str]) -> FreezeSummary:
    """Apply `trainable_blocks` to `model` (see set_trainable_blocks) and describe the result."""
    chosen = set(trainable_blocks)
    set_trainable_blocks(model, chosen)
    trainable, total = count_parameters(model)
    share = f"{trainable:,} of {total:,} parameters train ({100 * trainable / total:.3g} %)"
    if trainable == 0:
        message = "Nothing would train: every block is frozen. Tick at least one box."
    elif "classifier" not in chosen:
        message = (f"{share}. The classifier is frozen: it starts random, so the base would have "
                   "to learn around a head that never improves.")
    else:
        message = f"{share}; {total - trainable:,} are frozen."
    return FreezeSummary(trainable, total - trainable, total, message)


def apply_strategy(model: torch.nn.Module, strategy: str) -> None:
    """Freeze `model` as one of STRATEGIES says, with the loops the lesson teaches."""
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {strategy!r}; choose from {list(STRATEGIES)}.")
    if strategy == "full fine-tuning":
        return
    top = f"layer.{model.config.num_hidden_layers - 1}."
    for name, param in model.base_model.named_parameters():
        param.requires_grad = False
        if strategy != "head only" and "pooler" in name:
            param.requires_grad = True
        if strategy == "top layer + pooler + head" and top in name:
            param.requires_grad = True


# --- memory you can count ---------------------------------------------------


def optimizer_state_size(optimizer: torch.optim.Optimizer) -> tuple[int, int]:
    """Return (number of tensors, bytes) held in the optimizer's state (AdamW: step, two moments)."""
    tensors = [v for state in optimizer.state.values() for v in state.values() if torch.is_tensor(v)]
    return len(tensors), sum(t.numel() * t.element_size() for t in tensors)


def saved_for_backward_bytes(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> int:
    """Return the bytes of activations autograd keeps for backward in one forward pass.

    Parameters themselves are not counted (they exist anyway); only new tensors are.
    """
    param_storages = {p.untyped_storage().data_ptr() for p in model.parameters()}
    seen, total = set(), 0

    def pack(tensor):
        nonlocal total
        pointer = tensor.untyped_storage().data_ptr()
        if pointer not in param_storages and pointer not in seen:
            seen.add(pointer)
            total += tensor.untyped_storage().nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(**batch)
    return total


# --- training ---------------------------------------------------------------


@torch.no_grad()
def accuracy(model: torch.nn.Module, data: Encoded, batch_size: int = 64) -> float:
    """Return the fraction of `data` the model classifies correctly (in eval mode, no dropout)."""
    was_training = model.training
    model.eval()
    correct = 0
    with torch.no_grad():  # evaluation only: no graph to record, faster and lighter
        for start in range(0, len(data), batch_size):
            rows = slice(start, start + batch_size)
            logits = model(**data.batch(rows)).logits
            correct += (logits.argmax(-1) == data.labels[rows]).sum().item()
    model.train(was_training)
    return correct / len(data)


@dataclass
class History:
    """What one training run measured, epoch by epoch."""

    strategy: str
    trainable: int
    total: int
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    test_acc: float | None = None
    state_bytes: int = 0
    activation_bytes: int = 0

    @property
    def seconds_per_epoch(self) -> float:
        """Mean wall time of one training epoch (evaluation not included)."""
        return sum(self.seconds) / max(len(self.seconds), 1)


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the block on one torch thread, then restore the thread count.

    Measured here: a forward pass gives bit-identical results at 1 and 2 threads, but the
    backward pass of the big matrix products does not (their sums are split between threads,
    so they add up in a different order: differences of about 1e-6 after a few steps). On one
    thread, training repeats bit for bit on any machine. On a busy shared CPU it was also
    faster here (4 full fine-tuning steps: 5-8 s on one thread, 26-30 s on two).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def train_epoch(model, optimizer, data: Encoded, batch_size: int, generator, bar=None) -> float:
    """Train one epoch over `data` in a shuffled order; return the mean loss."""
    model.train()
    order = torch.randperm(len(data), generator=generator)
    losses = []
    for start in range(0, len(data), batch_size):
        rows = order[start : start + batch_size]
        loss = model(**data.batch(rows), labels=data.labels[rows]).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        if bar is not None:
            bar.update(1)
    return sum(losses) / len(losses)


def fit(
    model,
    data: dict[str, Encoded],
    strategy: str,
    epochs: int = 3,
    lr: float = 1e-4,
    batch_size: int = 16,
    seed: int = 0,
    progress: bool = True,
    train_eval_size: int | None = 60,
) -> History:
    """Train `model` (already frozen as wanted) with AdamW over its trainable parameters only.

    Returns a History with train/validation accuracy after every epoch and the test accuracy
    at the end. Training accuracy is measured on the first `train_eval_size` training sentences
    (None: all of them), to save time. The seed fixes shuffling and dropout; training steps run
    on one torch thread (evaluation, a forward pass only, gives the same bits on any count).
    """
    torch.manual_seed(seed)
    if count_parameters(model)[0] == 0:
        raise ValueError("Every parameter is frozen: nothing would train. Unfreeze at least one block.")
    return _fit(model, data, strategy, epochs, lr, batch_size, seed, progress, train_eval_size)


def _fit(model, data, strategy, epochs, lr, batch_size, seed, progress, train_eval_size) -> History:
    trainable, total = count_parameters(model)
    history = History(strategy, trainable, total)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    generator = torch.Generator().manual_seed(seed)
    steps = epochs * -(-len(data["train"]) // batch_size)
    train_eval = data["train"] if train_eval_size is None else data["train"].subset(train_eval_size)
    with tqdm(total=steps, desc=strategy, disable=not progress, leave=True) as bar:
        for _ in range(epochs):
            start = time.perf_counter()
            with one_thread():  # the same sums in the same order on any machine: see one_thread
                loss = train_epoch(model, optimizer, data["train"], batch_size, generator, bar)
            history.loss.append(loss)
            history.seconds.append(time.perf_counter() - start)
            history.train_acc.append(accuracy(model, train_eval))
            history.val_acc.append(accuracy(model, data["validation"]))
            bar.set_postfix(val_acc=f"{history.val_acc[-1]:.3f}")
    history.test_acc = accuracy(model, data["test"]) if "test" in data else None
    history.state_bytes = optimizer_state_size(optimizer)[1]
    model.train()
    history.activation_bytes = saved_for_backward_bytes(model, data["train"].batch(slice(0, batch_size)))
    model.eval()
    return history


def run_strategy(load, data, strategy: str, seed: int = 0, **fit_kwargs) -> History:
    """Load a fresh model with `load()` under `seed`, freeze it as `strategy` says, and fit it."""
    torch.manual_seed(seed)  # the classifier head is initialised randomly
    model = load()
    apply_strategy(model, strategy)
    return fit(model, data, strategy, seed=seed, **fit_kwargs)


def results_table(histories: Iterable[History]) -> pd.DataFrame:
    """Return one row per run with the numbers that are stable from run to run (no timings)."""
    rows = []
    for h in histories:
        rows.append(
            {
                "strategy": h.strategy,
                "trainable": h.trainable,
                "train acc": round(h.train_acc[-1], 3),
                "val acc": round(h.val_acc[-1], 3),
                "test acc": None if h.test_acc is None else round(h.test_acc, 3),
                "grads + AdamW state (MB)": round((h.state_bytes + 4 * h.trainable) / 1e6, 2),
                "kept for backward (MB/batch)": round(h.activation_bytes / 1e6, 2),
            }
        )
    return pd.DataFrame(rows).set_index("strategy")


def timing_table(histories: Iterable[History]) -> pd.DataFrame:
    """Return seconds per training epoch for each run (wall time: differs between machines)."""
    rows = [{"strategy": h.strategy, "s / epoch": round(h.seconds_per_epoch, 2)} for h in histories]
    table = pd.DataFrame(rows).set_index("strategy")
    table["vs full"] = (table["s / epoch"] / table["s / epoch"].iloc[0]).round(2)
    return table
