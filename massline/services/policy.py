"""The deployment's casework policy: review before publishing, approvals, reminders, escalation, closing.

The ``casework:`` section of the deployment file (``io.deployment_spec.CaseworkSpec``)
is stored as JSON in the ``casework_policy`` site setting when the configuration
loads; ``casework_policy(session)`` reads it back (defaults when none was loaded).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from massline.io.deployment_spec import AccountabilitySpec, CaseworkSpec
from massline.models import SiteSetting

__all__ = ["AccountabilityPolicy", "CaseworkPolicy", "accountability_policy", "casework_policy"]

CaseworkPolicy = CaseworkSpec
"""The policy's type: the deployment file's ``casework:`` section, validated."""


def casework_policy(session: Session) -> CaseworkPolicy:
    """The deployment's casework policy (the defaults of ``CaseworkSpec`` when none was loaded)."""
    row = session.get(SiteSetting, "casework_policy")
    if row is None or not row.value:
        return CaseworkPolicy()
    return CaseworkPolicy.model_validate_json(row.value)


AccountabilityPolicy = AccountabilitySpec
"""The deployment file's ``accountability:`` section, validated (weights, limits, check thresholds)."""


def accountability_policy(session: Session) -> AccountabilityPolicy:
    """The deployment's accountability policy (the defaults of ``AccountabilitySpec`` when none was loaded)."""
    row = session.get(SiteSetting, "accountability_policy")
    if row is None or not row.value:
        return AccountabilityPolicy()
    return AccountabilityPolicy.model_validate_json(row.value)
