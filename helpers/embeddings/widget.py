"""The interactive widget of lesson 2 (embeddings)."""

import html
import io
import warnings

import ipywidgets as widgets
from PIL import Image

from helpers.embeddings.compute import Exploration, WordMap, build_word_map, explore_words
from helpers.embeddings.plots import place_labels, plot_word_map
from helpers.widget import CourseWidget

EXPLORER_EXAMPLE = "kitten, tram, noodle"
EXPLORER_COLOURS = [
    ("black", "#000000"),
    ("red", "#D55E00"),
    ("blue", "#0072B2"),
    ("green", "#009E73"),
    ("purple", "#CC79A7"),
]


def explorer_messages_html(result: Exploration) -> str:
    """Return the explorer's messages about the input as an HTML list (empty if none)."""
    if not result.messages:
        return ""
    items = "".join(f"<li>{html.escape(m)}</li>" for m in result.messages)
    return f'<ul class="ee-messages" style="margin:4px 0">{items}</ul>'


def explorer_table_html(result: Exploration) -> str:
    """Return the placed words, their pieces and nearest vocabulary neighbours as an HTML table."""
    if not result.placed:
        return "<i>No word placed yet.</i>"
    pad = "padding:2px 10px;text-align:left"
    rows = "".join(
        f"<tr><td style='{pad}'><b>{html.escape(p.word[:40])}</b></td>"
        f"<td style='{pad};font-family:monospace'>{html.escape(' + '.join(p.pieces))}</td>"
        f"<td style='{pad}'>"
        f"{html.escape(', '.join(f'{t} ({s:.2f})' for t, s in p.neighbours))}</td></tr>"
        for p in result.placed
    )
    head = "<tr><th>word</th><th>tokens</th><th>nearest in the vocabulary (cosine)</th></tr>"
    return f'<table class="ee-table" style="border-collapse:collapse">{head}{rows}</table>'


def explorer_figure_png(result: Exploration, word_map: WordMap, colour: str) -> bytes:
    """Draw the reference map with the placed words on top; return it as PNG bytes.

    Labels in scripts the plot font lacks show as boxes (the table below spells them out)."""
    import matplotlib.pyplot as plt  # here, not at import: the lesson's Setup cell stays light

    fig, ax = plt.subplots(figsize=(8, 6), dpi=80)
    extra = ([p.coords for p in result.placed], [p.word[:20] for p in result.placed])
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
            plot_word_map(
                word_map.coords.numpy(),
                word_map.words,
                word_map.groups,
                ax=ax,
                extra=extra if result.placed else None,
                extra_colour=colour,
            )
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return buffer.getvalue()


_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


class ExplorerCanvas:
    """The explorer's map, drawn fast: the reference words (points, labels, legend) are drawn
    once and kept as a background; each update pastes it back and draws only the student's
    diamonds and labels on top (blitting). Words outside the reference frame get a full draw."""

    def __init__(self, word_map: WordMap):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.word_map = word_map
        self.fig = Figure(figsize=(8, 6), dpi=80)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot()
        plot_word_map(word_map.coords.numpy(), word_map.words, word_map.groups, ax=self.ax)
        self.ax.scatter([], [], s=130, marker="D", color="#000000", edgecolor="black",
                        label="your words")
        legend = self.ax.legend(loc="best", fontsize="small", framealpha=0.8)
        self.ax.set_autoscale_on(False)
        self.fig.tight_layout(pad=0.6)  # no wide white margins around the map
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        renderer = self.canvas.get_renderer()
        points = self.ax.transData.transform(word_map.coords.numpy())
        self.avoid = [tuple(t.get_window_extent(renderer).extents) for t in self.ax.texts]
        self.avoid += [(x - 5, y - 5, x + 5, y + 5) for x, y in points]
        self.avoid.append(tuple(legend.get_window_extent(renderer).extents))

    def inside(self, xy) -> bool:
        """True if every point of `xy` (m, 2) lies within the reference frame."""
        (x0, x1), (y0, y1) = self.ax.get_xlim(), self.ax.get_ylim()
        return bool(all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in xy))

    def png(self, result: Exploration, colour: str) -> bytes:
        """Return the map with `result`'s words on top, as PNG bytes."""
        xy = [p.coords for p in result.placed]
        if not self.inside(xy):
            return explorer_figure_png(result, self.word_map, colour)
        self.canvas.restore_region(self.background)
        artists = []
        try:
            if xy:
                xs, ys = [x for x, _ in xy], [y for _, y in xy]
                artists.append(self.ax.scatter(xs, ys, s=110, marker="D", color=colour,
                                               edgecolor="black", alpha=0.8, zorder=4))
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="Glyph .* missing from font")
                    artists += place_labels(self.ax, xs, ys, [p.word[:20] for p in result.placed],
                                            colours=[colour] * len(xy), avoid=self.avoid,
                                            fontsize="medium", fontweight="bold", bbox=_LABEL_BOX)
                    for artist in artists:
                        self.ax.draw_artist(artist)
            width, height = self.canvas.get_width_height()
            image = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(),
                                          "raw", "RGBA", 0, 1)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", compress_level=1)
        finally:
            for artist in artists:
                artist.remove()
        return buffer.getvalue()


class EmbeddingExplorer(CourseWidget):
    """The embedding map explorer: type words, pick a colour, see them on the 2D map.

    The reference map (vectors, PCA) is computed once here, or passed in as `word_map`."""

    css_class = "embedding-explorer"

    def __init__(self, tokenizer, model, word_map: WordMap | None = None) -> None:
        self.word_map = word_map or build_word_map(tokenizer, model)
        self.canvas = ExplorerCanvas(self.word_map)
        controls = {
            "words": widgets.Text(value=EXPLORER_EXAMPLE, description="words",
                                  continuous_update=False,
                                  placeholder="comma-separated, e.g. kitten, tram, noodle",
                                  layout=widgets.Layout(width="95%")),
            "colour": widgets.Dropdown(options=EXPLORER_COLOURS, value="#000000",
                                       description="colour"),
            "place": widgets.Button(description="Place", button_style="primary"),
        }
        self.outputs = {"messages": widgets.HTML(),
                        "map": widgets.Image(format="png", layout=widgets.Layout(max_width="640px")),
                        "neighbours": widgets.HTML()}
        for name, control in {**controls, **self.outputs}.items():
            control.add_class(f"embedding-explorer-{name}")
        controls["place"].on_click(self.update)
        view = widgets.VBox([widgets.HBox([controls["colour"], controls["place"]]),
                             controls["words"], *self.outputs.values()])
        super().__init__(controls, view)
        self.update()

    def update(self, *_) -> Exploration:
        """Place the typed words on the map; return what was computed."""
        result = explore_words(self.controls["words"].value, self.word_map)
        self.outputs["messages"].value = explorer_messages_html(result)
        self.outputs["neighbours"].value = explorer_table_html(result)
        self.outputs["map"].value = self.canvas.png(result, self.controls["colour"].value)
        return result
