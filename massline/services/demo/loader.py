"""The shipped demo deployment (江州市): configuration plus messages replayed
through the real intake, casework and feedback functions, with backdated times.

Each demo message names its ``outcome`` (received … reopened); the loader
walks the case there step by step, so the demo's history, deadlines and
ratings are exactly what the platform would have produced. The demo reviews
before publishing (``casework: moderation: pre``): its history loads as
reviewed and published, and the few rows marked ``"review": "pending"`` wait
in the moderation queue as a citizen's new message does.

When no category model file exists at the configured path, the loader then
trains one from the demo's own answered cases — ``classifier.retrain``, the
code behind ``massline classify retrain`` — so that new demo messages are
routed by what they say from the first start.
"""

from __future__ import annotations

import json
import random
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.config import Settings
from massline.io.deployment_yaml import load_deployment
from massline.models import Leader, Message, Office, Support, User
from massline.services import attachments, casework, notify, replies, supervision
from massline.services import casework as feedback
from massline.services.access import OFFICE_ROLES
from massline.services.classifier import RetrainReport, TrainingSet, retrain, training_set
from massline.services.crypto import FieldCipher
from massline.services.demo.photos import demo_photo
from massline.services.demo.reports import seed_reports
from massline.services.demo.research_scene import stage_research
from massline.services.demo.scenes import stage_approvals
from massline.services.demo.speaking import stage_speaking
from massline.services.deployment import check_apply_deployment
from massline.services.errors import ValidationFailed
from massline.services.intake import MessageInput, check_submit
from massline.services.people import Passwords


class Platform(Protocol):
    """What the demo loader needs of the running platform."""

    settings: Settings
    cipher: FieldCipher
    passwords: Passwords

    @property
    def links(self) -> notify.Links: ...

    def read(self) -> AbstractContextManager[Session]: ...

    def write(self) -> AbstractContextManager[Session]: ...

    def now(self) -> datetime: ...


DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"
TRAINING_LIMIT = 3000  # newest labelled cases the demo's model learns from: keeps the first start to seconds


@dataclass
class DemoReport:
    """How many messages were loaded, the generated staff passwords, and the category model.

    ``model`` is the report of the model trained at load (None when one was
    already there or none could be trained); ``model_note`` says which, for the operator.
    ``sweep`` is what the deadline sweep at the end of the load did.
    """

    messages: int = 0
    passwords: dict[str, str] = field(default_factory=dict)
    credentials_file: Path | None = None
    model: RetrainReport | None = None
    model_note: str = ""
    #: the deadline sweep run at the end of the load (overdue cases escalated, old replies closed)
    sweep: casework.SweepReport | None = None
    #: the approvals and oversight put in place after the replay (``scenes.stage_approvals``)
    staged: list[str] = field(default_factory=list)
    #: the receipt code and secret of the demo's answered supervision report (监督举报)
    report_receipt: tuple[str, str] | None = None
    #: the research and tolerance records put in place (``research_scene.stage_research``)
    research: list[str] = field(default_factory=list)
    #: the offices' posts, clarification and interview put in place (``speaking.stage_speaking``)
    speaking: list[str] = field(default_factory=list)


def demo_loaded(session: Session) -> bool:
    """True when the database already holds messages."""
    return session.scalar(select(Message.id).limit(1)) is not None


def _staff(session: Session, office_id: int | None) -> User | None:
    if office_id is None:
        return None
    return session.scalar(
        select(User).where(User.office_id == office_id, User.role.in_(OFFICE_ROLES)).order_by(User.id).limit(1)
    )


def _fallback_office(session: Session, message: Message) -> Office | None:
    """An office for a message no rule routed: one answering its category, else any."""
    offices = session.scalars(select(Office).where(Office.is_dispatch.is_(False)).order_by(Office.id)).all()
    top = message.category.top_name if message.category else None
    for office in offices:
        if top and top in {c.top_name for c in office.categories}:
            return office
    return offices[0] if offices else None


def _input(row: dict[str, Any], session: Session) -> MessageInput:
    addressee = row.get("addressee") or {}
    leader_id = None
    if addressee.get("leader"):
        leader_id = session.scalar(
            select(Leader.id)
            .join(Office)
            .where(Office.code == addressee["office"], Leader.title == addressee["leader"])
        )
    contact = row.get("contact") or {}
    return MessageInput(
        title=row["title"],
        body=row["body"],
        kind=row["kind"],
        region=row.get("region") or "",
        category=row.get("category") or "",
        addressee_office=addressee.get("office", ""),
        addressee_leader=leader_id,
        author_name=row.get("author") or "",
        contact_phone=contact.get("phone", ""),
        contact_email=contact.get("email", ""),
        notify=bool(contact.get("notify", False)),
        is_public=bool(row.get("public", True)),
        source="demo",
    )


def _replay(session: Session, platform: Platform, row: dict[str, Any], created: datetime, rng: random.Random) -> None:
    outcome = row.get("outcome", "received")
    data = _input(row, session)
    if outcome == "received":
        data.category = ""  # still untouched: the category is whatever the suggester can tell
    message = check_submit(session, platform.cipher, data, created).message
    if row.get("review") != "pending":
        message.review_state = "published"  # the demo's history was reviewed when it was published
    now = platform.now()
    t = min(created + timedelta(hours=rng.randint(1, 6)), now)
    dispatcher = session.scalar(select(User).where(User.role == "dispatcher").order_by(User.id).limit(1))
    if outcome == "received":
        return
    if outcome == "rejected" and message.office_id is None:
        casework.do_reject(session, dispatcher, message, row.get("reject_reason") or "不属于本平台受理范围", t)
        return
    if message.office_id is None:
        office = _fallback_office(session, message)
        if office is None:
            return
        casework.do_dispatch(session, dispatcher, message, office.code, t)
        t = min(t + timedelta(hours=2), now)
    if outcome == "assigned":
        return
    staff = _staff(session, message.office_id)
    if outcome == "rejected":
        casework.do_reject(session, staff, message, row.get("reject_reason") or "不属于本单位职责范围", t)
        return
    casework.do_accept(session, staff, message, t)
    if outcome == "accepted":
        return
    if outcome == "transferred":
        current = message.office_id
        target = next(
            (o for o in session.scalars(select(Office).where(Office.is_dispatch.is_(False))) if o.id != current), None
        )
        if target is not None:
            casework.do_transfer(
                session, staff, message, target.code, row.get("transfer_reason") or "不属于本单位职责", t
            )
        return
    replied = created + timedelta(days=float(row.get("reply_days", 3)), hours=rng.randint(0, 8))
    replied = max(replied, t + timedelta(minutes=30))
    if replied > now:
        return  # the reply lies in the future: the case is still being handled
    casework.check_draft_reply(
        session, staff, message, row.get("reply") or "您好，您反映的问题已收悉，我们正在处理。", replied
    )
    reply = casework.do_publish_reply(session, staff, message, replied)
    session.flush()
    replies.do_store_review(session, message, reply, "published", replied)  # for the dashboard's reply quality
    rating = row.get("rating")
    rated = min(replied + timedelta(days=1, hours=rng.randint(1, 12)), now)
    if rating and message.status in ("replied", "closed"):  # the citizen's rating closes the case
        feedback.check_rate(session, message, int(rating["score"]), rating.get("comment", ""), rated)
    elif outcome == "closed":
        _call_back(session, message, replied, now)
    if outcome == "reopened":
        reason = (rating or {}).get("comment") or "问题没有解决，要求重新办理"
        feedback.check_reopen(session, message, reason, rated)


def _attach_photo(session: Session, photos: attachments.StagedFiles, created: datetime) -> None:
    """The photo of the message just replayed, shown to the public by the dispatch centre an hour later."""
    message = session.scalar(select(Message).order_by(Message.id.desc()).limit(1))
    dispatcher = session.scalar(select(User).where(User.role == "dispatcher").order_by(User.id).limit(1))
    assert message is not None and dispatcher is not None
    last_change = message.updated_at
    (photo,) = attachments.do_attach(session, message, photos, created)
    session.flush()
    attachments.check_review(session, dispatcher, message.id, photo.id, "show", "", created + timedelta(hours=1))
    message.updated_at = max(last_change, message.updated_at)
#: the demo's 回访 answers, drawn per case: mostly solved and satisfied, as in a real centre's figures
_ANSWERS = [("已解决", "满意")] * 5 + [("已解决", "基本满意"), ("部分解决", "基本满意"), ("部分解决", "不满意"),
                                     ("未解决", "不满意")]  # fmt: skip


def _call_back(session: Session, message: Message, replied: datetime, now: datetime) -> None:
    """A closed demo case nobody rated was closed by the centre's 回访, four days after the reply;
    a younger one is still waiting (the sweep at load closes the old ones, the rest stay in the queue)."""
    at = replied + timedelta(days=4)
    if at > now:
        return
    dispatcher = session.scalar(select(User).where(User.role == "dispatcher").order_by(User.id).limit(1))
    draw = random.Random(message.id)  # noqa: S311 - demo data only
    resolved, satisfied = draw.choice(_ANSWERS)
    answers = casework.CallbackRequest.model_validate(
        {"reached": True, "resolved": resolved, "satisfied": satisfied, "contacted": draw.random() < 0.9,
         "note": "电话回访，群众已知悉答复内容"}
    )  # fmt: skip
    casework.record_callback(session, dispatcher, message, answers, at)


def _add_supports(session: Session, message: Message, count: int, opposes: int, created: datetime) -> None:
    for i in range(count + opposes):
        stance = "support" if i < count else "oppose"
        session.add(
            Support(message_id=message.id, supporter_key=f"demo-{message.id}-{i}", stance=stance, created_at=created)
        )
    message.support_count = count
    message.oppose_count = opposes


def load_demo(platform: Platform, demo_dir: Path = DEMO_DIR, seed: int = 20261129) -> DemoReport:
    """Load the demo configuration and replay its messages, all in one transaction."""
    spec = load_deployment(demo_dir / "deployment.yaml")
    tz = ZoneInfo(spec.deployment.timezone)
    rng = random.Random(seed)  # noqa: S311 - demo timing only
    today = platform.now().astimezone(tz).replace(minute=0, second=0, microsecond=0)
    rows = [
        json.loads(line)
        for line in (demo_dir / "messages.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    report = DemoReport()
    photo_row = next((row for row in rows if row.get("photo")), None)  # one message comes with a photo
    uploads = [demo_photo(photo_row["photo"])] if photo_row else []
    root, limits = attachments.attachments_root(platform.settings), attachments.limits_of(platform.settings)
    with attachments.staged_files(root, uploads, limits) as photos, platform.write() as session:
        load = check_apply_deployment(session, spec, passwords=platform.passwords)
        replies.check_seed_glossary(session, platform.now())
        report.passwords = load.users_created
        timed = []
        for row in rows:
            created = (today - timedelta(days=int(row.get("days_ago", 0)))).replace(hour=int(row.get("hour", 9)))
            created = min(created + timedelta(minutes=rng.randint(0, 59)), platform.now() - timedelta(minutes=5))
            timed.append((created, row))
        timed.sort(key=lambda pair: pair[0])
        for created, row in timed:
            _replay(session, platform, row, created, rng)
            supports, opposes = int(row.get("supports", 0)), int(row.get("opposes", 0))
            if supports or opposes:
                message = session.scalar(select(Message).order_by(Message.id.desc()).limit(1))
                assert message is not None
                _add_supports(session, message, supports, opposes, created)
            if row is photo_row:
                _attach_photo(session, photos, created)
            report.messages += 1
        # what the worker's periodic pass does: remind, escalate the overdue cases, close unrated old replies
        report.sweep = casework.sweep(session, platform.now())
        report.staged = stage_approvals(session, platform.now())
        sms = supervision.SmsOut(notify.build_channels(platform.settings).sms, platform.links.site,
                                 platform.links.base_url)
        report.report_receipt = seed_reports(session, report.passwords, platform.now(), sms)
        report.research = stage_research(session, platform.now())
        report.speaking = stage_speaking(session, platform.now())
    if report.passwords:
        path = platform.settings.instance_dir / "demo-credentials.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        receipt = f"# 监督举报回执 {' '.join(report.report_receipt)}\n" if report.report_receipt else ""
        path.write_text("".join(f"{u}\t{p}\n" for u, p in report.passwords.items()) + receipt, encoding="utf-8")
        path.chmod(0o600)
        report.credentials_file = path
    report.model, report.model_note = train_demo_model(platform)
    return report


def train_demo_model(platform: Platform, limit: int = TRAINING_LIMIT) -> tuple[RetrainReport | None, str]:
    """Train the category model from the loaded history when the configured file does not exist.

    Learns from the newest ``limit`` labelled cases at most (training time grows
    with the data; the demo must start in seconds). Returns the report (None
    when nothing was trained) and a line for the operator.
    """
    settings = platform.settings
    path = settings.classifier_model_path
    if path.exists():
        return None, f"category model: using the existing {path}"
    start = time.perf_counter()
    with platform.read() as session:  # read, then train outside the transaction
        data = training_set(session)
    if len(data.labels) > limit:
        data = TrainingSet(data.texts[-limit:], data.labels[-limit:], min(data.answered, limit),
                           min(data.corrected, limit), data.taxonomy)  # fmt: skip
    try:
        report = retrain(data, path, threshold=settings.classifier_threshold)
    except ValidationFailed as exc:
        reason = "; ".join(exc.errors.values())
        return None, f"category model: none trained ({reason}); new messages wait for a dispatcher"
    seconds = time.perf_counter() - start
    return report, (
        f"category model trained from the demo's {report.messages} answered cases in {seconds:.1f} s "
        f"({report.model_version}, {path}); new messages are routed by category and place"
    )
