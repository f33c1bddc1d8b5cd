"""Token labels painted straight onto the explorer's pixels with PIL (lesson 3, section 12).

Measured with cProfile: laying out and rendering tick-label text was most of what a new
sentence cost the explorer in matplotlib (about 0.7 ms a label, 50 to 100 labels a figure).
PIL renders the same font in a few microseconds, and a rendered label is kept for reuse, so the
figures draw their axes with blank tick labels and this module writes the tokens beside the
ticks after every redraw.
"""

from dataclasses import dataclass
from functools import lru_cache

import matplotlib as mpl
import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

from helpers.attention.plots import _token_fontsize

MAX_LABELS = 60  # heatmaps label at most this many tokens (attention_heatmap's default)
MAX_CHARS = 12  # longer tokens are shortened with an ellipsis (the axis labels leave room for it)


@dataclass
class TokenLabels:
    """Labels for the ticks 0, 1, ... of one axis of `ax`: 'x' (below, read bottom to top) or
    'y' (left, right-aligned); `size` in points."""

    ax: object
    axis: str
    texts: list[str]
    size: float


def shorten(text: str) -> str:
    """Return `text`, cut to MAX_CHARS characters with an ellipsis if longer."""
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


@lru_cache(maxsize=16)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    path = font_manager.findfont(font_manager.FontProperties(family=mpl.rcParams["font.family"]))
    return ImageFont.truetype(path, size_px)


@lru_cache(maxsize=4096)
def _rotated(text: str, size_px: int) -> Image.Image:
    """Return a mask (mode L) of `text` turned a quarter to the left, as matplotlib's rotation=90."""
    font = _font(size_px)
    ascent, descent = font.getmetrics()
    image = Image.new("L", (max(1, int(font.getlength(text))) + 2, ascent + descent), 0)
    ImageDraw.Draw(image).text((1, 0), text, font=font, fill=255)
    return image.rotate(90, expand=True)


def label_ops(fig, labels: list[TokenLabels]) -> list[tuple]:
    """Return where to paint every label, in pixels from the top left of the figure's canvas:
    ('x' or 'y', x, y, text, size in pixels). Call after the figure has been drawn."""
    height, scale = fig.bbox.height, fig.dpi / 72
    ops = []
    for group in labels:
        pad = (mpl.rcParams[f"{group.axis}tick.major.size"] + mpl.rcParams[f"{group.axis}tick.major.pad"]) * scale
        box, size_px = group.ax.get_window_extent(), max(6, round(group.size * scale))
        for i, text in enumerate(group.texts):
            if group.axis == "x":
                x = group.ax.transData.transform((i, 0))[0]
                ops.append(("x", x, height - box.y0 + pad, shorten(text), size_px))
            else:
                y = group.ax.transData.transform((0, i))[1]
                ops.append(("y", box.x0 - pad, height - y, shorten(text), size_px))
    return ops


def paint_labels(image: Image.Image, ops: list[tuple]) -> None:
    """Paint the labels of label_ops onto `image` (RGB), in black."""
    draw = ImageDraw.Draw(image)
    for kind, x, y, text, size_px in ops:
        if kind == "x":
            mask = _rotated(text, size_px)
            image.paste((0, 0, 0), (round(x - mask.width / 2), round(y)), mask)
        else:
            draw.text((x, y), text, font=_font(size_px), fill=(0, 0, 0), anchor="rm")


# --- the layout around the labels -------------------------------------------------------


def fix_text_positions(ax, size: float, below: bool = True, left: bool = True) -> None:
    """Put the title and axis labels at fixed places, clear of token labels of `size` points
    below and/or left of the axes (so matplotlib never measures the tick labels)."""
    ax.set_title(ax.get_title() or " ", y=1.0, pad=6)
    ax.apply_aspect()  # a square heatmap is smaller than its slot: measure the real box
    height, width = (ax.figure.get_size_inches() * 72)[::-1] * ax.get_position().size[::-1]
    room = MAX_CHARS * 0.6 * size
    ax.xaxis.set_label_coords(0.5, -((room if below else 1.2 * size) + 14) / height)
    ax.yaxis.set_label_coords(-((room if left else 3 * size) + 16) / width, 0.5)


def size_heatmap(ax, image, n: int) -> float:
    """Make a heatmap (n, n) with blank tick labels (painted later); return the label size."""
    image.set_data(np.zeros((n, n)))
    image.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ticks = np.arange(n) if n <= MAX_LABELS else []
    ax.set_xticks(ticks, [""] * len(ticks))
    ax.set_yticks(ticks, [""] * len(ticks))
    size = _token_fontsize(n)
    fix_text_positions(ax, size)
    return size


def heatmap_labels(ax, tokens: list[str]) -> list[TokenLabels]:
    """Return the token labels of a heatmap (none when there are too many to read)."""
    if len(tokens) > MAX_LABELS:
        return []
    size = _token_fontsize(len(tokens))
    return [TokenLabels(ax, "x", tokens, size), TokenLabels(ax, "y", tokens, size)]
