"""Error tolerance (容错纠错): the review of an official's online statement or reply that went wrong,
with pilot approaches registered beforehand (事前备案).

Owns: the review (facts, the official's own account, the criteria, the decision and reasons, an
appeal decided by another reviewer: ``reviews``), pilot registrations (``pilots``), reading them
with an audit row per read and the aggregate figures without names (``views``). Who may read and act
is ``services.access`` (the official concerned, supervisors and admins). Others use only the names below.
"""

from massline.services.tolerance.criteria import AGAINST_TOLERANCE, CRITERIA, DECISION_LABELS, FOR_TOLERANCE
from massline.services.tolerance.pilots import PilotInput, check_register_pilot, covering_pilots, pilots_for
from massline.services.tolerance.reviews import (
    DecisionInput,
    ReviewInput,
    check_appeal,
    check_decide,
    check_decide_appeal,
    check_give_account,
    check_open_review,
)
from massline.services.tolerance.views import ReviewView, decision_counts, list_reviews, view_review

__all__ = [
    "AGAINST_TOLERANCE",
    "CRITERIA",
    "DECISION_LABELS",
    "FOR_TOLERANCE",
    "DecisionInput",
    "PilotInput",
    "ReviewInput",
    "ReviewView",
    "check_appeal",
    "check_decide",
    "check_decide_appeal",
    "check_give_account",
    "check_open_review",
    "check_register_pilot",
    "covering_pilots",
    "decision_counts",
    "list_reviews",
    "pilots_for",
    "view_review",
]
