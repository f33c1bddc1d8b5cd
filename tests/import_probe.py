"""What importing a group of modules loads of matplotlib, IPython and ipywidgets, as if each
group were imported in a fresh interpreter: the tests that promise "pure" modules ask here.

Every test module registers its groups when it is collected (`register`); the first test that
asks (`heavy_loaded`) imports ALL registered groups, one after the other, in ONE new
interpreter, instead of one interpreter (and one torch import) per test. That is the same
answer as a fresh interpreter per group: a group is checked right after it is imported, and
the probe stops at the first group that loaded one of these (or failed to import), so every
group checked before it ran in an interpreter that had none of them loaded; the rest then get
a new interpreter.
"""

import json
import subprocess
import sys

HEAVY = ("matplotlib", "IPython", "ipywidgets")
PROBE = f"""
import importlib, json, sys
for group in json.loads(sys.argv[1]):
    for name in group:
        importlib.import_module(name)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
    print(json.dumps(sorted({{m.split(".")[0] for m in loaded}})), flush=True)
    if loaded:
        break
"""

_registered: list[tuple[str, ...]] = []
_results: dict[tuple[str, ...], list[str] | str] = {}  # a list, or why the import failed


def register(*modules: str) -> tuple[str, ...]:
    """Register a group of modules (imported together); return its key for heavy_loaded."""
    if modules not in _registered:
        _registered.append(modules)
    return modules


def heavy_loaded(*modules: str) -> list[str]:
    """The names in HEAVY that importing `modules` (together) loads, sorted."""
    group = register(*modules)
    if group not in _results:
        _probe([g for g in _registered if g not in _results])
    result = _results[group]
    if isinstance(result, str):
        raise AssertionError(f"importing {', '.join(group)} failed:\n{result}")
    return result


def _probe(groups: list[tuple[str, ...]]) -> None:
    while groups:
        run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(groups)],
                             capture_output=True, text=True)
        answered = [json.loads(line) for line in run.stdout.splitlines()]
        _results.update(zip(groups, answered, strict=False))
        if run.returncode != 0:  # the next group failed to import
            _results[groups[len(answered)]] = run.stderr[-3000:]
            answered.append(None)
        groups = groups[len(answered):]
