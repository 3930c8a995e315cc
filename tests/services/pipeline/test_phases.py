"""The pipeline's three phases as the worker runs them: pure steps computed holding no write
transaction, short write transactions, messages changed in between, progress, the vocabulary kept
in memory — on a real database (mini deployment)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, insert, select

from massline import hookimpl
from massline.models import IssueVocabulary, Message, MessageAnalysis
from massline.platform import Platform
from massline.services import pipeline
from massline.services.issues.places import StoredVocabulary
from massline.worker import Worker
from tests.services.pipeline.test_pipeline import GAS, GAS_AGAIN, SOCIAL, analysis, submit


class Spy:
    """A plugin with one pure step and one database step, each noting whether a write transaction is open."""

    def __init__(self) -> None:
        self.writing = False
        self.pure_saw: list[bool] = []
        self.db_saw: list[bool] = []

    def pure(self, ctx: pipeline.AnalysisContext, item: pipeline.Item) -> pipeline.StepResult:
        self.pure_saw.append(self.writing)
        return pipeline.StepResult(evidence={"length": len(item.text)})

    def stored(self, ctx: pipeline.AnalysisContext, session: object, item: pipeline.Item) -> pipeline.StepResult:
        self.db_saw.append(self.writing)
        return pipeline.StepResult(evidence={})

    @hookimpl
    def register_pipeline_steps(self) -> list[pipeline.Step]:
        return [pipeline.Step("spy-pure", "v1", compute=self.pure), pipeline.Step("spy-db", "v1", self.stored)]


@pytest.fixture
def spied(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Platform, Spy]]:
    spy = Spy()
    deployed.plugins.register(spy)
    real_write = deployed.write

    @contextmanager
    def write(*args: object, **kwargs: object) -> Iterator[object]:
        with real_write(*args, **kwargs) as session:  # type: ignore[arg-type]
            spy.writing = True
            try:
                yield session
            finally:
                spy.writing = False

    monkeypatch.setattr(deployed, "write", write)
    yield deployed, spy


def test_worker_computes_pure_steps_holding_no_write_transaction(spied: tuple[Platform, Spy]) -> None:
    platform, spy = spied
    ids = [submit(platform, "楼道煤气味", GAS), submit(platform, "居住证咨询", SOCIAL)]
    report = Worker(platform, batch_size=1).run_once()
    assert report.messages == 2 and report.ran["spy-pure"] == 2 and report.ran["spy-db"] == 2
    assert spy.pure_saw == [False, False]  # computed before the write transaction
    assert spy.db_saw == [True, True]  # database steps run inside it
    assert analysis(platform, ids[0]).evidence["spy-pure"] == {"length": len(f"楼道煤气味\n{GAS}")}


def test_a_step_gives_run_or_compute_not_both() -> None:
    with pytest.raises(ValueError, match="either run"):
        pipeline.Step("both", "v1", lambda c, s, i: pipeline.StepResult(), compute=lambda c, i: pipeline.StepResult())
    with pytest.raises(ValueError, match="either run"):
        pipeline.Step("neither", "v1")


@pytest.mark.parametrize("batch_size", [1, 10])
def test_duplicates_found_within_a_batch_and_across_batches(deployed: Platform, batch_size: int) -> None:
    first = submit(deployed, "楼道煤气味", GAS)
    repost = submit(deployed, "楼道煤气味", GAS_AGAIN)
    third = submit(deployed, "楼道煤气味", GAS)
    Worker(deployed, batch_size=batch_size).run_once()
    assert analysis(deployed, repost).duplicate_of_id == first
    assert analysis(deployed, third).duplicate_of_id == first  # the chain points at the first post
    with deployed.read() as s:
        issues = set(s.scalars(select(Message.issue_id).where(Message.id.in_([first, repost, third]))))
    assert len(issues) == 1 and None not in issues  # reposts join the original's issue


def _context(platform: Platform, session: object) -> pipeline.AnalysisContext:
    return pipeline.analysis_context(session, model_path=None)  # type: ignore[arg-type]


def test_store_leaves_alone_messages_deleted_or_analysed_since_the_plan(deployed: Platform) -> None:
    gone = submit(deployed, "楼道煤气味", GAS)
    done_elsewhere = submit(deployed, "居住证咨询", SOCIAL)
    kept = submit(deployed, "楼道煤气味", GAS_AGAIN)
    steps = deployed.plugins.steps()
    with deployed.read() as s:
        batch = pipeline.plan_batch(s, _context(deployed, s), steps)
    assert [i.id for i in batch.items] == [gone, done_elsewhere, kept]
    pipeline.compute_batch(batch)
    with deployed.write() as s:  # meanwhile: one message deleted, another analysed by someone else
        s.execute(delete(Message).where(Message.id == gone))
        pipeline.run_pipeline(s, _context(deployed, s), steps, message_ids=[done_elsewhere])
    with deployed.write() as s:
        report = pipeline.store_batch(s, batch)
    assert report.messages == 1
    with deployed.read() as s:
        assert s.get(MessageAnalysis, gone) is None
        assert s.scalar(select(Message.issue_id).where(Message.id == kept)) is not None


def test_progress_counts_what_is_left(deployed: Platform) -> None:
    for _ in range(3):
        submit(deployed, "楼道煤气味", GAS)
    steps = deployed.plugins.steps()
    with deployed.read() as s:
        before = pipeline.analysis_progress(s, _context(deployed, s), steps)
    assert (before.messages, before.analysed, before.pending, before.search_pending) == (3, 0, 3, 3)
    assert before.percent == 0 and not before.done
    seen: list[int] = []
    Worker(deployed, batch_size=2).run_once(progress=lambda r: seen.append(r.messages))
    assert seen == [2, 1]
    with deployed.read() as s:
        after = pipeline.analysis_progress(s, _context(deployed, s), steps)
        anyhow = pipeline.analysis_progress(s)  # without a context: analysed at all
    assert after.done and after.percent == 100 and anyhow.analysed == 3


def test_worker_sizes_write_transactions_to_its_budget(deployed: Platform) -> None:
    worker = Worker(deployed, batch_size=50, write_budget=0.25)
    assert worker._next_size(50, 1.0) == 12  # 50 messages took 1 s: a quarter next time
    assert worker._next_size(50, 0.1) == 50  # never more than batch_size
    assert worker._next_size(50, 30.0) == 5  # never fewer than 5
    assert worker._next_size(10, 0.0) == 50


def test_stored_vocabulary_reloads_when_the_table_changes_elsewhere(deployed: Platform) -> None:
    kept = StoredVocabulary()
    with deployed.read() as s:
        assert not kept.current(s).knows("翠竹园")
    with deployed.write() as s:  # another process learns a place
        s.execute(insert(IssueVocabulary), [{"place_key": "翠竹园", "kind": "compound", "count": 1}])
    with deployed.read() as s:
        vocabulary = kept.current(s)
        assert vocabulary.knows("翠竹园")
        kept.saved(s)
        assert kept.current(s) is vocabulary  # unchanged and saved: not read again
    with deployed.write() as s:
        s.execute(delete(IssueVocabulary))  # a rebuild cleared it
    with deployed.read() as s:
        assert not kept.current(s).knows("翠竹园")


FRAUD = (
    "东城区{name}投资有限公司以高息为诱饵，向社会公众非法吸收资金，涉嫌诈骗，受害人上千人，金额巨大，"
    "公司负责人已经失联，请公安机关立案侦查，追回受害人的血汗钱。"
)


def test_a_persons_resend_with_the_place_misspelt_joins_their_first_messages_issue(deployed: Platform) -> None:
    first = submit(deployed, "聚利人投资涉嫌诈骗", FRAUD.format(name="聚利人"), author_name="王建国")
    resend = submit(deployed, "利聚人投资涉嫌诈骗", FRAUD.format(name="利聚人"), author_name="王建国")
    other = submit(deployed, "恒信达投资涉嫌诈骗", FRAUD.format(name="恒信达"), author_name="李华")
    Worker(deployed).run_once()
    assert analysis(deployed, resend).duplicate_of_id == first
    with deployed.read() as s:
        issue = dict(s.execute(select(Message.id, Message.issue_id).where(Message.id.in_([first, resend, other]))).all())
    assert issue[resend] == issue[first] is not None  # the same person's near-duplicate, whatever the name says
    assert issue[other] != issue[first]  # the same letter about another company by someone else stays apart
