"""Shared fixtures: a fresh real database per test (SQLite file, or PostgreSQL
when MASSLINE_TEST_DATABASE_URL is set), the mini deployment, and an app client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

from massline.config import Settings
from massline.io.deployment_yaml import load_deployment
from massline.platform import Platform
from massline.services.deployment.apply import check_apply_deployment

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("MASSLINE_TEST_DATABASE_URL", "")
PASSWORD = "Test-password-123"


def _test_settings(instance_dir: Path, database_url: str) -> Settings:
    return Settings(
        environment="test",
        instance_dir=instance_dir,
        database_url=database_url,
        submit_rate_limit=0,
        login_rate_limit=0,
        track_rate_limit=0,
        stance_limit_per_message=0,
        stance_limit_per_hour=0,
        argon2_time_cost=1,
        argon2_memory_kib=64,
    )


def _build(url: str, instance_dir: Path, deploy: bool) -> None:
    """Migrate ``url`` and, with ``deploy``, load mini.yaml with every password set to PASSWORD."""
    from massline.services.people.accounts import check_reset_password

    p = Platform(_test_settings(instance_dir, url))
    p.migrate()
    if deploy:
        with p.write() as s:
            report = check_apply_deployment(s, load_deployment(DATA / "mini.yaml"), passwords=p.passwords)
            for username in report.users_created:
                check_reset_password(s, username, PASSWORD, passwords=p.passwords)
    if url.startswith("sqlite"):
        with p.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    p.dispose()


def _pg_admin() -> Engine:
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrated template databases, built once per test process: "empty" and "mini" (deployed)."""
    base = tmp_path_factory.mktemp("templates")
    if not PG_URL:
        out = {}
        for kind in ("empty", "mini"):
            path = base / f"{kind}.db"
            _build(f"sqlite:///{path}", base / "instance", deploy=kind == "mini")
            out[kind] = str(path)
        yield out
        return
    names = {kind: f"massline_tpl_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("empty", "mini")}
    admin = _pg_admin()
    try:
        for kind, name in names.items():
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            _build(_pg_url(name), base / "instance", deploy=kind == "mini")
        yield names
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path, _templates: dict[str, str]) -> Iterator[str]:
    """A new database for this test, cloned from a template: migrated, and deployed
    (mini.yaml) when the test uses the ``deployed`` fixture."""
    kind = "mini" if "deployed" in request.fixturenames else "empty"
    if not PG_URL:
        target = tmp_path / "test.db"
        shutil.copyfile(_templates[kind], target)
        yield f"sqlite:///{target}"
        return
    name = f"massline_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[kind]}"'))
    try:
        yield _pg_url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Test settings: a temp instance dir, rate limits off unless a test sets them."""
    return _test_settings(tmp_path / "instance", database_url)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    """A migrated platform (empty, or deployed when the test uses ``deployed``)."""
    p = Platform(settings)
    yield p
    p.dispose()


@pytest.fixture
def deployed(platform: Platform) -> Platform:
    """The platform with tests/data/mini.yaml loaded and every password set to PASSWORD
    (cloned from the session's template database)."""
    return platform


@pytest.fixture
def api(deployed: Platform) -> Iterator[httpx.Client]:
    """An HTTP client talking to the deployed platform served by uvicorn on loopback."""
    from massline.web.app import create_app
    from tests.server import serving

    with serving(create_app(deployed)) as base, httpx.Client(base_url=base, timeout=10) as client:
        yield client


@pytest.fixture
def url(deployed: Platform) -> Iterator[str]:
    """The deployed platform's whole app (pages and API) served on loopback; its base URL."""
    from tests.web_helpers import serve

    with serve(deployed) as base:
        yield base


def token_for(client: httpx.Client, username: str) -> dict[str, str]:
    """Bearer headers for a mini.yaml user (password PASSWORD)."""
    r = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}
