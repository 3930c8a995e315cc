"""Reposts: when a near-duplicate of an earlier message joins its issue whatever place it names."""

from __future__ import annotations

from massline.analysis.text import normalize
from massline.models import ANONYMOUS_AUTHOR, Message

__all__ = ["same_source"]


def same_source(original: Message, message: Message) -> bool:
    """A near-duplicate that is the same text, or by the same named author, joins its original's
    issue whatever place it names: identical messages never end in different issues."""
    named = message.author_name not in ("", ANONYMOUS_AUTHOR)
    same_text = normalize(original.title + original.body) == normalize(message.title + message.body)
    return same_text or (named and original.author_name == message.author_name)
