"""The course works offline, and the tests prove it: the network is cut in every test process.

tests/netguard (loaded by the root conftest.py) refuses any connection to another machine, in
pytest itself and in every Python process it starts, notebook kernels included. These tests
check that the guard bites (here, in a subprocess, in a Jupyter kernel, under nbval) and that
loopback, which Jupyter kernels need, still works.
"""

import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import course_netguard
import nbformat
import pytest
from course_netguard import NetworkBlockedError
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NETGUARD_DIR = ROOT / "tests" / "netguard"
ELSEWHERE = ("192.0.2.1", 80)  # TEST-NET-1 (RFC 5737): never routed, so nothing is ever sent


def child_env(log: Path) -> dict[str, str]:
    """This process's environment, but with the children's refusals logged to `log`."""
    return {**os.environ, course_netguard.LOG_ENV: str(log)}


def test_guard_is_installed_here_and_handed_to_children():
    assert course_netguard.installed()
    assert str(NETGUARD_DIR) in os.environ["PYTHONPATH"].split(os.pathsep)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: socket.create_connection(ELSEWHERE, timeout=1),
        lambda: socket.socket().connect_ex(ELSEWHERE),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ELSEWHERE),
        lambda: socket.getaddrinfo("huggingface.co", 443),
        lambda: socket.create_connection(("2001:db8::1", 443), timeout=1),
    ],
    ids=["connect", "connect_ex", "udp-sendto", "dns-lookup", "ipv6"],
)
def test_connections_to_other_machines_are_refused(attempt):
    with course_netguard.expected(), pytest.raises(NetworkBlockedError, match="network is cut"):
        attempt()


def test_a_hub_download_is_refused_even_with_offline_mode_off(monkeypatch):
    import huggingface_hub.constants
    from huggingface_hub import hf_hub_download

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with course_netguard.expected(), pytest.raises(NetworkBlockedError):
        hf_hub_download("sentence-transformers/all-MiniLM-L6-v2", "config.json", cache_dir="/nonexistent")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_still_works(host):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    if family == socket.AF_INET6 and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    with socket.socket(family) as server:
        try:
            server.bind((host, 0))
        except OSError:
            pytest.skip(f"cannot bind {host} here")
        server.listen()
        accepted = threading.Thread(target=lambda: server.accept()[0].sendall(b"ok"))
        accepted.start()
        with socket.create_connection((host, server.getsockname()[1]), timeout=5) as client:
            assert client.recv(2) == b"ok"
        accepted.join()


@pytest.mark.parametrize(
    ("host", "local"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("localhost", True), ("LOCALHOST.", True), (b"127.0.0.1", True), (None, True),
     ("10.0.0.1", False), ("0.0.0.0", False), ("::", False), ("example.com", False),
     ("127.0.0.1.example.com", False), ("", False)],
)
def test_what_counts_as_loopback(host, local):
    assert course_netguard.is_loopback(host) is local


def test_a_child_python_process_is_guarded_and_logs_the_attempt(tmp_path):
    log = tmp_path / "attempts.log"
    code = f"import socket; socket.create_connection({ELSEWHERE!r}, timeout=1)"
    run = subprocess.run([sys.executable, "-c", code], env=child_env(log),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode != 0
    assert "NetworkBlockedError: network is cut" in run.stderr
    assert "192.0.2.1" in log.read_text()


def test_a_notebook_kernel_is_guarded_and_its_loopback_works(tmp_path):
    log = tmp_path / "attempts.log"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import socket\nsocket.create_connection({ELSEWHERE!r}, timeout=1)"),
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            server = socket.create_server(("127.0.0.1", 0))
            client = socket.create_connection(server.getsockname())
            print("loopback ok")""")),
    ])
    NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=60).execute(env=child_env(log))
    refused, loopback = nb.cells[0].outputs, nb.cells[1].outputs
    assert any(o.output_type == "error" and o.ename == "NetworkBlockedError" for o in refused)
    assert [o.text for o in loopback if o.output_type == "stream"] == ["loopback ok\n"]
    assert "192.0.2.1" in log.read_text()


def test_pytest_and_nbval_fail_when_something_reaches_out_even_if_it_hides_it(tmp_path):
    """A separate pytest run (the guard's own plugin, nbval) on a test and a notebook that
    both catch the refusal and carry on: both must still fail, and a clean test must pass."""
    (tmp_path / "test_hiding.py").write_text(textwrap.dedent(f"""\
        import socket

        def test_hides_an_attempt():
            try:
                socket.create_connection({ELSEWHERE!r}, timeout=1)
            except Exception:
                pass

        def test_clean():
            pass
        """))
    hiding_cell = f"import socket\ntry:\n    socket.create_connection({ELSEWHERE!r}, timeout=1)\nexcept Exception:\n    pass"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(hiding_cell, execution_count=1)])
    nbformat.write(nb, tmp_path / "hiding.ipynb")
    env = {k: v for k, v in os.environ.items() if k != course_netguard.LOG_ENV}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "netguard_plugin", "-p", "no:cacheprovider",
         "--nbval-lax", "--nbval-current-env", "-rA", "test_hiding.py", "hiding.ipynb"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    summary = run.stdout
    assert run.returncode == 1, summary
    assert "FAILED test_hiding.py::test_hides_an_attempt" in summary
    assert "FAILED hiding.ipynb::Cell 0" in summary
    assert "PASSED test_hiding.py::test_clean" in summary
    assert "a process tried to reach the network during this test" in summary
