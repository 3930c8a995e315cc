"""Cross-checks of the deployment file's ``supervision:`` section: every office and region it names
must be defined in the file (a typo would silently leave reports without a receiving office)."""

from __future__ import annotations

from typing import Any

from massline.io.deployment_checks import _dicts, _hint
from massline.io.deployment_spec import FieldPath, _Report


def check_supervision(data: dict[str, Any], regions: set[str], offices: set[str], report: _Report) -> None:
    """Report each unknown office or region code of ``supervision.offices``, naming it."""
    section = data.get("supervision")
    if not isinstance(section, dict):
        return
    for index, item in _dicts(section.get("offices")):
        here: FieldPath = ("supervision", "offices", index)
        office = item.get("office")
        if isinstance(office, str) and office not in offices:
            report.add((*here, "office"), f'未知的单位代码 "{office}"：纪检监察机关须是 offices 中定义的单位 '
                       "(unknown office code)" + _hint(office, offices))
        for key, known, what in (("offices", offices, "单位"), ("regions", regions, "辖区")):
            values = item.get(key)
            for position, code in enumerate(values if isinstance(values, list) else []):
                if isinstance(code, str) and code not in known:
                    report.add((*here, key, position), f'未知的{what}代码 "{code}" (unknown {key[:-1]} code)'
                               + _hint(code, known))
