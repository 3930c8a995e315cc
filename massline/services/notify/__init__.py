"""Notify (告知群众): citizens told of their case's steps, their contacts, and their ways back in.

Owns citizens' contacts (e-mail and phone, encrypted, found by a keyed blind index), the
transactional outbox of notifications derived from the case history (``Notifier``: e-mail
through SMTP or a file outbox, SMS through a gateway driver), the unsubscribe link,
忘记查询密码 (a new secret sent to the case's contact) and 我的留言 (a citizen's account
opened by a one-time code). Other domains, web, cli and the worker use the names below.

The names below load on first use (the platform builds its links and code policy without the mail and SMS channels).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.services.notify.account import (
        CODE_SENT,
        WRONG_CODE,
        CodePolicy,
        access_message_of_contact,
        check_login_code,
        check_request_code,
        contact_key,
        contact_of_session,
        messages_of_contact,
    )
    from massline.services.notify.channels import Channels, FileMailer, FileSms, SmsGateway, SmtpMailer, build_channels
    from massline.services.notify.contacts import (
        contact_rows,
        do_unsubscribe,
        email_problem,
        message_of_token,
        normal_email,
        unsubscribe_token,
        write_contacts,
    )
    from massline.services.notify.direct import check_contact, do_send_text
    from massline.services.notify.outbox import Links, OutboxSummary, outbox_summary, retry_failed
    from massline.services.notify.recovery import RECOVERY_SENT, check_recover_secret
    from massline.services.notify.sender import Notifier, NotifyParams, NotifyReport
    from massline.services.notify.texts import NOTIFIED

__all__ = [
    "CODE_SENT",
    "NOTIFIED",
    "RECOVERY_SENT",
    "WRONG_CODE",
    "Channels",
    "CodePolicy",
    "FileMailer",
    "FileSms",
    "Links",
    "Notifier",
    "NotifyParams",
    "NotifyReport",
    "OutboxSummary",
    "SmsGateway",
    "SmtpMailer",
    "access_message_of_contact",
    "build_channels",
    "check_contact",
    "check_login_code",
    "check_recover_secret",
    "check_request_code",
    "contact_key",
    "contact_of_session",
    "contact_rows",
    "do_send_text",
    "do_unsubscribe",
    "email_problem",
    "message_of_token",
    "messages_of_contact",
    "normal_email",
    "outbox_summary",
    "retry_failed",
    "unsubscribe_token",
    "write_contacts",
]

_LAZY = {
    "account": ["CODE_SENT", "WRONG_CODE", "CodePolicy", "access_message_of_contact", "check_login_code",
                "check_request_code", "contact_key", "contact_of_session", "messages_of_contact"],
    "channels": ["Channels", "FileMailer", "FileSms", "SmsGateway", "SmtpMailer", "build_channels"],
    "direct": ["check_contact", "do_send_text"],
    "contacts": ["contact_rows", "do_unsubscribe", "email_problem", "message_of_token", "normal_email",
                 "unsubscribe_token", "write_contacts"],
    "outbox": ["Links", "OutboxSummary", "outbox_summary", "retry_failed"],
    "recovery": ["RECOVERY_SENT", "check_recover_secret"],
    "sender": ["Notifier", "NotifyParams", "NotifyReport"],
    "texts": ["NOTIFIED"],
}  # fmt: skip

if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
