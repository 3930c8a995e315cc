"""Attachments through real HTTP: the form and the API, what each reader sees, review, nothing half-stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO

import httpx
import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from massline.models import Attachment, Message, MessageEvent
from massline.platform import Platform
from tests.attachment_files import FAKE_JPEG, PDF, jpeg_with_gps, png
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login, serve

FIELDS = {"title": "路灯不亮", "body": "锦绣路上的路灯坏了一个星期，晚上很黑，请尽快修理。", "kind": "求助",
          "is_public": "1", "addressee": "office:cs-jsj"}  # fmt: skip


@pytest.fixture
def site(deployed: Platform) -> Iterator[str]:
    """The mini deployment served on loopback; its base URL."""
    with serve(deployed) as url:
        yield url


def _post_form(browser: Browser, files: list[tuple[str, bytes, str]], **fields: str) -> httpx.Response:
    data = {**browser.hidden("/submit"), **FIELDS, **fields}
    return browser.post("/submit", data=data, files=[("attachments", f) for f in files])


def _submit(browser: Browser, files: list[tuple[str, bytes, str]]) -> tuple[str, str]:
    page = browser.follow(_post_form(browser, files)).text
    code = re.search(r'id="tracking-code">([A-Z0-9]+)<', page)
    secret = re.search(r'id="tracking-secret">([A-Z0-9]+)<', page)
    assert code and secret
    return code.group(1), secret.group(1)


def _stored(platform: Platform, code: str) -> tuple[int, list[Attachment]]:
    with platform.read() as s:
        message = s.scalars(select(Message).where(Message.tracking_code == code)).one()
        rows = list(s.scalars(select(Attachment).where(Attachment.message_id == message.id).order_by(Attachment.id)))
        s.expunge_all()
    return message.id, rows


def _files_on_disk(platform: Platform) -> list[str]:
    root = platform.settings.instance_dir / "attachments"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def _counts(platform: Platform) -> tuple[int, int]:
    with platform.read() as s:
        return s.scalar(select(func.count()).select_from(Message)) or 0, s.scalar(
            select(func.count()).select_from(Attachment)) or 0  # fmt: skip


@contextmanager
def _staff(url: str, username: str) -> Iterator[Browser]:
    with Browser(url) as browser:
        login(browser, username, PASSWORD)
        yield browser


def test_form_upload_strips_gps_and_stores_outside_under_random_names(site: str, deployed: Platform) -> None:
    with Browser(site) as citizen:
        code, _ = _submit(citizen, [("我家门口.jpg", jpeg_with_gps(), "image/jpeg"), ("材料.pdf", PDF, "application/pdf")])
    message_id, (photo, pdf) = _stored(deployed, code)
    assert (photo.original_name, photo.media_type, photo.review_state) == ("我家门口.jpg", "image/jpeg", "pending")
    assert (pdf.original_name, pdf.media_type, pdf.size) == ("材料.pdf", "application/pdf", len(PDF))
    assert _files_on_disk(deployed) == sorted([photo.stored_name, pdf.stored_name])  # no temporary files left
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.stored_name)
    with _staff(site, "jsj.a") as official:
        served = official.get(f"/staff/cases/{message_id}/attachments/{photo.id}")
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        image = Image.open(BytesIO(served.content))
        assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and b"TestCamera" not in served.content
        doc = official.get(f"/staff/cases/{message_id}/attachments/{pdf.id}")
        assert doc.content == PDF and doc.headers["content-disposition"].startswith("attachment;")
        assert doc.headers["x-content-type-options"] == "nosniff" and "sandbox" in doc.headers["content-security-policy"]
        assert "no-store" in doc.headers["cache-control"]
        page = official.get(f"/staff/cases/{message_id}").text
        assert "我家门口.jpg" in page and "待审核" in page and "/review" not in page  # an official does not review


def test_public_sees_a_file_only_after_review_and_the_citizen_sees_the_reason(site: str, deployed: Platform) -> None:
    with Browser(site) as citizen:
        code, secret = _submit(citizen, [("a.jpg", jpeg_with_gps(), "image/jpeg"), ("b.pdf", PDF, "application/pdf")])
        message_id, (photo, pdf) = _stored(deployed, code)
        public = f"/messages/{message_id}/attachments"
        assert citizen.get(f"{public}/{photo.id}").status_code == 404
        assert "a.jpg" not in citizen.get(f"/messages/{message_id}").text
        with _staff(site, "disp") as centre:
            page = centre.get(f"/staff/cases/{message_id}").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token and f"{message_id}/attachments/{photo.id}/review" in page
            review = f"/staff/cases/{message_id}/attachments"
            no_reason = centre.post(f"{review}/{pdf.id}/review", data={"csrf_token": token.group(1), "decision": "hide"})
            assert "请填写不公开的理由" in centre.follow(no_reason).text
            centre.post(f"{review}/{photo.id}/review", data={"csrf_token": token.group(1), "decision": "show"})
            centre.post(f"{review}/{pdf.id}/review",
                        data={"csrf_token": token.group(1), "decision": "hide", "reason": "含有他人身份证号"})  # fmt: skip
        assert citizen.get(f"{public}/{photo.id}").status_code == 200
        assert citizen.get(f"{public}/{pdf.id}").status_code == 404
        board_page = citizen.get(f"/messages/{message_id}").text
        assert f"{public}/{photo.id}" in board_page and "b.pdf" not in board_page
        citizen.post_form("/track", {"tracking_code": code, "secret": secret})
        own = citizen.get("/track/case").text
        assert "已公开" in own and "不公开理由：含有他人身份证号" in own
        assert citizen.get(f"/track/case/attachments/{pdf.id}").content == PDF  # their own, although hidden
    with deployed.read() as s:
        types = [e.type for e in s.scalars(select(MessageEvent).where(MessageEvent.message_id == message_id))]
        public_types = [e.type for e in s.scalars(select(MessageEvent).where(
            MessageEvent.message_id == message_id, MessageEvent.is_public))]  # fmt: skip
    assert types.count("attachment_reviewed") == 2 and "attachments_added" in types
    assert "attachment_reviewed" not in public_types


def test_other_citizens_and_offices_do_not_get_the_files(site: str, deployed: Platform) -> None:
    with Browser(site) as owner:
        code, _ = _submit(owner, [("a.jpg", jpeg_with_gps(), "image/jpeg")])
    message_id, (photo,) = _stored(deployed, code)
    with Browser(site) as other:
        other_code, other_secret = _submit(other, [])
        other.post_form("/track", {"tracking_code": other_code, "secret": other_secret})
        assert other.get(f"/track/case/attachments/{photo.id}").status_code == 404
        assert other.get(f"/staff/cases/{message_id}/attachments/{photo.id}").status_code in (303, 307)  # login
    with _staff(site, "rsj.a") as other_office:  # another office's official: like a missing record
        assert other_office.get(f"/staff/cases/{message_id}/attachments/{photo.id}").status_code == 404
    with _staff(site, "sup") as supervisor:  # reads everything, reviews nothing
        assert supervisor.get(f"/staff/cases/{message_id}/attachments/{photo.id}").status_code == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', supervisor.get(f"/staff/cases/{message_id}").text)
        assert token
        supervisor.post(f"/staff/cases/{message_id}/attachments/{photo.id}/review",
                        data={"csrf_token": token.group(1), "decision": "show"})  # fmt: skip
    assert _stored(deployed, code)[1][0].review_state == "pending"
    with _staff(site, "admin") as admin:
        assert f"attachments/{photo.id}/review" in admin.get(f"/staff/cases/{message_id}").text


@pytest.mark.parametrize("case", ["fake-jpeg", "bad-message", "too-many"])
def test_a_failing_submission_stores_nothing(site: str, deployed: Platform, case: str) -> None:
    photo = ("ok.jpg", jpeg_with_gps(), "image/jpeg")
    files, fields = {
        "fake-jpeg": ([photo, ("photo.jpg", FAKE_JPEG, "image/jpeg")], {}),
        "bad-message": ([photo], {"body": "太短"}),
        "too-many": ([photo] * 6, {}),
    }[case]
    before = _counts(deployed)
    with Browser(site) as citizen:
        answer = _post_form(citizen, files, **fields)
    assert answer.status_code == 422
    assert {"fake-jpeg": "“photo.jpg”的格式不受支持", "bad-message": "内容", "too-many": "附件最多 5 个"}[case] in answer.text
    assert _counts(deployed) == before and _files_on_disk(deployed) == []


def test_an_oversized_request_is_refused_before_it_is_read(deployed: Platform) -> None:
    deployed.settings.attachment_max_total_mb = 1
    with serve(deployed) as url, Browser(url) as citizen:
        answer = _post_form(citizen, [("big.pdf", PDF + b"0" * (3 * 1024 * 1024), "application/pdf")])
    assert answer.status_code == 413 and "附件合计不能超过 1 MB" in answer.text
    assert _counts(deployed)[1] == 0 and _files_on_disk(deployed) == []


def test_api_multipart_submission_review_and_files(api: httpx.Client, deployed: Platform) -> None:
    body = '{"title": "井盖缺失", "body": "锦绣路口的井盖丢了，很危险，请尽快处理。", "kind": "求助", "addressee_office": "cs-jsj"}'
    sent = api.post("/api/v1/messages/with-attachments", data={"message": body},
                    files=[("attachments", ("井盖.jpg", jpeg_with_gps(), "image/jpeg"))], headers={"Idempotency-Key": "k-1"})  # fmt: skip
    assert sent.status_code == 201, sent.text
    out = sent.json()
    (att,) = out["attachments"]
    assert att["name"] == "井盖.jpg" and att["review_state"] == "pending"
    again = api.post("/api/v1/messages/with-attachments", data={"message": body},
                     files=[("attachments", ("井盖.jpg", jpeg_with_gps(), "image/jpeg"))], headers={"Idempotency-Key": "k-1"})  # fmt: skip
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["attachments"] == out["attachments"]
    assert _counts(deployed)[1] == 1 and len(_files_on_disk(deployed)) == 1  # the retry's file was not kept
    mid, aid = out["id"], att["id"]
    assert api.get(f"/api/v1/messages/{mid}/attachments").json() == []
    assert api.get(f"/api/v1/messages/{mid}/attachments/{aid}").status_code == 404
    official, centre = token_for(api, "jsj.a"), token_for(api, "disp")
    assert api.get(f"/api/v1/cases/{mid}/attachments/{aid}", headers=official).status_code == 200
    assert api.post(f"/api/v1/cases/{mid}/attachments/{aid}/review", json={"decision": "show"},
                    headers=official).status_code == 403  # fmt: skip
    assert api.get(f"/api/v1/cases/{mid}/attachments", headers=token_for(api, "rsj.a")).status_code == 404
    shown = api.post(f"/api/v1/cases/{mid}/attachments/{aid}/review", json={"decision": "show"}, headers=centre)
    assert shown.status_code == 200 and shown.json()["review_state"] == "shown"
    assert [a["id"] for a in api.get(f"/api/v1/messages/{mid}/attachments").json()] == [aid]
    assert api.get(f"/api/v1/messages/{mid}/attachments/{aid}").headers["content-type"] == "image/jpeg"


def test_api_refuses_a_bad_file_in_chinese_and_stores_nothing(api: httpx.Client, deployed: Platform) -> None:
    body = '{"title": "井盖缺失", "body": "锦绣路口的井盖丢了，很危险，请尽快处理。", "kind": "求助"}'
    answer = api.post("/api/v1/messages/with-attachments", data={"message": body},
                      files=[("attachments", ("x.jpg", FAKE_JPEG, "image/jpeg"))])  # fmt: skip
    assert answer.status_code == 422 and "格式不受支持" in answer.json()["errors"]["attachments"]
    bad_json = api.post("/api/v1/messages/with-attachments", data={"message": "{"})
    assert bad_json.status_code == 422 and "JSON" in bad_json.json()["detail"]
    assert _counts(deployed) == (0, 0) and _files_on_disk(deployed) == []


def test_an_oversized_body_without_a_length_is_cut_off(deployed: Platform) -> None:
    deployed.settings.attachment_max_total_mb = 1
    head = (b'--B\r\nContent-Disposition: form-data; name="message"\r\n\r\n{}\r\n--B\r\nContent-Disposition: form-data; '
            b'name="attachments"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-')  # fmt: skip

    def chunks() -> Iterator[bytes]:  # streamed: no Content-Length
        yield head
        for _ in range(30):
            yield b"0" * 100_000
        yield b"\r\n--B--\r\n"

    with serve(deployed) as url:
        answer = httpx.post(f"{url}/api/v1/messages/with-attachments", content=chunks(),
                            headers={"content-type": "multipart/form-data; boundary=B"})  # fmt: skip
    assert answer.status_code == 413 and answer.json()["detail"] == "附件合计不能超过 1 MB"
    assert _counts(deployed) == (0, 0) and _files_on_disk(deployed) == []


def test_a_shown_file_of_a_private_message_stays_private(api: httpx.Client, deployed: Platform) -> None:
    body = '{"title": "家里漏水", "body": "楼上漏水到我家已经一个月，物业不管，请帮忙协调。", "kind": "求助", "is_public": false}'
    sent = api.post("/api/v1/messages/with-attachments", data={"message": body},
                    files=[("attachments", ("漏水.png", png(), "image/png"))])  # fmt: skip
    mid, aid = sent.json()["id"], sent.json()["attachments"][0]["id"]
    shown = api.post(f"/api/v1/cases/{mid}/attachments/{aid}/review", json={"decision": "show"},
                     headers=token_for(api, "admin"))  # fmt: skip
    assert shown.status_code == 200 and shown.json()["review_state"] == "shown"
    assert api.get(f"/api/v1/messages/{mid}/attachments/{aid}").status_code == 404
    assert api.get(f"/api/v1/messages/{mid}/attachments").status_code == 404
