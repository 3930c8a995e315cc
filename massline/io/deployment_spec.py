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
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from massline.io.calendar_spec import CalendarSpec
from massline.io.policy_specs import (
    AccountabilitySpec,
    CaseworkSpec,
    PublishingSpec,
    RepliesSpec,
    ResearchSpec,
    SpecBase,
    SupervisionOfficeSpec,
    SupervisionSpec,
)

__all__ = [
    "AccountabilitySpec",
    "CalendarSpec",
    "CaseworkSpec",
    "PublishingSpec",
    "RepliesSpec",
    "ResearchSpec",
    "SupervisionOfficeSpec",
    "SupervisionSpec",
]

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
ResearchLevel = Literal["provincial", "city_county"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=_CODE_PATTERN)]
Username = Annotated[str, StringConstraints(pattern=_USERNAME_PATTERN)]
FieldPath = tuple[str | int, ...]


class _Spec(SpecBase):
    """A part of the deployment file defined here (its policy sections are in ``policy_specs``)."""


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
    #: the leader's level for the research quota (``research:`` section); none: from the user's region
    level: ResearchLevel | None = None


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
    supervision: SupervisionSpec = SupervisionSpec()
    replies: RepliesSpec = RepliesSpec()
    research: ResearchSpec = ResearchSpec()
    publishing: PublishingSpec = PublishingSpec()
    accountability: AccountabilitySpec = AccountabilitySpec()
    calendar: CalendarSpec = CalendarSpec()

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
