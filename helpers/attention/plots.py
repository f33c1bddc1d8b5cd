"""Plots of lesson 3 (attention)."""

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from helpers.style import GROUP_COLOURS, new_axes


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
        if head % ncols:  # token labels only on the left column and the bottom row
            ax.tick_params(labelleft=False)
        if head < n_heads - ncols:
            ax.tick_params(labelbottom=False)
    axes[0].figure.colorbar(image, ax=list(axes), fraction=0.02, pad=0.02, label="attention weight")
    return axes


def all_heads_grid(weights, roles=None, fig=None):
    """Draw all heads of all layers (layers, heads, seq, seq) as a grid of small maps, one row
    per layer, one colour scale (0 to 1); `roles` (layers x heads strings, e.g. from
    head_role) are written under each map. Returns the (layers, heads) array of axes."""
    weights = np.asarray(weights)
    n_layers, n_heads = weights.shape[:2]
    fig = fig or plt.figure(figsize=(1.35 * n_heads + 1.2, 1.45 * n_layers + 0.8))
    axes = fig.subplots(n_layers, n_heads, squeeze=False)
    for (layer, head), ax in np.ndenumerate(axes):
        ax.imshow(weights[layer, head], cmap="viridis", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if layer == 0:
            ax.set_title(f"head {head}", fontsize="medium")
        if head == 0:
            ax.set_ylabel(f"layer {layer}", fontsize="medium")
        if roles is not None:
            ax.set_xlabel(roles[layer][head], fontsize="small", labelpad=2)
    fig.subplots_adjust(left=0.05, right=0.99, top=0.93, bottom=0.04, wspace=0.08, hspace=0.38)
    return axes
