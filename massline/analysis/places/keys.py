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
from dataclasses import dataclass
from functools import lru_cache

import rjieba

__all__ = [
    "KIND_PRIORITY",
    "PlaceMention",
    "compatible",
    "extract_places",
    "regions_of",
    "tag_words",
]

# kind -> suffixes (longest first when matching); priority: higher = more specific.
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "compound": (
        "小区", "花园", "家园", "新村", "新城", "山庄", "公寓", "广场", "大厦", "公馆", "华府", "华庭", "豪庭",
        "宿舍", "家属院", "家属区", "大院", "苑", "园",
    ),
    "institution": (
        "幼儿园", "小学", "中学", "大学", "学院", "学校", "医院", "卫生院", "公司", "集团", "工地",
        "市场", "工厂", "车站", "地铁站",
    ),
    "village": ("社区", "村"),
    "road": ("大道", "路", "街", "巷", "大桥"),
    "town": ("街道", "镇", "乡"),
    "case": ("车贷", "易贷", "金服"),  # a P2P platform named in a fraud case: 58车贷
}  # fmt: skip
KIND_PRIORITY = {"compound": 5, "institution": 4, "case": 4, "village": 3, "park": 3, "road": 2, "town": 1}
# An industrial or business park is an area, not a residence: a company in it is more specific.
_PARK_RE = re.compile(r"(?:工业|产业|科技|软件|物流|创业|创新|电商)园$|园区$")
_SUFFIX_KIND = sorted(
    ((s, k) for k, ss in _SUFFIXES.items() for s in ss),
    key=lambda sk: -len(sk[0]),
)
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s, _ in _SUFFIX_KIND))
_KIND_OF = dict(_SUFFIX_KIND)
# Tails dropped from a name to get its key (most specific first).
_GENERIC_TAILS = (
    "有限责任公司", "股份有限公司", "有限公司", "安置小区", "住宅小区", "小区", "社区", "项目", "片区", "一期", "二期",
    "三期", "四期", "工地",
)  # fmt: skip
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
    "政府", "部分", "这么", "那么", "影响", "污染", "密集", "半年", "脏乱差", "开放式", "封闭式", "优化",
    "满足", "询问", "公开", "加大", "增设", "设立", "救救", "联合", "进", "取消", "购买", "平台",
    "启动", "严抓", "正好", "范围", "反馈", "南侧", "北侧", "东侧", "西侧", "一侧", "两侧", "对侧",
    "以后", "以前", "之后", "之前", "情况", "晚上", "半夜", "凌晨", "白天", "每天",
    "就读", "入读", "享受", "参照", "进行", "因为", "说是", "告知", "可以", "物业",
)  # fmt: skip
_INNER_CUT = re.compile(r"(?:街道|大道|小区|社区|新城|路|街|线|镇|乡|村)(?=[\u4e00-\u9fff]{2})")
_DATE_RE = re.compile(r"(?:\d+|[一二三四五六七八九十元正两]+)(?:年|月|日|号)(?:底|初|前|后|中)?")
_CUE_RE = re.compile("|".join(re.escape(c) for c in sorted(_CUES, key=len, reverse=True)))
# Administrative unit in front of a name: A市, A5区, 雨花区, 西地省, K9县 (but not 小区/片区/校区/城市).
_ADMIN_RE = re.compile(r"(?:[A-Za-z]\d*|[\u4e00-\u9fff]{2,3})(?<![小片校景园社厂街])(?:省|市|区|县)(?!场|民)")
# Generic words that look like names with a suffix.
_NOT_ROADS = frozenset(
    "跑路 套路 走路 问路 带路 引路 领路 修路 绕路 让路 铺路 挡路 堵路 拦路 过路 上路 半路 退路 后路 来路 去路 大路".split()  # noqa: E501
)
# A compound section written with a code: 五矿万境K9区 (the 区 is not a district).
# A1区…A9县 are the city's districts on this board (A市): never a section (not 书记关注A4区).
_SECTION_RE = re.compile(r"(?:[B-Zb-z]\d+(?:区|县)|[A-Za-z]\d+(?:栋|期))")
# Roads named by a direction and a number or a ring: 东六线, 北横线, 南北横线, 二环线 (not 公交线, 高压线).
_LINE_RE = re.compile(r"(?:[东南西北]{1,2}[一二三四五六七八九十]{1,2}|[东南西北中]{1,2}[横纵]|[一二三四内外中]环)线")
# Words of company names that do not name one: 房地产开发有限公司 is not a name, 展星投资有限公司 is.
_BUSINESS_WORDS = re.compile(
    r"有限|责任|股份|房地产|地产|开发|投资|建设|置业|物业|管理|咨询|科技|工程|发展|实业|建筑|集团"
)
_ORG_END = re.compile(r"集团|公司")
_VILLAGE_WORD_TAILS = frozenset("民委干长务")
# A company named only by its trade (一家物流公司) names none.
_TRADE_ONLY = re.compile(
    r"(?:物流|快递|装修|家政|保安|劳务|运输|外卖|中介|电子|服装|餐饮|房产|网络|贸易|五金|机械|电器|家具|食品|化工|"
    r"包装|印刷|汽车|出租车|公交|燃气|供水|供电|电力|通信|保险|担保|小额贷款|培训|教育|文化|传媒|广告|环保|医药|"
    r"商贸|劳务派遣|人力资源|外包|这家|那家|一家|某)+"
)
# A construction site described, not named (商业综合体工地): it takes the road or district in front.
_GENERIC_SITE = re.compile(r"(?:商业|住宅|在建|新建|建筑|施工|综合体|项目|楼盘|小区|附近|旁边|对面|这个|那个|一个|的)+")
# Words that never belong to a company's name (问就说公司, 有人听说公司): verbs and function words.
_NOT_IN_NAME_TAGS = ("v", "d", "r", "p", "c", "u", "l")
# Tails of a company key that people leave out: 恒达电子科技 is called 恒达电子.
_COMPANY_TAIL = re.compile(r"(?:科技|实业|发展|股份|有限|责任)+$")
CJK = re.compile("[\u4e00-\u9fff]")
_CODE_TAIL = re.compile(r"[A-Za-z0-9]+$")
_NOT_NAMES = frozenset(
    """
    道路 马路 线路 公路 铁路 高速公路 思路 出路 走路 小路 一路 门路 网路 电路 水路 陆路 水泥路 柏油路
    沥青路 断头路 公交线路 街道 大街 逛街 上街 沿街 临街 当街 满街 小巷 花园 后花园 小区 家园 新村
    公寓 社区 农村 乡村 村 新农村 公园 校园 果园 菜园 田园 乐园 陵园 园 苑 学校 小学 中学 大学 医院
    公司 集团 工地 市场 工厂 项目 城镇 乡镇 商品房 安置小区 老小区 新小区 物业公司 开发公司 建筑工地
    施工工地 房地产公司 广场 大厦 车站 地铁站 搅拌站 城乡 一路上 开发商 幼儿园 老街 住宅 住宅小区 居民小区 商住小区
    """.split()
)
# Words that may precede a name but never begin one (whole segmenter tokens):
# 感谢临川区人民医院, 表扬江北区政务服务中心, 在隔壁省软件园, 为15路公交司机点赞.
_LEAD_WORDS = frozenset(
    """
    在 到 去 从 向 往 于 自 为 给 对 把 被 让 由 和 与 及 跟 同 以 有 是 将 请 恳请 请求 感谢 谢谢 谢 多谢 致谢
    表扬 点赞 赞扬 称赞 投诉 反映 反应 举报 咨询 建议 希望 要求 关于 位于 地处 住在 住 家住 居住 来到 前往
    增开 开通 新建 修建 恳求 呼吁 求助 救救 感恩 致敬 市民 居民 业主 我 我们 我家 本人 一家 这家 那家 某 某个
    一所 这所 那所 这个 那个
    """.split()
)
# What cannot stand before 省/市/区/县 as an administrative name: 隔壁省, 外省, 很多城市.
_NOT_ADMIN_HEADS = (
    "隔壁", "邻近", "相邻", "周边", "附近", "其他", "其它", "别的", "外地", "本地", "老家", "整个", "所在",
    "两个", "几个", "各个", "一个", "这个", "那个", "多个",
)  # fmt: skip
_NOT_UNIT_WORDS = frozenset(
    "城市 都市 地区 市区 城区 郊区 山区 景区 园区 街区 辖区 营区 灾区 考区 病区 学区 专区 全市 全区 全县 全省 "
    "本市 我市 该市 外省 外市 超市 门市 股市 楼市 车市 夜市 上市 城县".split()
)
_UNIT_RE = re.compile(r"(?<![小片校景园社厂街])(?:省|市|区|县)(?!场|民)")
_CODE_ADMIN_RE = re.compile(r"[A-Za-z]\d*(?:省|市|区|县)(?!场|民)")
_CODE_SPLIT_RE = re.compile(r"([A-Za-z]\d*(?:省|市|区|县))")
_TOWN_TAIL_RE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:街道|镇|乡)$")
_ROAD_TAIL_RE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:大道|路|街)$")
# An institution name made only of generic words (人民医院, 中心医院, 实验小学, 第一中学) names no
# place by itself: it keeps the district or town in front (临川区人民医院) or is no key.
_GENERIC_INSTITUTION = re.compile(
    r"(?:第?[一二三四五六七八九十]+|第\d+|人民|中心|中医|中西医结合|妇幼保健|妇幼|实验|附属|职业|技工|民办|公办|普通|"
    r"重点|育才|(?:省|市|县|区)级|县|区)+"
)


@lru_cache(maxsize=1)
def _jieba() -> rjieba.Jieba:
    """The segmenter whose word boundaries names must respect (default dictionary, one per process).

    Without HMM: an unknown name is cut into characters rather than glued to
    the word before it (jieba's HMM reads 住进武广新城 as 没住/进武广/新城).
    """
    return rjieba.Jieba()


def tag_words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (word, part-of-speech) by the segmenter place names respect.

    No HMM: an unknown name falls apart into single characters.
    """
    return [(w, t) for w, t in _jieba().tag(text, False) if w]


class _Bounds:
    """Word boundaries of a text (offsets where a segmenter token starts or ends), computed lazily."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._set: frozenset[int] | None = None

    @property
    def offsets(self) -> frozenset[int]:
        if self._set is None:
            # a code unit is cut out first: jieba reads A2区丽发新城 as A2/区丽/发/新城
            pieces = [p for p in _CODE_SPLIT_RE.split(self.text) if p]
            out, i = {0}, 0
            for piece in pieces:
                tokens = [t for t in _jieba().cut(piece, False) if t]
                if "".join(tokens) != piece:  # not normalised: no boundary information
                    self._set = frozenset(range(len(self.text) + 1))
                    return self._set
                for tok in tokens:
                    i += len(tok)
                    out.add(i)
            self._set = frozenset(out)
        return self._set

    def __contains__(self, i: int) -> bool:
        return i in self.offsets

    def splits_at(self, i: int) -> bool:
        """Whether a word ends at ``i``; decided on a window around ``i`` unless the whole text is cut already
        (cutting a long body for one question would cost more than the rest of its analysis)."""
        if self._set is not None:
            return i in self._set
        lo = max(0, i - 6)
        return i - lo in _Bounds(self.text[lo : i + 6]).offsets

    def next(self, i: int, end: int) -> int:
        """The first boundary at or after ``i`` (``end`` when none before it)."""
        offsets = self.offsets
        while i < end and i not in offsets:
            i += 1
        return i

    def strip_lead(self, start: int, end: int) -> int:
        """``start`` moved past leading tokens that are function words or verbs (在, 感谢, 表扬...)."""
        offsets = self.offsets
        while start < end:
            stop = start + 1
            while stop < end and stop not in offsets:
                stop += 1
            if self.text[start:stop] not in _LEAD_WORDS:
                break
            start = stop
        return start


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


@lru_cache(maxsize=65536)
def company_key(key: str) -> str:
    """A company's key as people say it: ``江州恒达电子科技`` → ``恒达电子``.

    Tails people leave out (科技, 实业...) are dropped, then a leading place
    name (the segmenter's ``ns``) when at least four characters remain.
    """
    short = _COMPANY_TAIL.sub("", key)
    if len(short) < 4:
        return key
    words = tag_words(short)
    if len(words) > 1 and words[0][1] == "ns" and len(words[0][0]) >= 2 and len(short) - len(words[0][0]) >= 4:
        short = short[len(words[0][0]) :]
    return short


@lru_cache(maxsize=65536)
def _name_like(head: str) -> bool:
    """No verb or function word of two characters or more, nor a function character (就, 的): 问就说 is no name."""
    for word, tag in tag_words(head):
        if tag.startswith(_NOT_IN_NAME_TAGS) and tag != "vn" and (len(word) >= 2 or tag[0] in "dpcur"):
            return False
    return True


def _left_name(text: str, end: int, keep_digits: bool = False, bounds: _Bounds | None = None) -> str:
    """Name characters left of ``end`` (at most _MAX_NAME), cut after admin units and cues.

    Leading digits are dropped (``3栋丽发新城``) unless ``keep_digits`` (``58车贷``).
    With ``bounds`` (word boundaries of ``text``), whole leading words that are
    function words or verbs are dropped (``表扬石门中学 → 石门中学``,
    ``为15路 → 15路``).  The start is not moved to a word boundary otherwise:
    jieba splits unknown names badly (``星沙派`` would lose ``星``).
    """
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
        if len(match.group()) == 1 and bounds is not None and not bounds.splits_at(start + match.end()):
            continue  # a one-character cue inside a word: 临 of 临川老街 (not 临街)
        cut = max(cut, match.end())
    # a road, town or compound written right before another name: 劳动东路魅力之城 → 魅力之城
    rest = head[cut:]
    for match in _INNER_CUT.finditer(rest):
        cut = max(cut, len(head) - len(rest) + match.end())
    base = cut
    for match in _ORG_END.finditer(head[base:]):  # no name runs through a company: 广铁集团铁路 is no road
        cut = max(cut, base + match.end())
    if bounds is not None and start + cut in bounds:
        cut = bounds.strip_lead(start + cut, end) - start
    head = head[cut:]
    if head.isdigit():  # a numbered route: 为15路 → 15路
        return head[-_MAX_NAME:]
    head = head.lstrip("·") if keep_digits else head.lstrip("0123456789·")
    if len(head) > _MAX_NAME:  # too long: keep the last words that fit (not 孩 of 小孩就读…)
        first = end - _MAX_NAME
        if bounds is not None:
            first = bounds.next(first, end)
        head = text[first:end]
    return head


def _described_only(suffix: str, kind: str, head: str) -> bool:
    """Whether a name is made only of generic words (人民医院, 第一中学, 商业综合体工地) and needs
    the district, town or road written in front of it."""
    if suffix == "工地" and _GENERIC_SITE.fullmatch(head):
        return True
    return kind == "institution" and not head.startswith("市") and bool(_GENERIC_INSTITUTION.fullmatch(head))


def _qualifier(text: str, start: int, bounds: _Bounds) -> str:
    """The district or town written right before ``start`` (``临川区`` of ``临川区人民医院``), or ``""``."""
    for region_start, region in reversed(_regions(text[:start], bounds)):
        if region_start + len(region) == start:
            return region
        break
    if text[start - 1 : start] == "市":  # 表扬市中心医院: the city's
        return "市"
    town = _TOWN_TAIL_RE.search(text, max(0, start - 6), start)
    if town:
        t0 = bounds.strip_lead(bounds.next(town.start(), start), start)
        if start - t0 >= 3:
            return text[t0:start]
    road = _ROAD_TAIL_RE.search(text, max(0, start - 8), start)  # 滨江路商业综合体工地
    if road:
        r0 = bounds.strip_lead(bounds.next(road.start(), start), start)
        if start - r0 >= 3 and text[r0:start][-2:] not in _NOT_ROADS:
            return text[r0:start]
    return ""


def extract_places(text: str, sections: bool = False) -> list[PlaceMention]:
    """Named places in ``text`` (normalised), in order, longest name per position.

    With ``sections`` (for titles), a name followed by a section code is a
    compound (``五矿万境K9区``); in long bodies that rule finds too much.

    >>> [m.key for m in extract_places("A市A2区丽发新城小区附近搅拌站噪音扰民")]
    ['丽发新城']
    """
    found: list[PlaceMention] = []
    bounds = _Bounds(text)
    sections_found = list(_SECTION_RE.finditer(text)) if sections else []
    matches = sorted([*_SUFFIX_RE.finditer(text), *sections_found, *_LINE_RE.finditer(text)], key=lambda m: m.start())
    for match in matches:
        suffix = match.group()
        if suffix.endswith("线"):  # a numbered or ring road: the match is the name
            if not (found and found[-1].start + len(found[-1].name) > match.start()):
                found.append(PlaceMention(suffix, suffix, "road", match.start()))
            continue
        if suffix not in _KIND_OF:  # a section code: the name before it is a compound (not 加大A7县)
            head = _left_name(text, match.start(), bounds=bounds)
            if len(head) >= 3 and not (found and found[-1].start + len(found[-1].name) > match.start() - len(head)):
                found.append(PlaceMention(head, head, "compound", match.start() - len(head)))
            continue
        kind = _KIND_OF[suffix]
        if suffix == "村" and text[match.end() : match.end() + 1] in _VILLAGE_WORD_TAILS:
            continue  # 村民, 村委, 村干部 are no village names (高桥村村民 is 高桥村)
        head = _left_name(text, match.start(), keep_digits=kind == "case", bounds=bounds)
        if kind == "case":  # a platform name is short: 58车贷, 余易贷, 蚂蚁金服 (not 经侦公正办理58车贷)
            code = _CODE_TAIL.search(head)
            head = code.group() if code else "" if suffix == "车贷" else head[-2:]  # 办理车贷 names none
        elif len(head) < 2 and not (kind == "road" and head.isdigit()):
            continue
        if not head:
            continue
        name = head + suffix
        start = match.start() - len(head)
        if (
            name in _NOT_NAMES
            or head in _NOT_NAMES
            or (kind == "road" and (name[-2:] in _NOT_ROADS or name.endswith("道路")))  # 丽发新城道路: a road of it
        ):
            continue
        if suffix in ("公司", "集团"):
            core = _BUSINESS_WORDS.sub("", head)
            if len(core) < 2 or _TRADE_ONLY.fullmatch(head) or not _name_like(core):
                continue  # 房地产开发有限公司, 一家物流公司, 问就说公司 name no company
        if _described_only(suffix, kind, head):
            # 人民医院, 商业综合体工地 alone are no place: 临川区人民医院, 滨江路商业综合体工地 are
            qualifier = _qualifier(text, start, bounds)
            if not qualifier:
                continue
            name, start = qualifier + name, start - len(qualifier)
        # a longer name containing the previous one replaces it: 伊景园 → 伊景园滨河苑
        while found and found[-1].start >= start:
            found.pop()
        if kind == "road" and head[-1:].isdigit():
            kind = "route"  # 809路 is a bus route
        key = place_key(name)
        if kind == "village" and key.endswith(_SUFFIXES["compound"]):
            kind = "compound"  # 丽发新城社区 is the compound 丽发新城
        elif kind == "compound" and _PARK_RE.search(name):
            kind = "park"  # 金桥工业园: an area of companies, not a residence
        elif suffix in ("公司", "集团"):
            key = company_key(key)
        found.append(PlaceMention(name, key, kind, start))
    return found


def _regions(text: str, bounds: _Bounds) -> list[tuple[int, str]]:
    """Administrative units of ``text`` with their offsets, each starting at a word boundary.

    A code (``A5区``) is taken as written; a written name takes 2–3 characters
    before the unit, starts at a word boundary (``临川区`` of ``感谢临川区``),
    loses leading function words and verbs (``恳请市`` names nothing) and is
    not a relation (``隔壁省``) nor the end of a word (``很多城市``).
    """
    out: list[tuple[int, str]] = []
    last = 0
    for unit in _UNIT_RE.finditer(text):
        u = unit.start()
        if u < last:
            continue
        starts = range(max(last, u - 4), u)
        code = next((m for i in starts if (m := _CODE_ADMIN_RE.match(text, i)) and m.end() == u + 1), None)
        if code:
            out.append((code.start(), code.group()))
            last = code.end()
            continue
        for s0 in range(max(last, u - 3), u - 1):
            if not all(CJK.match(c) for c in text[s0:u]) or s0 not in bounds:
                continue
            word = text[max(b for b in range(s0, u + 1) if b in bounds) : u + 1]
            if u + 1 not in bounds or word in _NOT_UNIT_WORDS or _common_word(word):
                continue  # the unit is inside a longer word: 城市, 地区, 区域 (not 星沙四区), or a word: 游乐区
            s1 = bounds.strip_lead(s0, u)
            if u - s1 >= 2 and not text[s1:u].startswith(_NOT_ADMIN_HEADS):
                out.append((s1, text[s1 : u + 1]))
                last = u + 1
            break
    return out


@lru_cache(maxsize=4096)
def _common_word(word: str) -> bool:
    """A dictionary word that is not a place name (游乐区, 生活区, 集中区 — not 东城区)."""
    tags = tag_words(word)
    return len(tags) == 1 and len(word) >= 3 and tags[0][1] != "ns"


def regions_of(text: str) -> list[str]:
    """Administrative units named in ``text`` (``A市``, ``A5区``, ``西地省``), in order."""
    return list(dict.fromkeys(region for _, region in _regions(text, _Bounds(text))))


def compatible(a: str, b: str) -> bool:
    """Two place keys can be the same place when one contains the other."""
    return a == b or (len(a) >= 2 and len(b) >= 2 and (a in b or b in a))
