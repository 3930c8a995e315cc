"""The analysis pipeline in the platform: stored evidence, versions, duplicates, routing,
retraining from history, the worker and the CLI — on a real database (mini deployment)."""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from massline import hookimpl
from massline.analysis.classify.model import CategoryClassifier, text_of
from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import Message, MessageAnalysis, MessageBandKey, MessageEvent, Region, User
from massline.platform import Platform
from massline.plugins import load_plugins
from massline.services import casework as cases
from massline.services import pipeline
from massline.services.casework import actions as casework
from massline.services.classifier.model import retrain, training_set
from massline.services.errors import ValidationFailed
from massline.services.intake.submit import MessageInput, check_submit
from massline.worker import Worker

GAS = "东城区和平街道阳光社区三栋楼道里有很浓的煤气味，请马上派人来处理，谢谢。"
GAS_AGAIN = "东城区和平街道阳光社区三栋楼道里有很浓的煤气味，请马上派人来处理，拜托了。"
SOCIAL = "请问西城区解放街道的居民办理居住证需要准备哪些材料？"

VOCAB = {
    "城乡建设": ["楼道漏水", "物业不管", "电梯停运", "小区围墙", "施工噪音", "下水道堵", "屋顶渗水", "绿化带"],
    "劳动和社会保障": ["老板欠钱", "工人讨要", "发钱", "辞退员工", "加班不给钱", "包工头", "血汗钱", "工地老板"],
    "教育文体": ["学校老师", "学生作业", "孩子上学", "校服费用", "食堂饭菜", "课外补课", "班主任", "家长会"],
}


def submit(platform: Platform, title: str, body: str, **fields: str) -> int:
    with platform.write() as s:
        return check_submit(s, platform.cipher, MessageInput(title=title, body=body, kind="投诉", **fields),
                            platform.now()).id


def analysis(platform: Platform, message_id: int) -> MessageAnalysis:
    with platform.read() as s:
        row = s.get(MessageAnalysis, message_id)
    assert row is not None
    return row


def run(platform: Platform, **kwargs: object) -> pipeline.PipelineReport:
    with platform.write() as s:
        ctx = pipeline.analysis_context(s, model_path=platform.settings.classifier_model_path,
                                        threshold=platform.settings.classifier_threshold)
        return pipeline.run_pipeline(s, ctx, platform.plugins.steps(), **kwargs)  # type: ignore[arg-type]


def region_id(platform: Platform, code: str) -> int:
    with platform.read() as s:
        rid = s.scalar(select(Region.id).where(Region.code == code))
    assert rid is not None
    return rid


def tiny_model(path: Path, threshold: float = 0.5) -> Path:
    """A category model trained on synthetic texts over three categories of the mini taxonomy."""
    rng = random.Random(0)
    texts, labels = [], []
    for label, words in VOCAB.items():
        for _ in range(12):
            a, b = rng.sample(words, 2)
            texts.append(text_of(f"反映{a}的问题", f"我们这里{a}，还有{b}，希望尽快解决{a}。"))
            labels.append(label)
    CategoryClassifier(threshold=threshold).fit(texts, labels).save(path)
    return path


class NewVersion:
    """A deployment's plugin shipping a new version of one built-in step."""

    def __init__(self, step: pipeline.Step) -> None:
        self.step = step

    @hookimpl
    def register_pipeline_steps(self) -> list[pipeline.Step]:
        return [self.step]


def test_pipeline_stores_evidence_place_duplicates_and_versions(deployed: Platform) -> None:
    first = submit(deployed, "楼道煤气味", GAS)
    repost = submit(deployed, "楼道煤气味", GAS_AGAIN)
    other = submit(deployed, "居住证咨询", SOCIAL)

    report = run(deployed)
    assert report.messages == 3 and report.urgent == 2 and report.duplicates == 1
    assert report.skipped == {"classify": 3}  # no model file configured
    assert report.ran == dict.fromkeys(("kind", "urgency", "sentiment", "place", "duplicates", "issues"), 3)

    a = analysis(deployed, first)
    assert a.urgency_level == "urgent" and a.urgency_score is not None and a.urgency_score >= 0.75
    gas = a.evidence["urgency"]["signals"][0]
    assert gas["label"] == "燃气泄漏" and "煤气味" in gas["words"]
    start, end = gas["spans"][-1]
    assert f"楼道煤气味\n{GAS}"[start:end] == "煤气味"
    assert a.located_region_id == region_id(deployed, "cs-dc-hp-yg")
    assert a.evidence["place"]["evidence"][0] == "阳光社区" and "东城区" in a.evidence["place"]["evidence"]
    assert a.duplicate_of_id is None and a.signature is not None and len(a.signature) == 128 * 4
    assert set(a.versions) == {"classify", "kind", "urgency", "sentiment", "place", "duplicates", "issues"}
    assert a.versions["classify"] == "none" and a.evidence["classify"] == {"skipped": "no model file"}

    assert analysis(deployed, repost).duplicate_of_id == first
    c = analysis(deployed, other)
    assert c.duplicate_of_id is None and c.kind_guess == "咨询" and c.urgency_level == "normal"
    assert c.located_region_id == region_id(deployed, "cs-xc-jf")
    with deployed.read() as s:  # 16 LSH band keys per message, looked up by an index
        assert s.scalar(select(func.count()).select_from(MessageBandKey)) == 3 * 16

    assert run(deployed).messages == 0  # incremental: nothing left to do

    step = next(st for st in deployed.plugins.steps() if st.name == "kind")
    deployed.plugins.register(NewVersion(dataclasses.replace(step, version="kind-v999")))  # a new version of one step
    again = run(deployed)
    assert again.messages == 3 and again.ran == {"kind": 3} and again.skipped == {}
    assert analysis(deployed, first).versions["kind"] == "kind-v999"
    assert run(deployed).messages == 0


def test_force_and_since_select_messages(deployed: Platform) -> None:
    ids = [submit(deployed, "居住证咨询", SOCIAL + str(i)) for i in range(3)]
    assert run(deployed, message_ids=ids[:1]).messages == 1
    assert run(deployed, since=deployed.now()).messages == 0  # all three are older than now
    assert run(deployed).messages == 2
    page = run(deployed, force=True, limit=2)
    assert page.messages == 2 and page.last_id == ids[1]
    assert run(deployed, force=True, limit=2, after_id=page.last_id).messages == 1
    with deployed.read() as s:  # re-running duplicates replaced the band keys instead of adding more
        assert s.scalar(select(func.count()).select_from(MessageBandKey)) == 3 * 16


def test_confident_prediction_routes_a_queued_message(deployed: Platform, tmp_path: Path) -> None:
    deployed.settings.classifier_model = tiny_model(tmp_path / "category.joblib")
    deployed.settings.classifier_threshold = 0.99  # nobody is that sure: stays with a person
    wages = submit(deployed, "工钱的事", "西城区解放街道一个工地老板欠钱三个月不给工人发钱，血汗钱要不回来。")
    with deployed.read() as s:
        queued = s.get(Message, wages)
        assert queued is not None and queued.status == "received" and queued.category_id is None

    Worker(deployed).run_once()
    row = analysis(deployed, wages)
    assert row.category_label == "劳动和社会保障" and row.needs_review is True
    assert row.versions["classify"].startswith("category-v2-") and row.versions["classify"].endswith("@0.99")
    with deployed.read() as s:
        still = s.get(Message, wages)
        assert still is not None and still.status == "received" and still.office_id is None

    deployed.settings.classifier_threshold = 0.4  # a new threshold re-runs the classify step only
    report = Worker(deployed).run_once()
    assert report.ran == {"classify": 1} and report.routed == 1
    with deployed.read() as s:
        m = s.get(Message, wages)
        assert m is not None and m.status == "assigned" and m.due_at is not None
        assert m.office is not None and m.office.code == "cs-rsj"
        assert m.category is not None and m.category.path == "劳动和社会保障"
        assert m.region is not None and m.region.code == "cs-xc-jf"
        event = s.scalars(select(MessageEvent).where(MessageEvent.message_id == wages, MessageEvent.type == "routed")).one()
        assert event.note is not None and event.note.startswith("智能分派：测试市人力资源和社会保障局")
        assert event.data["by"] == "analysis" and event.to_status == "assigned"


def test_located_region_is_filled_without_routing_and_a_chosen_one_kept(deployed: Platform, tmp_path: Path) -> None:
    deployed.settings.classifier_model = tiny_model(tmp_path / "category.joblib")
    deployed.settings.classifier_threshold = 0.99  # not sure enough to route: stays in the queue
    body = "西城区解放街道一个工地老板欠钱三个月不给工人发钱，血汗钱要不回来。"
    wages = submit(deployed, "工钱的事", body)
    chosen = submit(deployed, "工钱的事", body, region="cs-dc-hp-yg")  # the citizen's region is kept
    report = Worker(deployed).run_once()
    assert report.routed == 0
    with deployed.read() as s:
        m = s.get(Message, wages)
        assert m is not None and m.status == "received" and m.office_id is None
        assert m.region is not None and m.region.code == "cs-xc-jf"
        event = s.scalars(
            select(MessageEvent).where(MessageEvent.message_id == wages, MessageEvent.type == "region_located")
        ).one()
        assert event.note is not None and event.note.startswith("智能识别区域：解放街道")
        assert "据文中“解放街道" in event.note and event.is_public is False
        assert event.data["by"] == "analysis" and event.data["region"] == "cs-xc-jf" and "解放街道" in event.data["words"]
        kept = s.get(Message, chosen)
        assert kept is not None and kept.region is not None and kept.region.code == "cs-dc-hp-yg"
        assert not [e for e in kept.events if e.type == "region_located"]
        suggestion = pipeline.suggest_offices(s, [m])[wages]
    assert suggestion.office_code == "cs-rsj" and suggestion.below_threshold
    assert suggestion.confidence is not None and "劳动和社会保障" in suggestion.reason

    deployed.settings.classifier_threshold = 0.4  # confident now: routed in the region filled before
    assert Worker(deployed).run_once().routed >= 1
    with deployed.read() as s:
        m = s.get(Message, wages)
        assert m is not None and m.office is not None and m.office.code == "cs-rsj"
        assert [e.type for e in m.events].count("region_located") == 1


def _closed_case(platform: Platform, title: str, body: str, category: str) -> int:
    with platform.write() as s:
        sub = check_submit(s, platform.cipher, MessageInput(title=title, body=body, kind="投诉", region="cs-xc-jf",
                                                            category=category), platform.now())
        m = sub.message
        now = platform.now()
        casework.do_accept(s, None, m, now)
        casework.check_draft_reply(s, None, m, "您反映的问题已转相关部门核实处理，感谢监督。", now)
        casework.do_publish_reply(s, None, m, now)
        cases.check_rate(s, m, 4, "", now)  # the citizen's rating closes the case
        return m.id


def test_retrain_learns_from_answered_cases_and_corrections(deployed: Platform, tmp_path: Path) -> None:
    path = tmp_path / "models" / "category.joblib"
    with deployed.read() as s, pytest.raises(ValidationFailed):
        retrain(s, path, min_total=10)  # no history yet
    assert not path.exists()

    rng = random.Random(1)
    for label, n in (("城乡建设", 6), ("劳动和社会保障", 5), ("教育文体", 2)):
        for _ in range(n):
            a, b = rng.sample(VOCAB[label], 2)
            _closed_case(deployed, f"反映{a}", f"我们这里{a}，还有{b}，请尽快解决。", label)
    misfiled = _closed_case(deployed, "工地老板欠钱", "工地老板欠钱不给工人发钱，血汗钱讨不回来。", "城乡建设")
    queued = submit(deployed, "包工头跑了", "包工头欠钱跑了，工人的血汗钱没人管。")
    now = deployed.now()
    with deployed.write() as s:
        official = s.scalars(select(User).where(User.username == "jsj.a")).one()
        dispatcher = s.scalars(select(User).where(User.username == "disp")).one()
        cases.act(s, official, misfiled, cases.CategoryRequest(category="劳动和社会保障"), now)
        cases.act(s, dispatcher, queued, cases.CategoryRequest(category="劳动和社会保障"), now)

    with deployed.read() as s:
        data = training_set(s)
        assert data.corrected == 2 and len(data.texts) == 15
        report = retrain(s, path, min_per_class=5, min_total=10)
    assert report.messages == 13 and report.corrected == 2
    assert report.classes == {"劳动和社会保障": 7, "城乡建设": 6} and report.dropped_classes == {"教育文体": 2}
    model = CategoryClassifier.load(path)
    assert list(model.classes_) == ["劳动和社会保障", "城乡建设"]
    assert model.predict(["工地老板欠钱不给工人发钱"]) == ["劳动和社会保障"]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # written atomically


def test_worker_thread_analyses_new_messages(deployed: Platform) -> None:
    worker = Worker(deployed, interval=0.05)
    worker.start()
    try:
        message_id = submit(deployed, "楼道煤气味", GAS)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with deployed.read() as s:
                if s.get(MessageAnalysis, message_id) is not None:
                    break
            time.sleep(0.05)
    finally:
        worker.stop()
    assert analysis(deployed, message_id).urgency_level == "urgent"
    assert Worker(deployed).run_once().messages == 0


# ---- the command line ------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform, tmp_path: Path) -> Iterator[Settings]:
    settings = deployed.settings
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MASSLINE_CLASSIFIER_MODEL", str(tmp_path / "cli-model.joblib"))
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_pipeline_worker_and_retrain(cli_env: Settings, deployed: Platform, tmp_path: Path) -> None:
    submit(deployed, "楼道煤气味", GAS)
    submit(deployed, "楼道煤气味", GAS_AGAIN)
    steps = cli("pipeline", "steps")
    assert steps.exit_code == 0 and steps.output.split()[::2] == [
        "classify", "kind", "urgency", "sentiment", "place", "duplicates", "issues"]
    result = cli("pipeline", "run")
    assert result.exit_code == 0, result.output
    assert "analysed 2 messages: 0 routed, 2 urgent, 1 near-duplicates" in result.output
    assert "classify: skipped (no model file" in result.output
    assert [ln.split()[:3] for ln in result.output.splitlines() if ln.startswith("  urgency")] == [
        ["urgency", "ran", "2"]]
    assert "analysed 0 messages" in cli("pipeline", "run").output
    assert "analysed 2 messages" in cli("pipeline", "run", "--all", "--since", "2000-01-01").output
    assert "analysed 0 messages" in cli("pipeline", "run", "--all", "--since", "2999-01-01").output
    submit(deployed, "居住证咨询", SOCIAL)
    assert "analysed 1 messages" in cli("worker", "--once").output

    refused = CliRunner().invoke(main, ["classify", "retrain"])
    assert refused.exit_code == 1 and "至少需要 20 条" in refused.output
    assert not (tmp_path / "cli-model.joblib").exists()
    for label in ("城乡建设", "劳动和社会保障"):
        for i in range(3):
            _closed_case(deployed, f"反映{VOCAB[label][i]}", f"我们这里{VOCAB[label][i]}，{VOCAB[label][i + 1]}。", label)
    trained = cli("classify", "retrain", "--min-per-class", "3", "--min-total", "6")
    assert trained.exit_code == 0, trained.output
    assert "trained on 6 messages (6 answered, 0 corrected" in trained.output
    assert (tmp_path / "cli-model.joblib").exists()
    again = cli("pipeline", "run")  # the new model classifies every message: 3 queued + 6 closed
    assert "analysed 9 messages" in again.output and "  classify    ran      9" in again.output
    with deployed.read() as s:
        labelled = s.scalar(select(func.count()).select_from(MessageAnalysis).where(
            MessageAnalysis.category_label.is_not(None)))
    assert labelled == 9


def test_every_pipeline_step_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "analysis.md").read_text(encoding="utf-8")
    section = doc.split("## In the platform", 1)[1]
    steps = load_plugins(entry_points=False).steps()
    assert [s.name for s in steps if f"| `{s.name}` |" not in section] == []
