"""``massline analyse --data CSV --out CSV``: the place, area, kind, urgency and feeling of every message.

The contract other tools rely on: ``--data`` is any message file (CSV in UTF-8 with or without BOM, or
GB18030/GBK; XLSX and JSONL read too) with the columns 留言编号, 留言主题 and 留言详情 (other columns are
ignored); ``--out`` gets one row per message, in the order of the file, with the columns 留言编号, 地点,
行政区, 类型, 紧急程度, 情绪, 依据, as UTF-8 with a BOM (Excel opens it). A file without one of the three
columns ends with an error naming it, and nothing is written. The answers come from
:func:`massline.analysis.understand.understand`: the learned models of ``massline/data/models/`` when
their files are there, else the library's rules.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from massline.cli.csv_out import write_csv

if TYPE_CHECKING:
    from massline.analysis.places import Language
    from massline.analysis.understand import MessageModel, PlaceSpanModel
    from massline.io.message_files import MessageTable

__all__ = ["COLUMNS", "INPUT_COLUMNS", "register"]

#: The input columns: field -> column.
INPUT_COLUMNS = {"external_id": "留言编号", "title": "留言主题", "body": "留言详情"}
#: The output columns, in order.
COLUMNS = ("留言编号", "地点", "行政区", "类型", "紧急程度", "情绪", "依据")
_BATCH = 1000


def _read(path: Path) -> MessageTable:
    from massline.io.message_files import MessageFileError, read_message_file

    try:
        return read_message_file(path, needs=tuple(INPUT_COLUMNS), given=INPUT_COLUMNS)
    except MessageFileError as exc:
        raise click.ClickException(str(exc)) from None


def _models(directory: Path | None) -> tuple[MessageModel | None, PlaceSpanModel | None]:
    from massline.analysis.understand import load_models

    if directory is None:
        directory = Path(str(resources.files("massline") / "data" / "models"))
    elif not directory.is_dir():
        raise click.ClickException(f"{directory}: 没有这个目录 / no such directory")
    return load_models(directory)


def _language(profile: str, deployment: Path | None) -> Language:
    """The language of ``--deployment`` (its profile and region names) or of ``--profile``."""
    from massline.io.deployment_yaml import DeploymentError, load_deployment
    from massline.io.profiles import ProfileError, deployment_profile, load_profile

    try:
        if deployment is not None:
            return deployment_profile(load_deployment(deployment), deployment.parent).language
        return load_profile(profile).language
    except (ProfileError, DeploymentError) as exc:
        raise click.ClickException(str(exc)) from None


def _rows(table: MessageTable, language: Language, models: Path | None, jobs: int) -> Iterator[list[str]]:
    from massline.analysis.understand import understand

    message_model, place_model = _models(models)
    ids, titles, bodies = (table.values(field) for field in INPUT_COLUMNS)
    batches = [list(zip(titles[start : start + _BATCH], bodies[start : start + _BATCH], strict=True))
               for start in range(0, len(ids), _BATCH)]  # fmt: skip
    one = functools.partial(understand, language=language, message_model=message_model, place_model=place_model)
    for start, readings in zip(range(0, len(ids), _BATCH), _map(one, batches, jobs), strict=True):
        for number, r in zip(ids[start : start + _BATCH], readings, strict=True):
            yield [number, r.place, r.area, r.kind, r.urgency, r.feeling, r.evidence]


#: the batch function the forked processes run (set before they are forked: models are not picklable)
_WORK: list[Callable[[list[tuple[str, str]]], list[Any]]] = []


def _forked(batch: list[tuple[str, str]]) -> list[Any]:
    return _WORK[0](batch)


def _map(one: Callable[[list[tuple[str, str]]], list[Any]], batches: list[list[tuple[str, str]]],
         jobs: int) -> Iterator[list[Any]]:  # fmt: skip
    """The readings of every batch, in order: in this process, or with ``jobs`` > 1 in forked processes
    that share the loaded models (the same batches, so the same answers)."""
    if jobs <= 1 or len(batches) < 2:
        yield from map(one, batches)
        return
    import gc
    import multiprocessing

    _WORK[:] = [one]
    gc.freeze()  # what is loaded stays shared with the children (the collector would touch it, copying it)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap(_forked, batches)
    finally:
        _WORK.clear()
        gc.unfreeze()


@click.command("analyse")
@click.option(
    "--data",
    required=True,
    type=click.Path(path_type=Path),
    help="Message file with the columns 留言编号, 留言主题, 留言详情 (CSV UTF-8/GBK, XLSX or JSONL).",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Output CSV (UTF-8 with BOM): 留言编号, 地点, 行政区, 类型, 紧急程度, 情绪, 依据.",
)
@click.option(
    "--profile",
    default="tipdm2020c",
    show_default=True,
    help="How the messages name places: a shipped profile (zh, tipdm2020c) or a profile YAML file.",
)
@click.option(
    "--deployment",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A deployment file (YAML): its profile and the names of its regions replace --profile.",
)
@click.option("--models", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Directory of learned models (default: the ones shipped in massline/data/models; "
              "the library's rules where a model file is missing).")  # fmt: skip
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes (default: every core, at most 4, for files of 2,000 rows or more).")  # fmt: skip
def analyse_cmd(data: Path, out: Path, profile: str, deployment: Path | None, models: Path | None,
                jobs: int | None) -> None:  # fmt: skip
    """Write the place, area, kind, urgency, feeling and evidence of every message of --data to --out.

    One row per message, in the file's order; other columns of --data are
    ignored. A missing column or an unreadable file ends with an error and
    --out is not written. A large file is analysed on every core (--jobs);
    the answers are the same.
    """
    started = time.perf_counter()
    table = _read(data)
    if jobs is None:
        from massline.cli.parallel import free_cores

        jobs = free_cores(len(table.values("external_id")), 2 * _BATCH, mind_load=False)
    count = write_csv(out, COLUMNS, _rows(table, _language(profile, deployment), models, jobs))
    seconds = time.perf_counter() - started
    click.echo(f"analysed {count} messages in {seconds:.1f} s; wrote {out}", err=True)


def register(main: click.Group) -> None:
    """Add ``analyse`` to the ``massline`` command."""
    main.add_command(analyse_cmd)
