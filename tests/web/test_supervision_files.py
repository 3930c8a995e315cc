"""Files of a report through the API (base64 in JSON) and added later by the reporter (API and /report/follow):
cleaned like the portal's, sealed under the report key, found by no byte search, downloaded decrypted by the
handler only (audited)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from massline.models import AuditLog, SupervisionFile, SupervisionReport
from massline.platform import Platform
from tests.attachment_files import PDF, jpeg_with_gps, png
from tests.supervision_helpers import PASSWORD, deploy_supervision
from tests.web.test_supervision import BODY, _every_row, _files
from tests.web_helpers import Browser, login, serve

MARK = b"evidence-marker-7431-\xe6\x94\xb6\xe6\xac\xbe"  # a PDF's own bytes: byte search covers a file's content
EVIDENCE = PDF.replace(b"%%EOF", b"%" + MARK + b"\n%%EOF")


@pytest.fixture
def site(platform: Platform) -> Iterator[str]:
    deploy_supervision(platform)
    with serve(platform) as base:
        yield base


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _report_id(platform: Platform) -> int:
    with platform.read() as s:
        found = s.scalar(select(SupervisionReport.id).order_by(SupervisionReport.id.desc()).limit(1))
    assert found is not None
    return found


def test_files_through_the_api_and_later_through_the_follow_page(site: str, platform: Platform) -> None:
    with httpx.Client(base_url=site, timeout=30) as api:
        bad = api.post("/api/v1/supervision/reports", json={"accused_office": "cs-jsj", "body": BODY,
                                                            "files": [{"name": "a.pdf", "content_base64": "不是*"}]})
        assert bad.status_code == 422 and "不是有效的 base64" in bad.text
        filed = api.post("/api/v1/supervision/reports", json={
            "accused_office": "cs-jsj", "body": BODY,
            "files": [{"name": "收款记录.pdf", "content_base64": _b64(EVIDENCE)},
                      {"name": "现场.jpg", "content_base64": _b64(jpeg_with_gps())}],
        })
        assert filed.status_code == 201, filed.text
        receipt = filed.json()
        later = api.post("/api/v1/supervision/follow/files", json={
            **receipt, "files": [{"name": "转账截图.png", "content_base64": _b64(png())}]})
        assert later.status_code == 200, later.text
        assert later.json()["files"] == ["收款记录.pdf", "现场.jpg", "转账截图.png"]
        assert later.json()["entries"][-1]["kind"] == "file_from_reporter"
        wrong = api.post("/api/v1/supervision/follow/files", json={
            "receipt_code": receipt["receipt_code"], "secret": "AAAAA-AAAAA-AAAAA-AAAAA",
            "files": [{"name": "x.png", "content_base64": _b64(png())}]})
        assert wrong.status_code == 404
    citizen = Browser(site)
    page = citizen.post("/report/follow/files", data={**citizen.hidden("/report/follow"), **receipt},
                        files=[("attachments", ("补充材料.pdf", EVIDENCE, "application/pdf"))])
    assert page.status_code == 200 and "补充材料.pdf" in page.text and "举报人补充了证据材料" in page.text
    report_id = _report_id(platform)
    with platform.read() as s:
        assert s.scalar(select(func.count()).select_from(SupervisionFile)
                        .where(SupervisionFile.report_id == report_id)) == 4
    everything = _every_row(platform) + b"".join(p.read_bytes() for p in _files(platform))
    for needle in (MARK, "收款记录".encode(), "转账截图".encode(), "补充材料".encode(), b"Exif", b"%PDF"):
        assert needle not in everything, needle
    handler = Browser(site)
    login(handler, "cs.jw1", PASSWORD)
    handler.follow(handler.post_form("/staff/supervision/unlock", {"password": PASSWORD}, form_page="/staff/supervision"))
    opened = handler.post_form(f"/staff/supervision/{report_id}/open", {"reason": "受理审查"}, form_page="/staff/supervision")
    ids = re.findall(rf'action="/staff/supervision/{report_id}/files/(\d+)"', opened.text)
    assert len(ids) == 4 and "转账截图.png" in opened.text
    got = handler.post_form(f"/staff/supervision/{report_id}/files/{ids[-1]}", {"reason": "核实补充材料"},
                            form_page="/staff/supervision")
    assert got.status_code == 200 and MARK in got.content and got.headers["content-type"] == "application/pdf"
    with platform.read() as s:
        assert s.scalar(select(AuditLog.detail).where(AuditLog.action == "supervision_file_read")) == {
            "file": int(ids[-1]), "reason": "核实补充材料"}


def test_added_files_are_checked_and_refused_after_the_outcome(site: str, platform: Platform) -> None:
    from tests.attachment_files import FAKE_JPEG

    with httpx.Client(base_url=site, timeout=30) as api:
        receipt = api.post("/api/v1/supervision/reports", json={"accused_office": "cs-jsj", "body": BODY}).json()
        fake = api.post("/api/v1/supervision/follow/files", json={
            **receipt, "files": [{"name": "x.jpg", "content_base64": _b64(FAKE_JPEG)}]})
        assert fake.status_code == 422 and "附件" in fake.text
        too_many = api.post("/api/v1/supervision/follow/files", json={
            **receipt, "files": [{"name": f"{i}.png", "content_base64": _b64(png())} for i in range(6)]})
        assert too_many.status_code == 422 and "最多 5 个" in too_many.text
        with platform.write() as s:
            report = s.get(SupervisionReport, _report_id(platform))
            assert report is not None and not report.files
            report.status = "concluded"
        closed = api.post("/api/v1/supervision/follow/files", json={
            **receipt, "files": [{"name": "a.png", "content_base64": _b64(png())}]})
        assert closed.status_code == 422 and "已办结" in closed.text
