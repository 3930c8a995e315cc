"""Personal data in message text: find it, redact it, mask names.

This is the platform's single PII implementation; every public page and export
redacts through :func:`redact`.  Kinds found:

============  ==========================================  =====================
kind          what matches                                mask
============  ==========================================  =====================
``phone``     mainland mobile ``1[3-9]`` + 9 digits,        ``138****5678``
              optional ``+86``/``0086``/``86``/``(+86)``
``landline``  ``0`` + area code (010, 02x, 0xxx) + 7–8       ``0731-****78``
              digit local number not starting 0/1,
              optional ``()``, ``-ext``/``转``
``id_card``   18-character resident ID: region, a real      ``430***********1234``
              birth date 1900–2099, sequence, check digit
              (``X``/``x``); 15-digit old IDs only after
              身份证
``bank_card`` 16–19 digits passing the Luhn check, or       ``****1234``
              failing it but preceded by 卡号/银行卡/账号
              within 8 chars
``email``     ``local@domain.tld``                          ``a***@example.com``
``plate``     province abbreviation + letter + 5 (or 6      ``湘A·***45``
              new-energy) characters with ≥3 digits
``wechat``    an account name after 微信/WeChat/vx/wx        ``微信：w****``
``qq``        5–12 digits after QQ/扣扣                      ``QQ：1****``
============  ==========================================  =====================

Numbers are found however they are written: between any two of their digits
may stand one separator (space, ``-``, ``.``, ``/``, ``_``, ``·``, ``~``, ``,``,
``，``, ``、``, ``。``, the dashes ``‐–—―−ー``), with a space on either side
(``138.1234.5678``, ``138 - 1234 - 5678``, ``110101 19900307 4578``,
``0731-8888 6666``); full-width digits and letters are folded
(``１３８``, ``＠``); invisible characters (``clean.INVISIBLE``: zero-width
spaces and joiners, BOM, soft hyphens, controls) are ignored, so
``138\u200b1234\u200b5678`` is a phone number. Offsets still refer to the
original text. Not found: numbers written in Chinese numerals
(``一三八…``) or spelled out, and account names without their label.

Decision on ID checksums: an 18-character number with a valid region digit and
a real birth date is redacted **even when its check digit is wrong** — citizens
mistype their own IDs, and showing a near-correct ID is worse than masking a
random number.  The checksum is used only to prefer ``id_card`` over
``bank_card`` when an 18-digit number passes Luhn: Luhn-valid and
checksum-invalid is reported as ``bank_card``; both are redacted either way.

Guarded false positives: dates (``20190425``, ``2019-04-25``), money
(``18.5万``, ``1200000元``), house numbers (``3栋2单元1102室``), years and
order numbers shorter than the patterns do not match; unseparated digit runs
are only matched whole (a phone number inside a longer digit string is not a
phone). Allowing separators costs a few false positives, all of them masked
rather than shown: eleven digits in a list of small numbers (``13.5 12.0
34.5 67``) read as a phone number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from massline.analysis.text.clean import INVISIBLE, clean_text

__all__ = ["PiiSpan", "find_pii", "mask_name", "masked", "redact", "remove_pii"]


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: ``text == original[start:end]``."""

    kind: str
    start: int
    end: int
    text: str


# Every character whose NFKC form is one ASCII character (full-width ``１Ａ＠``,
# superscript ``¹``, circled ``①``, mathematical ``𝟏``, the many spaces) is read as
# that character, so that redaction sees what NFKC-based search terms see; one
# character for one, so match offsets are original offsets.
def _ascii_fold() -> dict[int, int]:
    table: dict[int, int] = {}
    for block in ((0x80, 0x3400), (0xA000, 0xAC00), (0xF900, 0x10000), (0x1D400, 0x1D800), (0x1F100, 0x1F200)):
        for cp in range(*block):
            folded = unicodedata.normalize("NFKC", chr(cp))
            if len(folded) == 1 and folded.isascii() and ord(folded) != cp:
                table[cp] = ord(folded)
    return table


_FOLD = _ascii_fold()
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
# What may stand between the digits of one number: one separator, maybe with a
# space on either side (``138.1234.5678``, ``138 - 1234 - 5678``, ``138—1234—5678``).
_SEPS = r" \t\-./\\_·•~,，、。\u2010-\u2015\u2212\u30fc"
_S = rf"(?:[ \t]?[{_SEPS}][ \t]?)?"
_SEP_CHARS = re.compile(rf"[{_SEPS}]")

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# 18 characters, any of them separated; region, birth date and check digit are checked in code
_ID18 = re.compile(rf"(?<!\d)[1-9](?:{_S}\d){{16}}{_S}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<!\d)[1-9]\d{5}(\d{2})(\d{2})(\d{2})\d{3}(?!\d)")
_ID15_CONTEXT = re.compile(r"身份证[号码]*[:：\s是为]*$")
_CARD = re.compile(rf"(?<![\d-])\d(?:{_S}\d){{15,18}}(?!\d)")
_CARD_CONTEXT = re.compile(r"(?:卡号|银行卡|账号|帐号|卡)")
_PHONE = re.compile(rf"(?<![\d+])(?:\(?(?:\+|00)?86\)?{_S})?1{_S}[3-9](?:{_S}\d){{9}}(?!\d)")
_AREA = r"0(?:10|2\d|[3-9]\d{2})"
_LANDLINE = re.compile(
    rf"(?<![\d])(?:\(({_AREA})\)\s?|({_AREA}){_S})"
    rf"([2-9](?:{_S}\d){{6,7}})(?:[ \t]?(?:-|转|ext\.?)[ \t]?\d{{1,4}})?(?!\d)"
)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"([{_PROVINCES}])([A-HJ-NP-Za-hj-np-z])[·•.\- ]?"
    r"([A-HJ-NP-Za-hj-np-z0-9]{5,6}|[A-HJ-NP-Za-hj-np-z0-9]{4}[挂学警港澳])(?![A-Za-z0-9])"
)
# Account names only after their label: 微信/WeChat/vx/wx, QQ/扣扣.
_LABEL_END = r"[ \t]*(?:号码?|账号|帐号|id|ID)?[ \t]*[:：是为]?[ \t]*"
_WECHAT = re.compile(
    rf"(?:微信|薇信|威信|(?<![A-Za-z])(?:wechat|weixin|vx|wx|v信)){_LABEL_END}([A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])",
    re.IGNORECASE,
)
_QQ = re.compile(rf"(?:(?<![A-Za-z])qq|扣扣){_LABEL_END}([1-9](?:{_S}\d){{4,11}})(?!\d)", re.IGNORECASE)

# Necessary conditions, tested before the patterns they stand for (most texts meet none: a board page's
# redaction 85 -> 44 µs a text): every number pattern holds five digits or more, each separated from the
# next by at most one separator (``_S``); a plate and a WeChat ID hold a Latin letter; an e-mail address an @.
_FIVE_DIGITS = re.compile(rf"\d(?:{_S}\d){{4}}")
_LATIN = re.compile("[A-Za-z]", re.IGNORECASE)  # as the WeChat pattern reads them: with İ ı ſ K

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    """True when an 18-character ID's last character is its GB 11643 check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    """True when a digit string passes the Luhn check used by bank cards."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _matching_form(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded and without invisible characters, and where each of its characters
    came from (None: nothing was removed, offsets are the same)."""
    folded = text.translate(_FOLD)
    if _INVISIBLE.search(folded) is None:
        return folded, None
    parts: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _INVISIBLE.finditer(folded):
        parts.append(folded[pos : m.start()])
        origin.extend(range(pos, m.start()))
        pos = m.end()
    parts.append(folded[pos:])
    origin.extend(range(pos, len(folded)))
    return "".join(parts), origin


def _compact(number: str) -> str:
    return _SEP_CHARS.sub("", number)


def _id18_kind(number: str) -> str | None:
    """``id_card`` for an 18-character ID with a real birth date; ``bank_card`` for a Luhn-valid
    number with a wrong ID check digit; None for anything else."""
    if not number[:2].isdigit() or number[6:8] not in ("19", "20"):
        return None
    if not _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return None
    if not id_checksum_ok(number) and number[-1].isdigit() and luhn_ok(number):
        return "bank_card"  # a Luhn-valid 18-digit number that is not a valid ID: a card
    return "id_card"


def _find(folded: str) -> list[tuple[str, int, int]]:
    found: list[tuple[str, int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if not any(s < end and start < e for _, s, e in found):
            found.append((kind, start, end))

    numbers, latin = _FIVE_DIGITS.search(folded) is not None, _LATIN.search(folded) is not None
    for m in _EMAIL.finditer(folded) if "@" in folded else ():
        add("email", m.start(), m.end())
    if numbers:
        _find_numbers(folded, add)
    for m in _PLATE.finditer(folded) if latin else ():
        if sum(ch.isdigit() for ch in m.group(3)) >= 3:
            add("plate", m.start(), m.end())
    for pattern, kind, needed in ((_WECHAT, "wechat", latin), (_QQ, "qq", numbers)):
        for m in pattern.finditer(folded) if needed else ():
            add(kind, m.start(1), m.end(1))
    return found


def _find_numbers(folded: str, add: Callable[[str, int, int], None]) -> None:
    """The ID, card and phone numbers of ``folded``, in the order of their kinds (earlier kinds win overlaps)."""
    for m in _ID18.finditer(folded):
        if (kind := _id18_kind(_compact(m.group()))) is not None:
            add(kind, m.start(), m.end())
    for m in _ID15.finditer(folded):
        if _ID15_CONTEXT.search(folded[max(0, m.start() - 12) : m.start()]) and _real_date(
            1900 + int(m.group(1)), int(m.group(2)), int(m.group(3))
        ):
            add("id_card", m.start(), m.end())
    for m in _CARD.finditer(folded):
        digits = re.sub(r"\D", "", m.group())
        context = _CARD_CONTEXT.search(folded[max(0, m.start() - 8) : m.start()])
        if luhn_ok(digits) or context:
            add("bank_card", m.start(), m.end())
    for pattern, kind in ((_PHONE, "phone"), (_LANDLINE, "landline")):
        for m in pattern.finditer(folded):
            add(kind, m.start(), m.end())


def find_pii(text: str) -> list[PiiSpan]:
    """Return the personal data in ``text``, sorted by position, non-overlapping.

    Matching is on the folded text without invisible characters (a zero-width
    space inside a number does not hide it); spans are offsets in ``text``.
    Earlier kinds win an overlap in this order: email, id_card, bank_card,
    phone, landline, plate, wechat, qq.
    """
    folded, origin = _matching_form(text)
    spans = []
    for kind, start, end in _find(folded):
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        spans.append(PiiSpan(kind, start, end, text[start:end]))
    spans.sort(key=lambda s: s.start)
    return spans


def _mask(span: PiiSpan) -> str:
    raw = _INVISIBLE.sub("", span.text.translate(_FOLD))
    digits = re.sub(r"\D", "", raw)
    if span.kind == "phone":
        national = digits[-11:]
        return f"{national[:3]}****{national[-4:]}"
    if span.kind == "landline":
        m = _LANDLINE.match(raw)
        area = (m.group(1) or m.group(2)) if m else digits[:4]
        local = re.sub(r"\D", "", m.group(3)) if m else digits
        return f"{area}-****{local[-2:]}"
    if span.kind == "id_card":
        compact = re.sub(r"[^0-9Xx]", "", raw)
        return f"{compact[:3]}{'*' * (len(compact) - 7)}{compact[-4:]}"
    if span.kind == "bank_card":
        return f"****{digits[-4:]}"
    if span.kind == "email":
        local, _, domain = raw.partition("@")
        return f"{local[0]}***@{domain}"
    if span.kind == "plate":
        compact = re.sub(r"[·•.\- ]", "", raw)
        return f"{compact[:2]}·***{compact[-2:]}"
    if span.kind in ("wechat", "qq"):
        return f"{raw[0]}****"
    return "*" * len(raw)


def masked(span: PiiSpan) -> str:
    """The masked hint ``redact`` puts in place of ``span`` (``138****5678``)."""
    return _mask(span)


def redact(text: str) -> str:
    """Return ``text`` cleaned (``clean.clean_text``) with every :func:`find_pii` span replaced
    by its masked hint."""
    text = clean_text(text)
    out: list[str] = []
    pos = 0
    for span in find_pii(text):
        out.append(text[pos : span.start])
        out.append(_mask(span))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def remove_pii(text: str) -> str:
    """``text`` with every :func:`find_pii` span replaced by a space (for search queries)."""
    out: list[str] = []
    pos = 0
    for span in find_pii(text):
        out.append(text[pos : span.start])
        out.append(" ")
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


_CJK_NAME = re.compile(r"^[\u3400-\u9fff·•]+$")


def mask_name(name: str) -> str:
    """Mask a person's name or user id for public display.

    Chinese names keep the first character, and the last one when the name has
    three or more characters: ``张三 -> 张*``, ``李小明 -> 李*明``,
    ``欧阳娜娜 -> 欧**娜``.  Other names and account ids keep about a third of the
    start and the last two characters, with a fixed ``****`` so the length is
    not revealed: ``A00074011 -> A00****11``; short ones keep the first
    character: ``Tom -> T*m``, ``Li -> L*``.
    """
    name = name.strip()
    n = len(name)
    if n == 0:
        return ""
    if n == 1:
        return "*"
    if n == 2:
        return name[0] + "*"
    if _CJK_NAME.match(name) or n <= 6:
        return name[0] + "*" * (n - 2) + name[-1]
    return f"{name[: n // 3]}****{name[-2:]}"
