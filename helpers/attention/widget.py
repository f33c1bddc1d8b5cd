"""The attention explorer of lesson 3 (section 12): one sentence, two side by side, or one
token in every layer. The figures it draws are in helpers/attention/figures.py."""

import ipywidgets as widgets

from helpers.attention.compute import run_attention
from helpers.attention.figures import (
    MAX_BARS,
    AttentionFigure,
    CompareFigure,
    LayersFigure,
    attention_view_title,
)
from helpers.attention.reference import ATTENTION_EXAMPLE, ATTENTION_PAIR
from helpers.widget import CourseWidget

__all__ = ["MAX_BARS", "AttentionExplorer", "AttentionFigure", "attention_view_title"]

VIEWS = ("one sentence", "compare", "all layers")
CACHE_SIZE = 20  # sentences whose attention is kept (the model runs once per sentence)


def _controls(sentence: str, other: str, n_layers: int, n_heads: int) -> dict:
    """Return the explorer's inputs by name."""
    text = {"continuous_update": False, "layout": widgets.Layout(width="95%")}
    return {
        "sentence": widgets.Text(value=sentence, description="Sentence", **text),
        "other": widgets.Text(value=other, description="Compare", **text),
        "view": widgets.ToggleButtons(options=VIEWS, value=VIEWS[0], description="View"),
        "layer": widgets.IntSlider(value=0, min=0, max=n_layers - 1, description="Layer"),
        "head": widgets.IntSlider(value=0, min=0, max=n_heads - 1, description="Head"),
        "average": widgets.Checkbox(value=False, description="average of heads", indent=False),
        "token": widgets.Dropdown(options=[("0", 0)], value=0, description="From token"),
    }


class AttentionExplorer(CourseWidget):
    """The attention explorer: a sentence box (and a second one to compare with), a choice of
    view, layer and head sliders, an 'average of heads' box and a token menu, over a heatmap
    and the chosen token's attention as bars; or two heatmaps side by side ('compare'); or the
    chosen token's attention in every layer and head ('all layers').

    The model runs once per sentence (cached); moving a slider only redraws. `show(**values)`
    sets several controls at once with one redraw, e.g. show(view="compare", other="...")."""

    css_class = "attention-explorer"

    def __init__(self, tokenizer, model, sentence: str = ATTENTION_EXAMPLE,
                 other: str = ATTENTION_PAIR[1]) -> None:
        self.tokenizer, self.model = tokenizer, model
        config = model.config
        controls = _controls(sentence, other, config.num_hidden_layers, config.num_attention_heads)
        self.outputs = {"message": widgets.HTML(), "plot": widgets.Image(format="png")}
        for name, control in {**controls, **self.outputs}.items():
            control.add_class(f"attention-{name}")
        self.cache, self.figures, self._busy = {}, {}, False
        c = controls
        view = widgets.VBox([c["sentence"], c["other"], c["view"],
                             widgets.HBox([c["layer"], c["head"], c["average"]]),
                             c["token"], *self.outputs.values()])
        super().__init__(controls, view)
        self.update()
        tokens = self.current_run().tokens
        if "it" in tokens:  # start on the pronoun of the lesson's example sentence
            controls["token"].value = tokens.index("it")

    def run_of(self, text: str):
        """Return the AttentionRun of `text` (the model runs once per sentence)."""
        if text not in self.cache:
            if len(self.cache) >= CACHE_SIZE:
                self.cache.pop(next(iter(self.cache)))
            self.cache[text] = run_attention(self.model, self.tokenizer, text)
        return self.cache[text]

    def current_run(self):
        """Return the AttentionRun of the sentence in the first box."""
        return self.run_of(self.controls["sentence"].value)

    def show(self, **values) -> None:
        """Set several controls (by name) at once, then redraw once."""
        unknown = sorted(set(values) - set(self.controls))
        if unknown:
            raise ValueError(f"no control named {unknown[0]!r}; the controls are {sorted(self.controls)}")
        self._busy = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._busy = False
        self.update()

    def _sync_tokens(self, tokens: list[str]) -> None:
        token = self.controls["token"]
        options = [(f"{i}: {t}", i) for i, t in enumerate(tokens)] or [("(no tokens)", 0)]
        if list(token.options) != options:
            keep = token.value if token.value is not None and token.value < len(options) else 0
            token.options = options
            token.value = keep

    def _figure(self, view: str, runs):
        """Return the figure of `view` showing `runs`, reusing the last one when possible."""
        kinds = {"one sentence": AttentionFigure, "compare": CompareFigure, "all layers": LayersFigure}
        target = tuple(runs) if view == "compare" else runs[0]
        figure = self.figures.get(view)
        if figure is None:
            same = False
        elif view == "compare":
            same = all(a is b for a, b in zip(figure.runs, target, strict=True))
        else:
            same = figure.run is target
        if figure is None or (not same and not figure.retarget(target)):
            figure = self.figures[view] = kinds[view](target)
        return figure

    def _messages(self, runs) -> str:
        parts = [f"{'Sentence 2: ' if k else ''}{run.message}" for k, run in enumerate(runs) if run.message]
        return "<br>".join(f"<b>{part}</b>" for part in parts)

    def _draw(self, view: str, runs) -> bytes:
        c = self.controls
        head = None if c["average"].value else c["head"].value
        figure = self._figure(view, runs)
        if view == "all layers":
            figure.show(head, c["token"].value)
        else:
            figure.show(c["layer"].value, head, c["token"].value)
        return figure.png()

    def update(self, change=None) -> None:
        """Run the model if a sentence is new, then redraw the chosen view, layer, head and token."""
        if self._busy:  # setting the token menu below fires update again
            return
        self._busy = True
        try:
            c, view = self.controls, self.controls["view"].value
            runs = [self.current_run()] + ([self.run_of(c["other"].value)] if view == "compare" else [])
            self.outputs["message"].value = self._messages(runs)
            self._sync_tokens(runs[0].tokens)
            c["head"].disabled = c["average"].value
            c["layer"].disabled = view == "all layers"
            c["other"].layout.display = None if view == "compare" else "none"
            if not all(run.tokens for run in runs):
                self.outputs["plot"].value = b""
                return
            self.outputs["plot"].value = self._draw(view, runs)
        finally:
            self._busy = False
