"""Model files are loaded once per process, file version and variant (``classifier.load_cached``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from massline.services.classifier import load_cached


def test_a_file_is_loaded_once_per_version_and_variant(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    loads: list[str] = []

    def load(p: Path) -> str:
        loads.append(p.read_text())
        return p.read_text()

    assert load_cached(path, load) is None and loads == []  # no file: nothing loaded
    path.write_text("v1")
    assert load_cached(path, load) == load_cached(path, load) == "v1" and loads == ["v1"]
    assert load_cached(path, load, variant="zh") == "v1" and len(loads) == 2  # another variant loads again
    path.write_text("v2-longer")  # a new version of the file
    assert load_cached(path, load) == "v2-longer" and len(loads) == 3


def test_a_failed_load_is_raised_and_not_cached(tmp_path: Path) -> None:
    path = tmp_path / "broken.bin"
    path.write_text("x")

    def broken(p: Path) -> str:
        raise OSError("unreadable")

    with pytest.raises(OSError):
        load_cached(path, broken)
    assert load_cached(path, lambda p: "fixed") == "fixed"
