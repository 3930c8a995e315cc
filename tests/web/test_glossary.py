"""The 网言网语 glossary (services.replies.glossary), through real HTTP: admins list, add, edit and delete
terms (validated, audited; others 403); terms are highlighted with their meaning in the workbench; the
week's frequent words the glossary does not explain are listed for the admin; the shipped file seeds
an empty glossary once."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select

from massline.models import AuditLog, GlossaryTerm
from massline.platform import Platform
from massline.services.replies import check_seed_glossary, read_glossary_file
from tests.conftest import PASSWORD, token_for
from tests.web_helpers import Browser, login

PAGE = "/staff/admin/glossary"
TERM = {"term": "绝绝子", "variants": "绝了、juejuezi", "meaning": "好到极点（也可反讽）", "note": "多为年轻人使用",
        "example": "这服务绝绝子", "suits_reply": "", "reply_hint": "答复中不宜使用"}  # fmt: skip
CASE = {"kind": "投诉", "region": "cs-xc-jf", "category": "城乡建设"}


def _admin(api: httpx.Client) -> Browser:
    browser = Browser(str(api.base_url))
    login(browser, "admin", PASSWORD)
    return browser


def _audits(platform: Platform, action: str) -> list[AuditLog]:
    with platform.read() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_admins_add_edit_and_delete_terms_validated_and_audited(api: httpx.Client, deployed: Platform) -> None:
    admin = _admin(api)
    assert admin.get(PAGE).status_code == 200
    empty = admin.post_form(PAGE, {**TERM, "meaning": " "}, form_page=PAGE)
    assert empty.status_code == 422 and "请填写释义" in empty.text
    assert admin.post_form(PAGE, TERM, form_page=PAGE).status_code == 303
    again = admin.post_form(PAGE, TERM, form_page=PAGE)
    assert again.status_code == 422 and "已在词表中" in again.text
    with deployed.read() as s:
        row = s.scalars(select(GlossaryTerm)).one()
        assert (row.term, row.variants, row.suits_reply) == ("绝绝子", ["绝了", "juejuezi"], False)
    assert _audits(deployed, "glossary_term_added")[0].object_id == row.id
    edit = f"{PAGE}/{row.id}"
    assert "绝绝子" in admin.get(edit).text
    assert admin.post_form(edit, {**TERM, "suits_reply": "1"}, form_page=edit).status_code == 303
    changed = _audits(deployed, "glossary_term_updated")[0].detail["changed"]
    assert changed == {"suits_reply": [False, True]}
    long = admin.post_form(edit, {**TERM, "term": "词" * 41}, form_page=edit)
    assert long.status_code == 422 and "不能超过 40" in long.text
    assert admin.post_form(f"{edit}/delete", {}, form_page=PAGE).status_code == 303
    assert _audits(deployed, "glossary_term_deleted")[0].detail["term"] == "绝绝子"
    with deployed.read() as s:
        assert s.scalars(select(GlossaryTerm)).all() == []
    official = Browser(str(api.base_url))
    login(official, "jsj.a", PASSWORD)
    assert official.get(PAGE).status_code == 403
    assert official.post_form(PAGE, TERM, form_page="/staff").status_code == 403


def test_terms_in_a_message_show_their_meaning_and_the_weeks_new_words_are_listed(api: httpx.Client) -> None:
    for title in ("物业服务绝绝子", "小区绿化绝绝子"):
        api.post("/api/v1/messages", json={**CASE, "title": title, "body": f"{title}，物业管理太差了，请尽快处理。"})
    admin = _admin(api)
    week = admin.get(PAGE).text
    assert "本周待解释的词语" in week and "绝绝子" in week and "term=%E7%BB%9D%E7%BB%9D%E5%AD%90#add" in week
    assert 'value="绝绝子"' in admin.get(f"{PAGE}?term=绝绝子").text  # the link fills in the form
    admin.post_form(PAGE, TERM, form_page=PAGE)
    assert "解释这个词" not in admin.get(PAGE).text  # explained now
    mid = api.post(
        "/api/v1/messages", json={**CASE, "title": "电梯维修太慢", "body": "电梯坏了一周，物业说juejuezi，请尽快修。"}
    ).json()["id"]  # noqa: E501
    api.post(f"/api/v1/cases/{mid}/accept", json={}, headers=token_for(api, "jsj.a"))
    official = Browser(str(api.base_url))
    login(official, "jsj.a", PASSWORD)
    page = official.get(f"/staff/cases/{mid}").text
    assert 'class="gloss" tabindex="0" title="好到极点（也可反讽）"' in page and ">juejuezi</abbr>" in page
    assert "<dt>绝绝子</dt>" in page and "答复提示：答复中不宜使用" in page


def test_the_shipped_file_seeds_an_empty_glossary_once(deployed: Platform, tmp_path: Path) -> None:
    file = tmp_path / "glossary.yaml"
    file.write_text(
        "- {term: 躺平, variants: [躺了], meaning: 放弃努力, suits_reply: false}\n"
        "- {term: 躺平, meaning: 重复的一条}\n"
        "- {term: 没有释义}\n"
        "- just text\n"
        "- {term: 点赞, meaning: 表示赞同, suits_reply: true, reply_hint: 可以说“为您点赞”}\n",
        encoding="utf-8",
    )
    assert [t.term for t in read_glossary_file(file)] == ["躺平", "躺平", "点赞"]
    assert read_glossary_file(tmp_path / "missing.yaml") == []
    with deployed.write() as s:
        assert check_seed_glossary(s, deployed.now(), file) == 2
    with deployed.write() as s:
        assert check_seed_glossary(s, deployed.now(), file) == 0  # never over an admin's glossary
        rows = {r.term: r for r in s.scalars(select(GlossaryTerm))}
    assert rows["躺平"].variants == ["躺了"] and rows["点赞"].suits_reply and rows["点赞"].reply_hint
