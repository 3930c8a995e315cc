"""The demo shows the place model: its messages carry the place they are about, with type and reasons."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from massline.models import Message, MessageAnalysis
from massline.platform import Platform
from massline.services import pipeline
from massline.services.demo import load_demo


@pytest.mark.slow  # loads and analyses the whole demo
def test_demo_messages_carry_the_place_they_are_about(platform: Platform) -> None:
    load_demo(platform)
    with platform.write() as s:
        pipeline.run_pipeline(s, pipeline.analysis_context(s, model_path=None), platform.plugins.steps())
    with platform.read() as s:
        rows = s.execute(
            select(Message.title, MessageAnalysis.evidence).join(
                MessageAnalysis, MessageAnalysis.message_id == Message.id
            )
        ).all()
    places = {title: (ev.get("place") or {}).get("place") for title, ev in rows}
    assert places["感谢临川区人民医院的医生"]["text"] == "临川区人民医院"
    assert places["感谢临川区人民医院的医生"]["type"] == "hospital"
    assert places["云溪古镇景区旅游高峰秩序混乱"]["text"] in ("云溪古镇", "云溪古镇景区")  # the guide takes either length
    assert sum(1 for p in places.values() if p) >= len(places) // 3  # most demo messages name a place
