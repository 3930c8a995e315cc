"""The massline command starts fast: its help and the commands that run no analysis load no heavy library.

Loading scikit-learn, numpy, rjieba, the web stack, the ORM and the settings
takes seconds on a small server; the commands import what they need inside
the command, so ``massline --help`` and ``massline <group> --help`` load none
of them, and the commands that need no category model and no analysis
(``plugins``, ``init``, lists, the sweep, the outbox status) load no analysis
library and no web library: the built-in plugins' steps import their functions
when they first run, and the domains load their modules on first use. A fresh
interpreter checks which modules a command actually imported (deterministic,
unlike a wall-clock limit).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import massline

HEAVY = (
    "sklearn", "scipy", "numpy", "joblib", "rjieba",  # analysis
    "fastapi", "starlette", "uvicorn", "jinja2",  # web
    "sqlalchemy", "alembic", "pydantic", "pydantic_settings", "argon2", "cryptography",  # platform
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


#: Loaded by the commands that run no analysis: the analysis libraries and the web stack are not.
ANALYSIS_AND_WEB = ("sklearn", "scipy", "numpy", "joblib", "rjieba", "fastapi", "starlette", "uvicorn", "jinja2")

#: Not loaded either by the commands that read the database and need none of them: Alembic (and Mako,
#: Pygments) when the schema is the newest, the field cipher's and the password hasher's libraries, the
#: signer of citizens' tokens, and the deployment file's pydantic models (the policies read them); nor the
#: services they do not use: the board and its search (a list of issues needs only its ``Page``), the
#: alerts' scan and triggers with their analysis (a list of alerts reads rows), the accounts' actions (the
#: platform needs only the password hasher's parameters); nor the models of records they do not read (the
#: models load on first use, with the tables their foreign keys name: the issues' clustering state is not
#: declared by a command that reads issues); the settings are a pydantic model that reads the environment
#: itself (pydantic-settings cost every command about 20 ms).
UNUSED_BY_LISTS = (
    "alembic", "mako", "pygments", "cryptography", "argon2", "itsdangerous", "massline.io.deployment_spec",
    "massline.services.search", "massline.services.casework.board", "massline.services.alerts.scan",
    "massline.services.alerts.trigger", "massline.analysis.issues", "massline.analysis.classify",
    "massline.services.people.accounts", "massline.models.supervision", "massline.models.publishing",
    "massline.models.research", "massline.models.tolerance", "massline.models.replies", "massline.models.attachments",
    "massline.models.issue_clusters", "pydantic_settings",
)  # fmt: skip

# Run one command for real (in this fresh interpreter), then print the heavy modules it imported.
RUN = """
import json, sys
from click.testing import CliRunner
from massline.cli import main

result = CliRunner().invoke(main, ARGS, catch_exceptions=False)
assert result.exit_code == 0, result.output
print(json.dumps({"heavy": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def _env(**extra: str) -> dict[str, str]:
    root = str(Path(massline.__file__).resolve().parents[1])  # this checkout, not another installed copy
    path = os.pathsep.join([root, *filter(None, [os.environ.get("PYTHONPATH")])])
    return {**os.environ, "PYTHONPATH": path, **extra}


def _probe(code: str = PROBE, heavy: tuple[str, ...] = HEAVY, **env: str) -> dict[str, list[str]]:
    code = f"HEAVY = {heavy!r}\n{code}"
    done = subprocess.run([sys.executable, "-c", code], env=_env(**env), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_help_of_every_command_imports_no_heavy_library() -> None:
    result = _probe()
    assert {"", "user", "config", "pipeline run", "classify train", "plugins", "serve"} <= set(result["shown"])
    assert result["heavy"] == [], f"importing the CLI and printing its help loaded {result['heavy']}"


def test_plugins_lists_the_steps_without_loading_the_database_or_the_analysis() -> None:
    settings_only = tuple(m for m in HEAVY if m != "pydantic")  # it reads the settings' plugins
    result = _probe(RUN.replace("ARGS", '["plugins"]'), settings_only)
    assert result["heavy"] == [], f"massline plugins loaded {result['heavy']}"


@pytest.mark.parametrize(
    "args",
    [["issues", "list"], ["alerts", "list"], ["notify", "status"], ["casework", "sweep"], ["init"]],
    ids=" ".join,
)
def test_commands_that_run_no_analysis_load_no_analysis_or_web_library(args: list[str], tmp_path: Path) -> None:
    settings = {"MASSLINE_INSTANCE_DIR": str(tmp_path), "MASSLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    _probe(RUN.replace("ARGS", '["init"]'), **settings)  # the database first (init is checked on its own too)
    # a database at the newest schema is recognised without loading Alembic (and Mako, Pygments)
    unused = [m for m in UNUSED_BY_LISTS if not (args[0] == "casework" and m.endswith("deployment_spec"))]
    result = _probe(RUN.replace("ARGS", repr(args)), (*ANALYSIS_AND_WEB, *unused), **settings)  # (the sweep
    # reads the casework policy)
    assert result["heavy"] == [], f"massline {' '.join(args)} loaded {result['heavy']}"


# Build two platforms in this fresh interpreter; print the collector's state after each.
TWO_PLATFORMS = """
import gc, json
from massline.cli.common import get_platform

first = get_platform()
frozen = gc.get_freeze_count()
second = get_platform()
print(json.dumps({"enabled": gc.isenabled(), "frozen": frozen, "frozen_after_second": gc.get_freeze_count()}))
"""


def test_the_first_platform_loads_with_the_collector_paused_then_frozen(tmp_path: Path) -> None:
    settings = {"MASSLINE_INSTANCE_DIR": str(tmp_path), "MASSLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}"}
    code = f"HEAVY = ()\n{TWO_PLATFORMS}"
    done = subprocess.run([sys.executable, "-c", code], env=_env(**settings), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    state = json.loads(done.stdout.splitlines()[-1])
    assert state["enabled"]  # the collector runs again once the platform is built
    assert state["frozen"] > 50_000  # what start-up loaded is out of the collector's view (about 100,000 objects)
    assert state["frozen_after_second"] <= state["frozen"]  # a later platform: the collector runs (nothing frozen)
