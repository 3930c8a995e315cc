"""The exact definitions of issue 15 on small hand-written histories."""

from __future__ import annotations

from datetime import datetime

import pytest

from massline.analysis.accountability import (
    HistoryError,
    Params,
    analyse,
    by_office_period,
    case_facts,
    parse_rows,
    period_of,
    tally,
)

T0 = datetime(2026, 3, 1, 9, 0, 0)  # noqa: DTZ001 - local time by definition


def events(text: str) -> list:
    """Rows ``case,time,event,office,detail`` (one per line) as events."""
    rows = [line.split(",") for line in text.strip().splitlines()]
    return list(parse_rows(rows))


HISTORY = """
A,2026-03-01 09:00:00,提交,,类型=投诉;领域=城建
A,2026-03-01 10:00:00,派单,甲,期限=5
A,2026-03-02 09:00:00,签收,甲,
A,2026-03-02 12:00:00,转办,乙,
A,2026-03-04 12:00:00,签收,乙,
A,2026-03-06 12:00:00,延期,乙,天数=3
A,2026-03-09 12:00:00,答复,乙,
A,2026-03-12 12:00:00,回访,,有效=是;联系=是;解决=否;满意=基本满意
A,2026-03-12 13:00:00,重办,乙,
A,2026-03-13 13:00:00,答复,乙,
A,2026-03-16 12:00:00,回访,,有效=是;联系=否;解决=是;满意=满意
A,2026-03-16 13:00:00,办结,乙,
B,2026-03-01 09:00:00,提交,,类型=咨询;领域=城建
B,2026-03-01 10:00:00,派单,甲,期限=2
B,2026-03-03 11:00:00,签收,甲,
B,2026-03-05 10:00:00,回访,,有效=是;联系=是;解决=是;满意=不满意
B,2026-03-06 10:00:00,回访,,有效=否;联系=否;解决=否;满意=不满意
"""


def test_follow_ups_are_charged_to_the_last_replying_office_else_the_holder() -> None:
    facts = case_facts("A", events(HISTORY)[:12])
    assert [f.office for f in facts.followups] == ["乙", "乙"]
    b = case_facts("B", events(HISTORY)[12:])
    assert [f.office for f in b.followups] == ["甲", "甲"]  # no 答复: the office holding the case


def test_the_three_rates_and_the_score() -> None:
    t = tally(parse_facts(), Params(), as_of=datetime(2026, 3, 31))  # noqa: DTZ001
    yi, jia = t["乙"], t["甲"]
    assert (yi.followups, yi.contacted, yi.solved) == (2, 1, 1)
    assert yi.response_rate == 0.5 and yi.resolution_rate == 0.5
    assert yi.satisfaction_rate == pytest.approx((0.9 + 1.0) / 2)
    assert yi.score(Params()) == pytest.approx(0.1 * 0.5 + 0.5 * 0.5 + 0.4 * 0.95)
    assert yi.score(Params(weight_response=0, weight_resolution=1, weight_satisfaction=0)) == 0.5
    assert (jia.followups, jia.satisfaction_rate) == (1, 0.0)  # the 有效=否 回访 does not count
    assert sorted(yi.cases["回访"]) == ["A", "A"] and jia.cases["解决"] == ["B"]


def parse_facts() -> list:
    rows = events(HISTORY)
    return [case_facts("A", rows[:12]), case_facts("B", rows[12:])]


def test_process_figures() -> None:
    t = tally(parse_facts(), Params(), as_of=datetime(2026, 3, 31))  # noqa: DTZ001
    jia, yi = t["甲"], t["乙"]
    # 甲: A accepted after 23 h (on time), B after 49 h (late); 乙: accepted after 48 h (late), reopen: none
    assert (jia.accept_on_time, jia.accept_due) == (1, 2)
    assert (yi.accept_on_time, yi.accept_due) == (0, 1)  # the transfer (48 h); a 重办 needs no new 签收
    # 乙's deadline: transfer 03-02 12:00 + 期限 5 + 延期 3 = 03-10 12:00; replied 03-09: on time
    assert yi.cases["按时答复"][0] == "A"
    # B: 派单 03-01 + 2 days, never replied and open at the end of the data: late
    assert jia.cases["答复超时"] == ["B"] and jia.on_time_reply == 0.0
    assert yi.reopen_rate == 1.0 and yi.replied_cases == 1
    assert jia.transfers_per_case == 0.5
    assert yi.median_reply_days == pytest.approx(7.0)  # from the 转办 to the first 答复


def test_periods_start_on_the_deployments_day() -> None:
    assert period_of(datetime(2026, 3, 18), 19) == "2026-02"  # noqa: DTZ001
    assert period_of(datetime(2026, 3, 19), 19) == "2026-03"  # noqa: DTZ001
    assert period_of(datetime(2026, 1, 5), 19) == "2025-12"  # noqa: DTZ001
    assert period_of(datetime(2026, 1, 5)) == "2026-01"  # noqa: DTZ001
    t = tally(parse_facts(), Params(), datetime(2026, 3, 31), group=by_office_period(13))  # noqa: DTZ001
    assert t[("乙", "2026-02")].followups == 1 and t[("乙", "2026-03")].followups == 1


@pytest.mark.parametrize(("row", "message"), [
    ("A,2026-03-01,提交,,类型=投诉;领域=x", "第 2 行：时间“2026-03-01”应为 YYYY-MM-DD HH:MM:SS"),
    ("A,2026-03-01 09:00:00,提交,,类型=来电;领域=x", "第 2 行：提交的“类型”应为投诉、求助、咨询、建言、表扬、举报之一，而不是“来电”"),
    ("A,2026-03-01 09:00:00,派单,,期限=5", "第 2 行：派单须填写单位"),
    ("A,2026-03-01 09:00:00,派单,甲,期限=五", "第 2 行：派单的“期限”应为天数（整数），而不是“五”"),
    ("A,2026-03-01 09:00:00,回访,,有效=是;联系=是;解决=是", "第 2 行：回访的详情缺少“满意”"),
    ("A,2026-03-01 09:00:00,催办,甲,", "第 2 行：未知的事件“催办”"),
    (",2026-03-01 09:00:00,签收,甲,", "第 2 行：案件编号为空"),
    ("A,2026-03-01 09:00:00,签收,甲", "第 2 行：应有 5 列"),
])  # fmt: skip
def test_bad_rows_name_their_line(row: str, message: str) -> None:
    with pytest.raises(HistoryError) as caught:
        list(parse_rows([row.split(",")]))
    assert str(caught.value).startswith(message)


def test_analysis_names_the_cases_behind_a_figure() -> None:
    a = analyse(events(HISTORY), Params(min_followups=1))
    assert a.cases_behind("乙", "重办") == ["A"]
    assert a.cases_behind("甲", "回访") == ["B"]
    assert a.cases_behind("丙", "回访") == []
