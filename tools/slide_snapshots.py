"""A widget's static snapshot (text/html, class `course-widget-snapshot`) on a slide.

A course widget stores, next to its live view, a picture of itself as it was recorded:
    <div class="course-widget-snapshot ..."><p>header</p><div>the view's parts</div>
    <p class="course-widget-note">...</p></div>
where the parts are HTML (rows, tables) and inline PNGs. Used by tools/slide_cells.py:
- snapshot_height: an estimate in px of the snapshot as the slide CSS lays it out (images at
  their own size, capped by their max-width; text at the slide's 24 px; table rows at 19 px);
- split_snapshot: the snapshot cut between the view's parts, each piece in the same frame,
  the header on the first piece and the note on the last, so a tall one spans subslides.
"""

import base64
import html as html_lib
import math
import re
import struct
from html.parser import HTMLParser

SNAPSHOT = "course-widget-snapshot"
TEXT_LINE, TEXT_CHARS = 33, 88  # the slide's markdown text (slide_cells.TEXT_*)
ROW_PX, ROW_CHARS = 38, 96  # a table row at 19 px, chars before a row wraps
CONTENT_WIDTH = 1180  # the slide's width inside the snapshot's frame
FRAME_PX = 34  # border, padding and margin of the frame
IMG = re.compile(r"<img\b[^>]*>")
BLOCK_END = re.compile(r"</(?:p|li|div|ul|ol|h\d)>|<div\b[^>]*>")
VOID = {"img", "br", "hr", "input", "meta", "link", "wbr", "col", "source"}


def is_snapshot(output) -> bool:
    return SNAPSHOT in output.get("data", {}).get("text/html", "")


def image_height(tag: str) -> int:
    """Shown height in px of an inline PNG <img>: its own size, capped by its max-width."""
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", tag)
    if not data:
        return 0
    width, height = struct.unpack(">II", base64.b64decode(data[1][:44])[16:24])
    cap = re.search(r"max-width:\s*(\d+)px", tag)
    limit = min(int(cap[1]), CONTENT_WIDTH) if cap else CONTENT_WIDTH
    return math.ceil(height * min(1.0, limit / width)) + 8


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _lines(text: str, chars: int) -> int:
    return max(1, math.ceil(len(text) / chars))


def html_height(fragment: str) -> int:
    """Height in px of a snapshot's HTML: images, table rows, and blocks of text (a block
    with <br> inside is a row of two-line chips, so twice as tall)."""
    height = sum(image_height(tag) for tag in IMG.findall(fragment))
    fragment = IMG.sub("", fragment)
    for table in re.findall(r"(?s)<table\b.*?</table>", fragment):
        rows = re.findall(r"(?s)<tr\b.*?</tr>", table)
        height += 10 + sum(_lines(_text(row), ROW_CHARS) * ROW_PX for row in rows)
    fragment = re.sub(r"(?s)<table\b.*?</table>", "", fragment)
    for block in BLOCK_END.split(fragment):
        text = _text(block)
        if text:
            height += _lines(text, TEXT_CHARS) * TEXT_LINE * (2 if "<br" in block else 1) + 8
    return height


def snapshot_height(html: str) -> int:
    return html_height(html) + FRAME_PX


class _Children(HTMLParser):
    """Start and end offsets of the top-level elements inside one fragment."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.text, self.depth, self.spans, self.start = text, 0, [], 0
        self.offsets = [0]
        for line in text.splitlines(keepends=True):
            self.offsets.append(self.offsets[-1] + len(line))
        self.feed(text)
        self.close()

    def _here(self) -> int:
        line, column = self.getpos()
        return self.offsets[line - 1] + column

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.start = self._here()
        if tag in VOID:
            if self.depth == 0:
                self.spans.append((self.start, self._here() + len(self.get_starttag_text())))
            return
        self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth == 0:
            self.spans.append((self._here(), self._here() + len(self.get_starttag_text())))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.text.index(">", self._here()) + 1
            self.spans.append((self.start, end))


def _parts(inner: str) -> list[str]:
    """The view's parts: the top-level elements, going into a lone wrapping <div>."""
    spans = _Children(inner).spans
    parts = [inner[begin:end] for begin, end in spans]
    while len(parts) == 1 and re.match(r"<div\b[^>]*>", parts[0]) and parts[0].endswith("</div>"):
        inner = re.sub(r"^<div\b[^>]*>", "", parts[0])[: -len("</div>")]
        parts = [inner[begin:end] for begin, end in _Children(inner).spans]
    return parts or [inner]


def split_snapshot(html: str, limit: int) -> list[str]:
    """The snapshot as pieces of HTML that each stay within limit px, cut between parts."""
    match = re.match(r"(?s)^(<div\b[^>]*>)\s*(<p\b.*?</p>)\s*(<div\b[^>]*>)(.*)</div>\s*"
                     r"(<p\b[^>]*course-widget-note.*?</p>)\s*</div>\s*$", html.strip())
    if not match:
        return [html]
    frame, header, body, inner, note = match.groups()
    items = [header] + _parts(inner) + [note]
    groups: list[list[str]] = [[]]
    for item in items:
        if groups[-1] and snapshot_height("".join(groups[-1] + [item])) > limit:
            groups.append([])
        groups[-1].append(item)
    pieces = []
    for group in groups:
        view = [item for item in group if item not in (header, note)]
        pieces.append(frame + (header if header in group else "")
                      + (body + "".join(view) + "</div>" if view else "")
                      + (note if note in group else "") + "</div>")
    return pieces
