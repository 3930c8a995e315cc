"""Splitting a message into its demands and a reply into its sentences.

First version (to be refined with the labelled demands): a demand is a sentence
that asks (a question mark or a question word), requests action (希望, 请, 要求 ...)
or reports a fact it complains of; neighbouring sentences of the same kind that only
continue one thought are kept apart — the refinement merges them.
"""

from __future__ import annotations

import re

from massline.analysis.replies.types import Demand

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_QUESTION = re.compile(r"[？?]|请问|是否|能否|可否|怎么|为什么|为何|何时|多久|吗[。？?！!]?$")
_ACTION = re.compile(r"希望|恳请|请求|要求|呼吁|建议|请(?:有关|相关|政府|领导|尽快)|尽快|责令|督促")


def split_reply(reply: str) -> list[tuple[int, int, str]]:
    """The reply's sentences as ``(start, end, text)`` spans, blank ones left out."""
    return [(m.start(), m.end(), m.group()) for m in _SENTENCE.finditer(reply) if m.group().strip()]


def _kind(sentence: str) -> str | None:
    if _ACTION.search(sentence):
        return "action"
    if _QUESTION.search(sentence):
        return "question"
    return None


def split_demands(text: str) -> list[Demand]:
    """The demands of a message's text (title and body joined by the caller), each with
    its kind and its span in ``text``. A text that asks nothing explicitly is one
    complaint demand: the whole report of what is wrong."""
    demands = [
        Demand(kind, start, end, sentence)
        for start, end, sentence in split_reply(text)
        if (kind := _kind(sentence))
    ]
    if not demands and text.strip():
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        demands = [Demand("complaint", start, end, text[start:end])]
    return demands
