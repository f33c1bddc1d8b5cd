"""`make hub`: start the classroom JupyterHub (deploy/jupyterhub_config.py) on 127.0.0.1 and
print what to give the class: the address, the logins, and the nbgitpuller link.

    python -m deploy.hub [--port 8000] [--repo <git URL>] [--branch main]

The link pulls the course from `--repo` (default: this clone, as a file:// URL, which works on
this machine only; give the course's public git URL for a real class). Ctrl+C stops the hub
and every student's server.
"""

import argparse
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import psutil

from deploy.hubrun import processes_in
from deploy.links import pull_link

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROXY = HERE / "node_modules" / ".bin" / "configurable-http-proxy"


def current_branch() -> str:
    """Return this clone's branch (what nbgitpuller pulls: its last commit, not unsaved edits)."""
    done = subprocess.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "main"


def missing_pieces() -> list[str]:
    """Return what must be installed before the hub can start, as the commands that install it."""
    missing = []
    if not (Path(sys.executable).parent / "jupyterhub").exists():
        missing.append(f'{sys.executable} -m pip install -c constraints.txt -e ".[hub]"')
    if not PROXY.exists():
        missing.append("npm ci --prefix deploy")
    return missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("COURSE_HUB_PORT", 8000)))
    parser.add_argument("--repo", default=ROOT.as_uri(), help="the course's git repository")
    parser.add_argument("--branch", default=None, help="its branch [this clone's]")
    args = parser.parse_args(argv)
    if missing := missing_pieces():
        print("The hub needs, first:  " + "  and  ".join(missing), file=sys.stderr)
        return 1
    env = {**os.environ, "COURSE_HUB_PORT": str(args.port)}
    state = Path(env.setdefault("COURSE_HUB_STATE", str(HERE / ".state")))
    state.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{args.port}"
    students = env.get("COURSE_HUB_STUDENTS", "student1,student2,student3")
    print(f"Classroom hub: {url}  (logins: {students}; password: "
          f"{env.get('COURSE_HUB_PASSWORD', 'course')}; state and homes in {state})")
    print(f"Link for the class: {pull_link(url, args.repo, args.branch or current_branch())}")
    hub = [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]
    return run_until_stopped(hub, env, state)


def run_until_stopped(command: list[str], env: dict, state: Path) -> int:
    """Run the hub until it exits (Ctrl+C reaches it too), then end any student's server or
    kernel still working in `state` (a kernel whose server was stopped can outlive it); only
    processes the hub's spawner started (they carry JUPYTERHUB_USER) are touched."""
    proc = subprocess.Popen(command, cwd=state, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        return proc.wait()
    finally:
        left = [p for p in processes_in(state) if _spawned_by_a_hub(p)]
        for leftover in left:
            with contextlib.suppress(psutil.Error):
                leftover.kill()
        if left:
            print(f"Stopped {len(left)} process(es) the hub left in {state}.", file=sys.stderr)


def _spawned_by_a_hub(proc: psutil.Process) -> bool:
    try:
        return "JUPYTERHUB_USER" in proc.environ()
    except psutil.Error:
        return False


if __name__ == "__main__":
    sys.exit(main())
