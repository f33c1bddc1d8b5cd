"""Slow subprocess jobs of a test run, started in the background as soon as collection ends.

A test module that needs the result of a slow command (a notebook played, a site built, the
progress command run over a class) defines

    def background_jobs(workdir: Path, items: list | None) -> dict[str, Job]

returning the jobs its selected `items` need (None: all of them). tests/conftest.py collects
them from every module of the run when collection ends and starts them here, at most one per
CPU core computing at a time (a job marked `waits`, which mostly sleeps, takes no core), in
the order given by `Job.order` (the longest first); a test then waits only for its own job
(`background(key)`), while the CPU does the rest of the run's work meanwhile. A job that was
not started up front (e.g. a test picked with -k after collection) runs when it is asked for.
"""

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JOB_TIMEOUT_S = 1800


@dataclass
class Job:
    command: list[str]
    log: Path  # the command's stdout; its stderr goes beside it, to <log>.err
    out: Path | None = None  # what the command writes, for the test to read
    cwd: Path = ROOT
    order: int = 0  # smaller starts first
    waits: bool = False  # mostly sleeps (timeouts): does not hold a CPU slot
    env: dict[str, str] = field(default_factory=dict)  # added to this process's environment
    timeout_s: float = JOB_TIMEOUT_S  # then it is killed

    @property
    def errors(self) -> Path:
        return self.log.with_name(self.log.name + ".err")


@dataclass
class Done:
    job: Job
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def tail(self, chars: int = 3000) -> str:
        """The end of what the job printed (both streams), for a failure message."""
        return (self.stdout + self.stderr)[-chars:]

    @property
    def out(self) -> Path | None:
        return self.job.out


class Background:
    """Runs jobs in subprocesses from a scheduler thread; `result(key)` waits for one job."""

    def __init__(self, parallel: int | None = None):
        self.parallel = max(1, parallel or os.cpu_count() or 1)
        self.jobs: dict[str, Job] = {}
        self.done: dict[str, Done] = {}
        self._finished: dict[str, threading.Event] = {}
        self._waiting: list[str] = []
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, jobs: dict[str, Job]) -> None:
        with self._lock:
            for key, job in jobs.items():
                if key in self.jobs:
                    continue
                self.jobs[key] = job
                self._finished[key] = threading.Event()
                self._waiting.append(key)
            self._waiting.sort(key=lambda k: self.jobs[k].order)
            self._lock.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._schedule, daemon=True)
            self._thread.start()

    def result(self, key: str) -> Done:
        self._finished[key].wait()
        return self.done[key]

    def _start(self, key: str):
        job = self.jobs[key]
        job.log.parent.mkdir(parents=True, exist_ok=True)
        with job.log.open("w") as out, job.errors.open("w") as err:  # the child keeps its copies
            proc = subprocess.Popen(job.command, cwd=job.cwd, stdout=out, stderr=err,
                                    env={**os.environ, **job.env})
        return proc, time.monotonic()

    def _schedule(self) -> None:
        running: dict[str, tuple] = {}
        while True:
            with self._lock:
                computing = sum(not self.jobs[k].waits for k in running)
                for key in list(self._waiting):
                    if self.jobs[key].waits or computing < self.parallel:
                        self._waiting.remove(key)
                        running[key] = self._start(key)
                        computing += not self.jobs[key].waits
                if not running:
                    self._lock.wait(timeout=1)
                    continue
            for key, (proc, started) in list(running.items()):
                timed_out = time.monotonic() - started > self.jobs[key].timeout_s
                if proc.poll() is None and not timed_out:
                    continue
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
                del running[key]
                job = self.jobs[key]
                self.done[key] = Done(job, proc.returncode, job.log.read_text(errors="replace"),
                                      job.errors.read_text(errors="replace"),
                                      round(time.monotonic() - started, 1))
                self._finished[key].set()
            time.sleep(0.2)
