"""Fault test: the notifier killed with SIGKILL between the commit of a case event and the sending of
its notification loses nothing and sends nothing twice.

A message is accepted (its ``accepted`` event committed); ``massline notify run`` derives the
notification, claims it and connects to an SMTP server that never answers — where it is killed with
SIGKILL. The outbox row is still pending; after a restart (once the claim's lease has passed) a real
SMTP server (aiosmtpd on loopback) receives exactly one mail, and running again sends nothing more.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from massline.config import Settings
from massline.models import Notification, User
from massline.platform import Platform
from massline.services import casework, intake
from tests.conftest import PG_URL, _build, _test_settings
from tests.smtp_inbox import body, free_port, smtp_server

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(PG_URL), reason="runs on SQLite files of its own")]
EMAIL = "citizen@example.com"


def _env(settings: Settings, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MASSLINE_")}
    env.update(
        MASSLINE_ENVIRONMENT="test", MASSLINE_INSTANCE_DIR=str(settings.instance_dir),
        MASSLINE_DATABASE_URL=settings.database_url, MASSLINE_SMTP_HOST="127.0.0.1",
        MASSLINE_SMTP_PORT=str(smtp_port), MASSLINE_SMTP_TIMEOUT_SECONDS="60", MASSLINE_NOTIFY_LEASE_SECONDS="1",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )  # fmt: skip
    return env


def _notify_run(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "massline.cli", "notify", "run"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip


def _accepted_case(settings: Settings) -> str:
    """A message with an e-mail contact, accepted by its office (the event committed); its tracking code."""
    platform = Platform(settings)
    data = intake.MessageInput(title="楼道堆放杂物", body="阳光社区3栋楼道长期堆放杂物，存在消防隐患。", kind="投诉",
                               region="cs-dc-hp-yg", addressee_office="cs-dc-gov", contact_email=EMAIL, notify=True)  # fmt: skip
    with platform.write() as session:
        submitted = intake.check_submit(session, platform.cipher, data, platform.now())
    with platform.write() as session:
        official = session.scalar(select(User).where(User.username == "dc.a"))
        assert official is not None
        casework.act(session, official, submitted.id, casework.AcceptRequest(), platform.now())
    platform.dispose()
    return submitted.tracking_code


def _pending(settings: Settings) -> list[tuple[str, int]]:
    platform = Platform(settings)
    with platform.read() as session:
        rows = [(n.status, n.attempts) for n in session.scalars(select(Notification))]
    platform.dispose()
    return rows


def test_a_notifier_killed_before_sending_sends_once_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "notify.db"
    _build(f"sqlite:///{db}", tmp_path / "instance", deploy=True)
    settings = _test_settings(tmp_path / "instance", f"sqlite:///{db}")
    code = _accepted_case(settings)
    with socket.socket() as mute:  # an SMTP server that accepts and never says a word
        mute.bind(("127.0.0.1", 0))
        mute.listen()
        proc = _notify_run(_env(settings, mute.getsockname()[1]))
        mute.settimeout(30)
        conn, _ = mute.accept()  # the notifier has committed the outbox row and is sending it now
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        conn.close()
    assert _pending(settings) == [("pending", 0)]
    time.sleep(1.2)  # the killed sender's claim (lease 1 s) passes
    with smtp_server(free_port()) as inbox:
        env = _env(settings, inbox.port)
        for _ in range(2):
            out = _notify_run(env).communicate(timeout=60)[0].decode()
            assert "failed 0" in out, out
        assert len(inbox.mails) == 1
        assert inbox.mails[0]["To"] == EMAIL and code in body(inbox.mails[0])
    assert _pending(settings) == [("sent", 1)]
