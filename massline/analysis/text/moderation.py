"""Checks a moderator sees before a message is published: abuse, threats, private names, personal data.

Pure functions of a message's text; each finding says what was found, where
(``title`` or ``body``) and the words that fired, so the moderator can judge
it. They flag, they never decide: the moderator publishes, edits or withholds.
The word lists are data files in ``moderation_words/`` (general Chinese, one
entry a line, ``#`` comments), read once.

=========== ===================================================================
kind        what is found
=========== ===================================================================
``abuse``   an insult from ``abuse.txt`` (傻逼, 狗官, 王八蛋 ...); words that are
            mostly about things in citizens' messages (垃圾, 废物) are not listed
``threat``  a threat to others or to oneself from ``threats.txt`` (弄死你,
            报复社会, 同归于尽, 跳楼 ...): the phrase, not a bare verb (杀虫)
``name``    a private person's full name: a word for a private person from
            ``relations.txt`` (邻居, 房东, 楼上住户 ...), then a surname from
            ``surnames.txt`` and one or two more characters (邻居王建国). Kept
            conservative: a surname followed by an official title from
            ``titles.txt`` (王局长), a form of address (张师傅, 李阿姨) or 某
            (王某) is not a name; names without such a word before them are not
            looked for (the officials a citizen names by title are public)
``pii``     personal data found by ``pii.find_pii`` — the platform's one finder,
            the one ``redact`` masks on every public page (phone, ID card, bank
            card, e-mail, plate, WeChat, QQ); the finding shows the masked form
``address`` an address down to the door (3栋2单元1102室, 12弄5号): ``redact``
            does not mask these, so the moderator edits them out when needed
=========== ===================================================================

Exceptions (``exceptions.txt``) are fixed phrases that contain a listed word
without its meaning (跳楼价): a word inside one of them does not count.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from massline.analysis.text.pii import find_pii, masked

__all__ = ["FINDING_LABELS", "Finding", "review_findings"]

WORDS_DIR = Path(__file__).with_name("moderation_words")
FINDING_LABELS = {
    "abuse": "辱骂",
    "threat": "威胁",
    "name": "私人姓名",
    "pii": "个人信息",
    "address": "门牌地址",
}
PII_LABELS = {
    "phone": "手机号",
    "landline": "固定电话",
    "id_card": "身份证号",
    "bank_card": "银行卡号",
    "email": "电子邮箱",
    "plate": "车牌号",
    "wechat": "微信号",
    "qq": "QQ号",
}
#: characters that end a name rather than belong to it (function words, time words, verbs of the sentence)
_NOT_NAME = set(
    "的地得了着过在是有没不也都就还又再总说和跟与对把被给让从向往到"
    "经常每天家里那这个们等啊呀吧呢吗一半晚早多很太最"
)
#: forms of address after a surname: a person called so is not named (张师傅, 王某)
_ADDRESS_FORMS = ("某", "师傅", "大爷", "大妈", "大姐", "大哥", "阿姨", "先生", "女士", "老师", "姓", "叔", "婶")
_ADDRESS = re.compile(
    r"(?:\d+|[一二三四五六七八九十]+)(?:栋|幢|座|号楼)(?:\d+单元)?\d+(?:室|号|户)"
    r"|\d+单元\d+(?:室|号|户)"
    r"|\d+弄\d+号(?:\d+室)?"
)


@dataclass(frozen=True)
class Finding:
    """One thing a moderator should look at: its kind, what fired, and in which field."""

    kind: str
    field: str
    text: str
    detail: str = ""

    @property
    def label(self) -> str:
        """The kind in Chinese (``FINDING_LABELS``), with the detail when there is one (个人信息：手机号)."""
        base = FINDING_LABELS.get(self.kind, self.kind)
        return f"{base}：{self.detail}" if self.detail else base

    def as_json(self) -> dict[str, Any]:
        """The finding as stored (a JSON object)."""
        return asdict(self)


def _read(name: str) -> list[str]:
    words: list[str] = []
    for line in (WORDS_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.extend(line.split())
    return words


@cache
def _lists() -> dict[str, Any]:
    """The word lists, read once; the longest entries first so that 他妈的 wins over a shorter word."""
    surnames = frozenset(_read("surnames.txt"))
    return {
        "abuse": _longest_first(_read("abuse.txt")),
        "threat": _longest_first(_read("threats.txt")),
        "relations": _longest_first(_read("relations.txt")),
        "surnames": surnames,
        "surname_lengths": sorted({len(name) for name in surnames}, reverse=True),
        "titles": tuple(_read("titles.txt")),
        "exceptions": tuple(_read("exceptions.txt")),
    }


def _longest_first(words: list[str]) -> list[str]:
    """The distinct ``words``, the longest first, then in the order of the characters (the same every run)."""
    return sorted(set(words), key=lambda word: (-len(word), word))


def _excepted(text: str, start: int, end: int, exceptions: tuple[str, ...]) -> bool:
    """True when text[start:end] lies inside one of the fixed phrases of ``exceptions``."""
    for phrase in exceptions:
        for m in re.finditer(re.escape(phrase), text):
            if m.start() <= start and end <= m.end():
                return True
    return False


def _word_hits(text: str, words: list[str], exceptions: tuple[str, ...]) -> list[str]:
    """The listed words found in ``text``, longest first, not overlapping, not inside an exception."""
    taken: list[tuple[int, int]] = []
    hits: list[str] = []
    lowered = text.lower()
    for word in words:
        low = word.lower()
        if low not in lowered:  # (most words are in no text: a substring test before the pattern)
            continue
        for m in re.finditer(re.escape(low), lowered):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _excepted(text, m.start(), m.end(), exceptions):
                continue
            taken.append((m.start(), m.end()))
            if word not in hits:
                hits.append(word)
    return hits


def _name_after(
    text: str, pos: int, surnames: frozenset[str], lengths: list[int], titles: tuple[str, ...]
) -> str | None:
    """The full name starting at ``pos`` (the longest surname of ``surnames`` there, of one of ``lengths``, then
    one or two characters), or None."""
    surname = next((text[pos : pos + n] for n in lengths if text[pos : pos + n] in surnames), None)
    if surname is None:
        return None
    rest = text[pos + len(surname) :]
    if not rest or rest.startswith(_ADDRESS_FORMS) or rest.startswith(titles):
        return None
    given = ""
    for ch in rest[:2]:
        if not ("\u4e00" <= ch <= "\u9fff") or ch in _NOT_NAME:
            break
        given += ch
        if rest[len(given) :].startswith(titles):
            return None  # 王建局长: a title follows, an official
    return surname + given if given else None


def private_names(text: str) -> list[str]:
    """Full names of private persons in ``text``: a name right after a word for a private person."""
    lists = _lists()
    found: list[str] = []
    for relation in lists["relations"]:
        if relation not in text:
            continue
        for m in re.finditer(re.escape(relation), text):
            pos = m.end()
            for filler in ("住户", "的", "家的", "姓"):
                if text.startswith(filler, pos):
                    pos += len(filler)
                    break
            name = _name_after(text, pos, lists["surnames"], lists["surname_lengths"], lists["titles"])
            if name is not None and name not in found:
                found.append(name)
    return found


def _field_findings(field: str, text: str) -> list[Finding]:
    lists = _lists()
    out = [Finding("threat", field, w) for w in _word_hits(text, lists["threat"], lists["exceptions"])]
    out += [Finding("abuse", field, w) for w in _word_hits(text, lists["abuse"], lists["exceptions"])]
    out += [Finding("name", field, name) for name in private_names(text)]
    out += [Finding("pii", field, masked(span), PII_LABELS.get(span.kind, span.kind)) for span in find_pii(text)]
    out += [Finding("address", field, m.group()) for m in _ADDRESS.finditer(text)]
    return out


def review_findings(title: str, body: str) -> list[Finding]:
    """What a moderator should look at in a message: threats, abuse, private names, personal data, addresses."""
    return _field_findings("title", title) + _field_findings("body", body)
