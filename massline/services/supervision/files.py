"""Files sent with a report: checked and re-encoded by ``attachments.check_files`` (type by content,
photos rebuilt from their pixels without EXIF/GPS/XMP), then sealed under the report key with their
name and type. Opening one is audited with the reason, like reading the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import SupervisionFile, SupervisionReport, User
from massline.services import attachments, audit
from massline.services.errors import NotFound
from massline.services.supervision import sealing


@dataclass(frozen=True)
class FileView:
    """A file of a report as listed (name and type opened) and, when opened, its bytes."""

    id: int
    name: str
    media_type: str
    content: bytes = b""


def checked_files(uploads: list[tuple[str, bytes]], limits: attachments.Limits) -> list[tuple[dict[str, str], bytes]]:
    """The uploads checked and cleaned (ValidationFailed naming the field ``attachments`` otherwise)."""
    return [
        ({"name": f.original_name, "media_type": f.media_type, "extension": f.extension}, f.content)
        for f in attachments.check_files(uploads, limits)
    ]


def seal_files(
    session: Session, report: SupervisionReport, key: bytes, files: list[tuple[dict[str, str], bytes]], now: datetime
) -> None:
    """Store the checked ``files`` of ``report`` sealed under its ``key``."""
    for meta, content in files:
        row = SupervisionFile(report_id=report.id, sealed_meta=sealing.lock_json(key, meta),
                              sealed_content=sealing.lock(key, content), created_at=now)
        session.add(row)
        report.files.append(row)


def list_files(report: SupervisionReport, key: bytes) -> list[FileView]:
    """The report's files, names and types opened (not their content)."""
    out = []
    for row in report.files:
        meta = sealing.unlock_json(key, row.sealed_meta)
        out.append(FileView(row.id, meta["name"], meta["media_type"]))
    return out


def open_file(
    session: Session, user: User, report: SupervisionReport, key: bytes, file_id: int, reason: str
) -> FileView:
    """One file of ``report`` with its content, the opening audited with ``reason``."""
    row = next((f for f in report.files if f.id == file_id), None)
    if row is None:
        raise NotFound()
    meta = sealing.unlock_json(key, row.sealed_meta)
    audit.record(session, user, "supervision_file_read", "supervision_report", report.id, file=row.id, reason=reason)
    return FileView(row.id, meta["name"], meta["media_type"], sealing.unlock(key, row.sealed_content))


def reseal_files(report: SupervisionReport, old: bytes, new: bytes) -> None:
    """Re-encrypt the report's files from the ``old`` key to the ``new`` one (stepping aside)."""
    for row in report.files:
        row.sealed_meta = sealing.lock(new, sealing.unlock(old, row.sealed_meta))
        row.sealed_content = sealing.lock(new, sealing.unlock(old, row.sealed_content))
