"""The pipeline's place step with the place model: the place a message is about (span, type, reasons)
and its area stored as evidence beside the gazetteer's region; without the model file, the gazetteer
alone as before — on a real database (mini deployment)."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from massline.analysis.places import PlaceTagger
from massline.models import MessageAnalysis, Region
from massline.platform import Platform
from massline.services import pipeline
from massline.services.intake.submit import MessageInput, check_submit

TITLE = "锦绣家园小区电梯经常困人"
BODY = "东城区和平街道锦绣家园小区3栋电梯本月已经困人三次，隔壁小区都换了新电梯，请督促物业尽快更换。"


def _submit(platform: Platform) -> int:
    with platform.write() as s:
        message = check_submit(s, platform.cipher, MessageInput(title=TITLE, body=BODY, kind="投诉"), platform.now())
        return message.id


def _run(platform: Platform, place_model: Path | None) -> MessageAnalysis:
    message_id = _submit(platform)
    with platform.write() as s:
        ctx = pipeline.analysis_context(s, model_path=None, place_model=place_model)
        pipeline.run_pipeline(s, ctx, platform.plugins.steps())
    with platform.read() as s:
        row = s.get(MessageAnalysis, message_id)
        region = s.scalar(select(Region.id).where(Region.code == "cs-dc-hp"))
    assert row is not None and region is not None
    assert row.located_region_id == region  # routing's region is the gazetteer's, with or without the model
    return row


def test_place_step_stores_the_place_and_area_of_the_model(deployed: Platform) -> None:
    row = _run(deployed, pipeline.PLACE_MODEL)
    tagger = PlaceTagger(pipeline.PLACE_MODEL)
    assert row.versions["place"] == f"places-v3-crf-{tagger.model_version}"
    evidence = row.evidence["place"]
    place = evidence["place"]
    assert place["text"] == "锦绣家园小区" and place["type"] == "compound"
    start, end = place["span"]
    assert f"{TITLE}\n{BODY}"[start:end] == "锦绣家园小区"
    assert "在标题中" in place["reasons"]
    assert evidence["area"]["name"] == "和平街道" and evidence["area"]["source"] == "gazetteer"


def test_place_step_without_the_model_file_keeps_the_gazetteer_alone(deployed: Platform, tmp_path: Path) -> None:
    row = _run(deployed, tmp_path / "missing.crfsuite")
    assert row.versions["place"] == "places-v1"
    evidence = row.evidence["place"]
    assert "place" not in evidence and "area" not in evidence
    assert evidence["name"] == "和平街道"


def test_a_retrained_place_model_has_another_version(tmp_path: Path) -> None:
    """The step's version names the model's files, so stored places are redone after a retraining."""
    shipped = PlaceTagger(pipeline.PLACE_MODEL)
    alone = tmp_path / "places.crfsuite"
    shutil.copyfile(pipeline.PLACE_MODEL, alone)  # the same CRF without its ranker: another model
    assert PlaceTagger(alone).model_version != shipped.model_version
    assert PlaceTagger(pipeline.PLACE_MODEL).model_version == shipped.model_version
