"""Lesson 4, sections 1-6: the two tasks, where the parameters live, freezing by block, memory.

The ideas the lesson teaches (the freezing loop, unfreezing the pooler, the proof that frozen
weights do not move) are written out in the notebook; this module loads, counts and measures.
Training lives in helpers.training.fitting (through the model) and helpers.training.features
(on cached features). Nothing here imports matplotlib or IPython.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch

from helpers.paths import DATA_DIR

SPLITS = ("train", "validation", "test")
TASKS = {
    "topics": ("topics.csv", ("food", "sport", "technology", "weather", "music")),
    "reviews": ("reviews.csv", ("negative", "positive")),
}
LABELS = TASKS["reviews"][1]
TOPICS = TASKS["topics"][1]
REVIEWS_CSV = DATA_DIR / TASKS["reviews"][0]
TOPICS_CSV = DATA_DIR / TASKS["topics"][0]
SPLIT_SIZES = {"train": 180, "validation": 60, "test": 60}  # reviews.csv
TOPIC_SPLIT_SIZES = {"train": 32, "validation": 8, "test": 8}  # topics.csv, per topic
STRATEGIES = ("head only", "pooler + head", "top layer + pooler + head", "full fine-tuning")


# --- the data ---------------------------------------------------------------


def load_task(task: str, path: str | Path | None = None) -> pd.DataFrame:
    """Return one task's sentences: columns text, label, split, label_id (index into its labels)."""
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}; choose from {list(TASKS)}.")
    file, labels = TASKS[task]
    path = DATA_DIR / file if path is None else Path(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"text", "label", "split"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path} needs the columns text, label, split; missing {sorted(missing)}.")
    unknown = set(frame["label"]) - set(labels) | set(frame["split"]) - set(SPLITS)
    if unknown:
        raise ValueError(f"{path} has unknown labels or splits: {sorted(unknown)}.")
    frame["label_id"] = frame["label"].map(labels.index)
    return frame


def load_reviews(path: str | Path = REVIEWS_CSV) -> pd.DataFrame:
    """Return the sentiment reviews (see load_task)."""
    return load_task("reviews", path)


def load_topics(path: str | Path = TOPICS_CSV) -> pd.DataFrame:
    """Return the five-topic sentences (see load_task)."""
    return load_task("topics", path)


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
        return self.rows(slice(0, n))

    def rows(self, index: torch.Tensor | slice) -> "Encoded":
        """Return the rows in `index` as a new Encoded."""
        return Encoded(self.input_ids[index], self.attention_mask[index], self.labels[index])


def encode_splits(tokenizer, frame: pd.DataFrame, max_length: int = 32) -> dict[str, Encoded]:
    """Tokenize every split once, padded to the longest sentence; return {split: Encoded}."""
    encoded = {}
    for split in SPLITS:
        rows = frame[frame["split"] == split]
        batch = tokenizer(list(rows["text"]), padding="longest", truncation=True,
                          max_length=max_length, return_tensors="pt")
        labels = torch.tensor(rows["label_id"].to_numpy(), dtype=torch.long)
        encoded[split] = Encoded(batch["input_ids"], batch["attention_mask"], labels)
    return encoded


def stratified_rows(labels: torch.Tensor, per_class: int | None, seed: int) -> torch.Tensor:
    """Return sorted row indices with `per_class` rows of every label (None: all rows), drawn
    with a generator seeded by `seed`; shape (num_labels * per_class,)."""
    if per_class is None:
        return torch.arange(len(labels))
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for label in labels.unique(sorted=True):
        rows = (labels == label).nonzero().flatten()
        if per_class > len(rows):
            raise ValueError(f"Only {len(rows)} rows have label {int(label)}; asked for {per_class}.")
        chosen.append(rows[torch.randperm(len(rows), generator=generator)[:per_class]])
    return torch.cat(chosen).sort().values


# --- where the parameters live ----------------------------------------------


def block_of(name: str) -> str:
    """Return the block a parameter name belongs to: 'embeddings', 'layer 3', 'pooler', 'classifier'.

    The one definition of "block" in the course: counting, freezing and the panel all use it."""
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
    return list(dict.fromkeys(block_of(name) for name, _ in model.named_parameters()))


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


def _check_blocks(model: torch.nn.Module, blocks: set[str]) -> None:
    unknown = blocks - set(block_names(model))
    if unknown:
        raise ValueError(f"No such block(s): {sorted(unknown)}; choose from {block_names(model)}.")


def set_trainable_blocks(model: torch.nn.Module, trainable: Iterable[str]) -> None:
    """Set requires_grad to True for every parameter in the named blocks, False everywhere else."""
    trainable = set(trainable)
    _check_blocks(model, trainable)
    for name, param in model.named_parameters():
        param.requires_grad = block_of(name) in trainable


def strategy_blocks(model: torch.nn.Module, strategy: str) -> list[str]:
    """Return the blocks that train under `strategy` (one of STRATEGIES), in model order."""
    if strategy not in STRATEGIES:
        raise ValueError(f"Unknown strategy {strategy!r}; choose from {list(STRATEGIES)}.")
    blocks = block_names(model)
    top = f"layer {model.config.num_hidden_layers - 1}"
    keep = {"head only": {"classifier"}, "pooler + head": {"pooler", "classifier"},
            "top layer + pooler + head": {top, "pooler", "classifier"}}.get(strategy, set(blocks))
    return [b for b in blocks if b in keep]


def apply_strategy(model: torch.nn.Module, strategy: str) -> None:
    """Set every requires_grad flag as `strategy` says (correct on any model, trained or not)."""
    set_trainable_blocks(model, strategy_blocks(model, strategy))


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
    """Describe what would train if only `trainable_blocks` did. `model` is not changed."""
    chosen = set(trainable_blocks)
    _check_blocks(model, chosen)
    sizes = parameter_table(model)["parameters"]
    total = int(sizes.sum())
    trainable = int(sizes[[b for b in sizes.index if b in chosen]].sum())
    share = f"{trainable:,} of {total:,} parameters train ({100 * trainable / total:.3g} %)"
    if trainable == 0:
        message = "Nothing would train: every block is frozen. Tick at least one box."
    elif "classifier" not in chosen:
        message = (f"{share}. The classifier is frozen: it starts random, so the base would have "
                   "to learn around a head that never improves.")
    else:
        message = f"{share}; {total - trainable:,} are frozen."
    return FreezeSummary(trainable, total - trainable, total, message)


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
