"""The deployment's policies: casework (review before publishing, approvals, reminders, escalation,
closing), research (the leaders' research quota), publishing (the silent list, interview answer
days), supervision, the reply desk and accountability (weights, limits, check thresholds).

The ``casework:`` section of the deployment file (``io.deployment_spec.CaseworkSpec``)
is stored as JSON in the ``casework_policy`` site setting when the configuration
loads; ``casework_policy(session)`` reads it back (defaults when none was loaded). The ``research:``
section (``ResearchSpec``) is kept the same way in ``research_policy`` and read by ``research_policy``.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from massline.io.deployment_spec import (
    AccountabilitySpec,
    CalendarSpec,
    CaseworkSpec,
    PublishingSpec,
    RepliesSpec,
    ResearchSpec,
    SupervisionSpec,
)
from massline.models import SiteSetting

__all__ = [
    "AccountabilityPolicy",
    "CalendarPolicy",
    "CaseworkPolicy",
    "PublishingPolicy",
    "RepliesPolicy",
    "ResearchPolicy",
    "SupervisionPolicy",
    "accountability_policy",
    "calendar_policy",
    "casework_policy",
    "publishing_policy",
    "replies_policy",
    "research_policy",
    "supervision_policy",
]

_S = TypeVar("_S", bound=BaseModel)


def _section(session: Session, key: str, spec: type[_S]) -> _S:
    """The section stored as JSON in the site setting ``key`` (its defaults when none was loaded)."""
    row = session.get(SiteSetting, key)
    if row is None or not row.value:
        return spec()
    return spec.model_validate_json(row.value)


CaseworkPolicy = CaseworkSpec
"""The policy's type: the deployment file's ``casework:`` section, validated."""


def casework_policy(session: Session) -> CaseworkPolicy:
    """The deployment's casework policy (the defaults of ``CaseworkSpec`` when none was loaded)."""
    return _section(session, "casework_policy", CaseworkPolicy)


SupervisionPolicy = SupervisionSpec
"""The supervision channel's policy: the deployment file's ``supervision:`` section, validated."""


def supervision_policy(session: Session) -> SupervisionPolicy:
    """The deployment's supervision policy (stored as ``supervision_policy`` when the file loads;
    the defaults of ``SupervisionSpec`` when none was loaded)."""
    return _section(session, "supervision_policy", SupervisionPolicy)


RepliesPolicy = RepliesSpec
"""The reply desk's policy: the deployment file's ``replies:`` section, validated."""


def replies_policy(session: Session) -> RepliesPolicy:
    """The deployment's reply-desk policy (the defaults of ``RepliesSpec`` when none was loaded)."""
    return _section(session, "replies_policy", RepliesPolicy)


ResearchPolicy = ResearchSpec
"""The research quota's type: the deployment file's ``research:`` section, validated."""


def research_policy(session: Session) -> ResearchPolicy:
    """The deployment's research quota and time counting (the defaults of ``ResearchSpec`` when none was loaded)."""
    return _section(session, "research_policy", ResearchPolicy)


PublishingPolicy = PublishingSpec
"""The type of the deployment file's ``publishing:`` section, validated."""


def publishing_policy(session: Session) -> PublishingPolicy:
    """The deployment's publishing policy (the defaults of ``PublishingSpec`` when none was loaded)."""
    return _section(session, "publishing_policy", PublishingPolicy)


AccountabilityPolicy = AccountabilitySpec
"""The deployment file's ``accountability:`` section, validated (weights, limits, check thresholds)."""


def accountability_policy(session: Session) -> AccountabilityPolicy:
    """The deployment's accountability policy (the defaults of ``AccountabilitySpec`` when none was loaded)."""
    return _section(session, "accountability_policy", AccountabilityPolicy)


CalendarPolicy = CalendarSpec
"""The deployment file's ``calendar:`` section: public holidays and adjusted working days (调休)."""


def calendar_policy(session: Session) -> CalendarPolicy:
    """The deployment's working-day calendar (Monday to Friday only when none was loaded)."""
    return _section(session, "calendar_policy", CalendarPolicy)
