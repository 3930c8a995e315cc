"""The deployment's casework policy: stored with the configuration, read back with defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from massline.io.deployment_yaml import CaseworkSpec
from massline.models import SiteSetting
from massline.services.policy import casework_policy


def test_defaults_when_no_policy_was_loaded(platform) -> None:
    with platform.write() as session:
        row = session.get(SiteSetting, "casework_policy")
        if row is not None:
            session.delete(row)
    with platform.read() as session:
        policy = casework_policy(session)
    assert policy.moderation == "post"
    assert policy.centre_approves_extensions is True
    assert policy.close_after_days == 7


def test_stored_policy_is_read_back(platform) -> None:
    with platform.write() as session:
        row = session.get(SiteSetting, "casework_policy") or SiteSetting(key="casework_policy", value="")
        row.value = CaseworkSpec(moderation="pre", reply_approval=True, close_after_days=0).model_dump_json()
        session.add(row)
    with platform.read() as session:
        policy = casework_policy(session)
    assert (policy.moderation, policy.reply_approval, policy.close_after_days) == ("pre", True, 0)


def test_centre_escalation_cannot_come_before_the_head() -> None:
    with pytest.raises(ValidationError, match="escalate_to_centre_after_hours"):
        CaseworkSpec(escalate_to_head_after_hours=24, escalate_to_centre_after_hours=12)
    with pytest.raises(ValidationError):
        CaseworkSpec(moderation="sometimes")  # type: ignore[arg-type]


def test_every_policy_field_has_a_chinese_label_on_the_admin_form() -> None:
    from massline.services.deployment.casework_edit import POLICY_LABELS

    assert set(POLICY_LABELS) == set(CaseworkSpec.model_fields)
