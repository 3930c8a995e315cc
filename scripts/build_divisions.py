"""Build ``massline/data/divisions/china.csv``: China's administrative divisions down to county level.

    python scripts/build_divisions.py cpca-0.5.5-py3-none-any.whl [massline/data/divisions/china.csv]

The source is the adcode table of the PyPI package cpca 0.5.5 (MIT licence,
https://github.com/DQinYuan/chinese_province_city_area_mapper), ``cpca/resources/adcodes.csv``
inside its wheel: 3,511 rows ``adcode,name,longitude,latitude`` with 12-digit codes.  The wheel is read
as a zip file; cpca itself is not imported (nor installed: it needs pandas).

Writes ``adcode,name,level,parent`` with 6-digit adcodes, sorted by adcode. The level and the parent come
from the code's digits (``PPCCDD``): ``PP0000`` a province, ``PPCC00`` a prefecture whose parent is its
province, ``PPCCDD`` a county-level unit whose parent is its prefecture, or its province when the
prefecture is a placeholder.  Placeholder rows (``市辖区``, ``县``, ``省直辖县级行政区划`` …) are left out.
The same wheel gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "massline" / "data" / "divisions" / "china.csv"
MEMBER = "cpca/resources/adcodes.csv"
#: rows that group units under a code but name no place
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
LEVELS = ("province", "prefecture", "county")


def read_wheel(wheel: Path) -> list[tuple[str, str]]:
    """``(adcode, name)`` of the wheel's table, 6-digit codes, placeholders left out."""
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    out = []
    for row in rows:
        code, name = row["adcode"].strip(), row["name"].strip()
        if len(code) != 12 or not code.isdigit() or code[6:] != "000000":
            raise ValueError(f"{MEMBER}: unexpected adcode {code!r}")
        if name not in PLACEHOLDERS:
            out.append((code[:6], name))
    return out


def with_hierarchy(units: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """``(adcode, name, level, parent)`` rows, sorted by adcode; ValueError on a duplicate code."""
    names = dict(units)
    if len(names) != len(units):
        raise ValueError("duplicate adcodes in the source")
    out = []
    for code in sorted(names):
        province, prefecture = code[:2] + "0000", code[:4] + "00"
        if code == province:
            level, parent = 0, ""
        elif code == prefecture:
            level, parent = 1, province
        else:
            level, parent = 2, prefecture if prefecture in names else province
        if parent and parent not in names:
            raise ValueError(f"{code} {names[code]}: no parent {parent} in the source")
        out.append((code, names[code], LEVELS[level], parent))
    return out


def main(wheel: Path, out: Path = OUT) -> int:
    """Write the table; return its number of rows."""
    rows = with_hierarchy(read_wheel(wheel))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("adcode", "name", "level", "parent"))
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    count = main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) == 3 else OUT)
    print(f"{count} divisions written")
