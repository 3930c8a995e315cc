"""Splitting a message into its demands (诉求) and a reply into its sentences.

The rules are those of the hand labels (tests/data/replies/RULES.md, docs/replies.md). A
message is read clause by clause (split at 。！？；, commas and colons); each clause is

* *filler* — greetings, thanks, "please reply" (望回复): never part of a demand;
* *question* — it asks for information (请问, 是否, 何时, a question mark);
* *action* — it asks for something to be done and names it (希望…拆除, 建议…, 能否把…;
  a question-form suggestion is an action, so is 反对);
* *closing* — a request that only asks to look into the matter (希望有关部门核实, 请尽快处理):
  it closes the complaint before it and is no demand of its own;
* *rhetorical* — a question that complains (难道, 凭什么, 何来, 还有王法吗, a ？！);
* *complaint* — it states a specific wrong (违规, 拖欠, 噪音, 不作为, 没人管 ...);
* *neutral* — background.

A complaint runs from the clause that states the wrong over the clauses that continue it
(more of the wrong, rhetorical questions, the closing, and background between them) until
a new wrong is marked (另外, 此外, a number 1、 2、) or three background clauses pass. A
question or action is its own demand and takes in the rest of its sentence; questions in
separate sentences are separate demands, except a short one without a question word of its
own that only narrows the one before (谁批准的？公示了吗？). The title is a demand only when the body holds
none (a question asked only in the title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from massline.analysis.replies.text import Unit, bigrams, clauses, sentences
from massline.analysis.replies.types import Demand

if TYPE_CHECKING:
    from massline.analysis.replies.splitter import DemandSplitter

_FILLER = re.compile(
    r"^(?:尊敬的|敬爱的|亲爱的|各位|您好|你好|领导好|领导您好|.{0,6}(?:书记|市长|县长|局长|厅长|主任|领导)(?:您|你)?好)|"
    r"谢谢|感谢|感激|辛苦了|打扰|此致|敬礼|(?:望|盼|请|期待|等待|恳请)(?:您的|领导)?(?:早日|尽快)?(?:回复|答复|回音)|盼复|"
    r"^特此(?:请求|投诉|反映|留言|咨询)"
)
_RHETORICAL = re.compile(
    r"难道|岂|何来|何在|凭什么|天理|王法|还有没有|有没有考虑|怎么能|怎能|怎么可以|怎么会|怎么就|谁来管|何时是个头|"
    r"到底还要|还要等到|[？?][！!]|[！!][？?]|吗[！!]|还让不让|在哪里[？?]|去哪了|良心"
)
_ACTION = re.compile(
    r"(?<!的)希望(?!的)|恳请|请求|(?:强烈|我们|特此|现|再次|坚决|并)要求|^要求|呼吁|(?<![的了出])建议(?!的)|"
    r"(?<![申邀聘提报宴敬声])请(?!问|假|个|愿|示|教|客|看|来|到)|望(?=领导|政府|相关|有关|贵|上级|尽快|早日|能|你们|您|各位)|"
    r"盼望|期盼|敦促|强烈反对|坚决反对|还(?:我们|居民|百姓|老百姓)|帮帮|麻烦"
)
_SUGGESTS = re.compile(
    r"(?:能否|可否|能不能|可不可以|是否可以|可以不可以)(?:.{0,3})(?:把|将|增加|增设|安排|尽快|早日|给|派|出台|修|建|开通|延长|延伸|设置|加装|安装|恢复)"
)
_GENERIC = re.compile(
    r"核实|处理|解决|重视|关注|管一管|管管|查一查|查查|做主|说法|交代|整顿|调查|过问|监管|查处|批示|帮助|帮忙|关心"
)
_NAMED_ACTION = re.compile(
    r"拆除|拆掉|取缔|停止|停工|停建|退还|退费|退回|补发|补交|补缴|恢复|修复|维修|修建|修路|建设|安装|加装|增加|增设|开通|延长|"
    r"延伸|调整|公开|公示|赔偿|补偿|罚|撤|免|发放|归还|清理|清运|搬|迁|降|减|改|设置|划|办理|纳入|取消|解除|追查|查明|彻查|"
    r"制止|禁止|关闭|整改|更换|硬化|铺|装|配备|开放|放宽|允许|批准|解释|答复|告知|落实|保障|保护|严惩|惩处|处罚|追究"
)
_QUESTION = re.compile(r"[？?][”’」』）)]?$")
_ASKS = re.compile(r"请问|想问|问一下|问问|(?:想|特此|现|特)咨询|咨询一下|^咨询|想了解|请告知|告知一下")
_ASKING_WORD = re.compile(r"什么|为什么|为何|何时|怎么|怎样|如何|哪里|哪个|哪些|多少|有没有|是不是|是否|吗|呢|几")
_WRONG = re.compile(
    r"违规|违法|违章|违建|非法|私自|擅自|强行|强制|强拆|不作为|乱作为|推诿|推脱|敷衍|刁难|拖欠|欠薪|克扣|拖延|拖了|"
    r"污染|噪音|噪声|扰民|恶臭|臭|脏|乱收|乱扔|乱停|乱倒|乱搭|乱建|乱象|堵塞|积水|漏水|损坏|坏了|破损|隐患|危险|"
    r"不给|不予|不让|拒绝|拒不|不按|无人|没人|没有人|未(?:取得|办|按|给|落实|解决|处理|退|发)|一直没|至今|迟迟|"
    r"骗|忽悠|坑|霸占|占用|侵占|殴打|威胁|打人|辱骂|态度恶劣|恶劣|倾倒|排放|偷|砍|毁|破坏|超标|超载|无证|虚假|"
    r"不合理|不公|不公平|不规范|收取|多收|高价|罚款|扣押|投诉|举报|反映|严重|影响|困扰|苦不堪言|无法|不能|难以|"
    r"却|竟然|竟|居然|隐瞒|根本|依然|仍然|仍旧|照样|导致|不便|心酸|没有|没领|延迟|迟发|混乱|不执行|不公开|掐断|"
    r"不具备|不到位|不负责|不管|不理|不解决|无果|无门"
)
_NEW_WRONG = re.compile(
    r"^(?:另外|此外|还有|其次|再者|再次|再就是|最后|[一二三四五六七八九十\d]+\s*[、.．，,)）:：]|[（(][一二三四五六七八九十\d]+[)）])"
)
_OPENING = re.compile(
    r"^(?:[一二三四五六七八九十\d]+\s*[、.．)）]|[（(][一二三四五六七八九十\d]+[)）]|另外|此外|还有|同时|其次)"
)
#: The rules' cue patterns by name (features of the learned splitter, :mod:`.splitter`).
CUES = {
    "filler": _FILLER, "rhetorical": _RHETORICAL, "action": _ACTION, "suggests": _SUGGESTS, "generic": _GENERIC,
    "named": _NAMED_ACTION, "asks": _ASKS, "asking": _ASKING_WORD, "wrong": _WRONG, "new": _NEW_WRONG,
    "opening": _OPENING,
}  # fmt: skip
#: Background clauses a complaint bridges before it is closed.
_GAP = 3


def split_reply(reply: str) -> list[tuple[int, int, str]]:
    """The reply's sentences as ``(start, end, text)`` spans, blank ones left out."""
    return [(u.start, u.end, u.text) for u in sentences(reply)]


def _is_generic(clause: str) -> bool:
    """A request that names no action of its own: only checking or handling the matter."""
    return not _NAMED_ACTION.search(clause) and (bool(_GENERIC.search(clause)) or len(bigrams(clause)) < 5)


def clause_kind(clause: str) -> str:
    """The clause's kind (see the module): filler, question, action, closing, rhetorical,
    complaint or neutral."""
    if _FILLER.search(clause) and len(bigrams(_FILLER.sub("", clause))) < 3:
        return "filler"
    asks = bool(_ASKS.search(clause))
    if _SUGGESTS.search(clause):
        return "action"
    if not asks and (
        _RHETORICAL.search(clause) or (_ASKING_WORD.search(clause) and clause.rstrip().endswith(("！", "!")))
    ):
        return "rhetorical"
    if asks or _QUESTION.search(clause):
        return "question"
    if _ACTION.search(clause):
        return "closing" if _is_generic(clause) else "action"
    if _WRONG.search(clause):
        return "complaint"
    return "neutral"


@dataclass
class _Span:
    """A demand being built: its kind, start and end."""

    kind: str
    start: int
    end: int


_PRIORITY = ("question", "action", "complaint", "closing", "rhetorical", "neutral")
_ASKS_FOR_FACTS = re.compile(r"请问|想问|咨询|想了解|是否|何时|什么时候|多少|怎么办|如何办理|哪些|需要")
#: A question this short (characters) without a question word of its own narrows the one before.
_NARROW = 10
_OWN_QUESTION = re.compile(r"请问|是否|何时|什么时候|多少|哪|怎么|如何|为什么|为何|能否|可否|几")
#: A complaint longer than this (characters) ends at a paragraph break.
_LONG = 80


@dataclass(frozen=True)
class _Sentence:
    """A sentence without its filler clauses: its span, its kind and its first words."""

    start: int
    end: int
    kind: str
    text: str
    paragraph: bool = False  # it begins a paragraph


def _sentence(text: str, unit: Unit, paragraph: bool) -> _Sentence | None:
    kinds = [(c, clause_kind(c.text)) for c in clauses(unit.text)]
    kept = [(c, k) for c, k in kinds if k != "filler"]
    if not kept:
        return None
    kind = min((k for _, k in kept), key=_PRIORITY.index)
    start, end = unit.start + kept[0][0].start, unit.start + kept[-1][0].end
    return _Sentence(start, end, kind, text[start:end], paragraph)


class _Builder:
    """Walks a message's sentences and builds its demand spans (the rules of the module)."""

    def __init__(self) -> None:
        self.spans: list[_Span] = []
        self.open: _Span | None = None
        self.gap = 0  # background sentences since the open demand last grew

    def _start(self, kind: str, s: _Sentence) -> None:
        self.open = _Span(kind, s.start, s.end)
        self.spans.append(self.open)
        self.gap = 0

    def _grow(self, s: _Sentence) -> None:
        assert self.open is not None
        self.open.end = s.end
        self.gap = 0

    def _narrows(self, s: _Sentence) -> bool:
        open_ = self.open
        return (
            open_ is not None
            and open_.kind == "question"
            and self.gap == 0
            and len(s.text) <= _NARROW
            and not _OWN_QUESTION.search(s.text)
        )

    def add(self, s: _Sentence) -> None:
        """Take in one sentence."""
        open_ = self.open
        continuing = open_ is not None and self.gap <= _GAP and not _NEW_WRONG.match(s.text)
        complaint_open = continuing and open_ is not None and open_.kind == "complaint"
        kind = s.kind
        if kind == "question" and complaint_open and self.gap == 0 and not _ASKS_FOR_FACTS.search(s.text):
            kind = "rhetorical"  # a question right inside a complaint complains ("why did nobody ...?")
        if complaint_open and s.paragraph and open_ is not None and open_.end - open_.start > _LONG:
            complaint_open = False  # a new paragraph after a long complaint: a new wrong
        if kind == "question" and self._narrows(s):
            self._grow(s)  # 谁批准的？公示了吗？: a short question that only narrows the one before
        elif kind in ("question", "action"):
            self._start(kind, s)
        elif kind == "complaint":
            if complaint_open:
                self._grow(s)
            else:
                self._start("complaint", s)
        elif kind in ("closing", "rhetorical"):
            if complaint_open or (continuing and self.gap == 0 and open_ is not None and kind == "closing"):
                self._grow(s)
            elif kind == "rhetorical" and _WRONG.search(s.text):
                self._start("complaint", s)
        else:
            self.gap += 1
            if open_ is not None and open_.kind != "complaint":
                self.open = None


def _spans(text: str, start: int, end: int) -> list[_Span]:
    builder = _Builder()
    previous = start
    for unit in sentences(text[start:end]):
        between = text[previous : unit.start + start]
        previous = unit.end + start
        s = _sentence(text, Unit(unit.start + start, unit.end + start, unit.text), "\n" in between or "　　" in between)
        if s is not None:
            builder.add(s)
    return builder.spans


def _title_demand(text: str, end: int) -> list[_Span]:
    """The title as a demand when the body holds none: a question, a request or a complaint."""
    start = len(text) - len(text.lstrip())
    title = text[start:end].rstrip()
    if not title:
        return []
    if _QUESTION.search(title) or _ASKS.search(title) or _ASKING_WORD.search(title):
        kind = "question"
    elif _ACTION.search(title) or title.startswith(("请求", "建议")):
        kind = "action"
    elif _WRONG.search(title) or title.startswith(("投诉", "举报", "反映")):
        kind = "complaint"
    else:
        return []
    return [_Span(kind, start, start + len(title))]


def _body_start(text: str) -> tuple[int, bool]:
    """Where the body starts in ``title + "\\n" + body`` (0 for a text without a title line),
    and whether there is a body."""
    newline = text.find("\n", len(text) - len(text.lstrip()))
    has_body = newline >= 0 and bool(text[newline:].strip())
    return (newline + 1 if has_body else 0), has_body


def rule_spans(text: str) -> list[tuple[str, int, int]]:
    """The demands the rules find in ``text`` as ``(kind, start, end)`` (the module's rules)."""
    body_start, has_body = _body_start(text)
    spans = _spans(text, body_start, len(text))
    if not spans and has_body:
        spans = _title_demand(text, body_start - 1)
    return [(s.kind, s.start, s.end) for s in spans]


def as_demands(text: str, spans: list[tuple[str, int, int]]) -> list[Demand]:
    """``(kind, start, end)`` spans of ``text`` as demands: trailing commas and blanks trimmed,
    the background since the previous demand as each one's context."""
    demands = []
    previous_end = _body_start(text)[0]
    for kind, start, span_end in spans:
        end = span_end
        while end > start and text[end - 1] in "，,：: \t\n":
            end -= 1
        context = text[previous_end:start].strip() if start >= previous_end else ""
        demands.append(Demand(kind, start, end, text[start:end], context))
        previous_end = max(previous_end, span_end)
    return demands


def rule_demands(text: str) -> list[Demand]:
    """The demands of ``text`` by the rules alone (what :func:`split_demands` falls back to
    when the learned splitter's model file is absent)."""
    if not text.strip():
        return []
    return as_demands(text, rule_spans(text))


def split_demands(text: str) -> list[Demand]:
    """The demands of a message's text (``title.strip() + "\\n" + body.strip()``, or any
    text), each with its kind and its span in ``text``, and the background before it as its
    context (for matching a reply to it). A message may hold no demand (pure thanks).

    The learned splitter (:mod:`massline.analysis.replies.splitter`, a CRF over clauses
    trained on the hand labels) decides when its model file is shipped; the rules otherwise."""
    from massline.analysis.replies.splitter import default_splitter

    if not text.strip():
        return []
    return list(_split(text, default_splitter()))


@lru_cache(maxsize=512)
def _split(text: str, splitter: DemandSplitter | None) -> tuple[Demand, ...]:
    """The demands of ``text``, cached (the live review splits the same message at every keystroke)."""
    return tuple(splitter.split(text) if splitter is not None else rule_demands(text))
