"""Refuse every network connection that would leave this machine.

The course promises to work offline, so its tests run with the network cut: while this guard
is installed, connecting a socket (or sending a datagram) to an address that is not loopback,
or resolving a host name that is not this machine's, raises `NetworkBlockedError`, prints one
line to stderr and appends a line to the file named by $COURSE_NETGUARD_LOG (if set), so that
an attempt which a library catches and hides is still seen by pytest (netguard_plugin.py).

Loopback stays open: Jupyter kernels talk to their clients over 127.0.0.1, JupyterLab serves
on it. Unix-domain sockets are untouched.

Every Python process of a test run installs it: pytest itself through netguard_plugin.py, and
every child process (nbval's and nbclient's kernels, subprocesses) through sitecustomize.py in
this folder, which the root conftest.py puts on PYTHONPATH.
"""

import contextlib
import ipaddress
import os
import socket
import sys
import threading
import traceback

LOG_ENV = "COURSE_NETGUARD_LOG"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
GUARDED_FAMILIES = {socket.AF_INET, socket.AF_INET6}

_state = threading.local()
_real = {}


class NetworkBlockedError(RuntimeError):
    """A connection to another machine was attempted while the network is cut (tests, offline)."""


def is_loopback(host) -> bool:
    """Return True if `host` (a name or an IP address, str or bytes) can only mean this machine."""
    if host is None:
        return True  # getaddrinfo(None, port) means the local (loopback or passive) address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip().lower().rstrip(".").strip("[]").split("%", 1)[0]
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _own_host_names() -> set[str]:
    """This machine's own names: resolving them reads /etc/hosts, and Jupyter does it at start."""
    names = set()
    with contextlib.suppress(OSError):
        names.add(socket.gethostname().lower())
    return names


def _refuse(what: str, target) -> None:
    """Record the attempt (stderr, the log file) and raise NetworkBlockedError."""
    message = (
        f"network is cut during tests: {what} {target!r} refused "
        f"(only loopback is allowed; the course must work offline)"
    )
    if not getattr(_state, "expected", False):
        stack = "".join(traceback.format_stack(limit=12)[:-2])
        print(f"[course_netguard] pid {os.getpid()}: {message}", file=sys.stderr, flush=True)
        log = os.environ.get(LOG_ENV)
        if log:
            with contextlib.suppress(OSError), open(log, "a", encoding="utf-8") as f:
                f.write(f"pid {os.getpid()} ({' '.join(sys.argv[:3])}): {message}\n{stack}\n")
    raise NetworkBlockedError(message)


def _check_address(sock, address, what: str) -> None:
    if sock.family in GUARDED_FAMILIES and isinstance(address, tuple) and address:
        if not is_loopback(address[0]):
            _refuse(what, address)


def _connect(self, address):
    _check_address(self, address, "connect to")
    return _real["connect"](self, address)


def _connect_ex(self, address):
    _check_address(self, address, "connect to")
    return _real["connect_ex"](self, address)


def _sendto(self, data, *args):
    address = args[-1] if args else None  # sendto(data, address) or sendto(data, flags, address)
    _check_address(self, address, "send a datagram to")
    return _real["sendto"](self, data, *args)


def _is_ip_address(host) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host).split("%")[0])
    except ValueError:
        return False
    return True


def _getaddrinfo(host, *args, **kwargs):
    # A numeric address needs no DNS: let it through, connect() decides.
    named = not (is_loopback(host) or _is_ip_address(host))
    if named and str(host).lower() not in _own_host_names():
        _refuse("look up the host name", host)
    return _real["getaddrinfo"](host, *args, **kwargs)


def install() -> None:
    """Cut the network for this process (idempotent)."""
    if _real:
        return
    _real["connect"] = socket.socket.connect
    _real["connect_ex"] = socket.socket.connect_ex
    _real["sendto"] = socket.socket.sendto
    _real["getaddrinfo"] = socket.getaddrinfo
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex
    socket.socket.sendto = _sendto
    socket.getaddrinfo = _getaddrinfo


def installed() -> bool:
    """Return True if this process's sockets are guarded right now."""
    return socket.socket.connect is _connect and socket.getaddrinfo is _getaddrinfo


@contextlib.contextmanager
def expected():
    """Within this block a refusal still raises, but is not reported as a stray attempt."""
    _state.expected = True
    try:
        yield
    finally:
        _state.expected = False
