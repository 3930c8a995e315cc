"""``massline issues rebuild`` writes in bulk: figures of kept and new issues, their history, and
all or nothing (a failure leaves the old issues and the memory's generation token) — real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from massline.analysis.issues import batch
from massline.models import Issue, IssueCluster, IssueEvent, Message
from massline.platform import Platform
from massline.services.issues import rebuild as issue_rebuild
from massline.services.issues.memory import read_generation
from tests.services.issues.test_issues import issue_of, parking


def test_rebuild_figures_history_and_loaded_objects(deployed: Platform) -> None:
    dc, xc, noise = parking(deployed)
    parking_id, xc_id = issue_of(deployed, dc[0].id), issue_of(deployed, xc.id)
    with deployed.write() as s:  # one message left unassigned: its issue changes, the others do not
        s.execute(update(Message).where(Message.id == dc[2].id).values(issue_id=None))
        s.execute(update(Issue).where(Issue.id == parking_id).values(message_count=99, title="旧标题"))
    with deployed.write() as s:
        loaded = s.get(Issue, parking_id)  # loaded before the bulk UPDATE: must not keep stale figures
        assert loaded is not None and loaded.message_count == 99
        report = issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
        assert report.issues == 3 and report.kept == 3 and report.created == 0
        assert loaded.message_count == 3 and loaded.title != "旧标题" and not loaded.dirty
    assert issue_of(deployed, dc[2].id) == parking_id
    with deployed.read() as s:
        rebuilt = {e.issue_id: e for e in s.scalars(select(IssueEvent).where(IssueEvent.type == "rebuilt"))}
        assert set(rebuilt) == {parking_id}  # only the changed issue says so in its history
        assert rebuilt[parking_id].data == {"messages": 3} and not rebuilt[parking_id].is_public
        xc_issue = s.get(Issue, xc_id)
        assert xc_issue is not None and xc_issue.message_count == 1 and xc_issue.described_count == 1
        assert s.get(IssueCluster, xc_id) is not None


def test_rebuild_makes_new_issues_with_ids_figures_and_state(deployed: Platform) -> None:
    dc, xc, noise = parking(deployed)
    with deployed.write() as s:  # as after an import: messages, no issues
        s.execute(update(Message).values(issue_id=None))
    with deployed.write() as s:
        report = issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
    assert report.created == 3 and report.kept == 0  # the old issues, no longer named by a message, are not touched
    new = {issue_of(deployed, m.id) for m in (*dc, xc, noise)}
    assert len(new) == 3 and issue_of(deployed, dc[0].id) == issue_of(deployed, dc[2].id)
    with deployed.read() as s:
        issues = {i.id: i for i in s.scalars(select(Issue).where(Issue.id.in_(new)))}
        assert sorted(i.message_count for i in issues.values()) == [1, 1, 3]
        assert all(i.status == "open" and i.title and i.heat > 0 and not i.dirty for i in issues.values())
        assert {c.issue_id for c in s.scalars(select(IssueCluster))} == new
        events = s.scalars(select(IssueEvent.issue_id).where(IssueEvent.type == "rebuilt")).all()
        assert sorted(events) == sorted(new)


def test_failed_rebuild_leaves_the_old_issues(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    dc, xc, noise = parking(deployed)
    with deployed.read() as s:
        before = dict(s.execute(select(Message.id, Message.issue_id)).all())
        figures = dict(s.execute(select(Issue.id, Issue.message_count)).all())
        token = read_generation(s)
    with deployed.write() as s:
        s.execute(update(Message).where(Message.id == dc[2].id).values(issue_id=None))
        before[dc[2].id] = None

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(issue_rebuild.audit, "record", fail)  # the last write of the rebuild fails
    with pytest.raises(RuntimeError), deployed.write() as s:
        issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
    with deployed.read() as s:
        assert dict(s.execute(select(Message.id, Message.issue_id)).all()) == before
        assert dict(s.execute(select(Issue.id, Issue.message_count)).all()) == figures
        assert s.scalar(select(IssueEvent.id).where(IssueEvent.type == "rebuilt")) is None
        assert read_generation(s) == token


def test_rebuild_in_forked_processes_plans_the_same_issues(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    parking(deployed)
    with deployed.read() as s:
        alone = issue_rebuild.plan_rebuild(s)
    monkeypatch.setattr(batch, "MIN_FORKED", 1)  # the parking messages are too few for processes otherwise
    monkeypatch.setattr(batch, "CHUNK", 2)
    with deployed.read() as s:
        forked = issue_rebuild.plan_rebuild(s, jobs=2)
    assert len(alone.issues) >= 3
    assert [(p.members, p.old_issue, p.summary) for p in alone.issues] == [
        (p.members, p.old_issue, p.summary) for p in forked.issues
    ]
    assert all(p.summary is not None and p.summary.title for p in forked.issues if p.members)


def test_rebuild_describes_issues_with_the_deployments_place_grammar(
    deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rebuild's descriptions cut administrative units with the deployment's place grammar, as the
    pipeline's do (``index.language``), not with the general one."""
    from massline.analysis.places import Language

    parking(deployed)
    coded = Language(region_code=r"[A-Za-z]\d*(?:省|市|区|县)")
    seen: list[object] = []
    describe = issue_rebuild.describe_issue

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(args[3] if len(args) > 3 else kwargs.get("language"))
        return describe(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(issue_rebuild, "describe_issue", spy)
    with deployed.read() as s:
        plan = issue_rebuild.plan_rebuild(s, language=coded)
    assert len(seen) == 3 and all(language is coded for language in seen)
    assert all(p.summary is not None and p.summary.title for p in plan.issues if p.members)
