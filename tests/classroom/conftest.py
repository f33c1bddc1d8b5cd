"""Fixtures of the classroom tests (issue 17): the course built as a wheel and installed, with
the JupyterHub extra, into a fresh venv under a temporary folder, as a student's machine or a
single-user image would have it.

These tests take minutes (the install alone is about 1.5 min), so a plain `pytest` skips them;
run them with `pytest tests/classroom -m classroom` (the lead's `make test-classroom`).

The venv is made by this machine's ordinary pip (its config finds the CPU build of torch on
disk; constraints.txt pins torch==2.13.0, never a CUDA build) and by npm for the proxy. Those
two steps may reach the package registries; everything after them runs with the network cut
(tests/netguard on PYTHONPATH, loopback only).
Set COURSE_CLASSROOM_VENV=/some/venv to reuse a venv made by an earlier run (development only).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from classroom_env import ROOT, clean_env


def pytest_collection_modifyitems(config, items):
    if "classroom" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="minutes long: run with `pytest tests/classroom -m classroom`")
    for item in items:
        if item.get_closest_marker("classroom"):
            item.add_marker(skip)


def _run(command, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command[:4]} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="session")
def course_wheel(tmp_path_factory) -> Path:
    """The course built as a wheel, as pip builds it anywhere (an isolated setuptools>=68)."""
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
         cwd=out, env=clean_env(PYTHONPATH=""))
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' leftovers in the clone
    return next(out.glob("how_transformers_read-*.whl"))


@pytest.fixture(scope="session")
def course_venv(tmp_path_factory, course_wheel) -> dict:
    """A fresh venv holding the course wheel and its `[hub]` extra (no editable install), then
    pytest and nbval; returns {"bin": Path, "install_s": float, "size_mb": float}, the size
    measured before the test tools went in (what a single-user image installs)."""
    reuse = os.environ.get("COURSE_CLASSROOM_VENV")
    if reuse and (Path(reuse) / "bin" / "jupyterhub").exists():
        return {"bin": Path(reuse) / "bin", "install_s": None, "size_mb": None}
    venv = tmp_path_factory.mktemp("venv") / "course"
    start = time.monotonic()
    _run([sys.executable, "-m", "venv", str(venv)])
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt")]
    _run([*pip, f"{course_wheel}[hub]"], cwd=venv, env=clean_env(PYTHONPATH=""))
    install_s = time.monotonic() - start
    size_mb = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink()) / 2**20
    _run([*pip, "pytest", "nbval"], cwd=venv, env=clean_env(PYTHONPATH=""))
    print(f"\nfresh course venv: {install_s:.0f} s to install, {size_mb:.0f} MB")
    return {"bin": venv / "bin", "install_s": install_s, "size_mb": size_mb}


@pytest.fixture(scope="session")
def proxy_installed() -> Path:
    """configurable-http-proxy from npm, as pinned in deploy/package-lock.json."""
    proxy = ROOT / "deploy" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists():
        _run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(ROOT / "deploy")])
    return proxy

