"""The audit trail's hash chain: a changed or deleted row is found and named (service and CLI)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from massline.cli import main
from massline.config import get_settings
from massline.platform import Platform
from massline.services import audit


@pytest.fixture
def chained(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    with platform.write() as s:
        for i in range(5):
            audit.record(s, None, "supervision_report_read", "supervision_report", i, reason=f"核查{i}")
    monkeypatch.setenv("MASSLINE_ENVIRONMENT", "test")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(platform.settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", platform.settings.database_url)
    get_settings.cache_clear()
    yield platform
    get_settings.cache_clear()


def _ids(platform: Platform) -> list[int]:
    with platform.read() as s:
        return list(s.scalars(text("SELECT id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq")))


def test_an_intact_chain_verifies(chained: Platform) -> None:
    with chained.read() as s:
        report = audit.verify_chain(s)
    assert report.ok and report.checked == 5
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "audit chain intact" in result.output


def test_a_changed_row_is_named(chained: Platform) -> None:
    third = _ids(chained)[2]
    with chained.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = :d WHERE id = :id"), {"d": '{"reason": "改过"}', "id": third})
    with chained.read() as s:
        report = audit.verify_chain(s)
    assert not report.ok and f"row id {third} " in (report.problem or "") and "changed" in (report.problem or "")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and f"row id {third} " in result.output


def test_a_deleted_row_and_a_cut_tail_are_found(chained: Platform) -> None:
    ids = _ids(chained)
    with chained.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    with chained.read() as s:
        assert "#2 of the chain is missing" in (audit.verify_chain(s).problem or "")
    with chained.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id <> :id"), {"id": ids[0]})
    with chained.read() as s:
        assert "#2 to #5 of the chain are missing" in (audit.verify_chain(s).problem or "")


def test_a_rewritten_row_with_a_fresh_hash_breaks_the_next_link(chained: Platform) -> None:
    ids = _ids(chained)
    with chained.engine.begin() as conn:  # whoever forges a row's hash must forge every later row too
        conn.execute(text("UPDATE audit_log SET row_hash = :h WHERE id = :id"), {"h": "0" * 64, "id": ids[1]})
    with chained.read() as s:
        problem = audit.verify_chain(s).problem or ""
    assert f"row id {ids[1]} " in problem
