"""The kind, urgency and feeling steps in the platform: the shipped model decides and its evidence is
stored; without a model file the word rules decide as before (mini deployment, real database)."""

from __future__ import annotations

from pathlib import Path

from massline.models import MessageAnalysis
from massline.platform import Platform
from massline.services import pipeline
from massline.services.classifier import SHIPPED_MODEL
from massline.services.intake.submit import MessageInput, check_submit

TITLE = "举报某公司无证经营"
BODY = "东城区和平街道有一家公司长期无证经营，非法排放污水，附近居民苦不堪言，请相关部门查处。"


def _analyse(platform: Platform, understanding_model: Path | None) -> MessageAnalysis:
    with platform.write() as s:
        mid = check_submit(s, platform.cipher, MessageInput(title=TITLE, body=BODY, kind="投诉"), platform.now()).id
    with platform.write() as s:
        ctx = pipeline.analysis_context(s, model_path=None, understanding_model=understanding_model)
        pipeline.run_pipeline(s, ctx, platform.plugins.steps())
    with platform.read() as s:
        row = s.get(MessageAnalysis, mid)
        assert row is not None
        return row


def test_the_shipped_model_decides_and_its_evidence_is_stored(deployed: Platform) -> None:
    assert SHIPPED_MODEL.exists()  # ships with the package
    row = _analyse(deployed, None)
    assert row.kind_guess == "举报"
    kind = row.evidence["kind"]
    assert kind["model"]["label"] == "举报" and kind["model"]["by"] == "model"
    text = f"{TITLE}\n{BODY}"
    assert kind["model"]["spans"] and all(text[s["start"] : s["end"]] == s["text"] for s in kind["model"]["spans"])
    assert row.versions["kind"].startswith("kind-understand-v3-")
    assert row.versions["urgency"].startswith("urgency2-understand-v3-")
    assert row.urgency_level in ("urgent", "elevated", "normal") and 0 <= (row.urgency_score or 0) <= 1
    assert row.evidence["urgency"]["model"]["label"] in ("紧急", "较急", "一般")
    assert row.evidence["sentiment"]["model"]["label"] in ("平和", "不满", "愤怒")
    assert "signals" in row.evidence["urgency"] and "words" in row.evidence["sentiment"]  # the rules' explanations


def test_without_a_model_file_the_rules_decide(deployed: Platform, tmp_path: Path) -> None:
    row = _analyse(deployed, tmp_path / "missing.joblib")
    assert row.versions["kind"] == "kind-v1" and row.versions["urgency"] == "urgency-v1"
    assert row.versions["sentiment"] == "sentiment-v1"
    assert row.kind_guess == "举报" and row.evidence["kind"]["cues"]
    assert "model" not in row.evidence["kind"] and "model" not in row.evidence["sentiment"]


def test_an_unreadable_model_file_falls_back_to_the_rules(deployed: Platform, tmp_path: Path) -> None:
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"not a model")
    row = _analyse(deployed, bad)
    assert row.versions["kind"] == "kind-v1"
