"""Files appear only with their rows: staged under temporary names, published after the commit,
removed when anything fails, finished or cleaned after a crash between commit and rename."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from massline.models import Attachment, Message
from massline.platform import Platform
from massline.services import attachments
from massline.services.intake import MessageInput
from massline.worker import Worker
from tests.attachment_files import PDF, jpeg_with_gps

DATA = MessageInput(title="路灯不亮", body="锦绣路上的路灯坏了一个星期，晚上很黑。", kind="求助", source="web")


def _root(platform: Platform):  # type: ignore[no-untyped-def]
    return attachments.attachments_root(platform.settings)


def _submit(platform: Platform, fail: bool = False) -> None:
    uploads = [("a.jpg", jpeg_with_gps()), ("b.pdf", PDF)]
    with attachments.staged_files(_root(platform), uploads, attachments.Limits()) as staged:
        assert sorted(p.name.endswith(".part") for p in _root(platform).iterdir()) == [True, True]
        with platform.write() as session:
            attachments.check_submit_with_files(session, platform.cipher, DATA, staged, platform.now())
            if fail:
                raise RuntimeError("the database went away before the commit")


def test_files_get_their_final_names_after_the_commit(deployed: Platform) -> None:
    _submit(deployed)
    with deployed.read() as s:
        names = sorted(s.scalars(select(Attachment.stored_name)))
    assert sorted(p.name for p in _root(deployed).iterdir()) == names and len(names) == 2


def test_a_failed_transaction_leaves_no_message_row_or_file(deployed: Platform) -> None:
    with pytest.raises(RuntimeError):
        _submit(deployed, fail=True)
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
    assert list(_root(deployed).iterdir()) == []


def test_recovery_after_a_crash_between_commit_and_rename(deployed: Platform) -> None:
    _submit(deployed)
    root = _root(deployed)
    kept = sorted(root.iterdir())
    for path in kept:  # as if the process died after the commit, before the rename
        path.rename(root / f".{path.name}.part")
    stray = root / ".0123456789abcdef0123456789abcdef.jpg.part"  # a failed request's, its row never written
    stray.write_bytes(b"x")
    fresh = root / ".fedcba9876543210fedcba9876543210.jpg.part"  # a request still in flight
    fresh.write_bytes(b"x")
    old = time.time() - timedelta(hours=2).total_seconds()
    os.utime(stray, (old, old))
    assert Worker(deployed).recover_attachments() == (2, 1)
    assert sorted(root.iterdir()) == sorted([*kept, fresh])
