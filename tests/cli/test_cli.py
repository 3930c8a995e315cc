"""The massline command through click's runner, on a real temporary database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import Message, User
from massline.platform import Platform

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Settings:
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MASSLINE_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("MASSLINE_ARGON2_MEMORY_KIB", "64")
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_then_config_load(cli_env: Settings) -> None:
    assert run("init").exit_code == 0
    result = run("config", "load", str(DATA / "mini.yaml"))
    assert result.exit_code == 0, result.output
    assert "6 regions" in result.output and "10 new users" in result.output
    again = run("config", "load", str(DATA / "mini.yaml"))  # idempotent
    assert "0 new users, 10 updated users" in again.output


def test_config_load_reports_line_and_field(cli_env: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (DATA / "mini.yaml").read_text(encoding="utf-8").replace("region: cs-dc\n", "region: cs-nowhere\n")
    bad.write_text(text, encoding="utf-8")
    result = run("config", "load", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:" in result.output and "offices[4].region" in result.output and "cs-nowhere" in result.output
    platform = Platform(cli_env)
    platform.migrate()
    with platform.read() as s:  # nothing was written
        assert s.scalar(select(func.count()).select_from(User)) == 0
    assert run("config", "load", str(tmp_path / "missing.yaml")).exit_code == 1


def test_user_add_and_reset_password(cli_env: Settings) -> None:
    run("config", "load", str(DATA / "mini.yaml"))
    result = run("user", "add", "new.official", "--name", "新同志", "--role", "official", "--office", "cs-jyj")
    assert result.exit_code == 0 and "password:" in result.output
    bad = CliRunner().invoke(main, ["user", "add", "x", "--role", "official"])
    assert bad.exit_code != 0
    reset = run("user", "reset-password", "new.official", "--password", "Brand-new-pass-7")
    assert reset.exit_code == 0 and "Brand-new-pass-7" not in reset.output
    platform = Platform(cli_env)
    with platform.write() as s:
        from massline.models import utcnow
        from massline.services.people.accounts import check_login

        assert check_login(s, "new.official", "Brand-new-pass-7", utcnow()).user is not None


@pytest.mark.slow
def test_demo_loads_once(cli_env: Settings) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "demo loaded: 325 messages" in result.output
    assert "category model trained from the demo's" in result.output and cli_env.classifier_model_path.is_file()
    creds = (cli_env.instance_dir / "demo-credentials.txt").read_text(encoding="utf-8")
    assert "wang.dispatch\t" in creds
    platform = Platform(cli_env)
    with platform.read() as s:
        statuses = dict(s.execute(select(Message.status, func.count()).group_by(Message.status)).all())
    assert set(statuses) >= {"received", "assigned", "accepted", "replied", "closed", "rejected", "reopened"}
    assert sum(statuses.values()) == 325
    second = CliRunner().invoke(main, ["demo"])
    assert second.exit_code == 1 and "--force" in second.output


def test_help_lists_every_command() -> None:
    result = run("--help")
    for name in ("init", "serve", "config", "demo", "user"):
        assert name in result.output
