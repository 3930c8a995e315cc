"""A local SMTP server for the tests (aiosmtpd on a free loopback port) that keeps what it receives."""

from __future__ import annotations

import email
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """The mails the server received, parsed (``EmailMessage``), in order."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        """Keep one received mail."""
        self.mails.append(email.message_from_bytes(envelope.content, policy=default))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """The mails sent to ``address``."""
        return [m for m in self.mails if m["To"] == address]

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` mails arrived (or ``timeout`` passed); returns them all."""
        deadline = time.monotonic() + timeout
        while len(self.mails) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.mails


def body(mail: EmailMessage) -> str:
    """The text of a plain mail."""
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (a free port unless given) for the ``with`` block."""
    inbox = Inbox(port or free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
