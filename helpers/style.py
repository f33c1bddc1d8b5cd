"""One plot style for the whole course, and a projector-friendly mode for instructors."""


from typing import TYPE_CHECKING

import matplotlib as mpl

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# pyplot and IPython.display are imported where they are used: a lesson's Setup cell, which
# applies the style, then costs `import matplotlib` only, not the whole of pyplot.

def _sizes(figsize: tuple[float, float], dpi: int, font: float, title: float, label: float) -> dict:
    """The rcParams both styles set: figure size (inches) and resolution, text sizes (pt)."""
    return {"figure.figsize": figsize, "figure.dpi": dpi, "font.size": font,
            "axes.titlesize": title, "axes.labelsize": label}


COURSE_STYLE = {
    **_sizes((7.0, 4.5), dpi=100, font=11, title=13, label=11),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": "viridis",
    "savefig.bbox": "tight",
}

# Larger text and figures so a plot reads from the back of a room.
PRESENTATION_STYLE = {
    **_sizes((10.0, 6.0), dpi=110, font=16, title=20, label=17),
    "xtick.labelsize": 15,
    "ytick.labelsize": 15,
    "legend.fontsize": 15,
    "lines.linewidth": 3.0,
}

# Group colours shared by every lesson (colour-blind safe, from the Okabe-Ito palette).
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


def use_course_style() -> None:
    """Apply the course's plot style to every later figure."""
    mpl.rcParams.update(COURSE_STYLE)


# JupyterLab's View > Presentation Mode enlarges markdown and code but not widget text
# (measured in Chromium: 13 px before and after). This style sheet, shown as a cell's output,
# enlarges the text of every widget on the page; clearing that output (or reloading) undoes it.
WIDGET_PRESENTATION_CSS = """<style class="course-presentation-mode">
:root {
  --jp-widgets-font-size: 20px;
  --jp-widgets-inline-height: 36px;
  --jp-widgets-inline-label-width: 150px;
}
.jupyter-widgets, .jupyter-widgets .widget-label, .jupyter-widgets input,
.jupyter-widgets textarea, .jupyter-widgets select, .jupyter-widgets button,
.jupyter-widgets table, .jupyter-widgets .widget-html-content { font-size: 20px !important; }
</style>"""


def presentation_mode(on: bool = True) -> None:
    """Make later plots projector-sized and widget text large (on=True), or plots normal (False).

    In a notebook, on=True also displays WIDGET_PRESENTATION_CSS as this cell's output; clear
    that output (or reload the page) to shrink widget text again.
    """
    use_course_style()
    if on:
        from IPython.display import HTML, display

        mpl.rcParams.update(PRESENTATION_STYLE)
        display(HTML(WIDGET_PRESENTATION_CSS))


# The smallest text a course plot draws, relative to the style's font size: about 10.6 px in a
# notebook (11 pt at 100 dpi), 17 px on a slide (16 pt at 110 dpi, presentation_mode()).
SMALLEST_TEXT = "x-small"


def points(size) -> float:
    """A font size (a number, or a name such as "small" relative to rcParams["font.size"]) in pt."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size).get_size_in_points()


def label_size(pitch_pt: float, base="ytick.labelsize") -> float | None:
    """The size in pt for labels `pitch_pt` apart (one per heatmap row, say): the style's
    `base` size, smaller if the labels would touch, None if even SMALLEST_TEXT would touch
    (then leave the labels out: the plot's pattern still reads, its labels would not)."""
    size = min(points(mpl.rcParams[base]), pitch_pt / 1.05)
    return size if size >= points(SMALLEST_TEXT) - 1e-6 else None


def new_axes(ax: "Axes | None" = None, **figure_kwargs) -> "Axes":
    """Return `ax`, or the axes of a new figure when `ax` is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(**figure_kwargs)
    return ax


