"""Grouping messages into issues does not depend on Python's hash seed: the same messages give the same
issues in every process (set-ordered loops once let ties fall either way: 7,227 or 7,229 issues for the
8,695 labelled messages)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import hashlib, json
from pathlib import Path
from massline.analysis.issues import IssueClusterer, IssueDoc
labels = Path("tests/data/labels")
rows = [json.loads(line) for name in ("sample", "sample2", "sample3", "sample4", "sample5")
        for line in (labels / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
fitted = IssueClusterer().fit([IssueDoc(key=r["id"], title=r["title"], body=r["body"]) for r in rows])
print(len(rows), len(set(fitted.labels_)), hashlib.sha256(str(list(fitted.labels_)).encode()).hexdigest())
"""


@pytest.mark.slow
def test_the_same_messages_give_the_same_issues_whatever_the_hash_seed() -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        for seed in ("1", "2")
    ]
    outputs = [run.communicate(timeout=600)[0].split() for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert int(outputs[0][0]) > 8000 and int(outputs[0][1]) > 1000
    assert outputs[0] == outputs[1]
