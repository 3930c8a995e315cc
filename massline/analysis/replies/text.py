"""The text units the reply analysis works on: sentences and clauses with their spans,
content bigrams (two-character words without the function words every message and
reply share), the boilerplate sentences of a reply (greetings, thanks, the date line)
and the place names a text mentions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import add
from typing import NamedTuple

#: A sentence ends at 。！？；, a line break or an ellipsis; its closing marks stay with it.
_SENTENCE = re.compile(r"[^。！？!?；;\n…]+?(?:如下[:：]|[。！？!?；;…]+[”’」』）)]?|(?=\n)|$)")
#: A clause ends at a comma or colon as well.
_CLAUSE = re.compile(r"[^。！？!?；;\n…，,：:]+[。！？!?；;…，,：:]*[”’」』）)]?")
_HAN_OR_DIGIT = re.compile(r"[\u4e00-\u9fff]{2,}|[A-Za-z0-9]+")

#: Two-character words too common in messages and replies to tell one matter from another.
STOP_BIGRAMS = frozenset(
    """我们 你们 他们 您的 你的 我的 的问题 问题 情况 有关 相关 关于 反映 留言 网友 您好 你好 领导 尊敬 谢谢 感谢
    希望 请问 是否 能否 可否 什么 怎么 为什么 如何 这个 那个 这些 那些 一个 没有 已经 现在 目前 进行 工作 部门
    政府 单位 我局 本局 我委 我办 您反映 收悉 答复 回复 如下 以下 现将 支持 关心 监督 理解 尽快 及时 处理 解决
    可以 不能 需要 要求 请求 恳请 建议 予以 给予 得到 重视 高度 积极 认真 进一步 加强 做好 联系 咨询 同志 市民
    群众 居民 老百姓 百姓 业主 大家 自己 今天 时间 期间 以来 之后 之前 以后 以前 还是 但是 因为 所以 而且 并且
    如果 虽然 只是 就是 不是 还有 还要 一直 非常 十分 特别 严重 问题的 平台 栏目 书记 市长 县长 局长 主任""".split()
)

_BOILERPLATE = re.compile(
    r"^(?:网友|尊敬的|亲爱的|市民|您好|你好|UU\d|“?UU|[A-Za-z]\d{5,})|已收悉|收悉|感谢您|谢谢您|感谢你|谢谢你|"
    r"特此(?:回复|答复|函复)|^此复|^(?:二〇|20)\S{2,4}年\S{1,3}月\S{1,3}日[。.]?$|欢迎.*(?:监督|关注)|"
    r"祝您|顺祝|^(?:现将|现就).{0,40}(?:答复|回复)如下|答复如下[:：]?$|回复如下[:：]?$|详见"
)
_DATE_LINE = re.compile(r"^\s*(?:\d{4}|二[〇零]\S{2})年\S{1,3}月\S{1,3}日\s*[。.]?\s*$")

#: A place a text names: a run of Chinese characters ending in a place word.
_PLACE = re.compile(
    r"(?P<name>[^\s\W的在了是和与及已从到给对把被我你他她这那有个一为将向于另]{1,8}?)(?P<suffix>(?=[小社街大广花家公新中学医市水镇乡村路巷区县苑园城组])(?:小区|社区|街道|大道|广场|花园|家园|"
    r"公寓|新村|中学|小学|学校|医院|公司|市场|公园|水库|镇|乡|村|(?<![线思出门网套电])路(?![灯费过上])|街|巷|区|县|市|苑|园|城|组))"
)


class Unit(NamedTuple):
    """A sentence or clause: its span in the text and its stripped text (a named tuple: made
    for every sentence and clause of every text, so it must be cheap)."""

    start: int
    end: int
    text: str


def _units(pattern: re.Pattern[str], text: str) -> list[Unit]:
    units = []
    for m in pattern.finditer(text):
        raw = m.group()
        if not raw.strip():
            continue
        lead = len(raw) - len(raw.lstrip())
        start, end = m.start() + lead, m.start() + len(raw.rstrip())
        units.append(Unit(start, end, text[start:end]))
    return units


def sentences(text: str) -> list[Unit]:
    """The sentences of ``text`` with their spans (blank ones left out, outer blanks trimmed)."""
    return _units(_SENTENCE, text)


def clauses(text: str) -> list[Unit]:
    """The clauses of ``text`` (split at commas and colons too) with their spans."""
    return _units(_CLAUSE, text)


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """The content bigrams of ``text``: overlapping pairs of Chinese characters, and Latin
    or digit runs whole, without :data:`STOP_BIGRAMS` (cached: texts recur within a review)."""
    grams: set[str] = set()
    for run in _HAN_OR_DIGIT.findall(text):
        if run.isascii():
            grams.add(run)
            continue
        grams.update(map(add, run, run[1:]))
    return frozenset(grams - STOP_BIGRAMS)


@lru_cache(maxsize=4096)
def is_boilerplate(sentence: str) -> bool:
    """True for a reply's greeting, thanks, "as follows" or date line: nothing of substance."""
    s = sentence.strip()
    if _DATE_LINE.match(s):
        return True
    return bool(_BOILERPLATE.search(s)) and len(bigrams(_BOILERPLATE.sub("", s))) < 6


def places(text: str) -> set[str]:
    """The places ``text`` names, each as its core: the place word (小区, 路, 村, 县 ...) and
    the two characters before it ("白石港社区" → "石港社区", "往返D1区" → "D1区"), which
    is what a reply naming the same place repeats."""
    return {
        m["name"][-2:] + m["suffix"]
        for m in _PLACE.finditer(text)
        if len(m["name"]) >= 2 or (m["name"].isascii() and m["name"].isalnum())
    }


def quote(text: str, limit: int = 40) -> str:
    """``text`` shortened for quoting in a finding: its first ``limit`` characters and an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
