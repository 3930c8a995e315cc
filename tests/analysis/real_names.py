"""Turn the contest board's anonymised place codes into real place names (for tests and evaluations).

The 2020 TipDM messages write Hunan's places as codes: the province 西地省,
cities by a letter (A市), the city's districts and the counties by a letter
and a number (A5区, K9县).  :func:`to_real_names` replaces them from one
fixed table of real names (Hunan's cities and counties; the pairing is
arbitrary but one-to-one), so the same messages can be read with the
general language, as a real deployment's would be.  Codes of the form
``B4区`` (another city's district, or a section of a compound: 五矿万境K9区)
and single letters (A区) are ambiguous and kept as written.
"""

from __future__ import annotations

import re

REAL_NAMES: dict[str, str] = {
    "西地省": "湖南省",
    # cities
    "A市": "长沙市", "B市": "株洲市", "C市": "湘潭市", "D市": "衡阳市", "E市": "邵阳市", "F市": "岳阳市",
    "G市": "常德市", "H市": "张家界市", "I市": "益阳市", "J市": "郴州市", "K市": "永州市", "L市": "怀化市",
    "M市": "娄底市",
    # the city's districts and counties
    "A1区": "芙蓉区", "A2区": "天心区", "A3区": "开福区", "A4区": "雨花区", "A5区": "岳麓区", "A6区": "望城区",
    "A7县": "长沙县", "A8县": "湘阴县", "A9市": "浏阳市",
    # counties
    "B7县": "茶陵县", "C3县": "湘潭县", "D7县": "衡山县", "D8县": "衡东县", "E5县": "新邵县", "E6县": "隆回县",
    "E7县": "洞口县", "E8县": "绥宁县", "F5县": "华容县", "F6县": "平江县", "F7县": "岳阳县", "G3县": "安乡县",
    "G7县": "桃源县", "G8县": "石门县", "H3县": "慈利县", "I3县": "桃江县", "I4县": "安化县", "I5县": "宜章县",
    "J3县": "桂阳县", "J4县": "永兴县", "J5县": "嘉禾县", "J9县": "汝城县", "K3县": "东安县", "K4县": "双牌县",
    "K5县": "宁远县", "K6县": "蓝山县", "K8县": "新田县", "K9县": "宁乡县", "K10县": "江华县", "K11县": "江永县",
    "L5县": "中方县", "L6县": "沅陵县", "L7县": "辰溪县", "M2县": "双峰县", "M3县": "新化县", "M9县": "溆浦县",
    "M11县": "会同县", "M14县": "麻阳县",
    # county-level cities
    "C4市": "湘乡市", "C5市": "韶山市", "D12市": "耒阳市", "F8市": "汨罗市", "J11市": "资兴市", "M4市": "冷水江市",
    "M5市": "涟源市", "M7市": "洪江市",
}  # fmt: skip
_CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]\d*[省市区县])|西地省")


def to_real_names(text: str) -> str:
    """``text`` with the codes of :data:`REAL_NAMES` replaced by real names (others kept)."""
    return _CODE.sub(lambda m: REAL_NAMES.get(m.group(), m.group()), text)
