"""Build the table of common words the reply matcher discounts (massline/data/replies/common_words.tsv).

    python scripts/replies/word_rarity.py [--data ../shared/data/tipdm2020c] [--min-df 20]

Every message (title and detail) of the contest files and every reply of replied_messages.csv is one
document; a content bigram (:func:`massline.analysis.replies.text.bigrams`) found in more than
``--min-df`` documents is written with its document frequency, the number of documents on the
first line. Rarer words are not listed: they count fully (docs/replies.md, "Which reply sentences
answer which demand").
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from massline.analysis.replies.rarity import COMMON_WORDS
from massline.analysis.replies.text import bigrams

DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "data" / "tipdm2020c"
FILES = ("hot_messages.csv", "messages_labeled.csv", "replied_messages.csv")


def documents(folder: Path) -> list[str]:
    """The texts of ``folder``'s contest files: each message, and each reply."""
    texts = []
    for name in FILES:
        with (folder / name).open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                texts.append(f"{row['留言主题']}\n{row['留言详情']}")
                if row.get("答复意见", "").strip():
                    texts.append(row["答复意见"])
    return texts


def main(argv: list[str] | None = None) -> int:
    """Count, write the table; return 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--min-df", type=int, default=20)
    parser.add_argument("--out", type=Path, default=COMMON_WORDS)
    args = parser.parse_args(argv)
    texts = documents(args.data)
    df: Counter[str] = Counter()
    for text in texts:
        df.update(bigrams(text))
    common = sorted(((g, n) for g, n in df.items() if n > args.min_df), key=lambda x: (-x[1], x[0]))
    lines = [f"#documents\t{len(texts)}", *(f"{g}\t{n}" for g, n in common)]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(texts)} documents, {len(common)} words in more than {args.min_df}: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
