"""The extension points of Massline: one pluggy hook per kind of extension.

A *plugin* is a module (or any object) with functions marked ``@hookimpl``
whose names are the hooks below. The built-in pipeline steps, importers and
exporters are plugins too and use the same hooks as a deployment's own; which
plugins take part is decided once, at start-up (``massline.plugins.load_plugins``,
called by the ``Platform``), never by importing a module. A deployment names
its own plugins in the ``plugins`` setting (``MASSLINE_PLUGINS``, module paths)
or installs a package with a ``massline`` entry point. See docs/analysis.md
("In the platform") and docs/import-export.md.

Every hook takes no argument and returns a list of objects; the types are
named in each docstring (this module imports nothing of Massline, so that any
layer may import ``hookimpl`` from it). A plugin may implement any subset::

    from massline import hookimpl
    from massline.services.pipeline import Step, StepResult

    def shouting(ctx, item):  # pure: computed before the write transaction
        return StepResult(evidence={"marks": item.text.count("！")})

    @hookimpl
    def register_pipeline_steps():
        return [Step("shouting", "shouting-v1", compute=shouting)]
"""

from __future__ import annotations

from typing import Any

import pluggy

#: The pluggy project name: entry points group and marker name.
PROJECT = "massline"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_pipeline_steps() -> list[Any]:
    """Analysis steps to run on every message, as ``massline.services.pipeline.Step`` objects.

    Steps run in the order their plugins were registered (built-ins first:
    classify, kind, urgency, sentiment, place, duplicates, issues; then the
    deployment's plugins), and in list order within a plugin. A step whose
    name is already taken replaces the earlier one in place, so a plugin can
    ship a new version of a built-in step. A step's result is stored with its
    version; changing the version re-runs that step, and only that step, on
    every message.
    """


@hookspec
def register_importers() -> list[Any]:
    """File formats ``massline import`` reads, as ``massline.io.formats.Importer`` objects.

    An importer has a name (the ``--format`` value), the file extensions it
    claims, a reader yielding ``(row_number, record)`` pairs one at a time and
    a function returning the header. A name already taken replaces the earlier
    importer.
    """


@hookspec
def register_exporters() -> list[Any]:
    """File formats ``massline export`` writes, as ``massline.io.exporters.Exporter`` objects.

    An exporter has a name (the ``--format`` value), the file extensions it
    claims and a writer taking a path, a header and an iterable of rows (rows
    arrive one at a time: write them as they come) and returning the row count.
    A name already taken replaces the earlier exporter. ``massline export``
    calls the writer through ``Exporter.export``, which neutralises text cells
    a spreadsheet would run as formulas (``massline.io.exporters.neutralise``)
    unless the exporter sets ``spreadsheet=False`` (a format no spreadsheet
    opens, such as JSON).
    """


@hookspec
def register_report_sections() -> list[Any]:
    """Sections of the periodic (monthly) report, in the order they appear.

    Reserved for ``massline.reports`` (no built-in section yet). A section will
    be an object with ``name`` (stable identifier), ``title`` (shown heading)
    and ``build(session, period)`` returning the section's figures and text
    from the database for the reporting period, rendered by the report
    builders (HTML, PDF, DOCX, XLSX). A name already taken replaces the
    earlier section.
    """


@hookspec
def register_reply_checks() -> list[Any]:
    """Checks run on an office's reply before it is published.

    Reserved for ``massline.services.replies`` (no built-in check yet). A check
    will be an object with ``name`` and ``check(reply_text, message)`` returning
    findings (code, explanation shown to the official, the words concerned and
    whether publishing is blocked or only warned), e.g. a reply that answers
    none of the citizen's demands, or leaks a phone number. A name already
    taken replaces the earlier check.
    """
