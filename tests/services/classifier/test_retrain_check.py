"""``retrain`` checks a new category model on the newest cases before it replaces the current one
— on a real database (mini deployment), with small synthetic histories."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from massline.analysis.classify.model import CategoryClassifier
from massline.cli import main
from massline.config import get_settings
from massline.models import Message
from massline.platform import Platform
from massline.services.classifier.check import holdout_split
from massline.services.classifier.model import retrain, training_set
from tests.services.pipeline.test_pipeline import VOCAB, _closed_case, tiny_model

LABELS = list(VOCAB)
ROTATED = {label: LABELS[(i + 1) % len(LABELS)] for i, label in enumerate(LABELS)}


def history(platform: Platform, per_class: int, *, rotate_older_than: int | None = None, seed: int = 0) -> None:
    """Close ``per_class`` cases per category, categories interleaved in time.

    With ``rotate_older_than=k`` every case but the newest ``k`` is filed under the
    wrong category (always the same wrong one: a consistent, wrong mapping).
    """
    rng = random.Random(seed)
    total = per_class * len(LABELS)
    for i in range(total):
        label = LABELS[i % len(LABELS)]
        a, b = rng.sample(VOCAB[label], 2)
        filed = label
        if rotate_older_than is not None and i < total - rotate_older_than:
            filed = ROTATED[label]
        _closed_case(platform, f"反映{a}的问题", f"我们这里{a}，还有{b}，希望尽快解决{a}。", filed)


@pytest.fixture
def model_path(tmp_path: Path) -> Path:
    return tmp_path / "models" / "category.joblib"


def test_first_retrain_reports_held_out_figures_and_replaces(deployed: Platform, model_path: Path) -> None:
    history(deployed, 40)  # 120 cases: the newest 24 are held out
    with deployed.read() as s:
        report = retrain(s, model_path)
    assert report.replaced is True and report.held_out == 24 and report.messages == 120
    assert report.candidate_macro_f1 is not None and report.candidate_macro_f1 > 0.9
    assert report.candidate_accuracy is not None and report.candidate_accuracy > 0.9
    assert report.candidate_ece is not None and 0.0 <= report.candidate_ece < 0.5
    assert report.current_version is None and report.current_macro_f1 is None and report.current_accuracy is None
    assert report.reason.startswith("还没有模型文件") and "(no model file yet" in report.reason
    model = CategoryClassifier.load(model_path)
    assert report.model_version == model.model_version()
    assert model.n_train_ == 120  # the final model learns from every labelled case, held-out ones included


def test_better_current_model_is_kept_unless_forced(deployed: Platform, model_path: Path) -> None:
    model_path.parent.mkdir(parents=True)
    current = CategoryClassifier.load(tiny_model(model_path))  # trained on correctly labelled texts
    before = model_path.read_bytes()
    mtime = model_path.stat().st_mtime_ns
    history(deployed, 40, rotate_older_than=24)  # only the 24 newest cases are filed correctly

    with deployed.read() as s:
        kept = retrain(s, model_path)
    assert kept.replaced is False and kept.held_out == 24
    assert model_path.read_bytes() == before and model_path.stat().st_mtime_ns == mtime
    assert not [p for p in model_path.parent.iterdir() if p != model_path]  # no temporary file left either
    assert kept.current_version == current.model_version() == kept.model_version
    assert kept.current_macro_f1 is not None and kept.current_macro_f1 > 0.9
    assert kept.candidate_macro_f1 is not None and kept.candidate_macro_f1 < 0.2
    assert kept.current_accuracy is not None and kept.candidate_accuracy is not None
    assert kept.current_accuracy > kept.candidate_accuracy
    assert "保留现有模型" in kept.reason and "the current model was kept" in kept.reason
    assert f"{kept.candidate_macro_f1:.3f}" in kept.reason and f"{kept.current_macro_f1:.3f}" in kept.reason

    with deployed.read() as s:
        forced = retrain(s, model_path, force=True)
    assert forced.replaced is True and "强制替换" in forced.reason and "replaced because forced" in forced.reason
    assert forced.current_version == current.model_version()
    assert model_path.read_bytes() != before
    new = CategoryClassifier.load(model_path)
    assert new.model_version() == forced.model_version and new.n_train_ == 120


def test_tolerance_is_a_keyword(deployed: Platform, model_path: Path) -> None:
    model_path.parent.mkdir(parents=True)
    tiny_model(model_path)
    history(deployed, 40, rotate_older_than=24)
    with deployed.read() as s:
        report = retrain(s, model_path, tolerance=1.0)
    assert report.replaced is True and "not lower by more than 1" in report.reason


def test_candidate_as_good_as_current_replaces_it(deployed: Platform, model_path: Path) -> None:
    model_path.parent.mkdir(parents=True)
    tiny_model(model_path)
    before = model_path.read_bytes()
    history(deployed, 40)
    with deployed.read() as s:
        report = retrain(s, model_path)
    assert report.current_macro_f1 is not None and report.candidate_macro_f1 is not None
    assert report.candidate_macro_f1 >= report.current_macro_f1 - 0.01
    assert report.replaced is True and "已替换" in report.reason and "; replaced)" in report.reason
    assert model_path.read_bytes() != before


def test_unusable_current_file_is_replaced(deployed: Platform, model_path: Path) -> None:
    model_path.parent.mkdir(parents=True)
    model_path.write_bytes(b"not a model at all")
    history(deployed, 40)
    with deployed.read() as s:
        report = retrain(s, model_path)
    assert report.replaced is True and report.current_version is None and report.current_macro_f1 is None
    assert "现有模型文件无法使用" in report.reason and "cannot be used" in report.reason
    assert CategoryClassifier.load(model_path).model_version() == report.model_version


def test_too_few_cases_skip_the_check_and_still_train(deployed: Platform, model_path: Path) -> None:
    model_path.parent.mkdir(parents=True)
    tiny_model(model_path)
    before = model_path.read_bytes()
    history(deployed, 10, rotate_older_than=6)  # 30 cases: only 6 could be held out
    with deployed.read() as s:
        report = retrain(s, model_path)
    assert report.replaced is True and report.held_out == 0
    assert report.candidate_macro_f1 is None and report.current_macro_f1 is None
    assert report.reason.startswith("未做留出检验") and "only 6 recent cases could be held out" in report.reason
    assert model_path.read_bytes() != before and CategoryClassifier.load(model_path).n_train_ == 30


def test_holding_out_a_new_category_skips_the_check(deployed: Platform, model_path: Path) -> None:
    rng = random.Random(3)
    for i in range(100):
        label = LABELS[i % 2]
        a, b = rng.sample(VOCAB[label], 2)
        _closed_case(deployed, f"反映{a}的问题", f"我们这里{a}，还有{b}，希望尽快解决{a}。", label)
    for word in VOCAB["教育文体"][:6]:  # a category that only appears among the newest cases
        _closed_case(deployed, f"反映{word}的问题", f"我们这里{word}的问题，希望尽快解决。", "教育文体")
    with deployed.read() as s:
        report = retrain(s, model_path)
    assert report.replaced is True and report.held_out == 0 and "教育文体" in report.classes
    assert "教育文体 0" in report.reason and "fewer than 5 training cases" in report.reason


def test_holdout_split_cuts_the_newest_fifth() -> None:
    labels = ["a", "b"] * 60
    assert holdout_split(labels, 5) == (96, None)
    cut, why = holdout_split(labels[:90], 5)
    assert cut == 90 and why is not None and "only 18 recent cases" in why[1] and "18" in why[0]


def test_training_set_is_oldest_first_by_message_time(deployed: Platform) -> None:
    first = _closed_case(deployed, "反映楼道漏水的问题", "我们这里楼道漏水，希望尽快解决。", "城乡建设")
    _closed_case(deployed, "反映老板欠钱的问题", "我们这里老板欠钱，希望尽快解决。", "劳动和社会保障")
    with deployed.write() as s:
        message = s.get(Message, first)
        assert message is not None
        message.created_at = deployed.now() + timedelta(days=1)  # filed later than it was received
    with deployed.read() as s:
        assert training_set(s).labels == ["劳动和社会保障", "城乡建设"]


# ---- the command line ------------------------------------------------------------


@pytest.fixture
def cli_model(monkeypatch: pytest.MonkeyPatch, deployed: Platform, model_path: Path) -> Iterator[Path]:
    settings = deployed.settings
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MASSLINE_CLASSIFIER_MODEL", str(model_path))
    get_settings.cache_clear()
    yield model_path
    get_settings.cache_clear()


def test_cli_prints_the_check_keeps_a_better_model_and_honours_force(deployed: Platform, cli_model: Path) -> None:
    cli_model.parent.mkdir(parents=True)
    tiny_model(cli_model)
    before = cli_model.read_bytes()
    history(deployed, 40, rotate_older_than=24)

    kept = CliRunner().invoke(main, ["classify", "retrain"], catch_exceptions=False)
    assert kept.exit_code == 0, kept.output
    lines = kept.output.splitlines()
    assert "check on the 24 most recent cases (held out from training):" in lines
    new_line = next(ln for ln in lines if ln.startswith("  new model:"))
    current_line = next(ln for ln in lines if ln.startswith("  current model:"))
    assert "macro-F1 " in new_line and "accuracy " in new_line and "calibration error (ECE) " in new_line
    assert "macro-F1 1.000" in current_line and "(category-v2-" in current_line
    assert any(ln.startswith("KEPT the current model category-v2-") for ln in lines)
    assert any(ln.startswith("reason: ") and "保留现有模型" in ln for ln in lines)
    assert "--force" in kept.output and "written to" not in kept.output
    assert cli_model.read_bytes() == before

    forced = CliRunner().invoke(main, ["classify", "retrain", "--force"], catch_exceptions=False)
    assert forced.exit_code == 0, forced.output
    assert f"written to {cli_model}" in forced.output and "replaced because forced" in forced.output
    assert "KEPT" not in forced.output
    assert cli_model.read_bytes() != before


def test_cli_says_when_the_check_was_skipped(deployed: Platform, cli_model: Path) -> None:
    history(deployed, 3)
    result = CliRunner().invoke(
        main, ["classify", "retrain", "--min-per-class", "3", "--min-total", "6"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "trained on 9 messages (9 answered, 0 corrected" in result.output
    assert "check on the" not in result.output and "held-out check skipped" in result.output
    assert f"written to {cli_model}" in result.output and cli_model.exists()
