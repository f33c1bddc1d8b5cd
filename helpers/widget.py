"""The shape every course widget shares, so notebooks, tests and the bench use them alike.

A widget is built as ``Widget(tokenizer, model, ...)`` (arguments it does not need are still
accepted in that order), and has:
- ``.controls``: its inputs by name (setting one's ``.value`` updates the view at once);
- ``.view``: the ipywidgets box that is displayed (a cell ending in the widget shows it);
- ``.update()``: recompute and redraw from the controls' current values.
Building or updating a widget never changes the model it was given.
"""

import ipywidgets as widgets


class CourseWidget:
    """Base class: subclasses build `controls` and `view`, then call `self.update()`."""

    css_class = "course-widget"

    def __init__(self, controls: dict[str, widgets.Widget], view: widgets.Box) -> None:
        self.controls = controls
        self.view = view
        view.add_class(self.css_class)
        for control in controls.values():
            if hasattr(control, "value"):
                control.observe(self.update, names="value")

    def update(self, change=None) -> None:
        """Recompute and redraw the view from the controls' values."""
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        """Display the view (a cell that ends in the widget shows it)."""
        return self.view._repr_mimebundle_(**kwargs)
