"""``massline report``: the monthly accountability report as HTML, PDF, DOCX and XLSX files
(docs/accountability.md, "The monthly report").

The figures are gathered once (``services.accountability.monthly_report``), then each format is
rendered (``massline.reports``) with a progress bar; every file goes to a temporary file in ``--out``
and all are renamed only when every format is done, so a failure leaves no report half-written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from massline.cli.common import fail, get_platform

__all__ = ["register"]

ALL_FORMATS = "html,pdf,docx,xlsx"


def _formats(value: str) -> list[str]:
    from massline.reports import FORMATS

    wanted = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        fail(f"未知的格式：{'、'.join(unknown) or '（空）'}；可选 {', '.join(FORMATS)}")
    return [f for f in FORMATS if f in wanted]


def prepare_directory(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"无法创建输出目录 {out}：{exc.strerror or exc}")
    if not out.is_dir() or not os.access(out, os.W_OK | os.X_OK):
        fail(f"输出目录不可写：{out}")


def write_all(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file beside its target, then rename them all; on an error remove the temporary ones."""
    temps: list[tuple[Path, Path]] = []
    mask = os.umask(0)
    os.umask(mask)
    try:
        for name, data in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=out)
            tmp = Path(tmp_name)
            temps.append((tmp, out / name))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file (mkstemp makes it private)
        for part, target in temps:
            os.replace(part, target)
    except OSError as exc:
        for part, _ in temps:
            part.unlink(missing_ok=True)
        fail(f"写入报告失败：{exc.strerror or exc}")
    return [target for _, target in temps]


@click.command("report")
@click.option("--month", required=True, help="The period, YYYY-MM (the deployment's period that starts in that month).")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for report-YYYY-MM.<format> (created if missing).",
)
@click.option(
    "--format",
    "formats",
    default=ALL_FORMATS,
    show_default=True,
    help="Comma-separated formats: html, pdf, docx, xlsx.",
)
@click.option(
    "--font",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A CJK font file for PDF and DOCX charts (default: Noto Sans CJK from the system).",
)
def report_cmd(month: str, out: Path, formats: str, font: Path | None) -> None:
    """The monthly report: volumes, the three rates and rankings with the funnel plot, anti-gaming flags,
    hot issues and what was done, reply cadence and exemplary replies."""
    from massline.reports import NEEDS_FONT, FontMissing, find_cjk_font, render
    from massline.services.accountability import check_period, monthly_report
    from massline.services.errors import ValidationFailed

    try:
        check_period(month)
    except ValidationFailed as exc:
        fail(exc.errors["month"])
    chosen = _formats(formats)
    font_path = None
    if any(f in NEEDS_FONT for f in chosen):
        try:
            font_path = find_cjk_font(font)
        except FontMissing as exc:
            fail(str(exc))
    prepare_directory(out)
    platform = get_platform()
    click.echo(f"汇总 {month} 的数据 ...")
    with platform.read() as session:
        report = monthly_report(session, platform.settings.timezone, platform.now(), month)
    files: dict[str, bytes] = {}
    with click.progressbar(chosen, label="生成报告", item_show_func=lambda f: f or "") as bar:
        for fmt in bar:
            files[f"report-{month}.{fmt}"] = render(report, fmt, font_path)
    written = write_all(out, files)
    click.echo(f"{len(report.offices)} 个单位，{len(report.flags)} 条异常提示：" + ", ".join(str(p) for p in written))


def register(main: click.Group) -> None:
    """Add ``report`` to ``main``."""
    main.add_command(report_cmd)
