"""Shared fixtures for the robustness tests (issue 9).

`student_session(path)`: the outputs of one notebook played the way students play it (see
tests/notebook_runs.py). As soon as collection ends, the sessions of every notebook the run
has selected start in the background, in parallel subprocesses (two per notebook, one per
kernel; one torch thread each), so they use the CPU while the unit tests wait on other
things; the first test that asks for a session waits for them, and every later one reads
the results.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "notebook_runs.py"
SESSION_TIMEOUT_S = 1800


def _needed_notebooks(session) -> list[Path]:
    needed = set()
    for item in session.items:
        if "student_session" in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            if callspec is not None and "path" in callspec.params:
                needed.add(Path(callspec.params["path"]))
    return sorted(needed)


def _play_all(paths: list[Path], workdir: Path) -> dict[Path, dict]:
    """Play every notebook in `paths` (two jobs each, kernel A and kernel B, a few at a time,
    later lessons first: they are the longest); return {path: merged session result}."""
    parallel = max(1, os.cpu_count() or 1)
    waiting = [(path, part) for path in sorted(paths, reverse=True) for part in "AB"]
    running, parts, started = {}, {}, {}
    while waiting or running:
        while waiting and len(running) < parallel:
            job = waiting.pop(0)
            path, part = job
            out = workdir / f"{path.stem}.{part}.json"
            log = open(workdir / f"{path.stem}.{part}.log", "w")  # noqa: SIM115 (closed below)
            command = [sys.executable, str(RUNNER), str(path), part, str(out)]
            running[job] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), out, log)
            started[job] = time.monotonic()
        for job, (proc, out, log) in list(running.items()):
            if proc.poll() is None and time.monotonic() - started[job] < SESSION_TIMEOUT_S:
                continue
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
            del running[job]
            if proc.returncode == 0 and out.exists():
                parts[job] = json.loads(out.read_text())
            else:
                tail = Path(log.name).read_text()[-3000:]
                parts[job] = {"failed": f"kernel {job[1]} runner exited with {proc.returncode}:\n{tail}"}
        time.sleep(0.5)
    return {path: _merge(parts[(path, "A")], parts[(path, "B")]) for path in paths}


def _merge(a: dict, b: dict) -> dict:
    for part in (a, b):
        if "failed" in part:
            return part
    return {**a, "records": a["records"] + b["records"],
            "seconds": {"A": a["seconds"], "B": b["seconds"]}}


class _Background:
    """The student sessions of a run, played in a background thread started after collection."""

    def __init__(self, paths: list[Path]):
        self.results: dict[Path, dict] = {}
        workdir = Path(tempfile.mkdtemp(prefix="student-sessions-"))
        self.thread = threading.Thread(target=lambda: self.results.update(_play_all(paths, workdir)),
                                       daemon=True)
        self.thread.start()

    def wait(self) -> dict[Path, dict]:
        self.thread.join()
        return self.results


def pytest_collection_finish(session):
    needed = _needed_notebooks(session)
    if needed and not session.config.option.collectonly:
        session.config._student_sessions = _Background(needed)


@pytest.fixture(scope="session")
def _student_sessions(request):
    background = getattr(request.config, "_student_sessions", None)
    return background.wait() if background else {}


@pytest.fixture
def student_session(_student_sessions, path):
    result = _student_sessions.get(Path(path))
    if result is None:  # not selected up front (e.g. run by -k after collection): play it now
        result = _play_all([Path(path)], Path(tempfile.mkdtemp(prefix="student-session-")))[Path(path)]
        _student_sessions[Path(path)] = result
    if "failed" in result:
        pytest.fail(f"could not play {Path(path).name}: {result['failed']}")
    return result


# The course model and tokenizer, loaded once for the whole run and only read by tests
# (a module that needs its own kind, e.g. lesson 4's classifier, defines its own `model`).
@pytest.fixture(scope="session")
def model():
    from helpers.models import load_model

    return load_model()


@pytest.fixture(scope="session")
def tokenizer():
    from helpers.models import load_tokenizer

    return load_tokenizer()


@pytest.fixture(scope="session")
def classifier():
    """The course model with a 2-label classification head (lesson 4), loaded once per run."""
    from helpers.models import load_model

    return load_model("classifier")
