"""The deployment file's data model: typed, validated specs and the problem report.

Parsing and cross-checks live in ``deployment_checks`` and ``deployment_yaml``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

KINDS: tuple[str, ...] = ("投诉", "求助", "咨询", "建言", "表扬", "举报")
ROLES: tuple[str, ...] = (
    "citizen",
    "official",
    "dispatcher",
    "office_head",
    "leader",
    "supervisor",
    "admin",
)
REGION_LEVELS: tuple[str, ...] = (
    "province",
    "city",
    "district",
    "county",
    "street",
    "town",
    "community",
)
# A child region must have a strictly greater rank than its parent.
_LEVEL_RANK = {
    "province": 0,
    "city": 1,
    "district": 2,
    "county": 2,
    "street": 3,
    "town": 3,
    "community": 4,
}
_ROLES_NEEDING_OFFICE = ("official", "dispatcher", "office_head")
_ROLES_NEEDING_REGION = ("leader",)
_TAXONOMY_HEADER = ["一级分类", "二级分类", "三级分类"]
_TAXONOMY_DEPTH = 3
_CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_USERNAME_PATTERN = r"^[a-z0-9._-]+$"
CODE_RE = re.compile(_CODE_PATTERN)
"""What a region or office code looks like: ``jz-dc``, ``jz-12345``."""
USERNAME_RE = re.compile(_USERNAME_PATTERN)
"""What a username looks like: ``wang.dispatch``."""

Kind = Literal["投诉", "求助", "咨询", "建言", "表扬", "举报"]
Role = Literal["citizen", "official", "dispatcher", "office_head", "leader", "supervisor", "admin"]
RegionLevel = Literal["province", "city", "district", "county", "street", "town", "community"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=_CODE_PATTERN)]
Username = Annotated[str, StringConstraints(pattern=_USERNAME_PATTERN)]
FieldPath = tuple[str | int, ...]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeploymentInfo(_Spec):
    """The ``deployment:`` section: the platform's public name and time zone."""

    name: Text
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        # Without a time-zone database (bare Windows Python) nothing can be checked.
        if zoneinfo.available_timezones() and value not in zoneinfo.available_timezones():
            raise ValueError(f'未知的时区 "{value}" (unknown time zone, e.g. Asia/Shanghai)')
        return value


class CategoryNode(_Spec):
    """One node of the three-level taxonomy (一级/二级/三级分类)."""

    name: Text
    children: list[CategoryNode] = []

    @field_validator("name")
    @classmethod
    def _no_slash(cls, value: str) -> str:
        if "/" in value:
            raise ValueError('分类名称不能包含 "/" (a category name cannot contain "/")')
        return value


class RegionSpec(_Spec):
    """A jurisdiction (辖区) and the regions under it."""

    code: Code
    name: Text
    level: RegionLevel
    aliases: list[Text] = []
    children: list[RegionSpec] = []


class LeaderSpec(_Spec):
    """A leader of an office whom citizens may address by title."""

    title: Text
    name: Text


class OfficeSpec(_Spec):
    """An office (单位) that answers messages in a region for some categories.

    ``categories`` empty means a general office (all categories in its region).
    """

    code: Code
    name: Text
    region: str
    categories: list[str] = []
    dispatch: bool = False
    aliases: list[Text] = []
    leaders: list[LeaderSpec] = []


class UserSpec(_Spec):
    """An account created by the deployment; passwords are never in the file."""

    username: Username
    name: Text
    role: Role
    office: str | None = None
    region: str | None = None
    title: Text | None = None


class DeadlineRule(_Spec):
    """Answer within ``days`` for messages of a category and/or kind."""

    category: str | None = None
    kind: Kind | None = None
    days: int = Field(gt=0)

    @model_validator(mode="after")
    def _category_or_kind(self) -> DeadlineRule:
        if self.category is None and self.kind is None:
            raise ValueError("规则至少需要 category 或 kind 之一 (a rule needs a category, a kind or both)")
        return self


class DeadlineSpec(_Spec):
    """Answer deadlines: a default and more specific rules."""

    default_days: int = Field(default=15, gt=0)
    rules: list[DeadlineRule] = []
    due_soon_days: int = Field(default=2, ge=0)

    def days_for(self, category: str | None, kind: str | None) -> int:
        """Deadline in days for a message of ``category`` (a path) and ``kind``.

        The most specific rule wins: category and kind, then category, then
        kind, then ``default_days``.  A rule's category matches the message's
        category path and everything under it; the longest match wins.
        """
        best: tuple[int, int, int] | None = None  # (tier, category depth, days)
        for rule in self.rules:
            if rule.kind is not None and rule.kind != kind:
                continue
            depth = 0
            if rule.category is not None:
                if category is None or not _under(category, rule.category):
                    continue
                depth = rule.category.count("/") + 1
            tier = (rule.category is not None) * 2 + (rule.kind is not None)
            candidate = (tier, depth, rule.days)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        return self.default_days if best is None else best[2]


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class LanguageSpec(_Spec):
    """The ``language:`` section: how the deployment's messages name places.

    ``profile``: a shipped profile (``zh``, the default: real Chinese names;
    ``tipdm2020c``) or a profile YAML file, relative to the deployment file;
    ``rules``: fields of :class:`massline.analysis.places.Language` that
    replace the profile's (``compound_suffixes: 小区 花园 苑``...).  The
    names of the deployment's regions are added to ``region_names``.
    """

    profile: str = "zh"
    rules: dict[str, str | list[str]] = {}


class CaseworkSpec(_Spec):
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


class AccountabilitySpec(_Spec):
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


class DeploymentSpec(_Spec):
    """A validated deployment, with the taxonomy resolved to a tree."""

    deployment: DeploymentInfo
    taxonomy: list[CategoryNode] = Field(min_length=1)
    regions: list[RegionSpec] = Field(min_length=1)
    offices: list[OfficeSpec] = []
    users: list[UserSpec] = []
    deadlines: DeadlineSpec = DeadlineSpec()
    language: LanguageSpec = LanguageSpec()
    casework: CaseworkSpec = CaseworkSpec()
    accountability: AccountabilitySpec = AccountabilitySpec()

    def iter_regions(self) -> Iterator[tuple[RegionSpec, str | None]]:
        """Yield ``(region, parent_code)`` depth first, parents before children."""
        stack: list[tuple[RegionSpec, str | None]] = [(r, None) for r in reversed(self.regions)]
        while stack:
            region, parent = stack.pop()
            yield region, parent
            stack.extend((child, region.code) for child in reversed(region.children))

    def category_paths(self) -> list[str]:
        """Every taxonomy node as a path ``一级/二级/三级``, depth first."""
        return _category_paths(self.taxonomy)


def _category_paths(nodes: list[CategoryNode], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for node in nodes:
        path = f"{prefix}{node.name}"
        paths.append(path)
        paths.extend(_category_paths(node.children, path + "/"))
    return paths


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One validation problem, located in the source file."""

    source: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        if self.path:
            return f"{self.source}:{self.line}: {self.path}: {self.message}"
        return f"{self.source}:{self.line}: {self.message}"


class DeploymentError(ValueError):
    """The deployment file is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.source, p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


def _format_path(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


class _Report:
    """Collects problems, locating each field path on a line of the YAML file."""

    def __init__(self, source: str, lines: dict[FieldPath, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def line_of(self, path: FieldPath) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def add(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.source, self.line_of(path), _format_path(path), message))

    def add_at(self, source: str, line: int, path: str, message: str) -> None:
        self.problems.append(Problem(source, line, path, message))


# ----------------------------------------------------------------------------- YAML
