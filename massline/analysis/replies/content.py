"""The criteria about what a reply answers: relevance (相关性), completeness (完整性) and
timeliness (及时性). Each returns a :class:`Criterion` with its score in [0, 1], the
sentences it rests on and, when low, a concrete suggestion.
"""

from __future__ import annotations

from datetime import datetime

from massline.analysis.replies.text import bigrams, places, quote
from massline.analysis.replies.types import CaseText, Criterion, DemandMatch

#: Below this a criterion is low: it gets a suggestion and a finding.
LOW = 0.6


def relevance(case: CaseText, substantive: list[str]) -> Criterion:
    """Is the reply about this message? Three parts, none growing with the reply's length alone:

    * 0.45 — how much of the title's content words the reply takes up (×2, at most 1);
    * 0.35 — how much of the reply's own content words come from the message (×3, at most 1):
      a reply about a neighbouring matter brings words of its own;
    * 0.2 — the message's places the reply names (all of them when the message names none);
      a reply that names other places and none of the message's gets 0 here.
    """
    if not substantive:
        return Criterion("relevance", 0.0, (), "答复没有实质内容：请针对留言反映的事情作答")
    message = f"{case.title}\n{case.body}"
    title = bigrams(case.title) or bigrams(case.body[:60])
    reply = " ".join(substantive)
    words = bigrams(reply)
    title_cover = len(title & words) / len(title) if title else 1.0
    message_words = bigrams(message)
    own = len(words & message_words) / len(words) if words else 0.0
    named = places(message)
    mentioned = {p for p in named if p in reply}
    foreign = {p for p in places(reply) if p not in message and not bigrams(p) & message_words}
    place_score = len(mentioned) / len(named) if named else 1.0
    if named and not mentioned and foreign:
        place_score = 0.0
    score = 0.45 * min(1.0, 2.0 * title_cover) + 0.35 * min(1.0, 3.0 * own) + 0.2 * min(1.0, place_score * 2)
    ranked = sorted(substantive, key=lambda s: -len(bigrams(s) & title))
    evidence = tuple(quote(s) for s in ranked[:2] if bigrams(s) & title)
    suggestion = ""
    if score < LOW:
        missing = sorted(named - mentioned)[:3]
        if missing:
            suggestion = (
                f"答复没有提到留言中的「{'、'.join(missing)}」，请核对答复的是不是这条留言（地点、问题、当事人）"
            )
        else:
            suggestion = (
                f"答复很少提到留言说的事「{quote(case.title, 30)}」，请核对答复的是不是这条留言（地点、问题、当事人）"
            )
        if foreign:
            suggestion += f"；答复提到的「{'、'.join(sorted(foreign)[:3])}」不在留言中"
    return Criterion("relevance", round(min(1.0, score), 4), evidence, suggestion)


def completeness(matches: list[DemandMatch], reply_sentences: list[str], substantive: list[str]) -> Criterion:
    """The share of the message's demands the reply answers or refers elsewhere."""
    if not matches:
        return Criterion("completeness", 1.0 if substantive else 0.0)
    if not substantive and not any(m.referred for m in matches):
        return Criterion(
            "completeness", 0.0, tuple(quote(m.demand.text) for m in matches),
            "答复没有回应任何诉求：请逐项说明办理结果，或写明转交给哪个单位、联系方式",
        )  # fmt: skip
    answered = [m for m in matches if m.answered]
    score = len(answered) / len(matches)
    evidence = tuple(
        f"「{quote(m.demand.text, 24)}」← "
        + (f"「{quote(reply_sentences[m.sentences[0]], 30)}」" if m.sentences else "不属本单位职责")
        + ("（转办）" if m.referred else "")
        for m in answered
    )
    missing = [m for m in matches if not m.answered]
    suggestion = ""
    if missing:
        asked = "；".join(f"「{quote(m.demand.text, 30)}」" for m in missing[:3])
        suggestion = f"没有回应的诉求：{asked}。请逐项答复，或写明转交给哪个单位、联系方式"
    return Criterion("completeness", round(score, 4), evidence, suggestion)


def timeliness(case: CaseText, replied_at: datetime | None) -> Criterion:
    """1 when the reply came within the deadline, falling linearly to 0 at twice the deadline.
    0.5 (neither good nor bad) when a time or the deadline is not known."""
    if case.submitted_at is None or replied_at is None or not case.deadline_days:
        return Criterion("timeliness", 0.5, (), "无法判断答复是否及时：缺少留言时间、答复时间或期限")
    days = (replied_at - case.submitted_at).total_seconds() / 86400
    if days < 0:
        return Criterion("timeliness", 0.5, (), "答复时间早于留言时间：请核对时间")
    limit = case.deadline_days
    score = 1.0 if days <= limit else max(0.0, 1 - (days - limit) / limit)
    evidence = (f"留言后 {days:.1f} 天答复，期限 {limit:g} 天",)
    suggestion = ""
    if days > limit:
        suggestion = f"超过期限 {days - limit:.1f} 天：办理需要更久时，先在期限内告诉留言人进展和预计时间"
    return Criterion("timeliness", round(score, 4), evidence, suggestion)
