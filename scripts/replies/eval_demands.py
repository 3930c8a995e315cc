"""Precision and recall of the demand splitter's boundaries on hand-labelled messages.

    python scripts/replies/eval_demands.py [--labels tests/data/replies/demands.jsonl] [--threshold 0.5]
        [--show 5] [--rules]

``split_demands`` uses the learned splitter shipped with the package, which was trained on these
very labels: its figures here are in-sample (an upper bound). The honest, cross-validated figures
are those of ``massline replies evaluate-splitter``; ``--rules`` measures the rules alone.

The labels file has one JSON object per line: {"id", "file", "title", "body", "demands":
[{"kind": "question|action|complaint", "start", "end"}]}, spans indexing
``title.strip() + "\\n" + body.strip()``. A predicted demand matches a labelled one when
their overlap is at least --threshold of their union (one-to-one, best first); see
massline/analysis/replies/evaluation.py and docs/replies.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from massline.analysis.replies import evaluate_boundaries, match_spans, rule_demands, split_demands

DEFAULT = Path(__file__).resolve().parents[2] / "tests" / "data" / "replies" / "demands.jsonl"


def load(path: Path) -> list[dict]:
    """The labelled messages of ``path``."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    """Print the figures; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--show", type=int, default=0, help="print this many messages where the splitter differs")
    parser.add_argument("--rules", action="store_true", help="measure the rules alone, not the learned splitter")
    args = parser.parse_args(argv)
    split = rule_demands if args.rules else split_demands
    if not args.labels.is_file():
        print(f"{args.labels}: no such file", file=sys.stderr)
        return 2
    items, shown = [], 0
    for record in load(args.labels):
        text = record["title"].strip() + "\n" + record["body"].strip()
        predicted = [(d.start, d.end, d.kind) for d in split(text)]
        gold = [(d["start"], d["end"], d["kind"]) for d in record["demands"]]
        items.append((predicted, gold))
        if shown < args.show and len(match_spans(predicted, gold, args.threshold)) < max(len(predicted), len(gold)):
            shown += 1
            print(f"--- {record['id']}")
            for name, spans in (("gold", gold), ("split", predicted)):
                for s, e, k in spans:
                    print(f"  {name:5} {k:9} {' '.join(text[s:e].split())[:100]}")
    score = evaluate_boundaries(items, args.threshold)
    print(f"messages {len(items)}, labelled demands {score.gold}, predicted {score.predicted}, "
          f"matched {score.matched} (overlap/union >= {args.threshold})")  # fmt: skip
    print(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}  "
          f"kind agreement {score.kind_agreement:.3f}")  # fmt: skip
    for kind, (predicted, gold, matched_p, matched_g) in sorted(score.by_kind.items()):
        p = matched_p / predicted if predicted else 0.0
        r = matched_g / gold if gold else 0.0
        print(f"  {kind:9} labelled {gold:4}  predicted {predicted:4}  precision {p:.3f}  recall {r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
