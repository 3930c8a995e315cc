"""The classifier's input: one string per message, its title on the first line and its detail after it.

Kept apart from the model (``model``) so that code which only builds inputs —
the pipeline's steps, the CLI's tables, the training set — does not load
scikit-learn.
"""

from __future__ import annotations

import re

from massline.analysis.text import nfkc

__all__ = ["text_of"]

_WS = re.compile(r"\s+")


def text_of(title: str | None, detail: str | None = None) -> str:
    """Build the classifier input of a message: ``title`` + newline + ``detail``.

    Both parts are NFKC-normalised with all whitespace runs (the scrape's
    leading tabs and newlines included) collapsed to one space, so the title is
    exactly the first line.  A missing detail gives the title alone.
    """
    head = _flat(title or "")
    body = _flat(detail or "")
    if head and body:
        return f"{head}\n{body}"
    return head or body


def _flat(text: str) -> str:
    return _WS.sub(" ", nfkc(text)).strip()
