"""Issue discovery: grouping messages about the same problem in the same place
(batch ``cluster`` and incremental ``assign``), describing an issue, its heat
index, the hot list and bursts for early warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from massline.analysis.issues.assign import IssueIndex
    from massline.analysis.issues.bursts import BurstParams, BurstResult, bin_counts, detect_burst, urgent_issue_alert
    from massline.analysis.issues.cluster import IssueClusterer, prefer_alias_target
    from massline.analysis.issues.describe import describe_issue, without_names
    from massline.analysis.issues.features import DocFeatures, IssueDoc
    from massline.analysis.issues.heat import HeatMessage, HeatParams, HeatResult, heat_index
    from massline.analysis.issues.ranking import hot_issues
    from massline.analysis.issues.state import Cluster, ConcentrateParams
    from massline.analysis.issues.vocab import PlaceAliases, PlaceVocabulary

__all__ = [
    "BurstParams",
    "BurstResult",
    "Cluster",
    "ConcentrateParams",
    "DocFeatures",
    "HeatMessage",
    "HeatParams",
    "HeatResult",
    "IssueClusterer",
    "IssueDoc",
    "IssueIndex",
    "PlaceAliases",
    "PlaceVocabulary",
    "bin_counts",
    "describe_issue",
    "without_names",
    "detect_burst",
    "heat_index",
    "hot_issues",
    "prefer_alias_target",
    "urgent_issue_alert",
]

# The names above load on first use (PEP 562): numpy and the segmenter load only with the names that use them.
_LAZY = {
    "assign": ["IssueIndex"],
    "bursts": ["BurstParams", "BurstResult", "bin_counts", "detect_burst", "urgent_issue_alert"],
    "cluster": ["IssueClusterer", "prefer_alias_target"],
    "describe": ["describe_issue", "without_names"],
    "features": ["DocFeatures", "IssueDoc"],
    "heat": ["HeatMessage", "HeatParams", "HeatResult", "heat_index"],
    "ranking": ["hot_issues"],
    "state": ["Cluster", "ConcentrateParams"],
    "vocab": ["PlaceAliases", "PlaceVocabulary"],
}


if not TYPE_CHECKING:  # mypy reads the imports above and still flags a name this package does not export
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs=_LAZY)
