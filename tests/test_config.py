"""Settings: defaults in code, secrets refused when they are placeholders in production."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from massline.config import Settings


def test_sqlite_file_in_instance_dir_by_default(tmp_path: Path) -> None:
    s = Settings(environment="test", instance_dir=tmp_path)
    assert s.database_url == f"sqlite:///{(tmp_path / 'massline.db').as_posix()}" and s.is_sqlite


@pytest.mark.parametrize("secret", ["", "changeme", "secret"])
def test_production_refuses_placeholder_secrets(tmp_path: Path, secret: str) -> None:
    with pytest.raises(ValidationError, match="MASSLINE_SECRET_KEY"):
        Settings(environment="production", instance_dir=tmp_path, secret_key=secret, encryption_key="x" * 44)


def test_development_generates_and_keeps_secrets(tmp_path: Path) -> None:
    s = Settings(environment="development", instance_dir=tmp_path)
    first = s.resolved_secret("secret_key")
    assert len(first) > 40 and s.resolved_secret("secret_key") == first
    assert (tmp_path / "secret_key.txt").stat().st_mode & 0o777 == 0o600


def test_environment_variables_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSLINE_PORT", "9123")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(tmp_path))
    assert Settings().port == 9123


def test_a_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(
        f"MASSLINE_PORT=9124\nmassline_site_name='测试 平台'\nMASSLINE_INSTANCE_DIR={tmp_path}\nOTHER=1\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MASSLINE_PORT", "9125")
    s = Settings()
    assert (s.port, s.site_name, s.instance_dir) == (9125, "测试 平台", tmp_path)
    assert Settings(port=9126).port == 9126  # an argument over the environment


def test_a_bad_value_in_the_environment_names_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSLINE_WORKER_NICE", "25")
    with pytest.raises(ValidationError, match="worker_nice"):
        Settings()
