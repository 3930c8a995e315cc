"""Issue discovery: group messages about the same problem in the same place.

"Two messages about the same problem in different compounds are different
issues; the same compound with two different problems are two issues."

This module is the public face of issue discovery; the work is split by concept:

* :mod:`~massline.analysis.places.keys`: place keys found by suffix
  (``丽发新城小区 → 丽发新城``), the place vocabulary (names found again
  without suffix), compatibility (``魅力之城``/``万科魅力之城``) and place
  aliases learnt from co-occurrence (``广铁集团`` → ``伊景园滨河苑``);
* :mod:`~massline.analysis.issues.features`: :class:`IssueDoc` and
  :class:`DocFeatures`, a message's place and problem vector;
* :mod:`~massline.analysis.issues.assign`: :class:`IssueIndex`, incremental
  assignment (``add(doc) -> cluster id``) with bounded candidate sets, and
  :class:`Cluster`, :class:`ConcentrateParams`;
* :mod:`~massline.analysis.issues.cluster`: :class:`IssueClusterer`, the batch
  form (scikit-learn contract);
* :mod:`~massline.analysis.issues.describe` and
  :mod:`~massline.analysis.issues.ranking`: title, summary, figures and the hot list.
"""

from __future__ import annotations

from massline.analysis.issues.assign import Cluster, ConcentrateParams, IssueIndex
from massline.analysis.issues.cluster import IssueClusterer
from massline.analysis.issues.features import CONCEPT_OF, CONCEPTS, PROBLEM_STOPWORDS, DocFeatures, IssueDoc

__all__ = [
    "CONCEPTS",
    "CONCEPT_OF",
    "PROBLEM_STOPWORDS",
    "Cluster",
    "ConcentrateParams",
    "DocFeatures",
    "IssueClusterer",
    "IssueDoc",
    "IssueIndex",
]
