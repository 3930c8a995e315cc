"""Draw the targeted labelling set of issue 13: messages whose TITLE contains words often found in the
rare classes (thanks, help, danger), not in the random sample (reproducible: fixed seed).

    python scripts/labels/targeted.py ../shared/data/tipdm2020c tests/data/labels/sample.jsonl \\
        tests/data/labels/sample_targeted.jsonl

The set is biased by construction: its labels are for TRAINING the models (more 紧急, 求助, 表扬
examples); figures are measured on the random sample only. Each message is labelled on its meaning,
like any other (the words only chose which messages to read).
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

CUES = re.compile(
    r"感谢|表扬|致谢|点赞|好人好事|锦旗|求助|求救|救救|帮帮|困难|危险|隐患|火灾|起火|坍塌|倒塌|中毒|煤气|"
    r"燃气泄漏|触电|溺水|失踪|自杀|跳楼|生命|死亡|受伤|急"
)
FILES = ("messages_labeled", "replied_messages", "hot_messages")
SEED, COUNT = 20261207, 200


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def main(folder: Path, sample: Path, out: Path) -> None:
    seen = {json.loads(line)["body"] for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()}
    candidates = []
    for name in FILES:
        with (folder / f"{name}.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                body, title = _fold(row["留言详情"]), _fold(row["留言主题"])
                if body and body not in seen and CUES.search(title):
                    seen.add(body)
                    candidates.append({"id": f"{name}:{row['留言编号']}", "title": title, "body": body})
    random.Random(SEED).shuffle(candidates)  # noqa: S311 - a reproducible sample, not a secret
    picked = candidates[:COUNT]
    out.write_text("".join(json.dumps(item, ensure_ascii=False) + "\n" for item in picked), encoding="utf-8")
    print(f"{len(picked)} of {len(candidates)} candidates -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
