"""``massline research``: the leaders' yearly research report (docs/research.md)."""

from __future__ import annotations

from pathlib import Path

import click

from massline.cli.common import get_platform


@click.group("research")
def research_cmd() -> None:
    """Online research counted toward the leaders' research quota (docs/research.md)."""


@research_cmd.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Calendar year (deployment time zone).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for research-YYYY.csv and research-YYYY.html (created if missing).")  # fmt: skip
def research_report(year: int, out_dir: Path) -> None:
    """Write the yearly report: every leader's online and offline research days against their quota."""
    from massline.services import research
    from massline.services.deployment import deployment_zone
    from massline.services.policy import research_policy

    platform = get_platform()
    with platform.read() as session:
        rows = research.yearly_report(session, year, research_policy(session), deployment_zone(session))
        csv_text, html_text = research.report_csv(rows), research.report_html(rows, year)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"research-{year}.csv").write_text(csv_text, encoding="utf-8")
    (out_dir / f"research-{year}.html").write_text(html_text, encoding="utf-8")
    met = sum(1 for r in rows if r.met)
    click.echo(f"{len(rows)} leaders, {met} met the quota: {out_dir / f'research-{year}.csv'}, "
               f"{out_dir / f'research-{year}.html'}")  # fmt: skip


@research_cmd.command("digest")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the digest to this file instead of the terminal.")  # fmt: skip
def research_digest(out_file: Path | None) -> None:
    """The weekly cadence digest: offices and officials silent too long, cases read but not answered
    (every office; run it weekly from cron and mail it to the office heads and supervisors)."""
    from massline.services import research

    platform = get_platform()
    with platform.read() as session:
        text = research.weekly_digest(session, None, platform.now())
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"written: {out_file}")


def register(main: click.Group) -> None:
    """Add ``research`` to ``main``."""
    main.add_command(research_cmd)
