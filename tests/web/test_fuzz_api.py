"""Schemathesis over the whole OpenAPI document (/api/openapi.json) of a deployed platform served on
loopback, with a staff bearer token: no answer is a 5xx, and every answer conforms to its documented schema.

Runs on SQLite, and on PostgreSQL when ``MASSLINE_TEST_DATABASE_URL`` is set (``make test`` runs the suite
again there). Offline: the document is read from the test server, nothing is downloaded. Bounded by
``EXAMPLES`` per operation (valid and invalid requests both); slow, so ``-m "not slow"`` skips it.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from massline.platform import Platform
from massline.worker import Worker
from tests.conftest import token_for

EXAMPLES = 25  # per operation: ~1 minute for the whole document on 2 cores
SEED_MESSAGES = [
    {"title": "解放街道路灯不亮", "body": "解放街道幸福小区门口的路灯已经坏了两周，晚上出行很不方便。",
     "kind": "投诉", "region": "cs-xc-jf", "contact_phone": "13800138000"},
    {"title": "幸福小区路灯坏了", "body": "幸福小区门口路灯坏了两周没人修，老人晚上出门容易摔倒，请尽快维修。",
     "kind": "求助", "region": "cs-xc-jf", "is_public": False},
    {"title": "建议增设公交站", "body": "建议在解放街道与人民路交叉口增设一个公交站，方便附近居民出行。",
     "kind": "建言", "addressee_office": "cs-jsj"},
]  # fmt: skip


@pytest.fixture
def fuzz_schema(url: str, deployed: Platform) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI document, read from the test server, with a few messages, issues and alerts stored
    so that small ids name real records."""
    with httpx.Client(base_url=url, timeout=30) as client:
        for message in SEED_MESSAGES:
            assert client.post("/api/v1/messages", json=message).status_code == 201
    Worker(deployed).run_once()
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json", config=SchemathesisConfig())
    schema.config.update(base_url=url)
    yield schema


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.fixture
def staff(url: str) -> dict[str, str]:
    """Bearer headers of the administrator (reads every record; the handling actions answer 403)."""
    with httpx.Client(base_url=url, timeout=30) as client:
        return token_for(client, "admin")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_openapi_document(case: schemathesis.Case, staff: dict[str, str]) -> None:
    case.call_and_validate(headers=staff, checks=[not_a_server_error, response_schema_conformance], timeout=30)
