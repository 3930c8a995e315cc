"""The one cleaning of text that enters the platform.

Every free text a person types (a message's title and body, a reply, a
reason, a comment) goes through :func:`clean_text` before it is validated or
stored; redaction (``pii``) and search terms (``search_terms``) clean the
same way before they match, so what the platform checks, stores, shows,
redacts and indexes is one and the same text.

:func:`clean_text` keeps the citizen's wording — it does not fold full-width
characters, change punctuation or touch spaces and line breaks — and only:

* puts the text in Unicode NFC (canonically equivalent, looks the same);
* **removes** what carries no visible meaning and breaks things further down:
  NUL and the other C0/C1 control characters except tab, line feed and
  carriage return (PostgreSQL refuses NUL in text); lone UTF-16 surrogates
  such as the JSON escape ``"\\ud800"`` (not Unicode, cannot be encoded as
  UTF-8 and so cannot be stored); zero-width and other invisible format
  characters (U+200B–U+200F, U+202A–U+202E, U+2060–U+2064, U+2066–U+2069,
  U+FEFF, soft hyphen U+00AD, U+180E, tag characters) which can hide a
  phone number from redaction (``138\\u200b1234\\u200b5678``), reverse the
  display order of a text or make a title look empty; Hangul filler
  characters (U+115F, U+1160, U+3164, U+FFA0), the blank braille pattern
  U+2800 and U+FFFE/U+FFFF.

Removing rather than refusing: these characters come from copy and paste
(WeChat, Word, Excel) and broken clients; the citizen cannot see them, so a
refusal ("your title contains U+200B") could not be acted upon, and none of
them carries meaning in a message. A text that is empty after cleaning is
refused by the caller's validation like an empty one.

:func:`fold` is the matching form (NFKC, after cleaning): full-width digits
and letters become ASCII (``１３８`` → ``138``, ``ＡＢ`` → ``AB``), circled and
compatibility forms their plain ones. It is for comparing and finding, never
for storing.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "fold", "fold_char", "has_visible_text", "nfkc", "INVISIBLE"]

#: Characters removed by :func:`clean_text` (a regular-expression class body).
INVISIBLE = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 controls but \t \n \r; DEL; C1 controls
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e"  # soft hyphen, graphemes joiner, fillers
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"  # zero-width, direction marks and overrides
    "\u2800\u3164\ufeff\uffa0\ufff0-\ufff8\ufffe\uffff"  # Hangul filler, BOM, half-width filler, nonchars
    "\ud800-\udfff"  # lone surrogates
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f"  # invisible musical format chars, tags
)
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")


def clean_text(text: str) -> str:
    """Return ``text`` in NFC without control, surrogate and invisible characters (see the module).

    >>> clean_text("138\\u200b1234\\u200b5678\\x00")
    '13812345678'
    """
    if text.isascii():
        return _INVISIBLE.sub("", text) if not text.isprintable() else text
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", text))


def fold(text: str) -> str:
    """The matching form of ``text``: cleaned, then NFKC (full-width → ASCII). Not for storing."""
    return nfkc(clean_text(text))


#: The full-width forms of ASCII (U+FF01–U+FF5E: their character less this) and the spaces NFKC makes a space.
_WIDE, _WIDE_SHIFT, _SPACES = (0xFF01, 0xFF5E), 0xFEE0, (0x3000, 0xA0)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, with less work on Chinese text: the characters NFKC most
    often changes there (full-width punctuation, letters and digits; the ideographic and the no-break
    space) are first replaced by their compatibility decomposition, all at once in an array; what is left
    is most often in NFKC already (checked), else normalised. The same text: NFKC decomposes every
    character into its full compatibility decomposition before it composes, and a character already
    decomposed decomposes into itself."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    import numpy as np  # noqa: PLC0415 - not with the module: the web process cleans text without numpy

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    codes[(codes >= _WIDE[0]) & (codes <= _WIDE[1])] -= _WIDE_SHIFT
    codes[(codes == _SPACES[0]) | (codes == _SPACES[1])] = 0x20
    plain = codes.tobytes().decode("utf-32-le", "surrogatepass")
    return plain if unicodedata.is_normalized("NFKC", plain) else unicodedata.normalize("NFKC", plain)


def fold_char(ch: str) -> str:
    """One character's matching form when NFKC maps it to exactly one character, else itself.

    Length-preserving, so offsets in a folded text are offsets in the original.
    """
    if ch.isascii():
        return ch
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def has_visible_text(text: str) -> bool:
    """True when ``text`` has at least one letter, digit, punctuation mark or symbol once cleaned."""
    return any(unicodedata.category(ch)[0] in "LNPS" for ch in clean_text(text))
