"""Test-only helpers for lesson 3 (moved out of helpers/: no student needs them)."""

import io
from pathlib import Path

import nbformat
import torch.nn.functional as F

from helpers.attention.figures import AttentionFigure

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "03_attention.ipynb"


def library_attention(q, k, v, mask=None):
    """Return torch's fused scaled_dot_product_attention output for the same arguments."""
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def draw_attention_view(run, layer: int, head: int | None, source: int):
    """Draw the explorer's one-sentence figure once; return the matplotlib figure."""
    return AttentionFigure(run).show(layer, head, source)


def figure_png(fig) -> bytes:
    """Return a figure as PNG bytes (for figures drawn outside pyplot, nothing to close)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches=None)  # one draw, no re-layout
    return buffer.getvalue()


def notebook() -> nbformat.NotebookNode:
    """Return lesson 3's notebook as committed (with its outputs)."""
    return nbformat.read(NOTEBOOK, as_version=4)


def cell_defining(name: str) -> str:
    """Return the source of the notebook's code cell that defines function `name`."""
    return next(c.source for c in notebook().cells if c.cell_type == "code" and f"def {name}(" in c.source)
