"""The criteria a tolerance review weighs (容错纠错): what speaks for tolerance, what against."""

from __future__ import annotations

#: key -> Chinese label; the first four speak for tolerance, the last three against it
FOR_TOLERANCE = {
    "new_approach": "探索创新，无先例可循",
    "inexperience": "缺乏经验，先行先试出现失误",
    "public_interest": "出于公心，为了群众利益",
    "corrected": "及时纠错，主动消除影响",
}
AGAINST_TOLERANCE = {
    "knowing_violation": "明知故犯，违反纪律规定",
    "personal_gain": "谋取私利",
    "repeated": "经提醒后仍然重犯",
}
CRITERIA = {**FOR_TOLERANCE, **AGAINST_TOLERANCE}
DECISION_LABELS = {"exempt": "容错免责", "mitigate": "从轻减轻", "refuse": "不予容错"}
