"""The criteria about how a reply is written: interpretability (可解释性), specificity
(具体性) and plain language (平实度). Interpretability and specificity count *kinds* of
content present (each kind once, however often it occurs), so a longer reply does not
score higher by being longer; plainness is the share of the reply's characters that are
officialese from the phrase book, so it does not fall with length either.
"""

from __future__ import annotations

import re

from massline.analysis.replies.content import LOW
from massline.analysis.replies.phrasebook import find_officialese
from massline.analysis.replies.text import quote
from massline.analysis.replies.types import Criterion

_CHECKED = re.compile(
    r"经(?:查|核实|核查|调查|了解|排查|检查|检测|监测|现场)|据(?:了解|核实|调查)|调查核实|核实|查明|查实|调取|查阅|走访|"
    r"(?:现场|实地)(?:查看|勘查|核实|调查|察看|走访|检查|测量)|到现场"
)
_FOUND = re.compile(
    r"情况属实|不属实|确实|确有|确系|发现|存在|结果(?:显示|表明)|检测(?:结果|数据)|未发现|没有发现|查到|查明|看到|了解到"
)
_NAMED_RULE = re.compile(
    r"《[^》]{2,40}》|第[一二三四五六七八九十百零\d]+条|[〔\[（(]\d{4}[〕\]）)]\s*\d+\s*号|"
    r"[\u4e00-\u9fff]{2,16}(?:条例|管理办法|实施办法|实施细则|暂行规定|管理规定)"
)
_GENERIC_RULE = re.compile(r"根据|依据|按照|依照|按规定|规定|政策|标准")
_REASON = re.compile(r"因|由于|所以|原因|鉴于|导致|故(?![意障])|为此|否则")
_REFUSAL = re.compile(r"不予|无法|不能|不符合|不同意|暂不|不宜|不具备|不可以|不属于")

_WHO = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,12}(?:局|委员会|委|办公室|管理处|中心|公司|街道|政府|镇|乡|村委会|居委会|社区|中队|大队|"
    r"派出所|所|站|医院|学校|集团|物业)|[\u4e00-\u9fff]{1,3}(?:同志|主任|书记|队长|所长|站长|经理|科长|局长|镇长)"
)
_DONE = re.compile(
    r"已(?:经)?(?:于)?[^，。]{0,12}?(?:完成|修复|修好|清理|拆除|维修|整改|安装|更换|办理|发放|退还|支付|处罚|罚款|立案|约谈|"
    r"清运|疏通|查处|制止|关停|补发|签订|开工|竣工|恢复|解决|落实|到位|封堵|收回|停止|调整|开通|下达)|将(?:于|在)[^，。]{0,12}?(?:前|内|底)"
)
_WHEN = re.compile(
    r"\d{4}年\d{1,2}月|\d{1,2}月\d{1,2}日|\d+日(?:前|内)|[本下上]?月底|年底|本周|下周|\d+个?(?:工作日|日|天|周|月)内|"
    r"\d{1,2}[:：]\d{2}|[上下]午\d"
)
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:万|千|百)?(?:元|米|公里|平方|㎡|亩|户|人|名|辆|吨|套|栋|次|%|％|处|件|台|盏|棵|座|间|块|分贝|立方)"
)
_CONTACT = re.compile(r"电话|联系方式|热线|\d{3,4}-\d{7,8}|\d{7,11}|12345|联系人|邮箱|地址[:：]")
_VAGUE = re.compile(r"近期|尽快|适时|择机|下一步|逐步|有关部门|相关部门|相关单位")


def _first(pattern: re.Pattern[str], sentences: list[str]) -> str | None:
    return next((s for s in sentences if pattern.search(s)), None)


def interpretability(substantive: list[str]) -> Criterion:
    """Does the reply give its basis? 0.35 what was checked (经查, 现场查看), 0.2 what was found
    (属实, 发现), 0.3 the rule it rests on (0.3 named: 《…》, 第×条, a 条例; 0.15 only
    "according to the rules"), 0.15 a reason (因为, 由于). A refusal (不予, 无法, 不符合) with
    neither a reason nor a rule scores 60 % of that."""
    checked, found = _first(_CHECKED, substantive), _first(_FOUND, substantive)
    named, generic = _first(_NAMED_RULE, substantive), _first(_GENERIC_RULE, substantive)
    reason, refusal = _first(_REASON, substantive), _first(_REFUSAL, substantive)
    rule = 0.3 if named else 0.15 if generic else 0.0
    score = 0.35 * bool(checked) + 0.2 * bool(found) + rule + 0.15 * bool(reason)
    if refusal and not reason and not (named or generic):
        score *= 0.6
    evidence = tuple(dict.fromkeys(quote(s) for s in (checked, found, named or generic, reason) if s))
    missing = []
    if not checked:
        missing.append("核查了什么（如“经现场查看……”）")
    if not found:
        missing.append("查到的情况（属实与否、发现了什么）")
    if not named:
        missing.append("依据的规定名称和条款（如《××条例》第×条）")
    if refusal and not reason:
        missing.append(f"不能办的原因（「{quote(refusal, 20)}」没有说明原因）")
    suggestion = "请写明" + "；".join(missing) if score < LOW and missing else ""
    return Criterion("interpretability", round(score, 4), evidence, suggestion)


def specificity(substantive: list[str]) -> Criterion:
    """Who does what by when: 0.2 a named office or person, 0.2 an action done or dated,
    0.25 a date or time limit, 0.15 a figure with its unit, 0.2 a contact (phone, hotline)."""
    parts = {
        "负责的单位或人员": (_first(_WHO, substantive), 0.2),
        "做了或将做的事": (_first(_DONE, substantive), 0.2),
        "日期或期限": (_first(_WHEN, substantive), 0.25),
        "数字（数量、金额、距离）": (_first(_FIGURE, substantive), 0.15),
        "联系人或电话": (_first(_CONTACT, substantive), 0.2),
    }
    score = sum(weight for sentence, weight in parts.values() if sentence)
    evidence = tuple(dict.fromkeys(quote(s) for s, _ in parts.values() if s))
    suggestion = ""
    if score < LOW:
        missing = [name for name, (sentence, _) in parts.items() if not sentence]
        suggestion = "请写明" + "、".join(missing)
        vague = dict.fromkeys(term for s in substantive for term in _VAGUE.findall(s))
        if vague:
            suggestion += f"；把「{'」「'.join(list(vague)[:3])}」换成具体的日期或单位名称"
    return Criterion("specificity", round(min(1.0, score), 4), evidence, suggestion)


def plainness(reply: str) -> Criterion:
    """1 minus three times the share of the reply's characters that are phrase-book officialese
    (at least 0): a third of the text in formulas scores 0. Suggestions name the phrases
    found with the book's plainer alternative."""
    text = "".join(reply.split())
    if not text:
        return Criterion("plainness", 1.0)
    hits = find_officialese(text)
    share = sum(h.end - h.start for h in hits) / len(text)
    score = max(0.0, 1.0 - 3.0 * share)
    evidence = tuple(dict.fromkeys(f"「{h.text}」" for h in hits))[:6]
    suggestion = ""
    if hits and score < 0.8:
        seen: dict[str, str] = {}
        for h in hits:
            seen.setdefault(h.phrase.pattern, f"「{h.text}」→ {h.phrase.plain}（{h.phrase.kind}：{h.phrase.note}）")
        suggestion = "；".join(list(seen.values())[:3])
    return Criterion("plainness", round(score, 4), evidence, suggestion)
