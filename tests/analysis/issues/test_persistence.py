"""An issue index stored elsewhere and reloaded through the public persistence methods assigns alike."""

from __future__ import annotations

import copy
from collections.abc import Hashable
from datetime import timedelta

from massline.analysis.issues import Cluster, DocFeatures, IssueClusterer, IssueDoc, IssueIndex
from tests.analysis.issues.fixtures import CONTEST, START, synthetic_docs


class _Store:
    """What a database keeps of an index: clusters, frequencies, place keys, aliases."""

    def __init__(self, index: IssueIndex) -> None:
        self.clusters = {cid: copy.deepcopy(c) for cid, c in index.clusters.items()}
        self.df = dict(index.df)
        self.n_docs = index.n_docs
        self.vocabulary = dict(index.vocabulary.kinds)
        self.aliases = index.aliases


def _reloaded(store: _Store) -> IssueIndex:
    index = IssueIndex(language=CONTEST)
    for cluster in store.clusters.values():
        index.restore_cluster(copy.deepcopy(cluster))
    index.restore_frequencies(store.df, store.n_docs)
    for key, kind in store.vocabulary.items():
        index.vocabulary.remember(key, kind)
    index.aliases = store.aliases
    return index


NEW = [
    IssueDoc("n1", "翠竹苑捆绑销售车位还没解决", "翠竹苑开发商仍然捆绑销售车位。", START + timedelta(days=60), "x"),
    IssueDoc("n2", "幸福家园小区电梯经常故障", "幸福家园小区电梯三天两头坏，困人。", START + timedelta(days=61), "y"),
    IssueDoc("n3", "阳光花园晚上施工太吵", "阳光花园旁边工地夜里施工，噪音扰民。", START + timedelta(days=62), "z"),
]


def test_a_reloaded_index_assigns_like_the_original() -> None:
    docs, _ = synthetic_docs()
    original = IssueClusterer(language=CONTEST, dedup=False).fit(docs).index_
    reloaded = _reloaded(_Store(original))
    assert reloaded.n_docs == original.n_docs and set(reloaded.clusters) == set(original.clusters)
    for doc in NEW:
        assert reloaded.add(doc) == original.add(doc)
    assert reloaded.vocabulary.take_learnt() and not reloaded.vocabulary.take_learnt()  # learnt once, then taken


class _Provisional(IssueIndex):
    """A store's index: new clusters get a provisional id; what joined is recorded."""

    def __init__(self) -> None:
        super().__init__(language=CONTEST)
        self.joined: list[tuple[int, Hashable]] = []

    def next_cluster_id(self) -> int:
        return -1

    def join(self, cluster: Cluster, key: Hashable, features: DocFeatures) -> None:
        self.joined.append((cluster.id, key))
        super().join(cluster, key, features)


def test_hooks_id_allocator_and_join() -> None:
    index = _Provisional()
    assert index.add(NEW[0]) == -1 and index.joined == [(-1, "n1")]
    index.add_to(-1, NEW[0], index.features(NEW[2]))
    assert index.joined[-1] == (-1, "n1") and len(index.clusters[-1].members) == 2


def test_split_off_moves_messages_to_a_new_cluster() -> None:
    docs, groups = synthetic_docs()
    fitted = IssueClusterer(language=CONTEST).fit(docs)
    index = fitted.index_
    features = {d.key: f for d, f in zip(docs, fitted.features_, strict=True)}
    moving = groups["parking_a"][:2]
    source = index.label(moving[0])
    size = len(index.clusters[source].members)
    target = index.split_off(moving, features)
    assert {index.label(k) for k in moving} == {target.id} and target.id != source
    assert len(index.clusters[source].members) == size - 2 and target.place == index.clusters[source].place


def test_vocabulary_unknown_remember_take_learnt() -> None:
    index = IssueIndex(language=CONTEST)
    index.vocabulary.remember("丽发新城", "compound")
    assert index.vocabulary.unknown(["魅力之城", "丽发新城", "阳光花"]) == ["阳光花", "魅力之城"]
    assert index.vocabulary.take_learnt() == []  # remembered keys are not learnt
    index.features(IssueDoc("m", "魅力之城小区油烟扰民"))
    assert index.vocabulary.take_learnt() == [("魅力之城", "compound", 1)]
