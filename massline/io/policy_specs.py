"""The deployment file's policy sections: how this deployment runs its casework, its reply desk,
its supervision channel, the leaders' research quota and the offices' publishing — each a section
with a default for every value (older files load unchanged), stored as one JSON site setting and
read back through ``services.policy``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AccountabilitySpec",
    "CaseworkSpec",
    "PublishingSpec",
    "RepliesSpec",
    "ResearchSpec",
    "SpecBase",
    "SupervisionOfficeSpec",
    "SupervisionSpec",
]


class SpecBase(BaseModel):
    """A part of the deployment file: unknown keys refused, values frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseworkSpec(SpecBase):
    """The ``casework:`` section: how this deployment reviews, supervises and closes cases.

    Every value has a default, so older deployment files load unchanged. The
    platform reads it through ``services.policy.casework_policy``.
    """

    #: "pre": a message is public only after review (People's Daily board); "post": public at
    #: once, reviewed afterwards (a moderator can still withhold or redact it)
    moderation: Literal["pre", "post"] = "post"
    #: a reply is published only after the office head approves it
    reply_approval: bool = False
    #: transfers (退单) and deadline extensions are decided by the dispatch centre, not the office
    centre_approves_transfers: bool = True
    centre_approves_extensions: bool = True
    #: hours before the deadline at which the handler is reminded (0 = no reminder)
    remind_before_hours: int = Field(default=24, ge=0)
    #: hours past the deadline at which an overdue case goes up to the office head, then the centre
    escalate_to_head_after_hours: int = Field(default=0, ge=0)
    escalate_to_centre_after_hours: int = Field(default=48, ge=0)
    #: days after the reply after which an unrated case closes by itself (0 = only a rating closes it)
    close_after_days: int = Field(default=7, ge=0)
    #: days after the reply after which an unrated case enters the 回访 (callback) queue
    callback_after_days: int = Field(default=3, ge=0)
    #: 回访 tries without reaching the citizen after which the case closes without their answer
    callback_max_tries: int = Field(default=3, ge=1, le=10)

    @model_validator(mode="after")
    def _head_before_centre(self) -> CaseworkSpec:
        if self.escalate_to_centre_after_hours < self.escalate_to_head_after_hours:
            raise ValueError(
                "escalate_to_centre_after_hours 不能小于 escalate_to_head_after_hours "
                "(a case reaches the centre after the office head)"
            )
        return self


class SupervisionOfficeSpec(SpecBase):
    """A supervision office (纪检监察) that receives misconduct reports, and what it oversees.

    ``regions``: the regions whose offices it oversees (default: its own region);
    ``offices``: offices it oversees wherever they are (a stationed team, 派驻纪检组).
    """

    office: str
    regions: list[str] = []
    offices: list[str] = []


class SupervisionSpec(SpecBase):
    """The ``supervision:`` section: who receives misconduct reports (监督举报) and in what time.

    Every value has a default, so older deployment files load unchanged. The
    platform reads it through ``services.policy.supervision_policy``.
    """

    #: the supervision offices; a report goes to the one overseeing the accused office (same region,
    #: else the parent region's), one level up when it names the office's head
    offices: list[SupervisionOfficeSpec] = []
    #: working days within which the reporter is told the report was accepted
    accept_within_days: int = Field(default=5, gt=0)
    #: working days within which the reporter is told the outcome
    outcome_within_days: int = Field(default=60, gt=0)
    #: days after which a report is deleted with its keys (crypto-shredding)
    retention_days: int = Field(default=1825, gt=0)
    #: minutes a handler's unlocked key stays usable in their session
    unlock_minutes: int = Field(default=60, gt=0, le=1440)
class RepliesSpec(SpecBase):
    """The ``replies:`` section: the reply desk's review (services.replies).

    Every value has a default, so older deployment files load unchanged. The
    platform reads it through ``services.policy.replies_policy``.
    """

    #: a reply whose review's overall score (总分, 0–1) is below this needs the office head's approval,
    #: even where ``casework.reply_approval`` is off; none: the review never asks for approval
    min_score: float | None = Field(default=None, ge=0, le=1)
class ResearchSpec(SpecBase):
    """The ``research:`` section: the research quota (调研) of leaders and how time is counted.

    Every value has a default, so older deployment files load unchanged. The platform reads it
    through ``services.policy.research_policy``.
    """

    #: days of research a year for provincial and ministerial leaders (省部级)
    provincial_days: int = Field(default=30, ge=0, le=366)
    #: days of research a year for city and county leaders (市县级)
    city_county_days: int = Field(default=60, ge=0, le=366)
    #: hours of research that make one day
    hours_per_day: float = Field(default=8.0, gt=0, le=24)
    #: minutes without a page or an action after which a run of workbench activity ends (idle time is not counted)
    idle_minutes: int = Field(default=10, ge=1, le=120)
    #: minutes credited for the last event of each run (an isolated page view counts this much)
    event_credit_minutes: float = Field(default=1.0, ge=0, le=10)
    #: record workbench activity as online research at all
    record_activity: bool = True
    #: the cadence ledger: days without a published reply after which an office or official is listed as silent
    silent_after_days: int = Field(default=14, ge=1, le=365)
class PublishingSpec(SpecBase):
    """The ``publishing:`` section: offices speaking online (posts, interviews, the silent list).

    Every value has a default, so older deployment files load unchanged. The platform
    reads it through ``services.policy.publishing_policy``.
    """

    #: days without a post, an answer in a thread or a published reply after which an office's or
    #: leader's account is listed as silent (僵尸账号)
    silent_after_days: int = Field(default=14, ge=1, le=365)
    #: working days after an online interview's end within which its unanswered questions are answered
    interview_answer_days: int = Field(default=5, ge=1, le=60)


class AccountabilitySpec(SpecBase):
    """The ``accountability:`` section: the weights, limits and thresholds of the accountability figures.

    Every value has a default, so older deployment files load unchanged. The
    platform reads it through ``services.policy.accountability_policy``; the
    fields are those of ``analysis.accountability.Params`` (docs/accountability.md).
    """

    #: 综合得分 = weight_response × 响应率 + weight_resolution × 解决率 + weight_satisfaction × 满意率
    weight_response: float = Field(default=0.1, ge=0)
    weight_resolution: float = Field(default=0.5, ge=0)
    weight_satisfaction: float = Field(default=0.4, ge=0)
    #: a 签收 is on time within this many hours of the 派单 or 转办
    accept_hours: int = Field(default=24, ge=1)
    #: offices with fewer valid 回访 in the period are not ranked (样本不足)
    min_followups: int = Field(default=30, ge=1)
    #: periods run from this day of a month to the day before it in the next (19: the 19th to the 18th)
    period_start_day: int = Field(default=1, ge=1, le=28)
    #: funnel control limits at this many standard errors (3.09: 99.8 %, 1.96: 95 %)
    funnel_z: float = Field(default=3.09, gt=0)
    #: anti-gaming checks: at least this many cases of the pattern ...
    check_min_cases: int = Field(default=3, ge=1)
    #: ... at least this many times the rate of all offices ...
    check_ratio: float = Field(default=2.0, ge=1)
    #: ... and a one-sided binomial p-value against the other offices below this
    check_alpha: float = Field(default=0.001, gt=0, lt=1)
    #: 速结: a 办结 within this many days of the 答复 with no 回访 in between (0: the deployment needs no 回访)
    followup_after_days: int = Field(default=3, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> AccountabilitySpec:
        if self.weight_response + self.weight_resolution + self.weight_satisfaction <= 0:
            raise ValueError("accountability: 综合得分的权重不能全为 0 (weight_response/resolution/satisfaction)")
        return self
