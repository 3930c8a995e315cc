"""The PII scan of the standing security suite: personal data written every way, through
every channel (the portal form, the JSON API, an import), never reaches a public page, a
public API answer, an issue page or the default export."""

from __future__ import annotations

import csv
from pathlib import Path

import httpx
from sqlalchemy import select

from massline.models import Issue, Message
from massline.platform import Platform
from massline.worker import Worker
from tests.io.test_import_export import cli_env, do_import, invoke, write_csv  # noqa: F401 - cli_env is a fixture
from tests.web.test_text_input import BODY, TITLE, _assert_no_secret, _post_json
from tests.web_helpers import Browser, submit

#: more ways of writing personal data than the body above, one per line of a second message
MORE = (
    "手机+86 139 8765 4321，",
    "身份证43010519800101123X，",
    "银行卡 6217 0000 1000 2000 300，",
    "邮箱li.si@example.org，",
    "QQ号：12345678，",
)
MORE_SECRETS = ("13987654321", "43010519800101123X", "6217000010002000300", "lisiexampleorg", "12345678")
MORE_BODY = "阳光社区3栋楼道杂物堆放已经一个月，消防通道被堵。" + "".join(MORE) + "请尽快清理。"
PUBLIC_PAGES = ("/", "/messages", "/messages?q=楼道杂物", "/issues", "/api/v1/messages", "/api/v1/issues")


def _seed(platform: Platform, url: str, api: httpx.Client, tmp_path: Path) -> list[int]:
    """The same two messages through the API, the portal form and an import (six messages)."""
    for title, body in ((TITLE, BODY), ("楼道杂物堵塞消防通道", MORE_BODY)):
        message = {"title": title, "body": body, "kind": "投诉", "region": "cs-dc-hp-yg", "category": "城乡建设"}
        assert _post_json(api, "/api/v1/messages", message).status_code == 201
        with Browser(url) as browser:
            submit(browser, title=title, body=body, kind="投诉", region="cs-dc-hp-yg", category="城乡建设")
    rows = [[f"S{i}", title, body, "投诉", "cs-dc-hp-yg", "城乡建设", "", "2024-04-30 10:00:00", "", "", ""]
            for i, (title, body) in enumerate(((TITLE, BODY), ("楼道杂物堵塞消防通道", MORE_BODY)))]  # fmt: skip
    assert do_import(platform, write_csv(tmp_path / "in.csv", rows)).imported == 2
    Worker(platform).run_once()  # indexed for search, analysed, concentrated into issues
    with platform.read() as s:
        return list(s.scalars(select(Message.id)))


def _assert_clean(text: str) -> None:
    _assert_no_secret(text)
    flat = text.replace(" ", "")
    for secret in MORE_SECRETS:
        assert secret not in flat and secret.lower() not in flat.lower(), secret


def test_no_personal_data_on_any_public_surface(
    cli_env: Platform, url: str, api: httpx.Client, tmp_path: Path  # noqa: F811 - the fixture
) -> None:
    ids = _seed(cli_env, url, api, tmp_path)
    assert len(ids) == 6
    with cli_env.read() as s:
        issues = list(s.scalars(select(Issue.id)))
    assert issues, "the messages make an issue"
    pages = [*PUBLIC_PAGES, *(f"/messages/{i}" for i in ids), *(f"/api/v1/messages/{i}" for i in ids)]
    pages += [p for i in issues for p in (f"/issues/{i}", f"/api/v1/issues/{i}")]
    seen = 0
    with httpx.Client(base_url=url, timeout=20) as anyone:
        for path in pages:
            response = anyone.get(path)
            if response.status_code == 404:
                continue  # a non-public issue
            assert response.status_code == 200, path
            _assert_clean(response.text)
            seen += 1
    assert seen >= len(PUBLIC_PAGES) + 2 * len(ids)
    out = tmp_path / "export.csv"
    assert invoke("export", str(out)).exit_code == 0  # an export is redacted unless --no-redact
    with out.open(encoding="utf-8-sig", newline="") as f:
        exported = "\n".join(",".join(row) for row in csv.reader(f))
    assert "楼道" in exported
    _assert_clean(exported)
