"""Plots of lesson 3 (attention)."""

import math

import matplotlib as mpl
import numpy as np

from helpers.style import GROUP_COLOURS, SMALLEST_TEXT, label_size, new_axes, points


def _token_fontsize(n_tokens: int) -> float:
    """Return a tick-label size that keeps `n_tokens` labels apart (None-free: a number)."""
    base = mpl.rcParams["ytick.labelsize"]
    size = base if isinstance(base, int | float) else mpl.rcParams["font.size"]
    return max(5.0, min(size, 300.0 / max(n_tokens, 1)))


def attention_heatmap(weights, tokens, ax=None, title=None, colorbar=True, max_labels=60,
                      label_axes="xy"):
    """Draw an attention map (seq, seq): rows = tokens attending, columns = tokens attended to.

    Token labels go on the axes named in `label_axes` (hidden when there are more than
    `max_labels`), with a colour bar from 0 to the largest weight. Returns the axes.
    """
    ax = new_axes(ax)
    weights = np.asarray(weights)
    image = ax.imshow(weights, cmap="viridis", vmin=0.0, vmax=max(float(weights.max()), 1e-9))
    ax.grid(False)
    n = len(tokens)
    labelled = n <= max_labels
    ticks, size = np.arange(n), _token_fontsize(n)
    # An axis without labels gets no ticks at all: each tick is an object matplotlib must build.
    if labelled and "x" in label_axes:
        ax.set_xticks(ticks, tokens, rotation=90, fontsize=size)
    else:
        ax.set_xticks([])
    if labelled and "y" in label_axes:
        ax.set_yticks(ticks, tokens, fontsize=size)
    else:
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


def _fit_token_labels(axes, n_tokens: int) -> None:
    """Size the token labels of equal square heatmaps `axes` to their row pitch once the layout
    has run with the smallest labels (which leave the maps the most room), or leave them out
    where even SMALLEST_TEXT would not fit (a projector-sized grid)."""
    fig = axes[0].figure
    for ax in axes:
        ax.tick_params(labelsize=points(SMALLEST_TEXT))
    fig.draw_without_rendering()  # one layout pass (each one costs about 0.25 s): measure there
    box = axes[0].get_position()
    pitch = min(box.width * fig.get_figwidth(), box.height * fig.get_figheight()) * 72 / n_tokens
    fitted = label_size(pitch * 0.97)  # larger labels take a little room back from the maps
    for ax in axes:
        if fitted is None:
            ax.set_xticks([])
            ax.set_yticks([])
        else:
            ax.tick_params(labelsize=fitted)


def attention_head_grid(layer_weights, tokens, axes=None, ncols=6):
    """Draw every head of one layer (heads, seq, seq) as small heatmaps sharing one colour bar,
    in a figure that fits a 1200 x 640 px slide box; token labels on the left column and bottom
    row, left out when they would be too small to read (see helpers.style.label_size).

    Returns the array of axes.
    """
    layer_weights = np.asarray(layer_weights)
    n_heads = layer_weights.shape[0]
    nrows = math.ceil(n_heads / ncols)
    if axes is None:
        import matplotlib.pyplot as plt  # here, not at import: the lesson's Setup cell stays light

        fig, axes = plt.subplots(nrows, ncols, figsize=(11.8, 2.3 * nrows + 0.9), layout="constrained")
        fig.get_layout_engine().set(w_pad=1 / 72, wspace=0.01)  # the maps get the width
    axes = np.asarray(axes).ravel()
    image = None
    for head, ax in enumerate(axes):
        if head >= n_heads:
            ax.set_visible(False)
            continue
        # token labels only on the left column and the bottom row
        labels = ("" if head % ncols else "y") + ("x" if head >= n_heads - ncols else "")
        attention_heatmap(layer_weights[head], tokens, ax=ax, colorbar=False, label_axes=labels)
        image = ax.images[0]
        image.set_clim(0.0, 1.0)
        ax.set_title(f"head {head}")
        ax.set_xlabel("")
        ax.set_ylabel("")
    axes[0].figure.colorbar(image, ax=list(axes), location="bottom", shrink=0.4, aspect=40,
                            label="attention weight")  # below: the maps get the width
    _fit_token_labels(axes[:n_heads], len(tokens))
    return axes


def all_heads_grid(weights, roles=None, fig=None):
    """Draw all heads of all layers (layers, heads, seq, seq) as a grid of small maps, one row
    per layer, one colour scale (0 to 1); `roles` (layers x heads strings, e.g. from
    head_role) are written under each map. Returns the one axes holding the grid.

    The maps are tiles of one image (white gaps between them) on one axes: a figure of
    layers x heads separate axes looks the same but takes several times longer to draw.
    """
    weights = np.asarray(weights)
    n_layers, n_heads, seq = weights.shape[:3]
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(0.92 * n_heads + 0.6, 0.98 * n_layers + 0.4))  # fits a slide
    box = (0.05, 0.04, 0.94, 0.89)
    col_gap = max(1, seq // 5)
    # the gap under a row holds its roles' text at the style's size (larger on a slide)
    text_in = 1.35 * points("small") / 72 if roles is not None else 0.0
    height_in = box[3] * fig.get_figheight()
    row_gap = max(col_gap, math.ceil(text_in * n_layers * seq / (height_in - (n_layers - 1) * text_in)))
    row_step, col_step = seq + row_gap, seq + col_gap
    tiles = np.full((n_layers * row_step - row_gap, n_heads * col_step - col_gap), np.nan)  # NaN: white
    for layer, head in np.ndindex(n_layers, n_heads):
        tiles[layer * row_step:layer * row_step + seq, head * col_step:head * col_step + seq] = weights[layer, head]
    ax = fig.add_axes(box)
    cmap = mpl.colormaps["viridis"].with_extremes(bad="white")
    ax.imshow(tiles, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest", aspect="auto")
    ax.set_axis_off()
    centre = seq / 2 - 0.5
    for head in range(n_heads):
        ax.text(head * col_step + centre, -1, f"head {head}" if head == 0 else str(head),
                ha="center", va="bottom", fontsize="medium")
    for layer in range(n_layers):
        ax.text(-1.5, layer * row_step + centre, f"layer {layer}", ha="right", va="center",
                rotation=90, fontsize="medium")
    if roles is not None:
        for layer, head in np.ndindex(n_layers, n_heads):
            ax.text(head * col_step + centre, layer * row_step + seq, roles[layer][head],
                    ha="center", va="top", fontsize="small")
    return ax
