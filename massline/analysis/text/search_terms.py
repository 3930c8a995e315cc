"""Terms for the platform's full-text search, Chinese included.

Full-text engines (SQLite FTS5 ``unicode61``, PostgreSQL ``to_tsvector('simple')``)
split text on spaces and punctuation, which leaves a Chinese sentence as one
long "word" and makes a search for ``噪音`` miss ``夜间施工噪音扰民``.  We
therefore pre-tokenise: every run of CJK characters becomes its overlapping
character bigrams (``施工噪音`` -> ``施工 工噪 噪音``), a run of a single CJK
character becomes that character, and ASCII letter/digit runs become lowercased
words.  The platform stores ``" ".join(index_terms(title + " " + body))`` in the
FTS column and ANDs ``query_terms(query)``.

Properties:

* any query of two or more CJK characters matches every text containing it as
  a substring (all its bigrams are in the text's bigrams) — with rare false
  positives when the bigrams occur separately in the same text;
* a one-character CJK query returns that character, which only matches texts
  where the character stood alone (e.g. between punctuation).  Callers that
  need substring search for a single character should fall back to ``LIKE``.
"""

from __future__ import annotations

import re

from massline.analysis.text.pii import remove_pii
from massline.analysis.text.segment import normalize

__all__ = ["index_terms", "query_terms"]

# CJK Unified Ideographs (+ Extension A, compatibility ideographs) and the
# ideographic "〇" used in dates and addresses.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RUN = re.compile(rf"[{_CJK}]")


def _terms(text: str) -> list[str]:
    out: list[str] = []
    for match in _RUN.finditer(normalize(text).lower()):
        run = match.group()
        if _CJK_RUN.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def index_terms(text: str) -> list[str]:
    """Return the terms to store in the full-text index for ``text``.

    CJK runs give overlapping character bigrams (a one-character run gives the
    character), ASCII words are lowercased; order and repetitions are kept so
    that an engine can rank by term frequency.

    >>> index_terms("小区噪音 WiFi")
    ['小区', '区噪', '噪音', 'wifi']
    """
    return _terms(text)


def query_terms(query: str) -> list[str]:
    """Return the de-duplicated terms to AND together for a search ``query``.

    The same transformation as :func:`index_terms`, so a query of two or more
    CJK characters matches texts containing it; a one-character CJK query
    returns that character. Personal data in the query (``pii.find_pii``: a
    phone or ID number, however written) gives no term: the index holds only
    redacted text, and a query must not tell whether a text contains a number.

    >>> query_terms("噪音 噪音扰民")
    ['噪音', '音扰', '扰民']
    """
    seen: dict[str, None] = {}
    for term in _terms(remove_pii(query)):
        seen.setdefault(term, None)
    return list(seen)
