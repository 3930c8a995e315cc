"""Shared fixtures: a fresh real database per test (SQLite file, or PostgreSQL
when MASSLINE_TEST_DATABASE_URL is set), the mini deployment, and an app client."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from massline.config import Settings
from massline.io.deployment_yaml import load_deployment
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("MASSLINE_TEST_DATABASE_URL", "")
PASSWORD = "Test-password-123"


def _pg_database(base_url: str) -> Iterator[str]:
    name = f"massline_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base_url.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A new empty database for this test."""
    if PG_URL:
        yield from _pg_database(PG_URL)
    else:
        yield f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Test settings: a temp instance dir, rate limits off unless a test sets them."""
    return Settings(
        environment="test",
        instance_dir=tmp_path / "instance",
        database_url=database_url,
        submit_rate_limit=0,
        login_rate_limit=0,
        argon2_time_cost=1,
        argon2_memory_kib=64,
    )


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    """A migrated, empty platform."""
    p = Platform(settings)
    p.migrate()
    yield p
    p.dispose()


@pytest.fixture
def deployed(platform: Platform) -> Platform:
    """The platform with tests/data/mini.yaml loaded and every password set to PASSWORD."""
    from massline.services.accounts import check_reset_password

    spec = load_deployment(DATA / "mini.yaml")
    with platform.write() as s:
        report = check_apply_deployment(s, spec)
        for username in report.users_created:
            check_reset_password(s, username, PASSWORD)
    return platform


@pytest.fixture
def api(deployed: Platform) -> Iterator[httpx.Client]:
    """An HTTP client talking to the deployed platform served by uvicorn on loopback."""
    from massline.web.app import create_app
    from tests.server import serving

    with serving(create_app(deployed)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


def token_for(client: httpx.Client, username: str) -> dict[str, str]:
    """Bearer headers for a mini.yaml user (password PASSWORD)."""
    r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
