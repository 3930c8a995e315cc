"""The supervision tests' deployment (tests/data/supervision.yaml): every password PASSWORD, the handlers'
key pairs created, and helpers to open a handler's private key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.io.deployment_yaml import load_deployment
from massline.models import User
from massline.platform import Platform
from massline.services import supervision
from massline.services.deployment.apply import check_apply_deployment
from massline.services.people.accounts import check_reset_password

DATA = Path(__file__).parent / "data"
PASSWORD = "Test-password-123"
HANDLERS = ("ts.jw", "cs.jw1", "cs.jw2", "dc.jw")


def deploy_supervision(platform: Platform) -> None:
    """Load supervision.yaml into ``platform`` (empty), set every password and create the handlers' keys."""
    with platform.write() as s:
        report = check_apply_deployment(s, load_deployment(DATA / "supervision.yaml"), passwords=platform.passwords)
        for username in report.users_created:
            check_reset_password(s, username, PASSWORD, passwords=platform.passwords)
        for username in HANDLERS:
            supervision.check_ensure_key(s, user(s, username), PASSWORD, platform.now())


def user(session: Session, username: str) -> User:
    """The user named ``username``."""
    found = session.scalar(select(User).where(User.username == username))
    assert found is not None, username
    return found


def private_key(platform: Platform, session: Session, username: str) -> bytes:
    """``username``'s private key, unlocked with PASSWORD for a throwaway session."""
    digest = f"test-{username}".ljust(64, "0")
    key = supervision.check_unlock(session, user(session, username), PASSWORD, digest, platform.now(), 60)
    return supervision.session_private_key(session, user(session, username), digest, key, platform.now())


def file(
    platform: Platform, uploads: list[tuple[str, bytes]] | None = None, **fields: str
) -> tuple[int, supervision.Filed]:
    """File a report (defaults: about cs-jsj, anonymous); returns its id and receipt."""
    from massline.models import SupervisionReport

    data = {"accused_office": "cs-jsj", "body": "某局工作人员在审批中索要好处费，拖延办理。", **fields}
    with platform.write() as s:
        filed = supervision.check_file_report(s, supervision.ReportInput(**data), platform.now(), uploads)
        report_id = s.scalar(select(SupervisionReport.id).order_by(SupervisionReport.id.desc()).limit(1))
    assert report_id is not None
    return report_id, filed


class CaptureSms:
    """A test SMS gateway (``sms_gateway = "tests.supervision_helpers:CaptureSms"``): keeps what it is
    given in memory, in ``CaptureSms.sent``; ``CaptureSms.fail`` makes it raise with the number in the
    message, as a careless gateway might."""

    sent: list[tuple[str, str]] = []
    fail = False

    def __init__(self, url: str = "", api_key: str = "") -> None:
        self.url = url

    def send(self, phone: str, text: str) -> None:
        """Keep the SMS, or fail quoting the number."""
        if CaptureSms.fail:
            raise RuntimeError(f"gateway refused {phone}")
        CaptureSms.sent.append((phone, text))
