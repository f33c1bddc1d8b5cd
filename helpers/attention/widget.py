"""The interactive widget of lesson 3 (attention)."""

import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from helpers.attention.compute import run_attention, select_map
from helpers.attention.plots import _token_fontsize, attention_bars, attention_heatmap
from helpers.style import GROUP_COLOURS
from helpers.widget import CourseWidget

ATTENTION_EXAMPLE = "The animal didn't cross the street because it was too tired."
MAX_BARS = 30  # the bar chart shows at most this many tokens (the largest weights)


def attention_view_title(run, layer: int, head: int | None) -> str:
    """Return the title of the explorer's heatmap, e.g. 'layer 2, head 5' or 'layer 2, average of 12 heads'."""
    if head is None:
        return f"layer {layer}, average of {run.weights.shape[1]} heads"
    return f"layer {layer}, head {head}"


class AttentionFigure:
    """The explorer's figure for one AttentionRun: the heatmap (colour scale fixed at 0 to 1,
    so the same colour means the same weight in every head), and beside it the attention from
    one token as bars.

    Built once per sentence. The static parts (token labels, colour bar, axes) are drawn once
    and kept as a background; `png()` redraws only what changes (blitting), so a slider move
    costs a fraction of a full draw. With more than MAX_BARS tokens the bar labels change
    with the chosen token, so that case is drawn in full.
    """

    DPI = 80

    def __init__(self, run):
        self.run = run
        n = len(run.tokens)
        side = 6.5 if n <= 30 else 8.0
        self.fig = Figure(figsize=(2 * side + 1, side), dpi=self.DPI)  # not pyplot: never leaks
        FigureCanvasAgg(self.fig)
        self.ax_map, self.ax_bar = self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        attention_heatmap(run.weights[0, 0], run.tokens, ax=self.ax_map)
        self.image = self.ax_map.images[0]
        self.image.set_clim(0.0, 1.0)
        self.line = self.ax_map.axhline(0, color="white", linewidth=1.5, linestyle="--")
        self.few = n <= MAX_BARS
        self.bars = []
        if self.few:
            labels = [f"{i}: {t}" for i, t in enumerate(run.tokens)]
            self.bars = list(attention_bars(np.zeros(n), labels, ax=self.ax_bar).patches)
            self.ax_bar.set_xlim(0, 1.0)
        self.ax_map.set_title(" ")
        self.ax_bar.set_title(" ")
        self.fig.subplots_adjust(left=0.1, right=0.97, bottom=0.2, top=0.93, wspace=0.45)
        self.changing = [self.image, self.line, self.ax_map.title, self.ax_bar.title, *self.bars]
        self.on_top = [*self.ax_map.spines.values(), *self.ax_bar.spines.values()]  # drawn again
        self.background = None
        if self.few:
            for artist in self.changing:
                artist.set_animated(True)
            self.fig.canvas.draw()
            self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def retarget(self, run) -> bool:
        """Show another sentence on this figure's axes: new token labels and bars, then a new
        background. About a third cheaper than building a new figure (measured by bench/).
        Only between sentences of at most MAX_BARS tokens (same figure size); returns False
        when a new figure is needed instead."""
        n = len(run.tokens)
        if not (self.few and 0 < n <= MAX_BARS):
            return False
        self.run = run
        ticks, size = np.arange(n), _token_fontsize(n)
        self.image.set_data(np.zeros((n, n)))
        self.image.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        self.ax_map.set_xlim(-0.5, n - 0.5)
        self.ax_map.set_ylim(n - 0.5, -0.5)
        self.ax_map.set_xticks(ticks, run.tokens, rotation=90, fontsize=size)
        self.ax_map.set_yticks(ticks, run.tokens, fontsize=size)
        for bar in self.bars:
            bar.remove()
        self.bars = list(self.ax_bar.barh(ticks, np.zeros(n), color=GROUP_COLOURS[0]).patches)
        self.ax_bar.set_yticks(ticks, [f"{i}: {t}" for i, t in enumerate(run.tokens)], fontsize=size)
        margin = 0.05 * (n - 0.2)  # what autoscaling gives 0.8-high bars; first token on top
        self.ax_bar.set_ylim(n - 0.6 + margin, -0.4 - margin)
        self.changing = [self.image, self.line, self.ax_map.title, self.ax_bar.title, *self.bars]
        for artist in self.changing:
            artist.set_animated(True)
        self.fig.canvas.draw()
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        return True

    def show(self, layer: int, head: int | None, source: int):
        """Set layer/head (None = average of heads) and token `source`'s row; return the figure."""
        run = self.run
        weights = select_map(run.weights, layer, head)  # (seq, seq)
        self.image.set_data(weights)
        self.ax_map.set_title(attention_view_title(run, layer, head))
        self.line.set_ydata([source, source])
        row = weights[source]
        if self.few:
            for bar, value in zip(self.bars, row, strict=True):
                bar.set_width(value)
        else:  # many tokens: show the MAX_BARS largest, in sentence order
            shown = np.sort(np.argsort(row)[-MAX_BARS:])
            self.ax_bar.clear()
            attention_bars(row[shown], [f"{i}: {run.tokens[i]}" for i in shown], ax=self.ax_bar)
            self.ax_bar.set_xlim(0, 1.0)
        top = "" if self.few else f" (top {MAX_BARS})"
        self.ax_bar.set_title(f"attention from {source}: {run.tokens[source]!r}{top}")
        return self.fig

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
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


def draw_attention_view(run, layer: int, head: int | None, source: int):
    """Draw the explorer's figure once (see AttentionFigure); return the figure."""
    return AttentionFigure(run).show(layer, head, source)


def figure_png(fig) -> bytes:
    """Return a figure as PNG bytes (for figures drawn outside pyplot, nothing to close)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches=None)  # one draw, no re-layout
    return buffer.getvalue()


class AttentionExplorer(CourseWidget):
    """The attention explorer: a sentence box, layer and head sliders, an 'average of heads'
    box and a token menu, over a heatmap and the chosen token's attention as bars.

    The model runs once per sentence (cached); moving a slider only redraws."""

    css_class = "attention-explorer"

    def __init__(self, tokenizer, model, sentence: str = ATTENTION_EXAMPLE) -> None:
        self.tokenizer, self.model = tokenizer, model
        n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
        controls = {
            "sentence": widgets.Text(value=sentence, description="Sentence",
                                     continuous_update=False, layout=widgets.Layout(width="95%")),
            "layer": widgets.IntSlider(value=0, min=0, max=n_layers - 1, description="Layer"),
            "head": widgets.IntSlider(value=0, min=0, max=n_heads - 1, description="Head"),
            "average": widgets.Checkbox(value=False, description="average of heads", indent=False),
            "token": widgets.Dropdown(options=[("0", 0)], value=0, description="From token"),
        }
        self.outputs = {"message": widgets.HTML(), "plot": widgets.Image(format="png")}
        for name, control in {**controls, **self.outputs}.items():
            control.add_class(f"attention-{name}")
        self.cache = {}  # sentence -> AttentionRun: the model runs once per sentence
        self.figure = None
        self._busy = False
        c = controls
        view = widgets.VBox([c["sentence"], widgets.HBox([c["layer"], c["head"], c["average"]]),
                             c["token"], *self.outputs.values()])
        super().__init__(controls, view)
        self.update()
        tokens = self.current_run().tokens
        if "it" in tokens:  # start on the pronoun of the lesson's example sentence
            controls["token"].value = tokens.index("it")

    def current_run(self):
        """Return the AttentionRun of the sentence in the box (the model runs once per sentence)."""
        text = self.controls["sentence"].value
        if text not in self.cache:
            if len(self.cache) > 20:
                self.cache.pop(next(iter(self.cache)))
            self.cache[text] = run_attention(self.model, self.tokenizer, text)
        return self.cache[text]

    def _figure_for(self, run) -> "AttentionFigure":
        if self.figure is None or (self.figure.run is not run and not self.figure.retarget(run)):
            self.figure = AttentionFigure(run)
        return self.figure

    def _sync_tokens(self, tokens: list[str]) -> None:
        token = self.controls["token"]
        options = [(f"{i}: {t}", i) for i, t in enumerate(tokens)] or [("(no tokens)", 0)]
        if list(token.options) != options:
            keep = token.value if token.value is not None and token.value < len(options) else 0
            token.options = options
            token.value = keep

    def update(self, change=None) -> None:
        """Run the model if the sentence is new, then redraw the chosen layer, head and token."""
        if self._busy:  # setting the token menu below fires update again
            return
        self._busy = True
        try:
            run, c = self.current_run(), self.controls
            self.outputs["message"].value = f"<b>{run.message}</b>" if run.message else ""
            self._sync_tokens(run.tokens)
            if not run.tokens:
                self.outputs["plot"].value = b""
                return
            c["head"].disabled = c["average"].value
            figure = self._figure_for(run)
            figure.show(c["layer"].value, None if c["average"].value else c["head"].value,
                        c["token"].value)
            self.outputs["plot"].value = figure.png()
        finally:
            self._busy = False
