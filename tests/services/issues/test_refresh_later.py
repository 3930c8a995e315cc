"""The issues a backlog touches, refreshed when it ends (or every ``refresh_every`` seconds while it
lasts) instead of after each batch; a lone message on a quiet platform still refreshed in its own
batch; issues a stopped worker left dirty refreshed by the next — on a real database (mini
deployment), through the worker."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from massline.models import Issue, Message
from massline.platform import Platform
from massline.services import pipeline
from massline.worker import Worker
from tests.services.issues.test_issues import GAS, NOISE_DC, PARKING_DC, PARKING_XC, submit

TEXTS = [*PARKING_DC, PARKING_XC, NOISE_DC, GAS]


def _backlog(p: Platform, n: int) -> list[int]:
    return [submit(p, *TEXTS[i % len(TEXTS)], author=f"居民{i}").id for i in range(n)]


def _dirty(p: Platform) -> set[int]:
    with p.read() as s:
        return set(s.scalars(select(Issue.id).where(Issue.dirty.is_(True))))


def _issues_of(p: Platform, ids: list[int]) -> set[int]:
    with p.read() as s:
        return {i for i in s.scalars(select(Message.issue_id).where(Message.id.in_(ids))) if i is not None}


def _assert_all_refreshed(p: Platform) -> None:
    """Every issue clean, counted from its messages and described from all of them."""
    with p.read() as s:
        counts = dict(s.execute(select(Message.issue_id, func.count()).where(Message.issue_id.is_not(None))
                                .group_by(Message.issue_id)).all())  # fmt: skip
        issues = s.scalars(select(Issue)).all()
        assert counts and {i.id for i in issues} == set(counts)
        for issue in issues:
            assert not issue.dirty
            assert issue.message_count == counts[issue.id]
            assert issue.described_count == issue.message_count and issue.title and issue.summary
            assert issue.heat > 0 and issue.heat_at is not None


def _waiting(p: Platform) -> dict[int, tuple[int, str]]:
    """The dirty issues: their described count and title."""
    with p.read() as s:
        return {i: (n, t) for i, n, t in s.execute(select(Issue.id, Issue.described_count, Issue.title)
                                                   .where(Issue.dirty.is_(True)))}  # fmt: skip


def test_a_backlogs_issues_are_refreshed_once_when_it_ends(deployed: Platform) -> None:
    _backlog(deployed, 18)
    seen: list[dict[int, tuple[int, str]]] = []
    worker = Worker(deployed, batch_size=4, refresh_every=1e9)
    report = worker.run_once(progress=lambda r: seen.append(_waiting(deployed)))
    assert report.messages == 18 and len(seen) >= 3
    # while it lasted, the issues of its batches were left dirty (new ones, and those joined), and were
    # not refreshed: no description yet
    waiting = seen[:-1]
    assert all(waiting) and all(waiting[k].keys() <= waiting[k + 1].keys() for k in range(len(waiting) - 1))
    assert all(described == (0, "") for w in waiting for described in w.values())
    _assert_all_refreshed(deployed)  # its end refreshed them all


def test_a_long_backlog_refreshes_its_issues_every_refresh_every_seconds(deployed: Platform) -> None:
    ids = _backlog(deployed, 12)
    waiting: list[tuple[set[int], set[int]]] = []  # after each batch: the dirty issues, the batch's issues
    last = [0]

    def batch_stored(report: pipeline.PipelineReport) -> None:
        mine = [i for i in ids if last[0] < i <= report.last_id]
        last[0] = report.last_id
        waiting.append((_dirty(deployed), _issues_of(deployed, mine)))

    Worker(deployed, batch_size=3, refresh_every=0).run_once(progress=batch_stored)
    assert len(waiting) >= 3 and any(dirty for dirty, _ in waiting)
    assert all(dirty <= mine for dirty, mine in waiting)  # only the issues of the batch just stored wait
    _assert_all_refreshed(deployed)


def test_a_lone_message_on_a_quiet_platform_is_refreshed_in_its_own_cycle(deployed: Platform) -> None:
    _backlog(deployed, 10)
    worker = Worker(deployed, batch_size=4)
    worker.run_once()
    joining = submit(deployed, *PARKING_DC[0], author="新来的居民").id
    before = _dirty(deployed)
    report = worker.run_once()
    assert report.messages == 1 and not before and not _dirty(deployed)
    (issue_id,) = _issues_of(deployed, [joining])
    with deployed.read() as s:
        issue = s.get(Issue, issue_id)
        assert issue is not None and issue.message_count >= 2
        assert issue.described_count == issue.message_count and joining in issue.representatives
    _assert_all_refreshed(deployed)


def _store_a_backlog_batch(deployed: Platform) -> None:
    """One batch stored as a backlog's batch (more to follow): its issues are left dirty."""
    with deployed.read() as s:
        batch = pipeline.plan_batch(s, pipeline.analysis_context(s, model_path=None), deployed.plugins.steps())
    pipeline.compute_batch(batch)
    batch.ctx.backlog = True
    with deployed.write() as s:
        pipeline.store_batch(s, batch, deployed.now())


def test_issues_a_stopped_worker_left_dirty_are_refreshed_by_the_next(deployed: Platform) -> None:
    ids = _backlog(deployed, 6)
    _store_a_backlog_batch(deployed)  # then the worker stops before the backlog's end
    touched = _issues_of(deployed, ids)
    assert touched and _dirty(deployed) == touched
    report = Worker(deployed).run_once()  # nothing pending: the dirty issues are refreshed all the same
    assert report.messages == 0
    _assert_all_refreshed(deployed)


def test_the_dirty_issues_are_refreshed_in_several_short_transactions(
    deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    from massline.services import issues
    from massline.services.issues import refresh

    monkeypatch.setattr(refresh, "REFRESH_CHUNK", 2)
    monkeypatch.setattr(issues, "REFRESH_CHUNK", 2, raising=False)
    ids = _backlog(deployed, 12)
    _store_a_backlog_batch(deployed)
    touched = _issues_of(deployed, ids)
    assert len(touched) > 2 and _dirty(deployed) == touched
    # a budget no transaction meets: chunks of 2 (the most), every dirty issue refreshed all the same
    worker = Worker(deployed, write_budget=1e-9)
    assert worker.refresh_issues() == len(touched)
    _assert_all_refreshed(deployed)


def test_a_cycle_cut_at_its_cap_leaves_the_refresh_to_the_cycle_that_ends_the_backlog(deployed: Platform) -> None:
    _backlog(deployed, 12)
    worker = Worker(deployed, batch_size=3, max_per_cycle=6, refresh_every=1e9)
    first = worker.run_once()  # more wait: ``run_forever`` would start the next cycle at once
    assert first.messages == 6 and _dirty(deployed)
    while worker.run_once().messages:
        pass
    _assert_all_refreshed(deployed)
