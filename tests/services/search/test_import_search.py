"""The fast paths of ``massline import``: search terms identical to ``search_index.search_text``,
rows identical to Core inserts, and imported messages that are found before and after the
worker indexes them — also when an import stops half-way."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from massline.analysis.text import clean_text
from massline.analysis.text import search_terms as reference_terms
from massline.analysis.text.pii import find_pii
from massline.models import Message, MessageEvent, Reply
from massline.platform import Platform
from massline.services.intake import bulk_write
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.search import backlog as search_backlog
from massline.services.search import index as search_index
from massline.services.search.index import search_text
from massline.services.search.query import search_condition
from massline.worker import Worker
from tests.io.test_import_export import GOOD, do_import, write_csv

PIECES = [
    "小区噪音扰民",
    "夜间施工",
    "噪",
    "。",
    "，",
    "、",
    "！",
    " ",
    "\u3000",
    "\t",
    "\n",
    "\r\n",
    "WiFi",
    "ＡＢＣ",
    "１２３",
    "①",
    "㎡",
    "〇",
    "\uf900",
    "\u3400",
    "\u200b",
    "\ufeff",
    "_x000D_",
    "_x000d_",
    "＿ｘ０００Ｄ＿",
    "e\u0301",
    "İ",
    "ΣΑΣ",
    "Straße",
    "x²",
    "2019年",
    "3栋2单元1102室",
    "18.5万",
    "20190425",
    "13812345678",
    "138 1234 5678",
    "+86-138-1234-5678",
    "１３８１２３４５６７８",
    "0731-84567890",
    "(010)62345678",
    "430102199003071234",
    "43010219900307123X",
    "6222021234567890123",
    "卡号6222 0212 3456 7890",
    "a.b@example.com",
    "ｍａｉｌ＠ｅｘａｍｐｌｅ．ｃｏｍ",
    "湘A12345",
    "湘Ａ·１２３４５",
    "粤B1C2D3",
    "京A1234学",
    "身份证 430102900307123",
    "12345",
    "1234 5678",
    "٣٤٥٦٧٨٩",
    "-",
    "@",
    "138.1234.5678",
    "138/1234/5678",
    "138—1234—5678",
    "138\u200b1234",
    "\u200b5678",
    "110101 19900307 4578",
    "0731-8888 6666",
    "6222 0212 3456 7890 128",
    "微信：wxid_abc123",
    "ＱＱ：12345678",
    "vx zhangsan88",
    "\x00",
    "\ud800",
    "\u202e",
    "¹³⁸¹²³⁴⁵⁶⁷⁸",
    "①③⑧①②③④⑤⑥⑦⑧",
    "𝟏𝟑𝟖𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
    "\u00a0",
    "/",
    "—",
    ".",
]


def _texts(count: int, seed: int = 11) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = [("", ""), ("噪", "音"), ("标题", ""), ("", "内容")]
    for _ in range(count):
        title = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 4)))
        body = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 30)))
        out.append((title, body))
    return out


def test_fast_search_terms_equal_the_reference_search_text() -> None:
    assert search_index.CJK == reference_terms._CJK
    texts = _texts(4000)
    for title, body in texts:
        assert search_index.search_terms_of(title, body) == search_text(title, body), (title, body)
    assert search_index.search_terms(texts[:50]) == [search_text(t.strip(), b.strip()) for t, b in texts[:50]]


def test_the_pii_shortcut_never_skips_personal_data() -> None:
    for title, body in _texts(3000, seed=5):
        for part in (title, body):
            if find_pii(part):
                assert search_index.maybe_pii(clean_text(part)), part


ROWS = [
    [f"{row[0]}-{i}", row[1], row[2] + extra, *row[3:]]
    for i, extra in enumerate(["", "联系电话13812345678。", "车牌湘A12345，邮箱a@b.cn", "２０２０年"])
    for row in GOOD
]


def _raw(platform: Platform, sql: str, source: str) -> list[tuple[Any, ...]]:
    with platform.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), {"source": source})]


STORED = {
    "messages": "SELECT title, body, kind, region_id, category_id, office_id, status, is_public, author_name, "
    "external_id, support_count, reopen_count, escalated, created_at, updated_at, due_at, replied_at, closed_at, "
    "issue_id, search_pending FROM messages m WHERE m.source = :source ORDER BY m.id",
    "search": "SELECT s.terms FROM message_search s JOIN messages m ON m.id = s.message_id "
    "WHERE m.source = :source ORDER BY m.id",
    "events": "SELECT e.type, e.from_status, e.to_status, e.actor_id, e.office_id, e.note, e.is_public, "
    "e.created_at, CAST(e.data AS TEXT) FROM message_events e JOIN messages m ON m.id = e.message_id "
    "WHERE m.source = :source ORDER BY e.id",
    "replies": "SELECT r.office_id, r.author_id, r.body, r.status, r.created_at, r.published_at FROM replies r "
    "JOIN messages m ON m.id = r.message_id WHERE m.source = :source ORDER BY r.id",
}


def _stored(platform: Platform, source: str) -> dict[str, Any]:
    """Every stored value of one import's rows (as the driver returns them) except ids,
    random codes and the source name."""
    stored = {name: _raw(platform, sql, source) for name, sql in STORED.items()}
    stored["events"] = [(*r[:-1], r[-1].replace(source, "SRC")) for r in stored["events"]]
    return stored


def test_an_import_stores_messages_their_history_and_replies(deployed: Platform, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", ROWS)
    report = do_import(deployed, path, source="batch", batch_size=5)
    assert (report.imported, report.routed, report.replied) == (12, 12, 4)
    assert Worker(deployed).index_search() == 12  # the import waits for the search index
    stored = _stored(deployed, "batch")
    assert len(stored["events"]) == 12 + 12 + 4 and stored["search"][0] != ("",)
    # replied events point at their own reply
    with deployed.read() as s:
        for event in s.scalars(select(MessageEvent).where(MessageEvent.type == "replied")):
            reply = s.get(Reply, event.data["reply_id"])
            assert reply is not None and reply.message_id == event.message_id


def _fts_consistent(platform: Platform) -> None:
    if platform.engine.dialect.name != "sqlite":
        return
    with platform.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO message_fts(message_fts, rank) VALUES ('integrity-check', 1)")
        triggers = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"message_search_ai", "message_search_ad", "message_search_au"} <= triggers


def _found(platform: Platform, query: str) -> set[str]:
    with platform.read() as s:
        condition = search_condition(s, query)
        assert condition is not None
        return {m.external_id or m.tracking_code for m in s.scalars(select(Message).where(condition))}


def test_imported_messages_are_found_and_the_index_stays_consistent(deployed: Platform, tmp_path: Path) -> None:
    do_import(deployed, write_csv(tmp_path / "in.csv", ROWS), batch_size=5, writer_thread=True)
    for indexed in (False, True):  # by substring while pending, then through the index
        assert _found(deployed, "拖欠 工资") == {f"H1-{i}" for i in range(4)}
        assert _found(deployed, "路灯坏了") == {f"H2-{i}" for i in range(4)}
        assert _found(deployed, "13812345678") == set()  # never by the raw text; redacted before indexing
        if not indexed:
            assert Worker(deployed).index_search() == 12
        _fts_consistent(deployed)
    with deployed.write() as s:  # a web submission is indexed the same way, after the import's
        web = check_submit(
            s,
            deployed.cipher,
            MessageInput(title="路灯不亮", body="小区门口的路灯坏了很久了，请修理。", kind="求助"),
            deployed.now(),
        ).message
        code = web.tracking_code
    assert code in _found(deployed, "路灯坏了")
    assert Worker(deployed).index_search() == 1
    assert code in _found(deployed, "路灯坏了")
    _fts_consistent(deployed)


def test_an_interrupted_import_leaves_whole_batches_and_resumes(
    deployed: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "in.csv", ROWS)
    calls = {"n": 0}
    insert = bulk_write.Writer.insert

    def failing_insert(self: bulk_write.Writer, *args: Any) -> None:
        calls["n"] += 1
        insert(self, *args)
        if calls["n"] == 3:
            raise RuntimeError("disk full")  # the third batch fails after its inserts, before its commit

    with monkeypatch.context() as m:
        m.setattr(bulk_write.Writer, "insert", failing_insert)
        with pytest.raises(RuntimeError, match="disk full"):
            do_import(deployed, path, batch_size=2, writer_thread=False)
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 4  # two whole batches
        assert search_backlog.pending_count(s) == 4
        assert s.scalar(select(func.count()).select_from(Reply)) == 1
    assert _found(deployed, "拖欠 工资") == {"H1-0", "H1-1"}  # by substring, not yet indexed
    assert Worker(deployed).index_search() == 4
    _fts_consistent(deployed)
    assert _found(deployed, "拖欠 工资") == {"H1-0", "H1-1"}
    report = do_import(deployed, path, batch_size=2)  # the re-run imports the rest
    assert (report.imported, report.duplicates) == (8, 4)
    assert Worker(deployed).index_search() == 8
    _fts_consistent(deployed)
    assert _found(deployed, "拖欠 工资") == {f"H1-{i}" for i in range(4)}
    with deployed.read() as s:
        assert s.execute(text("SELECT count(*) FROM message_events")).scalar() == 12 + 12 + 4
