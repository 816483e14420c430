"""Code that makes any attempt to reach a non-local address fail loudly.

Used in-process by the unit tests (conftest.py), injected as a first cell into notebooks
(test_no_network.py), and run first in the browser test's JupyterLab server (test_browser.py), so that a
hidden download anywhere in our code, notebooks or server settings fails a test. Where the environment
variable NETWORK_GUARD_LOG names a file, each attempt is also written there, for processes whose errors
nobody sees (a server logs and swallows them).
"""

GUARD = r'''
import os as _os
import socket as _socket

class NetworkBlocked(RuntimeError):
    """Raised when code tries to reach the network; the collection must work offline."""

_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
_connect = _socket.socket.connect
_getaddrinfo = _socket.getaddrinfo

def _host(address):
    return str(address[0] if isinstance(address, tuple) else address)

def _blocked(what):
    if _os.environ.get("NETWORK_GUARD_LOG"):
        with open(_os.environ["NETWORK_GUARD_LOG"], "a", encoding="utf-8") as log:
            log.write(what + "\n")
    return NetworkBlocked(what)

def _guarded_connect(self, address):
    if self.family in (_socket.AF_INET, _socket.AF_INET6) and not _host(address).startswith(_LOCAL):
        raise _blocked(f"network access attempted: {address!r}")
    return _connect(self, address)

def _guarded_getaddrinfo(host, *args, **kwargs):
    if host is not None and not str(host).startswith(_LOCAL):
        raise _blocked(f"name lookup attempted: {host!r}")
    return _getaddrinfo(host, *args, **kwargs)

_socket.socket.connect = _guarded_connect
_socket.getaddrinfo = _guarded_getaddrinfo
'''


def install() -> None:
    """Block non-local network access in this process."""
    exec(compile(GUARD, "network_guard", "exec"), {})
