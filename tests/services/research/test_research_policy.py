"""The ``research:`` section and the users' ``level``: loaded with the deployment, stored, read back;
defaults when a file has neither."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import select

from massline.io.deployment_yaml import ResearchSpec, load_deployment
from massline.models import User
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from massline.services.policy import research_policy
from massline.services.research import leader_level

MINI = Path(__file__).resolve().parents[2] / "data" / "mini.yaml"


def _apply(p: Platform, tmp_path: Path, change: dict) -> None:
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data.update(change.get("top", {}))
    for user in data["users"]:
        user.update(change.get("users", {}).get(user["username"], {}))
    path = tmp_path / "deployment.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with p.write() as s:
        check_apply_deployment(s, load_deployment(path), passwords=p.passwords)


def _mayor(p: Platform) -> tuple[str | None, str]:
    with p.read() as s:
        mayor = s.scalar(select(User).where(User.username == "mayor"))
        assert mayor is not None
        return mayor.research_level, leader_level(mayor)


def test_research_section_and_level_are_stored_and_read_back(deployed: Platform, tmp_path: Path) -> None:
    with deployed.read() as s:
        assert research_policy(s) == ResearchSpec()  # mini.yaml has no research: section
    assert _mayor(deployed) == (None, "city_county")  # a city
    _apply(deployed, tmp_path, {"top": {"research": {"provincial_days": 25, "hours_per_day": 7.5, "idle_minutes": 5}},
                                "users": {"mayor": {"level": "provincial"}}})  # fmt: skip
    with deployed.read() as s:
        policy = research_policy(s)
    assert (policy.provincial_days, policy.city_county_days, policy.hours_per_day, policy.idle_minutes) == (25, 60, 7.5, 5)
    assert _mayor(deployed) == ("provincial", "provincial")
    _apply(deployed, tmp_path, {})  # the level removed from the file: back to the region's
    assert _mayor(deployed) == (None, "city_county")


def test_bad_research_values_are_refused() -> None:
    with pytest.raises(ValidationError):
        ResearchSpec(hours_per_day=0)
    with pytest.raises(ValidationError):
        ResearchSpec(idle_minutes=0)
    with pytest.raises(ValidationError):
        ResearchSpec(city_county_days=400)
