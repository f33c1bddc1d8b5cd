"""One plot style for the whole course, and a projector-friendly mode for instructors."""

import matplotlib as mpl
import matplotlib.pyplot as plt

COURSE_STYLE = {
    "figure.figsize": (7.0, 4.5),
    "figure.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": "viridis",
    "savefig.bbox": "tight",
}

# Larger text and figures so a plot reads from the back of a room.
PRESENTATION_STYLE = {
    "figure.figsize": (10.0, 6.0),
    "figure.dpi": 110,
    "font.size": 16,
    "axes.titlesize": 20,
    "axes.labelsize": 17,
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.0,
}

# Group colours shared by every lesson (colour-blind safe, from the Okabe-Ito palette).
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def use_course_style() -> None:
    """Apply the course's plot style to every later figure."""
    mpl.rcParams.update(COURSE_STYLE)


def presentation_mode(on: bool = True) -> None:
    """Make later plots projector-sized (on=True), or return to the course style (on=False)."""
    use_course_style()
    if on:
        mpl.rcParams.update(PRESENTATION_STYLE)


def new_axes(ax: plt.Axes | None = None, **figure_kwargs) -> plt.Axes:
    """Return `ax`, or the axes of a new figure when `ax` is None."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(**figure_kwargs)
    return ax


# --- Lesson 3: attention ----------------------------------------------------

import math  # noqa: E402

import numpy as np  # noqa: E402


def _token_fontsize(n_tokens: int) -> float:
    """Return a tick-label size that keeps `n_tokens` labels apart (None-free: a number)."""
    base = mpl.rcParams["ytick.labelsize"]
    size = base if isinstance(base, int | float) else mpl.rcParams["font.size"]
    return max(5.0, min(size, 300.0 / max(n_tokens, 1)))


def attention_heatmap(weights, tokens, ax=None, title=None, colorbar=True, max_labels=60):
    """Draw an attention map (seq, seq): rows = tokens attending, columns = tokens attended to.

    Token labels go on both axes (hidden when there are more than `max_labels`), with a colour
    bar from 0 to the largest weight. Returns the axes.
    """
    ax = new_axes(ax)
    weights = np.asarray(weights)
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=max(float(weights.max()), 1e-9))
    ax.grid(False)
    n = len(tokens)
    if n <= max_labels:
        ticks = np.arange(n)
        size = _token_fontsize(n)
        ax.set_xticks(ticks, tokens, rotation=90, fontsize=size)
        ax.set_yticks(ticks, tokens, fontsize=size)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_xlabel("attended to (key)")
    ax.set_ylabel("attending (query)")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label="attention weight")
    return ax


def attention_bars(row, tokens, source=None, ax=None):
    """Draw one token's attention over all tokens as horizontal bars (largest labelled).

    row: (seq,) weights summing to 1. Returns the axes.
    """
    ax = new_axes(ax)
    row = np.asarray(row)
    positions = np.arange(len(tokens))
    ax.barh(positions, row, color=GROUP_COLOURS[0])
    ax.set_yticks(positions, tokens, fontsize=_token_fontsize(len(tokens)))
    if len(tokens) > 60:
        ax.set_yticks([])
    ax.invert_yaxis()  # first token on top, like the heatmap's rows
    ax.set_xlim(0, max(1.0, float(row.max()) * 1.15))
    ax.set_xlabel("attention weight")
    ax.grid(axis="y", visible=False)
    if source is not None:
        ax.set_title(f"attention from {source!r}")
    return ax


def attention_head_grid(layer_weights, tokens, axes=None, ncols=4):
    """Draw every head of one layer (heads, seq, seq) as small heatmaps sharing one colour bar.

    Returns the array of axes.
    """
    layer_weights = np.asarray(layer_weights)
    n_heads = layer_weights.shape[0]
    nrows = math.ceil(n_heads / ncols)
    if axes is None:
        _, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 4.0 * nrows))
    axes = np.asarray(axes).ravel()
    image = None
    for head, ax in enumerate(axes):
        if head >= n_heads:
            ax.set_visible(False)
            continue
        attention_heatmap(layer_weights[head], tokens, ax=ax, colorbar=False)
        image = ax.images[0]
        image.set_clim(0.0, 1.0)
        ax.set_title(f"head {head}")
        ax.set_xlabel("")
        ax.set_ylabel("")
    axes[0].figure.colorbar(image, ax=list(axes), fraction=0.02, pad=0.02, label="attention weight")
    return axes
