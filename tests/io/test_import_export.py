"""Bulk import and export (``massline import`` / ``massline export``) on a real database."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from massline.config import get_settings
from massline.io.formats import read_records
from massline.io.importers import ImportMapping, derive_title, load_mapping, mapping_from_pairs, parse_datetime
from massline.models import Message, MessageEvent, MessageSearch, Reply
from massline.platform import Platform
from massline.services.intake.bulk import ImportOptions, ImportReport, run_import
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.search import backlog as search_backlog
from massline.services.search.index import search_text
from massline.services.search.query import search_condition
from massline.worker import Worker

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = ["编号", "标题", "内容", "类型", "区域", "领域", "电话", "时间", "点赞", "答复", "答复时间"]
FIELDS = {
    "external_id": "编号", "title": "标题", "body": "内容", "kind": "类型", "region": "区域", "category": "领域",
    "contact_phone": "电话", "created_at": "时间", "supports": "点赞", "reply": "答复", "replied_at": "答复时间",
}
MAPPING = mapping_from_pairs(f"{k}={v}" for k, v in FIELDS.items())
GOOD = [
    ["H1", "单位拖欠工资三个月", "公司拖欠我们农民工工资三个月了，请劳动监察帮忙追讨。", "投诉", "cs", "劳动和社会保障",
     "", "2020/1/6 12:09:38", "3", "", ""],
    ["H2", "", "东城区和平街道路灯坏了一个月。晚上出行很不安全，请尽快修理", "求助", "东城", "城乡建设", "13812345678",
     "2017-06-08 17:31:20", "", "", ""],
    ["H3", "学校收费问题咨询", "请问孩子上学要交哪些费用，学校多收费怎么办？", "咨询", "测试市", "教育文体", "",
     "2020-01-06", "0", "您好，经核实，学校按规定收费，如有多收可向教育局举报，电话12345。", "2020/1/10 9:00:00"],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", header: list[str] = HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def do_import(
    platform: Platform, path: Path, mapping: ImportMapping = MAPPING, fmt: str = "csv", **options: object
) -> ImportReport:
    opts = ImportOptions(source=str(options.pop("source", "hotline")), **options)  # type: ignore[arg-type]
    return run_import(
        platform.sessions, platform.cipher, lambda: read_records(path, fmt), mapping, opts,
        now=datetime(2024, 5, 1, tzinfo=UTC),
    )


def by_external(platform: Platform) -> dict[str, Message]:
    with platform.read() as s:
        messages = s.scalars(select(Message)).all()
        for m in messages:
            _ = (m.office, m.region, m.category, m.events, m.replies)
        return {m.external_id or "": m for m in messages}


def count(platform: Platform, model: type) -> int:
    with platform.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_csv_import_routes_indexes_and_records_history(deployed: Platform, tmp_path: Path) -> None:
    report = do_import(deployed, write_csv(tmp_path / "in.csv", GOOD))
    msgs = by_external(deployed)
    assert (report.imported, report.bad_rows, report.routed, report.replied) == (3, 0, 3, 1)
    wage = msgs["H1"]
    assert wage.office is not None and wage.office.code == "cs-rsj"
    assert wage.status == "assigned" and wage.source == "hotline" and wage.support_count == 3
    assert wage.created_at == datetime(2020, 1, 6, 4, 9, 38, tzinfo=UTC)  # 12:09:38 in Shanghai
    assert wage.due_at == datetime(2020, 1, 21, 4, 9, 38, tzinfo=UTC)  # default 15 days
    assert wage.tracking_code.startswith("ML") and len(wage.tracking_code) == 10
    assert [(e.type, e.to_status, e.created_at) for e in wage.events] == [
        ("submitted", "received", wage.created_at), ("routed", "assigned", wage.created_at)]
    assert wage.events[0].data == {"source": "hotline"}
    lamp = msgs["H2"]
    assert lamp.title == "东城区和平街道路灯坏了一个月"  # derived from the first sentence
    assert lamp.region is not None and lamp.region.code == "cs-dc"  # alias 东城
    assert lamp.office is not None and lamp.office.code == "cs-dc-gov"
    assert lamp.contact_encrypted is not None and deployed.cipher.decrypt(lamp.contact_encrypted) == "13812345678"
    with deployed.read() as s:  # stored for the worker to index, found by substring meanwhile
        assert s.get(MessageSearch, lamp.id) is None and search_backlog.pending_count(s) == 3
        cond = search_condition(s, "路灯")
        assert cond is not None
        assert [m.external_id for m in s.scalars(select(Message).where(cond))] == ["H2"]
    with deployed.write() as s:
        assert search_backlog.index_pending(s) == 3
    with deployed.read() as s:
        terms = s.get(MessageSearch, lamp.id)
        assert terms is not None and terms.terms == search_text(lamp.title, lamp.body)
        cond = search_condition(s, "路灯")
        assert cond is not None
        assert [m.external_id for m in s.scalars(select(Message).where(cond))] == ["H2"]


def test_reply_column_makes_a_published_reply_by_the_routed_office(deployed: Platform, tmp_path: Path) -> None:
    do_import(deployed, write_csv(tmp_path / "in.csv", GOOD))
    school = by_external(deployed)["H3"]
    assert school.status == "replied" and school.office is not None and school.office.code == "cs-jyj"
    assert school.replied_at == datetime(2020, 1, 10, 1, 0, tzinfo=UTC)
    (reply,) = school.replies
    assert reply.status == "published" and reply.office_id == school.office_id and "按规定收费" in reply.body
    assert [e.type for e in school.events] == ["submitted", "routed", "replied"]
    assert school.events[-1].data["reply_id"] == reply.id


def test_unrouted_reply_is_answered_by_the_dispatch_office(deployed: Platform, tmp_path: Path) -> None:
    row = ["Q1", "咨询", "请问这个问题应该找哪个部门反映才好呢？", "咨询", "", "", "", "", "", "请拨打12345热线咨询相关部门。", ""]
    report = do_import(deployed, write_csv(tmp_path / "in.csv", [row]))
    assert report.queued == 1 and report.replied == 1
    msg = by_external(deployed)["Q1"]
    assert msg.status == "replied" and msg.office is not None and msg.office.code == "cs-12345"
    assert [e.type for e in msg.events] == ["submitted", "replied"]


def test_import_matches_the_web_submission(deployed: Platform, tmp_path: Path) -> None:
    do_import(deployed, write_csv(tmp_path / "in.csv", GOOD[:1]))
    imported = by_external(deployed)["H1"]
    now = imported.created_at
    with deployed.write() as s:
        web = check_submit(s, deployed.cipher, MessageInput(
            title=GOOD[0][1], body=GOOD[0][2], kind="投诉", region="cs", category="劳动和社会保障"), now).message
        assert web.search_pending and s.get(MessageSearch, web.id) is None  # the worker indexes it
        assert search_backlog.index_pending(s) == 2  # both, the same way
        s.refresh(web)
        web_terms = s.get(MessageSearch, web.id)
        assert web_terms is not None and not web.search_pending
        assert (web.office_id, web.status, web.due_at, web.category_id) == (
            imported.office_id, imported.status, imported.due_at, imported.category_id)
        assert [e.type for e in web.events] == [e.type for e in imported.events]
        assert web_terms.terms == search_text(imported.title, imported.body)


def test_bad_rows_stop_the_whole_import_with_row_numbers(deployed: Platform, tmp_path: Path) -> None:
    bad = [
        ["B1", "短", "太短", "投诉", "cs", "", "", "", "", "", ""],
        ["B2", "标题", "内容足够长，超过了十个字的要求。", "抱怨", "火星", "不存在的领域", "12345", "昨天", "-1", "", ""],
    ]
    report = do_import(deployed, write_csv(tmp_path / "in.csv", GOOD + bad))
    assert report.bad_rows == 2 and report.imported == 0 and not report.written
    problems = {(p.number, p.field): p.message for p in report.problems}
    assert problems[(5, "body")].startswith("请把问题写清楚")  # the web form's message
    assert (6, "kind") in problems and "火星" in problems[(6, "region")] and "不存在的领域" in problems[(6, "category")]
    assert "联系电话格式不正确" in problems[(6, "contact_phone")]
    assert "昨天" in problems[(6, "created_at")] and (6, "supports") in problems
    assert count(deployed, Message) == 0 and count(deployed, MessageEvent) == 0


def test_skip_mode_imports_good_rows_and_is_idempotent(deployed: Platform, tmp_path: Path) -> None:
    bad = ["B1", "短", "太短", "投诉", "cs", "", "", "", "", "", ""]
    path = write_csv(tmp_path / "in.csv", [GOOD[0], bad, GOOD[1]])
    first = do_import(deployed, path, on_error="skip", batch_size=1)
    assert (first.imported, first.bad_rows, first.batches) == (2, 1, 2)
    again = do_import(deployed, write_csv(tmp_path / "in2.csv", [*GOOD, GOOD[0]]), on_error="skip")
    assert (again.imported, again.duplicates) == (1, 3)
    assert count(deployed, Message) == 3
    other = do_import(deployed, path, on_error="skip", source="other")
    assert other.imported == 2  # duplicates are per source


def test_gb18030_csv_and_mixed_date_formats(deployed: Platform, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "gbk.csv", GOOD, encoding="gb18030")
    assert do_import(deployed, path).imported == 3
    bom = write_csv(tmp_path / "bom.csv", GOOD, encoding="utf-8-sig")
    assert do_import(deployed, bom, source="bom").imported == 3  # the BOM is not part of the first column name
    assert by_external(deployed)["H1"].title == "单位拖欠工资三个月"
    assert parse_datetime("2020/1/6 12:09:38", SHANGHAI) == datetime(2020, 1, 6, 4, 9, 38, tzinfo=UTC)
    assert parse_datetime("2017-06-08 17:31:20", SHANGHAI) == datetime(2017, 6, 8, 9, 31, 20, tzinfo=UTC)
    assert parse_datetime("2020-01-06", SHANGHAI) == datetime(2020, 1, 5, 16, 0, tzinfo=UTC)
    assert parse_datetime("2020年1月6日 8时5分", SHANGHAI) == datetime(2020, 1, 6, 0, 5, tzinfo=UTC)
    assert parse_datetime("2020-01-06T12:00:00+00:00", SHANGHAI) == datetime(2020, 1, 6, 12, tzinfo=UTC)
    assert parse_datetime("2020-01-06T12:00:00Z", SHANGHAI) == datetime(2020, 1, 6, 12, tzinfo=UTC)
    assert parse_datetime("", SHANGHAI) is None
    with pytest.raises(ValueError):
        parse_datetime("2020-13-01", SHANGHAI)


def test_xlsx_and_jsonl_imports(deployed: Platform, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append([*GOOD[0][:7], datetime(2020, 1, 6, 12, 9, 38), 3, None, None])  # noqa: DTZ001 - an Excel cell
    wb.save(tmp_path / "in.xlsx")
    assert do_import(deployed, tmp_path / "in.xlsx", fmt="xlsx").imported == 1
    assert by_external(deployed)["H1"].created_at == datetime(2020, 1, 6, 4, 9, 38, tzinfo=UTC)

    lines = [json.dumps({"id": 7, "text": "小区门口垃圾堆积多日无人清运，气味难闻。", "cat": "环境保护"}, ensure_ascii=False),
             "{not json", ""]
    (tmp_path / "in.jsonl").write_text("\n".join(lines), encoding="utf-8")
    mapping = mapping_from_pairs(["external_id=id", "body=text", "category=cat", "kind==投诉", "region==cs-xc"])
    report = do_import(deployed, tmp_path / "in.jsonl", mapping, fmt="jsonl", on_error="skip", source="wx")
    assert report.imported == 1 and [(p.number, p.field) for p in report.problems] == [(2, "row")]
    msg = by_external(deployed)["7"]
    assert msg.kind == "投诉" and msg.region is not None and msg.region.code == "cs-xc" and msg.status == "received"


def test_shipped_tipdm_mapping_imports_contest_columns(deployed: Platform, tmp_path: Path) -> None:
    header = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "答复意见", "答复时间"]
    row = ["2549", "A00045581", "请问A市人才补贴什么时候发放", "2019/4/25 9:32:09",
           "\n\t\t\t\t\n\t\t\t\t\t请问A市人才购房补贴什么时候可以发放？已经提交申请两个月了。",
           "网友您好，您反映的问题已转相关部门办理，补贴将于下月发放。", "2019/5/10 14:56:53"]
    mapping = load_mapping("tipdm2020c")
    notes = mapping.bind(header)
    assert any("一级标签" in n for n in notes) and mapping.source == "tipdm2020c"
    report = do_import(deployed, write_csv(tmp_path / "r.csv", [row], header=header), mapping,
                       default_region="cs", source="tipdm2020c")
    assert report.imported == 1 and report.replied == 1
    msg = by_external(deployed)["2549"]
    assert msg.kind == "咨询" and msg.author_name == "A00045581" and msg.body.startswith("请问")


def test_derive_title() -> None:
    assert derive_title("  路灯坏了。请修理") == "路灯坏了"
    assert len(derive_title("长" * 80)) == 60


def _env(monkeypatch: pytest.MonkeyPatch, platform: Platform) -> Iterator[None]:
    monkeypatch.setenv("MASSLINE_ENVIRONMENT", "test")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(platform.settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", platform.settings.database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform) -> Iterator[Platform]:
    for _ in _env(monkeypatch, deployed):
        yield deployed


def invoke(*args: str) -> Result:
    from massline.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_import_skip_report_dry_run_and_export_round_trip(cli_env: Platform, tmp_path: Path) -> None:
    bad = ["B1", "短", "太短", "投诉", "cs", "", "", "", "", "", ""]
    path = write_csv(tmp_path / "in.csv", [*GOOD, bad])
    maps = [arg for k, v in FIELDS.items() for arg in ("--map", f"{k}={v}")]
    dry = invoke("import", str(path), *maps, "--dry-run", "--on-error", "skip")
    assert dry.exit_code == 0 and "3 would be imported" in dry.output and count(cli_env, Message) == 0
    stop = invoke("import", str(path), *maps)
    assert stop.exit_code == 1 and "row 5" in stop.output and "nothing was imported" in stop.output
    done = invoke("import", str(path), *maps, "--on-error", "skip", "--source", "hotline")
    assert done.exit_code == 0 and "imported 3 of 4 rows" in done.output
    assert "2 open cases are already past their deadline" in done.output and "--deadlines-from import" in done.output
    assert not (tmp_path / "in.errors.csv").exists()  # never beside the input (a shared folder)
    reports = set((cli_env.settings.instance_dir / "import-reports").glob("in-*.errors.csv"))
    assert len(reports) == 3  # the dry run's and the stopped run's are kept, not overwritten
    report = Path(done.output.split("report of refused rows: ")[1].split("\n")[0])
    assert report in reports
    with report.open(encoding="utf-8-sig") as handle:
        refused = list(csv.DictReader(handle))
    assert {r["行号"] for r in refused} == {"5"} and {r["字段"] for r in refused} == {"body"}

    out = tmp_path / "out.csv"
    result = invoke("export", str(out))
    assert result.exit_code == 0 and "exported 3 messages" in result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["标题"]: r for r in csv.DictReader(handle)}
    lamp = rows["东城区和平街道路灯坏了一个月"]
    assert lamp["状态"] == "待签收" and lamp["承办单位"] == "东城区人民政府" and lamp["区域"] == "东城区"
    assert lamp["留言时间"] == "2017-06-08 17:31:20"  # local time again
    school = rows["学校收费问题咨询"]
    assert school["状态"] == "已答复" and "按规定收费" in school["答复意见"]
    assert "13812345678" not in out.read_text(encoding="utf-8-sig")

    again = invoke("import", str(out), "--mapping", "massline-export")
    assert again.exit_code == 0 and "imported 3 of 3 rows" in again.output
    assert invoke("import", str(out), "--mapping", "massline-export").output.count("3 duplicates skipped") == 1
    imported = {m.title: m for m in by_external(cli_env).values() if m.source == "massline"}
    assert imported["学校收费问题咨询"].status == "replied"
    assert imported["东城区和平街道路灯坏了一个月"].created_at == by_external(cli_env)["H2"].created_at


def test_cli_export_redaction_filters_and_xlsx(cli_env: Platform, tmp_path: Path) -> None:
    rows = [["P1", "电话号码在正文", "我的电话是13812345678，身份证430102199001011234，请联系我。", "投诉", "cs",
             "城乡建设", "13900001111", "2020-01-06 10:00:00", "", "", ""], GOOD[0]]
    assert do_import(cli_env, write_csv(tmp_path / "in.csv", rows)).imported == 2
    out = tmp_path / "out.xlsx"
    assert invoke("export", str(out), "--office", "cs-jsj").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[0][0] == "追踪码"
    body = values[1][3]
    assert "13812345678" not in body and "138****5678" in body and "430102199001011234" not in body
    assert "13900001111" not in str(values)
    assert values[1][1] == datetime(2020, 1, 6, 10, 0)  # noqa: DTZ001 - local time in the cell

    raw = tmp_path / "raw.csv"
    result = CliRunner().invoke(__import__("massline.cli", fromlist=["main"]).main, ["export", str(raw), "--no-redact"])
    assert result.exit_code == 0 and "warning" in result.output
    text = raw.read_text(encoding="utf-8-sig")
    assert "13812345678" in text and "13900001111" not in text
    assert invoke("export", str(raw), "--since", "2020-01-07").output.startswith("exported 0")
    assert invoke("export", str(raw), "--until", "2020-01-06", "--status", "待签收").output.startswith("exported 2")
    assert invoke("export", str(raw), "--status", "replied").output.startswith("exported 0")


def test_replies_count_and_search_rows(deployed: Platform, tmp_path: Path) -> None:
    do_import(deployed, write_csv(tmp_path / "in.csv", GOOD))
    assert count(deployed, Reply) == 1 and count(deployed, MessageSearch) == 0  # the worker indexes them
    assert Worker(deployed).index_search() == 3
    assert count(deployed, MessageSearch) == 3


def test_pipelined_import_with_a_writer_thread(deployed: Platform, tmp_path: Path) -> None:
    report = do_import(deployed, write_csv(tmp_path / "in.csv", GOOD), writer_thread=True, batch_size=1)
    assert (report.imported, report.batches) == (3, 3)
    assert Worker(deployed).index_search() == 3
    with deployed.read() as s:
        for m in s.scalars(select(Message)):
            row = s.get(MessageSearch, m.id)
            assert row is not None and row.terms == search_text(m.title, m.body)


def test_support_and_opposition_counts_are_imported(deployed: Platform, tmp_path: Path) -> None:
    header = [*HEADER, "反对"]
    rows = [[*GOOD[0], "2"], [*GOOD[2], ""]]
    mapping = mapping_from_pairs(f"{k}={v}" for k, v in {**FIELDS, "opposes": "反对"}.items())
    report = do_import(deployed, write_csv(tmp_path / "in.csv", rows, header=header), mapping)
    assert report.imported == 2
    msgs = by_external(deployed)
    assert (msgs["H1"].support_count, msgs["H1"].oppose_count) == (3, 2)
    assert (msgs["H3"].support_count, msgs["H3"].oppose_count) == (0, 0)


def test_import_leaves_sqlite_to_other_writers_between_batches(
    deployed: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After each batch's commit an import on SQLite pauses long enough for a waiting web request (SQLite's
    busy handler polls every ≤ 100 ms) to take the write lock; on PostgreSQL it does not pause."""
    from massline.services.intake import bulk

    pauses: list[float] = []
    sleep = bulk.time.sleep  # (PostgreSQL's refresh at the end may wait a moment for the WAL: db.refresh_statistics)
    monkeypatch.setattr(bulk.time, "sleep", lambda s: pauses.append(s) if s == bulk.LET_OTHERS_WRITE else sleep(s))
    report = do_import(deployed, write_csv(tmp_path / "in.csv", GOOD), batch_size=2)
    assert report.imported == 3 and report.batches == 2
    sqlite = deployed.settings.database_url.startswith("sqlite")
    assert pauses == ([bulk.LET_OTHERS_WRITE] * 2 if sqlite else [])
    assert bulk.LET_OTHERS_WRITE > 0.1


def test_open_cases_deadlines_count_from_the_import_on_request(deployed: Platform, tmp_path: Path) -> None:
    """By default an old open row arrives overdue (and is counted so the administrator is told); with
    ``deadlines_from="import"`` its deadline counts from the import, so the deadline sweep escalates
    nothing; an answered row keeps the deadline it ran under either way."""
    from massline.services.casework import sweep

    now = datetime(2024, 5, 1, tzinfo=UTC)
    first = do_import(deployed, write_csv(tmp_path / "a.csv", GOOD), source="old")
    assert (first.imported, first.overdue) == (3, 2)  # H1 and H2 open; H3 answered
    fresh = do_import(deployed, write_csv(tmp_path / "b.csv", GOOD), source="new", deadlines_from="import")
    assert (fresh.imported, fresh.overdue) == (3, 0)
    msgs = {(m.source, m.external_id): m for m in by_external_all(deployed)}
    assert msgs["old", "H1"].due_at == datetime(2020, 1, 21, 4, 9, 38, tzinfo=UTC)
    assert msgs["new", "H1"].due_at == datetime(2024, 5, 16, tzinfo=UTC)  # 15 days from the import
    assert msgs["new", "H3"].due_at == msgs["old", "H3"].due_at == datetime(2020, 1, 10, 16, tzinfo=UTC)  # 5 days
    with deployed.write() as s:
        report = sweep(s, now)
    assert report.escalated_head == 2  # the two old open cases only
    escalated = {(m.source, m.external_id) for m in by_external_all(deployed) if m.escalated}
    assert escalated == {("old", "H1"), ("old", "H2")}


def by_external_all(platform: Platform) -> list[Message]:
    with platform.read() as s:
        return list(s.scalars(select(Message)).all())
