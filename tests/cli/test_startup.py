"""The massline command starts fast: its help and the command groups load no heavy library.

Loading scikit-learn, numpy, rjieba, the web stack, the ORM and the settings
takes seconds on a small server; the commands import what they need inside
the command, so ``massline --help`` and ``massline <group> --help`` load none
of them. A fresh interpreter checks which modules the help actually imported
(deterministic, unlike a wall-clock limit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import massline

HEAVY = (
    "sklearn", "scipy", "numpy", "joblib", "rjieba",  # analysis
    "fastapi", "starlette", "uvicorn", "jinja2",  # web
    "sqlalchemy", "alembic", "pydantic", "argon2", "cryptography",  # platform
)  # fmt: skip

# Print the help of the command, every group and every command, then the heavy modules that got imported.
PROBE = """
import json, sys
import click
from click.testing import CliRunner
from massline.cli import main

def paths(group, prefix):
    for name, command in group.commands.items():
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from paths(command, [*prefix, name])

runner = CliRunner()
shown = []
for args in [[], *paths(main, [])]:
    result = runner.invoke(main, [*args, "--help"], catch_exceptions=False)
    assert result.exit_code == 0 and "Usage:" in result.output, (args, result.output)
    shown.append(" ".join(args))
print(json.dumps({"shown": shown, "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def _probe() -> dict[str, list[str]]:
    root = str(Path(massline.__file__).resolve().parents[1])  # this checkout, not another installed copy
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])}
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_help_of_every_command_imports_no_heavy_library() -> None:
    result = _probe()
    assert {"", "user", "config", "pipeline run", "classify train", "plugins", "serve"} <= set(result["shown"])
    assert result["heavy"] == [], f"importing the CLI and printing its help loaded {result['heavy']}"
