"""忘记查询密码: a new secret for a case, sent to the contact given with it.

Anyone who knows a tracking code may ask; the answer is the same whether or not the code
exists or has a contact, so it reveals nothing the code does not. The new secret goes only to
the message's own contacts (even when the citizen turned notifications off: they asked for
it), the old one stops working at once, and the case's browser sessions end.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from massline.models import Message, WebSession
from massline.services.access import secret_digest, tracking_code_key
from massline.services.crypto import FieldCipher
from massline.services.events import add_event
from massline.services.notify.contacts import contacts_of
from massline.services.notify.outbox import Links, enqueue
from massline.services.notify.texts import secret_text

#: what the citizen is told after asking, whatever happened
RECOVERY_SENT = "如果该查询码存在且留言时留下了联系方式，新的查询密码已发送至该联系方式，请注意查收。原密码随即失效。"


def check_recover_secret(
    session: Session, cipher: FieldCipher, links: Links, tracking_code: str, now: datetime,
    new_secret: str,
) -> bool:
    """Replace the secret of the case ``tracking_code`` names by ``new_secret`` and send it to its
    contacts, in the caller's transaction; True when it was sent (never shown to the citizen)."""
    message = session.scalar(select(Message).where(Message.tracking_code == tracking_code_key(tracking_code)))
    if message is None:
        return False
    contacts = contacts_of(session, message.id)
    if not contacts:
        return False
    message.secret_hash = secret_digest(new_secret)
    session.execute(
        update(WebSession)
        .where(WebSession.message_id == message.id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    text = secret_text(links.site, message.tracking_code, new_secret, links.base_url)
    for contact in contacts:
        enqueue(session, cipher, contact.channel, cipher.decrypt(contact.address_encrypted), text, now,
                purpose="secret_reset", message_id=message.id)  # fmt: skip
    add_event(session, message, "secret_reset", now, public=False,
              note="群众通过留下的联系方式重置查询密码", channels=[c.channel for c in contacts])  # fmt: skip
    return True
