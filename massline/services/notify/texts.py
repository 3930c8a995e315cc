"""What a notification says: one short Chinese text per notified case event (e-mail and SMS alike).

``NOTIFIED`` names the case-history event types citizens are told of; events of other types
(internal steps, the citizen's own actions) are never sent. A deployment that adds an event
type a citizen should hear of adds it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from massline.models import Message, MessageEvent

#: event type → what happened, completing "您的留言（查询码 X）…"
NOTIFIED: dict[str, str] = {
    "accepted": "已由{office}签收办理。",
    "replied": "已收到{office}的答复，请查看并评价。",
    "issue_replied": "所属问题已由{office}统一答复，请查看。",
    "extension_approved": "办理期限已延长{days}天。",
    "transferred": "已转交{to_office}办理。",
    "closed": "已办结。感谢您的参与！",
    "rejected": "不予受理，原因：{note}",
    "review_withheld": "经审核暂不公开，原因：{note}",
    "clarified": "所属问题有了澄清说明（{note}），请到留言页面查看。",
}


@dataclass(frozen=True)
class Text:
    """A notification's subject (e-mail) and body (e-mail and SMS)."""

    subject: str
    body: str


def event_text(site: str, message: Message, event: MessageEvent, base_url: str, unsubscribe: str) -> Text:
    """The notification of ``event`` of ``message``: what happened, how to follow it, how to stop."""
    data = event.data or {}
    what = NOTIFIED[event.type].format(
        office=message.office.name if message.office is not None else "承办单位",
        note=event.note or "", days=data.get("days", ""), to_office=data.get("to_office") or "其他单位",
    )  # fmt: skip
    body = (
        f"您的留言“{message.title}”（查询码 {message.tracking_code}）{what}\n"
        f"查看办理进度：{base_url}/track\n"
        f"不再接收本留言的通知：{base_url}/notify/off/{unsubscribe}\n"
        f"【{site}】"
    )
    return Text(f"【{site}】留言办理进度：{message.title[:40]}", body)


def secret_text(site: str, tracking_code: str, secret: str, base_url: str) -> Text:
    """The new secret of a case, sent after 忘记查询密码."""
    body = (
        f"您的留言（查询码 {tracking_code}）的新查询密码是：{secret}\n"
        f"原密码已失效。查询办理进度：{base_url}/track\n"
        f"如果不是您本人操作，请忽略本消息；只有您留下的联系方式能收到新密码。\n【{site}】"
    )
    return Text(f"【{site}】新的查询密码", body)


def code_text(site: str, code: str, minutes: int) -> Text:
    """A one-time login code for 我的留言."""
    body = f"您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。\n【{site}】"
    return Text(f"【{site}】登录验证码", body)
