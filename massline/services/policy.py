"""The deployment's policies: casework (review before publishing, approvals, reminders, escalation,
closing) and publishing (the silent list, interview answer days).

The ``casework:`` section of the deployment file (``io.deployment_spec.CaseworkSpec``)
is stored as JSON in the ``casework_policy`` site setting when the configuration
loads; ``casework_policy(session)`` reads it back (defaults when none was loaded).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from massline.io.deployment_spec import CaseworkSpec, PublishingSpec
from massline.models import SiteSetting

__all__ = ["CaseworkPolicy", "PublishingPolicy", "casework_policy", "publishing_policy"]

CaseworkPolicy = CaseworkSpec
"""The policy's type: the deployment file's ``casework:`` section, validated."""


def casework_policy(session: Session) -> CaseworkPolicy:
    """The deployment's casework policy (the defaults of ``CaseworkSpec`` when none was loaded)."""
    row = session.get(SiteSetting, "casework_policy")
    if row is None or not row.value:
        return CaseworkPolicy()
    return CaseworkPolicy.model_validate_json(row.value)


PublishingPolicy = PublishingSpec
"""The type of the deployment file's ``publishing:`` section, validated."""


def publishing_policy(session: Session) -> PublishingPolicy:
    """The deployment's publishing policy (the defaults of ``PublishingSpec`` when none was loaded)."""
    row = session.get(SiteSetting, "publishing_policy")
    if row is None or not row.value:
        return PublishingPolicy()
    return PublishingPolicy.model_validate_json(row.value)
