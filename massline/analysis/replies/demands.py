"""Splitting a message into its demands (诉求) and a reply into its sentences.

A message is read clause by clause (split at 。！？；, commas and colons). Each
clause is one of:

* *filler* — greetings, thanks, "please reply" (望回复), a bare plea for attention
  (希望领导重视): never a demand;
* *question* — it asks (a question mark, 请问, 咨询, 何时, 是否 ...);
* *action* — it requests something be done (希望, 请, 要求, 恳请, 能否 ...);
* *narrative* — it reports; a rhetorical question (难道, 凭什么, 何来, a ？！)
  is narrative too: it complains, it does not ask.

Clauses of one sentence that ask or request make one demand (its kind is the first
one's), with up to two narrative clauses of that sentence before the cue (另外小区垃圾站
三天没清运，希望尽快清运); the sentences that follow without a cue of their own and continue it
(并, 以便, 让, 还 ..., or short) extend it. Narrative before a demand is its
context (kept on ``Demand.context`` for matching a reply to it, outside the
span). Narrative after the last demand is a complaint demand of its own when it
reports a specific wrong (另外, 此外, or a fact such as 拖欠, 噪音, 违规). A body
that asks and requests nothing is one complaint demand: its report. The title
(the first line) is the message's heading: context, never a demand of its own
unless the message is only a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from massline.analysis.replies.text import Unit, clauses, sentences
from massline.analysis.replies.types import Demand

_FILLER = re.compile(
    r"^(?:尊敬的|敬爱的|亲爱的|各位|您好|你好|领导好|领导您好|.{0,6}(?:书记|市长|县长|局长|主任|领导)(?:您|你)?好)|"
    r"谢谢|感谢|感激|辛苦了|此致|敬礼|(?:望|盼|请|期待|等待|恳请)(?:您的|领导)?(?:早日|尽快)?(?:回复|答复|回音)|盼复|"
    r"^希望.{0,10}(?:重视|关注|看到|引起)[^，,。]{0,4}$|^特此(?:请求|投诉|反映|留言|咨询)"
)
_RHETORICAL = re.compile(
    r"难道|岂|何来|何在|凭什么|天理|王法|还有没有|有没有考虑|怎么能|怎能|怎么可以|怎么会|谁来管|何时是个头|"
    r"到底还要|还要等到|[？?][！!]|[！!][？?]|吗[！!]|还让不让|如此|这样下去"
)
_ACTION = re.compile(
    r"(?<!的)希望|恳请|请求|(?<![按的出])要求|呼吁|建议|(?<![申邀聘提报宴敬声])请(?!问|假|个|愿|示|教|客)|"
    r"望(?=领导|政府|相关|有关|贵|上级|尽快|早日|能|你们|您|各位)|盼望|期盼|敦促|督促|责令|尽快|早日|"
    r"还(?:我们|居民|百姓|老百姓)|帮忙|帮帮|能否|可否|能不能|可不可以|麻烦"
)
_QUESTION = re.compile(r"[？?][”’」』）)]?$|请问|是否|什么时候|何时|多久")
_ASKING_WORD = re.compile(r"什么|为什么|为何|怎么|怎样|如何|哪里|哪个|哪些|多少|有没有|是不是|吗|呢")
_CONTINUES = re.compile(r"^(?:并|并且|以便|以免|避免|让|使|还|给|否则|从而|同时把|切实|确保)")
_NEW_WRONG = re.compile(
    r"^(?:另外|此外|还有|同时|再者|其次)|拖欠|噪音|噪声|污染|违规|违法|违建|乱收|乱扔|乱停|扰民|推诿|不作为|堵塞|漏水|"
    r"损坏|坏了|隐患|不给|不予|克扣|欠薪|占用|霸占|殴打|恶臭"
)


#: How many narrative clauses of its own sentence before its cue a demand takes in.
_LEAD = 2


def split_reply(reply: str) -> list[tuple[int, int, str]]:
    """The reply's sentences as ``(start, end, text)`` spans, blank ones left out."""
    return [(u.start, u.end, u.text) for u in sentences(reply)]


def _kind(clause: str) -> str:
    """``filler``, ``question``, ``action`` or ``narrative`` (rhetorical questions included)."""
    if _FILLER.search(clause) and len(_FILLER.sub("", clause).strip("，,。！!？? ")) < 6:
        return "filler"
    asks = "请问" in clause or "问一下" in clause or "想问" in clause
    if not asks and (
        _RHETORICAL.search(clause) or (_ASKING_WORD.search(clause) and clause.rstrip().endswith(("！", "!")))
    ):
        return "narrative"
    if asks or clause.startswith("咨询"):
        return "question"
    if _ACTION.search(clause):
        return "action"
    if _QUESTION.search(clause):
        return "question"
    return "narrative"


@dataclass
class _Open:
    """A demand being built: its kind, its clauses' spans, the sentence it last grew in."""

    kind: str
    start: int
    end: int
    sentence: int
    context: list[str] = field(default_factory=list)


def _sentence_of(units: list[Unit], position: int) -> int:
    return next((i for i, u in enumerate(units) if u.start <= position < u.end), len(units))


def _continues(open_: _Open | None, clause: Unit, sentence: int) -> bool:
    if open_ is None:
        return False
    if sentence == open_.sentence:
        return True
    return sentence == open_.sentence + 1 and bool(_CONTINUES.match(clause.text)) and not _NEW_WRONG.search(clause.text)


def _explicit(text: str, units: list[Unit], body_start: int) -> tuple[list[_Open], list[Unit]]:
    """The questions and requests of the body, and the narrative clauses after the last one."""
    found: list[_Open] = []
    open_: _Open | None = None
    narrative: list[Unit] = []
    for clause in clauses(text[body_start:]):
        clause = Unit(clause.start + body_start, clause.end + body_start, clause.text)
        sentence = _sentence_of(units, clause.start)
        kind = _kind(clause.text)
        if kind == "filler":
            continue
        if kind in ("question", "action"):
            if open_ is not None and sentence == open_.sentence:
                open_.end, open_.sentence = clause.end, sentence
            else:  # up to two clauses of its sentence before the cue belong to the demand
                lead = [u for u in narrative[-_LEAD:] if _sentence_of(units, u.start) == sentence]
                start = lead[0].start if lead else clause.start
                context = [u.text for u in narrative if u not in lead]
                open_ = _Open(kind, start, clause.end, sentence, context)
                found.append(open_)
                narrative = []
        elif _continues(open_, clause, sentence) and not narrative:
            assert open_ is not None
            open_.end, open_.sentence = clause.end, sentence
        else:
            narrative.append(clause)
            open_ = None
    return found, narrative


def _span(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in "，,：: ":
        end -= 1
    return start, end


def split_demands(text: str) -> list[Demand]:
    """The demands of a message's text (``title.strip() + "\\n" + body.strip()``, or any
    text), each with its kind, its span in ``text`` and the narrative before it. A text
    that asks and requests nothing is one complaint demand: its report."""
    if not text.strip():
        return []
    units = sentences(text)
    newline = text.find("\n", len(text) - len(text.lstrip()))
    has_body = newline >= 0 and text[newline:].strip()
    body_start = newline + 1 if has_body else 0
    found, narrative = _explicit(text, units, body_start)
    demands = [Demand(o.kind, *_span(text, o.start, o.end), "", context="".join(o.context)) for o in found]
    if narrative and (not found or any(_NEW_WRONG.search(u.text) for u in narrative)):
        start, end = _span(text, narrative[0].start, narrative[-1].end)
        demands.append(Demand("complaint", start, end, ""))
    if not demands:  # only filler: the title (or the whole text) is what the message is about
        start, end = _span(text, len(text) - len(text.lstrip()), len(text.rstrip()))
        demands.append(Demand("complaint", start, end, ""))
    return [Demand(d.kind, d.start, d.end, text[d.start : d.end], d.context) for d in demands]
