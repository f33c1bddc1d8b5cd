"""Lesson 4, section 11: the freezing panel.

Tick the blocks that may train; the bar shows trainable against frozen parameters at once.
Each click of the button trains a *fresh* copy of the pretrained model (never the model the
panel was given, never the copy of the click before) with the ticked blocks, at a learning
rate suited to them, and reports training and validation accuracy and the time it took.
"""

import html
import time

import ipywidgets as widgets

from helpers.style import GROUP_COLOURS
from helpers.training.compute import (
    FreezeSummary,
    block_names,
    block_of,
    freezing_summary,
    set_trainable_blocks,
)
from helpers.training.fitting import evaluate_model, fit_model, fresh_model, learning_rate_for
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


def train_choice(pristine, data: dict, blocks, epochs: int = 2, seed: int = 0) -> dict:
    """Train a fresh copy of `pristine` (new head from `seed`) with only `blocks` trainable, for
    `epochs` epochs over data['train']; return its accuracies, learning rate and the seconds
    the whole run took (copying, training, measuring)."""
    start = time.perf_counter()
    num_labels = int(data["train"].labels.max()) + 1
    model = fresh_model(pristine, "full fine-tuning", seed, num_labels)
    set_trainable_blocks(model, blocks)
    lr = learning_rate_for(model, blocks)
    curve = fit_model(model, data["train"], data["validation"], lr, seed, max_epochs=epochs, patience=epochs)
    result = {"train_acc": evaluate_model(model, data["train"])[1], "lr": lr,
              "val_acc": curve.val_acc[curve.best_epoch - 1]}  # measured after the kept epoch
    del model
    return {**result, "seconds": time.perf_counter() - start}


class FreezingPanel(CourseWidget):
    """One checkbox per block (ticked = trainable), a bar of trainable against frozen
    parameters, and (with `data` from encode_splits) a button that trains a fresh copy of
    `model` on `train_examples` training sentences. The boxes start as `trainable` says (block
    names; default: as `model`'s own flags are). `model` itself is never changed."""

    css_class = "freezing-panel"

    def __init__(self, tokenizer, model, data=None, train_examples: int = 48, epochs: int = 2,
                 trainable=None):
        self.model, self.epochs = model, epochs
        self.data = None if data is None else {
            "train": data["train"].subset(train_examples), "validation": data["validation"]}
        trainable_now = dict.fromkeys(block_names(model), False)
        for name, param in model.named_parameters():
            trainable_now[block_of(name)] |= bool(param.requires_grad)
        if trainable is not None:
            freezing_summary(model, trainable)  # refuses unknown block names, in words
            trainable_now = {name: name in set(trainable) for name in trainable_now}
        controls = {name: self._checkbox(name, value) for name, value in trainable_now.items()}
        self.button = widgets.Button(description="Train a fresh copy", icon="play",
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

    @staticmethod
    def _checkbox(name: str, value: bool) -> widgets.Checkbox:
        box = widgets.Checkbox(value=value, description=name, indent=False,
                               layout=widgets.Layout(width="150px"))
        box.add_class("freezing-block")
        box.add_class("freezing-block-" + name.replace(" ", "-"))
        return box

    def chosen(self) -> list[str]:
        """Return the ticked blocks, in model order."""
        return [name for name, box in self.controls.items() if box.value]

    def update(self, change=None) -> FreezeSummary:
        """Count what the ticked blocks would train and redraw the bar (the model is not touched)."""
        self.summary = freezing_summary(self.model, self.chosen())
        self.outputs["summary"].value = freezing_bar_html(self.summary)
        self.button.disabled = self.data is None or not self.summary.can_train
        return self.summary

    def train(self, _=None) -> str:
        """Train a fresh copy with the ticked blocks; return the report shown."""
        summary, report = self.summary or self.update(), self.outputs["report"]
        if self.data is None:
            report.value = "No data was given to this panel, so it cannot train."
        elif not summary.can_train:
            report.value = html.escape(summary.message)
        else:
            self.button.disabled, report.value = True, "training a fresh copy..."
            try:
                r = train_choice(self.model, self.data, self.chosen(), self.epochs)
                report.value = (
                    f"A fresh copy, {summary.trainable:,} trainable parameters, {self.epochs} epochs on "
                    f"{len(self.data['train'])} sentences at learning rate {r['lr']:g}: "
                    f"{r['seconds']:.1f} s. Accuracy: training {r['train_acc']:.3f}, "
                    f"validation {r['val_acc']:.3f}.")
            finally:
                self.button.disabled = False
        return report.value
