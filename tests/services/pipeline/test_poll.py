"""The worker's poll for work: new messages through their ``analysis_pending`` mark (first), other pipeline
versions through the index on ``pipeline_version``; an idle poll reads indexes only (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Connection, delete, event, select, text, update

from massline.models import Message, MessageAnalysis
from massline.platform import Platform
from massline.services import pipeline
from massline.worker import Worker
from tests.services.pipeline.test_pipeline import GAS, SOCIAL, NewVersion, run, submit


def _plan(platform: Platform, **kwargs: object) -> pipeline.Batch:
    with platform.read() as s:
        ctx = pipeline.analysis_context(s, model_path=None)
        return pipeline.plan_batch(s, ctx, platform.plugins.steps(), **kwargs)  # type: ignore[arg-type]


def _marked(platform: Platform) -> set[int]:
    with platform.read() as s:
        return set(s.scalars(select(Message.id).where(Message.analysis_pending)))


def test_new_messages_first_then_a_new_version_reanalyses_every_message(deployed: Platform) -> None:
    old = [submit(deployed, "居住证咨询", SOCIAL + str(i)) for i in range(3)]
    assert _marked(deployed) == set(old)  # stored: marked
    assert run(deployed).messages == 3
    assert _marked(deployed) == set() and run(deployed).messages == 0
    step = next(st for st in deployed.plugins.steps() if st.name == "kind")
    deployed.plugins.register(NewVersion(dataclasses.replace(step, version="kind-v999")))
    new = submit(deployed, "楼道煤气味", GAS)
    batch = _plan(deployed, limit=2)
    assert {item.id for item in batch.items} == {new, old[0]}  # the new message before the archive
    assert run(deployed).messages == 4 and run(deployed).messages == 0
    with deployed.read() as s:
        assert {v["kind"] for v in s.scalars(select(MessageAnalysis.versions))} == {"kind-v999"}


def test_a_message_marked_again_is_analysed_once_more_and_one_already_current_is_not(deployed: Platform) -> None:
    ids = [submit(deployed, "居住证咨询", SOCIAL + str(i)) for i in range(2)]
    run(deployed)
    with deployed.write() as s:  # an analysis deleted to have it redone, as the code that deletes it must do
        s.execute(delete(MessageAnalysis).where(MessageAnalysis.message_id == ids[0]))
        s.execute(update(Message).where(Message.id.in_(ids)).values(analysis_pending=True))
    report = Worker(deployed).run_once()  # ids[1]: marked, but its analysis is current: the mark cleared
    assert report.messages == 1 and _marked(deployed) == set()
    with deployed.read() as s:
        assert s.get(MessageAnalysis, ids[0]) is not None
    assert Worker(deployed).run_once().messages == 0


def _plans(platform: Platform, conn: Connection, statements: list[tuple[str, object]]) -> list[str]:
    if platform.engine.dialect.name == "sqlite":
        return ["\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))  # type: ignore[arg-type]
                for sql, params in statements]  # fmt: skip
    conn.execute(text("SET enable_seqscan = off"))  # what the indexes allow, not what a tiny table prefers
    return ["\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql, params))  # type: ignore[arg-type]
            for sql, params in statements]  # fmt: skip


def test_an_idle_poll_reads_indexes_only(deployed: Platform) -> None:
    for i in range(3):
        submit(deployed, "居住证咨询", SOCIAL + str(i))
    run(deployed)
    statements: list[tuple[str, object]] = []

    def grab(conn: object, cursor: object, sql: str, params: object, context: object, many: bool) -> None:
        if sql.lstrip().upper().startswith("SELECT") and " messages" in sql or "message_analysis" in sql:
            statements.append((sql, params))

    event.listen(deployed.engine, "before_cursor_execute", grab)
    try:
        assert _plan(deployed, limit=100).items == []
    finally:
        event.remove(deployed.engine, "before_cursor_execute", grab)
    assert len(statements) >= 3
    with deployed.engine.connect() as conn:
        plans = _plans(deployed, conn, statements)
    for (sql, _), plan in zip(statements, plans, strict=True):
        scans = [line for line in plan.splitlines() if "SCAN messages" in line or "SCAN message_analysis" in line]
        assert "Seq Scan" not in plan and all("INDEX" in line for line in scans), (sql, plan)


def test_the_migration_marks_the_messages_not_analysed_yet(deployed: Platform) -> None:
    """Migration 0024: messages with an analysis row are not marked, the others are."""
    from alembic import command

    from massline.migrate import alembic_config

    ids = [submit(deployed, "居住证咨询", SOCIAL + str(i)) for i in range(2)]
    run(deployed, message_ids=ids[:1])
    config = alembic_config(deployed.engine.url.render_as_string(hide_password=False))
    deployed.engine.dispose()
    command.downgrade(config, "0023")
    command.upgrade(config, "head")
    assert _marked(deployed) == {ids[1]}
    assert run(deployed).messages == 1 and _marked(deployed) == set()
