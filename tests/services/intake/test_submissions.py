"""Group commit of submissions: concurrency, isolation of bad submissions, atomicity, lifecycle."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import Message, MessageEvent, MessageSearch
from massline.platform import Platform
from massline.services.errors import ValidationFailed
from massline.services.intake import submit as intake
from massline.services.intake.submit import MessageInput
from massline.services.intake.writer import SubmissionWriter
from massline.services.search import backlog as search_backlog

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WRITER_THREAD = "massline-submission-writer"


def _fields(title: str, **kw: object) -> dict[str, object]:
    return {"title": title, "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
            "region": "cs-xc-jf", "category": "城乡建设"} | kw


def _input(title: str, **kw: object) -> MessageInput:
    return MessageInput(**_fields(title, **kw))  # type: ignore[arg-type]


class GatedWrite:
    """``Platform.write`` that counts transactions; the first one waits for ``release``,
    so that submissions queued meanwhile form one batch."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.entered = threading.Event()
        self.release = threading.Event()
        self.transactions = 0

    @contextmanager
    def __call__(self) -> Iterator[Session]:
        self.transactions += 1
        if self.transactions == 1:
            self.entered.set()
            assert self.release.wait(5)
        with self.platform.write() as session:
            yield session


@pytest.fixture
def gated(deployed: Platform) -> Iterator[tuple[GatedWrite, SubmissionWriter]]:
    gate = GatedWrite(deployed)
    writer = SubmissionWriter(gate, deployed.cipher)
    yield gate, writer
    gate.release.set()
    writer.close()


def _count(p: Platform, model: type) -> int:
    with p.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _pending(p: Platform) -> int:
    """Stored messages waiting for the worker's search indexing."""
    with p.read() as s:
        return search_backlog.pending_count(s)


def test_fifty_concurrent_submissions_over_http_are_all_stored(api: httpx.Client, deployed: Platform) -> None:
    async def post_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=str(api.base_url), timeout=20) as client:
            return await asyncio.gather(
                *(client.post("/api/v1/messages", json=_fields(f"电梯坏了第{i}号")) for i in range(50))
            )

    responses = asyncio.run(post_all())
    assert [r.status_code for r in responses] == [201] * 50, responses[0].text
    out = [r.json() for r in responses]
    assert len({o["tracking_code"] for o in out}) == 50 and len({o["id"] for o in out}) == 50
    with deployed.read() as s:
        stored = {m.id: m for m in s.scalars(select(Message))}
        for i, o in enumerate(out):  # each answer names its own message
            m = stored[o["id"]]
            assert (m.title, m.tracking_code, m.status, m.source) == (f"电梯坏了第{i}号", o["tracking_code"], "assigned", "api")
            assert intake.secret_digest(o["secret"]) == m.secret_hash
            assert [e.type for e in m.events] == ["submitted", "routed"]
        assert len(stored) == 50
    assert _pending(deployed) == 50  # every one waits for the worker's search indexing


def test_a_batch_is_one_transaction_and_a_bad_submission_fails_alone(
    deployed: Platform, gated: tuple[GatedWrite, SubmissionWriter]
) -> None:
    gate, writer = gated
    first = writer.submit(_input("第一件"), T0)
    assert gate.entered.wait(5)  # the writer holds the first one; the next ones queue
    futures = [writer.submit(_input(f"同批第{i}件"), T0) for i in range(5)]
    bad = writer.submit(_input("", body="太短"), T0)
    futures += [writer.submit(_input(f"同批第{i}件"), T0) for i in range(5, 10)]
    gate.release.set()
    results = [f.result(5) for f in [first, *futures]]
    with pytest.raises(ValidationFailed) as err:
        bad.result(5)
    assert set(err.value.errors) == {"title", "body"}
    assert gate.transactions == 2  # the first alone, then the other ten together
    with deployed.read() as s:
        for result, title in zip(results, ["第一件"] + [f"同批第{i}件" for i in range(10)], strict=True):
            m = s.get(Message, result.id)
            assert m is not None and (m.title, m.tracking_code) == (title, result.tracking_code)
            assert result.office == "测试市住房和城乡建设局" == m.office.name  # type: ignore[union-attr]
    assert (_count(deployed, Message), _count(deployed, MessageEvent), _pending(deployed)) == (11, 22, 11)


def test_a_database_error_fails_only_its_submission(
    deployed: Platform, gated: tuple[GatedWrite, SubmissionWriter], monkeypatch: pytest.MonkeyPatch
) -> None:
    with deployed.write() as s:
        taken = intake.check_submit(s, deployed.cipher, _input("已有的"), T0).tracking_code
    # 占位 holds the writer while 甲乙丙 queue; the batch draws [A, taken, B] and the
    # unique index rejects all of it; retried one by one they draw [C, taken, D]
    codes = iter(["ML22222222", "ML33333333", taken, "ML44444444", "ML55555555", taken, "ML66666666"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    gate, writer = gated
    hold = writer.submit(_input("占位"), T0)
    assert gate.entered.wait(5)
    futures = [writer.submit(_input(title), T0) for title in ("甲", "乙", "丙")]
    gate.release.set()
    assert hold.result(5).tracking_code == "ML22222222"
    assert futures[0].result(5).tracking_code == "ML55555555"
    assert futures[2].result(5).tracking_code == "ML66666666"
    with pytest.raises(IntegrityError):
        futures[1].result(5)
    assert gate.transactions == 5  # 占位, the rejected batch, then 甲乙丙 alone
    with deployed.read() as s:
        titles = sorted(s.scalars(select(Message.title)))
    assert titles == sorted(["已有的", "占位", "甲", "丙"])
    assert (_count(deployed, MessageEvent), _pending(deployed)) == (8, 4)


def test_a_batch_failing_midway_leaves_nothing_half_written(
    deployed: Platform, gated: tuple[GatedWrite, SubmissionWriter], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert_messages = intake._insert_messages

    def failing_for_marked(session: Session, rows: list[dict[str, object]]) -> list[int]:
        ids = real_insert_messages(session, rows)  # the batch's messages are in, its events not yet
        if any(row["title"] == "故障注入" for row in rows):
            raise RuntimeError("disk full")
        return ids

    monkeypatch.setattr(intake, "_insert_messages", failing_for_marked)
    gate, writer = gated
    first = writer.submit(_input("第一件"), T0)
    assert gate.entered.wait(5)
    futures = [writer.submit(_input(title), T0) for title in ("好的一件", "故障注入", "好的二件")]
    gate.release.set()
    assert first.result(5) and futures[0].result(5) and futures[2].result(5)
    with pytest.raises(RuntimeError, match="disk full"):
        futures[1].result(5)
    with deployed.read() as s:
        titles = sorted(s.scalars(select(Message.title)))
    assert titles == sorted(["第一件", "好的一件", "好的二件"])
    assert (_count(deployed, MessageEvent), _count(deployed, MessageSearch), _pending(deployed)) == (6, 0, 3)


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == WRITER_THREAD]


def test_the_writer_starts_on_first_use_and_stops_with_the_platform(deployed: Platform) -> None:
    assert not deployed.submissions.running and not _writer_threads()
    assert deployed.submissions.submit(_input("第一件"), T0).result(5).id
    assert deployed.submissions.running and len(_writer_threads()) == 1
    deployed.dispose()
    assert not deployed.submissions.running and not _writer_threads()
    assert deployed.submissions.submit(_input("第二件"), T0).result(5).id  # starts again when needed
    deployed.dispose()
    assert not _writer_threads() and _count(deployed, Message) == 2


def test_close_stores_what_is_queued(deployed: Platform, gated: tuple[GatedWrite, SubmissionWriter]) -> None:
    gate, writer = gated
    futures = [writer.submit(_input("第一件"), T0)]
    assert gate.entered.wait(5)
    futures += [writer.submit(_input(f"排队第{i}件"), T0) for i in range(3)]
    closing = threading.Thread(target=writer.close)
    closing.start()
    gate.release.set()
    closing.join(5)
    assert not closing.is_alive() and not writer.running
    assert all(f.done() and f.result().id for f in futures)
    assert _count(deployed, Message) == 4


def test_results_of_the_writer_do_not_hold_a_session(deployed: Platform) -> None:
    result = deployed.submissions.submit(_input("第一件"), T0).result(5)
    assert result.status_label and result.tracking_code.startswith("ML")
    with pytest.raises(RuntimeError):
        _ = result.message
