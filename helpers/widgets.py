"""The course's interactive widgets (ipywidgets 8), one factory per lesson.

Each widget is thin: a tested pure function computes, another draws, and the widget's
callback only calls them. Every factory returns the root box, with a CSS class named after
the widget (for the browser tests), `root.controls` (its inputs, by name) and `root.update`
(the callback, for benchmarks). Bad input is answered in words inside the widget.
"""

import html
import io
import warnings

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from helpers.attention import run_attention, select_map
from helpers.embeddings import Exploration, WordMap, build_word_map, explore_words
from helpers.plotting import (
    GROUP_COLOURS,
    _token_fontsize,
    attention_bars,
    attention_heatmap,
    place_labels,
    plot_word_map,
)
from helpers.tokens import MAX_DRAWN_TOKENS, PADDING_CHOICES, PlaygroundResult, playground_encode
from helpers.training import (
    FreezeSummary,
    accuracy,
    block_names,
    block_of,
    fit,
    freezing_summary,
)

# --- Lesson 1: tokenizer playground ----------------------------------------


PLAYGROUND_EXAMPLE = "Hello, world!\nHow are you?"
_SPECIAL_STYLE = "background:#444444;color:white"
_PAD_STYLE = "background:#EEEEEE;color:#777777;border:1px dashed #999999"
_UNK_STYLE = "background:#D55E00;color:white"
_REAL_CELL = "background:#BFD9F2;color:black"
_PAD_CELL = ("background:repeating-linear-gradient(45deg,#F4F4F4 0 4px,#DDDDDD 4px 8px);"
             "color:#888888")


def _chip_style(token: str, token_id: int) -> str:
    """Return the inline CSS of one token chip: specials dark, [PAD] pale, [UNK] red, others by id."""
    if token == "[PAD]":
        return _PAD_STYLE
    if token == "[UNK]":
        return _UNK_STYLE
    if token.startswith("[") and token.endswith("]"):
        return _SPECIAL_STYLE
    colour = GROUP_COLOURS[token_id % len(GROUP_COLOURS)]
    text = "black" if colour in ("#E69F00", "#56B4E9", "#F0E442") else "white"
    return f"background:{colour};color:{text}"


def _chips_html(tokens: list[str], ids: list[int]) -> str:
    """Return one sentence's tokens as coloured chips, each with its id underneath."""
    chips = [
        f'<span class="tp-chip" style="display:inline-block;margin:2px;padding:2px 6px;'
        f'border-radius:6px;text-align:center;font-family:monospace;{_chip_style(t, i)}">'
        f'{html.escape(t)}<br><small>{i}</small></span>'
        for t, i in zip(tokens[:MAX_DRAWN_TOKENS], ids[:MAX_DRAWN_TOKENS], strict=True)
    ]
    if len(tokens) > MAX_DRAWN_TOKENS:
        chips.append(f"<i>… and {len(tokens) - MAX_DRAWN_TOKENS} more tokens</i>")
    return f'<div class="tp-row">{"".join(chips)}</div>'


def _grid_html(name: str, rows: list[list[int]], mask: list[list[int]]) -> str:
    """Return `rows` (one per sentence) as an HTML table; padded cells (mask 0) are grey."""
    width = max(len(r) for r in rows)
    shown = min(width, MAX_DRAWN_TOKENS)
    cell = "border:1px solid white;padding:2px 5px;font-family:monospace;text-align:right;"
    lines = []
    for row, row_mask in zip(rows, mask, strict=True):
        cells = [
            f'<td style="{cell}{_REAL_CELL if m else _PAD_CELL}">'
            f"{v}</td>"
            for v, m in zip(row[:shown], row_mask[:shown], strict=True)
        ]
        cells += ['<td style="{}">·</td>'.format(cell + "color:#BBBBBB")] * (shown - len(row))
        lines.append(f"<tr>{''.join(cells)}</tr>")
    more = f" (first {shown} of {width} columns)" if width > shown else ""
    return (f'<div class="tp-grid"><b>{name}</b>{more}<table style="border-collapse:collapse">'
            f"{''.join(lines)}</table></div>")


def playground_html(result: PlaygroundResult) -> str:
    """Return the playground's output as HTML: notes, chips per sentence, then the two grids."""
    if result.problem:
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in result.notes)
        return f'<div class="tp-problem">{notes}<p>⚠️ {html.escape(result.problem)}</p></div>'
    parts = [f'<p class="tp-note">ℹ️ {html.escape(n)}</p>' for n in result.notes]
    parts += [_chips_html(t, i) for t, i in zip(result.tokens, result.ids, strict=True)]
    parts.append(_grid_html("input_ids", result.ids, result.attention_mask))
    parts.append(_grid_html("attention_mask", result.attention_mask, result.attention_mask))
    return "".join(parts)


def make_tokenizer_playground(tokenizer=None, text: str = PLAYGROUND_EXAMPLE) -> widgets.VBox:
    """Return the tokenizer playground: type sentences (one per line), see tokens, ids and mask."""
    if tokenizer is None:
        from helpers.models import load_tokenizer

        tokenizer = load_tokenizer()
    controls = {
        "text": widgets.Textarea(value=text, rows=4, continuous_update=True,
                             placeholder="One sentence per line",
                             layout=widgets.Layout(width="95%")),
        "padding": widgets.ToggleButtons(options=list(PADDING_CHOICES), value="longest",
                                     description="padding"),
        "truncation": widgets.Checkbox(value=True, description="truncation", indent=False),
        "max_length": widgets.IntSlider(value=12, min=1, max=64, description="max_length",
                                    continuous_update=True),
        "add_special_tokens": widgets.Checkbox(value=True, description="add_special_tokens",
                                           indent=False),
    }
    for name, control in controls.items():
        control.add_class(f"tp-{name.replace('_', '-')}")
    output = widgets.HTML()
    output.add_class("tp-output")

    def update(change=None) -> None:
        values = {name: control.value for name, control in controls.items()}
        output.value = playground_html(playground_encode(tokenizer, **values))

    for control in controls.values():
        control.observe(update, names="value")
    update()
    options = widgets.HBox([controls["truncation"], controls["max_length"],
                        controls["add_special_tokens"]])
    root = widgets.VBox([controls["text"], controls["padding"], options, output])
    root.add_class("tokenizer-playground")
    root.controls, root.update, root.output = controls, update, output
    return root

# --- Lesson 2: embedding map explorer --------------------------------------


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
        self.word_map = word_map
        self.fig = Figure(figsize=(8, 6), dpi=80)
        self.canvas = FigureCanvasAgg(self.fig)
        self.ax = self.fig.add_subplot()
        plot_word_map(word_map.coords.numpy(), word_map.words, word_map.groups, ax=self.ax)
        self.ax.scatter([], [], s=130, marker="D", color="#000000", edgecolor="black",
                        label="your words")
        legend = self.ax.legend(loc="best", fontsize=10, framealpha=0.8)
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
                                            fontsize=12, fontweight="bold", bbox=_LABEL_BOX)
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


def make_embedding_explorer(tokenizer, model, word_map: WordMap | None = None) -> widgets.VBox:
    """Return the embedding map explorer: type words, pick a colour, see them on the 2D map.

    The reference map (vectors, PCA) is computed once here, or passed in as `word_map`."""
    word_map = word_map or build_word_map(tokenizer, model)
    canvas = ExplorerCanvas(word_map)
    words = widgets.Text(
        value=EXPLORER_EXAMPLE,
        description="words",
        continuous_update=False,
        placeholder="comma-separated, e.g. kitten, tram, noodle",
        layout=widgets.Layout(width="95%"),
    )
    colour = widgets.Dropdown(options=EXPLORER_COLOURS, value="#000000", description="colour")
    place = widgets.Button(description="Place", button_style="primary")
    messages = widgets.HTML()
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="640px"))
    table = widgets.HTML()
    for control, name in [
        (words, "words"),
        (colour, "colour"),
        (place, "place"),
        (messages, "messages"),
        (picture, "map"),
        (table, "neighbours"),
    ]:
        control.add_class(f"embedding-explorer-{name}")

    def update(*_) -> Exploration:
        result = explore_words(words.value, word_map)
        messages.value = explorer_messages_html(result)
        table.value = explorer_table_html(result)
        picture.value = canvas.png(result, colour.value)
        return result

    words.observe(update, names="value")
    colour.observe(update, names="value")
    place.on_click(update)
    root = widgets.VBox([widgets.HBox([colour, place]), words, messages, picture, table])
    root.add_class("embedding-explorer")
    root.controls = {"words": words, "colour": colour, "place": place}
    root.outputs = {"messages": messages, "map": picture, "neighbours": table}
    root.update = update
    root.word_map = word_map
    update()
    return root


# --- Lesson 3: attention explorer ------------------------------------------


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


def make_attention_explorer(model, tokenizer, sentence: str = ATTENTION_EXAMPLE):
    """Return the attention explorer: a sentence box, layer and head sliders, an 'average of
    heads' box and a token menu, over a heatmap and the chosen token's attention as bars.

    The model runs once per sentence (cached); moving a slider only redraws.
    """
    n_layers, n_heads = model.config.num_hidden_layers, model.config.num_attention_heads
    text = widgets.Text(value=sentence, description="Sentence", continuous_update=False,
                    layout=widgets.Layout(width="95%"))
    layer = widgets.IntSlider(value=0, min=0, max=n_layers - 1, description="Layer")
    head = widgets.IntSlider(value=0, min=0, max=n_heads - 1, description="Head")
    average = widgets.Checkbox(value=False, description="average of heads", indent=False)
    token = widgets.Dropdown(options=[("0", 0)], value=0, description="From token")
    message = widgets.HTML()
    image = widgets.Image(format="png")
    for control, name in [(text, "sentence"), (layer, "layer"), (head, "head"),
                          (average, "average"), (token, "token"), (message, "message"),
                          (image, "plot")]:
        control.add_class(f"attention-{name}")
    cache = {}  # sentence -> AttentionRun: the model runs once per sentence
    state = {"busy": False, "figure": None}

    def current_run():
        if text.value not in cache:
            if len(cache) > 20:
                cache.pop(next(iter(cache)))
            cache[text.value] = run_attention(model, tokenizer, text.value)
        return cache[text.value]

    def figure_for(run):
        figure = state["figure"]
        if figure is None or (figure.run is not run and not figure.retarget(run)):
            state["figure"] = AttentionFigure(run)
        return state["figure"]

    def update(change=None):
        if state["busy"]:
            return
        state["busy"] = True
        try:
            run = current_run()
            message.value = f"<b>{run.message}</b>" if run.message else ""
            if not run.tokens:
                image.value = b""
                token.options = [("(no tokens)", 0)]
                return
            options = [(f"{i}: {t}", i) for i, t in enumerate(run.tokens)]
            if list(token.options) != options:
                keep = token.value if token.value is not None and token.value < len(options) else 0
                token.options = options
                token.value = keep
            head.disabled = average.value
            chosen_head = None if average.value else head.value
            figure = figure_for(run)
            figure.show(layer.value, chosen_head, token.value)
            image.value = figure.png()
        finally:
            state["busy"] = False

    for control in (text, layer, head, average, token):
        control.observe(update, names="value")
    root = widgets.VBox([text, widgets.HBox([layer, head, average]), token, message, image])
    root.add_class("attention-explorer")
    root.controls = {"sentence": text, "layer": layer, "head": head, "average": average,
                     "token": token, "message": message, "plot": image}
    root.update = update
    root.cache = cache
    update()
    tokens = current_run().tokens
    if "it" in tokens:  # start on the pronoun of the lesson's example sentence
        token.value = tokens.index("it")
    return root


# --- Lesson 4: freezing panel ----------------------------------------------


def freezing_bar_html(summary: FreezeSummary) -> str:
    """Return a horizontal bar, trainable (coloured) against frozen (grey), with the message."""
    share = 100 * summary.trainable / summary.total if summary.total else 0.0
    width = 0.0 if summary.trainable == 0 else min(100.0, max(share, 0.6))  # a sliver stays visible
    bar = (
        '<div class="freezing-bar" style="display:flex;height:26px;width:100%;max-width:640px;'
        'border:1px solid #888;border-radius:4px;overflow:hidden">'
        f'<div class="freezing-bar-trainable" style="width:{width:.2f}%;background:{GROUP_COLOURS[0]}"></div>'
        f'<div class="freezing-bar-frozen" style="flex:1;background:#BBBBBB"></div></div>'
    )
    counts = (f"<b>trainable</b> {summary.trainable:,} &nbsp; <b>frozen</b> {summary.frozen:,} "
              f"&nbsp; <b>total</b> {summary.total:,}")
    return f"{bar}<div>{counts}</div><div class='freezing-message'>{html.escape(summary.message)}</div>"


def make_freezing_panel(model, data=None, lr: float = 1e-3, train_examples: int = 48):
    """Return a panel with one checkbox per block (ticked = trainable) that sets requires_grad
    on `model` and shows trainable against frozen parameters; with `data` (from
    helpers.training.encode_splits), a button trains one short epoch on `train_examples`
    training sentences and reports validation accuracy before and after."""
    blocks = block_names(model)
    trainable_now = {name: False for name in blocks}
    for name, param in model.named_parameters():
        trainable_now[block_of(name)] |= bool(param.requires_grad)
    boxes = {}
    for name in blocks:
        box = widgets.Checkbox(value=trainable_now[name], description=name, indent=False,
                           layout=widgets.Layout(width="150px"))
        box.add_class("freezing-block")
        box.add_class("freezing-block-" + name.replace(" ", "-"))
        boxes[name] = box
    bar = widgets.HTML()
    bar.add_class("freezing-summary")
    button = widgets.Button(description="Train one short epoch", icon="play",
                        layout=widgets.Layout(width="220px"))
    button.add_class("freezing-train")
    report = widgets.HTML("" if data is not None else "<i>(pass data= to train from here)</i>")
    report.add_class("freezing-report")
    state = {"summary": None}

    def update(change=None) -> FreezeSummary:
        summary = freezing_summary(model, [name for name, box in boxes.items() if box.value])
        state["summary"] = summary
        bar.value = freezing_bar_html(summary)
        button.disabled = data is None or not summary.can_train
        return summary

    def train(_=None) -> str:
        summary = state["summary"] or update()
        if data is None:
            report.value = "No data was given to this panel, so it cannot train."
        elif not summary.can_train:
            report.value = html.escape(summary.message)
        else:
            button.disabled = True
            report.value = "training..."
            try:
                subset = {"train": data["train"].subset(train_examples), "validation": data["validation"]}
                before = accuracy(model, data["validation"])
                history = fit(model, subset, "panel", epochs=1, lr=lr, progress=False)
                report.value = (
                    f"One epoch on {len(subset['train'])} sentences, {summary.trainable:,} trainable "
                    f"parameters: {history.seconds[0]:.2f} s. Validation accuracy "
                    f"{before:.3f} → {history.val_acc[0]:.3f}."
                )
            finally:
                button.disabled = False
        return report.value

    for box in boxes.values():
        box.observe(update, names="value")
    button.on_click(train)
    grid = widgets.GridBox(list(boxes.values()),
                       layout=widgets.Layout(grid_template_columns="repeat(3, 160px)"))
    title = widgets.HTML("<b>Tick a block to let it train; untick to freeze it.</b>")
    root = widgets.VBox([title, grid, bar, widgets.HBox([button]), report])
    root.add_class("freezing-panel")
    root.controls = {**boxes, "train": button, "summary": bar, "report": report}
    root.update = update
    root.train = train
    update()
    return root
