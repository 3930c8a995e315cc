"""Varied real-length messages for the benchmarks, from the real board data when present.

    from texts import messages
    for m in messages(100_000, seed=7):  # deterministic for a seed
        m.title, m.body, m.category, m.region, m.region_name, m.kind

Each message is built from a real one of ../shared/data/tipdm2020c (the
labelled messages, the hot and the replied ones; the unlabelled ones are given
the category a char TF-IDF + LinearSVC trained on the labelled ones predicts):

* its body's length is drawn from the body lengths of the 2,009 labelled
  messages (the board's sample: mean 395 characters with whitespace collapsed;
  the hot and replied messages are shorter, 351 and 317), then filled with the message's own
  sentences in order and, when they run out, sentences of other messages of the
  same category (a long message is cut at the sentence ending nearest the drawn
  length), so texts do not repeat a cycle of a few thousand bodies;
* the data's anonymised places (``A市``, ``A3区``) become a region of the demo
  deployment (``massline/data/demo/deployment.yaml``: the city, its districts,
  streets, communities); half of the bodies start by naming the region (and a
  building number, half of those), half of the titles naming no region get
  the district's name in front; the message's ``region`` is that region's code;
* numbers (under four digits), years and dates are changed.

Without the data folder the bodies come from a few templates about the same
places, padded with extra sentences to the same length distribution.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MASSLINE_BENCH_DATA", str(ROOT.parent / "shared" / "data"))) / "tipdm2020c"
DEMO = ROOT / "massline" / "data" / "demo"
KIND_WEIGHTS = {"投诉": 45, "求助": 12, "咨询": 25, "建言": 12, "表扬": 3, "举报": 3}
SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
ANONYMISED = re.compile(r"[A-Z]\d*(?:市|区|县)")
DATE = re.compile(r"(20[01]\d|202[0-6])(年|/|-)(\d{1,2})(月|/|-)(\d{1,2})(日?)")
YEAR = re.compile(r"(20[01]\d|202[0-6])年")
NUMBER = re.compile(r"(?<![A-Za-z\d])(\d{1,3})(?!\d)(\s*[月日号点时]?)")
UNIT_RANGE = {"月": 12, "日": 28, "号": 28, "点": 23, "时": 23}
TEMPLATES = [
    ("{place}{thing}噪音扰民问题", "{place}附近{thing}每天晚上十点以后仍在施工，噪音很大，严重影响居民休息。"),
    ("关于{place}{thing}的咨询", "请问{place}的{thing}什么时候可以办理？需要准备哪些材料？在哪个窗口办理？"),
    ("{place}小区物业不作为", "{place}某小区物业长期不作为，{thing}坏了{n}个月没人修，业主多次反映无果。"),
    ("建议在{place}增设{thing}", "{place}人口密集，目前没有{thing}，群众出行很不方便，建议相关部门统筹规划。"),
    ("{place}拖欠工资问题", "我在{place}某公司工作，公司已拖欠{thing}工资{n}个月，多次讨要无果。"),
]
THINGS = ["公交站", "工地", "路灯", "停车场", "医保报销", "农民工", "学校", "垃圾站", "菜市场", "电梯"]
CATEGORIES = ["城乡建设", "劳动和社会保障", "教育文体", "商贸旅游", "环境保护", "卫生计生", "交通运输"]
FILLER = [
    "这个问题已经持续了{n}个月，附近的居民都很有意见。",
    "我们多次向社区和街道反映，至今没有得到答复。",
    "希望有关部门高度重视，尽快派人到现场查看并处理。",
    "打过{n}次热线电话，对方说会转交，但一直没有下文。",
    "附近住了不少老人和小孩，大家都很担心安全问题。",
    "恳请领导在百忙之中关注一下，给群众一个说法。",
    "周边有{n}栋楼约{n}百户居民，受影响的人很多。",
    "请问这种情况应该找哪个部门？有没有明确的办理时限？",
]


@dataclass(frozen=True)
class Sample:
    title: str
    body: str
    category: str
    region: str  # the demo deployment's region code
    region_name: str
    kind: str


@dataclass(frozen=True)
class _Source:
    title: str
    sentences: tuple[str, ...]
    category: str


@cache
def regions() -> list[tuple[tuple[str, str], ...]]:
    """Every path city → … → region of the demo deployment, as (code, name) pairs."""
    tree = yaml.safe_load((DEMO / "deployment.yaml").read_text(encoding="utf-8"))["regions"]
    paths: list[tuple[tuple[str, str], ...]] = []

    def walk(node: dict, path: tuple[tuple[str, str], ...]) -> None:
        here = (*path, (node["code"], node["name"]))
        paths.append(here)
        for child in node.get("children", []):
            walk(child, here)

    for node in tree:
        walk(node, ())
    return paths


def _clean(text: str) -> str:
    return " ".join(text.split())


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def _pool() -> tuple[tuple[_Source, ...], tuple[int, ...], str]:
    """The source messages, the labelled messages' body lengths and a description of where they come from."""
    if not (DATA / "messages_labeled.csv").is_file():
        return _template_pool()
    labeled = [(r["留言主题"], _clean(r["留言详情"]), r["一级标签"]) for r in _read("messages_labeled.csv")]
    n_labeled = len(labeled)
    other = [(r["留言主题"], _clean(r["留言详情"])) for r in _read("hot_messages.csv") + _read("replied_messages.csv")]
    demo = [json.loads(line) for line in (DEMO / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    labeled += [(d["title"], d["body"], d["category"]) for d in demo if d.get("category")]
    predicted = _categorise([t + " " + b[:200] for t, b, _ in labeled], [c for *_, c in labeled],
                            [t + " " + b[:200] for t, b in other])  # fmt: skip
    sources = []
    for title, body, category in labeled + [(t, b, c) for (t, b), c in zip(other, predicted, strict=True)]:
        sentences = tuple(s.strip() for s in SENTENCE.findall(body) if s.strip())
        if len(body) >= 10 and sentences:
            sources.append(_Source(_clean(title), sentences, category))
    lengths = tuple(len(b) for _, b, _ in labeled[:n_labeled] if len(b) >= 10)
    where = f"{len(sources):,} real messages of {DATA} (sentences mixed within a category)"
    return tuple(sources), lengths, where


def _categorise(texts: list[str], labels: list[str], unlabeled: list[str]) -> list[str]:
    """The first-level category of each unlabelled text (char 1–2 TF-IDF + LinearSVC)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    model = LinearSVC(random_state=0).fit(vectorizer.fit_transform(texts), labels)
    return [str(c) for c in model.predict(vectorizer.transform(unlabeled))]


def _template_pool() -> tuple[tuple[_Source, ...], tuple[int, ...], str]:
    sources = []
    for i in range(len(TEMPLATES) * len(THINGS)):
        title, body = TEMPLATES[i % len(TEMPLATES)]
        thing = THINGS[(i // len(TEMPLATES)) % len(THINGS)]
        fill = [FILLER[(i + j) % len(FILLER)].format(n=3 + j) for j in range(4)]
        sentences = (body.format(place="A市", thing=thing, n=3), *fill)
        sources.append(_Source(title.format(place="A1区", thing=thing, n=3), sentences, CATEGORIES[i % 7]))
    rng = random.Random(0)
    lengths = tuple(max(20, min(4000, int(rng.lognormvariate(5.72, 0.75)))) for _ in range(5000))  # mean ≈ 400
    return tuple(sources), lengths, f"{DATA} not found: {len(sources)} built-in templates"


def source() -> str:
    """Where the texts come from (for a benchmark's report)."""
    return _pool()[2]


def _vary(text: str, rng: random.Random, path: tuple[tuple[str, str], ...]) -> str:
    """The anonymised places of ``text`` replaced by the region's names, numbers and dates changed."""
    city = path[0][1]
    district = path[1][1] if len(path) > 1 else rng.choice(regions()[1:])[1][1]

    def place(match: re.Match[str]) -> str:
        return city if match.group().endswith("市") else district

    def date(match: re.Match[str]) -> str:
        year = rng.randint(2021, 2026)
        return f"{year}{match.group(2)}{rng.randint(1, 12)}{match.group(4)}{rng.randint(1, 28)}{match.group(6)}"

    text = ANONYMISED.sub(place, text)
    text = DATE.sub(date, text)
    text = YEAR.sub(lambda m: f"{rng.randint(2021, 2026)}年", text)

    def number(match: re.Match[str]) -> str:
        digits, unit = match.groups()
        top = UNIT_RANGE.get(unit.strip(), 10 ** len(digits) - 1)
        return f"{rng.randint(1, top)}{unit}"

    return NUMBER.sub(number, text)


def messages(n: int, seed: int = 7) -> Iterator[Sample]:
    """``n`` varied messages of real length (deterministic for ``seed``)."""
    rng = random.Random(seed)
    sources, lengths, _ = _pool()
    by_category: dict[str, list[_Source]] = {}
    for s in sources:
        by_category.setdefault(s.category, []).append(s)
    paths = [p for p in regions() if len(p) > 1] or regions()
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    for _ in range(n):
        base = rng.choice(sources)
        target = rng.choice(lengths)
        path = rng.choice(paths)
        parts: list[str] = []
        size = 0
        if rng.random() < 0.5:
            building = f"{rng.randint(1, 40)}栋" if rng.random() < 0.5 else ""
            parts.append(f"我住在{''.join(name for _, name in path[1:])}{building}。")
            size = len(parts[0])
        sentences = list(base.sentences)
        others = by_category[base.category]
        while size < target:
            if not sentences:
                sentences = list(rng.choice(others).sentences)
                start = rng.randrange(len(sentences))  # a piece from the middle of another message
                sentences = sentences[start:]
            sentence = sentences.pop(0)
            if size >= 10 and size + len(sentence) > target and size + len(sentence) - target > target - size:
                break  # nearer the target without it
            parts.append(sentence)
            size += len(sentence)
        body = _vary("".join(parts), rng, path)[:5000]  # the platform's limit
        if len(re.sub(r"[\W_]+", "", body)) < 12:  # the platform refuses a body of under 10 characters
            body += "请相关部门尽快核实处理。"
        title = _vary(base.title, rng, path)
        if not any(name in title for _, name in path) and rng.random() < 0.5:
            title = path[1][1] + title  # as many real titles start: the district
        yield Sample(
            title=title[:60],
            body=body,
            category=base.category,
            region=path[-1][0],
            region_name=path[-1][1],
            kind=rng.choices(kinds, weights)[0],
        )


if __name__ == "__main__":  # a look at a few and at the length distribution
    import statistics
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    sample = list(messages(count))
    sizes = sorted(len(m.body) for m in sample)
    print(source())
    print(f"{count:,} messages: body mean {statistics.mean(sizes):.0f}, median {statistics.median(sizes):.0f}, "
          f"p10 {sizes[count // 10]}, p90 {sizes[9 * count // 10]}; distinct bodies {len({m.body for m in sample}):,}, "
          f"distinct titles {len({m.title for m in sample}):,}")  # fmt: skip
    for m in sample[:3]:
        print(m)
