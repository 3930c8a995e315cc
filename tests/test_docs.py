"""Documentation stays true: generated references are current, every command and
setting is documented, and the README opens with the two commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_generated_references_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_setting_is_documented() -> None:
    from massline.config import Settings

    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_readme_opens_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:3000]
    assert "make run" in head and "make test" in head


def test_changelog_exists() -> None:
    assert "## " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_docs_index_links_exist() -> None:
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    import re

    for link in re.findall(r"\]\(([^)#]+\.md)\)", index):
        assert (ROOT / "docs" / link).exists(), link


def test_masked_name_examples_are_what_public_pages_show() -> None:
    import re

    from massline.services.casework import public_author

    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    pairs = re.findall(r"“([^”]+)”显示为“([^”]+)”", guide)
    masked = re.findall(r"([\u4e00-\u9fff]+) → ([\u4e00-\u9fff]*\\\*[\u4e00-\u9fff\\*]*)", guide)  # 张建国 → 张\*国
    pairs += [(name, shown.replace("\\*", "*")) for name, shown in masked]
    assert len(pairs) >= 4
    assert [(name, public_author(name)) for name, _ in pairs] == pairs
    assert "只显示首字" not in guide
