"""An issue as a reader would describe it: what its messages share, not one writer's words.

* ``consensus_problem``: among the members' titles with the place cut off, the one the
  others agree with most (shared character pairs), never a fragment (``和交汇处建…``,
  ``…南延至``) when a whole one exists;
* ``shared_request``: what people ask for — the request (``恳请将搅拌站搬离居民区``) most
  members' requests agree with, left out when it is only a formula (``请尽快处理``);
* ``compose_summary``: ``自2019年11月起，14位群众反映…；多人要求…。`` in clean Chinese with
  full-width punctuation (``full_width``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from massline.analysis.text import normalize, split_sentences

__all__ = ["compose_summary", "consensus_problem", "full_width", "is_fragment", "shared_request"]

_HALF_TO_FULL = str.maketrans({",": "，", "?": "？", "!": "！", ":": "：", ";": "；", "(": "（", ")": "）"})
_QUOTES = re.compile(r'"([^"]*)"')
_FRAGMENT_START = tuple("和与及至到将对在于的及并而")
_FRAGMENT_END = tuple("和与及至到将对在于的向从被把")
# A problem stated, not only named: a judgement, a negation, a question, a demand or an action.
_STATES = re.compile(
    r"太|不|未|没|无|难|差|乱|严重|影响|扰民|污染|噪音|油烟|拖欠|违规|违法|违章|非法|隐患|安全|反对|要求|建议|希望|"
    r"何时|什么时候|能否|是否|为何|为什么|怎么|如何|多久|谁|问题|疑问|堵|漏|坏|停|拆|改造|延|退|欠|涨|骗|侵|跑路|造假"
)
# A request the writer makes: its cue opens a clause, alone or after the writer (我们希望…), so
# that 开发商要求职工购买车位 (someone else's demand) is no request of the citizens.
_NAMED_ONLY = re.compile(r"的?(?:建议|意见|请求|投诉|诉求)$")
_REQUEST = re.compile(
    r"(?:^|[，。！？；：,.!?;:\s])(?:我们|我|本人|业主们|大家|广大业主|广大市民|市民|居民)?"
    r"(?:强烈要求|强烈建议|恳请|恳求|请求|要求|希望|呼吁|建议|请(?!问|示))"
)
_ADDRESSEE = re.compile(
    r"^(?:[\u4e00-\u9fffA-Z0-9]{0,6}?(?:政府|领导|部门)(?=能|尽快|早日|及时|立即|给予|予以|重视|关注|谨慎|帮|为|对|进行)|贵单位|相关部门|有关部门|相关领导|有关领导|政府部门|政府|领导|市长|书记|局长|您|你们|各位|上级|部门|"
    r"能够|能|可以|给予|予以|进行|尽快|早日|及时|立即|马上|认真|帮助|帮忙|协调|督促|对此|此事|[，、\s])+"
)
_FORMULA = re.compile(
    r"相关部门|有关部门|领导|政府|尽快|及时|早日|认真|重视|关注|处理|解决|调查|核实|回复|答复|落实|帮助|"
    r"协调|督促|查处|彻查|给予|予以|进行|一下|此事|问题|我们|群众|百姓|居民|业主|做主|严肃|感谢|谢谢|"
    r"[，、。！？\s的了吧啊呀为]"
)


def full_width(text: str) -> str:
    """``text`` with Chinese punctuation: ``,?!:;()`` full-width, straight quotes as ``“…”``, no
    separator left at either end.

    >>> full_width('杨美公园建电站,合理吗?')
    '杨美公园建电站，合理吗？'
    """
    text = _QUOTES.sub(r"“\1”", text.translate(_HALF_TO_FULL))
    return text.strip("，、；： \t")


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _agreement(candidate: str, others: Sequence[set[str]]) -> float:
    """How much the other texts share ``candidate``'s character pairs, on average."""
    own = _pairs(candidate)
    if not own or not others:
        return 0.0
    return sum(len(own & o) / len(own) for o in others) / len(others)


def is_fragment(text: str) -> bool:
    """Whether ``text`` starts or ends with a word that needs its neighbour (``和…``, ``…南延至``)."""
    return text.startswith(_FRAGMENT_START) or text.endswith(_FRAGMENT_END)


def consensus_problem(candidates: Sequence[str]) -> str:
    """The candidate problem (titles without their place, most central first) the others agree
    with most; fragments, titles shorter than 6 or longer than 32 characters and titles that
    state no problem (only name something: ``绿地海外滩二期与长赣高铁``) only when nothing else is left.

    >>> consensus_problem(["和东六路交汇处建地下通道", "交汇处无高杆灯", "交汇处绿灯通行时间太短",
    ...                    "交汇处红绿灯时间太短"])
    '交汇处红绿灯时间太短'
    """
    if not candidates:
        return ""
    pairs = [_pairs(c) for c in candidates]

    def score(i: int) -> tuple[int, int, float]:
        text = candidates[i]
        good = 6 <= len(text) <= 32 and not is_fragment(text)
        others = pairs[:i] + pairs[i + 1 :]
        states = _STATES.search(_NAMED_ONLY.sub("", text))  # 高压线的建议 names a suggestion, states none
        return (int(good), int(bool(states)), _agreement(text, others) - 0.01 * i)

    best = max(range(len(candidates)), key=score)
    return full_width(candidates[best])


def _request_of(sentence: str) -> str:
    """The request a sentence makes, after its cue and addressee (``恳请相关部门将搅拌站搬离`` →
    ``将搅拌站搬离``), cut at the end of its clause; ``""`` when it asks nothing."""
    cue = _REQUEST.search(sentence)
    if not cue:
        return ""
    rest = _ADDRESSEE.sub("", sentence[cue.end() :])
    rest = re.sub(r"^(?:要求|希望|请求|建议)", "", rest)  # 希望要求其整改
    if rest.startswith(("市民", "广大市民", "群众", "其", "他们", "您")):
        return ""  # 请市民给予理解: an office's notice quoted, not the writer's request
    return re.split(r"[，。！？；,!?;]", rest, maxsplit=1)[0].strip()


@lru_cache(maxsize=4096)
def _first_request(text: str) -> str:
    """The first request with some content of its own that ``text`` makes (``""``: none); kept for the
    last 4,096 texts (an issue is described again with mostly the same members)."""
    for sentence in split_sentences(normalize(text)):
        request = _request_of(sentence)
        if 4 <= len(request) <= 30 and len(_FORMULA.sub("", request)) >= 3:
            return request
    return ""


def shared_request(texts: Sequence[str], min_share: int = 2) -> str:
    """What people ask for in ``texts`` (title and body of each member): the request that
    another request agrees with most (shared character pairs, at least 30 %), when at least
    ``min_share`` texts ask something with some content of its own (not only ``尽快处理``);
    ``""`` otherwise.

    >>> shared_request(["恳请将搅拌站搬离居民区。", "希望相关部门将搅拌站搬走，还我们安静", "请尽快处理"])
    '将搅拌站搬走'
    """
    if len(texts) < min_share:
        return ""  # (fewer texts than requests needed: none is read)
    requests = [r for r in map(_first_request, texts) if r]
    if len(requests) < min_share:
        return ""
    pairs = [_pairs(r) for r in requests]
    agree = [max(len(own & o) / len(own) for j, o in enumerate(pairs) if j != i) for i, own in enumerate(pairs)]
    best = max(range(len(requests)), key=lambda i: (agree[i], -i))
    if agree[best] < 0.3:
        return ""  # nobody else asks the same: one writer's wish is not what people ask for
    return full_width(requests[best])


def compose_summary(what: str, first: datetime | None, people: int, request: str, group: str = "群众") -> str:
    """One sentence a reader would write: since when, how many people (``group``: who they are,
    when the issue is a group's rather than a place's), where and what (``what``: the place and the
    problem), what they ask for.

    >>> compose_summary("丽发新城小区附近搅拌站噪音污染严重", datetime(2019, 11, 2), 14, "将搅拌站搬离居民区")
    '自2019年11月起，14位群众反映丽发新城小区附近搅拌站噪音污染严重；群众要求将搅拌站搬离居民区。'
    """
    since = f"自{first.year}年{first.month}月起，" if first else ""
    who = f"{people}位{group}" if people > 1 else group
    what = full_width(what).rstrip("。")
    joint = "" if what.endswith(("？", "！")) else "；"
    asked = f"{joint}{'他们' if group != '群众' else '群众'}要求{request.rstrip('。')}" if request else ""
    return f"{since}{who}反映{what}{asked}。"
