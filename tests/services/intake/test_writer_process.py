"""The submission writer process: submissions stored by a child process, errors crossing
the pipe with their type, nothing half-written, a dead child replaced."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from massline.config import Settings
from massline.models import Message, MessageEvent
from massline.platform import Platform
from massline.services.crypto import FieldCipher
from massline.services.errors import ValidationFailed
from massline.services.intake.submit import MessageInput, Submitted
from massline.services.intake.writer import SubmissionWriter
from massline.services.intake.writer_process import StoreProcess, WriterUnavailable, _pack_error, _unpack_error

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _input(title: str, **kw: object) -> MessageInput:
    fields = {"title": title, "body": "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。", "kind": "投诉",
              "region": "cs-xc-jf", "category": "城乡建设"} | kw  # fmt: skip
    return MessageInput(**fields)  # type: ignore[arg-type]


@pytest.fixture
def with_process(deployed: Platform, settings: Settings) -> Iterator[Platform]:
    """A platform on the deployed test database whose submissions go through a writer process."""
    p = Platform(settings.model_copy(update={"submission_process": True}))
    assert p.submissions.process is not None
    yield p
    p.dispose()


def _count(p: Platform, model: type) -> int:
    with p.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_http_submissions_are_stored_by_the_writer_process(with_process: Platform) -> None:
    from massline.web.app import create_app
    from tests.server import serving

    async def post_all(base: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.post("/api/v1/messages", json={**vars(_input(f"电梯坏了第{i}号")), "addressee_leader": None})
                    for i in range(30)
                )  # fmt: skip
            )

    with serving(create_app(with_process)) as base:
        responses = asyncio.run(post_all(base))
    assert [r.status_code for r in responses] == [201] * 30, responses[0].text
    [child] = with_process.submissions.process.pids  # type: ignore[union-attr]
    assert child != os.getpid()
    with with_process.read() as s:
        stored = {m.id: m for m in s.scalars(select(Message))}
        for i, r in enumerate(responses):
            m = stored[r.json()["id"]]
            assert (m.title, m.tracking_code, m.status) == (f"电梯坏了第{i}号", r.json()["tracking_code"], "assigned")
    assert _count(with_process, MessageEvent) == 60


def _stored(p: Platform, *inputs: MessageInput) -> list[object]:
    """Submit ``inputs`` concurrently from one event loop; each outcome (``Submitted`` or error)."""

    async def run() -> list[object]:
        return await asyncio.gather(*(p.submissions.stored(i, T0) for i in inputs), return_exceptions=True)

    return asyncio.run(run())


def test_a_validation_error_crosses_the_pipe_with_its_fields(with_process: Platform) -> None:
    good, bad = _stored(with_process, _input("好的一件"), _input("", body="太短"))
    assert isinstance(good, Submitted) and good.tracking_code.startswith("ML")
    assert isinstance(bad, ValidationFailed)
    assert set(bad.errors) == {"title", "body"} and "title" in bad.message
    assert _count(with_process, Message) == 1


def test_a_database_error_in_the_child_leaves_nothing_half_written(with_process: Platform) -> None:
    async def run() -> None:
        submissions = with_process.submissions
        assert (await submissions.stored(_input("第一件"), T0)).id
        with with_process.write() as s:  # the child's next event insert fails
            s.execute(text("ALTER TABLE message_events RENAME TO message_events_away"))
        try:
            with pytest.raises(Exception, match="message_events") as err:
                await submissions.stored(_input("第二件"), T0)
            assert not isinstance(err.value, WriterUnavailable)  # the database's own error, not a dead child
        finally:
            with with_process.write() as s:
                s.execute(text("ALTER TABLE message_events_away RENAME TO message_events"))
        pids = submissions.process.pids  # type: ignore[union-attr]
        assert (await submissions.stored(_input("第三件"), T0)).id
        assert submissions.process.pids == pids  # type: ignore[union-attr]  # the same child went on

    asyncio.run(run())
    assert (_count(with_process, Message), _count(with_process, MessageEvent)) == (2, 4)


def test_a_child_that_died_fails_what_was_in_flight_and_is_replaced(with_process: Platform) -> None:
    process = with_process.submissions.process
    assert process is not None

    async def run() -> None:
        assert (await with_process.submissions.stored(_input("第一件"), T0)).id
        [first] = process.pids
        os.kill(first, signal.SIGKILL)
        for _ in range(500):  # the loop notices the closed pipe
            if not process.pids:
                break
            await asyncio.sleep(0.01)
        assert process.pids == []
        assert (await with_process.submissions.stored(_input("第二件"), T0)).id
        assert process.pids not in ([], [first])

    asyncio.run(run())
    assert _count(with_process, Message) == 2


def _crashing_backend(
    settings: Settings,
) -> tuple[Callable[[], AbstractContextManager[Session]], FieldCipher]:
    """In the child: a write factory that kills the process when a batch is being stored."""
    p = Platform(settings.model_copy(update={"submission_process": False}))

    @contextmanager
    def write() -> Iterator[Session]:
        os._exit(3)
        yield  # pragma: no cover

    return write, p.cipher


def test_a_child_dying_mid_batch_fails_its_submissions_and_the_next_ones_get_a_new_child(
    deployed: Platform, settings: Settings
) -> None:
    crashing = StoreProcess(partial(_crashing_backend, settings))
    writer = SubmissionWriter(deployed.write, deployed.cipher, process=crashing)
    try:
        outcomes = _stored_with(writer, [_input(f"第{i}件") for i in range(5)])
        assert all(isinstance(o, WriterUnavailable) for o in outcomes), outcomes
        assert "稍后重试" in str(outcomes[0])
    finally:
        writer.close()
    assert crashing.pids == [] and _count(deployed, Message) == 0


def _stored_with(writer: SubmissionWriter, inputs: list[MessageInput]) -> list[object]:
    async def run() -> list[object]:
        first = await asyncio.gather(writer.stored(inputs[0], T0), return_exceptions=True)
        rest = await asyncio.gather(*(writer.stored(i, T0) for i in inputs[1:]), return_exceptions=True)
        return [*first, *rest]

    return asyncio.run(run())


def test_close_waits_for_what_is_in_flight_and_stops_the_child(with_process: Platform) -> None:
    process = with_process.submissions.process
    assert process is not None
    seen: list[int] = []

    async def run() -> list[object]:
        tasks = [asyncio.ensure_future(with_process.submissions.stored(_input(f"第{i}件"), T0)) for i in range(20)]
        await asyncio.sleep(0)  # queued and partly sent
        seen.extend(process.pids)
        await asyncio.to_thread(with_process.dispose)  # as the web app's shutdown does
        return await asyncio.gather(*tasks, return_exceptions=True)

    outcomes = asyncio.run(run())
    assert all(isinstance(o, Submitted) for o in outcomes), outcomes
    assert process.pids == [] and len(seen) == 1
    with pytest.raises(ProcessLookupError):
        os.kill(seen[0], 0)
    assert _count(with_process, Message) == 20


def test_thread_callers_are_stored_in_this_process(with_process: Platform) -> None:
    result = with_process.submissions.submit(_input("第一件"), T0).result(10)
    assert result.id and with_process.submissions.process.pids == []  # type: ignore[union-attr]


def test_errors_pack_with_their_fields_or_as_text() -> None:
    back = _unpack_error(_pack_error(ValidationFailed({"title": "请填写标题"})))
    assert isinstance(back, ValidationFailed) and back.errors == {"title": "请填写标题"}

    class Local(Exception):  # defined in a function: cannot be pickled by reference
        pass

    text_only = _unpack_error(_pack_error(Local("磁盘已满")))
    assert type(text_only) is RuntimeError and "Local: 磁盘已满" in str(text_only)


def test_an_in_memory_database_keeps_the_writer_in_this_process(tmp_path: Path) -> None:
    p = Platform(Settings(environment="test", database_url="sqlite://", instance_dir=tmp_path))
    try:
        assert p.submissions.process is None
    finally:
        p.dispose()


def test_the_api_answers_503_with_retry_after_when_the_writer_process_dies(
    deployed: Platform, settings: Settings
) -> None:
    from massline.web.app import create_app
    from tests.server import serving

    deployed.submissions.process = StoreProcess(partial(_crashing_backend, settings))
    body = {k: v for k, v in vars(_input("电梯坏了")).items() if v not in ("", None)}
    try:
        with serving(create_app(deployed)) as base:
            response = httpx.post(base + "/api/v1/messages", json=body, timeout=60)
    finally:
        deployed.submissions.close()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert "稍后重试" in response.json()["detail"]
    assert _count(deployed, Message) == 0
