"""The sceptic's check of the reply review: pairs where one reply is clearly better.

    python scripts/replies/pairs.py [--data ../shared/data/tipdm2020c/replied_messages.csv] [--n 1000] [--seed 14]

From a file of answered messages (the columns of ``massline replies review``) it builds
pairs of (better, worse) replies to the same message and reports, per pair type and per
criterion, how often the better one scores higher, equal or lower:

* ``unrelated`` — the message's own reply against the reply to another message (of
  another title) of the file;
* ``officialese`` — the reply against the same reply whose substantive sentences (all but
  greetings, thanks and the date line) are replaced by officialese of the same length;
* ``half`` — a message made of two messages of the file (the second after 另外，) answered
  by both replies against the first reply alone;
* ``half-padded`` — the same, against the first reply padded with the reply to a third
  message, so that both are about as long.

It also prints the correlation of 总分 (and each criterion) with the reply's length over the
file. The replies' times are the file's (both replies of a pair share them).
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from massline.analysis.replies import CRITERIA, CaseText, Review, review_reply, split_reply
from massline.analysis.replies.text import is_boilerplate
from massline.io.importers import parse_datetime

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "tipdm2020c" / "replied_messages.csv"
OFFICIALESE = [
    "我们对此高度重视，相关部门正在积极协调。",
    "下一步我们将进一步加强管理，切实解决群众关心的问题。",
    "有关部门将持续跟踪，确保各项工作落到实处。",
    "我们将统筹考虑，适时予以研究解决。",
    "相关单位已引起高度重视，正在积极推进。",
    "我们将认真研究，按照有关规定妥善处理。",
    "针对您反映的问题，我们将加大力度，多措并举。",
    "我们始终坚持以人民为中心，全心全意为人民服务。",
    "相关部门将进一步完善工作机制，形成工作合力。",
    "我们将尽快予以处理，争取早日解决。",
]
PAIR_TYPES = ("unrelated", "officialese", "half", "half-padded")


def _time(value: str) -> datetime | None:
    try:
        return parse_datetime(value, UTC)
    except ValueError:
        return None


def _officialese(length: int, rng: random.Random) -> str:
    text = ""
    while len(text) < length:
        text += rng.choice(OFFICIALESE)
    return text[: max(0, length - 1)] + "。" if length else ""


def _swap_substance(reply: str, rng: random.Random) -> str:
    """``reply`` with every substantive sentence replaced by officialese of its length."""
    parts, last = [], 0
    for start, end, sentence in split_reply(reply):
        parts.append(reply[last:start])
        parts.append(sentence if is_boilerplate(sentence) else _officialese(end - start, rng))
        last = end
    return "".join([*parts, reply[last:]])


class Pairs:
    """Counts of better > worse, = and < per pair type and criterion."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, list[int]]] = {t: {} for t in PAIR_TYPES}

    def add(self, kind: str, better: Review, worse: Review) -> None:
        """Count one pair."""
        for key in [*CRITERIA, "total"]:
            b = better.total if key == "total" else better.score(key)
            w = worse.total if key == "total" else worse.score(key)
            cell = self.counts[kind].setdefault(key, [0, 0, 0])
            cell[0 if b > w + 1e-9 else 1 if abs(b - w) <= 1e-9 else 2] += 1

    def table(self) -> str:
        """A markdown table: per pair type, the share of pairs where the better reply scores higher."""
        head = ["pair type", "pairs", *CRITERIA.values(), "总分"]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for kind, cells in self.counts.items():
            if not cells:
                continue
            n = sum(cells["total"])
            row = [kind, str(n)]
            for key in [*CRITERIA, "total"]:
                higher, equal, _ = cells[key]
                row.append(f"{higher / n:.0%} ({equal / n:.0%} =)")
            lines.append("| " + " | ".join(row) + " |")
        return "\n".join(lines)


def _pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (sx * sy) if sx and sy else 0.0


def _ranks(xs: list[float]) -> list[float]:
    order = sorted(range(len(xs)), key=xs.__getitem__)
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def main(argv: list[str] | None = None) -> int:
    """Build the pairs, print the tables; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--n", type=int, default=1000, help="pairs per type (at most the file's rows)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--deadline-days", type=float, default=15.0)
    args = parser.parse_args(argv)
    with args.data.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["答复意见"].strip()]
    rng = random.Random(args.seed)  # noqa: S311 - a reproducible sample, not a secret
    days = args.deadline_days

    def case(row: dict[str, str], title: str | None = None, body: str | None = None) -> CaseText:
        return CaseText(title or row["留言主题"], body or row["留言详情"], _time(row["留言时间"]), days)

    def review(c: CaseText, reply: str, row: dict[str, str]) -> Review:
        return review_reply(c, reply, replied_at=_time(row["答复时间"]))

    own = [review(case(r), r["答复意见"], r) for r in rows]
    lengths = [float(len(r["答复意见"])) for r in rows]
    pairs = Pairs()
    sample = rng.sample(range(len(rows)), min(args.n, len(rows)))

    def other(i: int) -> int:
        while True:
            j = rng.randrange(len(rows))
            if rows[j]["留言主题"] != rows[i]["留言主题"]:
                return j

    builders: dict[str, Callable[[int], tuple[Review, Review]]] = {
        "unrelated": lambda i: (own[i], review(case(rows[i]), rows[other(i)]["答复意见"], rows[i])),
        "officialese": lambda i: (own[i], review(case(rows[i]), _swap_substance(rows[i]["答复意见"], rng), rows[i])),
    }
    for kind, build in builders.items():
        for i in sample:
            pairs.add(kind, *build(i))
    for i in sample:
        a, b = rows[i], rows[other(i)]
        c = rows[other(i)]
        two = case(
            a,
            f"{a['留言主题'].strip()}；{b['留言主题'].strip()}",
            f"{a['留言详情'].strip()}\n另外，{b['留言详情'].strip()}",
        )
        full = review(two, a["答复意见"] + b["答复意见"], a)
        pairs.add("half", full, review(two, a["答复意见"], a))
        padding = (c["答复意见"] * (1 + len(b["答复意见"]) // max(1, len(c["答复意见"]))))[: len(b["答复意见"])]
        pairs.add("half-padded", full, review(two, a["答复意见"] + padding, a))
    print(f"{len(rows)} replies of {args.data.name}; {len(sample)} pairs per type (seed {args.seed})\n")
    print("Share of pairs where the better reply scores higher (share of ties):\n")
    print(pairs.table())
    print("\nCorrelation with the reply's length (characters) over the file (Pearson on log length; Spearman):\n")
    print("| score | Pearson | Spearman |\n|---|---|---|")
    logs = [math.log1p(x) for x in lengths]
    for key in [*CRITERIA, "total"]:
        values = [r.total if key == "total" else r.score(key) for r in own]
        label = CRITERIA.get(key, "总分")
        spearman = _pearson(_ranks(lengths), _ranks(values))
        print(f"| {label} | {_pearson(logs, values):.2f} | {spearman:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
