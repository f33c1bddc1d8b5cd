"""The course's lessons, in order, and where each one's code lives: the one registry that the
tests and the bench read (they never guess a widget or a check by its name)."""

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Lesson:
    """One notebook, the helpers package of its idea, the class name of its widget, and the
    kind of model (see helpers.models.load_model) the widget is built with."""

    notebook: str
    package: str | None = None
    widget: str | None = None
    model_kind: str = "encoder"

    def module(self, name: str) -> ModuleType:
        """Import and return this lesson's `compute`, `plots`, `widget` or `exercises` module
        (`widget` only for a lesson whose entry names a widget)."""
        return importlib.import_module(f"{self.package}.{name}")

    def widget_class(self) -> type | None:
        """Return the lesson's widget class (None for a lesson without one)."""
        return getattr(self.module("widget"), self.widget) if self.widget else None

    def checks(self) -> dict:
        """Return {name: check function} for every exercise check of the lesson."""
        if self.package is None:
            return {}
        exercises = self.module("exercises")
        return {name: getattr(exercises, name) for name in exercises.CHECKS}


LESSONS = (
    Lesson("00_start_here"),
    Lesson("01_tokenization", "helpers.tokens", "TokenizerPlayground"),
    Lesson("02_embeddings", "helpers.embeddings", "EmbeddingExplorer"),
    Lesson("03_attention", "helpers.attention", "AttentionExplorer"),
    Lesson("04_inside_a_layer", "helpers.layers"),
    Lesson("05_freezing", "helpers.training", "FreezingPanel", "classifier"),
)
