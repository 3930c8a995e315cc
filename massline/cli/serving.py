"""Running uvicorn for ``massline serve``, with one fix for several workers.

With ``--workers N > 1`` uvicorn binds the listening socket itself with
``socket.socket(family)`` (protocol 0), and asyncio only turns Nagle's
algorithm off (``TCP_NODELAY``) on sockets whose protocol is TCP. Responses
written in two pieces then wait for the client's delayed ACK: every request
took ~44 ms here. We set ``TCP_NODELAY`` on the listening socket, which Linux
passes on to every accepted connection.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess


class _NoDelayConfig(uvicorn.Config):
    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def run(app: str, *, host: str, port: int, workers: int, proxy_headers: bool, access_log: bool = False) -> None:
    """Serve the ASGI app named ``app`` (import string) until interrupted."""
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
