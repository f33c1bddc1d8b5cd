"""The interactive widget of lesson 4 (training)."""

import html

import ipywidgets as widgets

from helpers.style import GROUP_COLOURS
from helpers.training.compute import (
    FreezeSummary,
    accuracy,
    block_names,
    block_of,
    fit,
    freezing_summary,
)
from helpers.widget import CourseWidget


def freezing_bar_html(summary: FreezeSummary) -> str:
    """Return a horizontal bar, trainable (coloured) against frozen (grey), with the message."""
    share = 100 * summary.trainable / summary.total if summary.total else 0.0
    width = 0.0 if summary.trainable == 0 else min(100.0, max(share, 0.6))  # a sliver stays visible
    bar = (
        '<div class="freezing-bar" style="display:flex;height:26px;width:100%;max-width:640px;'
        'border:1px solid #888;border-radius:4px;overflow:hidden">'
        f'<div class="freezing-bar-trainable" style="width:{width:.2f}%;background:{GROUP_COLOURS[0]}"></div>'
        f'<div class="freezing-bar-frozen" style="flex:1;background:#BBBBBB"></div></div>'
    )
    counts = (f"<b>trainable</b> {summary.trainable:,} &nbsp; <b>frozen</b> {summary.frozen:,} "
              f"&nbsp; <b>total</b> {summary.total:,}")
    return f"{bar}<div>{counts}</div><div class='freezing-message'>{html.escape(summary.message)}</div>"


class FreezingPanel(CourseWidget):
    """A panel with one checkbox per block (ticked = trainable) that shows trainable against
    frozen parameters; with `data` (from encode_splits), a button trains one short epoch on
    `train_examples` training sentences and reports validation accuracy before and after."""

    css_class = "freezing-panel"

    def __init__(self, tokenizer, model, data=None, lr: float = 1e-3, train_examples: int = 48):
        self.model, self.data, self.lr, self.train_examples = model, data, lr, train_examples
        trainable_now = dict.fromkeys(block_names(model), False)
        for name, param in model.named_parameters():
            trainable_now[block_of(name)] |= bool(param.requires_grad)
        controls = {}
        for name, value in trainable_now.items():
            box = widgets.Checkbox(value=value, description=name, indent=False,
                                   layout=widgets.Layout(width="150px"))
            box.add_class("freezing-block")
            box.add_class("freezing-block-" + name.replace(" ", "-"))
            controls[name] = box
        self.button = widgets.Button(description="Train one short epoch", icon="play",
                                     layout=widgets.Layout(width="220px"))
        self.button.add_class("freezing-train")
        self.button.on_click(self.train)
        self.outputs = {"summary": widgets.HTML(), "report": widgets.HTML(
            "" if data is not None else "<i>(pass data= to train from here)</i>")}
        self.outputs["summary"].add_class("freezing-summary")
        self.outputs["report"].add_class("freezing-report")
        grid = widgets.GridBox(list(controls.values()),
                               layout=widgets.Layout(grid_template_columns="repeat(3, 160px)"))
        title = widgets.HTML("<b>Tick a block to let it train; untick to freeze it.</b>")
        view = widgets.VBox([title, grid, self.outputs["summary"], widgets.HBox([self.button]),
                             self.outputs["report"]])
        self.summary = None
        super().__init__(controls, view)
        self.update()

    def update(self, change=None) -> FreezeSummary:
        """Apply the ticked blocks and redraw the trainable/frozen bar."""
        chosen = [name for name, box in self.controls.items() if box.value]
        self.summary = freezing_summary(self.model, chosen)
        self.outputs["summary"].value = freezing_bar_html(self.summary)
        self.button.disabled = self.data is None or not self.summary.can_train
        return self.summary

    def train(self, _=None) -> str:
        """Train one short epoch with the ticked blocks; return the report shown."""
        summary, data, report = self.summary or self.update(), self.data, self.outputs["report"]
        if data is None:
            report.value = "No data was given to this panel, so it cannot train."
        elif not summary.can_train:
            report.value = html.escape(summary.message)
        else:
            self.button.disabled = True
            report.value = "training..."
            try:
                subset = {"train": data["train"].subset(self.train_examples),
                          "validation": data["validation"]}
                before = accuracy(self.model, data["validation"])
                history = fit(self.model, subset, "panel", epochs=1, lr=self.lr, progress=False)
                report.value = (
                    f"One epoch on {len(subset['train'])} sentences, {summary.trainable:,} trainable "
                    f"parameters: {history.seconds[0]:.2f} s. Validation accuracy "
                    f"{before:.3f} → {history.val_acc[0]:.3f}."
                )
            finally:
                self.button.disabled = False
        return report.value
