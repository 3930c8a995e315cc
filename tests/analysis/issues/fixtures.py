"""A small synthetic message set for issue-discovery tests (no real data)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from massline.analysis.issues.concentrate import IssueDoc
from massline.io.profiles import load_profile

TZ = timezone(timedelta(hours=8))
START = datetime(2024, 3, 1, 9, 0, tzinfo=TZ)
#: The messages here are written as on the contest board (A市, A1区, 西地省, 88车贷): its profile reads them.
CONTEST = load_profile("tipdm2020c").language

PARKING_A = [
    (
        "投诉A市A1区阳光花园小区开发商捆绑销售车位",
        "阳光花园小区开发商要求业主买房必须同时购买车位，否则不给交房，车位捆绑销售违法。",
    ),
    ("阳光花园小区强制捆绑车位销售", "开发商强行捆绑销售车位，一个车位十几万，我们不需要车位。"),
    ("A1区阳光花园买房必须买车位合理吗", "阳光花园开发商规定买房必须同时买车位，这种捆绑销售合理吗？"),
    ("反映阳光花园小区车位捆绑销售问题", "阳光花园小区的车位和房子捆绑销售，业主被迫购买车位。"),
    ("阳光花园开发商捆绑车位，请政府管管", "不买车位就不能签合同，开发商捆绑销售车位坑害购房者。"),
    ("坚决反对阳光花园小区捆绑销售车位", "阳光花园小区开发商捆绑车位销售，侵害消费者权益。"),
    ("阳光花园小区车位捆绑销售何时纠正", "多次反映阳光花园捆绑销售车位，至今没有纠正。"),
    ("举报A市阳光花园违规捆绑销售车位", "阳光花园购房时被要求必须购买车位，违规捆绑销售。"),
]
NOISE_A = [
    ("阳光花园小区旁工地夜间施工噪音扰民", "阳光花园小区旁边的工地每天晚上施工到凌晨，噪音太大，无法睡觉。"),
    ("A1区阳光花园附近夜间施工太吵", "阳光花园附近工地深夜施工，机器轰鸣，噪音扰民严重。"),
    ("投诉阳光花园小区周边工地深夜施工", "工地夜间施工噪音扰民，阳光花园居民无法入睡。"),
    ("阳光花园旁工地晚上施工噪音大", "晚上十一点以后工地还在施工，噪音非常大，阳光花园业主苦不堪言。"),
    ("阳光花园小区夜间施工扰民何时休", "阳光花园小区旁边工地夜间施工，噪音扰民，请求查处。"),
]
PARKING_B = [
    ("A2区翠竹苑开发商捆绑销售车位", "翠竹苑开发商要求买房必须同时购买车位，捆绑销售车位违法。"),
    ("翠竹苑强制捆绑车位销售", "翠竹苑开发商强行捆绑销售车位，我们不需要车位。"),
    ("翠竹苑买房必须买车位合理吗", "翠竹苑规定买房必须同时买车位，这种捆绑销售合理吗？"),
    ("反映翠竹苑车位捆绑销售问题", "翠竹苑的车位和房子捆绑销售，业主被迫购买车位。"),
    ("翠竹苑开发商捆绑车位，请政府管管", "不买车位就不能签合同，翠竹苑开发商捆绑销售车位。"),
    ("举报翠竹苑违规捆绑销售车位", "翠竹苑购房时被要求必须购买车位，违规捆绑销售。"),
]
SINGLETONS = [
    ("建议增加公交线路", "希望开通一条从火车站到大学城的公交线路，方便学生出行。"),
    ("咨询社保转移手续", "请问从外省转入社保需要哪些材料？"),
    ("红星路路灯不亮", "红星路的路灯坏了一个月了，晚上很黑，请尽快维修。"),
]


def synthetic_docs() -> tuple[list[IssueDoc], dict[str, list[str]]]:
    """30 messages with known groups: parking at A, noise at A, parking at B, reposts, singletons."""
    docs: list[IssueDoc] = []
    groups: dict[str, list[str]] = {}
    day = 0
    for name, items, likes in (("parking_a", PARKING_A, 5), ("noise_a", NOISE_A, 1), ("parking_b", PARKING_B, 0)):
        for i, (title, body) in enumerate(items):
            key = f"{name}-{i}"
            docs.append(IssueDoc(key, title, body, START + timedelta(days=day), f"user-{name}-{i}", likes, 0))
            groups.setdefault(name, []).append(key)
            day += 1
    # two reposts of a parking-A message by the same author, and one of a noise message
    for j, (src, group) in enumerate(
        (("parking_a-0", "parking_a"), ("parking_a-0", "parking_a"), ("noise_a-2", "noise_a"))
    ):
        original = next(d for d in docs if d.key == src)
        key = f"repost-{j}"
        docs.append(IssueDoc(key, original.title + "！", original.body, START + timedelta(days=day), original.author))
        groups[group].append(key)
        day += 1
    for i, (title, body) in enumerate(SINGLETONS):
        key = f"single-{i}"
        docs.append(IssueDoc(key, title, body, START + timedelta(days=day), f"single-{i}"))
        groups[key] = [key]
        day += 1
    return docs, groups


# One development called by its own name, by its developer's group and by the district: the
# messages naming the group or district alone about the same parking bundling belong to it.
ALIASED = [
    ("金桂苑捆绑销售车位", "金桂苑是金桥集团给职工的定向商品房，现在要求买房必须买车位。"),
    ("金桂苑强制购买车位", "东湖新城的金桂苑，金桥集团职工购买房子被强制捆绑购买车位十二万。"),
    ("反对金桂苑车位捆绑销售", "东湖新城片区的金桂苑，金桥集团要求职工一对一购买车位。"),
    ("东湖新城金桂苑捆绑车位", "金桂苑开发商和金桥集团强制捆绑销售车位，不买就取消资格。"),
    ("金桥集团强制职工购房捆绑车位", "集团要求职工买房时必须同时购买车位，否则取消购房资格。"),
    ("金桥集团职工买房必须买车位", "我们职工买房被捆绑销售车位，一个车位十二万，太不合理。"),
    ("东湖新城捆绑销售车位", "东湖新城的定向商品房强制职工购买车位，捆绑销售违法。"),
]
# The same group about another problem is another issue.
ALIAS_OTHER = ("金桥集团拖欠职工工资", "金桥集团已经三个月没有发工资了，职工生活困难，请求帮助讨薪。")
# A fraud case named by its platform (88车贷) with little wording in common, and by its company once.
CASE = [
    ("A市88车贷案件何时发布进展通报", "88车贷恶性退出，经侦立案半年，没有任何案情通报，受害人焦急。"),
    ("请书记关注A4区88车贷案", "88车贷非法经营四年，受害人六千人，请督促公安尽早发布案件进展。"),
    ("承办88车贷案警官应跟进关注留言", "88车贷案发，受害人举报投诉，经侦没有跟进领导留言，立案至今没有案情通报。"),
    ("西地省鑫源投资有限公司涉嫌诈骗", "鑫源投资有限公司设立的88车贷平台诈骗受害人三亿，案情无进展。"),
    ("88车贷老板跑路，经侦拖延办案", "鑫源投资有限公司的88车贷老板跑路美国，经侦拖延，立案半年没有案情通报。"),
    ("严惩88车贷集资诈骗案保护伞", "鑫源投资有限公司设立88车贷，爆雷后立案，承诺通报却无一实现。"),
]


def alias_docs() -> tuple[list[IssueDoc], dict[str, list[str]]]:
    """Aliased development (7), the group's other problem (1), a fraud case (6), in time order."""
    docs: list[IssueDoc] = []
    groups: dict[str, list[str]] = {}
    items = [("aliased", t, b) for t, b in ALIASED] + [("other", *ALIAS_OTHER)] + [("case", t, b) for t, b in CASE]
    for day, (name, title, body) in enumerate(items):
        key = f"{name}-{day}"
        docs.append(IssueDoc(key, title, body, START + timedelta(days=day), f"user-{day}", day % 3))
        groups.setdefault(name, []).append(key)
    return docs, groups
