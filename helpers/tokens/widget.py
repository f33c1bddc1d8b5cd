"""The interactive widget of lesson 1 (tokens), section 9: the tokenizer playground."""

import html

import ipywidgets as widgets

from helpers.style import GROUP_COLOURS
from helpers.tokens.compute import (
    MAX_DRAWN_TOKENS,
    PADDING_CHOICES,
    PlaygroundResult,
    playground_encode,
)
from helpers.widget import CourseWidget

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


class TokenizerPlayground(CourseWidget):
    """The tokenizer playground: type sentences (one per line), see tokens, ids and mask.

    `model` is not used (every course widget takes (tokenizer, model) in that order)."""

    css_class = "tokenizer-playground"

    def __init__(self, tokenizer=None, model=None, text: str = PLAYGROUND_EXAMPLE) -> None:
        if tokenizer is None:
            from helpers.models import load_tokenizer

            tokenizer = load_tokenizer()
        self.tokenizer = tokenizer
        controls = {
            "text": widgets.Textarea(value=text, rows=4, continuous_update=True,
                                     placeholder="One sentence per line",
                                     layout=widgets.Layout(width="95%")),
            "padding": widgets.ToggleButtons(options=list(PADDING_CHOICES), value="longest",
                                             description="padding"),
            "truncation": widgets.Checkbox(value=True, description="truncation", indent=False),
            "max_length": widgets.IntSlider(value=12, min=1, description="max_length",
                                            max=min(MAX_DRAWN_TOKENS, tokenizer.model_max_length),
                                            continuous_update=True),
            "add_special_tokens": widgets.Checkbox(value=True, description="add_special_tokens",
                                                   indent=False),
        }
        for name, control in controls.items():
            control.add_class(f"tp-{name.replace('_', '-')}")
        self.output = widgets.HTML()
        self.output.add_class("tp-output")
        options = widgets.HBox([controls["truncation"], controls["max_length"],
                                controls["add_special_tokens"]])
        super().__init__(controls, widgets.VBox([controls["text"], controls["padding"], options,
                                                 self.output]))
        self.update()

    def update(self, change=None) -> None:
        """Re-encode the text with the chosen options and redraw chips and grids."""
        values = {name: control.value for name, control in self.controls.items()}
        self.output.value = playground_html(playground_encode(self.tokenizer, **values))
