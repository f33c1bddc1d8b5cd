"""What one simulated student does on the classroom hub (deploy/hubrun.py): pull the course
through nbgitpuller, then run a lesson in their own server through the Jupyter server's REST
API and a kernel websocket, as JupyterLab does; and compare the outputs with the committed ones
the way strict nbval does (streams and text/plain; `# NBVAL_IGNORE_OUTPUT` cells skipped).
"""

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import nbformat
import requests
import websocket

from deploy.links import TARGET, pull_query

CELL_TIMEOUT_S = 600


def make_course_repo(source: Path, dest: Path) -> str:
    """Copy the course's tracked files (as they are in `source`) into a new git repository at
    `dest`, committed on branch main; return its file:// URL (what nbgitpuller clones)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=source, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (source / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, dest / name)
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@localhost"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "course"]):
        subprocess.run(git + args, cwd=dest, check=True)
    return dest.resolve().as_uri()


def pull_course(hub, user: str, token: str, repo: str, branch: str = "main") -> list[dict]:
    """Run the pull behind `user`'s nbgitpuller link (its event stream API); return the events.
    Raises RuntimeError if nbgitpuller reports an error."""
    url = f"{hub.url}/user/{user}/git-pull/api?{pull_query(repo, branch)}"
    events = []
    with requests.get(url, headers={"Authorization": f"token {token}"}, stream=True, timeout=300) as reply:
        reply.raise_for_status()
        for line in reply.iter_lines(decode_unicode=True):
            if line and line.startswith("data:"):
                events.append(json.loads(line[5:]))
    if not events or events[-1].get("phase") != "finished":
        raise RuntimeError(f"nbgitpuller did not finish for {user}: {events[-3:]}")
    return events


def lesson_path(notebook: str) -> str:
    """Return a lesson's path inside a student's home after the pull."""
    return f"{TARGET}/notebooks/{notebook}"


def decode_frame(frame: str | bytes) -> dict:
    """Return the message of one kernel websocket frame: a text frame is JSON; a binary frame
    (a message with buffers, e.g. a widget's image) is Jupyter's offset format: a big-endian
    uint32 count n, n uint32 offsets, the JSON message at the first offset, then the buffers."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
    end = offsets[1] if count > 1 else len(frame)
    return json.loads(frame[offsets[0]:end].decode("utf-8"))


class Kernel:
    """A kernel in `user`'s server, started in `cwd` (a folder relative to their home) and
    driven over its websocket with `token` (the student's own)."""

    def __init__(self, hub, user: str, token: str, cwd: str):
        self.api = f"{hub.url}/user/{user}/api"
        self.headers = {"Authorization": f"token {token}"}
        reply = requests.post(f"{self.api}/kernels", headers=self.headers, timeout=120,
                              json={"name": "python3", "path": cwd})
        reply.raise_for_status()
        self.id = reply.json()["id"]
        ws_url = f"{self.api}/kernels/{self.id}/channels".replace("http://", "ws://")
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"],
                                              timeout=CELL_TIMEOUT_S)
        self.session = uuid.uuid4().hex

    def execute(self, code: str) -> list[dict]:
        """Run `code`; return its outputs as nbformat output dicts (stream, execute_result,
        display_data, error), in order, once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "session": self.session, "username": "student",
                  "msg_type": "execute_request", "version": "5.3"}
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {},
                                 "content": content, "channel": "shell", "buffers": []}))
        outputs = []
        while True:
            msg = decode_frame(self.ws.recv())
            if msg.get("channel") != "iopub" or msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, body = msg["header"]["msg_type"], msg["content"]
            if kind == "status" and body["execution_state"] == "idle":
                return outputs
            if kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append({"output_type": kind, **body})

    def close(self) -> None:
        """Close the websocket and shut the kernel down."""
        self.ws.close()
        requests.delete(f"{self.api}/kernels/{self.id}", headers=self.headers, timeout=60)


def run_lesson(hub, user: str, token: str, notebook: str) -> list[list[dict]]:
    """Execute every code cell of the pulled `notebook` (read from the student's home through
    the contents API) in a new kernel of `user`'s server; return each cell's outputs."""
    path = lesson_path(notebook)
    reply = requests.get(f"{hub.url}/user/{user}/api/contents/{path}",
                         headers={"Authorization": f"token {token}"}, timeout=60)
    reply.raise_for_status()
    nb = nbformat.from_dict(reply.json()["content"])
    kernel = Kernel(hub, user, token, str(Path(path).parent))
    try:
        return [kernel.execute(cell.source) for cell in nb.cells if cell.cell_type == "code"]
    finally:
        kernel.close()


def _comparable(outputs) -> list[tuple[str, str]]:
    """Reduce outputs to what strict nbval compares: stream text (per stream, joined),
    text/plain of results and displays, and error names."""
    found, streams = [], {}
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":
            streams[out["name"]] = streams.get(out["name"], "") + out["text"]
        elif kind in ("execute_result", "display_data") and "text/plain" in out.get("data", {}):
            found.append((kind, out["data"]["text/plain"]))
        elif kind == "error":
            found.append(("error", out["ename"]))
    return sorted(streams.items()) + found


def differences(notebook_file: Path, got: list[list[dict]]) -> list[str]:
    """Compare `got` (from run_lesson) with the outputs committed in `notebook_file`; return one
    message per code cell that differs (empty: the student saw exactly the committed lesson)."""
    cells = [c for c in nbformat.read(notebook_file, 4).cells if c.cell_type == "code"]
    if len(cells) != len(got):
        return [f"{len(got)} cells ran, the notebook has {len(cells)}"]
    problems = []
    for index, (cell, outputs) in enumerate(zip(cells, got, strict=True)):
        if "NBVAL_IGNORE_OUTPUT" in cell.source:
            continue
        want, have = _comparable(cell.outputs), _comparable(outputs)
        if want != have:
            problems.append(f"code cell {index} ({cell.source.splitlines()[0][:50]!r}): "
                            f"expected {want!r:.300}, got {have!r:.300}")
    return problems
