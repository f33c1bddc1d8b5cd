"""The shape every course widget shares, so notebooks, tests and the bench use them alike.

A widget is built as ``Widget(tokenizer, model, ...)`` (arguments it does not need are still
accepted in that order), and has:
- ``.controls``: its inputs by name (setting one's ``.value`` updates the view at once);
- ``.view``: the ipywidgets box that is displayed (a cell ending in the widget shows it);
- ``.update()``: recompute and redraw from the controls' current values.
Building or updating a widget never changes the model it was given.

Displaying a widget also leaves a picture of it (``snapshot_html()``): its HTML outputs as
HTML, its images as PNG, its settings as a caption, and a sentence naming the notebook where
it runs live. JupyterLab shows the live view; a frontend without a widget manager (the static
site, the slides, a notebook viewer) shows the picture instead of ``VBox(children=...)``.
Every lesson, via the committed notebooks.
"""

import base64
import html
import io

import ipywidgets as widgets

SNAPSHOT_CLASS = "course-widget-snapshot"
NOTE_CLASS = "course-widget-note"  # the static site's stand-in sentence has the same class
_MAX_VALUE_CHARS = 80
_FRAME = "border:1px solid #BBBBBB;border-radius:6px;padding:0.4em 1em;margin:0.3em 0"


def compact_png(data: bytes) -> bytes:
    """Return PNG bytes recompressed (and without an alpha channel when it is all opaque).

    The live view favours speed (compress_level=1); a picture kept in a notebook favours size."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue() if buffer.tell() < len(data) else bytes(data)


def image_html(image: widgets.Image) -> str:
    """Return an Image widget's picture as an <img> with its bytes inline ('' when empty)."""
    data = bytes(image.value or b"")
    if not data:
        return ""
    if image.format == "png":
        data = compact_png(data)
    encoded = base64.b64encode(data).decode("ascii")
    width = image.layout.max_width or "100%"
    return (f'<img src="data:image/{image.format};base64,{encoded}" alt="the widget\'s picture" '
            f'style="max-width:{width};height:auto">')


def output_html(output: widgets.Output) -> str:
    """Return what an Output widget holds: its images, HTML or text, in order."""
    parts = []
    for item in output.outputs:
        data = item.get("data", {})
        if "image/png" in data:
            parts.append(f'<img src="data:image/png;base64,{data["image/png"]}" alt="a plot">')
        elif "text/html" in data:
            parts.append(data["text/html"])
        elif "text" in item or "text/plain" in data:
            parts.append(f"<pre>{html.escape(item.get('text') or data['text/plain'])}</pre>")
    return "".join(parts)


def static_html(widget: widgets.Widget) -> str:
    """Return the outputs shown inside `widget` as static HTML, walking its boxes in order.

    HTML and Label values, images and Output contents are kept; input controls are left
    out (the caption lists their values)."""
    if isinstance(widget, widgets.Box):
        inner = "".join(static_html(child) for child in widget.children)
        if not inner:
            return ""
        row = isinstance(widget, widgets.HBox | widgets.GridBox)
        style = "display:flex;flex-wrap:wrap;gap:0.5em;align-items:center" if row else ""
        return f'<div style="{style}">{inner}</div>'
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        return f"<div>{widget.value}</div>" if widget.value else ""
    if isinstance(widget, widgets.Label):
        return f"<div>{html.escape(widget.value)}</div>" if widget.value else ""
    if isinstance(widget, widgets.Image):
        return image_html(widget)
    if isinstance(widget, widgets.Output):
        return output_html(widget)
    return ""


def control_text(name: str, control: widgets.Widget) -> str | None:
    """Return one control's setting in words, e.g. 'Layer: 2' or '[x] truncation' (None: no value)."""
    if not hasattr(control, "value"):
        return None
    label = getattr(control, "description", "") or name
    if isinstance(control, widgets.Checkbox | widgets.ToggleButton):
        return f"[{'x' if control.value else ' '}] {label}"
    value = getattr(control, "label", None) if hasattr(control, "options") else None
    value = str(control.value if value is None else value)
    value = " / ".join(value.splitlines())
    if len(value) > _MAX_VALUE_CHARS:
        value = value[: _MAX_VALUE_CHARS - 1] + "…"
    if isinstance(control, widgets.Text | widgets.Textarea):
        value = f"“{value}”"
    return f"{label}: {value}"


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

    def live_notebook(self) -> str | None:
        """The notebook in which this widget runs live (from helpers.lessons.LESSONS), or None.

        Override it for a widget that is not a lesson's registered widget."""
        from helpers.lessons import LESSONS

        names = {cls.__name__ for cls in type(self).__mro__}
        return next((f"{lesson.notebook}.ipynb" for lesson in LESSONS if lesson.widget in names),
                    None)

    def snapshot_caption(self) -> str:
        """The controls' current settings in words, e.g. 'Layer: 2 · Head: 5 · [ ] average'."""
        settings = (control_text(name, c) for name, c in self.controls.items())
        return " · ".join(s for s in settings if s)

    def live_sentence(self) -> str:
        """Where to use the widget live, in one sentence."""
        notebook = self.live_notebook()
        where = f"open {notebook}" if notebook else "open its notebook"
        return (f"This is a picture of the widget as it was recorded. To use it, {where} in "
                "JupyterLab (make lab) and run the notebook.")

    def snapshot_html(self) -> str:
        """A static picture of what the view shows now, from the same HTML and images as the
        live view, framed, with the settings as a caption and the sentence about where to
        use it live (the static site, slides and viewers without widgets show this)."""
        caption = html.escape(self.snapshot_caption())
        return (
            f'<div class="{SNAPSHOT_CLASS} {self.css_class}-snapshot" style="{_FRAME}">'
            f'<p style="margin:0.2em 0;color:#444"><b>{type(self).__name__}</b>'
            f"{' · ' + caption if caption else ''}</p>"
            f"{static_html(self.view)}"
            f'<p class="{NOTE_CLASS}" style="margin:0.3em 0;color:#0072B2">'
            f"<i>{html.escape(self.live_sentence())}</i></p></div>"
        )

    def __repr__(self) -> str:
        """One sentence instead of ``VBox(children=...)``: what it is, its settings, where to run it."""
        caption = self.snapshot_caption()
        return (f"{type(self).__name__} (an interactive widget; {caption or 'no settings'}). "
                f"{self.live_sentence()}")

    def _repr_mimebundle_(self, **kwargs):
        """Display the live view, with a static picture and a sentence beside it."""
        bundle = self.view._repr_mimebundle_(**kwargs)
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = repr(self)
        return bundle
