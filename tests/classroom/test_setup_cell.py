"""The setup block of a lesson's first code cell (tools/setup_cell.py), in each of its three
situations, each in a fresh Python process: the course installed (silent), not installed (one
sentence with the pip command), and on Colab (a stand-in `google.colab` module: it runs pip)."""

import importlib.util
import json
import subprocess
import sys

import nbformat
import pytest
from classroom_env import ROOT

spec = importlib.util.spec_from_file_location("setup_cell", ROOT / "tools" / "setup_cell.py")
setup_cell = importlib.util.module_from_spec(spec)
spec.loader.exec_module(setup_cell)

HIDE_HELPERS = "import sys\nsys.modules['helpers'] = None  # as if the course were not installed\n"
# A stand-in for pip: records the command, then "installs" the course (lets helpers import).
FAKE_PIP = """import json, subprocess, sys
def fake_run(command, check=False):
    print("PIP", json.dumps(command))
    del sys.modules['helpers']
subprocess.run = fake_run
"""


def run_block(tmp_path, prelude: str, colab: bool) -> subprocess.CompletedProcess:
    """Run the setup block after `prelude` in a new Python, with a stand-in google.colab
    package on the path if `colab`; afterwards print whether helpers imports."""
    paths = [str(ROOT)]
    if colab:
        (tmp_path / "google" / "colab").mkdir(parents=True)
        (tmp_path / "google" / "colab" / "__init__.py").write_text("")
        paths.insert(0, str(tmp_path))
    code = (f"import sys\nsys.path[:0] = {paths!r}\n{prelude}{setup_cell.SETUP_SOURCE}\n"
            "import helpers\nprint('HELPERS', helpers.__name__)\n")
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)


def test_installed_the_block_is_silent(tmp_path):
    done = run_block(tmp_path, "", colab=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "HELPERS helpers\n" and done.stderr == ""


def test_not_installed_one_sentence_with_the_pip_command(tmp_path):
    done = run_block(tmp_path, HIDE_HELPERS, colab=False)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: This lesson needs the helpers package")
    assert f'pip install "how-transformers-read @ git+{setup_cell.COURSE_GIT_URL}"' in last
    assert last.count(". ") == 0 and last.endswith("restart the kernel.")  # one sentence


def test_on_colab_the_block_installs_the_course(tmp_path):
    done = run_block(tmp_path, HIDE_HELPERS + FAKE_PIP, colab=True)
    assert done.returncode == 0, done.stderr
    pip_line, helpers_line = done.stdout.splitlines()
    command = json.loads(pip_line.removeprefix("PIP "))
    assert command[1:] == ["-m", "pip", "install", "-q",
                           f"how-transformers-read @ git+{setup_cell.COURSE_GIT_URL}"]
    assert helpers_line == "HELPERS helpers"


def test_every_committed_lesson_starts_with_the_block():
    lessons = sorted((ROOT / "notebooks").glob("0*.ipynb"))
    assert len(lessons) >= 6
    assert setup_cell.main(["--check", *map(str, lessons)]) == 0


@pytest.mark.parametrize("notebook", ["01_tokenization.ipynb", "05_freezing.ipynb"])
def test_insert_is_idempotent_and_touches_only_the_first_code_cell(tmp_path, notebook):
    committed = nbformat.read(ROOT / "notebooks" / notebook, 4)
    path = tmp_path / notebook  # the lesson as it was before the block: the block taken out
    before = nbformat.read(ROOT / "notebooks" / notebook, 4)
    original = setup_cell.first_code_cell(before)
    original.source = original.source.split(setup_cell.END, 1)[1].lstrip("\n")
    nbformat.write(before, path)
    assert setup_cell.insert_setup(path) is True
    assert setup_cell.insert_setup(path) is False
    after = nbformat.read(path, 4)
    first = setup_cell.first_code_cell(after)
    assert first.source == setup_cell.SETUP_SOURCE + "\n\n" + original.source
    assert first.source == setup_cell.first_code_cell(committed).source
    assert first.outputs == original.outputs and first.execution_count == original.execution_count
    others = [c for c in after.cells if c is not first]
    assert others == [c for c in before.cells if c is not original]
    assert setup_cell.has_setup(path) and setup_cell.main(["--check", str(path)]) == 0


def test_a_newer_block_replaces_the_old_one(tmp_path):
    old = setup_cell.setup_source("https://example.invalid/old")
    cell = setup_cell.with_setup("import re", old)
    assert setup_cell.with_setup(cell) == setup_cell.SETUP_SOURCE + "\n\nimport re"
