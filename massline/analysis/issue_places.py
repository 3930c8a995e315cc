"""Place keys for issue discovery: which compound, road, school or company a
message is about, without needing a gazetteer.

An issue is "one problem in one place", so every message gets a *place key*:
the most specific named place it is about.  Names are found by their suffix
(``…小区/花园/家园/新村/新城/苑/园``, ``…学校/小学/医院/公司/工地``,
``…村/社区``, ``…路/街/大道/巷``, ``…镇/乡/街道``); the name runs left from
the suffix over name characters and is cut after an administrative unit
(``A市A2区丽发新城小区 → 丽发新城小区``), a road in front of a compound
(``劳动东路魅力之城小区 → 魅力之城小区``), or a cue word (``投诉``, ``在``,
``附近``...).  The *core* drops generic tails (``丽发新城小区`` and
``丽发新城社区`` both have the core ``丽发新城``) and is the key.

Citizens often name a compound without its suffix (``丽发新城附近建搅拌站``,
``万科魅力之城大降价``).  :class:`PlaceVocabulary` remembers every core seen
with a suffix and finds those cores as plain substrings later, so such
messages still get their place.  Keys are compatible when one contains the
other (``魅力之城`` and ``万科魅力之城``): see :func:`compatible`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

__all__ = [
    "KIND_PRIORITY",
    "PlaceMention",
    "PlaceVocabulary",
    "compatible",
    "extract_places",
    "regions_of",
]

# kind -> suffixes (longest first when matching); priority: higher = more specific.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "compound": ("小区", "花园", "家园", "新村", "新城", "山庄", "公寓", "广场", "大厦", "公馆", "华府", "苑", "园"),
    "institution": (
        "幼儿园", "小学", "中学", "大学", "学院", "学校", "医院", "卫生院", "公司", "集团", "工地",
        "市场", "工厂", "车站", "地铁站",
    ),
    "village": ("社区", "村"),
    "road": ("大道", "路", "街", "巷", "大桥"),
    "town": ("街道", "镇", "乡"),
}  # fmt: skip
KIND_PRIORITY = {"compound": 5, "institution": 4, "village": 3, "road": 2, "town": 1}
_SUFFIX_KIND = sorted(
    ((s, k) for k, ss in _SUFFIXES.items() for s in ss),
    key=lambda sk: -len(sk[0]),
)
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s, _ in _SUFFIX_KIND))
_KIND_OF = dict(_SUFFIX_KIND)
# Tails dropped from a name to get its key (most specific first).
_GENERIC_TAILS = ("安置小区", "小区", "社区", "项目", "片区", "一期", "二期", "三期", "四期", "工地")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]")
_MAX_NAME = 10
# Cut the name after these (the name starts right after the last one).
_CUES = (
    "投诉", "反映", "反应", "举报", "关于", "建议", "请问", "咨询", "要求", "希望", "解决", "位于", "附近",
    "旁边", "对面", "周边", "隔壁", "住在", "居住", "我们", "我家", "本人", "业主", "居民", "市民", "还有",
    "以及", "就是", "以上", "这些", "那些", "几个", "个", "这种", "情况下", "期间", "知道", "处理",
    "请", "加快", "推进", "开发商", "承诺",
    "什么", "为何", "为什么", "怎么", "何时", "请求", "恳请", "强烈", "严重", "整个", "所有",
    "多个", "各个", "这个", "那个", "该", "本", "在", "住", "的", "和", "与", "及", "对", "到", "从", "给",
    "把", "被", "让", "由", "向", "是", "了", "于", "我", "你", "他", "旁", "边", "近", "原", "新建", "老旧",
    "位置", "等", "临", "沿", "门口", "修建", "建设", "设置", "新增", "增加", "开通", "改造", "拆除",
)  # fmt: skip
_INNER_CUT = re.compile(r"(?:街道|大道|小区|社区|新城|路|街|镇|乡|村)(?=[\u4e00-\u9fff]{2})")
_DATE_RE = re.compile(r"(?:\d+|[一二三四五六七八九十元正两]+)(?:年|月|日|号)(?:底|初|前|后|中)?")
_CUE_RE = re.compile("|".join(re.escape(c) for c in sorted(_CUES, key=len, reverse=True)))
# Administrative unit in front of a name: A市, A5区, 雨花区, 西地省, K9县 (but not 小区/城市).
_ADMIN_RE = re.compile(r"(?:[A-Za-z]\d*|[\u4e00-\u9fff]{2,3})(?<!小)(?:省|市|区|县)(?!场|民)")
# Generic words that look like names with a suffix.
_NOT_ROADS = frozenset(
    "跑路 走路 问路 带路 引路 领路 修路 绕路 让路 铺路 挡路 堵路 拦路 过路 上路 半路 退路 后路 来路 去路 大路 老街".split()  # noqa: E501
)
# A compound section written with a code: 五矿万境K9区 (the 区 is not a district).
_SECTION_RE = re.compile(r"[A-Za-z]\d+(?:区|县|栋|期)")
_NOT_NAMES = frozenset(
    """
    道路 马路 线路 公路 铁路 高速公路 思路 出路 走路 小路 一路 门路 网路 电路 水路 陆路 水泥路 柏油路
    沥青路 断头路 公交线路 街道 大街 逛街 上街 沿街 临街 当街 满街 小巷 花园 后花园 小区 家园 新村
    公寓 社区 农村 乡村 村 新农村 公园 校园 果园 菜园 田园 乐园 陵园 园 苑 学校 小学 中学 大学 医院
    公司 集团 工地 市场 工厂 项目 城镇 乡镇 商品房 安置小区 老小区 新小区 物业公司 开发公司 建筑工地
    施工工地 房地产公司 广场 大厦 车站 地铁站 搅拌站 城乡 一路上 开发商 幼儿园
    """.split()
)


@dataclass(frozen=True)
class PlaceMention:
    """A named place in a text: its surface ``name``, its ``key`` and kind."""

    name: str
    key: str
    kind: str
    start: int

    @property
    def priority(self) -> int:
        """How specific the kind is (compound 5 … town 1)."""
        return KIND_PRIORITY.get(self.kind, 0)


def place_key(name: str) -> str:
    """The key of a place name: generic tails dropped (``丽发新城小区 → 丽发新城``)."""
    for tail in _GENERIC_TAILS:
        if name.endswith(tail) and len(name) - len(tail) >= 2:
            return name[: -len(tail)]
    return name


def _left_name(text: str, end: int) -> str:
    """Name characters left of ``end`` (at most _MAX_NAME), cut after admin units and cues."""
    start = end
    while start > 0 and end - start < _MAX_NAME + 4 and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    head = text[start:end]
    cut = 0
    for match in _ADMIN_RE.finditer(head):
        cut = max(cut, match.end())
    for match in _DATE_RE.finditer(head):
        cut = max(cut, match.end())
    for match in _CUE_RE.finditer(head):
        cut = max(cut, match.end())
    # a road, town or compound written right before another name: 劳动东路魅力之城 → 魅力之城
    rest = head[cut:]
    for match in _INNER_CUT.finditer(rest):
        cut = max(cut, len(head) - len(rest) + match.end())
    head = head[cut:]
    return head.lstrip("0123456789·")[-_MAX_NAME:]


def extract_places(text: str, sections: bool = False) -> list[PlaceMention]:
    """Named places in ``text`` (normalised), in order, longest name per position.

    With ``sections`` (for titles), a name followed by a section code is a
    compound (``五矿万境K9区``); in long bodies that rule finds too much.

    >>> [m.key for m in extract_places("A市A2区丽发新城小区附近搅拌站噪音扰民")]
    ['丽发新城']
    """
    found: list[PlaceMention] = []
    sections_found = list(_SECTION_RE.finditer(text)) if sections else []
    matches = sorted([*_SUFFIX_RE.finditer(text), *sections_found], key=lambda m: m.start())
    for match in matches:
        suffix = match.group()
        if suffix not in _KIND_OF:  # a section code: the name before it is a compound
            head = _left_name(text, match.start())
            if len(head) >= 2 and not (found and found[-1].start + len(found[-1].name) > match.start() - len(head)):
                found.append(PlaceMention(head, head, "compound", match.start() - len(head)))
            continue
        kind = _KIND_OF[suffix]
        head = _left_name(text, match.start())
        if len(head) < 2 and not (kind == "road" and head.isdigit()):
            continue
        name = head + suffix
        start = match.start() - len(head)
        if name in _NOT_NAMES or head in _NOT_NAMES or (kind == "road" and name[-2:] in _NOT_ROADS):
            continue
        # a longer name containing the previous one replaces it: 伊景园 → 伊景园滨河苑
        while found and found[-1].start >= start:
            found.pop()
        if kind == "road" and head[-1:].isdigit():
            kind = "route"  # 809路 is a bus route
        key = place_key(name)
        if kind == "village" and key.endswith(_SUFFIXES["compound"]):
            kind = "compound"  # 丽发新城社区 is the compound 丽发新城
        found.append(PlaceMention(name, key, kind, start))
    return found


def regions_of(text: str) -> list[str]:
    """Administrative units named in ``text`` (``A市``, ``A5区``, ``西地省``), in order."""
    return list(dict.fromkeys(m.group() for m in _ADMIN_RE.finditer(text)))


def compatible(a: str, b: str) -> bool:
    """Two place keys can be the same place when one contains the other."""
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))


class PlaceVocabulary:
    """Place keys seen so far, found again in texts that omit the suffix.

    ``learn`` records the keys of names found with a suffix (keys of at least
    three characters, so ``阳光`` alone is never matched as a place);
    ``find`` returns the known keys occurring in a text, longest first at each
    position.  Matching is a set lookup per (position, length): linear in the
    text length.
    """

    MIN_KEY = 3
    MAX_KEY = 10

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.counts: Counter[str] = Counter()

    def learn(self, mentions: list[PlaceMention]) -> None:
        """Remember the keys of ``mentions`` (compounds and institutions only)."""
        for m in mentions:
            if (
                self.MIN_KEY <= len(m.key) <= self.MAX_KEY
                and m.kind in ("compound", "institution", "village")
                and re.search("[\u4e00-\u9fff]", m.key)
            ):
                self.kinds.setdefault(m.key, m.kind)
                self.counts[m.key] += 1

    def find(self, text: str) -> list[PlaceMention]:
        """Known keys occurring in ``text`` (non-overlapping, leftmost-longest)."""
        out: list[PlaceMention] = []
        i, n = 0, len(text)
        kinds = self.kinds
        while i < n:
            for length in range(min(self.MAX_KEY, n - i), self.MIN_KEY - 1, -1):
                piece = text[i : i + length]
                if piece in kinds:
                    out.append(PlaceMention(piece, piece, kinds[piece], i))
                    i += length
                    break
            else:
                i += 1
        return out
