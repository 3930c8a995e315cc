"""A decision of the learned kind, urgency and feeling model, with the evidence it rests on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Decision", "EvidenceSpan", "as_dict"]


@dataclass(frozen=True)
class EvidenceSpan:
    """A piece of the text a decision rests on: its offsets in ``title + "\\n" + body`` and its weight."""

    text: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Decision:
    """One task's answer: label, confidence (probability), who decided, and the evidence."""

    label: str
    confidence: float
    by: str  # "model" or "rule"
    spans: list[EvidenceSpan] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)


def as_dict(decision: Decision) -> dict[str, Any]:
    """A decision as JSON-ready evidence (label, confidence, by, spans, rules)."""
    return {
        "label": decision.label,
        "confidence": decision.confidence,
        "by": decision.by,
        "spans": [{"text": s.text, "start": s.start, "end": s.end, "weight": s.weight} for s in decision.spans],
        "rules": decision.rules,
        "probabilities": decision.probabilities,
    }
