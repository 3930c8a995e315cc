"""The 网言网语 glossary: internet terms and expressions with their plain meaning, kept in the database
(``GlossaryTerm``), seeded from the shipped file (``massline/data/replies/glossary.yaml``) when the
table is empty, edited by admins in the browser (audited), and found in messages for the workbench's
hints (``find_terms``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import GlossaryTerm, User
from massline.services import audit
from massline.services.access import can_edit_glossary, require
from massline.services.errors import NotFound, ValidationFailed

TERM_MAX, TEXT_MAX, VARIANTS_MAX = 40, 500, 10
_SPLIT = re.compile(r"[,，、;；\s]+")


def glossary_file() -> Path:
    """The shipped glossary (``massline/data/replies/glossary.yaml``)."""
    return Path(str(resources.files("massline") / "data" / "replies" / "glossary.yaml"))


class TermInput(BaseModel):
    """A glossary entry as an admin writes it (or the shipped file holds it)."""

    term: str = Field(default="", title="词语")
    variants: list[str] = Field(default_factory=list, title="其他写法")
    meaning: str = Field(default="", title="释义")
    note: str = Field(default="", title="用法说明")
    example: str = Field(default="", title="例句")
    suits_reply: bool = Field(default=False, title="适合用于答复")
    reply_hint: str = Field(default="", title="答复提示")

    @staticmethod
    def split_variants(text: str) -> list[str]:
        """Variants typed in one field, separated by commas, 、 or spaces."""
        return [v for v in _SPLIT.split(text) if v]


def _clean(data: TermInput) -> TermInput:
    """``data`` cleaned and checked (ValidationFailed naming the field in Chinese)."""
    errors: dict[str, str] = {}
    term = clean_text(data.term).strip()
    if not term:
        errors["term"] = "请填写词语"
    elif len(term) > TERM_MAX:
        errors["term"] = f"词语不能超过 {TERM_MAX} 个字"
    meaning = clean_text(data.meaning).strip()
    if not meaning:
        errors["meaning"] = "请填写释义"
    texts = {k: clean_text(getattr(data, k)).strip() for k in ("meaning", "note", "example", "reply_hint")}
    for key, value in texts.items():
        if len(value) > TEXT_MAX:
            errors[key] = f"{TermInput.model_fields[key].title}不能超过 {TEXT_MAX} 个字"
    variants = list(dict.fromkeys(v for v in (clean_text(v).strip() for v in data.variants) if v and v != term))
    if len(variants) > VARIANTS_MAX or any(len(v) > TERM_MAX for v in variants):
        errors["variants"] = f"其他写法最多 {VARIANTS_MAX} 个，每个不超过 {TERM_MAX} 个字"
    if errors:
        raise ValidationFailed(errors)
    return TermInput(term=term, variants=variants, suits_reply=data.suits_reply, **texts)


def _taken(session: Session, term: str, other_than: int | None = None) -> bool:
    stmt = select(GlossaryTerm.id).where(GlossaryTerm.term == term)
    if other_than is not None:
        stmt = stmt.where(GlossaryTerm.id != other_than)
    return session.scalar(stmt) is not None


def _apply(row: GlossaryTerm, data: TermInput, now: datetime) -> None:
    row.term, row.variants, row.meaning, row.note = data.term, data.variants, data.meaning, data.note
    row.example, row.suits_reply, row.reply_hint, row.updated_at = data.example, data.suits_reply, data.reply_hint, now


def glossary_terms(session: Session, user: User) -> list[GlossaryTerm]:
    """Every term, in order of the term (Forbidden unless ``user`` edits the glossary)."""
    require(can_edit_glossary(user))
    return list(session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.term)))


def access_term(session: Session, user: User, term_id: int) -> GlossaryTerm:
    """One term for its editor (Forbidden for others, NotFound for a missing one)."""
    require(can_edit_glossary(user))
    row = session.get(GlossaryTerm, term_id)
    if row is None:
        raise NotFound()
    return row


def check_add_term(session: Session, user: User, data: TermInput, now: datetime) -> GlossaryTerm:
    """Add a term (audited ``glossary_term_added``)."""
    require(can_edit_glossary(user))
    clean = _clean(data)
    if _taken(session, clean.term):
        raise ValidationFailed({"term": f"词语“{clean.term}”已在词表中"})
    row = GlossaryTerm()
    _apply(row, clean, now)
    session.add(row)
    session.flush()
    audit.record(session, user, "glossary_term_added", "glossary_term", row.id, term=row.term)
    return row


def check_update_term(session: Session, user: User, term_id: int, data: TermInput, now: datetime) -> GlossaryTerm:
    """Change a term (audited ``glossary_term_updated`` with each changed field as ``[before, after]``)."""
    row = access_term(session, user, term_id)
    clean = _clean(data)
    if _taken(session, clean.term, other_than=row.id):
        raise ValidationFailed({"term": f"词语“{clean.term}”已在词表中"})
    before = TermInput.model_validate(row, from_attributes=True).model_dump()
    _apply(row, clean, now)
    changed = {k: [v, clean.model_dump()[k]] for k, v in before.items() if clean.model_dump()[k] != v}
    audit.record(session, user, "glossary_term_updated", "glossary_term", row.id, term=row.term, changed=changed)
    return row


def check_delete_term(session: Session, user: User, term_id: int) -> str:
    """Delete a term (audited ``glossary_term_deleted``); its term."""
    row = access_term(session, user, term_id)
    audit.record(session, user, "glossary_term_deleted", "glossary_term", row.id, term=row.term, meaning=row.meaning)
    session.delete(row)
    return row.term


def read_glossary_file(path: Path | None = None) -> list[TermInput]:
    """The entries of a glossary file (a YAML list of mappings: term, variants, meaning, note, example,
    suits_reply, reply_hint); a missing file gives none, entries without a term or a meaning are skipped."""
    path = path or glossary_file()
    if not path.exists():
        return []
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        raw = item.get("variants") or []
        variants = [str(v) for v in raw] if isinstance(raw, list) else []
        fields = {k: str(item.get(k) or "") for k in ("term", "meaning", "note", "example", "reply_hint")}
        try:
            out.append(_clean(TermInput(**fields, suits_reply=bool(item.get("suits_reply")), variants=variants)))
        except ValidationFailed:
            continue
    return out


def check_seed_glossary(session: Session, now: datetime, path: Path | None = None) -> int:
    """Fill an empty glossary from the shipped file (``path`` in tests); the number of terms added (0 when
    the table already holds terms: an admin's edits are never overwritten)."""
    if session.scalar(select(func.count()).select_from(GlossaryTerm)):
        return 0
    seen: set[str] = set()
    for entry in read_glossary_file(path):
        if entry.term in seen:
            continue
        seen.add(entry.term)
        row = GlossaryTerm()
        _apply(row, entry, now)
        session.add(row)
    return len(seen)


@dataclass(frozen=True)
class GlossHit:
    """A glossary term found in a text: its span and the entry."""

    start: int
    end: int
    term: GlossaryTerm


_matchers: dict[tuple[Any, ...], tuple[re.Pattern[str] | None, dict[str, int]]] = {}


def _matcher(session: Session) -> tuple[re.Pattern[str] | None, dict[str, int]]:
    stamp = tuple(session.execute(select(func.count(), func.max(GlossaryTerm.id), func.max(GlossaryTerm.updated_at))
                                  .select_from(GlossaryTerm)).one())  # fmt: skip
    if stamp not in _matchers:
        forms: dict[str, int] = {}
        for tid, term, variants in session.execute(select(GlossaryTerm.id, GlossaryTerm.term, GlossaryTerm.variants)):
            for form in [term, *(variants or [])]:
                forms.setdefault(form.casefold(), tid)
        ordered = sorted(forms, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(f) for f in ordered), re.IGNORECASE) if ordered else None
        _matchers.clear()
        _matchers[stamp] = (pattern, forms)
    return _matchers[stamp]


def find_terms(session: Session, text: str) -> list[GlossHit]:
    """The glossary's terms (or their variants) in ``text``, leftmost longest first, not overlapping."""
    pattern, forms = _matcher(session)
    if pattern is None:
        return []
    found = [(m.start(), m.end(), forms[m.group().casefold()]) for m in pattern.finditer(text)]
    rows = {r.id: r for r in session.scalars(select(GlossaryTerm).where(GlossaryTerm.id.in_({f[2] for f in found})))}
    return [GlossHit(start, end, rows[tid]) for start, end, tid in found if tid in rows]
