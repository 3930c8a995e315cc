"""The demo shows notifications working without a network: a few demo messages left an e-mail address
and asked to be told; their recent steps, and an official's next step, land in the file outbox."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from massline.models import Message, MessageContact, User
from massline.platform import Platform
from massline.services import casework
from massline.services.demo import load_demo


@pytest.mark.slow  # loads the whole demo
def test_demo_notifications_land_in_the_file_outbox(platform: Platform) -> None:
    load_demo(platform)
    outbox = platform.settings.instance_dir / "outbox" / "mail.jsonl"
    first = platform.notifier().run_once()
    assert first.sent >= 1 and first.failed == 0  # the recent history of the demo's notified messages
    mailed = len(outbox.read_text(encoding="utf-8").splitlines())
    with platform.write() as s:
        mid = s.scalar(select(MessageContact.message_id).where(MessageContact.notify.is_(True))
                       .join(Message, Message.id == MessageContact.message_id)
                       .where(Message.status == "assigned").limit(1))  # fmt: skip
        assert mid is not None
        message = s.get(Message, mid)
        assert message is not None
        official = s.scalar(select(User).where(User.office_id == message.office_id, User.role == "official"))
        assert official is not None
        casework.act(s, official, mid, casework.AcceptRequest(), platform.now())
        code = message.tracking_code
    assert platform.notifier().run_once().sent == 2  # its e-mail and its mobile (the SMS file outbox)
    mails = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]
    assert len(mails) == mailed + 1
    assert code in mails[-1]["body"] and "签收" in mails[-1]["body"] and mails[-1]["to"].endswith("@example.com")
