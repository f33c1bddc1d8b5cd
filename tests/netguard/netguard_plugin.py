"""pytest plugin: the whole test run, notebooks and their kernels included, is offline.

Loaded by the root conftest.py (`pytest_plugins`). It
- cuts the network in the pytest process (course_netguard.install()),
- makes every child Python process do the same (PYTHONPATH gets this folder, so Python runs
  its sitecustomize.py at start-up: nbval's and nbclient's kernels, JupyterLab, subprocesses),
- gives them a shared log file, and fails the test (or nbval cell) during which any process
  logged a refused attempt, even one a library caught and hid; and fails the session if an
  attempt happened outside any test.
Tests that try a connection on purpose wrap it in `course_netguard.expected()` or give their
subprocess another log file.
"""

import os
import tempfile
from pathlib import Path

import course_netguard
import pytest

HERE = str(Path(__file__).resolve().parent)


def _log_path() -> Path | None:
    log = os.environ.get(course_netguard.LOG_ENV)
    return Path(log) if log else None


def _read_log_from(offset: int) -> str:
    log = _log_path()
    if log is None or not log.exists():
        return ""
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        return f.read()


def _log_size() -> int:
    log = _log_path()
    return log.stat().st_size if log is not None and log.exists() else 0


def pytest_configure(config):
    course_netguard.install()
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if HERE not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([HERE, *paths])
    if not os.environ.get(course_netguard.LOG_ENV):
        fd, log = tempfile.mkstemp(prefix="course-netguard-", suffix=".log")
        os.close(fd)
        os.environ[course_netguard.LOG_ENV] = log
        config._course_netguard_log = log  # this process made it, so it removes it


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    start = _log_size()
    result = yield
    attempts = _read_log_from(start)
    if attempts:
        raise course_netguard.NetworkBlockedError(
            "a process tried to reach the network during this test:\n" + attempts
        )
    return result


def pytest_sessionfinish(session, exitstatus):
    attempts = _read_log_from(0)
    if attempts:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_sep("=", "network attempts refused during this run", red=True)
            reporter.write_line(attempts)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    log = getattr(config, "_course_netguard_log", None)
    if log:
        Path(log).unlink(missing_ok=True)
        os.environ.pop(course_netguard.LOG_ENV, None)


def pytest_report_header(config):
    return f"network: cut except loopback (course_netguard, log {_log_path()})"
