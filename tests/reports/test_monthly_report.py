"""``massline report``: the monthly report on a real database (mini.yaml and a generated case history
with known rates, periods from the 19th), every format read back and compared with the database and
with the rates computed directly; the errors; the official's consent to be named."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from massline.cli import main
from massline.config import get_settings
from massline.models import AuditLog, Message, Rating, Reply, ReplyReview, SiteSetting, User
from massline.platform import Platform
from massline.reports import find_cjk_font
from massline.reports.text import pct
from massline.services.accountability import office_followup_counts, platform_params
from massline.services.intake import deployment_timezone
from massline.services.people import do_set_name_consent
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login, serve

JSJ, RSJ, DC = "测试市住房和城乡建设局", "测试市人力资源和社会保障局", "测试市教育局"
OFFICES = (JSJ, RSJ, DC)
# local times of the deployment (the history file has no time zone)
MONTH, START, END = "2026-03", datetime(2026, 3, 19), datetime(2026, 4, 19)  # noqa: DTZ001
CASES = 24  # in the period: 8 per office


def _answers(i: int) -> str:
    """A known pattern: 联系 unless i % 5 == 0, 解决 unless i % 4 == 0, 满意 / 基本满意 / 不满意 by i % 3."""
    contact = "否" if i % 5 == 0 else "是"
    solved = "否" if i % 4 == 0 else "是"
    satisfied = ("满意", "基本满意", "不满意")[i % 3]
    return f"有效=是;联系={contact};解决={solved};满意={satisfied}"


def _case(code: str, office: str, t0: datetime, answers: str) -> list[str]:
    def at(hours: float) -> str:
        return (t0 + timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")

    return [
        f"{code},{at(0)},提交,,类型=投诉;领域=城乡建设",
        f"{code},{at(1)},派单,{office},期限=10",
        f"{code},{at(2)},签收,{office},",
        f"{code},{at(26)},答复,{office},",
        f"{code},{at(98)},回访,,{answers}",
        f"{code},{at(99)},办结,{office},",
    ]


def history() -> str:
    rows = ["案件编号,时间,事件,单位,详情"]
    for i in range(CASES):
        rows += _case(f"R{i:02d}", OFFICES[i % 3], datetime(2026, 3, 20, 8) + timedelta(hours=5 * i), _answers(i))  # noqa: DTZ001
    rows += _case("BEFORE", JSJ, datetime(2026, 3, 10, 8), _answers(0))  # noqa: DTZ001 - whole case before the 19th
    rows += _case("AFTER", RSJ, datetime(2026, 4, 20, 8), _answers(0))  # noqa: DTZ001 - after the 18th of April
    return "\n".join(rows) + "\n"


def expected(office: str) -> dict[str, float]:
    """The rates of ``office`` by hand from the pattern above."""
    ids = [i for i in range(CASES) if OFFICES[i % 3] == office]
    n = len(ids)
    satisfied = sum(1 for i in ids if i % 3 == 0) + 0.9 * sum(1 for i in ids if i % 3 == 1)
    return {"响应率": sum(1 for i in ids if i % 5) / n, "解决率": sum(1 for i in ids if i % 4) / n, "满意率": satisfied / n}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform) -> Iterator[Platform]:
    s = deployed.settings
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(s.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", s.database_url)
    get_settings.cache_clear()
    yield deployed
    get_settings.cache_clear()


def _author(platform: Platform, case: str, username: str, total: float, rating: int) -> None:
    """Give the published reply of ``case`` an author, a stored review and a citizen's rating."""
    with platform.write() as s:
        user = s.scalar(select(User).where(User.username == username))
        message = s.scalar(select(Message).where(Message.external_id == case))
        assert user is not None and message is not None
        reply = s.scalar(select(Reply).where(Reply.message_id == message.id))
        assert reply is not None and reply.published_at is not None
        reply.author_id, reply.body = user.id, f"{username} 的答复：已经处理完毕，感谢监督。"
        at = reply.published_at
        s.add(ReplyReview(reply_id=reply.id, message_id=message.id, office_id=reply.office_id, stage="published",
                          total=total, scores={}, created_at=at))  # fmt: skip
        s.add(Rating(message_id=message.id, reply_id=reply.id, score=rating, created_at=at + timedelta(hours=1)))


@pytest.fixture
def with_history(cli_env: Platform, tmp_path: Path) -> Platform:
    """mini.yaml, periods from the 19th, 5 回访 enough to rank, the generated history, two authored replies."""
    with cli_env.write() as s:
        row = s.get(SiteSetting, "accountability_policy")
        assert row is not None
        row.value = json.dumps({**json.loads(row.value), "min_followups": 5, "period_start_day": 19})
    (tmp_path / "history.csv").write_text(history(), encoding="utf-8")
    result = run("import", "--events", str(tmp_path / "history.csv"))
    assert result.exit_code == 0, result.output
    _author(cli_env, "R00", "jsj.a", 0.95, 5)  # consents to be named
    _author(cli_env, "R01", "rsj.a", 0.90, 4)  # does not
    with cli_env.write() as s:
        jsj_a = s.scalar(select(User).where(User.username == "jsj.a"))
        assert jsj_a is not None
        do_set_name_consent(s, jsj_a, True)
    return cli_env


def _db_figures(platform: Platform) -> tuple[int, dict[str, dict[str, float | None]]]:
    with platform.read() as s:
        tz = deployment_timezone(s, platform.settings.timezone)
        start, end = START.replace(tzinfo=tz), END.replace(tzinfo=tz)
        messages = s.scalar(select(func.count()).where(Message.created_at >= start, Message.created_at < end))
        params = platform_params(s)
        rates = {o: c.rates(params) for o, c in office_followup_counts(s, start, end).items()}
    return int(messages or 0), rates


def _xlsx(path: Path) -> dict[str, list[list[object]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _html_table(page: str, name: str) -> list[list[str]]:
    body = re.search(rf'<table data-table="{re.escape(name)}">.*?<tbody>(.*?)</tbody>', page, re.S)
    assert body, name
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1))]


def _docx_tables(path: Path) -> list[list[list[str]]]:
    from docx import Document

    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(str(path)).tables]


ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _literal(raw: bytes) -> bytes:
    """A PDF literal string's bytes (its escapes undone)."""
    return re.sub(rb"\\([nrtbf()\\]|[0-7]{1,3})",
                  lambda m: ESCAPES.get(m.group(1)) or bytes([int(m.group(1), 8) & 255]), raw)  # fmt: skip


def _pdf_text(path: Path) -> str:
    """The PDF's text without spaces, read with pypdf: each page's strings decoded through the font's
    ToUnicode map (pypdf's own extract_text splits the 2-byte codes of a CJK subset above 0xFF)."""
    from pypdf import PdfReader

    out = []
    for page in PdfReader(str(path)).pages:
        font = page["/Resources"]["/Font"]["/F1"].get_object()
        cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        to_unicode = {int(a, 16): chr(int(b, 16)) for a, b in re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", cmap)}
        data = page.get_contents().get_data()
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data, re.S):
            codes = _literal(raw)
            out.append("".join(to_unicode.get(int.from_bytes(codes[i:i + 2], "big"), "?") for i in range(0, len(codes), 2)))
    return re.sub(r"\s+", "", "".join(out))


@pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists(), reason="no CJK font")
def test_every_format_shows_the_figures_of_the_database(with_history: Platform, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("report", "--month", MONTH, "--out", str(out), "--format", "html,pdf,docx,xlsx")
    assert result.exit_code == 0, result.output
    assert "生成报告" in result.output  # the progress bar's label
    files = {p.suffix: p for p in out.iterdir()}
    assert set(files) == {".html", ".pdf", ".docx", ".xlsx"} and not list(out.glob(".*"))
    messages, rates = _db_figures(with_history)
    assert messages == CASES and set(rates) == set(OFFICES)  # the cases before the 19th and after the 18th left out
    for office in OFFICES:  # the SQL rates are the hand-computed ones
        for name, value in expected(office).items():
            assert rates[office][name] == pytest.approx(value), (office, name)

    sheets = _xlsx(files[".xlsx"])
    assert sheets["受理总量"][1:] == [["收到留言", CASES], ["答复", CASES], ["办结", CASES]]
    header, *rows = sheets["三率与排名"]
    by_office = {r[header.index("单位")]: r for r in rows}
    assert set(by_office) == set(OFFICES)
    for office, row in by_office.items():
        assert row[header.index("回访数")] == 8
        for name in ("响应率", "解决率", "满意率", "综合得分"):
            assert row[header.index(name)] == pytest.approx(rates[office][name]), (office, name)  # numbers, not text
    ranks = sorted(by_office.values(), key=lambda r: -float(r[header.index("综合得分")]))  # type: ignore[arg-type]
    assert [r[header.index("排名")] for r in ranks] == [1, 2, 3]

    page = files[".html"].read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page and page.count("<svg") == 3
    html_rows = {r[2]: r for r in _html_table(page, "三率与排名")}
    docx_rows = {r[2]: r for t in _docx_tables(files[".docx"]) if t[0][:3] == ["排名", "排名区间", "单位"] for r in t[1:]}
    pdf = _pdf_text(files[".pdf"])
    assert f"共收到留言{CASES}件" in pdf
    for office in OFFICES:
        shown = [pct(rates[office][n]) for n in ("响应率", "解决率", "满意率")]
        assert html_rows[office][4:7] == shown and docx_rows[office][4:7] == shown, office
        assert office + "8" + "".join(shown) in pdf, office  # the row of the table: name, 回访数, the rates


@pytest.mark.skipif(not Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists(), reason="no CJK font")
def test_an_official_is_named_with_an_exemplary_reply_only_with_consent(with_history: Platform, tmp_path: Path) -> None:
    result = run("report", "--month", MONTH, "--out", str(tmp_path), "--format", "html,xlsx,docx,pdf")
    assert result.exit_code == 0, result.output
    best = _xlsx(tmp_path / f"report-{MONTH}.xlsx")["优秀答复（质量评分）"]
    assert [r[2:5] for r in best[1:3]] == [[JSJ, "住建经办甲", 0.95], [RSJ, "（未署名）", 0.9]]
    by_citizen = _xlsx(tmp_path / f"report-{MONTH}.xlsx")["优秀答复（群众评价）"]
    assert [r[2:5] for r in by_citizen[1:3]] == [[JSJ, "住建经办甲", 5], [RSJ, "（未署名）", 4]]
    page = (tmp_path / f"report-{MONTH}.html").read_text(encoding="utf-8")
    exemplary = page[page.index("六、优秀答复"):]
    pdf = _pdf_text(tmp_path / f"report-{MONTH}.pdf")
    pdf_exemplary = pdf[pdf.rindex("六、优秀答复"):]
    docx = [r for t in _docx_tables(tmp_path / f"report-{MONTH}.docx") if t[0][0] == "案件编号" for r in t[1:]]
    for shown in (exemplary, pdf_exemplary, json.dumps(docx, ensure_ascii=False)):
        assert "住建经办甲" in shown and "人社经办" not in shown and "rsj.a的答复" in shown.replace(" ", "")


def test_the_official_sets_their_consent_on_their_account_page(deployed: Platform) -> None:
    with serve(deployed) as url, Browser(url) as browser:
        login(browser, "rsj.a", PASSWORD)
        assert "月度报告署名" in browser.get("/staff/password").text
        response = browser.post_form("/staff/consent", {"consent": "yes"}, form_page="/staff/password")
        assert response.status_code == 303
        assert 'name="consent" value="yes" checked' in browser.get("/staff/password").text
        with deployed.read() as s:
            user = s.scalar(select(User).where(User.username == "rsj.a"))
            assert user is not None and user.name_consent
            assert s.scalar(select(func.count()).where(AuditLog.action == "name_consent", AuditLog.actor_id == user.id)) == 1
        browser.post_form("/staff/consent", {}, form_page="/staff/password")  # unticked: withdrawn
        with deployed.read() as s:
            assert s.scalar(select(User.name_consent).where(User.username == "rsj.a")) is False
        assert browser.post("/staff/consent", data={"consent": "yes"}).status_code in (400, 403)  # no CSRF token


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "月份应写作 YYYY-MM"),
        (["--month", "March"], "月份应写作 YYYY-MM"),
        (["--month", "2026-03", "--format", "html,odt"], "未知的格式：odt"),
        (["--month", "2026-03", "--format", "pdf", "--font", "/nonexistent/font.ttc"], "字体文件不存在"),
    ],
)
def test_bad_input_ends_with_one_clear_line_and_writes_nothing(cli_env: Platform, tmp_path: Path, args: list[str],
                                                                message: str) -> None:  # fmt: skip
    out = tmp_path / "out"
    result = run("report", "--out", str(out), *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert not out.exists() or not list(out.iterdir())


def test_an_unwritable_directory_is_refused(cli_env: Platform, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    result = run("report", "--month", MONTH, "--out", str(tmp_path / "a-file" / "out"), "--format", "html")
    assert result.exit_code == 1 and "无法创建输出目录" in result.output, result.output
    result = run("report", "--month", MONTH, "--out", str(tmp_path / "a-file"), "--format", "html")
    assert result.exit_code == 2 and "is a file" in result.output, result.output  # click's own check


def test_a_failing_format_leaves_no_file_behind(cli_env: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import massline.reports

    real = massline.reports.render

    def render(report, fmt, font=None):  # type: ignore[no-untyped-def]
        if fmt == "docx":
            raise OSError(28, "No space left on device")
        return real(report, fmt, font)

    monkeypatch.setattr(massline.reports, "render", render)
    with pytest.raises(OSError, match="No space"):
        run("report", "--month", MONTH, "--out", str(tmp_path / "out"), "--format", "html,xlsx,docx")
    assert list((tmp_path / "out").iterdir()) == []  # html and xlsx were rendered, but nothing was written


def test_the_font_is_found_or_named_clearly(tmp_path: Path) -> None:
    from massline.reports import FontMissing

    font = find_cjk_font()
    assert font.is_file()
    with pytest.raises(FontMissing, match="字体文件不存在"):
        find_cjk_font(tmp_path / "none.ttf")


def test_office_heads_and_supervisors_download_the_report_from_the_workbench(with_history: Platform,
                                                                              tmp_path: Path) -> None:  # fmt: skip
    from openpyxl import load_workbook

    with serve(with_history) as url, Browser(url) as head, Browser(url) as clerk, Browser(url) as sup:
        login(head, "jsj.head", PASSWORD)
        login(clerk, "jsj.a", PASSWORD)
        login(sup, "sup", PASSWORD)
        assert 'id="monthly-report"' in head.get(f"/staff/accountability?period={MONTH}").text
        assert 'id="monthly-report"' not in clerk.get(f"/staff/accountability?period={MONTH}").text
        answer = head.get("/staff/accountability/report", params={"month": MONTH, "format": "xlsx"})
        assert answer.status_code == 200, answer.text[:300]
        assert answer.headers["content-disposition"] == f'attachment; filename="report-{MONTH}.xlsx"'
        book = load_workbook(io.BytesIO(answer.content), read_only=True)
        cadence = [r[0] for r in book["答复节奏"].iter_rows(min_row=2, values_only=True)]
        assert cadence == [JSJ]  # an office head sees their own office's cadence
        rates = [r[2] for r in book["三率与排名"].iter_rows(min_row=2, values_only=True)]
        assert set(rates) == set(OFFICES)  # the rates are public: every office
        assert clerk.get("/staff/accountability/report", params={"month": MONTH}).status_code == 403
        pdf = sup.get("/staff/accountability/report", params={"month": MONTH, "format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert sup.get("/staff/accountability/report", params={"month": "2026-3"}).status_code == 422
        assert sup.get("/staff/accountability/report", params={"month": MONTH, "format": "odt"}).status_code == 422
    with with_history.read() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "monthly_report")) == 2


def test_the_yearly_research_report_goes_through_the_same_renderers(cli_env: Platform, tmp_path: Path) -> None:
    result = run("research", "report", "--year", "2026", "--out", str(tmp_path), "--format", "csv,html,xlsx,docx,pdf")
    assert result.exit_code == 0 and "2 leaders, 0 met the quota" in result.output, result.output
    header, *rows = _xlsx(tmp_path / "research-2026.xlsx")["调研情况"]
    assert header[:5] == ["姓名", "账号", "级别", "年度", "应调研天数"]
    assert {(r[1], r[4]) for r in rows} == {("mayor", 60), ("dc.leader", 60)}  # numbers, as in the CSV
    page = (tmp_path / "research-2026.html").read_text(encoding="utf-8")
    assert "2026年度领导干部调研情况" in page and "市领导" in page and "<svg" in page and "<script" not in page
    assert any(r[:2] == ["市领导", "mayor"] for t in _docx_tables(tmp_path / "research-2026.docx") for r in t)
    assert "市领导mayor" in _pdf_text(tmp_path / "research-2026.pdf")
    assert (tmp_path / "research-2026.csv").read_text(encoding="utf-8").startswith("\ufeff姓名,账号")
    bad = run("research", "report", "--year", "2026", "--out", str(tmp_path / "x"), "--format", "odt")
    assert bad.exit_code == 1 and "未知的格式：odt" in bad.output


def test_a_flag_with_thousands_of_cases_still_fits_every_format(tmp_path: Path) -> None:
    from massline.reports import FlagRow, MonthlyReport, Volumes, render

    cases = [f"ML{i:08d}" for i in range(3000)]
    report = MonthlyReport(MONTH, START, END, START, "测试市", None, 5, (0.1, 0.5, 0.4), Volumes(0, 0, 0),
                           flags=[FlagRow(JSJ, "推诿", 3000, 0.5, 0.05, cases, "推诿远高于全体")])  # fmt: skip
    font = find_cjk_font()
    for fmt in ("pdf", "docx", "xlsx", "html"):
        assert render(report, fmt, font)  # the PDF once failed: a row taller than a page
    (tmp_path / "r.xlsx").write_bytes(render(report, "xlsx"))
    sheet = _xlsx(tmp_path / "r.xlsx")["异常提示"]
    assert sheet[1][6].endswith("等共 3000 件") and sheet[1][2] == 3000
