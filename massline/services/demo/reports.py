"""The demo's supervision reports (监督举报): the handlers' keys and two reports, one answered (its reporter
adds a file later), the other accepted with an SMS notice to the phone its reporter gave.

The handlers' key pairs are created with their generated passwords (as their
first unlock would); the first report's receipt is kept for the demo's
credentials file so that the reporter's side can be tried.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import SupervisionReport, User
from massline.services import attachments, supervision

REPORTS = (
    {"accused_office": "jz-dc-gov", "accused_person": "区城管执法中队某队员",
     "body": "文昌街道南门口夜市，城管执法中队一名队员多次向摊主收取“管理费”，每摊每月三百元，不开收据，"
             "不交的摊位第二天就被清走。"},
    {"accused_office": "jz-dc-gov", "accused_person": "石红",
     "body": "东城区老旧小区改造项目的施工单位是区长亲属控制的公司，未经公开招标，工程质量差，居民多次反映无人理会。",
     "reporter_name": "李建民", "reporter_phone": "13907310000"},
)


def _handler_keys(session: Session, passwords: dict[str, str], now: datetime) -> None:
    for username, password in passwords.items():
        user = session.scalar(select(User).where(User.username == username))
        if user is not None and supervision.is_handler(session, user):
            supervision.check_ensure_key(session, user, password, now)


#: evidence the first report's reporter adds later through /report/follow (a one-page PDF)
EVIDENCE = (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% 2026-11 night market fee records\ntrailer<</Root 1 0 R>>\n"
            b"%%EOF\n")


def seed_reports(
    session: Session, passwords: dict[str, str], now: datetime, sms: supervision.SmsOut | None = None
) -> tuple[str, str] | None:
    """Create the handlers' keys, file the demo reports, answer the first (whose reporter then adds a file)
    and accept the second (whose reporter gave a phone: the notice goes by SMS through ``sms``); the first's
    (receipt code, secret)."""
    _handler_keys(session, passwords, now)
    receipts = []
    for fields in REPORTS:
        try:
            receipts.append(supervision.check_file_report(session, supervision.ReportInput(**fields), now))
        except supervision.NoRecipient:
            return None
    first = session.scalar(select(SupervisionReport).order_by(SupervisionReport.id).limit(1))
    handler = session.scalar(select(User).where(User.username == "gu.dcjw"))
    if first is None or handler is None or "gu.dcjw" not in passwords:
        return None
    private = supervision.check_password_key(session, handler, passwords["gu.dcjw"], now)
    supervision.check_act(session, handler, first.id, private, "accept", "您的举报已受理，我们将依规核查。", now)
    supervision.check_act(session, handler, first.id, private, "reply",
                          "请问收费大约从什么时候开始？是否有摊主愿意作证？可在此匿名答复。", now)
    receipt = supervision.FollowInput(receipt_code=receipts[0].receipt_code, secret=receipts[0].secret)
    supervision.check_reporter_files(session, receipt, [("夜市收费记录.pdf", EVIDENCE)], attachments.Limits(), now)
    city = session.scalar(select(User).where(User.username == "lin.jw"))
    second = session.scalar(select(SupervisionReport).order_by(SupervisionReport.id.desc()).limit(1))
    if city is not None and second is not None and "lin.jw" in passwords:
        key = supervision.check_password_key(session, city, passwords["lin.jw"], now)
        supervision.check_act(session, city, second.id, key, "accept", "您的举报已受理，市纪委监委将依规核查。", now,
                              sms)
    return receipts[0].receipt_code, receipts[0].secret
