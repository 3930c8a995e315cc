"""The submission writer process: submissions stored by a child process, errors crossing
the pipe with their type, nothing half-written, a dead child replaced."""

from __future__ import annotations

import asyncio
import os
import signal
import time
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
from massline.services.intake import MessageInput
from massline.services.submission_process import StoreProcess, WriterUnavailable, _pack_error, _unpack_error
from massline.services.submissions import SubmissionWriter

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
                *(client.post("/api/v1/messages", json={**vars(_input(f"电梯坏了第{i}号")), "addressee_leader": None})
                  for i in range(30))  # fmt: skip
            )

    with serving(create_app(with_process)) as base:
        responses = asyncio.run(post_all(base))
    assert [r.status_code for r in responses] == [201] * 30, responses[0].text
    child = with_process.submissions.process.pid  # type: ignore[union-attr]
    assert child is not None and child != os.getpid()
    with with_process.read() as s:
        stored = {m.id: m for m in s.scalars(select(Message))}
        for i, r in enumerate(responses):
            m = stored[r.json()["id"]]
            assert (m.title, m.tracking_code, m.status) == (f"电梯坏了第{i}号", r.json()["tracking_code"], "assigned")
    assert _count(with_process, MessageEvent) == 60


def test_a_validation_error_crosses_the_pipe_with_its_fields(with_process: Platform) -> None:
    good = with_process.submissions.submit(_input("好的一件"), T0)
    bad = with_process.submissions.submit(_input("", body="太短"), T0)
    assert good.result(30).tracking_code.startswith("ML")
    with pytest.raises(ValidationFailed) as err:
        bad.result(30)
    assert set(err.value.errors) == {"title", "body"} and "title" in err.value.message
    assert _count(with_process, Message) == 1


def test_a_database_error_in_the_child_leaves_nothing_half_written(with_process: Platform) -> None:
    assert with_process.submissions.submit(_input("第一件"), T0).result(30).id
    with with_process.write() as s:  # the child's next event insert fails
        s.execute(text("ALTER TABLE message_events RENAME TO message_events_away"))
    try:
        with pytest.raises(Exception, match="message_events") as err:
            with_process.submissions.submit(_input("第二件"), T0).result(30)
        assert not isinstance(err.value, WriterUnavailable)  # the database's own error, not a dead child
    finally:
        with with_process.write() as s:
            s.execute(text("ALTER TABLE message_events_away RENAME TO message_events"))
    assert (_count(with_process, Message), _count(with_process, MessageEvent)) == (1, 2)
    assert with_process.submissions.submit(_input("第三件"), T0).result(30).id  # the same child goes on
    assert _count(with_process, Message) == 2


def test_a_child_that_died_is_replaced(with_process: Platform) -> None:
    assert with_process.submissions.submit(_input("第一件"), T0).result(30).id
    process = with_process.submissions.process
    assert process is not None and process.pid is not None
    first = process.pid
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while process.pid is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert with_process.submissions.submit(_input("第二件"), T0).result(30).id
    assert process.pid not in (None, first)
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


def test_a_child_dying_mid_batch_fails_that_batch_and_the_next_one_gets_a_new_child(
    deployed: Platform, settings: Settings
) -> None:
    crashing = StoreProcess(partial(_crashing_backend, settings))
    writer = SubmissionWriter(deployed.write, deployed.cipher, process=crashing)
    try:
        with pytest.raises(WriterUnavailable):
            writer.submit(_input("第一件"), T0).result(60)
        first = crashing.pid
        with pytest.raises(WriterUnavailable):  # a new child, which dies the same way
            writer.submit(_input("第二件"), T0).result(60)
        assert crashing.pid is None or crashing.pid != first
    finally:
        writer.close()
    assert _count(deployed, Message) == 0


def test_close_stops_the_child(with_process: Platform) -> None:
    assert with_process.submissions.submit(_input("第一件"), T0).result(30).id
    process = with_process.submissions.process
    assert process is not None
    child = process.pid
    assert child is not None
    with_process.dispose()
    assert process.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


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
