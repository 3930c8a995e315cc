"""What the pipeline's store does once per batch rather than once per message (docs/pipeline-speed.md):
the duplicates' stored candidates read and their band keys written with one statement each, the word
rules computed once per message for the model and the three steps, the keys compatible with the batch's
places read together, the issues' events written together, and the joined issues read by their status
only and written back with one statement, and no cyclic garbage collected during a batch."""

from __future__ import annotations

import gc
import re

from sqlalchemy import select

from massline.analysis.classify import rule_findings
from massline.models import Issue, IssueEvent
from massline.platform import Platform
from massline.services import pipeline
from massline.services.issues.index import StoredIssueIndex
from massline.services.issues.memory import index_memory
from tests.services.issues.test_index_memory import statements
from tests.services.issues.test_issues import NOISE_DC, PARKING_DC, PARKING_XC, analyse, issue_of, parking, submit


def test_one_batch_reads_and_writes_band_keys_once_and_runs_the_rules_once(deployed: Platform) -> None:
    texts = [*PARKING_DC, PARKING_XC, NOISE_DC]
    for i, (title, body) in enumerate(texts):
        submit(deployed, title, body, f"业主{i}")
    rule_findings.cache_clear()
    with statements(deployed) as seen:
        report = analyse(deployed)
    assert report.messages == len(texts) and report.ran["duplicates"] == len(texts)
    band_key_reads = [q for q in seen if q.lstrip().upper().startswith("SELECT") and "message_band_keys" in q]
    band_key_writes = [q for q in seen if q.lstrip().upper().startswith("INSERT INTO message_band_keys".upper())]
    assert len(band_key_reads) == 1 and len(band_key_writes) == 1
    info = rule_findings.cache_info()
    assert info.misses == len(texts) and info.hits >= 2 * len(texts)  # kind, urgency, feeling: computed once


def test_one_batch_reads_its_places_keys_and_writes_its_events_at_once(deployed: Platform) -> None:
    dc, _xc, _noise = parking(deployed)  # 阳光花园 and 幸福家园 stored; the kept index warm
    new = [("绿城小区夜间施工噪音扰民", "绿城小区旁边工地每天晚上施工到凌晨，噪音太大。"),
           ("望江花园小区电梯经常故障", "望江花园小区的电梯三天两头坏，物业不修。"),
           ("阳光花园小区车位捆绑销售", "阳光花园小区开发商强迫业主购买车位，不买车位就不给交房，请查处。")]  # fmt: skip
    sent = [submit(deployed, title, body, f"业主{i}") for i, (title, body) in enumerate(new)]
    with statements(deployed) as seen:
        analyse(deployed)
    # the keys compatible with the batch's places: read together at the batch's start (one statement
    # each table), not two or three statements per new place name
    assert len([q for q in seen if "FROM issue_place_pieces" in q]) == 1
    assert len([q for q in seen if q.startswith("INSERT INTO issue_events")]) == 1  # the two "created" events
    assert issue_of(deployed, sent[2].id) == issue_of(deployed, dc[0].id)
    with deployed.read() as s:
        created = s.execute(select(IssueEvent.issue_id, IssueEvent.data).where(IssueEvent.type == "created")
                            .order_by(IssueEvent.id)).all()  # fmt: skip
        assert created[-2:] == [(issue_of(deployed, m.id), {"message": m.id}) for m in sent[:2]]
        kept = index_memory(s)
        fresh = StoredIssueIndex(s)  # (no memory: each name looked up alone, as before)
        names = [n for n in ("绿城", "望江花园", "阳光花园") if n in kept.places]
        assert names and all(kept.places[n] == fresh.compatible_places(n) for n in names)


def test_one_batch_joins_issues_without_loading_them_and_updates_them_at_once(deployed: Platform) -> None:
    dc, xc, _noise = parking(deployed)
    joining = [("阳光花园小区开发商捆绑卖车位", "阳光花园小区开发商强制业主购买车位，不买车位不交房，请查处。"),
               ("阳光花园小区强制买车位", "东城区阳光花园小区开发商逼业主买车位才给交房。"),
               ("幸福家园小区捆绑销售车位", "西城区幸福家园小区开发商强制业主购买车位，不买不交房。")]  # fmt: skip
    sent = [submit(deployed, t, b, f"新业主{i}", region="cs-xc" if i == 2 else "cs-dc")
            for i, (t, b) in enumerate(joining)]  # fmt: skip
    with statements(deployed) as captured:
        analyse(deployed)
    seen = [re.sub(r"%\(\w+\)s", "?", q) for q in captured]  # PostgreSQL's placeholders written as SQLite's
    a, b = issue_of(deployed, dc[0].id), issue_of(deployed, xc.id)
    assert [issue_of(deployed, m.id) for m in sent] == [a, a, b]
    whole_rows = [q for q in seen if q.startswith("SELECT issues.id, issues.title") and "WHERE issues.id = ?" in q]
    assert not whole_rows  # (the ORM loaded each joined issue before)
    assert len([q for q in seen if q.startswith("SELECT issues.status, issues.resolved_at")]) == 2  # once per issue
    updates = [q for q in seen if q.startswith("UPDATE issues")]
    assert 1 <= len(updates) <= 2  # one per set of changed columns (not one per issue and column run)
    assert not [q for q in updates if "created_at=?" in q or "owner_office_id=?" in q]  # changed columns only
    with deployed.read() as s:
        rows = {i.id: i for i in s.scalars(select(Issue).where(Issue.id.in_([a, b])))}
        assert (rows[a].message_count, rows[b].message_count) == (5, 2)
        assert not rows[a].dirty and not rows[b].dirty and rows[a].heat > 0 and rows[b].title


def test_no_garbage_is_collected_during_a_batch(deployed: Platform) -> None:
    seen: list[bool] = []

    def run(ctx: pipeline.AnalysisContext, session: object, item: pipeline.Item) -> pipeline.StepResult:
        seen.append(gc.isenabled())
        return pipeline.StepResult()

    steps = [pipeline.Step("gc-spy", "v1", run)]
    submit(deployed, *NOISE_DC, "业主N")
    assert gc.isenabled()
    with deployed.write() as s:
        pipeline.run_pipeline(s, pipeline.analysis_context(s, model_path=None), steps)
    assert seen == [False] and gc.isenabled()  # enabled again after the batch
    submit(deployed, *PARKING_XC, "业主X", region="cs-xc")
    gc.disable()  # (a caller that turned it off keeps it off)
    try:
        with deployed.write() as s:
            pipeline.run_pipeline(s, pipeline.analysis_context(s, model_path=None), steps)
        assert seen == [False, False] and not gc.isenabled()
    finally:
        gc.enable()
