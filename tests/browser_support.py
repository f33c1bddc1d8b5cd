"""Shared plumbing for the browser tests: find Debian's Chromium, start JupyterLab, cut the network.

Never lets Playwright download a browser: it drives the system's `chromium` (Debian package).
`python tests/browser_support.py --announce` prints whether `make test` will run the browser tests.
"""

import contextlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

from helpers.doctor import find_chromium  # one rule for where Chromium is (make doctor uses it too)

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "tests" / "screenshots"  # git-ignored
JUPYTER = Path(sys.executable).parent / "jupyter"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def in_ci() -> bool:
    """True when the CI environment variable says so (then a missing browser is a failure)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def missing_browser_message() -> str:
    return (
        "no Chromium found (/usr/bin/chromium or chromium on PATH): browser tests "
        + ("FAIL because CI=true" if in_ci() else "are SKIPPED")
        + "; install it with `sudo apt-get install chromium` (Debian/Ubuntu)"
        + " or point COURSE_CHROMIUM at one"
    )


def require_chromium() -> str:
    """The Chromium path; otherwise skip the calling test, or fail it in CI."""
    import pytest

    path = find_chromium()
    if path is None:
        if in_ci():
            pytest.fail(missing_browser_message(), pytrace=False)
        pytest.skip(missing_browser_message())
    return path


def launch_chromium(playwright, path: str):
    """A headless Chromium from the system, with no background network chatter."""
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cut_network(page_or_context) -> list[str]:
    """Abort every request that leaves this machine; return the (live) list of blocked URLs."""
    blocked: list[str] = []

    def handle(route):
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in {"file", "data", "blob", "about"} or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page_or_context.route("**/*", handle)
    return blocked


# --- JupyterLab --------------------------------------------------------------

LAB_SETTINGS = {
    # every cell stays in the DOM, so the tests can see all outputs
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # the server works on a copy, but don't write while the tests read
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}

SERVER_CONFIG = """\
from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # test helpers, no news prompt; then our own choices:
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = {port}
c.ServerApp.root_dir = {root!r}
c.IdentityProvider.token = {token!r}
c.ServerApp.disable_check_xsrf = False
c.ServerApp.allow_root = True
c.LabApp.workspaces_dir = {workspaces!r}
c.LabApp.user_settings_dir = {settings!r}
"""


class LabServer:
    """JupyterLab from this venv on a free localhost port with a token, serving a copy of notebooks/."""

    def __init__(self, notebooks: Path = NOTEBOOKS):
        self.tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root = self.tmp / "notebooks"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.port = free_port()
        self.token = os.urandom(12).hex()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "lab.log"
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        settings = self.tmp / "settings"
        for name, values in LAB_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        (self.tmp / "workspaces").mkdir()
        (self.tmp / "config").mkdir()
        config = self.tmp / "config" / "jupyter_server_config.py"
        config.write_text(
            SERVER_CONFIG.format(
                port=self.port,
                root=str(self.root),
                token=self.token,
                workspaces=str(self.tmp / "workspaces"),
                settings=str(settings),
            )
        )
        return config

    def start(self, timeout_s: float = 90) -> "LabServer":
        config = self._write_config()
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.tmp / "config"))
        self.process = subprocess.Popen(
            [str(JUPYTER), "lab", f"--config={config}", "--no-browser"],
            cwd=self.root,
            env=env,
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log()}")
            with contextlib.suppress(OSError):
                self.api("GET", "/api/status")
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout_s} s:\n{self.log()}")

    def api(self, method: str, path: str):
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        for session in self.api("GET", "/api/sessions") or []:
            self.api("DELETE", f"/api/sessions/{session['id']}")
        for kernel in self.api("GET", "/api/kernels") or []:
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def lab_url(self, path: str = "") -> str:
        return f"{self.url}/lab/{path}?token={self.token}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(Exception):
                self.shutdown_kernels()
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        shutil.rmtree(self.tmp, ignore_errors=True)


# --- Static files --------------------------------------------------------------


@contextlib.contextmanager
def serve_directory(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free localhost port; yield its base URL."""
    handler = partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def build_web_job(kind: str, out: Path):
    """A background job (tests/background.py) running tools/build_web.py (`slides` or `site`)
    into `out`."""
    from background import Job

    command = [sys.executable, str(REPO / "tools" / "build_web.py"), kind, "--out", str(out)]
    return Job(command, log=out.with_name(f"{out.name}.log"), out=out, cwd=REPO, order=20)


# --- Rendered pages ---------------------------------------------------------------


def png_outputs(nb) -> int:
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


class _Refs(HTMLParser):
    """Collects the URLs a page loads by itself (scripts, styles, images, frames)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"script", "img", "iframe"} and attrs.get("src"):
            self.loaded.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.loaded.append(attrs["href"])


def external_loads(page: Path) -> list[str]:
    refs = _Refs()
    refs.feed(page.read_text(encoding="utf-8"))
    css_imports = re.findall(r"@import\s+url\(([^)]+)\)", page.read_text(encoding="utf-8"))
    return [url for url in refs.loaded + css_imports if re.match(r"(https?:)?//", url.strip("'\""))]


if __name__ == "__main__" and sys.argv[1:] == ["--announce"]:
    found = find_chromium()
    if found:
        print(f"Browser tests: ON (Chromium at {found}).")
    else:
        print(f"Browser tests: {missing_browser_message()}.")
