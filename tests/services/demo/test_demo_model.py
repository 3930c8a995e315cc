"""The demo's category model: trained from the demo's answered history at load, so that
new demo messages are routed from the first start (real database, real model file)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from massline.models import Message, MessageEvent
from massline.platform import Platform
from massline.services.demo import load_demo, train_demo_model
from massline.services.intake import MessageInput, check_submit
from massline.worker import Worker

ELEVATOR = "东城区文昌街道锦绣社区5栋的电梯又坏了，停运一个多星期，物业一直不修，楼里老人上下楼非常困难。"


@pytest.mark.slow  # loads the whole demo and analyses its 325 messages: ~13 s, of which training ~2.5 s
def test_demo_load_trains_a_model_and_new_messages_are_routed(platform: Platform) -> None:
    path = platform.settings.classifier_model_path
    assert not path.exists()
    start = time.perf_counter()
    report = load_demo(platform)
    seconds = time.perf_counter() - start
    assert report.model is not None and path.is_file()
    assert report.model.messages >= 100 and len(report.model.classes) >= 5
    assert report.model_note.startswith(f"category model trained from the demo's {report.model.messages} answered")
    assert seconds < 60  # the whole load, training included; measured at a few seconds

    with platform.write() as s:  # a citizen names neither region nor category
        new = check_submit(s, platform.cipher, MessageInput(title="电梯坏了没人修", body=ELEVATOR, kind="投诉"),
                           platform.now()).id  # fmt: skip
    Worker(platform).run_once()
    with platform.read() as s:
        m = s.get(Message, new)
        assert m is not None and m.status == "assigned" and m.office is not None
        assert m.region is not None and m.region.name == "锦绣社区"
        types = [e.type for e in s.scalars(select(MessageEvent).where(MessageEvent.message_id == new))]
        routed = s.scalars(select(MessageEvent).where(MessageEvent.message_id == new, MessageEvent.type == "routed"))
        note = routed.one().note
    assert types == ["submitted", "region_located", "routed"]
    assert note is not None and note.startswith("智能分派：") and "由分类模型识别" in note

    again, line = train_demo_model(platform)  # a model is there: left alone
    assert again is None and line == f"category model: using the existing {path}"


def test_without_labelled_history_no_model_is_trained_and_the_line_says_so(deployed: Platform) -> None:
    report, line = train_demo_model(deployed)
    assert report is None and not deployed.settings.classifier_model_path.exists()
    assert line.startswith("category model: none trained (") and "new messages wait for a dispatcher" in line
