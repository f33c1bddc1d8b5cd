"""Plots of lesson 4: where the parameters live (section 2), a loss curve with early stopping
(section 8), and accuracy against training-set size per strategy (section 9)."""

import matplotlib as mpl
from matplotlib.ticker import MaxNLocator

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


STRATEGY_STYLE = {  # colour and marker per strategy: distinguishable in colour and in grey
    "head only": (GROUP_COLOURS[0], "o"),
    "pooler + head": (GROUP_COLOURS[1], "s"),
    "top layer + pooler + head": (GROUP_COLOURS[2], "^"),
    "full fine-tuning": (GROUP_COLOURS[5], "D"),
}


def plot_size_curves(runs, task, ax=None, column="test_acc", chance=None, title=None, legend=True):
    """Draw mean `column` (over seeds) against training sentences per class, one line per
    strategy, with error bars of one standard deviation, and the chance level as a dotted line
    (named in the lower right corner). `runs` has the columns of helpers.training.curves.COLUMNS;
    legend=False leaves the legend to the caller (one for several panels). Returns the axes."""
    ax = new_axes(ax, figsize=(7.5, 4.8))
    part = runs[runs["task"] == task]
    for strategy, (colour, marker) in STRATEGY_STYLE.items():
        rows = part[part["strategy"] == strategy]
        if rows.empty:
            continue
        stats = rows.groupby("per_class")[column].agg(["mean", "std", "count"])
        ax.errorbar(stats.index, stats["mean"], yerr=stats["std"].fillna(0) if len(stats) else None,
                    color=colour, marker=marker, markersize=7, capsize=4, linewidth=2,
                    label=f"{strategy} ({int(stats['count'].min())} seeds)")
    if chance is not None:
        ax.axhline(chance, color="#888888", linestyle=":", linewidth=1.5)
        ax.text(0.98, 0.03, f"dotted line: chance ({chance:.2f})", transform=ax.transAxes,
                ha="right", va="bottom", color="#555555", fontsize="small")  # clear of the curves
    sizes = sorted(part["per_class"].unique())
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.minorticks_off()
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("training sentences per class (log scale)")
    ax.set_ylabel(f"{column.split('_')[0]} accuracy (fraction correct)")
    ax.set_title(title or f"{task}: {column.split('_')[0]} accuracy")
    if legend:
        ax.legend(loc="lower right", fontsize=mpl.rcParams["font.size"] * 0.85, frameon=True)
    return ax


def plot_loss_curve(curve, ax=None, title="Loss after each epoch"):
    """Draw training and validation loss per epoch of one helpers.training.fitting.Curve and
    mark the epoch early stopping kept. Returns the axes."""
    ax = new_axes(ax, figsize=(7.0, 4.2))
    epochs = range(1, curve.epochs + 1)
    ax.plot(epochs, curve.train_loss, "--o", color=GROUP_COLOURS[0], markersize=4, label="training loss")
    ax.plot(epochs, curve.val_loss, "-s", color=GROUP_COLOURS[5], markersize=4, label="validation loss")
    ax.axvline(curve.best_epoch, color="#555555", linestyle=":",
               label=f"kept: epoch {curve.best_epoch} (lowest validation loss)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy loss (nats per sentence)")
    ax.set_title(title)
    ax.legend(loc="center right", frameon=True)
    return ax
