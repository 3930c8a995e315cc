"""One way in: the portal form, the JSON API and the bulk import store the same rows for the same message."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import inspect, select

from massline.io.formats import read_records
from massline.io.importers import mapping_from_pairs
from massline.models import Message, MessageEvent
from massline.platform import Platform
from massline.services.intake import ImportOptions, run_import
from tests.web_helpers import Browser

MESSAGE = {"title": "和平街道路灯坏了", "body": "东城区和平街道路灯坏了一个月，晚上出行很不安全。这是城市建设和市政管理的事，请尽快修理。",
           "kind": "投诉", "region": "cs-dc-hp", "author_name": "李先生", "contact_phone": "13812345678"}  # fmt: skip
# what differs by design: ids, codes and secrets, times, and which channel it came by
IGNORED = {"id", "tracking_code", "secret_hash", "created_at", "updated_at", "due_at", "source", "contact_encrypted"}


def _by_form(url: str) -> None:
    with Browser(url) as browser:
        r = browser.post_form("/submit", {**MESSAGE, "is_public": "1"}, form_page="/submit")
        assert r.status_code == 303, r.text[:500]


def _by_api(url: str) -> None:
    r = httpx.post(url + "/api/v1/messages", json={**MESSAGE, "is_public": True}, timeout=10)
    assert r.status_code == 201, r.text


def _by_import(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(MESSAGE))
        writer.writerow(list(MESSAGE.values()))
    mapping = mapping_from_pairs(f"{k}={k}" for k in MESSAGE)
    report = run_import(platform.sessions, platform.cipher, lambda: read_records(path, "csv"), mapping,
                        ImportOptions(source="hotline"), now=datetime.now(UTC))  # fmt: skip
    assert (report.imported, report.bad_rows) == (1, 0)


def _rows(platform: Platform, source: str) -> dict[str, Any]:
    """The message and its events as stored, without what differs by design."""
    with platform.read() as s:
        m = s.scalars(select(Message).where(Message.source == source)).one()
        columns = {c.key: getattr(m, c.key) for c in inspect(Message).column_attrs if c.key not in IGNORED}
        columns["contact"] = platform.cipher.decrypt(m.contact_encrypted) if m.contact_encrypted else None
        columns["due_in"] = m.due_at - m.created_at if m.due_at else None
        events = []
        for e in s.scalars(select(MessageEvent).where(MessageEvent.message_id == m.id).order_by(MessageEvent.id)):
            data = {k: ("<channel>" if k == "source" else v) for k, v in e.data.items()}
            at = (e.created_at - m.created_at).total_seconds()
            events.append((e.type, e.from_status, e.to_status, e.actor_id, e.office_id, e.note, e.is_public, data, at))
        return {"message": columns, "events": events, "source": (m.source, [e.data.get("source") for e in m.events])}


def test_form_api_and_import_store_identical_rows(url: str, deployed: Platform, tmp_path: Path) -> None:
    _by_form(url)
    _by_api(url)
    _by_import(deployed, tmp_path)
    form, api, imported = _rows(deployed, "web"), _rows(deployed, "api"), _rows(deployed, "hotline")
    assert form["message"] == api["message"] == imported["message"]
    assert form["events"] == api["events"] == imported["events"]
    # the shapes every channel writes
    office_id = form["message"]["office_id"]
    assert office_id is not None and form["message"]["status"] == "assigned" and form["message"]["search_pending"]
    assert form["message"]["contact"] == "13812345678" and form["message"]["author_name"] == "李先生"
    assert form["events"] == [
        ("submitted", None, "received", None, None, None, True, {"source": "<channel>"}, 0.0),
        ("routed", "received", "assigned", None, office_id, "东城区人民政府", True, {"office_code": "cs-dc-gov"}, 0.0),
    ]
    # the channel is the message's source, repeated in its submitted event
    assert [form["source"], api["source"], imported["source"]] == [
        ("web", ["web", None]), ("api", ["api", None]), ("hotline", ["hotline", None])
    ]
