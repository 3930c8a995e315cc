"""How a deployment's messages name places: the place grammar as data.

:class:`Language` is passed to the place and issue functions (scikit-learn
style: a parameter, never a module setting).  Its defaults describe real
Chinese place names: compounds end in ``小区/花园/家园/苑…``, institutions in
``学校/医院/市场…``, organisations in ``公司/集团``, villages in ``村/社区``,
roads in ``路/街/大道…``, towns in ``街道/镇/乡``; administrative units are
written with their names (``长沙市``, ``岳麓区``).

A deployment changes it in its configuration (``language:`` of the
deployment file, or a named profile such as ``tipdm2020c``, whose messages
name administrative units by anonymised codes such as a letter and a digit
before 区 or 县).
The library itself knows no data set: every rule that depends on how one
board writes its places is a field here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

__all__ = ["GENERAL", "KINDS", "Language"]

#: Kinds of named places, in the order suffixes are listed.
KINDS = ("compound", "institution", "organisation", "village", "road", "town", "case")
_UNIT = "(?:省|市|区|县)"
_NOT_AFTER_UNIT = "(?!场|民)"  # 市场, 市民, 区民 are no units
_NOT_BEFORE_UNIT = "(?<![小片校景园社厂街])"  # 小区, 片区, 校区, 景区 ... are no units


def _tuple(value: Any, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"language.{name}: expected a list of non-empty strings")
    return tuple(value)


@dataclass(frozen=True)
class Language:
    """The place grammar of a deployment (see module doc); immutable, hashable.

    Suffix lists name the *kinds* of places issue discovery keys messages by
    (see :func:`~massline.analysis.places.extract_places`); longer suffixes win
    (``幼儿园`` over ``园``).  Regular expressions are Python ``re`` syntax.
    """

    #: the profile's name, shown in reports
    name: str = "zh"
    #: residences: a named compound is the most specific place
    compound_suffixes: tuple[str, ...] = (
        "小区", "花园", "家园", "新村", "新城", "山庄", "公寓", "广场", "大厦", "公馆", "华府", "华庭", "豪庭",
        "宿舍", "家属院", "家属区", "大院", "苑", "园",
    )  # fmt: skip
    #: schools, hospitals, markets, stations, construction sites
    institution_suffixes: tuple[str, ...] = (
        "幼儿园", "小学", "中学", "大学", "学院", "学校", "医院", "卫生院", "工地", "市场", "工厂", "车站", "地铁站",
    )  # fmt: skip
    #: companies and groups (keyed as people call them: ``恒达电子科技有限公司 → 恒达电子``)
    organisation_suffixes: tuple[str, ...] = ("公司", "集团")
    village_suffixes: tuple[str, ...] = ("社区", "村")
    road_suffixes: tuple[str, ...] = ("大道", "路", "街", "巷", "大桥")
    town_suffixes: tuple[str, ...] = ("街道", "镇", "乡")
    #: names of a case (a platform of a fraud case): the name before the suffix is short
    #: (its code or two characters before the suffix); none by default
    case_suffixes: tuple[str, ...] = ()
    #: case suffixes that are ordinary words as well: only a code before them makes a name (``58车贷``)
    coded_case_suffixes: tuple[str, ...] = ()
    #: tails dropped from a name to get its key, most specific first (``丽发新城小区 → 丽发新城``)
    generic_tails: tuple[str, ...] = (
        "有限责任公司", "股份有限公司", "有限公司", "安置小区", "住宅小区", "小区", "社区", "项目", "片区", "一期",
        "二期", "三期", "四期", "工地",
    )  # fmt: skip
    #: an administrative unit written as a code rather than a name (regex); empty: units have names
    region_code: str = ""
    #: a section of a compound written after its name (regex, titles only): ``五矿万境K9区``, ``G2栋``
    section_code: str = r"[A-Za-z]\d+(?:区|栋|期)"
    #: residences and roads a gazetteer reports when it does not list them (``Gazetteer.unlisted_places``):
    #: fewer than the compounds of issue keys (a 幼儿园 or a 广场 is no residence)
    unlisted_suffixes: tuple[str, ...] = (
        "小区", "花园", "家园", "新村", "山庄", "公寓", "苑", "大道", "路", "街", "巷",
    )  # fmt: skip
    #: brands of developers and chains: alone (``碧桂园``) they name a company, not one place; a project is
    #: named with its area (``长乐县碧桂园``) or its own name (``碧桂园翡翠湾``)
    brand_names: tuple[str, ...] = (
        "碧桂园", "万科", "恒大", "保利", "中海", "绿地", "融创", "龙湖", "华润", "金地", "招商蛇口", "世茂",
        "旭辉", "富力", "雅居乐", "中梁", "阳光城", "佳兆业", "融侨", "奥园", "中建", "万达", "建业", "美的置业",
    )  # fmt: skip
    #: names of the deployment's regions (from its gazetteer): cut out of problem vectors; taken as units before
    #: any other rule
    region_names: tuple[str, ...] = ()
    #: China's provinces, prefectures and counties (``analysis.places.divisions``) are known units: a known name
    #: (``湘乡市``) is taken as written, an unknown one glued to a verb or function word (``按照省市``) is refused
    divisions: bool = True
    #: words that say nothing about the problem on this board (besides the built-in ones)
    problem_stopwords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("region_code", "section_code"):
            pattern = getattr(self, name)
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"language.{name}: not a regular expression ({exc})") from None
            if pattern and compiled.match(""):
                raise ValueError(f"language.{name}: matches the empty string")
        for kind in KINDS:
            if kind != "case" and not getattr(self, f"{kind}_suffixes"):
                raise ValueError(f"language.{kind}_suffixes: give at least one suffix")
        extra = set(self.coded_case_suffixes) - set(self.case_suffixes)
        if extra:
            raise ValueError(f"language.coded_case_suffixes: not case suffixes: {', '.join(sorted(extra))}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: Language | None = None) -> Language:
        """A language from configuration data (YAML): the given fields replace those of ``base``.

        Lists may be written as YAML lists or as one space-separated string.
        Raises ``ValueError`` naming the first bad field.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"language: unknown field(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {f.name: getattr(base or cls(), f.name) for f in fields(cls)}
        for key, value in data.items():
            if key in ("name", "region_code", "section_code"):
                if not isinstance(value, str):
                    raise ValueError(f"language.{key}: expected a string")
                values[key] = value
            elif key == "divisions":
                if not isinstance(value, bool):
                    raise ValueError("language.divisions: expected true or false")
                values[key] = value
            else:
                values[key] = _tuple(value, key)
        return cls(**values)

    # -- derived patterns (compiled once per language) ------------------------------------
    @cached_property
    def suffix_kinds(self) -> tuple[tuple[str, str], ...]:
        """``(suffix, kind)`` pairs, longest suffix first."""
        pairs = [(s, k) for k in KINDS for s in getattr(self, f"{k}_suffixes")]
        return tuple(sorted(dict(pairs).items(), key=lambda sk: -len(sk[0])))

    @cached_property
    def kind_of(self) -> dict[str, str]:
        """suffix -> kind (``organisation`` suffixes are reported as ``institution``)."""
        return {s: "institution" if k == "organisation" else k for s, k in self.suffix_kinds}

    @cached_property
    def suffix_re(self) -> re.Pattern[str]:
        """Any suffix of a named place."""
        return re.compile("|".join(re.escape(s) for s, _ in self.suffix_kinds))

    @cached_property
    def section_re(self) -> re.Pattern[str] | None:
        """A compound's section code, or None."""
        return re.compile(self.section_code) if self.section_code else None

    @cached_property
    def code_unit_re(self) -> re.Pattern[str] | None:
        """An administrative unit written as a code (a letter and digits before 区), or None when units
        have names."""
        return re.compile(f"(?:{self.region_code}){_NOT_AFTER_UNIT}") if self.region_code else None

    @cached_property
    def code_split_re(self) -> re.Pattern[str] | None:
        """Splits a text around unit codes (the segmenter would cut a code and the name after it wrongly)."""
        return re.compile(f"((?:{self.region_code}))") if self.region_code else None

    @cached_property
    def admin_re(self) -> re.Pattern[str]:
        """An administrative unit in front of a name: ``雨花区``, ``西地省`` (and codes when the language has them)."""
        named = f"[\u4e00-\u9fff]{{2,3}}{_NOT_BEFORE_UNIT}{_UNIT}{_NOT_AFTER_UNIT}"
        if self.region_code:
            return re.compile(f"(?:{self.region_code}){_NOT_AFTER_UNIT}|{named}")
        return re.compile(named)

    @cached_property
    def region_strip_re(self) -> re.Pattern[str] | None:
        """Unit codes and region names cut out of problem vectors, or None."""
        names = sorted(self.region_names, key=len, reverse=True)
        parts = ([f"(?:{self.region_code})"] if self.region_code else []) + [re.escape(n) for n in names]
        return re.compile("|".join(parts)) if parts else None

    @cached_property
    def organisation_end_re(self) -> re.Pattern[str]:
        """An organisation suffix: no other name runs through it (``广铁集团铁路`` is no road)."""
        return re.compile("|".join(re.escape(s) for s in self.organisation_suffixes))

    @cached_property
    def region_set(self) -> frozenset[str]:
        """The region names, for look-ups."""
        return frozenset(self.region_names)

    @cached_property
    def unit_levels(self) -> dict[str, int]:
        """Known unit names -> level (0 province, 1 prefecture, 2 county): China's divisions when
        :attr:`divisions` (:func:`~massline.analysis.places.divisions.unit_levels`), else none."""
        if not self.divisions:
            return {}
        from massline.analysis.places.divisions import unit_levels

        return unit_levels()

    @cached_property
    def unit_longest(self) -> int:
        """The length of the longest known unit name (0 with none)."""
        return max(map(len, self.unit_levels), default=0)

    @cached_property
    def brand_set(self) -> frozenset[str]:
        """The brand names, for look-ups."""
        return frozenset(self.brand_names)

    @cached_property
    def stopwords(self) -> frozenset[str]:
        """The board's extra problem stopwords."""
        return frozenset(self.problem_stopwords)


#: The general default: real Chinese place names, units written with their names (immutable).
GENERAL = Language()
