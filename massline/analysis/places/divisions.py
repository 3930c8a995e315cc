"""China's administrative divisions, province to county level (``massline/data/divisions/china.csv``).

The table (adcode, name, level, parent; built by ``scripts/build_divisions.py`` from the cpca 0.5.5
package, MIT licence) lets the place language tell a known unit (``湘乡市``, ``芙蓉区``) from a
string that only ends like one (``按照省市``).  Towns (镇, 乡, 街道) are not in it.

:func:`unit_levels` gives the names a text may write for a unit ending in 省, 市, 区 or 县 and their
level (0 province, 1 prefecture, 2 county): the official names, and an autonomous county's usual short
name (``城步县`` for ``城步苗族自治县``), minus names that are ordinary words for a part of a town
(``城区``, ``新城区``, ``市中区``).  A name shared by units of several provinces (``鼓楼区``) is one
entry: its text names a unit either way.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["DIVISIONS_FILE", "Division", "divisions", "unit_levels"]

DIVISIONS_FILE = Path(__file__).resolve().parents[2] / "data" / "divisions" / "china.csv"
LEVELS = ("province", "prefecture", "county")
#: Unit names that are also ordinary words for a part of a town, never taken as a unit by their name alone.
COMMON_WORD_NAMES = frozenset(
    "城区 郊区 矿区 东区 西区 新城区 老城区 新市区 城中区 市中区 市南区 市北区 城北区 城东区 城西区 城南区".split()
)
_NATIONS = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
#: An autonomous county: its place name, then one or more peoples (``靖州苗族侗族自治县``).
_AUTONOMOUS = re.compile("^(.{2,}?)(?:(?:" + "|".join(sorted(_NATIONS, key=len, reverse=True)) + ")族?|各族)+自治县$")


@dataclass(frozen=True)
class Division:
    """One administrative unit: its 6-digit code, official name, level and its parent's code ("" for none)."""

    adcode: str
    name: str
    level: str
    parent: str


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every unit of the shipped table, in adcode order (read once)."""
    with DIVISIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Division(r["adcode"], r["name"], r["level"], r["parent"]) for r in csv.DictReader(handle))


def short_name(name: str) -> str | None:
    """The usual short name of an autonomous county (``城步苗族自治县`` -> ``城步县``), else None."""
    match = _AUTONOMOUS.match(name)
    return match.group(1) + "县" if match else None


@lru_cache(maxsize=1)
def unit_levels() -> dict[str, int]:
    """name -> level (0 province, 1 prefecture, 2 county) of the names ending in 省, 市, 区 or 县 that name a
    unit by themselves (see the module doc).  A short name that is another unit's stem with 县
    (``河南县``: 河南 is a province) is left out."""
    units = divisions()
    levels: dict[str, int] = {}
    for unit in units:
        if unit.name.endswith(("省", "市", "区", "县")) and unit.name not in COMMON_WORD_NAMES:
            levels.setdefault(unit.name, LEVELS.index(unit.level))
    stems = {re.sub("(?:省|市|自治区|特别行政区)$", "", u.name) for u in units if u.level != "county"}
    for unit in units:
        short = short_name(unit.name)
        if short and short[:-1] not in stems:
            levels.setdefault(short, LEVELS.index(unit.level))
    return levels
