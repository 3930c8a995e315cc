"""``massline research``: the leaders' yearly research report (docs/research.md)."""

from __future__ import annotations

from pathlib import Path

import click

from massline.cli.common import fail, get_platform


@click.group("research")
def research_cmd() -> None:
    """Online research counted toward the leaders' research quota (docs/research.md)."""


@research_cmd.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Calendar year (deployment time zone).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Directory for research-YYYY.<format> (created if missing).")  # fmt: skip
@click.option("--format", "formats", default="csv,html", show_default=True,
              help="Comma-separated formats: csv, html, xlsx, docx, pdf (the monthly report's renderers).")  # fmt: skip
def research_report(year: int, out_dir: Path, formats: str) -> None:
    """Write the yearly report: every leader's online and offline research days against their quota."""
    from massline.cli.report_cmd import prepare_directory, write_all
    from massline.reports import FORMATS, NEEDS_FONT, FontMissing, find_cjk_font, render
    from massline.services import research
    from massline.services.deployment import deployment_zone
    from massline.services.policy import research_policy

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in ("csv", *FORMATS)]
    if unknown or not wanted:
        fail(f"未知的格式：{'、'.join(unknown) or '（空）'}；可选 csv, {', '.join(FORMATS)}")
    try:
        font = find_cjk_font() if any(f in NEEDS_FONT for f in wanted) else None
    except FontMissing as exc:
        fail(str(exc))
    prepare_directory(out_dir)
    platform = get_platform()
    with platform.read() as session:
        rows = research.yearly_report(session, year, research_policy(session), deployment_zone(session))
    document = research.report_document(rows, year)
    files = {f"research-{year}.{fmt}": research.report_csv(rows).encode("utf-8") if fmt == "csv"
             else render(document, fmt, font) for fmt in wanted}  # fmt: skip
    written = write_all(out_dir, files)
    met = sum(1 for r in rows if r.met)
    click.echo(f"{len(rows)} leaders, {met} met the quota: " + ", ".join(str(p) for p in written))


@research_cmd.command("digest")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the digest to this file instead of the terminal.")  # fmt: skip
@click.option("--mail-to", "mail_to", multiple=True, metavar="ADDRESS",
              help="Also mail it to this address (repeatable) through the platform's mail channel "
                   "(MASSLINE_SMTP_HOST, else the instance's outbox/mail.jsonl).")  # fmt: skip
def research_digest(out_file: Path | None, mail_to: tuple[str, ...]) -> None:
    """The weekly cadence digest: offices and officials silent too long, cases read but not answered
    (every office; run it weekly from cron with --mail-to for the office heads and supervisors)."""
    from massline.services import notify, research

    problems = [f"{a}: {notify.email_problem(notify.normal_email(a))}" for a in mail_to
                if notify.email_problem(notify.normal_email(a))]  # fmt: skip
    if problems:
        raise click.UsageError("邮箱地址有误：" + "；".join(problems))
    platform = get_platform()
    now = platform.now()
    with platform.read() as session:
        text = research.weekly_digest(session, None, now)
    if out_file is None and not mail_to:
        click.echo(text, nl=False)
    if out_file is not None:
        out_file.write_text(text, encoding="utf-8")
        click.echo(f"written: {out_file}")
    _mail(notify.build_channels(platform.settings), [notify.normal_email(a) for a in mail_to],
          f"网上答复节奏周报（{now:%Y-%m-%d}）", text)


def _mail(channels: object, addresses: list[str], subject: str, text: str) -> None:
    """Send the digest to every address; name each failure and exit 1 when one failed."""
    import smtplib

    failed = []
    for address in addresses:
        try:
            channels.send("email", address, subject, text)  # type: ignore[attr-defined]
            click.echo(f"mailed: {address}")
        except (smtplib.SMTPException, OSError) as exc:
            failed.append(f"{address} ({exc})")
    if failed:
        raise click.ClickException("未能发送：" + "；".join(failed))


def register(main: click.Group) -> None:
    """Add ``research`` to ``main``."""
    main.add_command(research_cmd)
