"""Contacts: normalised, encrypted, found by a keyed blind index (never a plain hash)."""

from __future__ import annotations

import hashlib

from cryptography.fernet import Fernet
from sqlalchemy import select

from massline.models import MessageContact
from massline.platform import Platform
from massline.services.crypto import FieldCipher
from massline.services.intake import MessageInput, check_submit

BODY = "阳光社区3栋楼道长期堆放杂物，存在消防隐患，请尽快处理。"


def test_the_blind_index_is_keyed_and_normalised(deployed: Platform) -> None:
    with deployed.write() as s:
        for email, phone in (("Li@Example.COM", "+86 138-1234-5678"), ("ｌｉ@example.com", "13812345678")):
            check_submit(s, deployed.cipher, MessageInput(title="楼道杂物", body=BODY, kind="投诉", contact_email=email,
                                                          contact_phone=phone), deployed.now())  # fmt: skip
    with deployed.read() as s:
        rows = list(s.scalars(select(MessageContact).order_by(MessageContact.id)))
    emails = [r for r in rows if r.channel == "email"]
    phones = [r for r in rows if r.channel == "sms"]
    assert len({r.lookup for r in emails}) == 1 and len({r.lookup for r in phones}) == 1
    assert [deployed.cipher.decrypt(r.address_encrypted) for r in emails] == ["li@example.com"] * 2
    assert [deployed.cipher.decrypt(r.address_encrypted) for r in phones] == ["13812345678"] * 2
    assert all(not r.notify for r in rows)  # the default: only a citizen who asks is notified
    plain = {hashlib.sha256(v.encode()).hexdigest() for v in ("li@example.com", "email:li@example.com",
                                                              "13812345678", "sms:13812345678")}  # fmt: skip
    assert not plain & {r.lookup for r in rows}
    other_key = FieldCipher(Fernet.generate_key().decode())
    assert other_key.blind_index("email:li@example.com") != emails[0].lookup
    assert b"li@example.com" not in emails[0].address_encrypted
