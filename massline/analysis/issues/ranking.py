"""The hot list: discover issues in a batch, describe them, rank them by heat."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from massline.analysis.issues.concentrate import IssueClusterer, IssueDoc
from massline.analysis.issues.describe import IssueSummary, describe_issue
from massline.analysis.issues.heat import HeatMessage, HeatParams, HeatResult, heat_index
from massline.analysis.places import Language
from massline.analysis.text import Segmenter

__all__ = ["RankedIssue", "hot_issues"]


@dataclass
class RankedIssue:
    """An issue with its heat."""

    issue: IssueSummary
    heat: HeatResult
    docs: list[IssueDoc]


def hot_issues(
    docs: Sequence[IssueDoc],
    reference: datetime | None = None,
    *,
    top: int = 10,
    min_messages: int = 2,
    heat_params: HeatParams | None = None,
    clusterer: IssueClusterer | None = None,
    segmenter: Segmenter | None = None,
    language: Language | None = None,
) -> list[RankedIssue]:
    """The ``top`` issues of ``docs`` with at least ``min_messages`` messages, hottest first.

    ``reference`` defaults to the latest message time.  Ties are broken by
    more messages, then by the earliest member's input position.
    ``language``: the deployment's place grammar (default: general Chinese;
    a given ``clusterer`` keeps its own).
    """
    clusterer = clusterer or IssueClusterer(segmenter=segmenter, language=language)
    clusterer.fit(docs)
    times = [d.time for d in docs if d.time is not None]
    if reference is None and times:
        reference = max(times)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(clusterer.labels_):
        groups.setdefault(int(label), []).append(i)
    scored = []
    for members in groups.values():
        if len(members) < min_messages:
            continue
        heat = heat_index(
            [HeatMessage(docs[i].time, docs[i].author, docs[i].support, docs[i].opposition) for i in members],
            reference or datetime.fromtimestamp(0).astimezone(),
            heat_params,
        )
        scored.append((heat, members))
    scored.sort(key=lambda hm: (-hm[0].score, -len(hm[1]), hm[1][0]))
    out = []
    index = clusterer.index_
    for heat, members in scored[:top]:
        cluster = index.clusters[index.label(docs[members[0]].key)]
        member_docs = [docs[i] for i in members]
        issue = describe_issue(cluster, member_docs, [clusterer.features_[i] for i in members], index.language)
        out.append(RankedIssue(issue, heat, member_docs))
    return out
