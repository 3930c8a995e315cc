"""Turn the contest board's anonymised place codes into real place names (for tests and evaluations).

The 2020 TipDM messages write Hunan's places as codes: the province 西地省,
cities by a letter (A市), the city's districts and the counties by a letter
and a number (A5区, K9县).  :func:`to_real_names` replaces them from one
fixed table of real names (Hunan's cities and counties; the pairing is
arbitrary but one-to-one; the ``tipdm2020c`` profile's ``real_names``), so the same messages can be read with the
general language, as a real deployment's would be.  Codes of the form
``B4区`` (another city's district, or a section of a compound: 五矿万境K9区)
and single letters (A区) are ambiguous and kept as written.

The profile's table (which ``massline places train`` trains on) leaves 67 county, city and district codes
of the contest's files as codes.  :data:`EVAL_NAMES` gives each of them another real Hunan name, one to one
and none of the profile's (a district for a 区 code, a county for a 县 code, a county-level city for a 市
code; the districts and counties of the city the letter stands for where it has enough left:
B1区 → 荷塘区 of 株洲市 = B市), so that evaluations can read the messages without any unit code:
``to_real_names(text, ALL_NAMES)``.  Only ``C3区``, ``E4区`` and ``E5区`` (seven to thirteen times in the
files, beside the profile's ``C3县``, ``E5县`` and the table's ``E4县``: sections or slips) and single letters
stay.
"""

from __future__ import annotations

import re

from massline.io.profiles import load_profile

#: The codes and their real names: the ``tipdm2020c`` profile's ``real_names`` (massline/data/profiles).
REAL_NAMES: dict[str, str] = dict(load_profile("tipdm2020c").real_names)
#: The other unit codes of the contest's files and the real Hunan names an evaluation gives them (test-only).
EVAL_NAMES: dict[str, str] = {
    "B1区": "荷塘区", "B2区": "芦淞区", "B3区": "石峰区", "B4区": "天元区", "B5县": "株洲县", "B6县": "攸县",
    "B8县": "炎陵县", "B9市": "醴陵市", "C1区": "雨湖区", "C2区": "岳塘区", "D1区": "珠晖区", "D2区": "雁峰区",
    "D3区": "石鼓区", "D4区": "蒸湘区", "D5区": "南岳区", "D6县": "衡阳县", "D9县": "衡南县", "D10县": "祁东县",
    "D11市": "常宁市", "E1区": "双清区", "E2区": "大祥区", "E3区": "北塔区", "E4县": "邵东县", "E9县": "邵阳县",
    "E10县": "新宁县", "E11县": "城步县", "E12市": "武冈市", "F1区": "岳阳楼区", "F2区": "云溪区", "F3区": "君山区",
    "F4县": "南县", "F9市": "临湘市", "G1区": "武陵区", "G2区": "鼎城区", "G4县": "汉寿县", "G5县": "澧县",
    "G6县": "临澧县", "G9市": "津市市", "H1区": "永定区", "H2区": "武陵源区", "H4县": "桑植县", "I1区": "资阳区",
    "I2区": "赫山区", "I6市": "沅江市", "J1区": "北湖区", "J2区": "苏仙区", "J6县": "临武县", "J7县": "桂东县",
    "J8县": "安仁县", "J10县": "道县", "K1区": "零陵区", "K2区": "冷水滩区", "K7县": "祁阳县", "L1区": "鹤城区",
    "L2县": "新晃县", "L3县": "芷江县", "L4县": "靖州县", "L8县": "通道县", "L9县": "泸溪县", "L10县": "凤凰县",
    "L11县": "花垣县", "L12市": "吉首市", "M1区": "娄星区", "M8县": "保靖县", "M10县": "古丈县", "M12县": "永顺县",
    "M13县": "龙山县",
}  # fmt: skip
#: Both tables: every unit code of the contest's files but three (see the module doc).
ALL_NAMES: dict[str, str] = {**REAL_NAMES, **EVAL_NAMES}
_CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]\d*[省市区县])|西地省")


def to_real_names(text: str, names: dict[str, str] = REAL_NAMES) -> str:
    """``text`` with the codes of ``names`` (the profile's :data:`REAL_NAMES`, or :data:`ALL_NAMES`) replaced by
    real names (others kept)."""
    return _CODE.sub(lambda m: names.get(m.group(), m.group()), text)
