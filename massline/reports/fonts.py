"""The CJK font the PNG charts, the DOCX charts and the PDF need (Chinese labels): a path given by
the caller, else Noto Sans CJK from the system (Debian's fonts-noto-cjk), found where Debian puts it
or through ``fc-list``."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

DEFAULT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
#: the face of the Noto CJK collection for simplified Chinese (JP, KR, SC, TC, HK)
SC_INDEX = 2


class FontMissing(Exception):
    """No CJK font was found (the message says how to install or name one)."""


def _from_fc_list() -> Path | None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        command = [fc_list, ":lang=zh", "file"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False).stdout  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    preferred = [f for f in files if "NotoSansCJK-Regular" in f] + [f for f in files if "SansCJK" in f] + files
    return Path(preferred[0]) if preferred else None


def find_cjk_font(given: Path | None = None) -> Path:
    """The font file to use: ``given`` (must exist), else the system's Noto Sans CJK (FontMissing)."""
    if given is not None:
        if not given.is_file():
            raise FontMissing(f"字体文件不存在：{given}")
        return given
    if DEFAULT.is_file():
        return DEFAULT
    found = _from_fc_list()
    if found is None or not found.is_file():
        raise FontMissing(
            "找不到中文字体：请安装 fonts-noto-cjk（apt-get install fonts-noto-cjk），"
            "或用 --font 指定一个 .ttf/.otf/.ttc 中文字体文件"
        )
    return found


def face_index(font: Path) -> int:
    """The face to use in ``font``: simplified Chinese in a Noto CJK collection, else the first."""
    return SC_INDEX if font.suffix.lower() == ".ttc" and "CJK" in font.name else 0
