"""Cells as a room should see them, and how tall each one is on a 1280x800 slide.

Used by tools/slide_plan.py. Nothing here knows a lesson: it works on any notebook.
- clean_source: no `# NBVAL_*` markers, no comment that explains one, no `# noqa`.
- final_progress_bars: a tqdm widget output (stored as its first frame, "0/36") becomes the
  text of its last frame ("36/36"); the cell ran to the end, or nbval would have failed.
- split_headings / split_blocks: a markdown cell cut at every heading, or at blank lines.
- height_of: an estimate in px of a cell as the slide CSS (templates/course_slides) lays it
  out; the browser test measures the truth, and the page shrinks text a little if it is off.
"""

import base64
import copy
import math
import re
import struct

import nbformat
from slide_snapshots import is_snapshot, snapshot_height, split_snapshot

# The slide's layout (the same numbers as the CSS in templates/course_slides/index.html.j2).
WIDTH, HEIGHT = 1280, 800
TEXT_PX, TEXT_LINE, TEXT_CHARS = 24, 33, 92  # markdown: font px, line px, chars per line
CODE_PX, CODE_LINE, CODE_CHARS = 19, 25, 100  # code and text outputs: font, line px, chars/line
MIN_OUTPUT_PX = 14  # the smallest monospace a wide text output is set in
CELL_GAP, OUTPUT_GAP = 14, 8
HEADING_PX = {1: 76, 2: 66, 3: 58, 4: 50}
CONTINUED_PX = 44
BUDGET = HEIGHT - 2 * 14 - 10  # usable height: the section's padding and a safety margin
FIGURE_BOX = (1200, 640)  # largest plot, px: fits under a heading and a line of code
READABLE_PX = 16  # smallest plot text, px on a 1280x800 slide, that reads from the back

HEADING = re.compile(r"^(#{1,6}) +(.*\S)\s*$")
NBVAL = re.compile(r"^\s*#\s*NBVAL_\w+")
NOQA = re.compile(r"\s*#\s*(noqa|type: ?ignore|pragma)\b.*$")
TQDM = re.compile(r"^(?P<desc>.*?)\s*\d+%\|.*\|\s*\d+/(?P<total>\d+)")
WIDGET = "application/vnd.jupyter.widget-view+json"


def clean_source(source: str) -> str:
    """Code without nbval markers, the comments right under them (they explain the marker to
    whoever maintains the tests) and lint pragmas."""
    lines, after_marker = [], False
    for line in source.splitlines():
        if NBVAL.match(line):
            after_marker = True
            continue
        if after_marker and line.lstrip().startswith("#"):
            continue
        after_marker = False
        lines.append(NOQA.sub("", line))
    return "\n".join(lines).strip("\n")


def final_progress_bars(outputs: list) -> list:
    """The outputs, with each tqdm widget replaced by the text of its finished bar."""
    shown = []
    for output in outputs:
        text = output.get("data", {}).get("text/plain", "")
        match = TQDM.match(text) if WIDGET in output.get("data", {}) else None
        if match:
            total = match["total"]
            bar = f"{match['desc']} 100%|{'█' * 10}| {total}/{total}".strip()
            output = nbformat.v4.new_output("stream", name="stderr", text=bar + "\n")
        shown.append(output)
    return shown


DETAILS = re.compile(r"<details>\s*(<summary>.*?</summary>)(.*?)</details>", re.S)


def fold_details(source: str) -> str:
    """Markdown whose <details> blocks are rendered to one HTML block each. nbconvert's
    markdown renderer closes a <details> at the first blank line inside it, so a folded
    solution would be shown open; rendered here, with no blank line left, it stays folded."""
    from nbconvert.filters.markdown import markdown2html

    def fold(match) -> str:
        inner = markdown2html(match[2].strip("\n")).strip("\n")
        inner = re.sub(r"\n[ \t]*(?=\n)", "\n\u200b", inner)  # no blank line: one HTML block
        return f"<details>{match[1]}\n{inner}\n</details>"

    return DETAILS.sub(fold, source)


def _outside_fences(lines: list[str]) -> list[bool]:
    """For each line, True when it is not inside a ``` fence or an open <details> block."""
    flags, fence, details = [], False, 0
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
            flags.append(False)
            continue
        details += stripped.count("<details") - stripped.count("</details>")
        flags.append(not fence and details <= 0 and "</details>" not in stripped)
    return flags


def _cut(cell, lines: list[str], starts: list[int]) -> list:
    pieces = []
    for begin, end in zip(starts, starts[1:] + [len(lines)], strict=True):
        text = "\n".join(lines[begin:end]).strip("\n")
        if text.strip():
            piece = copy.deepcopy(cell)
            piece.source = text
            pieces.append(piece)
    return pieces or [cell]


def split_headings(cell) -> list:
    """A markdown cell cut before every heading line (outside code fences)."""
    lines = cell.source.splitlines()
    free = _outside_fences(lines)
    starts = [0] + [i for i, line in enumerate(lines) if i and free[i] and HEADING.match(line)]
    return _cut(cell, lines, starts)


def split_blocks(cell) -> list:
    """A markdown cell cut at blank lines (outside fences and <details>): one block each."""
    lines = cell.source.splitlines()
    free = _outside_fences(lines)
    starts = [0] + [i for i in range(1, len(lines))
                    if free[i] and not lines[i - 1].strip() and lines[i].strip()]
    return _cut(cell, lines, starts)


def heading_of(cell) -> tuple[int, str] | None:
    """(level, text) when a markdown cell starts with a heading, else None."""
    if cell.cell_type != "markdown":
        return None
    match = HEADING.match(cell.source.split("\n", 1)[0])
    return (len(match[1]), match[2].strip()) if match else None


def _wrapped(text: str, chars: int) -> int:
    return sum(max(1, math.ceil(len(line.expandtabs(4)) / chars)) for line in text.split("\n"))


def markdown_height(source: str) -> int:
    """Height in px of rendered markdown (headings, paragraphs, lists, tables, <details>)."""
    height, lines = 0, source.strip("\n").splitlines()
    free = _outside_fences(lines)
    for line, outside in zip(lines, free, strict=True):
        stripped = line.strip()
        heading = HEADING.match(line) if outside else None
        if stripped.startswith('<p class="course-continued">'):
            height += CONTINUED_PX - 12
        elif "<summary" in stripped or (outside and stripped == "</details>"):
            height += TEXT_LINE + 8 if "<summary" in stripped else 0
        elif not outside and "<details" not in stripped:
            continue  # folded away inside <details>, or a fence line of it
        elif heading:
            height += HEADING_PX.get(len(heading[1]), 50) + _wrapped(heading[2], 60) * 10 - 10
        elif not stripped:
            height += 10
        elif stripped.startswith("|"):
            height += 0 if set(stripped) <= set("|-: ") else TEXT_LINE + 8
        elif stripped.startswith("$$"):
            height += 60
        else:
            height += _wrapped(stripped, TEXT_CHARS - 4) * TEXT_LINE
    return height + 12


def png_size(output) -> tuple[int, int] | None:
    """(width, height) in px of an output's PNG, read from its header; None without one."""
    data = output.get("data", {}).get("image/png")
    if not data:
        return None
    header = base64.b64decode(data[:44])
    return struct.unpack(">II", header[16:24])


def shown_png_size(output) -> tuple[int, int]:
    """The size a PNG is shown at: its own, capped to the slide's figure box."""
    width, height = png_size(output)
    ratio = min(1.0, FIGURE_BOX[0] / width, FIGURE_BOX[1] / height)
    return round(width * ratio), round(height * ratio)


def text_output_height(text: str) -> int:
    """Height in px of a text output. The page sets a text output whose longest line is too
    wide in a smaller monospace, down to MIN_OUTPUT_PX, so that tables keep their columns;
    lines longer still wrap."""
    text = text.rstrip("\n")
    longest = max((len(line.expandtabs(8)) for line in text.split("\n")), default=0)
    px = min(CODE_PX, max(MIN_OUTPUT_PX, CODE_PX * CODE_CHARS / max(longest, 1)))
    chars, line = CODE_CHARS * CODE_PX / px, CODE_LINE * px / CODE_PX
    return math.ceil(_wrapped(text, int(chars)) * line) + OUTPUT_GAP


def output_height(output) -> int:
    """Height in px of one output as the slides show it."""
    data = output.get("data", {})
    if output.get("output_type") == "stream":
        return text_output_height(output.get("text", ""))
    if output.get("output_type") == "error":
        return _wrapped("\n".join(output.get("traceback", [])), CODE_CHARS) * CODE_LINE
    if "image/png" in data:
        return shown_png_size(output)[1] + OUTPUT_GAP
    if is_snapshot(output):  # shown instead of the live widget: its HTML and inline PNGs
        return snapshot_height(data["text/html"]) + OUTPUT_GAP
    if WIDGET in data:
        return 150
    if "text/html" in data:
        rows = len(re.findall(r"<tr", data["text/html"]))
        return rows * 34 + 20 if rows else markdown_height(re.sub(r"<[^>]+>", "", data["text/html"]))
    if "text/markdown" in data:
        return markdown_height(data["text/markdown"])
    return text_output_height(data.get("text/plain", ""))


def code_height(source: str) -> int:
    return _wrapped(source, CODE_CHARS) * CODE_LINE + 2 * CELL_GAP if source.strip() else 0


def height_of(cell, show_input: bool = True) -> int:
    """Estimated height in px of a cell on a slide."""
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    if cell.cell_type != "code":
        return 0
    outputs = sum(output_height(o) for o in cell.get("outputs", []))
    return (code_height(cell.source) if show_input else 0) + outputs + CELL_GAP


PIECE_BUDGET = BUDGET - CONTINUED_PX - 20  # a piece of a cut cell, on a continued slide
LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")


def _greedy(items: list, height, limit: int = PIECE_BUDGET) -> list[list]:
    """Items in order, grouped so that each group's height(group) stays within limit."""
    groups, group = [], []
    for item in items:
        if group and height(group + [item]) > limit:
            groups.append(group)
            group = []
        group.append(item)
    return groups + [group] if group else groups


def split_lines(cell) -> list:
    """A markdown block still too tall for a slide, cut between lines (list items, lines of a
    paragraph), never inside a code fence or a <details> block."""
    lines = cell.source.splitlines()
    free = _outside_fences(lines)
    items: list[list[str]] = []
    for line, outside in zip(lines, free, strict=True):
        starts = outside and (LIST_ITEM.match(line) or not line.startswith(" "))
        if starts or not items:
            items.append([])
        items[-1].append(line)
    pieces = []
    for group in _greedy(items, lambda g: markdown_height("\n".join(sum(g, [])))):
        piece = copy.deepcopy(cell)
        piece.source = "\n".join(sum(group, []))
        pieces.append(piece)
    return pieces


def _html_table_pieces(html: str) -> list[str]:
    match = re.search(r"(?s)^(.*?<tbody[^>]*>)(.*)(</tbody>.*)$", html)
    if not match:
        return [html]
    rows = re.findall(r"(?s)<tr.*?</tr>", match[2])
    groups = _greedy(rows, lambda g: len(g) * 34 + 80)
    return [match[1] + "".join(group) + match[3] for group in groups]


def split_output(output) -> list:
    """One output cut into pieces that each fit a slide: a stream or plain text by lines, a
    traceback by lines, an HTML table by rows; anything else whole."""
    kind, data = output.get("output_type"), output.get("data", {})
    pieces = []
    if kind == "stream":
        for group in _greedy(output.text.splitlines(keepends=True),
                             lambda g: text_output_height("".join(g))):
            pieces.append(nbformat.v4.new_output("stream", name=output.name, text="".join(group)))
    elif kind == "error":
        for group in _greedy(output.traceback, lambda g: text_output_height("\n".join(g))):
            pieces.append(nbformat.v4.new_output("stream", name="stderr", text="\n".join(group)))
    elif is_snapshot(output):
        for html in split_snapshot(data["text/html"], PIECE_BUDGET - OUTPUT_GAP):
            pieces.append(nbformat.v4.new_output("display_data", data={"text/html": html}))
    elif "text/html" in data and "<tbody" in data["text/html"]:
        for html in _html_table_pieces(data["text/html"]):
            pieces.append(nbformat.v4.new_output("display_data", data={"text/html": html}))
    elif set(data) == {"text/plain"}:
        for group in _greedy(data["text/plain"].splitlines(keepends=True),
                             lambda g: text_output_height("".join(g))):
            pieces.append(nbformat.v4.new_output("display_data", data={"text/plain": "".join(group)}))
    return pieces or [output]


def draws_plot(cell) -> bool:
    return cell.cell_type == "code" and any(png_size(o) for o in cell.get("outputs", []))
