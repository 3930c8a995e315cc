"""What issue discovery sees in one message: its place key and its problem vector.

* **Place**: the most specific named place of the title (suffix names and
  known keys, see :mod:`massline.analysis.places.keys`); without one, a
  residence or a case named in the body decides (a body names many places,
  so only a compound, village or a case named at least twice counts).
* **Problem vector**: content words of title ×``title_weight`` and body with
  place names and administrative units cut out *before* segmentation
  (otherwise jieba yields ``区丽发``), board boilerplate removed, words of ≥ 3
  characters also giving their first/last two characters at half weight
  (``搅拌站`` ~ ``搅拌厂``), title character bigrams at 0.5 and hand-written
  concept tags (``#噪音``, ``#车位``...).  Sublinear TF here; IDF and unit
  length are applied by the index (:meth:`IssueIndex.vectorize`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import NamedTuple

from massline.analysis.issues.vocab import PlaceVocabulary
from massline.analysis.places import GENERAL, Language, PlaceMention, extract_places, regions_of
from massline.analysis.text import Segmenter, normalize

__all__ = [
    "CONCEPTS",
    "CONCEPT_OF",
    "PROBLEM_STOPWORDS",
    "DocFeatures",
    "IssueDoc",
    "TermWeights",
    "choose_place",
    "cut_words",
    "extract_features",
    "strip_places",
    "term_weights",
    "unit_vector",
]

# Board boilerplate and generic complaint words: they say *that* someone
# complains, not *what about*.
PROBLEM_STOPWORDS = frozenset(
    """
    反映 反应 投诉 举报 建议 咨询 请求 要求 恳求 相关 相关部门 部门 政府 有关部门 市民 居民 业主 群众
    小区 社区 严重 解决 处理 尽快 现象 存在 影响 能够 能否 是否 何时 为何 希望 重视 关注 给予 督促 落实
    周边 附近 旁边 一下 一直 不能 不要 出现 造成 导致 目前 至今 多次 很多 许多 大量 特别 真的 已经 无法
    这么 那么 还要 需要 认为 知道 看到 发现 告知 回复 答复 了解 公司 单位 工作 人员 工作人员 百姓 老百姓
    广大 我们 他们 生活 有限公司 情况 事宜 一事 此事 的话 问题 为了 以上 以下 来说 非常 谢谢
    感谢 敬礼 此致 您好 尊敬的 领导 书记 市长 局长 县长 区长 帮助 帮忙 支持 办理 申请 请问 是不是 怎么办
    如何 这样 没有 不是 不会 可以 应该 不能 进行 开始 时间 今天 昨天 现在 每天 晚上 白天 年 月 日
    """.split()
)
# Problem concepts: words citizens use for the same nuisance get a shared
# ``#concept`` term, so "油烟直排" and "夜宵摊烧烤" are seen as one problem.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "#噪音": ("噪音", "噪声", "吵闹", "太吵", "扰民", "分贝", "吵", "轰鸣", "鸣笛"),
    "#油烟餐饮": ("油烟", "油烟味", "烧烤", "夜宵", "夜宵摊", "餐馆", "饭店", "餐饮", "排烟", "炒菜", "大排档"),
    "#商铺": ("门面", "商铺", "门店", "底层", "一楼", "临街", "店面", "商户"),
    "#粉尘": ("粉尘", "灰尘", "扬尘", "烟尘", "尘土"),
    "#臭味": ("臭味", "臭气", "恶臭", "异味", "气味", "臭"),
    "#车位": ("车位", "停车位", "车库", "地下车库"),
    "#房屋质量": ("开裂", "裂缝", "渗水", "漏水", "质量", "墙面", "楼板", "空鼓"),
    "#入学": ("入学", "学位", "就读", "上学", "招生", "划片", "学区"),
    "#拆迁": ("拆迁", "征地", "征收", "补偿", "安置"),
    "#欠薪": ("欠薪", "拖欠", "工资", "工钱", "讨薪"),
    "#厂站": ("搅拌站", "搅拌厂", "搅拌场", "工厂", "厂房", "水泥厂", "砂石场", "沥青站", "混凝土"),
    "#施工": ("施工", "工地", "夜间施工", "渣土车", "挖土机"),
    "#停水停电": ("停水", "停电", "断水", "断电"),
    "#案件": ("立案", "案件", "案情", "办案", "经侦", "侦查", "诈骗", "集资", "非法吸收", "追赃", "受害人", "受害者"),
}
CONCEPT_OF = {w: c for c, ws in CONCEPTS.items() for w in ws}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_ASCII_CODE = re.compile(r"^[A-Za-z]?\d+[A-Za-z]?$|^[A-Za-z]$")
_BODY_KINDS = ("compound", "village")  # a body names many places: only residences decide ...
_BODY_CASE_MIN = 2  # ... or a case named at least this many times


@dataclass(frozen=True)
class IssueDoc:
    """One message as issue discovery sees it."""

    key: Hashable
    title: str
    body: str = ""
    time: datetime | None = None
    author: str = ""
    support: int = 0
    opposition: int = 0


@dataclass
class DocFeatures:
    """What issue discovery extracted from one message."""

    place: PlaceMention | None
    places: tuple[PlaceMention, ...]
    regions: tuple[str, ...]
    counts: dict[str, float]
    vector: dict[str, float] = field(default_factory=dict)
    #: every place of the title, and of the body start, with the keys known without suffix (for aliases)
    title_places: tuple[PlaceMention, ...] = ()
    body_places: tuple[PlaceMention, ...] = ()


def unit_vector(weights: dict[str, float], max_terms: int) -> dict[str, float]:
    """The ``max_terms`` heaviest terms of ``weights``, scaled to unit length, heaviest first."""
    top = sorted(weights.items(), key=itemgetter(1), reverse=True)[:max_terms]  # stable: ties keep their order
    norm = math.sqrt(sum(w * w for _, w in top))
    return {t: w / norm for t, w in top} if norm > 0 else {}


def strip_places(text: str, names: AbstractSet[str], language: Language | None = None) -> str:
    """``text`` with place names, and the language's unit codes and region names, replaced by a comma."""
    for name in sorted(names, key=lambda n: (-len(n), n)):  # longest first; a fixed order among equals
        text = text.replace(name, "，")
    regions = (language or GENERAL).region_strip_re
    return regions.sub("，", text) if regions else text


def choose_place(mentions: Sequence[PlaceMention], by_count: bool = False) -> PlaceMention | None:
    """The most specific mention (kind priority; then frequency in the text, then longer key, then earliest)."""
    if not mentions:
        return None
    counts = Counter(m.key for m in mentions) if by_count else Counter()
    return max(mentions, key=lambda m: (m.priority, counts[m.key], len(m.key), -m.start))


def _outside(known: list[PlaceMention], found: list[PlaceMention]) -> list[PlaceMention]:
    """Known keys not inside a name found with its suffix (月亮岛 in 月亮岛路 is the road)."""
    spans = [(m.start, m.start + len(m.name)) for m in found]
    return [k for k in known if not any(a <= k.start and k.start + len(k.name) <= b for a, b in spans)]


def _body_place(mentions: list[PlaceMention]) -> PlaceMention | None:
    counts = Counter(m.key for m in mentions if m.kind == "case")
    chosen = [m for m in mentions if m.kind in _BODY_KINDS or counts[m.key] >= _BODY_CASE_MIN]
    return choose_place(chosen, by_count=True)


def extract_features(
    title: str,
    body: str,
    segmenter: Segmenter,
    vocabulary: PlaceVocabulary,
    *,
    learn: bool = True,
    title_weight: int = 2,
    found: tuple[list[PlaceMention], list[PlaceMention]] | None = None,
    language: Language | None = None,
    weighed: TermWeights | None = None,
) -> DocFeatures:
    """Place, places, regions and sublinear term weights of a normalised ``title`` and ``body``.

    ``learn`` adds the names found with a suffix to ``vocabulary`` first;
    ``found``: those names when already extracted (title, body);
    ``language``: the deployment's place grammar (default: general Chinese);
    ``weighed``: the term weights of the same texts computed with some set of place names cut out
    (:func:`term_weights`, e.g. ahead in another process), used when that set is the one these
    features cut out (the weights depend on nothing else), else computed again.
    """
    language = language or GENERAL
    title_found, body_found = found or (
        extract_places(title, sections=True, language=language),
        extract_places(body, language=language),
    )
    if learn:
        vocabulary.learn(title_found + body_found)
    title_places = title_found + _outside(vocabulary.find(title), title_found)
    body_places = body_found + _outside(vocabulary.find(body[:300]), body_found)
    place = choose_place(title_places) or _body_place(body_places)
    places = tuple(title_found + body_found)
    place_words = cut_words(places, place)
    if weighed is not None and weighed.place_words == place_words:
        tf = dict(weighed.weights)
    else:
        tf = term_weights(title, body, segmenter, place_words, title_weight=title_weight, language=language).weights
    regions = tuple(regions_of(title, language) or regions_of(body[:200], language))
    return DocFeatures(place, places, regions, tf, title_places=tuple(title_places), body_places=tuple(body_places))


def cut_words(places: Sequence[PlaceMention], place: PlaceMention | None) -> frozenset[str]:
    """The place names cut out of the texts before their terms are counted: those named with a suffix, and
    the chosen place's."""
    return frozenset({m.name for m in places} | ({place.name} if place else set()))


class TermWeights(NamedTuple):
    """The sublinear term weights of a message's texts with these place names cut out (:func:`term_weights`)."""

    place_words: frozenset[str]
    weights: dict[str, float]


def term_weights(
    title: str,
    body: str,
    segmenter: Segmenter,
    place_words: frozenset[str],
    *,
    title_weight: int = 2,
    language: Language | None = None,
) -> TermWeights:
    """The sublinear term weights of a normalised ``title`` and ``body`` with ``place_words`` cut out
    (the problem terms of :func:`extract_features`)."""
    language = language or GENERAL
    board_words = language.stopwords
    counts: dict[str, float] = {}
    for text, weight in ((title, title_weight), (body, 1)):
        for word in segmenter.words(strip_places(text, place_words, language), normalized=True):  # commas put in
            concept = CONCEPT_OF.get(word)  # before the length test: 吵, 臭, 修 are concepts
            if concept:
                counts[concept] = counts.get(concept, 0.0) + weight
            if len(word) < 2 or word in PROBLEM_STOPWORDS or word in board_words or _ASCII_CODE.match(word):
                continue
            counts[word] = counts.get(word, 0.0) + weight
            if len(word) >= 3:  # 搅拌站 ~ 搅拌厂, 油烟味 ~ 油烟: sub-words at half weight
                for sub in (word[:2], word[-2:]):
                    counts[sub] = counts.get(sub, 0.0) + weight / 2
    # character bigrams of the title make the vector robust to segmentation (58车贷案 → 车贷)
    for run in _CJK_RUN.findall(strip_places(title, place_words, language)):
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram not in PROBLEM_STOPWORDS and gram not in board_words:
                counts[gram] = counts.get(gram, 0.0) + 0.5
    return TermWeights(place_words, {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()})


def normalized_texts(doc: IssueDoc, body_chars: int) -> tuple[str, str]:
    """The normalised title and start of body of ``doc``."""
    return normalize(doc.title), normalize(doc.body[:body_chars])
