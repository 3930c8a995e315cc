"""The house keeps its shape: rooms with a face, small modules, short functions."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "massline"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
DOMAINS = sorted(
    f"massline.{top}.{d.name}"
    for top in ("services", "analysis")
    for d in (PACKAGE / top).iterdir()
    if (d / "__init__.py").exists()
)


def _sources() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize("name", DOMAINS)
def test_every_domain_says_what_it_owns(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and len(module.__doc__.strip()) > 40, f"{name}: the __init__ docstring says what it owns"
    for public in getattr(module, "__all__", []):
        assert hasattr(module, public), f"{name}.__all__ names {public}, which it does not define"
        assert not public.startswith("_"), f"{name}.__all__ exports the private name {public}"


def test_modules_stay_small() -> None:
    big = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in _sources() if (n := p.read_text().count("\n")) > MAX_MODULE_LINES]
    assert not big, f"modules over {MAX_MODULE_LINES} lines (split by concept): {big}"


def test_functions_stay_short() -> None:
    """A longer function needs a comment `# long: <why>` on its first line."""
    long = []
    for path in _sources():
        source = path.read_text()
        lines = source.split("\n")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES and "# long:" not in lines[node.lineno - 1]:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines without a '# long:' reason: {long}"
