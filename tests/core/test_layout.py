"""The package's layout keeps its promises: one folder per idea with the same modules, small
modules and functions, pure computations that load no plotting, and widgets that leave the
process and the model as they found them."""

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import import_probe
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


for _idea in IDEAS:  # checked in one interpreter with every other test's groups (import_probe)
    import_probe.register(f"helpers.{_idea}.compute")


@pytest.mark.parametrize("idea", IDEAS)
def test_computations_load_no_plotting_and_no_ipython(idea):
    loaded = import_probe.heavy_loaded(f"helpers.{idea}.compute")
    assert loaded == [], f"import helpers.{idea}.compute loaded {loaded}"


@functools.cache
def _setup_imports() -> dict[str, list[str]]:
    """{idea: what of pyplot, a matplotlib Figure and sklearn is loaded once the names of
    helpers and of helpers.<idea> (and of every idea before it) are loaded}, in one interpreter."""
    code = ("import importlib, json, sys, helpers\nfor idea in sys.argv[1:]:\n"
            "    pkg = importlib.import_module('helpers.' + idea)\n"
            "    [getattr(m, n) for m in (pkg, helpers) for n in m.__all__]\n"
            "    print(json.dumps([idea, sorted(m for m in ('matplotlib.pyplot', 'matplotlib.figure',"
            " 'sklearn') if m in sys.modules)]), flush=True)")
    out = subprocess.run([sys.executable, "-c", code, *IDEAS], capture_output=True, text=True,
                         check=True).stdout
    return dict(json.loads(line) for line in out.splitlines())


@pytest.mark.parametrize("idea", IDEAS)
def test_a_lessons_imports_load_no_pyplot(idea):
    """A lesson's Setup cell imports its names from helpers: that must not cost pyplot (or a
    matplotlib Figure), which the lesson's first plot imports (bench: Setup-cell target).
    One interpreter loads the ideas in turn: the first idea that fails is the one to blame."""
    loaded = _setup_imports()[idea]
    assert loaded == [], f"the public names of helpers.{idea} (or an idea before it) loaded {loaded}"


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
