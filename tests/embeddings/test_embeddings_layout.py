"""Lesson 2's package keeps to the course layout: pure compute modules, no second model."""

import ast
from pathlib import Path

import import_probe

import helpers.embeddings

PACKAGE = Path(helpers.embeddings.__file__).resolve().parent
PURE = ["compute", "vectors", "inputs", "sentences", "explorer"]


PURE_GROUP = import_probe.register(*(f"helpers.embeddings.{m}" for m in PURE))


def test_compute_modules_load_neither_matplotlib_nor_ipython():
    assert import_probe.heavy_loaded(*PURE_GROUP) == []


def test_no_helper_of_lesson_2_loads_a_model_of_its_own():
    for path in PACKAGE.glob("*.py"):
        assert "load_model" not in path.read_text(), f"{path.name} loads a second copy of the model"


def test_modules_and_functions_are_short():
    for path in PACKAGE.glob("*.py"):
        source = path.read_text()
        assert source.count("\n") < 300, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef):
                assert node.end_lineno - node.lineno < 50, f"{path.name}: {node.name}"


def test_every_public_name_is_exported():
    from helpers.embeddings import compute

    assert set(compute.__all__) <= set(helpers.embeddings.__all__)
    for name in helpers.embeddings.__all__:
        assert getattr(helpers.embeddings, name) is not None
