"""Turn any lesson notebook into slides that fit a 1280x800 screen, without scrolling.

Used by tools/build_web.py; it sets each cell's `slideshow` metadata itself, so the
notebooks need none and the splitting follows whatever the lessons say today:
- a new slide at every `#`/`##` heading and a vertical subslide at every `###`, wherever the
  heading stands in a cell (markdown cells are cut at their headings);
- a code cell that draws a plot gets a subslide of its own, with its plot;
- a section taller than the screen continues on subslides ("... (continued)"), cut by the
  height estimates of tools/slide_cells.py; a cell taller than a screen is cut too (code at
  blank lines, long text outputs by lines, markdown at blank lines);
- `kind="outputs"`: code is hidden except in cells tagged `show-code` (or `exercise`: the
  code is the question); code cells without output go;
- speaker notes (from docs/instructor-guide.md, see tools/slide_notes.py) become notes cells.
"""

import copy
import html
import re
from collections.abc import Callable

import nbformat
from slide_cells import (
    BUDGET,
    CODE_LINE,
    CONTINUED_PX,
    clean_source,
    code_height,
    draws_plot,
    final_progress_bars,
    fold_details,
    heading_of,
    height_of,
    split_blocks,
    split_headings,
    split_lines,
    split_output,
)

HIDE_INPUT = "course-hide-input"  # removed by nbconvert's TagRemovePreprocessor
SHOW_CODE = "show-code"  # a cell tag: show this cell's code in the outputs-only deck too
SHOWN_TAGS = {SHOW_CODE, "exercise"}  # an exercise's code is its question


def _tags(cell) -> set[str]:
    return set(cell.metadata.get("tags", []))


def _hide_input(cell) -> None:
    cell.metadata["tags"] = sorted(_tags(cell) | {HIDE_INPUT})


def prepared_cells(nb, kind: str) -> list:
    """The notebook's cells as the room sees them: cleaned, split at headings, skips gone."""
    cells = []
    for original in nb.cells:
        if original.metadata.get("slideshow", {}).get("slide_type") == "skip":
            continue
        cell = copy.deepcopy(original)
        if cell.cell_type == "markdown":
            cell.source = fold_details(cell.source)
            cells += split_headings(cell)
            continue
        if cell.cell_type != "code":
            continue
        cell.source = clean_source(cell.source)
        cell.outputs = final_progress_bars(cell.outputs)
        hidden = (kind == "outputs" and not SHOWN_TAGS & _tags(cell)) or not cell.source.strip()
        if hidden:
            _hide_input(cell)
        if (hidden or not cell.source.strip()) and not cell.outputs:
            continue
        cells.append(cell)
    return cells


def sections(cells: list) -> list[list]:
    """Cells grouped by the headings (level 1 to 3) that open them."""
    grouped: list[list] = []
    for cell in cells:
        heading = heading_of(cell)
        if not grouped or (heading and heading[0] <= 3):
            grouped.append([])
        grouped[-1].append(cell)
    return grouped


def _split_code(cell) -> list:
    """A code cell too tall for one slide: its code in chunks (at blank lines where it can),
    then its outputs, one or more per chunk, with the input hidden."""
    parts, chunk = [], []
    for line in cell.source.splitlines():
        chunk.append(line)
        full = code_height("\n".join(chunk)) > BUDGET - CONTINUED_PX - 3 * CODE_LINE
        if full or (not line.strip() and code_height("\n".join(chunk)) > BUDGET / 2):
            parts.append("\n".join(chunk).strip("\n"))
            chunk = []
    parts.append("\n".join(chunk).strip("\n"))
    pieces = []
    for text in filter(str.strip, parts):
        piece = copy.deepcopy(cell)
        piece.source, piece.outputs = text, []
        pieces.append(piece)
    for output in cell.outputs:
        pieces += _split_output(cell, output)
    return pieces


def _split_output(cell, output) -> list:
    """One output as cells with hidden input, cut into pieces that each fit a slide."""
    pieces = []
    for part in split_output(output):
        piece = copy.deepcopy(cell)
        piece.source, piece.outputs = "", [part]
        _hide_input(piece)
        pieces.append(piece)
    return pieces


def units(section: list, kind: str) -> list[list]:
    """The section's cells as units that each fit a slide (a unit stays on one slide)."""
    result = []
    for cell in section[1:] if heading_of(section[0]) else section:
        show = HIDE_INPUT not in _tags(cell)
        if height_of(cell, show) <= BUDGET - CONTINUED_PX:
            result.append([cell])
        elif cell.cell_type == "markdown":
            result += [[piece] for block in split_blocks(cell) for piece in (
                split_lines(block) if height_of(block) > BUDGET - CONTINUED_PX else [block])]
        elif draws_plot(cell) and show:  # code on one slide, its plot on the next
            result += [[piece] for piece in _split_code(cell)]
        else:
            result += [[piece] for piece in _split_code(cell)] if show else [
                [piece] for output in cell.outputs for piece in _split_output(cell, output)]
    return result


def inline_html(text: str) -> str:
    """A heading's inline markdown (`code`, **bold**, *italic*; $math$ left to KaTeX) as HTML."""
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"\*([^*]+)\*", r"<em>\1</em>", text)


def continued(title: str):
    cell = nbformat.v4.new_markdown_cell(
        f'<p class="course-continued">{inline_html(title)} <span>(continued)</span></p>')
    cell.metadata["slideshow"] = {"slide_type": "subslide"}
    return cell


def layout(section: list, kind: str) -> list[list]:
    """The section as pages (subslides): the heading first, then units in order; a plot's
    unit on a page of its own (after, at most, the text that leads into it); a unit that
    would not fit starts the next page."""
    heading = heading_of(section[0])
    pages = [[section[0]]] if heading else [[]]
    used = height_of(section[0]) if heading else 0
    alone = False
    for unit in units(section, kind):
        tall = sum(height_of(c, HIDE_INPUT not in _tags(c)) for c in unit)
        plot = any(draws_plot(c) for c in unit)
        crowded = any(c.cell_type == "code" for c in pages[-1])  # text may lead into a plot
        if (plot and crowded) or alone or used + tall > BUDGET:
            if pages[-1]:
                pages.append([])
                used = CONTINUED_PX
        pages[-1] += unit
        used += tall
        alone = plot
    return [page for page in pages if page]


def _slide_type(level: int | None) -> str:
    return "subslide" if level == 3 else "slide"


def plan(nb, kind: str = "full", notes: Callable | None = None):
    """A copy of `nb` with slideshow metadata on every cell (and notes cells), for `kind`
    "full" or "outputs". `notes(cells)` returns {id(cell): speaker notes after that cell}."""
    planned = copy.deepcopy(nb)
    prepared = prepared_cells(nb, kind)
    notes_after = notes(prepared) if notes else {}
    cells = []
    for section in sections(prepared):
        heading = heading_of(section[0])
        title = heading[1] if heading else ""
        for number, page in enumerate(layout(section, kind)):
            for cell in page:
                cell.metadata["slideshow"] = {"slide_type": "-"}
            if number == 0:
                page[0].metadata["slideshow"] = {
                    "slide_type": _slide_type(heading[0] if heading else None),
                    "data": {"course_heading": "1" if heading else "0"},
                }
            else:
                page.insert(0, continued(title))
            for cell in page:
                cells.append(cell)
                if id(cell) in notes_after:
                    aside = nbformat.v4.new_markdown_cell(notes_after[id(cell)])
                    aside.metadata["slideshow"] = {"slide_type": "notes"}
                    cells.append(aside)
    for number, cell in enumerate(cells):
        cell["id"] = f"slide-cell-{number}"  # pieces of one cell would share its id
    planned.cells = cells
    return planned
