"""``massline understand train|evaluate``: the kind, urgency and feeling model.

Both read the hand-labelled messages of a label directory (by default the
repo's ``tests/data/labels``: ``sample.jsonl`` + ``labels.jsonl``, the random
sample, and ``sample_targeted.jsonl`` + ``labels_targeted.jsonl`` when
present, rare classes used for training only). ``train`` writes the model
file the platform uses (by default the one shipped in the package);
``evaluate`` prints cross-validated figures of the model and of the word rules.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from massline.cli.common import fail

if TYPE_CHECKING:
    from massline.analysis.classify import LabelledMessage

# scikit-learn loads slowly: the commands import the model inside.

__all__ = ["register"]

DEFAULT_LABELS = Path("tests/data/labels")
_LABELS_HELP = "Directory of the label files (sample.jsonl, labels.jsonl, optional *_targeted.jsonl)."


def register(main: click.Group) -> None:
    """Add the ``understand`` group to ``main``."""
    main.add_command(understand)


@click.group("understand")
def understand() -> None:
    """Kind (类型), urgency (紧急程度) and feeling (情绪) model: train it, evaluate it."""


def _read(labels: Path) -> list[LabelledMessage]:
    from massline.analysis.classify import read_labelled

    if not (labels / "sample.jsonl").exists() or not (labels / "labels.jsonl").exists():
        fail(f"{labels}: no sample.jsonl and labels.jsonl here")
    return read_labelled(labels)


@understand.command("train")
@click.option("--labels", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_LABELS,
              show_default=True, help=_LABELS_HELP)  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Model file to write (default: the one shipped in the package, massline/data/models/).")  # fmt: skip
@click.option("--limit", type=int, default=None, help="Train on the first N messages only (for quick checks).")
def train(labels: Path, out: Path | None, limit: int | None) -> None:
    """Train on every labelled message (random sample and targeted set) and write the model file."""
    from massline.analysis.classify import TASKS, MessageModel
    from massline.services.classifier import SHIPPED_MODEL

    messages = _read(labels)[:limit]
    titles, bodies = [m.title for m in messages], [m.body for m in messages]
    started = time.perf_counter()
    try:
        labels_of = {t: [m.label(t) for m in messages] for t in TASKS}
        model = MessageModel().fit(titles, bodies, labels_of, tune=[m.source == "random" for m in messages])
    except ValueError as exc:
        fail(str(exc))
    took = time.perf_counter() - started
    path = out or SHIPPED_MODEL
    model.save(path)
    targeted = sum(m.source != "random" for m in messages)
    click.echo(f"trained on {len(messages)} messages ({targeted} of the targeted set) in {took:.1f} s")
    for task, rare in model.rare_.items():
        if rare:
            click.echo(f"{task}: too few examples to learn {', '.join(rare)}; the word rules decide them")
    started = time.perf_counter()
    model.predict(titles, bodies)
    rate = len(messages) / max(time.perf_counter() - started, 1e-9)
    if model.threshold_ is not None:
        click.echo(
            f"urgency: 较急 or 紧急 when their probability is at least {model.threshold_:.2f} (chosen in training)"
        )
    click.echo(f"prediction speed: {rate:.0f} messages/s in one batch")
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {model.model_version()})")


@understand.command("evaluate")
@click.option("--labels", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_LABELS,
              show_default=True, help=_LABELS_HELP)  # fmt: skip
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@click.option("--holdout", is_flag=True,
              help="Instead of cross-validation: train on the other draws (random samples 1 and 3, targeted), "
                   "test on the second random draw (sample2.jsonl + labels2.jsonl).")  # fmt: skip
@click.option("--real-names", "profile", default=None, metavar="PROFILE",
              help="With --holdout: test on the held-out texts with this profile's real_names written in place "
                   "of its codes (tipdm2020c: A市 -> 长沙市), as real deployments write them.")  # fmt: skip
def evaluate(labels: Path, folds: int, holdout: bool, profile: str | None) -> None:
    """Cross-validated (or held-out) accuracy, precision/recall per class and confusion matrices, model
    against rules."""
    from massline.analysis.classify import evaluate_holdout, evaluate_understanding, format_report

    if profile is not None and not holdout:
        fail("--real-names tests on the held-out draw: give --holdout too")
    try:
        messages = _read(labels)
        if profile is not None:
            messages = _renamed_test(messages, profile)
        report = evaluate_holdout(messages) if holdout else evaluate_understanding(messages, folds=folds)
    except ValueError as exc:
        fail(str(exc))
    click.echo(format_report(report))


def _renamed_test(messages: list[LabelledMessage], profile: str) -> list[LabelledMessage]:
    """``messages`` with the held-out draw's title and body renamed by ``profile``'s ``real_names``."""
    import dataclasses

    from massline.analysis.classify.learned_eval import HELD_OUT_DRAW
    from massline.analysis.places.augment import renaming
    from massline.io.profiles import ProfileError, load_profile

    try:
        names = load_profile(profile).real_names
    except ProfileError as exc:
        fail(str(exc))
    if not names:
        fail(f"profile {profile!r} has no real_names to write in place of its codes")
    sub = renaming(names)
    out = [dataclasses.replace(m, title=sub(m.title), body=sub(m.body)) if m.draw == HELD_OUT_DRAW else m
           for m in messages]  # fmt: skip
    held = sum(m.draw == HELD_OUT_DRAW for m in messages)
    changed = sum(a is not b and (a.title, a.body) != (b.title, b.body) for a, b in zip(messages, out, strict=True))
    click.echo(f"held-out texts with {profile}'s real names in place of its codes: {changed} of {held} changed")
    return out
