"""Benchmark of the category classifier on the TipDM 2020 C data.

Run ``python benchmarks/bench_classify.py [--folds 5] [--quick]``.  Prints, for
the default :class:`CategoryClassifier` and for a plain baseline (char 1–2-gram
TF-IDF + LinearSVC) measured in the same run:

* 5-fold cross-validated macro-F1 on the full labelled messages (title +
  detail), each training fold also given every labelled title of
  ``titles_labeled.csv`` except those near-identical to a test message's title
  (and the unlabelled messages of ``hot_messages.csv`` / ``replied_messages.csv``
  minus near-duplicates, for the full model);
* training time of the full model on all the data, prediction speed
  (messages/second on the 2,009 full messages) and the saved model's size.

Exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from massline.analysis.classify import CategoryClassifier, text_of
from massline.analysis.classify_eval import cross_validate

DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", "/work/shared/data")) / "tipdm2020c"


class Baseline:
    """Plain char TF-IDF + LinearSVC (title and detail as one text)."""

    def fit(self, texts: list[str], labels: list[str], **_: Any) -> Baseline:
        self.pipe = make_pipeline(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True),
            LinearSVC(),
        ).fit(texts, labels)
        return self

    def predict(self, texts: list[str]) -> list[str]:
        return list(self.pipe.predict(texts))


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the baseline")
    args = parser.parse_args(argv)
    if not (DATA / "messages_labeled.csv").is_file():
        print(f"skipped: benchmark data not found in {DATA}")
        return 0

    messages = read("messages_labeled.csv")
    titles = read("titles_labeled.csv")
    unlabeled_rows = read("hot_messages.csv") + read("replied_messages.csv")
    taxonomy = [(r["一级分类"], r["二级分类"], r["三级分类"]) for r in read("label_system.csv")]
    texts = [text_of(r["留言主题"], r["留言详情"]) for r in messages]
    labels = [r["一级标签"] for r in messages]
    extra = [text_of(r["留言主题"]) for r in titles]
    extra_labels = [r["一级标签"] for r in titles]
    unlabeled = [text_of(r["留言主题"], r["留言详情"]) for r in unlabeled_rows]
    print(
        f"data: {len(texts)} messages (tested), {len(extra)} titles and "
        f"{len(unlabeled)} unlabelled messages (training only), {len(taxonomy)} taxonomy rows"
    )

    results = {}
    if not args.quick:
        base = cross_validate(
            texts,
            labels,
            folds=args.folds,
            extra_texts=extra,
            extra_labels=extra_labels,
            make_model=Baseline,
        )
        results["baseline"] = base
        print(
            f"baseline (char 1-2 TF-IDF + LinearSVC): macro-F1 {base.macro_f1:.4f}, "
            f"train {base.train_seconds:.1f} s/fold"
        )
    full = cross_validate(
        texts,
        labels,
        folds=args.folds,
        extra_texts=extra,
        extra_labels=extra_labels,
        unlabeled=unlabeled,
        taxonomy=taxonomy,
    )
    print(full.format())
    if "baseline" in results:
        print(f"ratio macro-F1 model/baseline: {full.macro_f1 / results['baseline'].macro_f1:.4f}")

    start = time.perf_counter()
    model = CategoryClassifier().fit(texts + extra, labels + extra_labels, unlabeled=unlabeled, taxonomy=taxonomy)
    train_seconds = time.perf_counter() - start
    start = time.perf_counter()
    model.predict(texts)
    per_second = len(texts) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.joblib"
        model.save(path)
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        CategoryClassifier.load(path)
        load_seconds = time.perf_counter() - start
    print(
        f"full model: train {train_seconds:.1f} s on {model.n_train_} rows "
        f"(+{model.n_self_trained_} self-trained); predict {per_second:.0f} messages/s; "
        f"model file {size_mb:.1f} MB, loads in {load_seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
