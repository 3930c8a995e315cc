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
  messages, which it was trained on), the model file's size and loading time;
* prediction speed on held-out messages: the default model and the plain
  baseline are trained on a stratified 80 % of the labelled messages (plus the
  titles, unlabelled messages and taxonomy, minus the held-out messages'
  titles; with ``--quick`` on the 80 % alone), then predict the other 20 %
  (about 400 messages) one message at a time (a loop of
  ``predict_with_confidence([text])``, what the pipeline's classify step calls
  for a single message; the baseline ``predict([text])``), in batches of 50
  (the worker's batch) and all at once; messages/s and the latency of one
  message, the baseline's in the same run.

``--quick`` skips the cross-validation and the full models: held-out speed only.

Exits 0 with a "skipped" line when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
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
        f"(saved model, all at once, its own {len(test_texts)} training messages: see the held-out figures); "
        f"model file {size_mb:.1f} MB, loads in "
        f"{load_seconds:.1f} s; load average {os.getloadavg()[0]:.1f}"
    )


def split(labels: list[str], share: float, seed: int = 7) -> tuple[list[int], list[int]]:
    """Stratified split of the indices of ``labels``: (training, held out ``share``)."""
    rng = random.Random(seed)
    train, held = [], []
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    for label in sorted(by_label):
        rows = by_label[label]
        rng.shuffle(rows)
        cut = round(len(rows) * share)
        held += rows[:cut]
        train += rows[cut:]
    return sorted(train), sorted(held)


def speeds(predict: Callable[[list[str]], object], texts: list[str]) -> dict[str, float]:
    """Messages/s one at a time (and p50/p95 ms of one), in batches of 50, all at once."""
    predict(texts[:5])  # warm-up
    one = []
    for text in texts:
        start = time.perf_counter()
        predict([text])
        one.append(time.perf_counter() - start)
    start = time.perf_counter()
    for k in range(0, len(texts), 50):
        predict(texts[k : k + 50])
    batch50 = time.perf_counter() - start
    start = time.perf_counter()
    predict(texts)
    whole = time.perf_counter() - start
    one.sort()
    return {
        "one": len(texts) / sum(one),
        "one_p50": statistics.median(one) * 1000,
        "one_p95": one[int(0.95 * (len(one) - 1))] * 1000,
        "batch50": len(texts) / batch50,
        "all": len(texts) / whole,
    }


def held_out_speed(
    texts: list[str],
    labels: list[str],
    extra: list[str],
    extra_labels: list[str],
    unlabeled: list[str],
    taxonomy: list[tuple[str, str, str]],
    quick: bool,
) -> None:
    """Train the default model and the baseline on 80 %, time their predictions of the other 20 %; print."""
    train, held = split(labels, 0.2)
    held_texts = [texts[i] for i in held]
    train_texts, train_labels = [texts[i] for i in train], [labels[i] for i in train]
    if not quick:
        held_titles = {texts[i].split("\n", 1)[0].strip() for i in held}
        kept = [j for j, t in enumerate(extra) if t.strip() not in held_titles]
        train_texts += [extra[j] for j in kept]
        train_labels += [extra_labels[j] for j in kept]
    start = time.perf_counter()
    model = CategoryClassifier().fit(
        train_texts, train_labels, unlabeled=[] if quick else unlabeled, taxonomy=None if quick else taxonomy
    )
    trained = time.perf_counter() - start
    base = Baseline().fit(train_texts, train_labels)
    mean = statistics.mean(map(len, held_texts))
    print(
        f"\n== prediction speed on {len(held_texts)} held-out messages (mean {mean:.0f} characters), "
        f"models trained on {len(train_texts)} rows ({trained:.1f} s for the default)"
        + (" -- quick: the training messages alone" if quick else "")
    )
    results = {
        "default (NB-SVM) predict_with_confidence": speeds(model.predict_with_confidence, held_texts),
        "baseline (char TF-IDF + LinearSVC) predict": speeds(base.predict, held_texts),
    }
    for name, r in results.items():
        print(
            f"{name:44s} one at a time {r['one']:7.0f} msg/s (p50 {r['one_p50']:.2f} ms, p95 {r['one_p95']:.2f} ms)"
            f"  batches of 50 {r['batch50']:7.0f} msg/s  all at once {r['all']:7.0f} msg/s"
        )
    d, b = results.values()
    print(
        f"ratio default/baseline (time per message): one at a time {b['one'] / d['one']:.1f}x, "
        f"batches of 50 {b['batch50'] / d['batch50']:.1f}x, all {b['all'] / d['all']:.1f}x; "
        f"target >= 500 messages/s; load average {os.getloadavg()[0]:.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="held-out prediction speed only (smaller training)")
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

    held_out_speed(texts, labels, extra, extra_labels, unlabeled, taxonomy, args.quick)
    if args.quick:
        return 0
    f1: dict[str, float] = {}
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
        f"baseline (char 1-2 TF-IDF + LinearSVC): macro-F1 {base.macro_f1:.4f}, train {base.train_seconds:.1f} s/fold"
    )
    for name, factory in MODELS.items():
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
