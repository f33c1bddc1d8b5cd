"""Plots of lesson 4 (training)."""

import matplotlib as mpl

from helpers.style import GROUP_COLOURS, new_axes

_TRAINABLE_COLOUR = GROUP_COLOURS[0]
_FROZEN_COLOUR = "#BBBBBB"


def plot_parameter_blocks(table, ax=None, title="Where the parameters live"):
    """Draw parameters per block as horizontal bars (log scale), trainable ones coloured.

    `table` is helpers.training.parameter_table(model): index = block, columns parameters and
    trainable. Returns the axes.
    """
    ax = new_axes(ax, figsize=(8.0, 4.8))
    blocks = list(table.index)[::-1]  # embeddings at the top
    total = table["parameters"].reindex(blocks).to_numpy()
    trainable = table["trainable"].reindex(blocks).to_numpy()
    colours = [_TRAINABLE_COLOUR if t == n else _FROZEN_COLOUR if t == 0 else GROUP_COLOURS[1]
               for t, n in zip(trainable, total, strict=True)]
    ax.barh(blocks, total, color=colours)
    ax.set_xscale("log")
    ax.set_xlim(100, total.max() * 20)
    for y, n in enumerate(total):
        ax.text(n * 1.15, y, f"{n:,}", va="center", fontsize=mpl.rcParams["font.size"] * 0.9)
    ax.set_xlabel("parameters (log scale)")
    ax.set_title(title)
    ax.grid(axis="y", visible=False)
    from matplotlib.patches import Patch

    handles = [Patch(color=_TRAINABLE_COLOUR, label="trainable"), Patch(color=_FROZEN_COLOUR, label="frozen")]
    if any(0 < t < n for t, n in zip(trainable, total, strict=True)):
        handles.append(Patch(color=GROUP_COLOURS[1], label="partly frozen"))
    ax.legend(handles=handles, loc="lower right", frameon=True)
    return ax


def plot_learning_curves(histories, ax=None, title="Accuracy after each epoch"):
    """Draw train (dashed) and validation (solid) accuracy per epoch, one colour per run.

    `histories` are helpers.training.History objects. Returns the axes.
    """
    ax = new_axes(ax, figsize=(8.0, 4.8))
    for history, colour in zip(histories, GROUP_COLOURS, strict=False):
        epochs = range(1, len(history.val_acc) + 1)
        ax.plot(epochs, history.train_acc, "--o", color=colour, alpha=0.7, markersize=4)
        ax.plot(epochs, history.val_acc, "-o", color=colour, label=history.strategy)
    ax.plot([], [], "k--", label="train (dashed)")
    ax.plot([], [], "k-", label="validation (solid)")
    ax.set_xticks(list(epochs))
    ax.set_ylim(0.4, 1.02)
    ax.axhline(0.5, color="#888888", linewidth=1, linestyle=":")
    ax.set_xlabel("epoch")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return ax
