"""Shared fixtures for the whole run: the slow jobs started in the background, the student
sessions, the course model and tokenizer.

Background jobs (tests/background.py): as soon as collection ends, every slow subprocess the
selected tests need (each notebook played the way students play it, the worked solutions
run, the site and slides built, the progress command run over a class) starts in the
background, at most one per CPU core computing at a time, so the CPU does them while the
other tests wait on other things (a kernel starting, a browser drawing). A test waits only
for its own job. A test module asks for jobs with a `background_jobs(workdir, items)`
function and reads them with the `background` fixture.

`student_session(path)`: the outputs of one notebook played the way students play it (see
tests/notebook_runs.py): two jobs per notebook (one per kernel; one torch thread each).
"""

import json
import sys
import tempfile
from pathlib import Path

import pytest
from background import Background, Job

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "notebook_runs.py"


def _needed_notebooks(items) -> list[Path]:
    needed = set()
    for item in items:
        if "student_session" in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            if callspec is not None and "path" in callspec.params:
                needed.add(Path(callspec.params["path"]))
    return sorted(needed)


def _session_key(path: Path, part: str) -> str:
    return f"session {path.stem} {part}"


def session_jobs(workdir: Path, paths: list[Path]) -> dict[str, Job]:
    """Kernel A and kernel B of every notebook in `paths`, later lessons first (the longest)."""
    jobs = {}
    for rank, path in enumerate(sorted(paths, reverse=True)):
        for part in "BA":  # B (every cell twice) is the longer half
            out = workdir / f"{path.stem}.{part}.json"
            jobs[_session_key(path, part)] = Job(
                [sys.executable, str(RUNNER), str(path), part, str(out)],
                log=workdir / f"{path.stem}.{part}.log", out=out, order=rank)
    return jobs


def _session_result(background: Background, path: Path) -> dict:
    parts = {}
    for part in "AB":
        key = _session_key(path, part)
        done = background.result(key)
        if done.returncode != 0 or not done.out.exists():
            return {"failed": f"kernel {part} runner exited with {done.returncode}:\n{done.tail()}"}
        parts[part] = json.loads(done.out.read_text())
    a, b = parts["A"], parts["B"]
    return {**a, "records": a["records"] + b["records"],
            "seconds": {"A": a["seconds"], "B": b["seconds"]}}


def pytest_collection_finish(session):
    if session.config.option.collectonly:
        return
    background = session.config._background = Background()
    workdir = Path(tempfile.mkdtemp(prefix="background-jobs-"))
    background.add(session_jobs(workdir, _needed_notebooks(session.items)))
    by_module: dict = {}
    for item in session.items:
        module = getattr(item, "module", None)
        if module is not None and hasattr(module, "background_jobs"):
            by_module.setdefault(module, []).append(item)
    for module, items in by_module.items():
        background.add(module.background_jobs(workdir, items))


@pytest.fixture(scope="session")
def _background(request) -> Background:
    if getattr(request.config, "_background", None) is None:
        request.config._background = Background()
    return request.config._background


@pytest.fixture(scope="module")
def background(request, _background):
    """`background(key)`: the finished job `key` of this module's `background_jobs` (a
    `background.Done`); a job not started when collection ended starts now."""

    def result(key: str):
        if key not in _background.jobs:
            workdir = Path(tempfile.mkdtemp(prefix="background-job-"))
            _background.add(request.module.background_jobs(workdir, None))
        return _background.result(key)

    return result


@pytest.fixture(scope="session")
def _student_sessions() -> dict[Path, dict]:
    return {}


@pytest.fixture
def student_session(_background, _student_sessions, path):
    path = Path(path)
    if path not in _student_sessions:
        if _session_key(path, "A") not in _background.jobs:  # not selected up front (-k): play it now
            _background.add(session_jobs(Path(tempfile.mkdtemp(prefix="student-session-")), [path]))
        _student_sessions[path] = _session_result(_background, path)
    result = _student_sessions[path]
    if "failed" in result:
        pytest.fail(f"could not play {path.name}: {result['failed']}")
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
