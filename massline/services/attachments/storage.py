"""Where attachment files live, and how they get there without orphans.

Files live in ``<instance_dir>/attachments/`` (outside the web root; served only
through routes that check access every time), each under a random name. A
submission first checks every file (nothing is written when one fails), then
writes them under temporary names (``.<name>.part``), then the caller's
transaction stores the message and the rows, and only after the commit are the
files renamed to their final names. When anything fails before that, the
temporary files are removed. Should the process die between the commit and the
rename, ``recover_files`` (run when the worker starts) finishes the rename for
files that have a row and removes the rest.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.config import Settings
from massline.models import Attachment
from massline.services.attachments.check import CheckedFile, Limits, check_files

PART = ".part"
#: a temporary file without a row older than this is left over from a failed request
STALE_AFTER = timedelta(hours=1)


def attachments_root(settings: Settings) -> Path:
    """The folder of attachment files: ``instance_dir/attachments``."""
    return settings.instance_dir / "attachments"


def limits_of(settings: Settings) -> Limits:
    """The upload limits of the ``attachment_*`` settings."""
    mb = 1024 * 1024
    return Limits(
        max_files=settings.attachment_max_files, max_file_bytes=settings.attachment_max_file_mb * mb,
        max_total_bytes=settings.attachment_max_total_mb * mb, max_side=settings.attachment_max_side,
        max_pixels=settings.attachment_max_pixels,
    )  # fmt: skip


def _temp(root: Path, stored_name: str) -> Path:
    return root / f".{stored_name}{PART}"


@dataclass
class StagedFiles:
    """Checked files written under temporary names, waiting for the transaction that records them."""

    root: Path
    items: list[tuple[CheckedFile, str]] = field(default_factory=list)
    #: set by ``do_attach`` when rows for these files were added to the transaction
    recorded: bool = False

    def publish(self) -> None:
        """After the commit: give every file its final name."""
        for _, name in self.items:
            os.replace(_temp(self.root, name), self.root / name)

    def discard(self) -> None:
        """The transaction did not record them: remove the temporary files."""
        for _, name in self.items:
            _temp(self.root, name).unlink(missing_ok=True)


def _write_temp(root: Path, files: list[CheckedFile]) -> StagedFiles:
    staged = StagedFiles(root)
    root.mkdir(parents=True, exist_ok=True)
    try:
        for checked in files:
            name = secrets.token_hex(16) + checked.extension
            fd = os.open(_temp(root, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            staged.items.append((checked, name))
            with os.fdopen(fd, "wb") as out:
                out.write(checked.content)
    except BaseException:
        staged.discard()
        raise
    return staged


@contextmanager
def staged_files(root: Path, uploads: list[tuple[str, bytes]], limits: Limits) -> Iterator[StagedFiles]:
    """Check ``uploads`` (name, content), write them under temporary names, and around the caller's
    transaction: publish them when it recorded them and ended well, remove them otherwise.

    Raises ValidationFailed (field ``attachments``) before writing anything when a file fails.
    """
    staged = _write_temp(root, check_files(uploads, limits)) if uploads else StagedFiles(root)
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    if staged.recorded:
        staged.publish()
    else:
        staged.discard()


def file_path(root: Path, attachment: Attachment) -> Path:
    """Where the file of ``attachment`` is (its random stored name inside ``root``)."""
    return root / Path(attachment.stored_name).name


def recover_files(session: Session, root: Path, now: datetime) -> tuple[int, int]:
    """Finish what a process that died mid-submission left: rename temporary files that have a row,
    remove those without one once they are stale. Returns (renamed, removed)."""
    if not root.is_dir():
        return 0, 0
    parts = {p.name[1 : -len(PART)]: p for p in root.glob(f".*{PART}")}
    known = set(session.scalars(select(Attachment.stored_name).where(Attachment.stored_name.in_(parts))))
    renamed = removed = 0
    for name, path in parts.items():
        if name in known:
            os.replace(path, root / name)
            renamed += 1
        elif datetime.fromtimestamp(path.stat().st_mtime, now.tzinfo) < now - STALE_AFTER:
            path.unlink(missing_ok=True)
            removed += 1
    return renamed, removed
