"""Start the classroom hub (deploy/jupyterhub_config.py) on loopback with its own state
folder, drive it through its REST API, and stop it leaving nothing behind.

Used by the classroom test (tests/classroom/) and the capacity bench (bench/capacity.py):

    with ClassroomHub(venv_bin, state_dir, students) as hub:
        hub.start_server("student1"); token = hub.user_token("student1")

Every process the hub starts (the proxy, the idle culler, each student's server and kernels)
runs with its working directory inside `state_dir`; `stop()` ends the hub gracefully, then
kills any process still working there, so a failed test leaves no process and no open port.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import psutil
import requests

CONFIG = Path(__file__).resolve().parent / "jupyterhub_config.py"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def processes_in(folder: Path) -> list[psutil.Process]:
    """Return the live processes whose working directory is `folder` or inside it."""
    found, prefix = [], str(Path(folder).resolve())
    for proc in psutil.process_iter(["cwd"]):
        cwd = proc.info.get("cwd") or ""
        if cwd == prefix or cwd.startswith(prefix + os.sep):
            found.append(proc)
    return found


def listening(ports) -> list[int]:
    """Return those of `ports` on which some process still accepts TCP connections."""
    open_ports = []
    for port in ports:
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                open_ports.append(port)
    return open_ports


def listening_ports(procs) -> list[int]:
    """Return the TCP ports on which `procs` listen (the servers', kernels' and proxy's)."""
    ports = set()
    for proc in procs:
        try:
            ports |= {c.laddr.port for c in proc.net_connections("tcp") if c.status == psutil.CONN_LISTEN}
        except psutil.Error:
            continue
    return sorted(ports)


class ClassroomHub:
    """One JupyterHub on 127.0.0.1 for `students`, run from the venv `venv_bin` (which must hold
    jupyterhub, nbgitpuller, jupyterhub-idle-culler and the course), its database, homes and log
    in `state`. `extra_env` reaches the hub and every server it starts (PYTHONPATH is kept)."""

    def __init__(self, venv_bin, state, students, extra_env=None, idle_s=1800):
        self.bin, self.state = Path(venv_bin), Path(state).resolve()
        self.students = list(students)
        self.ports = [free_port() for _ in range(3)]  # public, hub API, proxy API
        self.url = f"http://127.0.0.1:{self.ports[0]}"
        self.admin_token = secrets.token_hex(24)
        self.env = {**os.environ, **(extra_env or {}),
                    "COURSE_HUB_STATE": str(self.state), "COURSE_HUB_STUDENTS": ",".join(students),
                    "COURSE_HUB_PORT": str(self.ports[0]), "COURSE_HUB_API_PORT": str(self.ports[1]),
                    "COURSE_HUB_PROXY_API_PORT": str(self.ports[2]),
                    "COURSE_HUB_ADMIN_TOKEN": self.admin_token, "COURSE_HUB_IDLE_S": str(idle_s)}
        self.proc = None
        self.log_path = self.state / "hub.log"

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, timeout_s: float = 90) -> None:
        """Start jupyterhub and wait until its API answers."""
        self.state.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [str(self.bin / "jupyterhub"), "-f", str(CONFIG)], cwd=self.state, env=self.env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait(lambda: self._get_ok("/hub/api/"), timeout_s, "the hub's API to answer")

    def _get_ok(self, path: str) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log_tail()}")
        try:
            return requests.get(self.url + path, timeout=5).ok
        except requests.ConnectionError:
            return False

    def _wait(self, ready, timeout_s: float, what: str) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout_s:.0f} s for {what}:\n{self.log_tail()}")
            time.sleep(0.3)

    def log_tail(self, chars: int = 4000) -> str:
        """Return the end of the hub's log (hub, proxy and every server write to it)."""
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def api(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        """Call the hub's REST API (/hub/api/...) with the admin token (or `token`)."""
        headers = {"Authorization": f"token {token or self.admin_token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=60, **kwargs)

    def start_server(self, user: str, timeout_s: float = 180) -> None:
        """Start `user`'s Jupyter server (in their home folder) and wait until it is ready."""
        reply = self.api("POST", f"/users/{user}/server")
        if reply.status_code not in (201, 202, 400):  # 400: already running
            raise RuntimeError(f"could not start {user}'s server: {reply.status_code} {reply.text}")
        self._wait(lambda: self.server_ready(user), timeout_s, f"{user}'s server")

    def server_ready(self, user: str) -> bool:
        """Return True once `user`'s default server is up and routed by the proxy."""
        server = self.api("GET", f"/users/{user}").json().get("servers", {}).get("", {})
        return bool(server.get("ready"))

    def user_token(self, user: str) -> str:
        """Return a new API token that acts as `user` (what the student's browser cookie does)."""
        reply = self.api("POST", f"/users/{user}/tokens", json={"note": "classroom test"})
        reply.raise_for_status()
        return reply.json()["token"]

    def home(self, user: str) -> Path:
        """Return `user`'s home folder (their server's root)."""
        return self.state / "home" / user

    def server_processes(self, user: str) -> list[psutil.Process]:
        """Return `user`'s server process and its children (kernels), as they are now."""
        home = str(self.home(user))
        for proc in processes_in(self.home(user)):
            try:
                if proc.environ().get("JUPYTERHUB_USER") == user and "singleuser" in " ".join(proc.cmdline()):
                    return [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
        raise LookupError(f"no server of {user} runs in {home}")

    def stop(self, grace_s: float = 20) -> None:
        """Stop the hub (it stops every server and the proxy), then kill anything left in
        `state`; afterwards no process works in `state` and no port of this hub is open."""
        self.ports += [port for port in listening_ports(processes_in(self.state)) if port not in self.ports]
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for proc in processes_in(self.state):
            try:
                proc.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(processes_in(self.state), timeout=10)

    def leftovers(self) -> tuple[list[psutil.Process], list[int]]:
        """Return (processes still working in `state`, this hub's ports still open)."""
        return processes_in(self.state), listening(self.ports)
