"""Describe a discovered issue: title, place, problem, summary, figures.

Everything is extractive, so it can be traced to the citizens' words:

* **place**: the place name most members used (``丽发新城小区``) with the
  most specific administrative unit in front (``天心区``).  When no title
  names that place (it came from the bodies) or the issue has none, the
  longest name most titles share is used instead (``温斯顿英语``,
  ``万润滨江天著``: names without a place suffix); failing that, the
  region and the group of people who wrote (``长沙市 受害人``);
* **problem**: among the 30 most central titles with place names, administrative units
  and leading formulas (``投诉``, ``关于``, ``请问``...) removed, the one the others agree
  with most (``summary.consensus_problem``), never a fragment when a whole one exists
  (cutting a name out of the middle leaves ``至赣州高铁对影响太大了``);
* **title**: ``place + " " + problem``;
* **summary**: since when, how many people, where, what, and what they ask for
  (``summary.compose_summary``), in full-width punctuation;
* **keywords**: the centroid's heaviest words (concept tags and sub-words
  dropped);
* **representatives**: members ordered by centrality + 0.1·log(1 + 点赞数).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from massline.analysis.classify import sentiment_intensity
from massline.analysis.issues.concentrate import Cluster, DocFeatures, IssueDoc
from massline.analysis.issues.features import PROBLEM_STOPWORDS, strip_places
from massline.analysis.issues.summary import compose_summary, consensus_problem, is_fragment, shared_request
from massline.analysis.places import CJK, Language, regions_of, tag_words
from massline.analysis.text import normalize

__all__ = ["IssueSummary", "describe_issue", "without_names"]

_LEADING = re.compile(
    r"^(?:[，,、：:；\s]|关于|投诉|反映|反应|举报|咨询|请问|请求|建议|恳请|强烈要求|再次|希望|我要|请|对|的|在|位于)+"
)
_TRAILING = re.compile(r"(?:的问题|问题|的投诉|一事|事宜|[。！？!?，,：:；\s])+$")
_CANDIDATES = 30  # central titles considered for the problem, and members read for the request
_SUBJECT_TITLES = 200  # titles read for a shared subject (the most central first)
_NAME_RUN = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{3,}")
_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})
_FUNCTION_TAGS = frozenset("u p c d r y e o x".split())
_NOT_SUBJECT = frozenset(
    "投诉 反映 举报 咨询 请问 建议 关于 要求 希望 恳请 为什么 什么 怎么 何时 如何 能否 是否 问题 退费 退款 拖欠 "
    "噪音 扰民 污染 严重 恶意 强烈 不按 合同 时候 进展 情况 处理 解决".split()
)
_GROUPS = (
    "受害人", "业主", "职工", "员工", "教师", "老师", "学生", "家长", "考生", "村民", "居民", "司机",
    "商户", "退伍军人", "老人", "患者", "租户", "出借人", "投资人",
)  # fmt: skip


@dataclass
class IssueSummary:
    """A discovered issue, ready to list or store."""

    cluster_id: int
    title: str
    place: str
    problem: str
    summary: str
    keywords: list[str]
    first: datetime | None
    last: datetime | None
    messages: int
    people: int
    support: int
    opposition: int
    sentiment: float | None  #: the members' mean sentiment (None when not asked for)
    representatives: list[Hashable] = field(default_factory=list)
    members: list[Hashable] = field(default_factory=list)


def _cos(vector: dict[str, float], cluster: Cluster) -> float:
    return cluster.cosine(vector) if vector else 0.0


def _strip(title: str, names: Sequence[str], language: Language | None) -> str:
    text = normalize(title)
    for name in sorted(names, key=len, reverse=True):  # 感谢临川区人民医院的医生 → 感谢医生
        if name.endswith(("路", "街", "道")):
            text = text.replace(name + "口", "")  # 红星路口无证诊所 → 无证诊所
        if name:
            text = _drop_possessive(text, name).replace(name, "")
    for region in regions_of(text, language):
        text = text.replace(region, "")
    text = _LEADING.sub("", text)
    text = _TRAILING.sub("", text)
    text = re.sub(r"^[，,、\s]+|[，,、\s]+$", "", text)
    return re.sub(r"，{2,}", "，", text)


def _drop_possessive(text: str, name: str) -> str:
    """``text`` without ``name的`` where Chinese stands on both sides (感谢临川区人民医院的医生 → 感谢医生).

    Plain string search: a regular expression per place name cost more than the rest of a
    rebuild's descriptions (thousands of distinct names, each compiled once).
    """
    target = name + "的"
    start = text.find(target)
    while start != -1:
        end = start + len(target)
        if start > 0 and CJK.match(text[start - 1]) and end < len(text) and CJK.match(text[end]):
            text = text[:start] + text[end:]
            start = text.find(target, start)
        else:
            start = text.find(target, start + 1)
    return text


def describe_issue(
    cluster: Cluster,
    docs: Sequence[IssueDoc],
    features: Sequence[DocFeatures],
    language: Language | None = None,
    *,
    sentiment: bool = True,
) -> IssueSummary:
    """Summarise ``cluster`` given its member ``docs`` and their ``features`` (same order).

    ``language``: the deployment's place grammar, for the administrative units cut from titles;
    ``sentiment``: whether to compute the members' mean sentiment (a caller that stores the mean of its
    messages' own sentiment scores instead passes False: the summary's ``sentiment`` is then None).
    """
    central = [round(_cos(f.vector, cluster), 9) for f in features]  # rounded: ties keep input order
    order = sorted(range(len(docs)), key=lambda i: -(central[i] + 0.1 * math.log1p(max(0, docs[i].support))))
    names = [m.name for f in features for m in f.places] + [m.key for f in features for m in f.places]
    keywords = _keywords(cluster)
    place, subject = _place(cluster, docs, language)
    by_centrality = sorted(range(len(docs)), key=lambda i: -central[i])[:_CANDIDATES]
    candidates: list[str] = []
    for i in by_centrality:  # a title whose place sits mid-sentence keeps it: 漓楚路和小塘路交汇处无高杆灯
        stripped = _strip(docs[i].title, names, language)
        whole = stripped in normalize(docs[i].title) and not is_fragment(stripped)  # not 地铁1号线南延至
        candidates.append(stripped if whole else _strip(docs[i].title, (), language))
    problem = consensus_problem(candidates)
    if len(problem) < 4:
        problem = "、".join(keywords[:3])
    times = [d.time for d in docs if d.time is not None]
    people = len({d.author for d in docs if d.author}) or len(docs)
    request = shared_request([docs[i].title + "\n" + docs[i].body for i in by_centrality])
    return IssueSummary(
        cluster_id=cluster.id,
        title=_title(place, subject, problem, " "),
        place=place,
        problem=problem,
        summary=_summary(place, subject, problem, min(times) if times else None, people, request),
        keywords=keywords,
        first=min(times) if times else None,
        last=max(times) if times else None,
        messages=len(docs),
        people=people,
        support=sum(d.support for d in docs),
        opposition=sum(d.opposition for d in docs),
        sentiment=round(sum(_sentiment(d.title + "\n" + d.body) for d in docs) / max(1, len(docs)), 3)
        if sentiment
        else None,
        representatives=[docs[i].key for i in order[:3]],
        members=[d.key for d in docs],
    )


@lru_cache(maxsize=4096)
def _sentiment(text: str) -> float:
    """``sentiment_intensity(text).score``, kept for the last 4,096 texts (an issue is described again
    with mostly the same members)."""
    return sentiment_intensity(text).score


def _title(place: str, subject: str, problem: str, sep: str) -> str:
    """``place + sep + problem``; a problem that already names the subject gets only the region in front."""
    if subject and subject in problem:
        return f"{place.replace(subject, '')}{problem}"
    return f"{place}{sep}{problem}".strip()


def _summary(place: str, subject: str, problem: str, first: datetime | None, people: int, request: str) -> str:
    """The reader's sentence; an issue of a group (``A市职工``) has the group speak."""
    group = next((g for g in _GROUPS if not subject and place.endswith(g)), "")
    if group:
        return compose_summary(problem, first, people, request, place)
    return compose_summary(_title(place, subject, problem, ""), first, people, request)


def _keywords(cluster: Cluster, n: int = 6) -> list[str]:
    terms = [t for t in cluster.top_terms(4 * n) if not t.startswith("#")]
    kept = [t for t in terms if not any(t != o and t in o for o in terms)]
    return kept[:n]


def _place(cluster: Cluster, docs: Sequence[IssueDoc], language: Language | None) -> tuple[str, str]:
    """The issue's place (or group) as shown, and the name in it ("" for a group)."""
    region = cluster.regions.most_common(1)[0][0] if cluster.regions else ""
    titles = [normalize(d.title) for d in docs[:_SUBJECT_TITLES]]
    name = ""
    if cluster.place and cluster.place_names:
        # the most used full name that contains the key
        name = max(cluster.place_names.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
        # a place named by bodies only: the titles may name the subject better, and a place that
        # most members never name is no label (a consultation whose one body names a village)
        keys = cluster.keys or {cluster.place}
        if not any(key in t for key in keys for t in titles):
            named = sum(1 for d in docs if any(key in d.title + d.body[:300] for key in keys))
            name = shared_subject(titles, language=language) or (name if 2 * named >= len(docs) else "")
    else:
        name = shared_subject(titles, language=language)
    if name:
        return (f"{region}{name}" if region and region not in name else name), name
    groups: Counter[str] = Counter()
    for d in docs:
        text = d.title + d.body[:500]
        groups.update(g for g in _GROUPS if g in text)
    group = groups.most_common(1)[0][0] if groups else ""  # no "市民": a consultation has no place
    return f"{region or ''}{group}", ""


def shared_subject(
    titles: Sequence[str], share: float = 0.6, min_titles: int = 3, language: Language | None = None
) -> str:
    """The longest proper name that at least ``share`` of ``titles`` contain, or ``""``.

    A candidate is a run of whole words of a title (3–12 characters, no
    administrative unit) that neither begins nor ends with a function word
    or a complaint word, and that holds a proper noun (person, place,
    organisation or other name) or an unknown name the segmenter cut into
    single characters: ``温斯顿英语``, ``万润滨江天著``, ``湖楚财富`` — not
    ``燃油补贴`` or ``什么时候``, which describe the problem, not its subject.

    ``language``: the deployment's place grammar (its unit codes and region names are no subject).

    >>> shared_subject(["长沙市温斯顿英语退费难", "投诉温斯顿英语培训机构", "温斯顿英语何时退款"])
    '温斯顿英语'
    """
    if len(titles) < min_titles:
        return ""
    need = max(min_titles, math.ceil(share * len(titles)))
    counts: Counter[str] = Counter()
    named: set[str] = set()
    for title in titles:
        grams: set[str] = set()
        for run in _NAME_RUN.findall(strip_places(title, set(), language)):
            words = tag_words(run)
            for i, (first, first_tag) in enumerate(words):
                if not _boundary_word(first, first_tag):
                    continue
                for j in range(i, min(len(words), i + 6)):
                    last, last_tag = words[j]
                    gram = "".join(w for w, _ in words[i : j + 1])
                    if len(gram) > 12:
                        break
                    if j == i or len(gram) < 3 or not _boundary_word(last, last_tag):
                        continue
                    grams.add(gram)
                    part = words[i : j + 1]
                    if any(t in _NAME_TAGS for _, t in part) or sum(len(w) == 1 for w, _ in part) >= 2:
                        named.add(gram)
        counts.update(grams)
    frequent = [g for g, n in counts.items() if n >= need and g in named]
    return max(frequent, key=lambda g: (len(g), counts[g], g), default="")


def _boundary_word(word: str, tag: str) -> bool:
    """Whether ``word`` may begin or end a name (not 的, 投诉, 恶意, 拖欠...)."""
    return not (tag[:1] in _FUNCTION_TAGS or word in _NOT_SUBJECT or word in PROBLEM_STOPWORDS)


_PERSON_TAGS = ("nr",)  # nr, nrt, nrfg: person names (nrt: transliterated)


def without_names(keywords: Sequence[str], texts: Sequence[str], names: Sequence[str] = ()) -> list[str]:
    """``keywords`` without the words of person names in ``texts`` and without pieces of ``names``.

    A person name is a word the segmenter tags as one (``王建国``), and the given name written
    right after a short surname word (``诸葛`` + ``建业``: the segmenter tags only the surname);
    ``names`` are names known to be people's (the authors'): a keyword inside one is dropped.

    >>> without_names(["车位", "诸葛", "建业"], ["我是诸葛建业，开发商强卖车位"])
    ['车位']
    """
    people = {n.strip() for n in names if n.strip()}
    for text in texts:
        words = tag_words(text)
        for i, (word, tag) in enumerate(words):
            if not tag.startswith(_PERSON_TAGS):
                continue
            people.add(word)
            after = words[i + 1][0] if i + 1 < len(words) else ""
            if len(word) <= 2 and 1 <= len(after) <= 2 and CJK.match(after):
                people.update((after, word + after))
    return [k for k in keywords if not any(k in p for p in people)]
