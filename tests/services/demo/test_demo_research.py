"""The demo shows online research and the error-tolerance review: the executive vice-mayor's ledger
with workbench activity and two entries, one decided tolerance review covered by a pilot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from massline.models import ToleranceReview, User
from massline.platform import Platform
from massline.services import research, tolerance
from massline.services.accountability import monthly_report
from massline.services.demo import load_demo


@pytest.mark.slow  # loads the whole demo
def test_the_demo_has_research_and_a_tolerance_review(platform: Platform) -> None:
    report = load_demo(platform)
    assert report.research == ["research of he.lixin", "tolerance review of zhao.zjj",
                               "du.jb agreed to be named in the monthly report",
                               "zhou.dc agreed to be named in the monthly report"]  # fmt: skip
    with platform.write() as s:
        leader = s.scalar(select(User).where(User.username == "he.lixin"))
        supervisor = s.scalar(select(User).where(User.username == "qian.jiandu"))
        assert leader is not None and supervisor is not None
        now = platform.now()
        page = research.ledger_page(s, leader, leader.id, now.year)
        if page.entries:  # the entries' dates lie in this year unless the demo is loaded early in January
            assert {e.kind for e in page.entries} <= {"field_visit", "live_qa"}
        assert page.ledger.activity_runs > 0 or now.month == 1
        review_id = s.scalar(select(ToleranceReview.id))
        assert review_id is not None
        view = tolerance.view_review(s, supervisor, review_id)
        assert view.review.final_decision == "exempt" and view.pilots and view.review.account
        housing = next(oc for oc in research.office_cadence(s, supervisor, now) if oc.office.code == "jz-zjj")
        people = {u.username: c for u, c in housing.officials}
        assert len(people["zhao.zjj"].read_but_silent) == 2 and housing.figures.last_reply_at is not None


@pytest.mark.slow  # loads the whole demo
def test_the_demos_monthly_report_names_only_the_officials_who_agreed(platform: Platform) -> None:
    load_demo(platform)
    with platform.read() as s:
        named = {u.display_name for u in s.scalars(select(User).where(User.name_consent.is_(True)))}
        assert len(named) == 2
        months = {platform.now().strftime("%Y-%m")}
        months |= {(platform.now().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")}
        reports = [monthly_report(s, platform.settings.timezone, platform.now(), m) for m in sorted(months)]
    best = [e for r in reports for e in r.exemplary_review + r.exemplary_citizen]
    assert best and {e.official for e in best} - {None} <= named
    assert any(e.official for e in best) and any(e.official is None for e in best)
    assert any(r.offices and r.volumes.messages for r in reports)
