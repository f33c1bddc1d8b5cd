"""One plot style for the whole course, and a projector-friendly mode for instructors."""

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

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


# JupyterLab's View > Presentation Mode enlarges markdown and code but not widget text
# (measured in Chromium: 13 px before and after). This style sheet, shown as a cell's output,
# enlarges the text of every widget on the page; clearing that output (or reloading) undoes it.
WIDGET_PRESENTATION_CSS = """<style class="course-presentation-mode">
:root {
  --jp-widgets-font-size: 20px;
  --jp-widgets-inline-height: 36px;
  --jp-widgets-inline-label-width: 150px;
}
.jupyter-widgets, .jupyter-widgets .widget-label, .jupyter-widgets input,
.jupyter-widgets textarea, .jupyter-widgets select, .jupyter-widgets button,
.jupyter-widgets table, .jupyter-widgets .widget-html-content { font-size: 20px !important; }
</style>"""


def presentation_mode(on: bool = True) -> None:
    """Make later plots projector-sized and widget text large (on=True), or plots normal (False).

    In a notebook, on=True also displays WIDGET_PRESENTATION_CSS as this cell's output; clear
    that output (or reload the page) to shrink widget text again.
    """
    use_course_style()
    if on:
        mpl.rcParams.update(PRESENTATION_STYLE)
        display(HTML(WIDGET_PRESENTATION_CSS))


def new_axes(ax: plt.Axes | None = None, **figure_kwargs) -> plt.Axes:
    """Return `ax`, or the axes of a new figure when `ax` is None."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(**figure_kwargs)
    return ax


# --- Lesson 3: attention ----------------------------------------------------


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


# --- Lesson 2: embeddings ----------------------------------------------------


# Where a label may sit relative to its point: (dx, dy) in points, horizontal and vertical alignment.
_LABEL_SPOTS = [
    (6, 4, "left", "bottom"),
    (6, -4, "left", "top"),
    (-6, 4, "right", "bottom"),
    (-6, -4, "right", "top"),
    (0, 8, "center", "bottom"),
    (0, -8, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
    (14, 14, "left", "bottom"),
    (-14, -14, "right", "top"),
    (14, -14, "left", "top"),
    (-14, 14, "right", "bottom"),
    (0, 20, "center", "bottom"),
    (0, -20, "center", "top"),
    (24, 0, "left", "center"),
    (-24, 0, "right", "center"),
]


def _overlap_area(box, others: np.ndarray) -> float:
    """Total overlap area of `box` (x0, y0, x1, y1) with the rows of `others` (m, 4)."""
    if len(others) == 0:
        return 0.0
    w = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    return float((w * h).sum())


def place_labels(ax, xs, ys, labels, colours=None, avoid=(), **text_kwargs) -> list:
    """Write each label next to its point, choosing for each the first nearby spot where it
    overlaps no earlier label, no point, no box in `avoid` (pixel boxes x0, y0, x1, y1) and no
    axes edge (else the least-overlapping spot).
    Call it after the points are drawn and the axes limits are final. Returns the texts."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    points = ax.transData.transform(np.column_stack([xs, ys]))  # pixels
    taken = [(x - 4, y - 4, x + 4, y + 4) for x, y in points] + list(avoid)  # markers first
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72.0  # points to pixels
    shift_x = {"left": 0.0, "center": 0.5, "right": 1.0}
    shift_y = {"bottom": 0.0, "center": 0.5, "top": 1.0}
    texts = []
    for i, ((px, py), label) in enumerate(zip(points, labels, strict=True)):
        text = ax.annotate(label, (xs[i], ys[i]), xytext=(0, 0), textcoords="offset points",
                           color=None if colours is None else colours[i], **text_kwargs)
        extent = text.get_window_extent(renderer)
        w, h = extent.width, extent.height
        others = np.array([b for j, b in enumerate(taken) if j != i])
        best, best_cost = None, None
        for dx, dy, ha, va in _LABEL_SPOTS:
            x0 = px + dx * scale - shift_x[ha] * w
            y0 = py + dy * scale - shift_y[va] * h
            box = (x0, y0, x0 + w, y0 + h)
            inside = _overlap_area(box, np.array([[frame.x0, frame.y0, frame.x1, frame.y1]]))
            cost = _overlap_area(box, others) + 3 * (w * h - inside)
            if best is None or cost < best_cost:
                best, best_cost = (dx, dy, ha, va, box), cost
            if cost == 0:
                break
        dx, dy, ha, va, box = best
        text.set_position((dx, dy))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
        taken.append(box)
        texts.append(text)
    return texts


def _pad_limits(ax, xs, ys, fraction=0.12) -> None:
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
        low, high = float(values.min()), float(values.max())
        pad = max(high - low, 1e-6) * fraction
        setter(low - pad, high + pad)


def plot_cities(cities, ax=None):
    """Draw cities (dicts with name, country, latitude, longitude) as a labelled map.

    x = longitude, y = latitude, one colour per country. Returns the axes."""
    ax = new_axes(ax, figsize=(9, 4.5))
    countries = list(dict.fromkeys(c["country"] for c in cities))
    colour_of = {c: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, c in enumerate(countries)}
    xs = [c["longitude"] for c in cities]
    ys = [c["latitude"] for c in cities]
    for country in countries:
        chosen = [c for c in cities if c["country"] == country]
        ax.scatter(
            [c["longitude"] for c in chosen],
            [c["latitude"] for c in chosen],
            s=60,
            color=colour_of[country],
            label=country,
            zorder=3,
        )
    _pad_limits(ax, xs, ys)
    place_labels(ax, xs, ys, [c["name"] for c in cities], fontsize=11)
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=10, frameon=False)
    return ax


def plot_word_map(coords, words, groups, ax=None, extra=None, extra_colour=None, title=None):
    """Draw words at their 2D coords (n, 2), one colour per group, labels kept apart.

    `extra`: optional (coords (m, 2), words) drawn on top as larger diamonds in `extra_colour`
    (the explorer's student words). Returns the axes."""
    ax = new_axes(ax, figsize=(9, 6.5))
    coords = np.asarray(coords, dtype=float)
    names = list(dict.fromkeys(groups))
    colour_of = {g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(names)}
    colours = [colour_of[g] for g in groups]
    for g in names:
        rows = [i for i, h in enumerate(groups) if h == g]
        ax.scatter(coords[rows, 0], coords[rows, 1], s=45, color=colour_of[g], label=g, zorder=3)
    all_xy, all_words, all_colours = coords, list(words), colours
    if extra is not None and len(extra[1]):
        extra_xy = np.asarray(extra[0], dtype=float).reshape(-1, 2)
        colour = extra_colour or "#000000"
        ax.scatter(
            extra_xy[:, 0],
            extra_xy[:, 1],
            s=130,
            marker="D",
            color=colour,
            edgecolor="black",
            zorder=4,
            label="your words",
        )
        # the student's words first, so their labels get the free spots
        all_xy = np.vstack([extra_xy, coords])
        all_words = list(extra[1]) + all_words
        all_colours = [colour] * len(extra[1]) + all_colours
    _pad_limits(ax, all_xy[:, 0], all_xy[:, 1])
    place_labels(ax, all_xy[:, 0], all_xy[:, 1], all_words, colours=all_colours, fontsize=12)
    ax.set_xlabel("PCA component 1")
    ax.set_ylabel("PCA component 2")
    ax.legend(loc="best", fontsize=10, framealpha=0.8)
    if title:
        ax.set_title(title)
    return ax


def plot_similarity_heatmap(similarities, labels, ax=None, title="cosine similarity"):
    """Draw a labelled (n, n) similarity matrix with a colour bar. Returns the axes."""
    ax = new_axes(ax, figsize=(9, 8))
    similarities = np.asarray(similarities, dtype=float)
    image = ax.imshow(similarities, cmap="viridis", vmin=float(similarities.min()), vmax=1.0)
    ax.grid(False)
    ticks = np.arange(len(labels))
    size = max(6.0, min(11.0, 320.0 / max(len(labels), 1)))
    ax.set_xticks(ticks, labels, rotation=90, fontsize=size)
    ax.set_yticks(ticks, labels, fontsize=size)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, label=title)
    return ax


def plot_profiles(profiles, ax=None, title="meaning profiles"):
    """Draw {word: {aspect: score}} as grouped bars: one group per word, one bar per aspect.

    Returns the axes."""
    ax = new_axes(ax, figsize=(10, 4.5))
    words = list(profiles)
    aspects = list(next(iter(profiles.values())))
    width = 0.8 / len(aspects)
    positions = np.arange(len(words))
    for k, aspect in enumerate(aspects):
        values = [profiles[w][aspect] for w in words]
        ax.bar(
            positions + (k - (len(aspects) - 1) / 2) * width,
            values,
            width,
            color=GROUP_COLOURS[k % len(GROUP_COLOURS)],
            label=aspect,
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(positions, words, fontsize=12)
    ax.set_ylabel("score (cosine with aspect)")
    ax.grid(axis="x", visible=False)
    ax.legend(title="aspect", fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title)
    return ax


# --- Lesson 1: tokenization ---------------------------------------------------


def attention_mask_grid(
    tokens: list[list[str]], attention_mask: list[list[int]], ax: plt.Axes | None = None
) -> plt.Axes:
    """Draw a padded batch as a grid, rows = sentences, columns = positions; return the axes.

    `tokens` and `attention_mask` have shape (batch, seq_len). Each cell shows its token and
    mask value: real tokens (mask 1) are blue, padding (mask 0) is pale grey and hatched.
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch, Rectangle

    rows, cols = len(attention_mask), len(attention_mask[0]) if attention_mask else 0
    if rows == 0 or cols == 0 or any(len(r) != cols for r in attention_mask):
        raise ValueError("attention_mask must be a non-empty rectangle: pad the batch first.")
    ax = new_axes(ax, figsize=(max(6.0, 1.1 * cols), 1.0 + 0.9 * rows))
    real, pad = GROUP_COLOURS[0], "#E6E6E6"
    ax.imshow(attention_mask, cmap=ListedColormap([pad, real]), vmin=0, vmax=1, aspect="auto")
    for r in range(rows):
        for c in range(cols):
            is_real = attention_mask[r][c] == 1
            if not is_real:
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="//",
                                       edgecolor="#AAAAAA", linewidth=0))
            ax.text(c, r, f"{tokens[r][c]}\n{attention_mask[r][c]}", ha="center", va="center",
                    fontsize=10, color="white" if is_real else "#555555")
    ax.set_xticks(range(cols), [str(c) for c in range(cols)])
    ax.set_yticks(range(rows), [f"sentence {r + 1}" for r in range(rows)])
    ax.set_xticks([c - 0.5 for c in range(1, cols)], minor=True)
    ax.set_yticks([r - 0.5 for r in range(1, rows)], minor=True)
    ax.grid(False)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("position in the sequence")
    ax.set_title("attention_mask: 1 = real token, 0 = padding")
    ax.legend(handles=[Patch(color=real, label="1: real token"),
                       Patch(facecolor=pad, hatch="//", edgecolor="#AAAAAA", label="0: [PAD]")],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def vocab_tradeoff(
    vocab_sizes: list[int],
    tokens_per_sentence: list[float],
    references: dict[str, tuple[int, float]] | None = None,
    ax: plt.Axes | None = None,
) -> plt.Axes:
    """Plot average tokens per sentence against vocabulary size (log x axis); return the axes.

    `references` maps a label to one (vocab_size, tokens_per_sentence) point drawn apart,
    e.g. {"characters": (60, 71.2), "whitespace words": (1500, 13.1)}.
    """
    ax = new_axes(ax)
    ax.plot(vocab_sizes, tokens_per_sentence, "o-", color=GROUP_COLOURS[0], label="our tiny BPE")
    for (label, (size, length)), colour in zip((references or {}).items(), GROUP_COLOURS[1:],
                                              strict=False):
        ax.plot([size], [length], "s", markersize=9, color=colour, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("vocabulary size (log scale)")
    ax.set_ylabel("average tokens per sentence")
    ax.set_title("Bigger vocabulary, shorter sequences")
    ax.legend(frameon=False)
    return ax


# --- Lesson 4: freezing ---------------------------------------------------------

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
