"""Running uvicorn for ``massline serve``: its analysis worker stopped on every way out, and one fix
for several workers.

uvicorn (one process) catches SIGTERM and SIGINT, shuts down, restores the handlers it found and
raises the signal again. With Python's default handler of SIGTERM the process then dies at once,
so a ``finally`` around ``uvicorn.run`` never ran and the analysis worker was left to notice that
its server was gone. :func:`run` installs handlers that turn the re-raised signal into an
exception, stops the worker, and only then ends the process by the same signal (the exit status
systemd and shells expect).

With ``--workers N > 1`` uvicorn binds the listening socket itself with
``socket.socket(family)`` (protocol 0), and asyncio only turns Nagle's
algorithm off (``TCP_NODELAY``) on sockets whose protocol is TCP. Responses
written in two pieces then wait for the client's delayed ACK: every request
took ~44 ms here. We set ``TCP_NODELAY`` on the listening socket, which Linux
passes on to every accepted connection.
"""

from __future__ import annotations

import signal
import socket
import subprocess
from types import FrameType

import uvicorn
from uvicorn.supervisors import Multiprocess

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _NoDelayConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class _Stopped(Exception):  # noqa: N818 - not an error: how a stop signal leaves uvicorn
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


def run(app: str, *, host: str, port: int, workers: int, proxy_headers: bool, access_log: bool = False,
        worker: list[str] | None = None) -> None:  # fmt: skip
    """Serve the ASGI app named ``app`` (import string) until SIGTERM or SIGINT, with the analysis
    worker ``worker`` (a command) in a process of its own, stopped before this process ends.

    Stopped by a signal, the process ends by that signal once the worker has stopped."""
    previous = {sig: signal.signal(sig, _raise_stopped) for sig in STOP_SIGNALS}
    child = subprocess.Popen(worker) if worker else None  # noqa: S603 - our own interpreter and module
    stopped_by = None
    try:
        _serve(app, host=host, port=port, workers=workers, proxy_headers=proxy_headers, access_log=access_log)
    except _Stopped as exc:
        stopped_by = exc.signum
    finally:
        for sig in STOP_SIGNALS:  # a second Ctrl-C while the worker stops: no traceback in the middle
            signal.signal(sig, signal.SIG_IGN)
        if child is not None:
            stop_worker(child)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stopped_by is not None:
        signal.signal(stopped_by, signal.SIG_DFL)
        signal.raise_signal(stopped_by)


def stop_worker(child: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """SIGTERM to the worker process (it stores the batch it holds and ends its second process),
    SIGKILL after ``timeout`` seconds."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def _serve(app: str, *, host: str, port: int, workers: int, proxy_headers: bool, access_log: bool) -> None:
    options = {"log_level": "info", "proxy_headers": proxy_headers, "access_log": access_log}
    if workers <= 1:
        uvicorn.run(app, host=host, port=port, workers=1, **options)  # type: ignore[arg-type]
        return
    config = _NoDelayConfig(app, host=host, port=port, workers=workers, **options)  # type: ignore[arg-type]
    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
