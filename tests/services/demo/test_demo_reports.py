"""The demo shows the supervision channel: handlers with keys, a report answered by the district's 纪委,
a report about the district head with the city's, and the receipt to follow it (the whole demo)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from massline.models import Message, Office, SupervisionReport
from massline.platform import Platform
from massline.services import supervision
from massline.services.demo import load_demo


@pytest.mark.slow  # loads the whole demo
def test_the_demo_has_an_answered_report_and_one_about_a_head(platform: Platform) -> None:
    report = load_demo(platform)
    assert report.report_receipt is not None
    assert "监督举报回执" in (report.credentials_file.read_text(encoding="utf-8") if report.credentials_file else "")
    code, secret = report.report_receipt
    with platform.read() as s:
        view = supervision.follow_report(s, supervision.FollowInput(receipt_code=code, secret=secret))
        assert view.status == "accepted" and view.files == ["夜市收费记录.pdf"]
        assert [e.kind for e in view.entries] == ["received", "accepted", "to_reporter", "file_from_reporter"]
        second = s.scalars(select(SupervisionReport).order_by(SupervisionReport.id)).all()[1]
        assert second.status == "accepted" and "sms_sent" in [e.kind for e in second.entries]
        offices = {o.id: o.code for o in s.scalars(select(Office))}
        routed = [(offices[r.office_id], r.about_head) for r in s.scalars(select(SupervisionReport).order_by(SupervisionReport.id))]
        assert routed == [("jz-dc-jw", False), ("jz-jw", True)]
        # no message of the demo went to a supervision office by routing
        assert not s.scalars(select(Message.id).where(Message.office_id.in_(
            [i for i, c in offices.items() if c in ("jz-jw", "jz-dc-jw")]))).all()
    sms = (platform.settings.instance_dir / "outbox" / "sms.jsonl").read_text(encoding="utf-8")
    assert "139****0000" in sms and "13907310000" not in sms and "已受理" in sms and "石红" not in sms  # masked for the file driver
