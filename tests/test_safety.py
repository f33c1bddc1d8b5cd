"""Safe by default: JupyterLab only on this machine and behind a token; weights only from
safetensors (never a pickle); no remote code; nothing downloaded from a model hub."""

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pytest
import requests
import torch
from transformers import BertConfig, BertModel

from helpers import models

ROOT = Path(__file__).resolve().parent.parent
THIS_FILE = Path(__file__).resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """`make lab ARGS=--no-browser` on a free port, as a student starts it; yields (port, token, pid).

    `-o .venv/.installed` tells make the venv is up to date (the test must not run pip).
    """
    port = free_port()
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "lab",
         f"ARGS=--no-browser --port={port} --ServerApp.port_retries=0"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, so the whole tree stops at the end
    )
    log, found = [], threading.Event()

    def read():
        for line in proc.stdout:
            log.append(line)
            if "token=" in line:
                found.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert found.wait(120), "JupyterLab printed no URL with a token:\n" + "".join(log)
        url = next(m for line in log if (m := re.search(r"http://\S+token=(\w+)", line)))
        time.sleep(0.5)
        yield port, url.group(1), proc.pid, url.group(0)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_make_lab_prints_a_localhost_url_with_a_token(lab):
    port, token, _, url = lab
    assert url.startswith(f"http://127.0.0.1:{port}/")
    assert len(token) >= 32


def test_make_lab_listens_on_localhost_only(lab):
    port, _, pid, _ = lab
    tree = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    listening = [c.laddr for p in tree for c in p.net_connections("inet") if c.status == "LISTEN"]
    assert any(addr.port == port for addr in listening), f"nothing listens on {port}: {listening}"
    exposed = [addr for addr in listening if addr.ip not in ("127.0.0.1", "::1")]
    assert not exposed, f"JupyterLab listens beyond this machine: {exposed}"


def test_make_lab_refuses_requests_without_the_token(lab):
    port, token, _, _ = lab
    api = f"http://127.0.0.1:{port}/api/contents"
    assert requests.get(api, timeout=30).status_code == 403
    assert requests.get(api, headers={"Authorization": "token wrong"}, timeout=30).status_code == 403
    answer = requests.get(api, headers={"Authorization": f"token {token}"}, timeout=30)
    assert answer.status_code == 200
    assert any(item["name"] == "00_start_here.ipynb" for item in answer.json()["content"])


# --- weights --------------------------------------------------------------------------------

class Recorder:
    """Stands in for a transformers Auto class and records how from_pretrained was called."""

    def __init__(self):
        self.calls = []

    def from_pretrained(self, *args, **kwargs):
        self.calls.append(kwargs)
        return torch.nn.Linear(1, 1)


@pytest.mark.parametrize("kind", ["encoder", "classifier"])
def test_load_model_asks_for_safetensors_and_no_remote_code(monkeypatch, kind):
    recorder = Recorder()
    monkeypatch.setattr(models, "AutoModel", recorder)
    monkeypatch.setattr(models, "AutoModelForSequenceClassification", recorder)
    models.load_model(kind)
    (kwargs,) = recorder.calls
    assert kwargs.get("use_safetensors") is True
    assert kwargs.get("trust_remote_code", False) is False


def test_a_pickled_checkpoint_is_refused(tmp_path):
    """A folder holding only pytorch_model.bin (a pickle that can run code when loaded) must
    not load through the course's loader, although plain transformers would load it."""
    config = BertConfig(vocab_size=32, hidden_size=8, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=16)
    config.save_pretrained(tmp_path)
    torch.save(BertModel(config).state_dict(), tmp_path / "pytorch_model.bin")
    with pytest.raises(OSError, match="safetensors"):
        models.load_model(source=tmp_path)


# --- the whole repository -------------------------------------------------------------------

def repository_files(*suffixes: str) -> list[Path]:
    """Committed files and new, not ignored ones, with one of these suffixes (not this file)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    paths = [ROOT / name for name in listed if name.endswith(suffixes)]
    return [p for p in paths if p.is_file() and p.resolve() != THIS_FILE]


def grep(pattern: str, files: list[Path]) -> list[str]:
    regex = re.compile(pattern)
    return [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
            for m in regex.finditer(p.read_text(encoding="utf-8", errors="replace"))]


TEXT_FILES = (".py", ".ipynb", ".md", ".toml", ".yml", ".yaml", ".cfg", ".txt", ".json", ".sh")


def test_no_remote_code_anywhere():
    """`trust_remote_code` may appear only set to False: a hub repo's code never runs here."""
    found = grep(r"trust_remote_code\W{0,4}\s*[=:]\s*(?!False)\w+", repository_files(*TEXT_FILES))
    assert not found, f"trust_remote_code enabled: {found}"


def test_no_pickle_loading():
    found = grep(r"torch\.load\((?![^)]*weights_only\s*=\s*True)[^)]*\)|pickle\.loads?\(|"
                 r"use_safetensors\s*=\s*False", repository_files(".py", ".ipynb"))
    assert not found, f"pickle-based loading (runs code from the file): {found}"


def test_nothing_is_fetched_from_a_hub_by_the_course():
    """Helpers, notebooks and tools load the bundled model through helpers.models, by path."""
    course = [p for p in repository_files(".py", ".ipynb")
              if p.relative_to(ROOT).parts[0] in ("helpers", "notebooks", "tools")]
    found = grep(r"from_pretrained\(\s*[rbf]?[\\]?[\"'](?![./])|hf_hub_download|snapshot_download|"
                 r"urlopen\(|requests\.(?:get|post)\(", course)
    assert not found, f"a download or hub id in course code: {found}"
