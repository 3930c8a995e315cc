"""An admin edit in a real browser (Chromium through Playwright): the admin changes the categories an
office answers on the office page, and the office list shows it. Screenshots at 375 px width are
written to the system temp dir for a human look."""

from __future__ import annotations

from playwright.sync_api import Browser
from sqlalchemy import select

from massline.models import AuditLog, Office
from massline.platform import Platform
from tests.web.chromium import BROWSER_MARKS, PHONE, SHOTS, login, new_page
from tests.web.test_browser import browser as browser  # noqa: F401 (the fixture)

pytestmark = BROWSER_MARKS


def test_the_admin_edits_an_office_in_chromium(browser: tuple[Browser, str], deployed: Platform) -> None:  # noqa: F811
    chromium, url = browser
    admin = new_page(chromium, url, PHONE)
    login(admin, "admin")
    admin.click("text=系统管理")
    admin.click(".admin-tabs >> text=单位")
    row = admin.locator("tr", has_text="cs-jsj")
    row.locator("text=修改").click()
    admin.fill("#name", "测试市住建局")
    admin.uncheck("input[name=categories][value=城乡建设]")
    admin.check("input[name=categories][value=教育文体]")
    admin.screenshot(path=str(SHOTS / "massline-admin-office-375.png"), full_page=True)
    admin.click("form.form button[type=submit]")
    assert "单位 测试市住建局 已修改" in admin.inner_text("main")
    assert "教育文体" in admin.locator("tr", has_text="cs-jsj").inner_text()
    admin.click(".admin-tabs >> text=单位")  # no error on reloading the list
    admin.fill("#code", "Bad Code")
    admin.fill("#name", "西城区住建局")
    admin.select_option("#region", "cs-xc")
    admin.click("#add ~ form button[type=submit]")
    assert "单位代码须为小写字母和数字" in admin.inner_text("main")  # the browser posted; Chinese errors
    with deployed.read() as s:
        office = s.scalar(select(Office).where(Office.code == "cs-jsj"))
        assert office is not None and [c.path for c in office.categories] == ["教育文体"]
        assert s.scalar(select(AuditLog).where(AuditLog.action == "office_updated")) is not None
