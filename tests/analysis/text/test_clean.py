"""The one cleaning of incoming text: what it removes, what it keeps."""

from __future__ import annotations

import pytest

from massline.analysis.text import clean_text, fold, has_visible_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("标题\x00", "标题"),  # NUL: PostgreSQL refuses it
        ("a\x01b\x1fc\x7fd\x85e", "abcde"),  # C0, DEL, C1 controls
        ("lone \ud800 surrogate \udfff", "lone  surrogate "),  # not Unicode, cannot be encoded
        ("138\u200b1234\u200c5678\u200d", "13812345678"),  # zero-width
        ("\ufeff\u2060标题\u00ad", "标题"),  # BOM, word joiner, soft hyphen
        ("\u202e\u2066反向\u2069\u202c", "反向"),  # direction overrides and isolates
        ("\u3164\u115f\uffa0\u2800", ""),  # Hangul fillers, blank braille
        ("\U000e0041tag", "tag"),  # tag characters
        ("e\u0301", "\u00e9"),  # NFC
    ],
)
def test_clean_text_removes_what_is_invisible_or_unstorable(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean
    clean_text(raw).encode("utf-8")  # always storable


@pytest.mark.parametrize(
    "text",
    [
        "小区噪音扰民\r\n第二行\t制表",  # line breaks and tabs are the citizen's
        "ＡＢＣ１２３，（全角）",  # full-width forms are kept when stored
        "①号楼 3㎡",
        "  前后空格  ",
        "emoji 👍 ❤️",
        "",
    ],
)
def test_clean_text_keeps_the_citizens_wording(text: str) -> None:
    assert clean_text(text) == text


def test_fold_is_the_matching_form() -> None:
    assert fold("ＡＢＣ１３８\u200b１２３４") == "ABC1381234"


def test_visible_text() -> None:
    assert has_visible_text("标题") and has_visible_text("？") and has_visible_text("1")
    for blank in ("", "   ", "\u200b\u200b", "\u3000\ufeff", "\u3164", "\u2800", "\x00"):
        assert not has_visible_text(blank)


def test_nfkc_is_unicodedatas_nfkc() -> None:
    import json
    import unicodedata
    from pathlib import Path

    from massline.analysis.text import nfkc

    # every character NFKC changes alone and between letters, with a combining mark after it (A + U+0301
    # composes into one character when the full-width A is made ASCII first), and messages' texts
    changed = [
        chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and unicodedata.normalize("NFKC", chr(c)) != chr(c)
    ]
    texts = ["", "abc", "Ａ\u0301", "\u00a0\u0301", "ｅ\u0301\u0327，　…", "\ud800ａ", "①㎡\u00a0"]
    texts += [f"甲{c}乙" for c in changed] + [f"{c}\u0301" for c in changed[::7]]
    labels = Path(__file__).resolve().parents[2] / "data" / "labels" / "labels.jsonl"
    for line in labels.read_text(encoding="utf-8").splitlines():
        texts += [value for value in json.loads(line).values() if isinstance(value, str)]
    assert len(texts) > 2000 and any(unicodedata.normalize("NFKC", t) != t for t in texts[-1000:])
    for text in texts:
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)
