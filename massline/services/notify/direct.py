"""Notifications that are not a case's: a contact checked for one purpose, and one text queued to it.

Other domains (an interview question's late answer) use these to reach a citizen through the same
outbox, channels, retries and encryption as the case notifications.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from massline.services.crypto import FieldCipher
from massline.services.errors import ValidationFailed
from massline.services.notify.contacts import MOBILE_RE, channel_of, email_problem
from massline.services.notify.outbox import enqueue
from massline.services.notify.texts import Text

CONTACT_MAX = 254


def check_contact(typed: str, field: str = "contact") -> tuple[str, str]:
    """The channel (``sms`` or ``email``) and normalised address of a contact a citizen typed (a mainland
    mobile number or an e-mail address); ValidationFailed naming ``field`` otherwise."""
    channel, address = channel_of(typed.strip())
    if len(address) > CONTACT_MAX:
        raise ValidationFailed({field: "联系方式过长"})
    if channel == "email":
        problem = email_problem(address)
        if problem:
            raise ValidationFailed({field: problem})
    elif not MOBILE_RE.match(address):
        raise ValidationFailed({field: "请填写手机号码（如 13800138000）或电子邮箱"})
    return channel, address


def do_send_text(
    session: Session, cipher: FieldCipher, channel: str, address: str, subject: str, body: str, now: datetime,
    *, purpose: str,
) -> None:
    """Queue one notification of ``purpose`` to ``address`` in the caller's transaction (sent by the worker)."""
    enqueue(session, cipher, channel, address, Text(subject, body), now, purpose=purpose)
