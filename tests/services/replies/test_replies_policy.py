"""The deployment's ``replies:`` section: stored when the file is applied, read back with defaults, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from massline.io.deployment_yaml import DeploymentError, load_deployment, parse_deployment
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from massline.services.policy import replies_policy

MINI = Path(__file__).parents[2] / "data" / "mini.yaml"


def test_the_replies_section_is_stored_and_read_back(deployed: Platform) -> None:
    with deployed.read() as s:
        assert replies_policy(s).min_score is None  # mini.yaml has no replies: section
    text = MINI.read_text(encoding="utf-8") + "\nreplies:\n  min_score: 0.55\n"
    spec = parse_deployment(text, "mini.yaml", base_dir=MINI.parent)
    with deployed.write() as s:
        check_apply_deployment(s, spec, passwords=deployed.passwords)
    with deployed.read() as s:
        assert replies_policy(s).min_score == 0.55


def test_a_minimum_outside_zero_to_one_is_refused() -> None:
    text = MINI.read_text(encoding="utf-8") + "\nreplies:\n  min_score: 1.5\n"
    with pytest.raises(DeploymentError, match="min_score"):
        parse_deployment(text, "mini.yaml", base_dir=MINI.parent)
    assert load_deployment(MINI).replies.min_score is None
