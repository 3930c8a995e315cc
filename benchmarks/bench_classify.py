"""Benchmark of the category classifier on the TipDM 2020 C data.

Run ``python benchmarks/bench_classify.py [--folds 5] [--quick]``.  Prints, for
the default :class:`CategoryClassifier` (NB-SVM), the previous default
(calibrated linear SVM on char 1–3-grams) and a plain baseline (char 1–2-gram
TF-IDF + LinearSVC), all measured in the same run:

* 5-fold cross-validated macro-F1 on the full labelled messages (title +
  detail), each training fold also given every labelled title of
  ``titles_labeled.csv`` except those near-identical to a test message's title
  (and the unlabelled messages of ``hot_messages.csv`` / ``replied_messages.csv``
  minus near-duplicates, and the taxonomy, for the two category models), with
  the calibration of the top-class confidence;
* for both category models: training time on all the data, prediction speed
  of the saved and reloaded model (messages/second on the 2,009 full
  messages), the model file's size and loading time.

Exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from massline.analysis.classify import CategoryClassifier, cross_validate, text_of

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


MODELS = {
    "default (NB-SVM, char 1-4 + word 1)": CategoryClassifier,
    "previous default (calibrated SVM, char 1-3 + word 1)": lambda: CategoryClassifier(
        estimators="svm", char_ngrams=(1, 3)
    ),
}


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def full_model(
    factory: Callable[[], CategoryClassifier],
    train_texts: list[str],
    train_labels: list[str],
    unlabeled: list[str],
    taxonomy: list[tuple[str, str, str]],
    test_texts: list[str],
) -> None:
    """Train on all rows, save, reload, time the reloaded model's predictions; print the figures."""
    start = time.perf_counter()
    model = factory().fit(train_texts, train_labels, unlabeled=unlabeled, taxonomy=taxonomy)
    train_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.joblib"
        model.save(path)
        size_mb = path.stat().st_size / 1e6
        start = time.perf_counter()
        loaded = CategoryClassifier.load(path)
        load_seconds = time.perf_counter() - start
    start = time.perf_counter()
    loaded.predict_with_confidence(test_texts)
    per_second = len(test_texts) / (time.perf_counter() - start)
    print(
        f"full model: train {train_seconds:.1f} s on {model.n_train_} rows "
        f"(+{model.n_self_trained_} self-trained); predict {per_second:.0f} messages/s "
        f"(saved model, {len(test_texts)} messages); model file {size_mb:.1f} MB, loads in "
        f"{load_seconds:.1f} s; load average {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="skip the baseline and the previous default")
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

    f1: dict[str, float] = {}
    if not args.quick:
        base = cross_validate(
            texts,
            labels,
            folds=args.folds,
            extra_texts=extra,
            extra_labels=extra_labels,
            make_model=Baseline,
        )
        f1["baseline"] = base.macro_f1
        print(
            f"baseline (char 1-2 TF-IDF + LinearSVC): macro-F1 {base.macro_f1:.4f}, "
            f"train {base.train_seconds:.1f} s/fold"
        )
    for name, factory in list(MODELS.items())[: 1 if args.quick else None]:
        report = cross_validate(
            texts,
            labels,
            folds=args.folds,
            extra_texts=extra,
            extra_labels=extra_labels,
            unlabeled=unlabeled,
            taxonomy=taxonomy,
            make_model=factory,
        )
        f1[name] = report.macro_f1
        print(f"\n== {name}\n{report.format()}")
        full_model(factory, texts + extra, labels + extra_labels, unlabeled, taxonomy, texts)
    print()
    for name, score in f1.items():
        print(f"macro-F1 {score:.4f}  {name}")
    default = next(iter(MODELS))
    for name in f1:
        if name != default:
            print(f"ratio macro-F1 default/{name.split(' (')[0]}: {f1[default] / f1[name]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
