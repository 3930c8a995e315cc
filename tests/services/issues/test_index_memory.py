"""The issue index kept in the pipeline's memory between batches (services/issues/memory.py): used
while no one else wrote the index, reloaded after a merge or a rolled-back batch, never trusted stale;
its postings read several terms at once; the place vocabulary trusted by the same generation token."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from massline.models import (
    Issue,
    IssueCluster,
    IssuePlaceAlias,
    IssuePosting,
    IssueTermDf,
    IssueVocabulary,
    Message,
    SiteSetting,
    User,
)
from massline.platform import Platform
from massline.services import pipeline
from massline.services.issues import decisions as issue_decisions
from massline.services.issues.index import PARAMS, StoredIssueIndex
from massline.services.issues.memory import GENERATION, IndexMemory, PendingRows, bump_generation, index_memory
from tests.services.issues.test_issues import analyse, issue_of, parking, submit

MORE_PARKING = ("阳光花园小区车位捆绑销售", "阳光花园小区开发商强迫业主购买车位，不买车位就不给交房，请查处。")


@contextmanager
def statements(p: Platform) -> Iterator[list[str]]:
    """The SQL statements the platform's engine runs meanwhile."""
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    engine = p.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_next_batch_uses_the_kept_index(deployed: Platform) -> None:
    dc, _xc, _noise = parking(deployed)
    parking_id = issue_of(deployed, dc[0].id)
    with deployed.read() as s:
        memory = index_memory(s)
        token = s.scalar(select(SiteSetting.value).where(SiteSetting.key == GENERATION))
    assert token and memory.generation == token and parking_id in memory.clusters
    more = submit(deployed, *MORE_PARKING, "业主M")
    with statements(deployed) as seen:
        analyse(deployed)
    assert issue_of(deployed, more.id) == parking_id
    # the place's issues and their clusters came from memory: no look-up of them in the database
    assert not [q for q in seen if "FROM issue_clusters" in q or "FROM issue_place_keys" in q]


def test_a_merge_between_batches_makes_the_next_batch_reload(deployed: Platform) -> None:
    dc, xc, _noise = parking(deployed)
    parking_id, xc_id = issue_of(deployed, dc[0].id), issue_of(deployed, xc.id)
    with deployed.write() as s:
        disp = s.scalar(select(User).where(User.username == "disp"))
        assert disp is not None
        issue_decisions.check_merge(s, disp, xc_id, parking_id, "同一开发商", deployed.now())
    more = submit(deployed, *MORE_PARKING, "业主M")
    analyse(deployed)
    # the kept index still filed 阳光花园 under the merged-away issue: it was not trusted
    assert issue_of(deployed, more.id) == xc_id
    with deployed.read() as s:
        merged = s.get(Issue, parking_id)
        assert merged is not None and merged.status == "merged"


def test_a_rolled_back_batch_leaves_no_trace_in_the_kept_index(deployed: Platform) -> None:
    dc, _xc, _noise = parking(deployed)
    more = submit(deployed, *MORE_PARKING, "业主M")
    with pytest.raises(RuntimeError), deployed.write() as s:
        pipeline.run_pipeline(s, pipeline.analysis_context(s, model_path=None), deployed.plugins.steps())
        assert index_memory(s).clusters  # what the batch changed is in memory ...
        raise RuntimeError("the batch fails before its commit")
    with deployed.read() as s:
        memory = index_memory(s)
        memory.check(s)
        assert not memory.clusters  # ... and not trusted once the batch rolled back
    analyse(deployed)
    assert issue_of(deployed, more.id) == issue_of(deployed, dc[0].id)
    with deployed.read() as s:
        issue = s.get(Issue, issue_of(deployed, more.id))
        assert issue is not None and issue.message_count == 4


def test_postings_read_together_are_the_ones_read_term_by_term(deployed: Platform) -> None:
    parking(deployed)
    submit(deployed, *MORE_PARKING, "业主M")
    analyse(deployed)
    params = dataclasses.replace(PARAMS, max_scan=1)  # (the LIMIT per term matters)
    with deployed.read() as s:
        rows = s.execute(select(IssuePosting.place_key, IssuePosting.term)).all()
        key = Counter(k for k, _ in rows).most_common(1)[0][0]
        terms = sorted({t for k, t in rows if k == key}) + ["没有的词"]
        alone, together = StoredIssueIndex(s, params), StoredIssueIndex(s, params, memory=IndexMemory())
        together.pending = PendingRows()
        expected = {t: alone._posted(key, t) for t in terms}
        assert any(len(ids) == 1 for ids in expected.values()) and expected["没有的词"] == []
        with statements(deployed) as seen:
            together._read_posted(key, terms)
            got = {t: together._posted(key, t) for t in terms}
    assert got == expected
    assert len(seen) == 1  # one statement for all the terms; then the memory answers


def test_the_vocabulary_is_not_counted_while_the_generation_is_the_kept_one(deployed: Platform) -> None:
    parking(deployed)
    submit(deployed, *MORE_PARKING, "业主M")
    with statements(deployed) as seen:
        analyse(deployed)
    assert not [q for q in seen if "FROM issue_vocabulary" in q]  # no count, no reload
    with deployed.write() as s:  # another writer of the index (a merge, a rebuild, an assignment elsewhere)
        s.add(IssueVocabulary(place_key="望月湖", kind="compound", count=1))
        bump_generation(s)
    learnt = submit(deployed, "望月湖车位捆绑销售", "开发商强迫业主购买车位。", "业主W")
    with statements(deployed) as seen:
        analyse(deployed)
    assert [q for q in seen if "FROM issue_vocabulary" in q]  # read again ...
    with deployed.read() as s:
        found = s.scalar(select(IssueCluster.place_key).join(Message, Message.issue_id == IssueCluster.issue_id)
                         .where(Message.id == learnt.id))  # fmt: skip
    assert found == "望月湖"  # ... so the place the other writer taught is known


def test_the_kept_index_reads_the_place_aliases_once(deployed: Platform) -> None:
    with deployed.write() as s:  # as the rebuild writes them
        s.add_all([IssuePlaceAlias(alias_key="阳光", place_key="阳光花园"), IssuePlaceAlias(alias_key="阳光园",
                   place_key="阳光花园"), IssuePlaceAlias(alias_key="幸福", place_key="幸福家园")])  # fmt: skip
        bump_generation(s)
    keys = ["阳光", "阳光园", "幸福", "阳光花园", "幸福家园", "别处"]
    with deployed.read() as s:
        alone = StoredIssueIndex(s).aliases
        expected = [(alone.of(k), alone.named(k)) for k in keys]
        memory = IndexMemory()
        with statements(deployed) as seen:
            kept = StoredIssueIndex(s, memory=memory).aliases
            got = [(kept.of(k), kept.named(k)) for k in keys]
            again = StoredIssueIndex(s, memory=memory).aliases  # the next batch's index
            assert [(again.of(k), again.named(k)) for k in keys] == got
    assert got == expected and expected[0] == ({"阳光花园"}, set()) and expected[3][1] == {"阳光", "阳光园"}
    assert len([q for q in seen if "issue_place_aliases" in q]) == 1


def test_a_batch_index_reads_every_frequency_at_once(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    parking(deployed)
    submit(deployed, *MORE_PARKING, "业主M")
    analyse(deployed)
    with deployed.read() as s:
        stored = {t: n for t, n in s.execute(select(IssueTermDf.term, IssueTermDf.df))}
        terms = sorted(stored) + ["没有的词"]
        alone, whole = StoredIssueIndex(s), StoredIssueIndex(s, memory=IndexMemory())
        alone.load_df(terms)
        with statements(deployed) as seen:
            whole.load_df(["车位"])
            assert len(seen) == 2  # the table's size, then all its rows
            whole.load_df(terms)  # then nothing more is read
            assert len(seen) == 2
        assert whole.frequencies() == (alone.df, None, alone.n_docs) and whole.n_docs == stored[""] > 0
        monkeypatch.setattr("massline.services.issues.index.WHOLE_DF", len(stored) - 1)  # a larger table
        larger = StoredIssueIndex(s, memory=IndexMemory())
        larger.load_df(terms)
        assert larger.frequencies() == (alone.df, set(terms) | {""}, alone.n_docs)
