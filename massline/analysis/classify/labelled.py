"""Messages labelled by hand for kind, urgency and feeling, read from the label files.

A directory of labels (the repo's ``tests/data/labels/``) holds a random
sample (``sample.jsonl``: id, title, body; ``labels.jsonl``: the labels of the
same ids), optionally further random draws (``sample2.jsonl`` + ``labels2.jsonl``,
``sample3`` … ``sample5`` + their labels)
and, optionally, a targeted set of rare classes
(``sample_targeted.jsonl`` + ``labels_targeted.jsonl``). The targeted set is
for training only: it is not a random draw, so figures are computed on the
random samples (the second draw, labelled by other labellers, is also the held-out
set of :func:`~massline.analysis.classify.learned_eval.evaluate_holdout`).
Labels marked ``"unsure"`` are kept (hard cases teach too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LabelledMessage", "read_labelled"]

_SETS = (
    ("random", "sample.jsonl", "labels.jsonl"),
    ("random", "sample2.jsonl", "labels2.jsonl"),
    ("random", "sample3.jsonl", "labels3.jsonl"),
    ("random", "sample4.jsonl", "labels4.jsonl"),
    ("random", "sample5.jsonl", "labels5.jsonl"),
    ("targeted", "sample_targeted.jsonl", "labels_targeted.jsonl"),
)


@dataclass(frozen=True)
class LabelledMessage:
    """One labelled message: its text, its three labels, and which set it comes from."""

    id: str
    title: str
    body: str
    kind: str
    urgency: str
    feeling: str
    source: str  # "random" or "targeted"
    draw: str = ""  # the sample file it comes from: "sample", "sample2" or "sample_targeted"

    def label(self, task: str) -> str:
        """The label of ``task`` ("kind", "urgency" or "feeling")."""
        return str(getattr(self, task))


def _lines(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_labelled(directory: Path) -> list[LabelledMessage]:
    """The labelled messages of ``directory``: the random samples first, then the targeted set if present.

    A label without its message (or the reverse) is skipped; a message of the
    targeted set already in the random sample is read once, as random.
    """
    out: list[LabelledMessage] = []
    seen: set[str] = set()
    for source, sample_name, labels_name in _SETS:
        sample_path, labels_path = directory / sample_name, directory / labels_name
        if not (sample_path.exists() and labels_path.exists()):
            continue
        texts = {str(row["id"]): row for row in _lines(sample_path)}
        for label in _lines(labels_path):
            key = str(label["id"])
            row = texts.get(key)
            if row is None or key in seen:
                continue
            seen.add(key)
            out.append(
                LabelledMessage(
                    key,
                    str(row.get("title") or ""),
                    str(row.get("body") or ""),
                    str(label["kind"]),
                    str(label["urgency"]),
                    str(label["feeling"]),
                    source,
                    sample_name.removesuffix(".jsonl"),
                )  # fmt: skip
            )
    return out
