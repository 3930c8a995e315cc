"""The reply desk's records (``services.replies``): who edits the 网言网语 glossary and reads its weekly
list of unexplained terms (the reply-quality figures are scoped by ``message_scope`` like the rest of
the dashboard)."""

from __future__ import annotations

from massline.models import User


def can_edit_glossary(user: User) -> bool:
    """True for the admins (the glossary is the deployment's own; everyone on staff reads its hints)."""
    return user.is_active and user.role == "admin"
