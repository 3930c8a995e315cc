"""Prediction speed of the shipped learned models, one message at a time and in batches.

Run ``python benchmarks/bench_understanding.py [--repeat 2]``: the kind/urgency/feeling model
(``massline/data/models/understanding.joblib``, rules and cues included) and the place extractor
(``places.crfsuite``: CRF, choice, area) on every hand-labelled message of ``tests/data/labels`` (both
random draws and the targeted set; real lengths), after loading (start-up is not counted). The
baseline, measured in the same run, is the word rules alone (``rule_answers``), what answers without
a model. Each figure is given per second of wall time and per second of the process's CPU time (on
a shared machine the first depends on the load, the second much less). The contract asks for at
least 500 messages per second for the whole ``massline analyse``.
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


def _rate(n: int, run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Messages per second of wall time and per second of this process's CPU time (the best run)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        wall, cpu = min(wall, time.perf_counter() - started), min(cpu, time.process_time() - started_cpu)
    return n / wall, n / max(cpu, 1e-9)


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
    for name, (wall, cpu) in figures.items():
        print(f"  {name}: {wall:,.0f} messages/s ({cpu:,.0f} per CPU-second)")
    model_cpu = figures["kind/urgency/feeling model, batches of 1,000"][1]
    places_cpu = figures["place extractor (CRF, choice, area), one at a time"][1]
    both = 1 / (1 / model_cpu + 1 / places_cpu)
    print(f"  both models one after the other: {both:,.0f} messages per CPU-second (the contract: 500/s for analyse)")


if __name__ == "__main__":
    main()
