"""Writing the search index in bulk: the terms of many messages, and SQLite's
FTS5 rows of a whole batch in one statement.

Used by the search backlog (``services/search_backlog``), which indexes what
submissions and imports stored. ``search_terms`` returns exactly what
``search_text`` returns (PII redacted, then
``analysis.search_terms.index_terms``), about twice as fast:

* redaction is skipped for a (cleaned) text in which ``analysis.pii`` cannot
  find anything: every kind it redacts needs an ``@`` (e-mail), seven digits
  with at most three characters other than Chinese ones between two of them
  (numbers however separated), a province followed by a letter (plates) or a 微信/QQ label —
  in the NFKC form of the text (``pii`` reads full-width, superscript and
  circled forms as ASCII, as NFKC does);
* of ``analysis.text.normalize`` only the steps that can change a term are
  kept (``clean_text``, NFKC, Excel's ``_x000D_``): the others only turn
  separators into other separators;
* the bigrams come from one regular expression (a look-ahead at every position)
  instead of a Python loop over the runs.

``tests/test_import_search.py`` proves the identity on varied texts.

On SQLite the FTS5 table ``message_fts`` is kept in step with ``message_search``
by a trigger, one FTS insert per row. :func:`sqlite_fts_deferred` lets a batch
insert its search rows without it and index them with one ``INSERT … SELECT``
before the same transaction commits (about 40 % less CPU); the trigger is
dropped and re-created inside the write transaction, so no other connection
ever sees the database without it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from massline.analysis.text import clean_text, index_terms, redact

__all__ = ["FtsBatch", "search_terms", "search_terms_of", "sqlite_fts_deferred"]

# Must equal analysis.search_terms._CJK (checked by the tests).
CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A term starts at every position: a CJK bigram, a lone CJK character, or a whole ASCII word.
_TERM = re.compile(rf"(?=([{CJK}]{{2}}|(?<![{CJK}])[{CJK}](?![{CJK}])|(?<![a-z0-9])[a-z0-9]+))")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# What every span of analysis.pii.find_pii contains, in a cleaned text (\d and
# \D already match full-width digits; pii folds full-width letters and ＠).
_MAYBE_PII = re.compile(
    rf"[@\uff20]|\d(?:[^\d{CJK}]{{0,3}}\d){{6}}|[{_PROVINCES}][A-Za-z\uff21-\uff3a\uff41-\uff5a]"
    r"|微信|薇信|威信|扣扣|[qQ\uff31\uff51]{2}|[vVwW\uff36\uff37\uff56\uff57][xX\uff38\uff58信]|[wW\uff37\uff57][eE\uff25\uff45]",
    re.IGNORECASE,
)
# The step of analysis.text.normalize that can join or split a term besides cleaning and NFKC.
_EXCEL_CR = re.compile(r"_x000[dD]_")
TRIGGER = "message_search_ai"


def maybe_pii(text: str) -> bool:
    """False when ``analysis.pii`` cannot find anything in the cleaned ``text`` (a quick look)."""
    return _MAYBE_PII.search(unicodedata.normalize("NFKC", text)) is not None


def _normalized(text: str) -> str:
    """``text`` cleaned, redacted when it may hold personal data, in NFKC."""
    text = clean_text(text)
    folded = unicodedata.normalize("NFKC", text)
    return folded if _MAYBE_PII.search(folded) is None else unicodedata.normalize("NFKC", redact(text))


def search_text(title: str, body: str) -> str:
    """The terms indexed for a message, by definition: PII redacted, then ``index_terms`` (the reference)."""
    return " ".join(index_terms(redact(title) + " " + redact(body)))


def search_terms_of(title: str, body: str) -> str:
    """:func:`search_text`, computed faster (same output; the backlog uses this one)."""
    text = _normalized(title) + " " + _normalized(body)
    if "_x000" in text:
        text = _EXCEL_CR.sub("\n", text)
    return " ".join(_TERM.findall(text.lower()))


def search_terms(texts: list[tuple[str, str]]) -> list[str]:
    """:func:`search_terms_of` of each stripped (title, body); run in a helper process by imports."""
    return [search_terms_of(title.strip(), body.strip()) for title, body in texts]


class FtsBatch:
    """Indexes search rows into ``message_fts`` while the per-row trigger is suspended."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def index_ids(self, ids: list[int]) -> None:
        """Add the ``message_search`` rows of these message ids to the FTS index.

        Call once per row set, after inserting those rows with the trigger
        suspended: an FTS5 external-content index cannot tell a row it already holds.
        """
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))  # placeholders only
            sql = f"INSERT INTO message_fts(rowid, terms) SELECT message_id, terms FROM message_search WHERE message_id IN ({marks})"  # noqa: E501, S608
            self.connection.exec_driver_sql(sql, tuple(chunk))


def _trigger_sql(connection: Connection) -> str | None:
    found = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
    ).scalar()
    return str(found) if found is not None else None


@contextmanager
def sqlite_fts_deferred(connection: Connection) -> Iterator[FtsBatch | None]:
    """Within a SQLite write transaction: suspend the per-row FTS trigger.

    Yields an :class:`FtsBatch` with which the caller indexes what it inserted
    into ``message_search``; the trigger is re-created on leaving (an error
    rolls the whole transaction back, trigger included). Yields None when the
    database is not SQLite or has no such trigger: inserts index themselves.
    """
    if connection.dialect.name != "sqlite":
        yield None
        return
    sql = _trigger_sql(connection)
    if sql is None:
        yield None
        return
    connection.exec_driver_sql(f"DROP TRIGGER {TRIGGER}")
    try:
        yield FtsBatch(connection)
    finally:
        if _trigger_sql(connection) is None:  # (after an error SQLite may have rolled back already)
            connection.exec_driver_sql(sql)
