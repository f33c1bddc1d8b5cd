"""`pip install <the course>` alone runs every lesson: the wheel, installed in a fresh venv (no
clone on the path, no editable install), runs the lesson notebooks copied to a temporary
folder, under strict nbval, with the network cut."""

import shutil
import subprocess

import pytest
from classroom_env import ROOT, clean_env

from helpers.lessons import LESSONS

pytestmark = pytest.mark.classroom


def test_the_installed_package_is_not_the_clone(course_venv, tmp_path):
    probe = ("import helpers, helpers.paths as p; print(helpers.__file__); "
             "print(sorted(f.name for f in p.DATA_DIR.iterdir()))")
    done = subprocess.run([str(course_venv["bin"] / "python"), "-c", probe], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, check=True)
    where, data = done.stdout.splitlines()
    assert "site-packages" in where and str(ROOT) not in where
    shipped = sorted(f.name for f in (ROOT / "helpers" / "data").iterdir())
    assert data == repr(shipped)


def test_copied_notebooks_pass_strict_nbval(course_venv, tmp_path):
    for lesson in LESSONS:
        shutil.copy(ROOT / "notebooks" / f"{lesson.notebook}.ipynb", tmp_path)
    command = [str(course_venv["bin"] / "python"), "-m", "pytest", "--nbval", "--nbval-current-env",
               "-p", "no:cacheprovider", "-q", *sorted(p.name for p in tmp_path.glob("*.ipynb"))]
    done = subprocess.run(command, cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failed" not in done.stdout
