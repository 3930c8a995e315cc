"""Issue discovery: group messages about the same problem in the same place.

"Two messages about the same problem in different compounds are different
issues; the same compound with two different problems are two issues."

Each message becomes :class:`DocFeatures`: a *place key* (the most specific
named place, see :mod:`massline.analysis.issue_places`; title first, then the
body) and a *problem vector* (TF-IDF of content words of title ×2 and body,
with stop-words, board boilerplate and the words of the place names removed,
L2-normalised, at most ``max_terms`` terms).

:class:`IssueIndex` assigns messages one at a time (``add(doc) -> cluster
id``).  A message joins

1. the cluster of a near-duplicate earlier message (MinHash/LSH, Jaccard ≥
   ``dedup_threshold``), whatever its place; otherwise
2. the most similar cluster whose place key is *compatible* (equal, or one
   contains the other: ``魅力之城``/``万科魅力之城``) when the cosine of its
   vector with the cluster centroid is ≥ ``threshold``; a message without a
   place may join any cluster at the stricter ``threshold_unplaced``;
3. otherwise it starts a new cluster.

Candidate clusters come from blocks, never from the whole set: all clusters of
a compatible place when the block is small, otherwise the clusters posted
under the message's top terms in that block (and, for messages without a
place, under its top terms globally, most recent ``max_scan`` per term).  The
cost of one ``add`` is therefore bounded by a constant number of cosine
computations, whatever the number of stored messages.

:class:`IssueClusterer` is the batch form (scikit-learn contract): document
frequencies and the place vocabulary are learnt from the whole batch first,
messages are added in time order, then clusters of compatible places whose
centroids are ``merge_threshold``-similar are merged (this repairs order
effects: two early messages worded differently).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from massline.analysis.dedup import LshIndex, MinHasher
from massline.analysis.issue_places import PlaceMention, PlaceVocabulary, compatible, extract_places, regions_of
from massline.analysis.text import Segmenter, normalize

__all__ = ["ConcentrateParams", "Cluster", "DocFeatures", "IssueClusterer", "IssueDoc", "IssueIndex"]

# Board boilerplate and generic complaint words: they say *that* someone
# complains, not *what about*.
PROBLEM_STOPWORDS = frozenset(
    """
    反映 反应 投诉 举报 建议 咨询 请求 要求 恳求 相关 相关部门 部门 政府 有关部门 市民 居民 业主 群众
    小区 社区 严重 解决 处理 尽快 现象 存在 影响 能够 能否 是否 何时 为何 希望 重视 关注 给予 督促 落实
    周边 附近 旁边 一下 一直 不能 不要 出现 造成 导致 目前 至今 多次 很多 许多 大量 特别 真的 已经 无法
    这么 那么 还要 需要 认为 知道 看到 发现 告知 回复 答复 了解 公司 单位 工作 人员 工作人员 百姓 老百姓
    广大 我们 他们 生活 有限公司 A市 西地省 情况 事宜 一事 此事 的话 问题 为了 以上 以下 来说 非常 谢谢
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
    "#施工": ("施工", "工地", "夜间施工", "渣土车", "挖土机"),
    "#停水停电": ("停水", "停电", "断水", "断电"),
}
CONCEPT_OF = {w: c for c, ws in CONCEPTS.items() for w in ws}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_ASCII_CODE = re.compile(r"^[A-Za-z]?\d+[A-Za-z]?$|^[A-Za-z]$")


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


@dataclass(frozen=True)
class ConcentrateParams:
    """Parameters of issue discovery (defaults tuned on the TipDM hot messages)."""

    threshold: float = 0.2  #: cosine to join a cluster of a compatible place
    threshold_unplaced: float = 0.5  #: cosine to join any cluster for a message without a place
    threshold_topic: float = 0.35  #: ... when neither has a place and they share a rare leading term
    topic_max_df: float = 0.005  #: a "rare" term occurs in at most this share of messages
    merge_threshold: float = 0.2  #: centroid cosine for merging compatible clusters (batch)
    title_weight: int = 2  #: title words count this many times
    body_chars: int = 2000  #: only the start of long bodies is read
    max_terms: int = 30  #: terms kept per message vector
    candidate_terms: int = 8  #: top terms used to find candidate clusters
    max_scan: int = 64  #: a block larger than this is searched through term postings
    dedup: bool = True  #: near-duplicate reposts always join
    dedup_threshold: float = 0.8
    num_perm: int = 64
    seed: int = 20200101


@dataclass
class DocFeatures:
    """What issue discovery extracted from one message."""

    place: PlaceMention | None
    places: tuple[PlaceMention, ...]
    regions: tuple[str, ...]
    counts: dict[str, float]
    vector: dict[str, float] = field(default_factory=dict)


@dataclass
class Cluster:
    """An issue under construction: place key, centroid and members (storable)."""

    id: int
    place: str
    centroid: dict[str, float] = field(default_factory=dict)
    norm2: float = 0.0
    members: list[Hashable] = field(default_factory=list)
    place_names: Counter[str] = field(default_factory=Counter)
    regions: Counter[str] = field(default_factory=Counter)
    posted: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  #: every member's place key (all compatible with ``place``)

    def fits(self, place: str) -> bool:
        """Is a message with this place key compatible with some member's place?"""
        return bool(place) and any(compatible(k, place) for k in self.keys or {self.place})

    def cosine(self, vector: dict[str, float]) -> float:
        """Cosine of a unit ``vector`` with the centroid."""
        if self.norm2 <= 0:
            return 0.0
        c = self.centroid
        return sum(w * c.get(t, 0.0) for t, w in vector.items()) / math.sqrt(self.norm2)

    def absorb(self, vector: dict[str, float], weight: float = 1.0) -> None:
        """Add a (unit) vector to the centroid, keeping the squared norm current."""
        c = self.centroid
        for t, w in vector.items():
            old = c.get(t, 0.0)
            new = old + w * weight
            c[t] = new
            self.norm2 += new * new - old * old

    def top_terms(self, n: int = 10) -> list[str]:
        """The centroid's heaviest terms."""
        return [t for t, _ in sorted(self.centroid.items(), key=lambda tw: -tw[1])[:n]]


def _unit(weights: dict[str, float], max_terms: int) -> dict[str, float]:
    top = sorted(weights.items(), key=lambda tw: -tw[1])[:max_terms]
    norm = math.sqrt(sum(w * w for _, w in top))
    return {t: w / norm for t, w in top} if norm > 0 else {}


class IssueIndex:
    """Incremental issue assignment with persistable state (see module doc).

    ``add(doc)`` returns the id of the cluster the message joined (existing or
    new).  State: clusters (place key, centroid, members), document
    frequencies, the place vocabulary, MinHash LSH buckets, term postings.
    """

    def __init__(self, params: ConcentrateParams | None = None, segmenter: Segmenter | None = None) -> None:
        self.params = params or ConcentrateParams()
        self.segmenter = segmenter or Segmenter()
        self.vocabulary = PlaceVocabulary()
        self.df: Counter[str] = Counter()
        self.n_docs = 0
        self.clusters: dict[int, Cluster] = {}
        self.assignment: dict[Hashable, int] = {}
        self._alias: dict[int, int] = {}
        self._blocks: dict[str, list[int]] = {}
        self._contains: dict[str, set[str]] = {}
        self._postings: dict[tuple[str, str], list[int]] = {}
        self._hasher = MinHasher(num_perm=self.params.num_perm, seed=self.params.seed)
        self._lsh = LshIndex(num_perm=self.params.num_perm, threshold=self.params.dedup_threshold)
        self._next_id = 0
        self.frozen_df = False

    # -- features -----------------------------------------------------------
    def mentions(self, doc: IssueDoc) -> tuple[list[PlaceMention], list[PlaceMention]]:
        """Places named with a suffix in the title and in the body."""
        title = extract_places(normalize(doc.title), sections=True)
        return title, extract_places(normalize(doc.body[: self.params.body_chars]))

    def features(self, doc: IssueDoc, learn: bool = True, normalized: tuple[str, str] | None = None) -> DocFeatures:
        """Place, regions and raw term weights of ``doc`` (learns its place names)."""
        title, body = normalized or (normalize(doc.title), normalize(doc.body[: self.params.body_chars]))
        title_found, body_found = extract_places(title, sections=True), extract_places(body)
        if learn:
            self.vocabulary.learn(title_found + body_found)
        place = _choose(title_found + self.vocabulary.find(title)) or _choose(
            [m for m in body_found + self.vocabulary.find(body[:300]) if m.kind in _BODY_KINDS], by_count=True
        )
        places = tuple(title_found + body_found)
        place_words = {m.name for m in places} | ({place.name} if place else set())
        counts: dict[str, float] = {}
        for text, weight in ((title, self.params.title_weight), (body, 1)):
            for word in self.segmenter.words(_strip_places(text, place_words)):
                if len(word) < 2 or word in PROBLEM_STOPWORDS or _ASCII_CODE.match(word):
                    continue
                counts[word] = counts.get(word, 0.0) + weight
                if len(word) >= 3:  # 搅拌站 ~ 搅拌厂, 油烟味 ~ 油烟: sub-words at half weight
                    for sub in (word[:2], word[-2:]):
                        counts[sub] = counts.get(sub, 0.0) + weight / 2
                concept = CONCEPT_OF.get(word)
                if concept:
                    counts[concept] = counts.get(concept, 0.0) + weight
        # character bigrams of the title make the vector robust to segmentation (58车贷案 → 车贷)
        stripped = _strip_places(title, place_words)
        for run in _CJK_RUN.findall(stripped):
            for i in range(len(run) - 1):
                gram = run[i : i + 2]
                if gram not in PROBLEM_STOPWORDS:
                    counts[gram] = counts.get(gram, 0.0) + 0.5
        tf = {t: 1.0 + math.log(c) if c >= 1 else c for t, c in counts.items()}
        return DocFeatures(place, places, tuple(regions_of(title) or regions_of(body[:200])), tf)

    def vectorize(self, features: DocFeatures) -> dict[str, float]:
        """TF-IDF unit vector of ``features`` with the current document frequencies."""
        n = self.n_docs + 1
        weights = {t: w * (math.log(n / (1 + self.df.get(t, 0))) + 1.0) for t, w in features.counts.items()}
        return _unit(weights, self.params.max_terms)

    # -- clusters -----------------------------------------------------------
    def find(self, cid: int) -> int:
        """The live cluster id of ``cid`` (after merges)."""
        while cid in self._alias:
            cid = self._alias[cid]
        return cid

    def compatible_places(self, place: str) -> set[str]:
        """Stored place keys compatible with ``place`` (itself, contained, containing)."""
        if not place:
            return set()
        out = {place} if place in self._blocks else set()
        for i in range(len(place)):
            for j in range(i + 2, len(place) + 1):
                piece = place[i:j]
                if piece in self._blocks:
                    out.add(piece)
        out |= self._contains.get(place, set())
        return {p for p in out if compatible(p, place)}

    def candidates(self, place: str, vector: dict[str, float]) -> list[int]:
        """Live clusters a message with this place and vector may join."""
        p = self.params
        terms = list(vector)[: p.candidate_terms]
        found: dict[int, None] = {}
        for key in self.compatible_places(place):
            block = self._blocks[key]
            if len(block) <= p.max_scan:
                found.update(dict.fromkeys(block))
            else:
                for t in terms:
                    found.update(dict.fromkeys(self._postings.get((key, t), [])[-p.max_scan :]))
        if not place:
            for t in terms:
                found.update(dict.fromkeys(self._postings.get(("*", t), [])[-p.max_scan :]))
        return list(dict.fromkeys(self.find(c) for c in found))

    def add(self, doc: IssueDoc, features: DocFeatures | None = None) -> int:
        """Assign ``doc`` to an existing or new cluster; return the cluster id."""
        p = self.params
        if features is None:
            features = self.features(doc)
        if not self.frozen_df:
            self.df.update(features.counts.keys())
            self.n_docs += 1
        vector = features.vector = self.vectorize(features)
        place = features.place.key if features.place else ""
        target: int | None = None
        if p.dedup:
            sig = self._hasher.signature(doc.title + "\n" + doc.body[: p.body_chars])
            for other, _ in self._lsh.query(sig):
                if other in self.assignment:
                    cid = self.find(self.assignment[other])
                    if not place or not self.clusters[cid].place or self.clusters[cid].fits(place):
                        target = cid  # a repost; the same text about another compound stays apart
                        break
            self._lsh.add(doc.key, sig)
        if target is None and vector:
            best, best_sim = None, 0.0
            head = self._rare_head(vector)
            for cid in self.candidates(place, vector):
                cluster = self.clusters[cid]
                sim = cluster.cosine(vector)
                if place and cluster.fits(place):
                    needed = p.threshold
                elif not place and not cluster.place and head & set(cluster.top_terms(5)):
                    needed = p.threshold_topic  # no place on either side, but the same leading term
                else:
                    needed = p.threshold_unplaced
                if sim >= needed and sim > best_sim:
                    best, best_sim = cid, sim
            target = best
        if target is None:
            target = self._new_cluster(place)
        self._join(self.clusters[target], doc.key, features)
        return target

    def _new_cluster(self, place: str) -> int:
        cid = self._next_id
        self._next_id += 1
        self.clusters[cid] = Cluster(cid, place, keys={place} if place else set())
        self._register_block(place)
        self._blocks[place].append(cid)
        return cid

    def _register_block(self, place: str) -> None:
        if place not in self._blocks:
            for i in range(len(place)):
                for j in range(i + 2, len(place) + 1):
                    if j - i < len(place):
                        self._contains.setdefault(place[i:j], set()).add(place)
            self._blocks[place] = []

    def _join(self, cluster: Cluster, key: Hashable, features: DocFeatures) -> None:
        vector = features.vector
        cluster.absorb(vector)
        cluster.members.append(key)
        self.assignment[key] = cluster.id
        if features.place is not None and cluster.place and cluster.fits(features.place.key):
            cluster.place_names[features.place.name] += 1
            key = features.place.key
            if key not in cluster.keys:  # the cluster is now also found under this key: 滨河苑 ~ 伊景园滨河苑
                cluster.keys.add(key)
                if key != cluster.place:
                    self._register_block(key)
                    self._blocks[key].append(cluster.id)
        cluster.regions.update(features.regions[-1:])
        self._post(cluster, list(vector)[: self.params.candidate_terms])

    def _post(self, cluster: Cluster, terms: Iterable[str]) -> None:
        for t in terms:
            if t not in cluster.posted:
                cluster.posted.add(t)
                self._postings.setdefault((cluster.place, t), []).append(cluster.id)
                self._postings.setdefault(("*", t), []).append(cluster.id)

    def merge(self, into: int, other: int) -> None:
        """Merge cluster ``other`` into ``into`` (both live ids)."""
        a, b = self.clusters[into], self.clusters.pop(other)
        for t, w in b.centroid.items():
            old = a.centroid.get(t, 0.0)
            a.centroid[t] = old + w
            a.norm2 += (old + w) ** 2 - old * old
        a.members.extend(b.members)
        a.place_names.update(b.place_names)
        a.keys |= b.keys
        for place_key in b.keys - {a.place}:
            self._register_block(place_key)
            self._blocks[place_key].append(into)
        a.regions.update(b.regions)
        for key in b.members:
            self.assignment[key] = into
        self._alias[other] = into
        self._post(a, b.posted)

    def merge_similar(self, threshold: float) -> int:
        """Merge compatible clusters whose centroids are ``threshold``-similar; return merges."""
        merged = 0
        order = sorted(self.clusters, key=lambda c: -len(self.clusters[c].members))
        for cid in order:
            if cid not in self.clusters:
                continue
            cluster = self.clusters[cid]
            unit = {t: w / math.sqrt(cluster.norm2) for t, w in cluster.centroid.items()} if cluster.norm2 else {}
            unit = _unit(unit, self.params.max_terms)
            for other in self.candidates(cluster.place, unit):
                if other == cid or other not in self.clusters:
                    continue
                o = self.clusters[other]
                if len(o.members) > len(cluster.members):
                    continue
                if bool(cluster.place) != bool(o.place):
                    continue  # a place-specific issue never melts into a general topic
                if cluster.place:
                    if not any(cluster.fits(k) for k in o.keys or {o.place}):
                        continue
                    needed = threshold
                elif self._rare_head(unit) & set(o.top_terms(5)):
                    needed = max(threshold, self.params.threshold_topic)
                else:
                    needed = max(threshold, self.params.threshold_unplaced)
                if o.cosine(unit) >= needed:
                    self.merge(cid, other)
                    merged += 1
        return merged

    def _rare_head(self, vector: dict[str, float]) -> set[str]:
        """The rare terms among the three leading terms of ``vector``."""
        rare = max(5.0, self.params.topic_max_df * self.n_docs)
        return {t for t in list(vector)[:3] if not t.startswith("#") and self.df.get(t, 0) <= rare}

    def label(self, key: Hashable) -> int:
        """Live cluster id of a stored message."""
        return self.find(self.assignment[key])


_BODY_KINDS = ("compound", "village")  # a body names many places: only residences decide
_REGION = re.compile(r"(?:[A-Za-z]\d*|西地)[省市区县]")


def _strip_places(text: str, names: set[str]) -> str:
    """``text`` with place names and administrative units replaced by a comma."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "，")
    return _REGION.sub("，", text)


def _choose(mentions: Sequence[PlaceMention], by_count: bool = False) -> PlaceMention | None:
    """The most specific mention (kind priority; then frequency in the text, then longer key, then earliest)."""
    if not mentions:
        return None
    counts = Counter(m.key for m in mentions) if by_count else Counter()
    return max(mentions, key=lambda m: (m.priority, counts[m.key], len(m.key), -m.start))


class IssueClusterer:
    """Batch issue discovery (scikit-learn contract: ``fit(docs)`` sets ``labels_``).

    ``random_state`` seeds the MinHash permutations (the rest is deterministic).
    After ``fit``: ``labels_`` (int array, clusters numbered by first message in
    input order), ``index_`` (the :class:`IssueIndex`, ready for incremental
    ``add``), ``features_`` (one :class:`DocFeatures` per input message).
    """

    def __init__(
        self,
        threshold: float = 0.2,
        threshold_unplaced: float = 0.5,
        merge_threshold: float = 0.2,
        dedup: bool = True,
        random_state: int | None = None,
        segmenter: Segmenter | None = None,
    ) -> None:
        self.threshold = threshold
        self.threshold_unplaced = threshold_unplaced
        self.merge_threshold = merge_threshold
        self.dedup = dedup
        self.random_state = random_state
        self.segmenter = segmenter

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters (scikit-learn convention)."""
        return {
            "threshold": self.threshold,
            "threshold_unplaced": self.threshold_unplaced,
            "merge_threshold": self.merge_threshold,
            "dedup": self.dedup,
            "random_state": self.random_state,
            "segmenter": self.segmenter,
        }

    def fit(self, docs: Sequence[IssueDoc], y: object = None) -> IssueClusterer:
        """Cluster ``docs``; returns self."""
        params = ConcentrateParams(
            threshold=self.threshold,
            threshold_unplaced=self.threshold_unplaced,
            merge_threshold=self.merge_threshold,
            dedup=self.dedup,
            seed=20200101 if self.random_state is None else int(self.random_state),
        )
        index = IssueIndex(params, self.segmenter)
        texts = [(normalize(d.title), normalize(d.body[: params.body_chars])) for d in docs]
        for title, body in texts:  # pass 1: the place vocabulary of the whole batch
            index.vocabulary.learn(extract_places(title, sections=True) + extract_places(body))
        features = [index.features(d, learn=False, normalized=t) for d, t in zip(docs, texts, strict=True)]
        for f in features:  # pass 2: document frequencies of the whole batch
            index.df.update(f.counts.keys())
        index.n_docs = len(docs)
        index.frozen_df = True
        order = sorted(range(len(docs)), key=lambda i: (_time_key(docs[i].time), i))
        for i in order:
            index.add(docs[i], features[i])
        index.merge_similar(params.merge_threshold)
        index.frozen_df = False
        raw = [index.label(doc.key) for doc in docs]
        renumber: dict[int, int] = {}
        labels: npt.NDArray[np.int64] = np.array([renumber.setdefault(c, len(renumber)) for c in raw], dtype=np.int64)
        self.labels_ = labels
        self.index_ = index
        self.features_ = features
        return self

    def fit_predict(self, docs: Sequence[IssueDoc], y: object = None) -> npt.NDArray[np.int64]:
        """``fit(docs).labels_``."""
        return self.fit(docs).labels_


def _time_key(t: datetime | None) -> float:
    return t.timestamp() if t is not None else math.inf
