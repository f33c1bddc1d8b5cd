"""The package's layout keeps its promises: one folder per idea with the same modules, small
modules and functions, pure computations that load no plotting, and widgets that leave the
process and the model as they found them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from helpers import LESSONS

HELPERS = Path(__file__).resolve().parents[2] / "helpers"
IDEAS = sorted(p.parent.name for p in HELPERS.glob("*/compute.py"))
MODULES = sorted(p for p in HELPERS.rglob("*.py") if "data" not in p.parts)
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 300, 50


def test_every_lesson_has_one_folder_with_the_same_modules():
    lessons = [lesson for lesson in LESSONS if lesson.package]
    assert sorted(lesson.package.split(".")[1] for lesson in lessons) == IDEAS
    for lesson in lessons:
        idea = lesson.package.split(".")[1]
        needed = ("__init__", "compute", "plots", "exercises") + (("widget",) if lesson.widget else ())
        for module in needed:
            assert (HELPERS / idea / f"{module}.py").is_file(), f"helpers/{idea}/{module}.py is missing"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(HELPERS)) for p in MODULES])
def test_modules_and_functions_stay_small(path):
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_MODULE_LINES, f"{path.name}: split it by idea"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length < MAX_FUNCTION_LINES, f"{node.name} is {length} lines: split it"


@pytest.mark.parametrize("idea", IDEAS)
def test_computations_load_no_plotting_and_no_ipython(idea):
    code = (f"import sys, helpers.{idea}.compute\n"
            "print(sorted(m for m in ('matplotlib', 'IPython', 'ipywidgets') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]", f"import helpers.{idea}.compute loaded {loaded}"


@pytest.mark.parametrize("idea", IDEAS)
def test_a_lessons_imports_load_no_pyplot(idea):
    """A lesson's Setup cell imports its names from helpers: that must not cost pyplot (or a
    matplotlib Figure), which the lesson's first plot imports (bench: Setup-cell target)."""
    code = (f"import sys, importlib, helpers\npkg = importlib.import_module('helpers.{idea}')\n"
            "[getattr(m, n) for m in (pkg, helpers) for n in m.__all__]\n"
            "print(sorted(m for m in ('matplotlib.pyplot', 'matplotlib.figure', 'sklearn') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]", f"the public names of helpers.{idea} loaded {loaded}"


def test_every_public_name_is_re_exported_by_its_idea_package():
    import importlib

    for idea in IDEAS:
        package = importlib.import_module(f"helpers.{idea}")
        for name in package.__all__:
            assert getattr(package, name) is not None, f"helpers.{idea}.{name}"


def process_state(model) -> tuple:
    """What a widget must leave alone: thread count, deterministic flag, requires_grad flags."""
    return (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled(),
            [p.requires_grad for p in model.parameters()])


@pytest.mark.parametrize("lesson", [lesson for lesson in LESSONS if lesson.widget],
                         ids=lambda lesson: lesson.widget)
def test_building_and_updating_a_widget_changes_nothing_outside_it(lesson, tokenizer, model,
                                                                   classifier):
    chosen = classifier if lesson.model_kind == "classifier" else model
    before = process_state(chosen)
    widget = lesson.widget_class()(tokenizer, chosen)
    widget.update()
    for control in widget.controls.values():  # one real change of every kind of control
        if not hasattr(control, "value"):
            control.click()
        elif isinstance(control.value, bool):
            control.value = not control.value
        elif isinstance(control.value, int) and hasattr(control, "max"):
            control.value = control.max
    widget.update()
    assert process_state(chosen) == before
