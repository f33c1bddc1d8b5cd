"""Projector-sized plots for the slides: each lesson run once in presentation style, cached.

A committed PNG cannot be re-styled: its text was drawn at the course's notebook size (11 pt
at 100 dpi, about 15 px) and enlarging the image only blurs it, shrinking it makes it
unreadable. So `python tools/build_web.py figures` executes each lesson (a temporary copy,
nbclient, the course's environment) with `presentation_mode()`'s sizes (16 pt text at 110
dpi, 10 x 6 in figures) and with one rule added for slides: a figure larger than the slide's
figure box (1200 x 640 px) is given a smaller figure size before it is drawn, so its text
stays at its point size instead of being shrunk by CSS; only tick labels that would then
overlap are made smaller, step by step, down to READABLE_PX (16 px) and left out if they still
overlap there (the plot helpers size their own labels from the course style, so this is a
safety net). Each PNG records its smallest text in
px (output metadata "course"), which the slides put on the <img> and the browser test reads.

The run is cached in build/slide-figures/ under a fingerprint of the notebook's code, the
helpers package and this file; `slides` uses a cached run only when its fingerprint matches,
otherwise the committed PNGs (and says so). Only the PNGs are taken from the run: every text
output on a slide is the committed one, which strict nbval checked.
"""

import copy
import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from slide_cells import FIGURE_BOX, READABLE_PX

from helpers.course_env import COURSE_ENV

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "build" / "slide-figures"
TIMEOUT_S = 300

SETUP = f'''
import base64 as _base64
import struct as _struct

import matplotlib.pyplot as _plt
import matplotlib.text as _text
from IPython import get_ipython
from IPython.core.pylabtools import print_figure as _print_figure
import helpers.style as _style

_style.COURSE_STYLE = {{**_style.COURSE_STYLE, **_style.PRESENTATION_STYLE}}
_style.use_course_style()


def _png_size(data):
    header = _base64.b64decode(data[:44])
    return _struct.unpack(">II", header[16:24])


def _crowded(labels):
    boxes = [t.get_window_extent() for t in labels if t.get_visible() and t.get_text().strip()]
    return any(a.overlaps(b) for a, b in zip(boxes, boxes[1:]))


def _declutter(fig, readable_px={READABLE_PX!r}):
    # tick labels that now overlap get smaller, down to the readable size; still overlapping
    # there, they are left out (the slide shows the pattern; the notebook has the labels)
    floor = readable_px * 72 / fig.dpi
    for _ in range(10):
        fig.canvas.draw()
        crowded = [(ax, axis) for ax in fig.axes for axis in "xy"
                   if _crowded(getattr(ax, f"get_{{axis}}ticklabels")())]
        if not crowded:
            return
        for ax, axis in crowded:
            labels = getattr(ax, f"get_{{axis}}ticklabels")()
            size = max(t.get_fontsize() for t in labels) if labels else 10
            if size <= floor:
                ax.tick_params(axis=axis, **{{f"label{{side}}": False for side in
                                             (("bottom", "top") if axis == "x" else ("left", "right"))}})
            else:
                ax.tick_params(axis=axis, labelsize=max(floor, size * 0.85))


def _slide_png(fig, box={FIGURE_BOX!r}):
    size = fig.get_size_inches() * fig.dpi
    for _ in range(3):  # a tight bounding box can come out larger than the figure: redraw
        ratio = min(1.0, box[0] / size[0], box[1] / size[1])
        if ratio < 1.0:
            fig.set_size_inches(fig.get_size_inches() * ratio * 0.99)
            _declutter(fig)
        data = _print_figure(fig, "png", bbox_inches="tight", base64=True)  # ticks exist now
        size = _png_size(data)
        if size[0] <= box[0] and size[1] <= box[1]:
            break
    sizes = [t.get_fontsize() for t in fig.findobj(_text.Text)
             if t.get_visible() and t.get_text().strip()]
    font_px = round(min(sizes) * fig.dpi / 72, 1) if sizes else None
    return data, {{"course": {{"figures": "presentation", "font_px": font_px}}}}


def _use_slide_png(*_):
    # matplotlib picks its backend lazily and the inline backend then registers its own PNG
    # formatter, so register ours again before every cell
    get_ipython().display_formatter.formatters["image/png"].for_type(_plt.Figure, _slide_png)


import matplotlib_inline.backend_inline  # noqa: E402,F401 (the inline backend, set up now)

_use_slide_png()
get_ipython().events.register("pre_run_cell", _use_slide_png)
'''


def fingerprint(path: Path) -> str:
    """A hash of what the plots depend on: the notebook's code, helpers/, this file."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            digest.update(cell.source.encode())
    for source in sorted((REPO / "helpers").rglob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def cached(path: Path):
    """The cached presentation run of `path` if it is up to date, else None."""
    target = CACHE / path.name
    if not target.exists():
        return None
    run = nbformat.read(target, as_version=4)
    return run if run.metadata.get("course_fingerprint") == fingerprint(path) else None


def execute(path: Path) -> Path:
    """Run `path` in presentation style (a copy); cache it; return the cached file."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    stamp = fingerprint(path)  # before the run: what it was made from
    run = copy.deepcopy(nb)
    run.cells.insert(0, nbformat.v4.new_code_cell(SETUP))
    for key, value in COURSE_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(run, timeout=TIMEOUT_S, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    run.cells.pop(0)
    run.metadata["course_fingerprint"] = stamp
    CACHE.mkdir(parents=True, exist_ok=True)
    nbformat.write(run, CACHE / path.name)
    return CACHE / path.name


def refresh(paths: list[Path], workers: int = 2) -> list[Path]:
    """Execute, two at a time, every lesson whose cached run is missing or stale."""
    stale = [path for path in paths if cached(path) is None]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(execute, stale))


def _pngs(cell) -> list:
    return [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


def with_presentation_figures(nb, run) -> tuple[object, int]:
    """A copy of `nb` whose PNGs come from `run` (cell by cell, where the code is the same and
    the count of plots agrees); return it and how many PNGs were replaced."""
    nb, replaced = copy.deepcopy(nb), 0
    if run is None or len(run.cells) != len(nb.cells):
        return nb, 0
    for cell, ran in zip(nb.cells, run.cells, strict=True):
        mine, theirs = _pngs(cell), _pngs(ran)
        if cell.source != ran.source or len(mine) != len(theirs):
            continue
        for output, new in zip(mine, theirs, strict=True):
            output.data["image/png"] = new.data["image/png"]
            output.metadata = copy.deepcopy(new.get("metadata", {}))
            replaced += 1
    return nb, replaced
