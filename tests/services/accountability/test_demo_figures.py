"""The demo's rates computed by SQL from the database equal the rates computed from its exported history."""

from __future__ import annotations

from datetime import datetime

import pytest

from massline.analysis.accountability import Params, analyse, parse_rows
from massline.platform import Platform
from massline.services.accountability import history_rows, office_followup_counts, platform_params, ranking
from massline.services.demo import load_demo
from massline.services.intake import deployment_timezone


@pytest.mark.slow  # loads the whole demo (~10 s)
def test_the_demos_sql_rates_equal_the_rates_of_its_exported_history(platform: Platform) -> None:
    load_demo(platform)
    with platform.read() as s:
        tz = deployment_timezone(s, platform.settings.timezone)
        sql = office_followup_counts(s)
        events = list(parse_rows(history_rows(s, tz)))
        params = platform_params(s)
    assert params.min_followups < Params().min_followups  # the demo's own accountability section
    from_history = analyse(events, params)
    assert sum(c.followups for c in sql.values()) >= 20
    assert {o for o, t in from_history.tallies.items() if t.followups} == set(sql)
    for office, counts in sql.items():
        t = from_history.tallies[office]
        assert (counts.followups, counts.contacted, counts.solved) == (t.followups, t.contacted, t.solved), office
        rates = counts.rates(params)
        assert rates["响应率"] == t.response_rate and rates["解决率"] == t.resolution_rate
        assert rates["满意率"] == pytest.approx(t.satisfaction_rate, abs=1e-12)
        assert rates["综合得分"] == pytest.approx(t.score(params), abs=1e-12)
    assert from_history.ranks  # the demo ranks some offices
    with platform.read() as s:
        view = ranking(s, platform.settings.timezone, platform.now())
        month = ranking(s, platform.settings.timezone, platform.now(), view.periods[0])
    for row in view.rows:  # the page shows the SQL rates: the same as the history's
        t = from_history.tallies[row.office]
        assert row.followups == t.followups and row.resolution == t.resolution_rate, row.office
    month_total = sum(r.followups for r in month.rows)
    assert 0 < month_total == sum(c.followups for c in office_followup_counts_month(platform, month.period).values())


def office_followup_counts_month(platform: Platform, period: str) -> dict:
    """The SQL counts of one period (calendar months: the demo's periods start on the 1st)."""
    year, month = (int(x) for x in period.split("-"))
    with platform.read() as s:
        tz = deployment_timezone(s, platform.settings.timezone)
        after = (year + 1, 1) if month == 12 else (year, month + 1)
        return office_followup_counts(s, datetime(year, month, 1, tzinfo=tz), datetime(*after, 1, tzinfo=tz))
