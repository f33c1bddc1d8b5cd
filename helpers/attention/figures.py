"""The explorer's three figures (lesson 3, section 12): one sentence, two sentences side by
side, and one token's attention in every layer and head.

Each is a matplotlib Figure outside pyplot (nothing leaks into the notebook). Its static parts
(axes, ticks, colour bar) are drawn once and kept as a background; a slider move redraws only
what changes (blitting). Measured with cProfile, a new sentence's time went mostly to text:
matplotlib laid out and rendered every token label and measured them all to place titles and
axis labels. So titles and axis labels sit at fixed places, the token labels are painted with
PIL (helpers/attention/labels.py, with the layout around them), and a new sentence of the same length as the last one needs
no full draw at all.
"""

import io

import numpy as np
from PIL import Image

from helpers.attention.compute import select_map
from helpers.attention.labels import (
    MAX_LABELS,
    TokenLabels,
    fix_text_positions,
    heatmap_labels,
    label_ops,
    paint_labels,
    size_heatmap,
)
from helpers.attention.plots import _token_fontsize, attention_bars, attention_heatmap
from helpers.style import GROUP_COLOURS

MAX_BARS = 30  # the bar chart shows at most this many tokens (the largest weights)


def attention_view_title(run, layer: int, head: int | None) -> str:
    """Return a heatmap's title, e.g. 'layer 2, head 5' or 'layer 2, average of 12 heads'."""
    if head is None:
        return f"layer {layer}, average of {run.weights.shape[1]} heads"
    return f"layer {layer}, head {head}"


class BlitFigure:
    """A figure drawn in full once, then redrawn by blitting its `changing` artists."""

    DPI = 80

    def __init__(self, figsize: tuple[float, float]) -> None:
        # imported here, not with the lesson's Setup cell (which imports the explorer)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=figsize, dpi=self.DPI)  # not pyplot: never leaks
        FigureCanvasAgg(self.fig)
        self.changing, self.on_top, self.background = [], [], None
        self.labels, self._ops, self.shape = [], [], None  # shape: what the background fits

    def relabel(self, labels: list[TokenLabels]) -> None:
        """Paint these token labels from now on (the background stays)."""
        self.labels = labels
        self._ops = label_ops(self.fig, labels)

    def freeze(self, over: list = ()) -> None:
        """Draw everything but the changing artists once and keep it as the background;
        `over` (and the axes' frames) are drawn again on top of the changing artists."""
        for artist in self.changing:
            artist.set_animated(True)
        self.on_top = [*over, *(spine for ax in self.fig.axes for spine in ax.spines.values())]
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self._ops = label_ops(self.fig, self.labels)

    def png(self) -> bytes:
        """Return the current view as PNG bytes, redrawing only what changed when possible."""
        canvas = self.fig.canvas
        if self.background is None:
            canvas.draw()
        else:
            canvas.restore_region(self.background)
            for artist in self.changing + self.on_top:
                if artist.get_visible():
                    self.fig.draw_artist(artist)
        pixels = np.asarray(canvas.buffer_rgba())[..., :3]  # (height, width, 3): no alpha to send
        image = Image.fromarray(np.ascontiguousarray(pixels))
        paint_labels(image, self._ops)
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


class AttentionFigure(BlitFigure):
    """One sentence: the heatmap (colour scale fixed at 0 to 1, so the same colour means the
    same weight in every head), and beside it the attention from one token as bars. With
    more than MAX_BARS tokens the bars change labels with the token: drawn in full then."""

    def __init__(self, run) -> None:
        n = len(run.tokens)
        side = 6.5 if n <= MAX_BARS else 8.0
        super().__init__((2 * side + 1, side))
        self.ax_map, self.ax_bar = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        attention_heatmap(np.zeros((n, n)), run.tokens, ax=self.ax_map)
        self.image = self.ax_map.images[0]
        self.image.set_clim(0.0, 1.0)
        self.line = self.ax_map.axhline(0, color="white", linewidth=1.5, linestyle="--")
        self.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.24, top=0.93, wspace=0.45)
        self.few, self.bars, self.run = n <= MAX_BARS, [], None
        if not self.retarget(run):
            self.run = run

    def retarget(self, run) -> bool:
        """Show another sentence on these axes: new labels, and for a new length new bars and
        a new background; only for at most MAX_BARS tokens (else returns False: a new figure)."""
        n = len(run.tokens)
        if not (self.few and 0 < n <= MAX_BARS):
            return False
        self.run = run
        labels = [*heatmap_labels(self.ax_map, run.tokens),
                  TokenLabels(self.ax_bar, "y", [f"{i}: {t}" for i, t in enumerate(run.tokens)], _token_fontsize(n))]
        if self.shape == n:  # same length: same axes and bars, only the words change
            self.relabel(labels)
            return True
        self._resize(n)
        self.labels, self.shape = labels, n
        self.freeze()
        return True

    def _resize(self, n: int) -> None:
        """Give the heatmap and the bars room for n tokens."""
        size_heatmap(self.ax_map, self.image, n)
        if not self.bars:  # one bar per possible token, made once (barh is slow), shown as needed
            self.bars = list(self.ax_bar.barh(np.arange(MAX_BARS), np.zeros(MAX_BARS),
                                              color=GROUP_COLOURS[0]).patches)
        for i, bar in enumerate(self.bars):
            bar.set_visible(i < n)
        self.ax_bar.set_yticks(np.arange(n), [""] * n)
        self.ax_bar.set_xlim(0, 1.0)
        self.ax_bar.set_xlabel("attention weight")
        self.ax_bar.grid(axis="y", visible=False)
        margin = 0.05 * (n - 0.2)  # what autoscaling gives 0.8-high bars; first token on top
        self.ax_bar.set_ylim(n - 0.6 + margin, -0.4 - margin)
        fix_text_positions(self.ax_bar, _token_fontsize(n), below=False)
        self.changing = [self.image, self.line, self.ax_map.title, self.ax_bar.title, *self.bars]

    def show(self, layer: int, head: int | None, source: int):
        """Set layer/head (None = average of heads) and token `source`'s row; return the figure."""
        run = self.run
        weights = select_map(run.weights, layer, head)  # (seq, seq)
        self.image.set_data(weights)
        self.ax_map.set_title(attention_view_title(run, layer, head))
        self.line.set_ydata([source, source])
        row = weights[source]
        if self.few:
            for bar, value in zip(self.bars, row, strict=False):  # the first n bars
                bar.set_width(value)
        else:  # many tokens: show the MAX_BARS largest, in sentence order
            shown = np.sort(np.argsort(row)[-MAX_BARS:])
            self.ax_bar.clear()
            attention_bars(row[shown], [f"{i}: {run.tokens[i]}" for i in shown], ax=self.ax_bar)
            self.ax_bar.set_xlim(0, 1.0)
        top = "" if self.few else f" (top {MAX_BARS})"
        self.ax_bar.set_title(f"attention from {source}: {run.tokens[source]!r}{top}")
        return self.fig


def _nearest_token(tokens: list[str], token: str, index: int) -> int:
    """Return the index of `token` in `tokens` (the copy nearest `index`), else `index` clipped."""
    copies = [i for i, t in enumerate(tokens) if t == token]
    if copies:
        return min(copies, key=lambda i: abs(i - index))
    return min(index, len(tokens) - 1)


class CompareFigure(BlitFigure):
    """Two sentences side by side: the same layer and head of each, with one token's row
    marked in both (the same word when the second sentence has it)."""

    def __init__(self, runs) -> None:
        super().__init__((15.0, 7.0))
        self.axes = self.fig.subplots(1, 2)
        self.images, self.lines, self.runs = [], [], None
        for ax in self.axes:
            attention_heatmap(np.zeros((1, 1)), ["x"], ax=ax, colorbar=False)
            self.images.append(ax.images[0])
            self.images[-1].set_clim(0.0, 1.0)
            self.lines.append(ax.axhline(0, color="white", linewidth=1.5, linestyle="--"))
        self.fig.subplots_adjust(left=0.1, right=0.9, bottom=0.22, top=0.92, wspace=0.35)
        self.fig.colorbar(self.images[0], ax=list(self.axes), fraction=0.02, pad=0.02,
                          label="attention weight")
        self.retarget(runs)

    def retarget(self, runs) -> bool:
        """Show another pair of sentences on these axes; returns True."""
        self.runs = runs
        labels = [label for ax, run in zip(self.axes, runs, strict=True)
                  for label in heatmap_labels(ax, run.tokens)]
        shape = tuple(len(run.tokens) for run in runs)
        if shape == self.shape:  # same lengths: only the words change
            self.relabel(labels)
            return True
        for ax, image, n in zip(self.axes, self.images, shape, strict=True):
            size_heatmap(ax, image, n)
        self.changing = [*self.images, *self.lines, *(ax.title for ax in self.axes)]
        self.labels, self.shape = labels, shape
        self.freeze()
        return True

    def sources(self, source: int) -> tuple[int, int]:
        """Return the rows to mark: `source` in sentence 1, the same word in sentence 2."""
        first, second = self.runs
        return source, _nearest_token(second.tokens, first.tokens[source], source)

    def show(self, layer: int, head: int | None, source: int):
        """Set layer/head (None = average) and the marked token in both; return the figure."""
        for k, (ax, image, line, run, row) in enumerate(
                zip(self.axes, self.images, self.lines, self.runs, self.sources(source), strict=True)):
            image.set_data(select_map(run.weights, layer, head))
            line.set_ydata([row, row])
            ax.set_title(f"sentence {k + 1}: {attention_view_title(run, layer, head)}")
        return self.fig


class LayersFigure(BlitFigure):
    """One token's attention in every layer and head: one row per (layer, head), or per layer
    with the average of heads, one column per token; the chosen head is marked in each layer."""

    def __init__(self, run) -> None:
        super().__init__((13.0, 7.5))
        self.ax = self.fig.subplots()
        self.fig.subplots_adjust(left=0.12, right=0.9, bottom=0.22, top=0.93)
        self.image = self.ax.imshow(np.zeros((1, 1)), cmap="viridis", vmin=0.0, vmax=1.0,
                                    aspect="auto", interpolation="nearest")
        self.ax.grid(False)
        self.fig.colorbar(self.image, ax=self.ax, fraction=0.03, pad=0.04, label="attention weight")
        (self.marks,) = self.ax.plot([], [], "<", color="black", markersize=7, clip_on=False)
        self.ax.set_xlabel("attended to (key)")
        self.run, self.average, self.separators = None, None, []
        self.retarget(run)

    def retarget(self, run, average: bool | None = None) -> bool:
        """Show another sentence (or switch between heads and their average); returns True."""
        self.run, self.average = run, bool(self.average) if average is None else average
        n_layers, n_heads, n = run.weights.shape[:3]
        size = _token_fontsize(n)
        labels = [TokenLabels(self.ax, "x", run.tokens, size)] if n <= MAX_LABELS else []
        if self.shape == (n, self.average):  # same length and rows: only the words change
            self.relabel(labels)
            return True
        per_layer = 1 if self.average else n_heads
        self.image.set_data(np.zeros((n_layers * per_layer, n)))
        self.image.set_extent((-0.5, n - 0.5, n_layers * per_layer - 0.5, -0.5))
        for line in self.separators:
            line.remove()
        self.separators = [self.ax.axhline(layer * per_layer - 0.5, color="white", linewidth=1)
                           for layer in range(1, n_layers)]
        ticks = np.arange(n) if n <= MAX_LABELS else []
        self.ax.set_xticks(ticks, [""] * len(ticks))
        self.ax.set_yticks([layer * per_layer + (per_layer - 1) / 2 for layer in range(n_layers)],
                           [f"layer {layer}" for layer in range(n_layers)])
        self.ax.set_ylabel("average of heads" if self.average else f"{n_heads} heads per layer")
        fix_text_positions(self.ax, size, left=False)
        self.changing = [self.image, self.marks, self.ax.title]
        self.labels, self.shape = labels, (n, self.average)
        self.freeze(over=self.separators)
        return True

    def show(self, head: int | None, source: int):
        """Show token `source`'s attention in every layer and head (head None: the average);
        mark head `head` in every layer. Returns the figure."""
        if (head is None) != self.average:
            self.retarget(self.run, average=head is None)
        rows = self.run.weights[:, :, source, :]  # (layers, heads, seq)
        n_layers, n_heads = rows.shape[:2]
        self.image.set_data(rows.mean(axis=1) if head is None else rows.reshape(n_layers * n_heads, -1))
        marked = [] if head is None else [layer * n_heads + head for layer in range(n_layers)]
        self.marks.set_data([len(self.run.tokens) - 0.5 + 0.02 * len(self.run.tokens)] * len(marked), marked)
        which = "average of heads" if head is None else f"head {head} marked"
        self.ax.set_title(f"attention from {source}: {self.run.tokens[source]!r} in every layer ({which})")
        return self.fig
