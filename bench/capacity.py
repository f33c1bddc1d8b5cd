"""How many students one machine serves: N simulated students on the classroom hub (deploy/)
run one lesson at the same moment, each in their own server and kernel, as a class does when
the instructor says "Run All".

    python -m bench.capacity --venv /tmp/course-venv [--students 10] [--lessons 03_attention 05_freezing]

`--venv` is a venv with the course and its `[hub]` extra (pip install -c constraints.txt
".[hub]"), and `npm ci --prefix deploy` must have installed the proxy. For each lesson: a fresh
hub, every student's server started and the course pulled through nbgitpuller from a local git
repository, then all students run the lesson at once (REST API + kernel websocket) and their
outputs are compared with the committed ones. A sampler reads, twice a second, the resident
memory (RSS) of each student's server plus its kernel, and their CPU time.
Prints a markdown table (docs/classroom.md keeps it) and, with --json, writes the figures.
"""

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from deploy.hubrun import ClassroomHub, processes_in
from deploy.students import differences, make_course_repo, pull_course, run_lesson

ROOT = Path(__file__).resolve().parent.parent
WAIT_TARGET_S = 120  # planning: everyone who presses Run All together is done within 2 minutes


class Sampler(threading.Thread):
    """Every `every_s` seconds: each student's server + kernel RSS (peak kept) and CPU seconds
    (per process, the last reading kept, so a kernel that has exited still counts). The machine
    is shared: if its available memory falls under `min_free_gb`, every kernel is killed (the
    run is then reported as aborted) before the kernel's out-of-memory killer picks a victim."""

    def __init__(self, hub, every_s: float = 0.5, min_free_gb: float = 2.0):
        super().__init__(daemon=True)
        self.hub, self.every_s, self.min_free = hub, every_s, min_free_gb * 2**30
        self.peak_rss, self.cpu = {}, {}  # {user: bytes}, {user: {pid: seconds}}
        self.done, self.aborted = threading.Event(), None

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            if psutil.virtual_memory().available < self.min_free and not self.aborted:
                self.aborted = f"available memory fell under {self.min_free / 2**30:.1f} GB"
                for tree in self.trees().values():
                    for kernel in tree[1:]:
                        with contextlib.suppress(psutil.Error):
                            kernel.kill()
            self.done.wait(self.every_s)

    def sample(self) -> None:
        """Read every student's server + kernel memory and CPU time once."""
        for user, tree in self.trees().items():
            rss = 0
            for proc in tree:
                try:
                    rss += proc.memory_info().rss
                    times = proc.cpu_times()
                    self.cpu.setdefault(user, {})[proc.pid] = times.user + times.system
                except psutil.Error:
                    continue
            self.peak_rss[user] = max(rss, self.peak_rss.get(user, 0))

    def trees(self) -> dict[str, list[psutil.Process]]:
        """Return {student: [their server process, its children]} as they are now."""
        found = {}
        for proc in processes_in(self.hub.state):
            try:
                if "singleuser" in " ".join(proc.cmdline()):
                    found[proc.environ()["JUPYTERHUB_USER"]] = [proc, *proc.children(recursive=True)]
            except (psutil.Error, KeyError):
                continue
        return found

    def cpu_s(self, user: str) -> float:
        return sum(self.cpu.get(user, {}).values())


def start_class(hub, repo: str) -> dict[str, str]:
    """Start every student's server (all at once), pull the course into each home; return
    {student: token}."""
    for student in hub.students:
        hub.api("POST", f"/users/{student}/server")
    tokens = {}
    for student in hub.students:
        hub.start_server(student)  # waits until ready (already requested above)
        tokens[student] = hub.user_token(student)
        pull_course(hub, student, tokens[student], repo)
    return tokens


def run_class(hub, tokens: dict, notebook: str) -> dict:
    """Every student runs `notebook` at once; return per-student wall seconds, peak server+kernel
    RSS in MB, CPU seconds, output mismatches, and the idle servers' RSS before the run."""
    sampler = Sampler(hub)
    idle = {u: sum(p.memory_info().rss for p in tree) for u, tree in sampler.trees().items()}
    barrier = threading.Barrier(len(tokens))

    def student(name: str) -> tuple[float, list]:
        barrier.wait()
        start = time.monotonic()
        try:
            outputs = run_lesson(hub, name, tokens[name], notebook)
        except Exception as err:  # a killed kernel (memory guard) or a broken connection
            return time.monotonic() - start, [f"did not finish: {err!r}"[:300]]
        return time.monotonic() - start, differences(ROOT / "notebooks" / notebook, outputs)

    sampler.start()
    with ThreadPoolExecutor(len(tokens)) as pool:
        results = dict(zip(tokens, pool.map(student, tokens), strict=True))
    sampler.done.set()
    sampler.join()
    if sampler.aborted:
        print(f"ABORTED: {sampler.aborted}; every kernel was stopped", flush=True)
    return {name: {"wall_s": wall, "peak_mb": sampler.peak_rss.get(name, 0) / 2**20,
                   "cpu_s": sampler.cpu_s(name), "idle_mb": idle.get(name, 0) / 2**20,
                   "mismatches": problems} for name, (wall, problems) in results.items()}


def measure(venv: Path, notebook: str, students: int, workdir: Path) -> dict:
    """One lesson, one fresh hub: return the per-student figures and the machine's load."""
    (workdir / "repo").mkdir(parents=True)
    repo = make_course_repo(ROOT, workdir / "repo")
    names = [f"student{i:02d}" for i in range(1, students + 1)]
    hub = ClassroomHub(venv / "bin", workdir / "state", names)
    load_before = os.getloadavg()
    try:
        hub.start()
        tokens = start_class(hub, repo)
        per_student = run_class(hub, tokens, notebook)
    finally:
        hub.stop()
    return {"notebook": notebook, "students": per_student,
            "load_before": load_before, "load_after": os.getloadavg()}


def summary(run: dict) -> dict:
    """Reduce one lesson's run to the planning figures of the table."""
    people = run["students"].values()
    peak = max(p["peak_mb"] for p in people)
    cpu = statistics.median(p["cpu_s"] for p in people)
    return {"notebook": run["notebook"], "n": len(people),
            "slowest_s": max(p["wall_s"] for p in people),
            "median_s": statistics.median(p["wall_s"] for p in people),
            "peak_mb": peak, "median_peak_mb": statistics.median(p["peak_mb"] for p in people),
            "idle_mb": statistics.median(p["idle_mb"] for p in people), "cpu_s": cpu,
            "per_gb": 1024 / peak, "per_core": WAIT_TARGET_S / cpu,
            "mismatched": sum(bool(p["mismatches"]) for p in people),
            "load": (run["load_before"][0], run["load_after"][0])}


def table(rows: list[dict]) -> str:
    """Return the markdown table of docs/classroom.md."""
    lines = ["| lesson | students at once | slowest wall s (median) | peak MB per student: server + kernel "
             "(median; idle server) | CPU s per student | students per GB | students per core* | "
             "outputs differing | load 1-min before/after |", "|---" * 9 + "|"]
    for r in rows:
        lines.append(
            f"| `{r['notebook']}` | {r['n']} | {r['slowest_s']:.0f} ({r['median_s']:.0f}) | "
            f"{r['peak_mb']:.0f} ({r['median_peak_mb']:.0f}; {r['idle_mb']:.0f}) | {r['cpu_s']:.0f} | "
            f"{r['per_gb']:.1f} | {r['per_core']:.1f} | {r['mismatched']} | "
            f"{r['load'][0]:.1f} / {r['load'][1]:.1f} |")
    return "\n".join(lines) + (f"\n\n*students per core: whose Run All, pressed together, one core "
                               f"finishes within {WAIT_TARGET_S} s (= {WAIT_TARGET_S} / CPU s per student).")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, required=True)
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--lessons", nargs="+", default=["03_attention", "05_freezing"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    cores, memory_gb = psutil.cpu_count(), psutil.virtual_memory().total / 2**30
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cores} cores, {memory_gb:.0f} GB; "
          f"uptime/load: {open('/proc/loadavg').read().strip()}", flush=True)
    runs = []
    for lesson in args.lessons:
        with tempfile.TemporaryDirectory(prefix="capacity-") as tmp:
            runs.append(measure(args.venv, f"{lesson}.ipynb", args.students, Path(tmp)))
        print(table([summary(runs[-1])]), flush=True)
    print("\n" + table([summary(r) for r in runs]))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
