"""The deployment's policies: casework (review before publishing, approvals, reminders, escalation,
closing) and research (the leaders' research quota).

The ``casework:`` section of the deployment file (``io.deployment_spec.CaseworkSpec``)
is stored as JSON in the ``casework_policy`` site setting when the configuration
loads; ``casework_policy(session)`` reads it back (defaults when none was loaded). The ``research:``
section (``ResearchSpec``) is kept the same way in ``research_policy`` and read by ``research_policy``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from massline.io.deployment_spec import CaseworkSpec, ResearchSpec
from massline.models import SiteSetting

__all__ = ["CaseworkPolicy", "ResearchPolicy", "casework_policy", "research_policy"]

CaseworkPolicy = CaseworkSpec
"""The policy's type: the deployment file's ``casework:`` section, validated."""


def casework_policy(session: Session) -> CaseworkPolicy:
    """The deployment's casework policy (the defaults of ``CaseworkSpec`` when none was loaded)."""
    row = session.get(SiteSetting, "casework_policy")
    if row is None or not row.value:
        return CaseworkPolicy()
    return CaseworkPolicy.model_validate_json(row.value)


ResearchPolicy = ResearchSpec
"""The research quota's type: the deployment file's ``research:`` section, validated."""


def research_policy(session: Session) -> ResearchPolicy:
    """The deployment's research quota and time counting (the defaults of ``ResearchSpec`` when none was loaded)."""
    row = session.get(SiteSetting, "research_policy")
    if row is None or not row.value:
        return ResearchPolicy()
    return ResearchPolicy.model_validate_json(row.value)
