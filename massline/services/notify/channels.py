"""The ways out: e-mail (SMTP, or a file outbox) and SMS (a gateway driver).

An SMS gateway is anything with ``send(phone, text)`` (``SmsGateway``) that raises on
failure; the notifier retries. ``FileSms`` (the default, used by the demo) appends one JSON
line per SMS to ``outbox/sms.jsonl`` in the instance directory; a real gateway is a class named
``module:Class`` in the ``sms_gateway`` setting, built with ``(url, api_key)``
(docs/notifications.md). E-mail goes through ``smtplib`` when an SMTP host is set, otherwise
to ``outbox/mail.jsonl`` the same way.
"""

from __future__ import annotations

import importlib
import json
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from massline.config import Settings

_FILE_LOCK = threading.Lock()


class SmsGateway(Protocol):
    """An SMS driver: sends one text to one mobile number, raising an exception when it could not."""

    def send(self, phone: str, text: str) -> None:
        """Send ``text`` to ``phone`` (11 digits, mainland mobile)."""


class Mailer(Protocol):
    """An e-mail driver: sends one plain-text mail, raising an exception when it could not."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Send a mail to ``to``."""


def _append(path: Path, record: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"at": datetime.now(UTC).isoformat(), **record}, ensure_ascii=False)
    with _FILE_LOCK, path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")


class FileSms:
    """The demo's SMS gateway: one JSON line per SMS (``at``, ``to``, ``text``) in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, phone: str, text: str) -> None:
        """Append the SMS to the file."""
        _append(self.path, {"to": phone, "text": text})


class FileMailer:
    """E-mail without a server: one JSON line per mail (``at``, ``to``, ``subject``, ``body``) in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, to: str, subject: str, body: str) -> None:
        """Append the mail to the file."""
        _append(self.path, {"to": to, "subject": subject, "body": body})


@dataclass(frozen=True)
class SmtpMailer:
    """E-mail through an SMTP server (``smtplib``), one connection per mail."""

    host: str
    port: int
    sender: str
    security: str = "none"
    username: str = ""
    password: str = ""
    timeout: float = 20.0

    def send(self, to: str, subject: str, body: str) -> None:
        """Send a plain-text UTF-8 mail; raises ``smtplib.SMTPException`` or ``OSError`` on failure."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, subject
        mail["Date"], mail["Message-ID"] = formatdate(localtime=False), make_msgid(domain="massline")
        mail.set_content(body)
        if self.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(mail)


class NoSms:
    """SMS switched off (``sms_gateway=off``): every SMS fails and is given up after the last try."""

    def send(self, phone: str, text: str) -> None:
        """Refuse."""
        raise RuntimeError("SMS is switched off (MASSLINE_SMS_GATEWAY=off)")


@dataclass
class Channels:
    """The drivers a notifier sends through."""

    mail: Mailer
    sms: SmsGateway

    def send(self, channel: str, to: str, subject: str, body: str) -> None:
        """Send one notification on ``channel`` (``email`` or ``sms``)."""
        if channel == "email":
            self.mail.send(to, subject, body)
        else:
            self.sms.send(to, body)


def sms_gateway(spec: str, outbox: Path, url: str = "", api_key: str = "") -> SmsGateway:
    """The SMS driver a setting names: ``file``, ``off`` or ``module:Class`` (built with ``(url, api_key)``)."""
    if spec == "file":
        return FileSms(outbox / "sms.jsonl")
    if spec == "off":
        return NoSms()
    module, _, name = spec.partition(":")
    if not module or not name:
        raise ValueError(f"MASSLINE_SMS_GATEWAY must be file, off or module:Class, not {spec!r}")
    gateway: SmsGateway = getattr(importlib.import_module(module), name)(url, api_key)
    return gateway


def build_channels(settings: Settings) -> Channels:
    """The drivers the settings name (SMTP when a host is set, else the file outbox)."""
    outbox = settings.instance_dir / "outbox"
    mail: Mailer
    if settings.smtp_host:
        mail = SmtpMailer(
            settings.smtp_host, settings.smtp_port, settings.smtp_from, settings.smtp_security,
            settings.smtp_username, settings.smtp_password, settings.smtp_timeout_seconds,
        )  # fmt: skip
    else:
        mail = FileMailer(outbox / "mail.jsonl")
    return Channels(mail, sms_gateway(settings.sms_gateway, outbox, settings.sms_url, settings.sms_api_key))

