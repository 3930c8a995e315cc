"""Which attachments a reader sees, and the file behind one (every read checks access).

Staff who may read a message see all its files (``access.access_message_by_id``);
the public sees the files a reviewer showed, of a public message
(``access.access_public_message``); the citizen following their own case sees all
of theirs, with the review state and the reason when one was hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Attachment, Message, User
from massline.services.access import access_message_by_id, access_public_message
from massline.services.attachments.storage import file_path
from massline.services.errors import NotFound


@dataclass(frozen=True)
class StoredFile:
    """An attachment's file as a route serves it."""

    path: Path
    media_type: str
    name: str
    is_image: bool


def size_label(size: int) -> str:
    """A file size for people: "820 KB", "3.4 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachments_of(session: Session, message: Message, *, public: bool = False) -> list[Attachment]:
    """The message's attachments in upload order; with ``public``, only those a reviewer showed."""
    query = select(Attachment).where(Attachment.message_id == message.id)
    if public:
        query = query.where(Attachment.review_state == "shown")
    return list(session.scalars(query.order_by(Attachment.id)))


def _file(root: Path, message: Message, session: Session, attachment_id: int, *, public: bool) -> StoredFile:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.message_id != message.id:
        raise NotFound()
    if public and attachment.review_state != "shown":
        raise NotFound()
    path = file_path(root, attachment)
    if not path.is_file():
        raise NotFound()
    return StoredFile(path, attachment.media_type, attachment.original_name, attachment.is_image)


def staff_attachment_file(session: Session, root: Path, user: User, message_id: int, attachment_id: int) -> StoredFile:
    """The file, if ``user`` may read the message (any review state); otherwise NotFound."""
    return _file(root, access_message_by_id(session, user, message_id), session, attachment_id, public=False)


def public_attachment_file(session: Session, root: Path, message_id: int, attachment_id: int) -> StoredFile:
    """The file, if the message is public and a reviewer showed the file; otherwise NotFound."""
    return _file(root, access_public_message(session, message_id), session, attachment_id, public=True)


def own_attachment_file(session: Session, root: Path, message: Message, attachment_id: int) -> StoredFile:
    """A file of the citizen's own message (``message`` came through the tracking code's chokepoint)."""
    return _file(root, message, session, attachment_id, public=False)
