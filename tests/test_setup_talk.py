"""`make setup` talks (issue 19) and takes the CPU build of torch on Linux (issue 17).

The real Makefile runs, with a stand-in `python` in a temporary venv folder that records how
it was called (no pip runs, nothing is downloaded): once with output to a pipe, as in CI,
and once to a terminal (a pseudo-terminal), as on a student's laptop.
"""

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
FAKE_PYTHON = """#!/bin/sh
echo "$*" >> "{log}"
case "$*" in
  "-c "*) echo 3.11.7 ;;
  *--no-index*) exit 1 ;;   # no torch wheel on this disk: the index is used
  *--index-url*) [ -z "$NO_CPU_INDEX" ] || exit 1 ;;
  *helpers.doctor*) echo "All 12 required checks pass: the lessons will run." ;;
esac
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="make and a POSIX shell")


def pinned_packages() -> int:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return sum(bool(re.match(r"^[A-Za-z0-9_.-]+==", line)) for line in lines)


def fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    """A venv folder whose `python` is the stand-in; return (the folder, its call log)."""
    venv, log = tmp_path / "venv", tmp_path / "calls.log"
    (venv / "bin").mkdir(parents=True)
    fake = venv / "bin" / "python"
    fake.write_text(FAKE_PYTHON.format(log=log))
    fake.chmod(0o755)
    return venv, log


def fake_setup(tmp_path: Path, tty: bool, variables: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """Run `make setup` with the stand-in python; return (what make printed, the calls)."""
    venv, log = fake_venv(tmp_path)
    command = ["make", "--no-print-directory", "-B", f"VENV={venv}", *variables, "setup"]
    if tty:
        primary, secondary = pty.openpty()
        proc = subprocess.Popen(command, cwd=ROOT, stdout=secondary, stderr=secondary)
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed: make has finished
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(primary)
        assert proc.wait(60) == 0
        printed = b"".join(chunks).decode().replace("\r\n", "\n")
    else:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        printed = done.stdout
    return printed, log.read_text().splitlines()


def pip_installs(calls: list[str]) -> list[str]:
    return [call for call in calls if call.startswith("-m pip") and " install " in call]


def test_setup_says_what_will_happen_then_the_next_step(tmp_path):
    printed, _ = fake_setup(tmp_path, tty=False, variables=("OS=Linux",))
    lines = printed.strip().splitlines()
    first = lines[0]
    assert first.startswith(f"==> Installing into {tmp_path / 'venv'} (Python 3.11.7)")
    assert f"{pinned_packages()} pinned packages" in first
    assert re.search(r"about \d+ MB to download on Linux", first)
    assert f"torch: the CPU build from {CPU_INDEX}" in first and "GB on disk" in first
    assert [line[:8] for line in lines if line.startswith("==> ")][1:4] == ["==> 1/3 ", "==> 2/3 ",
                                                                          "==> 3/3 "]
    assert lines[-1].startswith("==> Done. Next: make lab") and "00_start_here.ipynb" in lines[-1]


def test_no_progress_bars_in_a_log_and_bars_in_a_terminal(tmp_path):
    _, calls = fake_setup(tmp_path / "pipe", tty=False)
    assert pip_installs(calls) and all("--progress-bar off" in c for c in pip_installs(calls)
                                       if "--no-index" not in c)
    printed, calls = fake_setup(tmp_path / "tty", tty=True)
    assert all("--progress-bar on" in c for c in pip_installs(calls) if "--no-index" not in c)
    assert "Next: make lab" in printed


def test_linux_takes_torch_alone_from_the_cpu_index_first(tmp_path):
    _, calls = fake_setup(tmp_path, tty=False, variables=("OS=Linux",))
    installs = pip_installs(calls)
    disk, index, rest = installs
    assert "--no-index" in disk and disk.endswith("-c constraints.txt torch")
    assert f"--index-url {CPU_INDEX}" in index and "--no-deps" in index
    assert index.endswith("-c constraints.txt torch")
    assert rest.endswith('-c constraints.txt -e .[test]') and "--index-url" not in rest
    assert calls[-1] == "-m helpers.doctor"


def test_no_cpu_build_reachable_stops_setup_with_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_CPU_INDEX", "1")
    venv, _ = fake_venv(tmp_path)
    done = subprocess.run(["make", "--no-print-directory", "-B", f"VENV={venv}", "OS=Linux", "setup"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "No CPU build of torch for this Python" in done.stdout
    assert "TORCH_INDEX=" in done.stdout and "2/3" not in done.stdout


def test_macos_and_an_empty_torch_index_take_pipys_torch(tmp_path):
    printed, calls = fake_setup(tmp_path, tty=False, variables=("OS=Darwin", "TORCH_INDEX="))
    assert len(pip_installs(calls)) == 1
    assert "to download on macOS" in printed and "PyPI's build for macOS" in printed


def test_lab_prints_what_to_open_and_doctor_runs_the_shared_checks():
    lab = subprocess.run(["make", "-n", "-o", ".venv/.installed", "lab"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "00_start_here.ipynb" in lab and "127.0.0.1" in lab
    doctor = subprocess.run(["make", "-n", "-o", ".venv/.installed", "doctor"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert "-m helpers.doctor" in doctor
