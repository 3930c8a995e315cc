"""The supervision channel over HTTP: the API contract (nothing readable left behind), the pages of the
reporter and the handler, the anonymous conversation, and who is refused."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, select, text

from massline.models import AuditLog, SupervisionReport
from massline.platform import Platform
from tests.supervision_helpers import PASSWORD, deploy_supervision
from tests.web_helpers import Browser, login, serve

NAME, PHONE = "欧阳明远", "13912345678"
BODY = "二〇二六年十一月三日下午，住建局审批窗口的工作人员向我索要两千元好处费，否则不给办理施工许可。"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def site(platform: Platform) -> Iterator[str]:
    deploy_supervision(platform)
    with serve(platform) as base:
        yield base


def _every_row(platform: Platform) -> bytes:
    """Every value of every row of every table, as bytes (the PostgreSQL side of the byte search)."""
    out = bytearray()
    with platform.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - names from the catalogue
                for value in row:
                    out += value if isinstance(value, bytes | memoryview) else str(value).encode("utf-8")
                    out += b"\0"
    return bytes(out)


def _files(platform: Platform) -> list[Path]:
    files = [p for p in Path(platform.settings.instance_dir).rglob("*") if p.is_file()]
    url = platform.settings.database_url
    if url.startswith("sqlite:///"):
        db = Path(url.removeprefix("sqlite:///"))
        files += [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists()]
    return files


def test_the_api_contract_leaves_nothing_readable_behind(site: str, platform: Platform) -> None:
    collect = _Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collect)
    root.setLevel(logging.DEBUG)
    try:
        with httpx.Client(base_url=site, timeout=20) as client:
            r = client.post("/api/v1/supervision/reports", json={
                "accused_office": "cs-jsj", "accused_person": "窗口科员", "body": BODY,
                "reporter_name": NAME, "reporter_phone": PHONE,
            })
    finally:
        root.removeHandler(collect)
        root.setLevel(old_level)
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"receipt_code", "secret"} and r.headers["cache-control"] == "no-store"
    blobs = [p.read_bytes() for p in _files(platform)] + [_every_row(platform), "\n".join(collect.lines).encode()]
    needles = [NAME.encode(), PHONE.encode()] + [BODY[i:i + 6].encode() for i in range(len(BODY) - 5)]
    for blob in blobs:
        assert not [n.decode() for n in needles if n in blob]
    with platform.read() as s:  # and the report is there, sealed, for its recipients
        assert s.scalar(select(SupervisionReport.office_id)) is not None


def test_bad_reports_are_refused_in_chinese_and_store_nothing(site: str, platform: Platform) -> None:
    with httpx.Client(base_url=site, timeout=20) as client:
        r = client.post("/api/v1/supervision/reports", json={"accused_office": "no-such", "body": "太短",
                                                             "reporter_phone": "abc"})
        assert r.status_code == 422
        detail = r.text
        assert "被举报单位不存在" in detail and "举报内容至少 10 个字" in detail and "举报人电话格式不正确" in detail
        r = client.post("/api/v1/supervision/reports", json={"body": BODY})
        assert r.status_code == 422 and "被举报单位" in r.text
        r = client.post("/api/v1/supervision/follow", json={"receipt_code": "JB2345678923", "secret": "X"})
        assert r.status_code == 404 and "举报回执码或密码不正确" in r.text
    with platform.read() as s:
        assert s.scalar(select(SupervisionReport.id)) is None


def _receipt(page: str) -> tuple[str, str]:
    code = re.search(r'id="receipt-code">([A-Z0-9]+)<', page)
    secret = re.search(r'id="receipt-secret">([A-Z0-9-]+)<', page)
    assert code and secret, page[:2000]
    return code.group(1), secret.group(1)


def _handler(site: str, username: str) -> Browser:
    browser = Browser(site)
    login(browser, username, PASSWORD)
    return browser


def test_a_report_from_the_form_to_the_handler_and_the_conversation_back(site: str, platform: Platform) -> None:
    citizen = Browser(site)
    assert "监督举报" in citizen.get("/submit").text and 'href="/report"' in citizen.get("/submit").text
    page = citizen.post_form("/report", {"accused_office": "cs-jsj", "body": BODY, "reporter_name": NAME,
                                         "reporter_phone": PHONE}, form_page="/report")
    assert page.status_code == 200 and "只显示这一次" in page.text and page.headers["cache-control"] == "no-store"
    code, secret = _receipt(page.text)
    with platform.read() as s:
        report_id = s.scalar(select(SupervisionReport.id))
    handler = _handler(site, "cs.jw1")
    desk = handler.get("/staff/supervision")
    assert desk.status_code == 200 and "输入密码解锁" in desk.text and f"/staff/supervision/{report_id}" in desk.text
    locked = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "受理审查"}, form_page="/staff/supervision")
    assert locked.status_code == 303 and locked.headers["location"] == "/staff/supervision/unlock"
    wrong = handler.post_form("/staff/supervision/unlock", {"password": "wrong-password-1"}, form_page="/staff/supervision")
    assert wrong.status_code == 422 and "密码不正确" in wrong.text
    handler.follow(handler.post_form("/staff/supervision/unlock", {"password": PASSWORD}, form_page="/staff/supervision"))
    opened = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "受理审查"}, form_page="/staff/supervision")
    assert opened.status_code == 200 and BODY in opened.text and NAME not in opened.text and "实名" in opened.text
    revealed = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "需要联系举报人核实", "reveal": "1"},
                                 form_page="/staff/supervision")
    assert NAME in revealed.text and PHONE in revealed.text
    with platform.read() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.detail).where(AuditLog.object_type == "supervision_report",
                                                                         AuditLog.object_id == report_id)).all()
    assert ("supervision_report_read", {"reason": "受理审查"}) in rows
    assert ("supervision_identity_revealed", {"reason": "需要联系举报人核实"}) in rows
    act = {"reason": "受理审查"}
    accepted = handler.post_form(f"/staff/supervision/{report_id}/act", {**act, "action": "accept", "text": "已受理，正在核查。"},
                                 form_page="/staff/supervision")
    assert accepted.status_code == 200 and "已受理" in accepted.text
    handler.post_form(f"/staff/supervision/{report_id}/act", {**act, "action": "reply", "text": "请补充付款时间和方式。"},
                      form_page="/staff/supervision")
    followed = citizen.post_form("/report/follow", {"receipt_code": code.lower(), "secret": secret}, form_page="/report/follow")
    assert followed.status_code == 200 and "已受理，正在核查。" in followed.text and "请补充付款时间和方式。" in followed.text
    assert NAME not in followed.text
    sent = citizen.post_form("/report/follow/message", {"receipt_code": code, "secret": secret, "text": "十一月三日现金支付。"},
                             form_page="/report/follow")
    assert sent.status_code == 200 and "十一月三日现金支付。" in sent.text
    again = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "查看举报人补充"}, form_page="/staff/supervision")
    assert "十一月三日现金支付。" in again.text
    with httpx.Client(base_url=site, timeout=20) as api:
        r = api.post("/api/v1/supervision/follow", json={"receipt_code": code, "secret": secret})
        assert r.status_code == 200 and r.json()["status"] == "accepted"
        assert [e["kind"] for e in r.json()["entries"]] == ["received", "accepted", "to_reporter", "from_reporter"]
        r = api.post("/api/v1/supervision/follow/messages", json={"receipt_code": code, "secret": secret, "text": "还有录音。"})
        assert r.status_code == 200 and r.json()["entries"][-1]["text"] == "还有录音。"


def test_the_accused_office_and_others_are_refused(site: str, platform: Platform) -> None:
    citizen = Browser(site)
    citizen.post_form("/report", {"accused_office": "cs-jsj", "body": BODY}, form_page="/report")
    with platform.read() as s:
        report_id = s.scalar(select(SupervisionReport.id))
    for username in ("jsj.a", "jsj.head", "admin", "mayor"):  # not staff of a supervision office
        browser = _handler(site, username)
        assert browser.get("/staff/supervision").status_code == 403
        assert browser.get(f"/staff/supervision/{report_id}").status_code == 403
    dc = _handler(site, "dc.jw")  # a supervision office, but not this report's
    assert dc.get(f"/staff/supervision/{report_id}").status_code == 404
    assert f"/staff/supervision/{report_id}" not in dc.get("/staff/supervision").text


def test_files_are_cleaned_sealed_and_opened_only_by_the_handler(site: str, platform: Platform) -> None:
    from PIL import Image

    from tests.attachment_files import FAKE_JPEG, jpeg_with_gps

    photo, name = jpeg_with_gps(), "欧阳明远拍的收款码.jpg"
    citizen = Browser(site)
    bad = citizen.post("/report", data={**citizen.hidden("/report"), "accused_office": "cs-jsj", "body": BODY},
                       files=[("attachments", ("x.jpg", FAKE_JPEG, "image/jpeg"))])
    assert bad.status_code == 422 and "附件" in bad.text
    with platform.read() as s:
        assert s.scalar(select(SupervisionReport.id)) is None
    page = citizen.post("/report", data={**citizen.hidden("/report"), "accused_office": "cs-jsj", "body": BODY},
                        files=[("attachments", (name, photo, "image/jpeg"))])
    assert page.status_code == 200, page.text[:1000]
    _receipt(page.text)
    everything = _every_row(platform) + b"".join(p.read_bytes() for p in _files(platform))
    assert name.encode() not in everything and photo[:200] not in everything and b"Exif" not in everything
    with platform.read() as s:
        report_id = s.scalar(select(SupervisionReport.id))
    handler = _handler(site, "cs.jw1")
    handler.follow(handler.post_form("/staff/supervision/unlock", {"password": PASSWORD}, form_page="/staff/supervision"))
    opened = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "受理审查"}, form_page="/staff/supervision")
    file_id = re.search(rf'action="/staff/supervision/{report_id}/files/(\d+)"', opened.text)
    assert file_id and name in opened.text
    got = handler.post_form(f"/staff/supervision/{report_id}/files/{file_id.group(1)}", {"reason": "核实证据"},
                            form_page="/staff/supervision")
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert "attachment" in got.headers["content-disposition"] and got.headers["x-content-type-options"] == "nosniff"
    import io

    image = Image.open(io.BytesIO(got.content))
    assert image.size == (64, 48) and not image.getexif()  # rebuilt from its pixels: no GPS, no EXIF
    other = _handler(site, "dc.jw")  # a handler of another 纪委, key unlocked: not this report's
    other.follow(other.post_form("/staff/supervision/unlock", {"password": PASSWORD}, form_page="/staff/supervision"))
    assert other.post_form(f"/staff/supervision/{report_id}/files/{file_id.group(1)}", {"reason": "看看"},
                           form_page="/staff/supervision").status_code == 404
    with platform.read() as s:
        assert s.scalar(select(AuditLog.detail).where(AuditLog.action == "supervision_file_read")) == {
            "file": int(file_id.group(1)), "reason": "核实证据"}


def test_reports_are_rate_limited_per_address(site: str, platform: Platform) -> None:
    from massline.services.ratelimit import RateLimiter

    platform.submit_limiter = RateLimiter("submit", 1, 3600, "test")
    with httpx.Client(base_url=site, timeout=20) as client:
        data = {"accused_office": "cs-jsj", "body": BODY}
        assert client.post("/api/v1/supervision/reports", json=data).status_code == 201
        r = client.post("/api/v1/supervision/reports", json=data)
        assert r.status_code == 429 and "操作过于频繁" in r.text
