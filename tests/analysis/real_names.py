"""Turn the contest board's anonymised place codes into real place names (for tests and evaluations).

The 2020 TipDM messages write Hunan's places as codes: the province 西地省,
cities by a letter (A市), the city's districts and the counties by a letter
and a number (A5区, K9县).  :func:`to_real_names` replaces them from one
fixed table of real names (Hunan's cities and counties; the pairing is
arbitrary but one-to-one; the ``tipdm2020c`` profile's ``real_names``), so the same messages can be read with the
general language, as a real deployment's would be.  Codes of the form
``B4区`` (another city's district, or a section of a compound: 五矿万境K9区)
and single letters (A区) are ambiguous and kept as written.
"""

from __future__ import annotations

import re

from massline.io.profiles import load_profile

#: The codes and their real names: the ``tipdm2020c`` profile's ``real_names`` (massline/data/profiles).
REAL_NAMES: dict[str, str] = dict(load_profile("tipdm2020c").real_names)
_CODE = re.compile(r"(?<![A-Za-z0-9])(?:[A-Za-z]\d*[省市区县])|西地省")


def to_real_names(text: str) -> str:
    """``text`` with the codes of :data:`REAL_NAMES` replaced by real names (others kept)."""
    return _CODE.sub(lambda m: REAL_NAMES.get(m.group(), m.group()), text)
