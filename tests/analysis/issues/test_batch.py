"""Issue discovery's per-message work in forked processes gives what it gives in one process."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from massline.analysis.issues import IssueClusterer, IssueDoc, batch, cluster
from massline.analysis.issues.batch import map_chunks, processes

LABELS = Path(__file__).resolve().parents[2] / "data" / "labels"
forking = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")


@forking
def test_map_chunks_in_processes_keeps_the_order_and_what_this_process_holds() -> None:
    held = {i: i * i for i in range(1000)}  # not pickled: the children share it

    def squares(chunk: range) -> list[int]:
        return [held[i] for i in chunk]

    assert map_chunks(squares, range(1000), jobs=2, size=64) == [i * i for i in range(1000)]
    assert map_chunks(squares, range(1000), jobs=1, size=64) == [i * i for i in range(1000)]
    assert map_chunks(squares, range(0), jobs=2) == []


def test_small_batches_stay_in_this_process() -> None:
    assert processes(4, batch.MIN_FORKED - 1) == 1
    assert processes(1, 10**6) == 1


@forking
def test_clustering_in_processes_gives_the_same_issues(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [json.loads(line) for line in (LABELS / "sample.jsonl").read_text(encoding="utf-8").splitlines() if line]
    docs = [IssueDoc(key=r["id"], title=r["title"], body=r["body"]) for r in rows]
    alone = IssueClusterer().fit(docs)
    monkeypatch.setattr(batch, "MIN_FORKED", 10)
    assert processes(2, len(docs)) == 2
    forked = IssueClusterer(jobs=2).fit(docs)
    assert len(set(alone.labels_)) > 100
    assert np.array_equal(alone.labels_, forked.labels_)
    for a, b in zip(alone.features_, forked.features_, strict=True):
        assert (a.place, a.places, a.regions, a.vector) == (b.place, b.places, b.regions, b.vector)
    assert alone.index_.df == forked.index_.df
    assert alone.index_.vocabulary.counts == forked.index_.vocabulary.counts


def test_the_batch_finds_the_same_cosines_through_the_centroids_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [json.loads(line) for line in (LABELS / "sample.jsonl").read_text(encoding="utf-8").splitlines() if line]
    docs = [IssueDoc(key=r["id"], title=r["title"], body=r["body"]) for r in rows]
    scored: list[int] = []
    by_terms = cluster._BatchIndex.cosines

    def checked(self: cluster._BatchIndex, cids: Sequence[int], vector: dict[str, float]) -> list[float]:
        found = by_terms(self, cids, vector)
        if self._weights is not None:
            scored.append(len(cids))
        assert found == [self.clusters[c].cosine(vector) for c in cids]  # the same floats, not close ones
        return found

    monkeypatch.setattr(cluster._BatchIndex, "cosines", checked)
    IssueClusterer().fit(docs)
    assert len(scored) > 100 and sum(scored) > 1000
