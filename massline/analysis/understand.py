"""Understanding a message at once: the place it is about, the administrative area, its kind, urgency and
feeling, with the evidence — one facade over the analysis library (``massline analyse`` uses it).

:func:`understand` reads a batch of ``(title, body)`` messages and returns one :class:`Reading` each.
Every answer comes from one of two sources:

- a learned model when one is given: a :class:`MessageModel` (kind, urgency, feeling) and a
  :class:`PlaceSpanModel` (the place span and its area), each optional and passed as an argument;
  :func:`load_models` finds them in ``massline/data/models/`` when their files are there;
- otherwise the rules of the library: :func:`~massline.analysis.places.extract_places` and
  :func:`~massline.analysis.places.regions_of` for the place and the area,
  :func:`~massline.analysis.classify.guess_kind`, :func:`~massline.analysis.classify.assess_urgency` and
  :func:`~massline.analysis.classify.sentiment_intensity` for the rest.

The rules' levels map to the labels of the platform: urgency ``urgent → 紧急``, ``elevated → 较急``,
``normal → 一般``; feeling by the intensity score, ``≥ ANGRY_AT (0.5) → 愤怒``, ``≥ UPSET_AT (0.04) → 不满``
(any intensity evidence at all, one exclamation mark included), else ``平和``. The two thresholds were
chosen on the hand labels of ``tests/data/labels`` (a grid of both; chosen inside five folds they agree
with 61 % of the held-out labels): the sentiment module's own levels (0.6, 0.3) call most dissatisfied
messages calm.
"""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from massline.analysis.classify import assess_urgency, guess_kind, sentiment_intensity
from massline.analysis.places import GENERAL, Language, PlaceMention, extract_places, regions_of, tag_words
from massline.analysis.text import normalize

__all__ = [
    "ANGRY_AT",
    "FEELINGS",
    "URGENCIES",
    "UPSET_AT",
    "Judgement",
    "MessageModel",
    "PlaceSpan",
    "PlaceSpanModel",
    "Reading",
    "load_models",
    "understand",
]

#: The labels, calm to angry and least to most urgent.
FEELINGS = ("平和", "不满", "愤怒")
URGENCIES = ("一般", "较急", "紧急")
#: Intensity score thresholds of 愤怒 and 不满 (see :func:`~massline.analysis.classify.sentiment_intensity`).
ANGRY_AT = 0.5
UPSET_AT = 0.04
_URGENCY = {"urgent": "紧急", "elevated": "较急", "normal": "一般"}
#: A unit's level: a county or district is more specific than a city, a city than a province.
_UNIT_LEVEL = {"县": 3, "区": 3, "市": 2, "省": 1}
#: The evidence column stays short (characters).
EVIDENCE_CHARS = 80
#: Kinds of body mentions specific enough to be the place (a road or town named in passing is not).
_COMPANY = re.compile("集团|公司|地产|置业|开发商|物业")
#: A described place is no name: a count or a pointer before it (一条公交线路, 这家公司), or a route (公交线路).
_NOT_A_NAME = re.compile("^[一二两三几这那该此每某][条个家所座片栋处间]|线路$")
_NOT_AREAS = frozenset({"行政区", "辖区", "城区", "市区", "县区", "景区", "矿区", "园区", "社区", "安置区", "沉陷区"})
_BODY_KINDS = frozenset({"compound", "institution", "village", "park", "road", "town"})


@dataclass(frozen=True)
class Reading:
    """What a message is about: ``place`` as written ("" when none), ``area`` (the most specific
    administrative unit, "" when none), ``kind``, ``urgency``, ``feeling`` and the short ``evidence``."""

    place: str
    area: str
    kind: str
    urgency: str
    feeling: str
    evidence: str


@dataclass(frozen=True)
class Judgement:
    """A :class:`MessageModel`'s answer for one message, with the words or spans it rests on."""

    kind: str
    urgency: str
    feeling: str
    evidence: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PlaceSpan:
    """A :class:`PlaceSpanModel`'s answer for one message: the place as written and its area ("" when none)."""

    place: str
    area: str = ""


@runtime_checkable
class MessageModel(Protocol):
    """A learned classifier of kind, urgency and feeling (``analysis/classify/learned.py``)."""

    def judge(self, messages: Sequence[tuple[str, str]]) -> list[Judgement]:
        """One judgement per ``(title, body)``, in order."""
        ...


@runtime_checkable
class PlaceSpanModel(Protocol):
    """A learned place-span extractor (``analysis/places/spans.py``)."""

    def locate(self, messages: Sequence[tuple[str, str]], language: Language) -> list[PlaceSpan]:
        """One place span per ``(title, body)``, in order."""
        ...


#: Where the models are looked for: (module, class, file name in the models directory).
MODEL_FILES = {
    "message": ("massline.analysis.classify.learned", "MessageModel", "understanding.joblib"),
    "place": ("massline.analysis.places.spans", "PlaceTagger", "places.crfsuite"),
}


class LearnedJudge:
    """The learned kind/urgency/feeling model (``analysis.classify.learned.MessageModel``, whose
    ``predict`` answers per task with evidence spans) as this facade's :class:`MessageModel`."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def judge(self, messages: Sequence[tuple[str, str]]) -> list[Judgement]:
        """One judgement per ``(title, body)``: the model's labels and the text spans they rest on."""
        decisions = self.model.predict([t for t, _ in messages], [b for _, b in messages])
        out = []
        for d in decisions:
            spans = [s.text for task in ("kind", "urgency", "feeling") for s in d[task].spans[:1]]
            out.append(Judgement(d["kind"].label, d["urgency"].label, d["feeling"].label, tuple(dict.fromkeys(spans))))
        return out


class TaggedPlaces:
    """The place model (``analysis.places.spans.PlaceTagger``: tagged spans, the chosen place) with
    ``analysis.places.area_of`` as this facade's :class:`PlaceSpanModel`."""

    def __init__(self, tagger: Any) -> None:
        self.tagger = tagger

    def locate(self, messages: Sequence[tuple[str, str]], language: Language) -> list[PlaceSpan]:
        """The place each message is about (as written) and the most specific area it is in."""
        from massline.analysis.places import area_of

        self.tagger.language = language  # the CRF's features as in training: the profile's units and suffixes
        out = []
        for title, body in messages:
            place, spans = self.tagger.read(title, body)
            text = f"{title}\n{body}"
            area = area_of(text, place, language, None, len(title), spans)
            name = _with_suffix(text, place.text, place.end, language) if place else ""
            out.append(PlaceSpan(name, area.name if area else ""))
        return out


def _with_suffix(text: str, name: str, end: int, language: Language) -> str:
    """``name`` with the compound suffix written right after it (丽发新城 + 小区): the guide keeps a compound's own
    suffix, and the tagger sometimes stops before it."""
    suffix = next((x for x in sorted(language.compound_suffixes, key=len, reverse=True)
                   if text.startswith(x, end) and not name.endswith(x)), "")  # fmt: skip
    return name + suffix


def _load(directory: Path, which: str) -> object | None:
    module_name, class_name, file_name = MODEL_FILES[which]
    path = directory / file_name
    if not path.is_file():
        return None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    if which == "place":
        return TaggedPlaces(getattr(module, class_name)(path))
    model = getattr(module, class_name).load(path)
    return model if hasattr(model, "judge") else LearnedJudge(model)


def load_models(directory: Path) -> tuple[MessageModel | None, PlaceSpanModel | None]:
    """The learned models whose files are in ``directory`` (see :data:`MODEL_FILES`); None for a missing one."""
    message = _load(directory, "message")
    place = _load(directory, "place")
    return (
        message if isinstance(message, MessageModel) else None,
        place if isinstance(place, PlaceSpanModel) else None,
    )


def _choose(mentions: Sequence[PlaceMention], by_count: bool) -> PlaceMention | None:
    """The most specific mention: kind priority, then (in a body) how often its key is named, then the longer."""
    if not mentions:
        return None
    counts = Counter(m.key for m in mentions) if by_count else Counter[str]()
    return max(mentions, key=lambda m: (m.priority, counts[m.key], len(m.key), -m.start))


def _branded(text: str, mentions: list[PlaceMention], language: Language) -> list[PlaceMention]:
    """``mentions`` that are names (not ``一条公交线路``, ``廉租房漏水导致电路``); a bare brand (``碧桂园``)
    named with its area (``长乐县碧桂园``), else left out unless the message is about the company
    (``碧桂园集团``, ``碧桂园开发商``)."""
    out = []
    for m in mentions:
        if _NOT_A_NAME.search(m.name) or _has_verb(m.name):
            continue
        if m.name not in language.brand_set:
            out.append(m)
            continue
        qualifier = next((r for r in regions_of(text[max(0, m.start - 6) : m.start], language)[-1:]
                          if text[: m.start].endswith(r)), "")  # fmt: skip
        if qualifier:
            out.append(PlaceMention(qualifier + m.name, m.key, m.kind, m.start - len(qualifier)))
        elif _COMPANY.match(text, m.start + len(m.name)):
            out.append(PlaceMention(m.name, m.key, "institution", m.start))
    return out


def _has_verb(name: str) -> bool:
    """A verb of two characters or more in a name of four or more: words glued to a suffix
    (``廉租房漏水导致电路``, ``决定园``), not a name (``解放路``, a name of three, keeps its verb)."""
    return len(name) >= 4 and any(tag == "v" and len(word) >= 2 for word, tag in tag_words(name[:-1]))


def _places(text: str, language: Language, *, title: bool) -> list[PlaceMention]:
    return _branded(text, extract_places(text, sections=title, language=language), language)


def _rule_place(title: str, body: str, language: Language) -> PlaceSpan:
    """The place of the title, else the most specific one named in the body; the area around it."""
    place = _choose(_places(title, language, title=True), by_count=False)
    if place is None:
        place = _choose([m for m in _places(body, language, title=False) if m.kind in _BODY_KINDS], True)
    return PlaceSpan(place.name if place else "", _area(title, body, language))


def _area(title: str, body: str, language: Language) -> str:
    """The most specific administrative unit named (the deployment's, or one that looks like a unit), the title's
    first (the earliest of its level)."""
    regions = regions_of(title, language) + regions_of(body, language)
    regions = [r for r in regions if r in language.region_set or _area_like(r)]
    if not regions:
        return ""
    return max(enumerate(regions), key=lambda ir: (_UNIT_LEVEL.get(ir[1][-1], 0), -ir[0]))[1]


def _area_like(region: str) -> bool:
    """No verb in the name (``要去市``, ``问题请县``, ``安置区`` are no units) and not a word for any area."""
    if region in _NOT_AREAS or region.endswith("开区"):  # 经开区, 高开区: development zones are units
        return region not in _NOT_AREAS
    return not any(tag.startswith("v") for _, tag in tag_words(region[:-1]))


def _feeling(score: float) -> str:
    return "愤怒" if score >= ANGRY_AT else "不满" if score >= UPSET_AT else "平和"


def _rule_judgement(title: str, body: str) -> Judgement:
    """Kind, urgency and feeling by the library's rules, with their cue words."""
    text = f"{title}\n{body}"
    kind = guess_kind(body, title=title)
    urgency = assess_urgency(text)
    feeling = sentiment_intensity(text)
    evidence = [f"类型:{'、'.join(kind.evidence[:2]) or '无提示词'}"]
    if urgency.level != "normal" and urgency.signals:
        top = urgency.signals[0]
        evidence.append(f"{top.label}:{'、'.join(top.words[:2])}")
    if feeling.evidence:
        evidence.append(f"情绪:{'、'.join(feeling.evidence[:2])}")
    return Judgement(kind.kind, _URGENCY[urgency.level], _feeling(feeling.score), tuple(evidence))


def _evidence(place: PlaceSpan, judgement: Judgement) -> str:
    parts = ([f"地点:{place.place}"] if place.place else []) + list(judgement.evidence)
    text = "；".join(parts)
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


def understand(
    messages: Sequence[tuple[str, str]],
    *,
    language: Language | None = None,
    message_model: MessageModel | None = None,
    place_model: PlaceSpanModel | None = None,
) -> list[Reading]:
    """One :class:`Reading` per ``(title, body)`` of ``messages``, in order (see the module's text).

    ``language``: how the messages name places (default: general Chinese); ``message_model`` and
    ``place_model``: learned models used instead of the rules when given.

    >>> understand([("丽发新城小区附近搅拌站噪音扰民", "长沙市岳麓区丽发新城小区旁边的搅拌站日夜施工。")])[0].place
    '丽发新城小区'
    """
    language = language or GENERAL
    texts = [(normalize(title or ""), normalize(body or "")) for title, body in messages]
    if not texts:
        return []
    judgements = message_model.judge(texts) if message_model else [_rule_judgement(t, b) for t, b in texts]
    places = place_model.locate(texts, language) if place_model else [_rule_place(t, b, language) for t, b in texts]
    if len(judgements) != len(texts) or len(places) != len(texts):
        raise ValueError("a model answered a different number of messages than it was given")
    return [
        Reading(p.place, p.area, j.kind, j.urgency, j.feeling, _evidence(p, j))
        for p, j in zip(places, judgements, strict=True)
    ]
