"""Prediction speed of the shipped learned models, one message at a time and in batches.

Run ``python benchmarks/bench_understanding.py [--repeat 2]``: the kind/urgency/feeling model
(``massline/data/models/understanding.joblib``, rules and cues included) and the place extractor
(``places.crfsuite``: CRF, choice, area) on every hand-labelled message of ``tests/data/labels`` (both
random draws and the targeted set; real lengths), after loading (start-up is not counted). The
baseline, measured in the same run, is the word rules alone (``rule_answers``), what answers without
a model. The contract asks for at least 500 messages per second for the whole ``massline analyse``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from common import ROOT, machine

sys.path.insert(0, str(ROOT))

from massline.analysis.classify import MessageModel, read_labelled, rule_answers  # noqa: E402
from massline.analysis.places import PlaceTagger, area_of  # noqa: E402
from massline.analysis.places.spans import BODY_CHARS  # noqa: E402
from massline.io.profiles import load_profile  # noqa: E402
from massline.services.classifier import SHIPPED_MODEL  # noqa: E402
from massline.services.pipeline import PLACE_MODEL  # noqa: E402

BATCH = 1000


def _rate(n: int, run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return n / best


def main() -> None:
    """Print messages per second of each model, one at a time and in batches, beside the rules'."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measure; the best is kept")
    args = parser.parse_args()
    messages = read_labelled(ROOT / "tests" / "data" / "labels")
    titles, bodies = [m.title for m in messages], [m.body for m in messages]
    pairs = list(zip(titles, bodies, strict=True))
    n = len(pairs)
    model = MessageModel.load(SHIPPED_MODEL)
    tagger = PlaceTagger(PLACE_MODEL, load_profile("tipdm2020c").language)
    model.predict(titles[:10], bodies[:10])  # warm: the segmenter's dictionary, first calls

    def batches() -> None:
        for k in range(0, n, BATCH):
            model.predict(titles[k : k + BATCH], bodies[k : k + BATCH])

    def places() -> None:
        for title, body in pairs:
            place, spans = tagger.read(title, body)
            area_of(f"{title}\n{body[:BODY_CHARS]}", place, tagger.language, title_len=len(title), spans=spans)

    figures = {
        "rules only (baseline), one at a time": _rate(n, lambda: [rule_answers(t, b) for t, b in pairs], args.repeat),
        "kind/urgency/feeling model, batches of 1,000": _rate(n, batches, args.repeat),
        "kind/urgency/feeling model, one at a time": _rate(n, lambda: [model.predict([t], [b]) for t, b in pairs], 1),
        "place extractor (CRF, choice, area), one at a time": _rate(n, places, args.repeat),
    }
    print(f"{n} labelled messages ({sum(len(t) + len(b) for t, b in pairs) / n:.0f} characters each); {machine()}")
    for name, rate in figures.items():
        print(f"  {name}: {rate:,.0f} messages/s")
    both = 1 / (1 / figures["kind/urgency/feeling model, batches of 1,000"] + 1 / figures[
        "place extractor (CRF, choice, area), one at a time"])  # fmt: skip
    print(f"  both models one after the other (batches): {both:,.0f} messages/s (the contract: 500 for all of analyse)")


if __name__ == "__main__":
    main()
