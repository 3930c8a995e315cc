"""Word lists of place-name boundaries in general Chinese (no deployment's names).

What cuts a name on its left (cue words), what may precede a name but never
begins one (lead words), generic words that look like names with a suffix,
and the words of company names that name no company.  The suffixes
themselves come from the deployment's :class:`~massline.analysis.places.Language`.
"""

from __future__ import annotations

import re

CJK = re.compile("[\u4e00-\u9fff]")
NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9·]")
MAX_NAME = 10
# Cut the name after these (the name starts right after the last one).
CUES = (
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
CUE_RE = re.compile("|".join(re.escape(c) for c in sorted(CUES, key=len, reverse=True)))
# A road, town or compound written right before another name: 劳动东路魅力之城 → 魅力之城.
INNER_CUT = re.compile(r"(?:街道|大道|小区|社区|新城|路|街|线|镇|乡|村)(?=[\u4e00-\u9fff]{2})")
DATE_RE = re.compile(r"(?:\d+|[一二三四五六七八九十元正两]+)(?:年|月|日|号)(?:底|初|前|后|中)?")
# Generic words that look like names with a suffix.
NOT_ROADS = frozenset(
    "跑路 套路 走路 问路 带路 引路 领路 修路 绕路 让路 铺路 挡路 堵路 拦路 过路 上路 半路 退路 后路 来路 去路 大路".split()  # noqa: E501
)
# Roads named by a direction and a number or a ring: 东六线, 北横线, 南北横线, 二环线 (not 公交线, 高压线).
LINE_RE = re.compile(r"(?:[东南西北]{1,2}[一二三四五六七八九十]{1,2}|[东南西北中]{1,2}[横纵]|[一二三四内外中]环)线")
# An industrial or business park is an area, not a residence: a company in it is more specific.
PARK_RE = re.compile(r"(?:工业|产业|科技|软件|物流|创业|创新|电商)园$|园区$")
# Words of company names that do not name one: 房地产开发有限公司 is not a name, 展星投资有限公司 is.
BUSINESS_WORDS = re.compile(
    r"有限|责任|股份|房地产|地产|开发|投资|建设|置业|物业|管理|咨询|科技|工程|发展|实业|建筑|集团"
)
VILLAGE_WORD_TAILS = frozenset("民委干长务")
# A company named only by its trade (一家物流公司) names none.
TRADE_ONLY = re.compile(
    r"(?:物流|快递|装修|家政|保安|劳务|运输|外卖|中介|电子|服装|餐饮|房产|网络|贸易|五金|机械|电器|家具|食品|化工|"
    r"包装|印刷|汽车|出租车|公交|燃气|供水|供电|电力|通信|保险|担保|小额贷款|培训|教育|文化|传媒|广告|环保|医药|"
    r"商贸|劳务派遣|人力资源|外包|这家|那家|一家|某)+"
)
# A construction site described, not named (商业综合体工地): it takes the road or district in front.
GENERIC_SITE = re.compile(r"(?:商业|住宅|在建|新建|建筑|施工|综合体|项目|楼盘|小区|附近|旁边|对面|这个|那个|一个|的)+")
# Words that never belong to a company's name (问就说公司, 有人听说公司): verbs and function words.
NOT_IN_NAME_TAGS = ("v", "d", "r", "p", "c", "u", "l")
# Tails of a company key that people leave out: 恒达电子科技 is called 恒达电子.
COMPANY_TAIL = re.compile(r"(?:科技|实业|发展|股份|有限|责任)+$")
CODE_TAIL = re.compile(r"[A-Za-z0-9]+$")
NOT_NAMES = frozenset(
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
LEAD_WORDS = frozenset(
    """
    在 到 去 从 向 往 于 自 为 给 对 把 被 让 由 和 与 及 跟 同 以 有 是 将 请 恳请 请求 感谢 谢谢 谢 多谢 致谢
    表扬 点赞 赞扬 称赞 投诉 反映 反应 举报 咨询 建议 希望 要求 关于 位于 地处 住在 住 家住 居住 来到 前往
    增开 开通 新建 修建 恳求 呼吁 求助 救救 感恩 致敬 市民 居民 业主 我 我们 我家 本人 一家 这家 那家 某 某个
    一所 这所 那所 这个 那个
    """.split()
)
# What cannot stand before 省/市/区/县 as an administrative name: 隔壁省, 外省, 很多城市.
NOT_ADMIN_HEADS = (
    "隔壁", "邻近", "相邻", "周边", "附近", "其他", "其它", "别的", "外地", "本地", "老家", "整个", "所在",
    "两个", "几个", "各个", "一个", "这个", "那个", "多个",
)  # fmt: skip
NOT_UNIT_WORDS = frozenset(
    "城市 都市 地区 市区 城区 郊区 山区 景区 园区 街区 辖区 营区 灾区 考区 病区 学区 专区 全市 全区 全县 全省 "
    "本市 我市 该市 外省 外市 超市 门市 股市 楼市 车市 夜市 上市 城县".split()
)
#: Nouns naming what an area is for (工业区, 风景区): before a unit they make a common word, not a name.
GENERIC_AREA_STEMS = frozenset(
    "游乐 风景 工业 商业 住宅 办公 老城 核心 中心 行政 功能 产业 物流 仓储 教学 宿舍 生产 绿化 旅游 度假 "
    "保税 自贸 新城 城郊 城乡 农业 林业 矿业 学校 医疗".split()
)
#: Parts of speech of a stem that make ``<stem>区`` a common word (集中区, 开发区, 生活区, 安置区).
COMMON_STEM_TAGS = frozenset({"v", "vn", "a", "ad", "d"})
#: Parts of speech of a word of two characters or more that cannot be in a unit's name (按照省市, 不同区): verbs,
#: adverbs, pronouns, prepositions, conjunctions, particles, idioms, adjectives, numerals ...
GLUED_TAGS = ("v", "d", "r", "p", "c", "u", "l", "a", "m")
#: ... and of a word of one character (县是农县; not a numeral: 星沙四区 is a part of 星沙).
SINGLE_GLUED_TAGS = ("v", "p", "c", "u", "r")
#: ... but development zones are units whatever their words: 经开区, 高开区, 南湖新区, 昭山示范区.
ZONE_STEMS = ("经开", "高开", "高新", "新", "示范")
UNIT_RE = re.compile(r"(?<![小片校景园社厂街])(?:省|市|区|县)(?!场|民)")
TOWN_TAIL_RE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:街道|镇|乡)$")
ROAD_TAIL_RE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:大道|路|街)$")
# An institution name made only of generic words (人民医院, 中心医院, 实验小学, 第一中学) names no
# place by itself: it keeps the district or town in front (临川区人民医院) or is no key.
GENERIC_INSTITUTION = re.compile(
    r"(?:第?[一二三四五六七八九十]+|第\d+|人民|中心|中医|中西医结合|妇幼保健|妇幼|实验|附属|职业|技工|民办|公办|普通|"
    r"重点|育才|(?:省|市|县|区)级|县|区)+"
)

# Developers' brands whose own name reads as a compound (碧桂园 ends in 园): followed by a project
# name (碧桂园南城首府), the place is the project, not the brand that several projects share.
DEVELOPER_BRANDS = frozenset(
    "碧桂园 奥园 华侨城 绿城 阳光城 恒大 万科 保利 融创 绿地 中海 华润 龙湖 富力 荣盛 万达 金地 世茂 "
    "旭辉 中梁 融信 雅居乐 远洋 金科 蓝光 泰禾 佳兆业 宝龙 龙光 建发 首开 越秀 中铁 中建".split()
)
# Words that end a project name written after a brand (碧桂园南城首府二期房子 → 南城首府).
PROJECT_NAME_STOPS = frozenset(
    "一期 二期 三期 四期 五期 项目 楼盘 业主 开发商 物业 房子 房屋 住房 精装 交房 售楼部 小区 维权 质量".split()
)
