"""The routing table's deadlines follow the deployment file's rules exactly as documented
(``DeadlineSpec.days_for``): a rule's category matches everything under it, the deeper one wins."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from massline.io.deployment_yaml import DeadlineRule, DeadlineSpec, load_deployment
from massline.models import Category
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from massline.services.intake import KINDS
from massline.services.routing import deadline_days

MINI = Path(__file__).parents[2] / "data" / "mini.yaml"
RULES = [
    DeadlineRule(category="城乡建设", days=20),
    DeadlineRule(category="城乡建设/住房保障与房地产", days=12),  # a second-level rule: its children too
    DeadlineRule(category="城乡建设/住房保障与房地产/物业服务", kind="投诉", days=4),
    DeadlineRule(category="卫生计生", kind="求助", days=3),
    DeadlineRule(kind="咨询", days=5),
]


def test_the_table_agrees_with_the_documented_rule_for_every_category_and_kind(deployed: Platform) -> None:
    spec = load_deployment(MINI)
    spec = spec.model_copy(update={"deadlines": DeadlineSpec(default_days=15, rules=RULES)})
    with deployed.write() as s:
        check_apply_deployment(s, spec, passwords=deployed.passwords)
    with deployed.read() as s:
        categories = list(s.scalars(select(Category)))
        for category in [None, *categories]:
            for kind in KINDS:
                expected = spec.deadlines.days_for(category.path if category else None, kind)
                assert deadline_days(s, category, kind) == expected, (category and category.path, kind)
        under = next(c for c in categories if c.path == "城乡建设/住房保障与房地产/物业服务")
        assert (deadline_days(s, under, "投诉"), deadline_days(s, under, "求助")) == (4, 12)
