"""Test-only helpers for lesson 4 (inside a layer): the committed notebook and its cells."""

from pathlib import Path

import nbformat

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "04_inside_a_layer.ipynb"


def notebook() -> nbformat.NotebookNode:
    """Return lesson 4's notebook as committed (with its outputs)."""
    return nbformat.read(NOTEBOOK, as_version=4)


def cell_defining(name: str) -> str:
    """Return the source of the notebook's code cell that defines function `name`."""
    return next(c.source for c in notebook().cells if c.cell_type == "code" and f"def {name}(" in c.source)


def output_text(cell) -> str:
    """Return the text a cell printed (streams and text/plain)."""
    return "".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in cell.get("outputs", []))
