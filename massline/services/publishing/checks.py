"""What every text an office or a citizen publishes here is checked against, and how a citizen's text is reviewed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from massline.analysis.text import clean_text, has_visible_text, redact, review_findings
from massline.services.casework import public_author
from massline.services.errors import ValidationFailed
from massline.services.policy import casework_policy

TITLE_MAX, BODY_MAX, COMMENT_MAX, NAME_MAX = 200, 20000, 2000, 50


def text_field(errors: dict[str, str], field: str, label: str, value: str, *, low: int = 1, high: int) -> str:
    """``value`` cleaned, or an error under ``field`` that names ``label`` (too short, too long, empty)."""
    text = clean_text(value or "").strip()
    if low and (not text or not has_visible_text(text)):
        errors[field] = f"请填写{label}"
    elif len(text) < low:
        errors[field] = f"{label}至少 {low} 个字"
    elif len(text) > high:
        errors[field] = f"{label}不能超过 {high} 个字（现在 {len(text)} 个）"
    return text


def raise_if(errors: dict[str, str]) -> None:
    """Raise ValidationFailed when ``errors`` holds anything."""
    if errors:
        raise ValidationFailed(errors)


def citizen_text(session: Session, author_name: str, body: str, *, label: str) -> dict[str, Any]:
    """The columns of a citizen's comment or question: the text with personal data redacted, the masked
    name, the review state of the deployment's moderation (pre: pending, post: unreviewed) and the
    automatic checks' findings (``analysis.text.review_findings``, as for messages)."""
    errors: dict[str, str] = {}
    text = text_field(errors, "body", label, body, low=5, high=COMMENT_MAX)
    name = text_field(errors, "author_name", "称呼", author_name, low=0, high=NAME_MAX)
    raise_if(errors)
    state = "pending" if casework_policy(session).moderation == "pre" else "unreviewed"
    return {
        "author_name": public_author(name) if name else "网友",
        "public_body": redact(text),
        "review_state": state,
        "review_findings": [f.as_json() for f in review_findings("", text)],
    }
