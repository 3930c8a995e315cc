"""Profiles: the shipped ones, profile files, and the deployment file's language section."""

from __future__ import annotations

from pathlib import Path

import pytest

from massline.analysis.places import GENERAL
from massline.io.deployment_yaml import DeploymentError, load_deployment, parse_deployment
from massline.io.importers import load_mapping
from massline.io.profiles import ProfileError, deployment_profile, load_profile, shipped_profiles
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment, site_language
from massline.services.pipeline import analysis_context

DEMO = Path(__file__).parents[2] / "massline" / "data" / "demo" / "deployment.yaml"


def test_shipped_profiles() -> None:
    assert "tipdm2020c" in shipped_profiles()
    assert load_profile(None).language is GENERAL and load_profile("zh").mapping is None
    contest = load_profile("tipdm2020c")
    assert contest.language.case_suffixes == ("车贷", "易贷", "金服") and contest.language.region_code
    assert load_mapping(contest.mapping or "").fields["title"].column == "留言主题"
    with pytest.raises(ProfileError, match="profile not found"):
        load_profile("nowhere")


def test_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "board.yaml"
    path.write_text("name: board\nlanguage:\n  compound_suffixes: 小区 名邸\n", encoding="utf-8")
    profile = load_profile(path)
    assert profile.name == "board" and profile.language.compound_suffixes == ("小区", "名邸")
    path.write_text("name: board\nlanguage:\n  suffixes: 小区\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown field"):
        load_profile(path)


def test_deployment_language_section(tmp_path: Path) -> None:
    spec = load_deployment(DEMO)
    profile = deployment_profile(spec, DEMO.parent)
    assert profile.name == "zh" and "江州市" in profile.language.region_names
    assert "文昌街道" not in profile.language.region_names  # a street is a place, not a unit
    text = DEMO.read_text(encoding="utf-8") + "\nlanguage:\n  profile: tipdm2020c\n  rules:\n    case_suffixes: 车贷\n"
    spec = parse_deployment(text, "d.yaml", DEMO.parent)
    language = deployment_profile(spec, DEMO.parent).language
    assert language.name == "tipdm2020c" and language.case_suffixes == ("车贷",)
    bad = DEMO.read_text(encoding="utf-8") + "\nlanguage:\n  profile: nowhere\n"
    with pytest.raises(DeploymentError, match="language"):
        parse_deployment(bad, "d.yaml", DEMO.parent)


def test_the_applied_language_reaches_the_analysis(platform: Platform, tmp_path: Path) -> None:
    """`config load` stores the language section; the worker's gazetteer, rebuilds and merges read it."""
    (tmp_path / "board.yaml").write_text("name: board\nlanguage:\n  compound_suffixes: 小区 名邸\n", encoding="utf-8")
    text = DEMO.read_text(encoding="utf-8") + "\nlanguage:\n  profile: board.yaml\n  rules:\n    case_suffixes: 车贷\n"
    spec = parse_deployment(text, "d.yaml", tmp_path)
    assert Path(spec.language.profile).is_absolute()  # stored with the configuration, whatever the cwd
    with platform.write() as session:
        check_apply_deployment(session, spec)
    with platform.read() as session:
        language = site_language(session)
        gazetteer = analysis_context(session, model_path=None).gazetteer
    assert language.name == "board" and language.compound_suffixes == ("小区", "名邸")
    assert language.case_suffixes == ("车贷",) and "江州市" in language.region_names
    assert gazetteer.language == language
    with platform.write() as session:
        check_apply_deployment(session, load_deployment(DEMO))
    with platform.read() as session:
        assert site_language(session).name == "zh"


def test_a_lost_profile_file_falls_back_to_the_general_language(platform: Platform, tmp_path: Path) -> None:
    (tmp_path / "board.yaml").write_text("name: board\nlanguage:\n  compound_suffixes: 名邸\n", encoding="utf-8")
    text = DEMO.read_text(encoding="utf-8") + "\nlanguage:\n  profile: board.yaml\n"
    spec = parse_deployment(text, "d.yaml", tmp_path)
    with platform.write() as session:
        check_apply_deployment(session, spec)
    (tmp_path / "board.yaml").unlink()
    with platform.read() as session:
        language = site_language(session)
    assert language.name == GENERAL.name and language.compound_suffixes == GENERAL.compound_suffixes
    assert "江州市" in language.region_names


def test_overlong_language_rules_are_refused() -> None:
    rules = " ".join(f"名{i:04d}" for i in range(500))
    text = DEMO.read_text(encoding="utf-8") + f"\nlanguage:\n  rules:\n    compound_suffixes: {rules}\n"
    with pytest.raises(DeploymentError, match="profile"):
        parse_deployment(text, "d.yaml", DEMO.parent)


def test_a_profile_gives_the_real_names_of_its_codes(tmp_path: Path) -> None:
    contest = load_profile("tipdm2020c")
    assert contest.real_names["A市"] == "长沙市" and contest.real_names["K9县"] == "宁乡县"
    assert len(set(contest.real_names.values())) == len(contest.real_names)  # one-to-one
    assert load_profile("zh").real_names == {}
    path = tmp_path / "board.yaml"
    path.write_text("name: board\nreal_names:\n  X市: 长沙市\n", encoding="utf-8")
    assert load_profile(path).real_names == {"X市": "长沙市"}
    path.write_text("name: board\nreal_names: [长沙市]\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="real_names: expected a mapping of codes to names"):
        load_profile(path)
