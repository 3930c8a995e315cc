"""Officials' merges and splits of issues, recorded as ``IssueDecision`` rows that rebuilds replay.

* merge: every message of the other issue moves into the target; the other
  issue is kept as ``merged`` (``merged_into_id``) so links to it still resolve;
  its commitments, replies and ratings move too. Decision: these messages belong together.
* split: the chosen messages leave for a new issue. Decision: they must not be
  with the ones that stayed.

Both recompute the clustering state of the issues involved, so incremental
assignment sees the corrected issues at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from massline.analysis.issues import Cluster, IssueDoc, IssueIndex
from massline.models import (
    Issue,
    IssueCluster,
    IssueCommitment,
    IssueDecision,
    IssueRating,
    IssueReply,
    Message,
    User,
)
from massline.services.access import access_issue_for_action
from massline.services.deployment import site_language
from massline.services.errors import ValidationFailed
from massline.services.issues.index import (
    PARAMS,
    StoredIssueIndex,
    drop_index_rows,
    load_cluster,
    segmenter,
    store_cluster,
)
from massline.services.issues.step import refresh_issue
from massline.services.issues.store import add_issue_event

MAX_SPLIT = 5000


def recluster(session: Session, issue_id: int, message_ids: Iterable[int]) -> Cluster:
    """Recompute an issue's clustering state from these member messages and store it."""
    index = StoredIssueIndex(session)
    rows = session.execute(
        select(
            Message.id, Message.title, Message.body, Message.created_at, Message.author_name, Message.support_count,
            Message.oppose_count,
        )
        .where(Message.id.in_(list(message_ids)))
        .order_by(Message.created_at, Message.id)
    ).all()
    docs = [IssueDoc(mid, t, b, c, a or "", s or 0, o or 0) for mid, t, b, c, a, s, o in rows]
    features = []
    for doc in docs:
        f = index.doc_features(doc, learn=False)
        f.vector = index.vectorize(f)
        features.append(f)
    places = Counter(f.place.key for f in features if f.place)
    place = places.most_common(1)[0][0] if places else ""
    cluster = Cluster(issue_id, place, keys={place} if place else set())
    index.restore_cluster(cluster, searchable=False)
    for doc, f in zip(docs, features, strict=True):
        index.join(cluster, doc.key, f)
    store_cluster(session, issue_id, cluster)
    return cluster


def check_merge(session: Session, user: User, issue_id: int, other_id: int, note: str, now: datetime) -> Issue:
    """Merge issue ``other_id`` into ``issue_id`` (both must allow the user to merge)."""
    if issue_id == other_id:
        raise ValidationFailed({"other": "不能与自身合并"})
    target = access_issue_for_action(session, user, issue_id, "merge")
    other = access_issue_for_action(session, user, other_id, "merge")
    members = sorted(session.scalars(select(Message.id).where(Message.issue_id.in_((target.id, other.id)))))
    a, b = session.get(IssueCluster, target.id), session.get(IssueCluster, other.id)
    if a is not None and b is not None:
        index = IssueIndex(PARAMS, segmenter(), site_language(session))
        index.restore_cluster(load_cluster(a))
        index.restore_cluster(load_cluster(b))
        index.merge(target.id, other.id)
        merged = index.clusters[target.id]
        session.expunge(b)
        drop_index_rows(session, [other.id])
        store_cluster(session, target.id, merged)
    elif b is not None:
        moved = load_cluster(b)
        session.expunge(b)
        drop_index_rows(session, [other.id])
        store_cluster(session, target.id, moved)
    session.execute(update(Message).where(Message.issue_id == other.id).values(issue_id=target.id))
    drafts = select(IssueReply.id).where(IssueReply.issue_id == target.id, IssueReply.status == "draft")
    if session.scalar(drafts.limit(1)) is not None:  # one draft per issue: the target's is kept
        session.execute(delete(IssueReply).where(IssueReply.issue_id == other.id, IssueReply.status == "draft"))
    for model in (IssueCommitment, IssueReply, IssueRating):
        session.execute(update(model).where(model.issue_id == other.id).values(issue_id=target.id))
    session.execute(update(Issue).where(Issue.merged_into_id == other.id).values(merged_into_id=target.id))
    if target.owner_office_id is None and other.owner_office_id is not None:
        target.owner_office_id = other.owner_office_id
        target.status = "owned" if target.status == "open" else target.status
    other.status = "merged"
    other.merged_into_id = target.id
    other.message_count = 0
    text = note.strip()[:1000] if isinstance(note, str) else ""
    session.add(IssueDecision(kind="merge", issue_id=target.id, other_issue_id=other.id, message_ids=members,
                              kept_ids=[], actor_id=user.id, note=text, created_at=now))  # fmt: skip
    add_issue_event(session, target, "merged", now, actor=user, note=text or None, other=other.id)
    add_issue_event(session, other, "merged_into", now, actor=user, note=text or None, into=target.id)
    session.flush()
    refresh_issue(session, target, now)
    return target


def check_split(
    session: Session, user: User, issue_id: int, message_ids: Iterable[object], note: str, now: datetime
) -> Issue:
    """Move ``message_ids`` (some, not all, of the issue's messages) to a new issue; returns the new issue."""
    issue = access_issue_for_action(session, user, issue_id, "split")
    try:
        chosen = {int(str(m)) for m in message_ids}
    except ValueError:
        raise ValidationFailed({"message_ids": "请选择要拆出的留言"}) from None
    members = set(session.scalars(select(Message.id).where(Message.issue_id == issue.id)))
    if not chosen or not chosen <= members:
        raise ValidationFailed({"message_ids": "请选择本问题中的留言"})
    if chosen == members:
        raise ValidationFailed({"message_ids": "不能拆出全部留言"})
    if len(members) > MAX_SPLIT:
        raise ValidationFailed({"message_ids": f"留言超过 {MAX_SPLIT} 条的问题请用 issues rebuild"})
    new = Issue(status="open", dirty=True, created_at=now, updated_at=now, keywords=[], representatives=[],
                heat_components=[])  # fmt: skip
    session.add(new)
    session.flush()
    session.execute(update(Message).where(Message.id.in_(sorted(chosen))).values(issue_id=new.id))
    recluster(session, new.id, chosen)
    recluster(session, issue.id, members - chosen)
    text = note.strip()[:1000] if isinstance(note, str) else ""
    decision = IssueDecision(
        kind="split",
        issue_id=new.id,
        other_issue_id=issue.id,
        message_ids=sorted(chosen),
        kept_ids=sorted(members - chosen),
        actor_id=user.id,
        note=text,
        created_at=now,
    )
    session.add(decision)
    add_issue_event(session, issue, "split", now, actor=user, note=text or None, new=new.id, messages=len(chosen))
    add_issue_event(session, new, "split", now, actor=user, note=text or None, source=issue.id)
    session.flush()
    refresh_issue(session, new, now)
    refresh_issue(session, issue, now)
    return new
