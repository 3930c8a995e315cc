"""Understanding replies: splitting a message into its demands (诉求; a CRF over clauses
learned from the hand labels, the rules without its model file), matching a
reply's sentences to them, and reviewing a reply on relevance, completeness,
interpretability, timeliness, specificity and plain language (``review_reply``).
Pure functions: no database, no settings.
"""

from massline.analysis.replies.demands import rule_demands, split_demands, split_reply
from massline.analysis.replies.evaluation import BoundaryScore, evaluate_boundaries, match_spans, overlap
from massline.analysis.replies.matching import match_demands
from massline.analysis.replies.phrasebook import Hit, Phrase, find_officialese, phrasebook
from massline.analysis.replies.review import LOW, WEIGHTS, findings, review_reply
from massline.analysis.replies.splitter import DEMAND_MODEL, DemandSplitter, default_splitter, train_splitter
from massline.analysis.replies.splitter_eval import (
    boundary_rows,
    cross_validate_splitter,
    load_demand_labels,
    nested_cross_validate_splitter,
)
from massline.analysis.replies.types import (
    CRITERIA,
    DEMAND_KINDS,
    CaseText,
    Criterion,
    Demand,
    DemandMatch,
    Review,
)

__all__ = [
    "CRITERIA",
    "BoundaryScore",
    "DEMAND_KINDS",
    "DEMAND_MODEL",
    "DemandSplitter",
    "CaseText",
    "Criterion",
    "Demand",
    "DemandMatch",
    "Hit",
    "LOW",
    "Phrase",
    "Review",
    "WEIGHTS",
    "boundary_rows",
    "cross_validate_splitter",
    "default_splitter",
    "evaluate_boundaries",
    "find_officialese",
    "findings",
    "load_demand_labels",
    "match_demands",
    "match_spans",
    "nested_cross_validate_splitter",
    "overlap",
    "phrasebook",
    "review_reply",
    "rule_demands",
    "split_demands",
    "split_reply",
    "train_splitter",
]
