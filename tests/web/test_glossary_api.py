"""The glossary's API for admins (``/api/v1/glossary``), through real HTTP: the same rule as the admin
page (admins; other officials 403, no token 401), the same validation (422 with the field's error in
Chinese, nothing written) and the same audit."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from massline.models import AuditLog, GlossaryTerm
from massline.platform import Platform
from tests.conftest import token_for

URL = "/api/v1/glossary"
TERM = {"term": "绝绝子", "variants": ["绝了", "juejuezi"], "meaning": "好到极点（也可反讽）", "note": "多为年轻人使用",
        "example": "这服务绝绝子", "suits_reply": False, "reply_hint": "答复中不宜使用"}  # fmt: skip


def _audited(platform: Platform, action: str) -> list[AuditLog]:
    with platform.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_admins_list_add_change_and_delete_terms_through_the_api(api: httpx.Client, deployed: Platform) -> None:
    admin = token_for(api, "admin")
    added = api.post(URL, json=TERM, headers=admin)
    assert added.status_code == 201, added.text
    term = added.json()
    assert (term["term"], term["variants"], term["suits_reply"]) == ("绝绝子", ["绝了", "juejuezi"], False)
    assert [t["term"] for t in api.get(URL, headers=admin).json()] == ["绝绝子"]
    assert api.get(f"{URL}/{term['id']}", headers=admin).json()["meaning"] == "好到极点（也可反讽）"
    changed = api.put(f"{URL}/{term['id']}", json={**TERM, "suits_reply": True}, headers=admin)
    assert changed.status_code == 200 and changed.json()["suits_reply"] is True
    assert _audited(deployed, "glossary_term_updated")[0].detail["changed"] == {"suits_reply": [False, True]}
    assert _audited(deployed, "glossary_term_added")[0].object_id == term["id"]
    assert api.get(f"{URL}/unexplained", headers=admin).status_code == 200
    assert api.delete(f"{URL}/{term['id']}", headers=admin).status_code == 204
    assert _audited(deployed, "glossary_term_deleted")[0].detail["term"] == "绝绝子"
    assert api.get(f"{URL}/{term['id']}", headers=admin).status_code == 404
    assert api.get(URL, headers=admin).json() == []


def test_bad_terms_get_the_fields_error_in_chinese_and_nothing_is_written(
    api: httpx.Client, deployed: Platform
) -> None:
    admin = token_for(api, "admin")
    empty = api.post(URL, json={**TERM, "meaning": " "}, headers=admin)
    assert empty.status_code == 422 and empty.json()["errors"] == {"meaning": "请填写释义"}
    long = api.post(URL, json={**TERM, "term": "词" * 41}, headers=admin)
    assert long.status_code == 422 and "不能超过 40" in long.json()["errors"]["term"]
    missing = api.post(URL, json={"term": "躺平"}, headers=admin)
    assert missing.status_code == 422 and "meaning" in missing.json()["errors"]
    assert api.post(URL, json=TERM, headers=admin).status_code == 201
    again = api.post(URL, json=TERM, headers=admin)
    assert again.status_code == 422 and "已在词表中" in again.json()["errors"]["term"]
    with deployed.read() as s:
        assert [r.term for r in s.scalars(select(GlossaryTerm))] == ["绝绝子"]


def test_only_admins_reach_the_glossary_api(api: httpx.Client, deployed: Platform) -> None:
    assert api.get(URL).status_code == 401
    for who in ("jsj.a", "jsj.head", "sup"):
        headers = token_for(api, who)
        assert api.get(URL, headers=headers).status_code == 403
        assert api.post(URL, json=TERM, headers=headers).status_code == 403
    with deployed.read() as s:
        assert s.scalars(select(GlossaryTerm)).all() == []
