"""Plugins: built-ins registered explicitly at start-up, a deployment's own plugin (tests/deployment_plugin.py)
adding a pipeline step, an importer and an exporter through the same hooks, and no registration on import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

import tests.deployment_plugin
from massline import hookimpl
from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import Message, MessageAnalysis
from massline.platform import Platform
from massline.plugins import BUILTIN_PLUGINS, PluginError, load_plugins
from massline.services.intake.submit import MessageInput, check_submit
from massline.worker import Worker

BUILTIN_STEPS = ["classify", "kind", "urgency", "sentiment", "place", "duplicates", "issues"]
PLUGIN = "tests.deployment_plugin"


def test_builtins_are_plugins_registered_explicitly_in_order() -> None:
    plugins = load_plugins(entry_points=False)
    assert plugins.names() == [name for name, _plugin in BUILTIN_PLUGINS] == [
        "massline.services.pipeline", "massline.services.issues", "massline.io.formats", "massline.io.exporters"]
    assert [s.name for s in plugins.steps()] == BUILTIN_STEPS
    assert plugins.importers().names == ("csv", "xlsx", "jsonl")
    assert plugins.exporters().names == ("csv", "xlsx")
    assert plugins.report_sections() == [] and plugins.reply_checks() == []  # specified, none built in yet
    bare = load_plugins(builtins=False, entry_points=False)
    assert bare.names() == [] and bare.steps() == [] and bare.importers().names == ()


def test_nothing_is_registered_by_importing_a_module() -> None:
    # tests.deployment_plugin is imported at the top of this file: importing registers nothing
    assert tests.deployment_plugin.register_pipeline_steps()[0].name == "exclamations"
    assert [s.name for s in load_plugins(entry_points=False).steps()] == BUILTIN_STEPS
    assert "psv" not in load_plugins(entry_points=False).importers()
    with_plugin = load_plugins([PLUGIN], entry_points=False)
    assert [s.name for s in with_plugin.steps()] == [*BUILTIN_STEPS, "exclamations"]
    assert with_plugin.names()[-1] == PLUGIN
    assert with_plugin.importers().names == ("csv", "xlsx", "jsonl", "psv")
    assert with_plugin.importers().for_path(Path("calls.PSV")).name == "psv"
    assert with_plugin.exporters().get("jsonl").description == "one JSON object per line"
    assert load_plugins([PLUGIN, PLUGIN], entry_points=False).names().count(PLUGIN) == 1  # named twice: once


def test_two_platforms_in_one_process_run_their_own_steps(deployed: Platform) -> None:
    other = Platform(deployed.settings.model_copy(update={"plugins": (PLUGIN,)}))
    try:
        assert [s.name for s in other.plugins.steps()] == [*BUILTIN_STEPS, "exclamations"]
        assert [s.name for s in deployed.plugins.steps()] == BUILTIN_STEPS
        with other.write() as s:
            data = MessageInput(title="楼道灯坏了", body="楼道灯坏了一个月了！！请尽快修理！", kind="投诉", region="cs-dc")
            message_id = check_submit(s, other.cipher, data, other.now()).id
        report = Worker(other).run_once()
        assert report.messages == 1 and report.ran["exclamations"] == 1
        with other.read() as s:
            row = s.get(MessageAnalysis, message_id)
            assert row is not None
            assert row.evidence["exclamations"] == {"count": 3}
            assert row.versions["exclamations"] == "exclamations-v1" and set(BUILTIN_STEPS) <= set(row.versions)
        assert Worker(other).run_once().messages == 0  # incremental like the built-ins
        # the platform without the plugin sees stale results (another pipeline version) and re-runs nothing of it
        report = Worker(deployed).run_once()
        assert report.messages == 1 and report.ran == {}
    finally:
        other.dispose()


def test_an_installed_package_registers_through_its_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "acme_massline-1.0.dist-info"  # what `pip install acme-massline` leaves on the path
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-massline\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[massline]\nacme = {PLUGIN}\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugins = load_plugins()
    assert plugins.names()[-1] == "acme" and plugins.steps()[-1].name == "exclamations"
    assert "exclamations" not in [s.name for s in load_plugins(entry_points=False).steps()]


def test_bad_plugins_fail_at_start_up_with_their_name() -> None:
    with pytest.raises(PluginError, match="'tests.no_such_plugin' cannot be imported"):
        load_plugins(["tests.no_such_plugin"], entry_points=False)

    class WrongType:
        @hookimpl
        def register_pipeline_steps(self) -> list[str]:
            return ["not a step"]

    with pytest.raises(PluginError, match="register_pipeline_steps\\(\\) must return a list of Step"):
        load_plugins(entry_points=False, extra=[WrongType()])  # at start-up, not at the first run

    class Misspelt:
        @hookimpl
        def register_pipeline_step(self) -> list[str]:
            return []

    with pytest.raises(PluginError, match="register_pipeline_step"):
        load_plugins(entry_points=False, extra=[Misspelt()])


def test_plugins_setting_reads_comma_separated_module_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASSLINE_PLUGINS", " acme.steps, acme.formats ,")
    assert Settings().plugins == ("acme.steps", "acme.formats")
    assert Settings(plugins="one").plugins == ("one",) and Settings().model_copy(update={"plugins": ()}).plugins == ()


# ---- through the command line ------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform) -> Iterator[SimpleNamespace]:
    settings = deployed.settings
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MASSLINE_SUBMISSION_PROCESS", "false")
    get_settings.cache_clear()
    yield SimpleNamespace(monkeypatch=monkeypatch)
    get_settings.cache_clear()


def cli(*args: str) -> Result:
    get_settings.cache_clear()
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_uses_the_deployments_importer_step_and_exporter(cli_env: SimpleNamespace, deployed: Platform,
                                                           tmp_path: Path) -> None:
    calls = tmp_path / "calls.psv"
    calls.write_text("编号|标题|内容\nC1|路灯坏了|东城区和平街道路灯坏了一个月！！\nC2|噪音扰民|工地夜里施工噪音太大，影响休息！\n",
                     encoding="utf-8")
    args = ["import", str(calls), "--map", "external_id=编号", "--map", "title=标题", "--map", "body=内容",
            "--map", "region==cs-dc", "--map", "kind==投诉", "--source", "hotline"]
    refused = cli(*args)  # without the plugin nobody reads .psv
    assert refused.exit_code == 1 and "cannot tell the format" in refused.output and "csv|xlsx|jsonl" in refused.output

    cli_env.monkeypatch.setenv("MASSLINE_PLUGINS", PLUGIN)
    imported = cli(*args)
    assert imported.exit_code == 0, imported.output
    assert "imported 2 of 2 rows from calls.psv" in imported.output
    steps = cli("pipeline", "steps")
    assert steps.output.split()[::2] == [*BUILTIN_STEPS, "exclamations"]
    listed = cli("plugins").output.splitlines()
    assert listed[0] == "massline.services.pipeline: register_pipeline_steps"
    assert listed[4] == f"{PLUGIN}: register_exporters, register_importers, register_pipeline_steps"
    assert listed[-2:] == ["importers: csv, xlsx, jsonl, psv", "exporters: csv, xlsx, jsonl"]
    ran = cli("pipeline", "run")
    assert "  exclamations ran      2" in ran.output, ran.output
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.source == "hotline")) == 2
        counts = sorted(row.evidence["exclamations"]["count"] for row in s.scalars(select(MessageAnalysis)))
    assert counts == [1, 2]

    out = tmp_path / "messages.jsonl"
    exported = cli("export", str(out))
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2 and {"路灯坏了", "噪音扰民"} <= {v for line in lines for v in line.values()}
    unknown = cli("export", str(tmp_path / "m.txt"), "--format", "docx")
    assert unknown.exit_code == 1 and "unknown export format 'docx'; use one of csv, xlsx, jsonl" in unknown.output
