"""One plot style for the whole course, and a projector-friendly mode for instructors."""

import matplotlib as mpl
import matplotlib.pyplot as plt

COURSE_STYLE = {
    "figure.figsize": (7.0, 4.5),
    "figure.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "image.cmap": "viridis",
    "savefig.bbox": "tight",
}

# Larger text and figures so a plot reads from the back of a room.
PRESENTATION_STYLE = {
    "figure.figsize": (10.0, 6.0),
    "figure.dpi": 110,
    "font.size": 16,
    "axes.titlesize": 20,
    "axes.labelsize": 17,
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


def presentation_mode(on: bool = True) -> None:
    """Make later plots projector-sized (on=True), or return to the course style (on=False)."""
    use_course_style()
    if on:
        mpl.rcParams.update(PRESENTATION_STYLE)


def new_axes(ax: plt.Axes | None = None, **figure_kwargs) -> plt.Axes:
    """Return `ax`, or the axes of a new figure when `ax` is None."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(**figure_kwargs)
    return ax
