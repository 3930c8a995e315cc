"""Cues the word rules miss, as features of the learned model (never decisions on their own).

The blind audit of issue 13 found what a word list does not see: rhetorical
questions, curses, idioms and threats to go to the media or higher
authorities make a message 愤怒; harm to children, patients or old people and
hazards still going on make it 较急; wrongdoing by officials or businesses
makes it 举报. Each cue is a short list of general Chinese wording (not
fitted to any file), counted in the title and the whole text; a few pairs
(a vulnerable person *and* a harm, a hazard *and* its going on, wrongdoing
*and* an official) are features of their own. :func:`cue_row` gives one
message's row, :data:`CUE_FEATURES` the names (in Chinese, for the evidence).
"""

from __future__ import annotations

import re

__all__ = ["CUE_FEATURES", "CUES", "cue_row", "cue_words"]

#: Cue name -> wording (a regular expression of alternatives).
CUES: dict[str, str] = {
    "反问": r"难道|凭什么|岂有此理|天理何在|王法|还有没有|有没有人管|到底有没有|怎么能|谁来管|是不是要等|还要等到",
    "詈语成语": r"草菅人命|情何以堪|丧尽天良|无法无天|欺人太甚|天理难容|黑心|无耻|混蛋|畜生|流氓|土匪|强盗|缺德|"
    r"忍无可忍|官官相护|官商勾结|坑害|敷衍塞责|踢皮球|置之不理|不闻不问|石沉大海",
    "媒体上级": r"媒体|曝光|上访|信访|省委|中央|国务院|纪委|督察|微博|抖音|电视台|报社|记者|走投无路|绝望|以死|跳楼",
    "弱者": r"孩子|儿童|小孩|学生|幼儿|婴儿|病人|患者|老人|老年人|孕妇|残疾|瘫痪",
    "伤害": r"受伤|摔伤|生病|患病|中毒|住院|咳嗽|头晕|窒息|失眠|死亡|身亡|伤亡|危及|威胁|殴打|打伤|恐吓",
    "隐患": r"隐患|随时|倒塌|坍塌|垮塌|漏电|触电|燃气|煤气|起火|火灾|裂缝|危房|塌陷|高压线|掉落|坠落|溺水|深坑",
    "持续": r"至今|仍然|仍在|还在|依然|一直|每天|每晚|天天|持续|长期|多次|反复",
    "违法": r"违规|违法|非法|贪污|腐败|受贿|行贿|套取|虚报|冒领|骗取|诈骗|包庇|私自|无证|违建|偷排|偷倒|克扣|挪用|"
    r"侵占|吃空饷|以权谋私|勾结|涉嫌|举报",
    "公职": r"书记|村委|村干部|主任|局长|镇长|乡长|干部|领导|工作人员|执法人员|城管",
}
_RE = {name: re.compile(words) for name, words in CUES.items()}
#: Pairs of cues that mean more together (both in the message).
PAIRS = (("弱者", "伤害"), ("隐患", "持续"), ("违法", "公职"))
#: Names of the features of :func:`cue_row`, in its order.
CUE_FEATURES: tuple[str, ...] = (
    *(f"{prefix}{name}" for name in CUES for prefix in ("线索：", "标题线索：")),
    *(f"线索：{a}+{b}" for a, b in PAIRS),
)


def cue_row(title: str, body: str) -> list[float]:
    """One message's cue features: per cue, its count in the text (at most 5, scaled to 1) and whether the
    title has it; then one per pair of cues found together.

    >>> cue_row("孩子天天咳嗽", "工厂偷排废气")[CUE_FEATURES.index("线索：弱者+伤害")]
    1.0
    """
    text = f"{title}\n{body}"
    row: list[float] = []
    found = {}
    for name, pattern in _RE.items():
        count = len(pattern.findall(text))
        found[name] = count > 0
        row += [min(count, 5) / 5, float(bool(pattern.search(title)))]
    row += [float(found[a] and found[b]) for a, b in PAIRS]
    return row


def cue_words(title: str, body: str, name: str) -> list[str]:
    """The words of cue ``name`` (or of both cues of a pair ``a+b``) written in the message, once each."""
    text = f"{title}\n{body}"
    words: dict[str, None] = {}
    for part in name.split("+"):
        words.update(dict.fromkeys(_RE[part].findall(text)))
    return list(words)
