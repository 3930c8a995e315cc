"""Classifying a message: its category (the trained model, its features and
evaluation), its kind (投诉/求助/…), urgency and emotional intensity — by word
rules, and by the learned model of all three (``learned``: trained on the
labelled messages, evaluated against the rules by cross-validation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.analysis.classify.decision import Decision, EvidenceSpan, as_dict
    from massline.analysis.classify.evaluate import calibration_of, cross_validate
    from massline.analysis.classify.inputs import text_of
    from massline.analysis.classify.kind import guess_kind
    from massline.analysis.classify.labelled import LabelledMessage, read_labelled
    from massline.analysis.classify.learned import TASKS, MessageModel
    from massline.analysis.classify.learned_eval import (
        UnderstandingReport,
        evaluate_holdout,
        evaluate_understanding,
        format_report,
    )
    from massline.analysis.classify.model import CategoryClassifier, ModelFormatError
    from massline.analysis.classify.rules import TASK_LABELS, RuleAnswers, rule_answers, rule_findings
    from massline.analysis.classify.sentiment import sentiment_intensity
    from massline.analysis.classify.urgency import Signal, Urgency, assess_urgency

__all__ = [
    "TASKS",
    "TASK_LABELS",
    "CategoryClassifier",
    "Decision",
    "EvidenceSpan",
    "LabelledMessage",
    "MessageModel",
    "ModelFormatError",
    "RuleAnswers",
    "Signal",
    "UnderstandingReport",
    "Urgency",
    "as_dict",
    "assess_urgency",
    "calibration_of",
    "cross_validate",
    "evaluate_holdout",
    "evaluate_understanding",
    "format_report",
    "guess_kind",
    "read_labelled",
    "rule_answers",
    "rule_findings",
    "sentiment_intensity",
    "text_of",
]

# The names above load on first use (PEP 562): scikit-learn loads only with the model or the evaluation.
_LAZY = {
    "evaluate": ["calibration_of", "cross_validate"],
    "inputs": ["text_of"],
    "kind": ["guess_kind"],
    "labelled": ["LabelledMessage", "read_labelled"],
    "decision": ["Decision", "EvidenceSpan", "as_dict"],
    "learned": ["TASKS", "MessageModel"],
    "learned_eval": ["UnderstandingReport", "evaluate_holdout", "evaluate_understanding", "format_report"],
    "rules": ["TASK_LABELS", "RuleAnswers", "rule_answers", "rule_findings"],
    "model": ["CategoryClassifier", "ModelFormatError"],
    "sentiment": ["sentiment_intensity"],
    "urgency": ["Signal", "Urgency", "assess_urgency"],
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
