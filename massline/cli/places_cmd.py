"""``massline places``: train and evaluate the place-span extractor from labelled messages.

The labels are the repository's (``tests/data/labels``: ``sample.jsonl`` with id, title, body and
``labels.jsonl`` with place, place_type and area per id), read when the command runs.
``train`` writes the model the pipeline's place step uses (by default the one shipped with the
package, ``massline/data/models/places.crfsuite``); ``evaluate`` prints the 5-fold cross-validated
place and area figures of the extractor and of the suffix rules (the baseline).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

__all__ = ["DEFAULT_LABELS", "load_labelled", "register"]

DEFAULT_LABELS = Path("tests/data/labels")


def load_labelled(labels_dir: Path) -> list[tuple[str, str, str, str, str]]:
    """(title, body, place, place_type, area) of every labelled message of ``labels_dir``."""
    from massline.cli.common import fail

    sample_file, labels_file = labels_dir / "sample.jsonl", labels_dir / "labels.jsonl"
    if not sample_file.is_file() or not labels_file.is_file():
        fail(f"no sample.jsonl and labels.jsonl in {labels_dir}")
    texts = {}
    for line in sample_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts[row["id"]] = (row.get("title") or "", row.get("body") or "")
    out = []
    for line in labels_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["id"] in texts:
                title, body = texts[row["id"]]
                place, place_type = row.get("place") or "", row.get("place_type") or "none"
                out.append((title, body, place, place_type, row.get("area") or ""))
    return out


def _language(profile: str):  # type: ignore[no-untyped-def]
    from massline.io.profiles import ProfileError, load_profile

    try:
        return load_profile(profile).language
    except ProfileError as exc:
        from massline.cli.common import fail

        fail(str(exc))


def _default_model() -> Path:
    from massline.services.pipeline import PLACE_MODEL

    return PLACE_MODEL


_labels_option = click.option(
    "--labels", "labels_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_LABELS,
    show_default=True, help="Folder with sample.jsonl and labels.jsonl.",
)  # fmt: skip
_profile_option = click.option(
    "--profile", default="tipdm2020c", show_default=True, help="How the messages name places (a profile name or file)."
)


def register(main: click.Group) -> None:
    """Add the ``places`` group to ``main``."""

    @main.group()
    def places() -> None:
        """The place-span extractor (sequence labelling of the place a message is about)."""

    @places.command("train")
    @_labels_option
    @_profile_option
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Model file to write (default: the one shipped with the package).")  # fmt: skip
    def train(labels_dir: Path, profile: str, out: Path | None) -> None:
        """Train the extractor on every labelled message and write the model file."""
        from massline.analysis.places import train_tagger

        data = load_labelled(labels_dir)
        path = out or _default_model()
        train_tagger([(t, b, p, k) for t, b, p, k, _a in data], path, _language(profile))
        click.echo(f"trained on {len(data)} messages: {path} ({path.stat().st_size // 1024} KiB)")

    @places.command("evaluate")
    @_labels_option
    @_profile_option
    @click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Cross-validation folds.")
    def evaluate(labels_dir: Path, profile: str, folds: int) -> None:
        """Cross-validated place (exact, partial) and area figures, and the suffix rules' as baseline."""
        from massline.analysis.places import cross_validate

        data = load_labelled(labels_dir)
        started = time.perf_counter()
        model, baseline = cross_validate(data, _language(profile), folds=folds, progress=click.echo)
        click.echo(f"extractor ({folds}-fold): {model.as_row()}")
        click.echo(f"suffix rules (baseline): {baseline.as_row()}")
        click.echo(f"took {time.perf_counter() - started:.0f} s")
