"""Issue discovery: grouping messages about the same problem in the same place
(batch ``cluster`` and incremental ``assign``), describing an issue, its heat
index, the hot list and bursts for early warning.
"""

from massline.analysis.issues.bursts import BurstParams, BurstResult, bin_counts, detect_burst, urgent_issue_alert
from massline.analysis.issues.cluster import prefer_alias_target
from massline.analysis.issues.concentrate import (
    Cluster,
    ConcentrateParams,
    DocFeatures,
    IssueClusterer,
    IssueDoc,
    IssueIndex,
)
from massline.analysis.issues.describe import describe_issue, without_names
from massline.analysis.issues.heat import HeatMessage, HeatParams, HeatResult, heat_index
from massline.analysis.issues.ranking import hot_issues
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
