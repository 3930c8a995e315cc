"""Review before publishing, at intake: the review state and the automatic checks of a citizen's new message."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from massline.analysis.text import review_findings
from massline.services.policy import casework_policy


def review_state(session: Session) -> str:
    """The review state of a citizen's new message under the deployment's policy (see :func:`review_columns`)."""
    return "pending" if casework_policy(session).moderation == "pre" else "unreviewed"


def review_columns(session: Session, title: str, body: str, state: str | None = None) -> dict[str, Any]:
    """The review columns of a citizen's new message.

    ``review_state``: "pending" (public only once a moderator publishes it) under the deployment's
    pre-moderation (``casework.moderation: pre``), "unreviewed" (public at once, reviewed afterwards)
    under post-moderation. ``review_findings``: the automatic checks (``analysis.text.review_findings``),
    run here rather than in the pipeline because they are cheap pure functions of the text and the
    moderation queue needs them as soon as the message arrives, before the worker has run. ``state``: the
    :func:`review_state` already read (an importer reads it once per batch, not once per row).
    """
    state = state or review_state(session)
    return {"review_state": state, "review_findings": [f.as_json() for f in review_findings(title, body)]}
