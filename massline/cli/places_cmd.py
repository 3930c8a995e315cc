"""``massline places``: train and evaluate the place-span extractor from labelled messages.

The labels are the repository's (``tests/data/labels``: ``sample.jsonl`` with id, title, body and
``labels.jsonl`` with place, place_type and area per id, the other random draws ``sampleN.jsonl`` +
``labelsN.jsonl``, and the titles without a body ``sample_titles.jsonl`` + ``labels_titles.jsonl``), read when
the command runs.  The titles only ever add training examples: no evaluation tests on them.
``train`` writes the model the pipeline's place step uses (by default the one shipped with the
package, ``massline/data/models/places.crfsuite`` and its ranker ``places.ranker.json``); ``evaluate``
prints the 5-fold cross-validated (or held-out) place and area figures of the extractor, of the same CRF
with the hand-weighted choice, and of the suffix rules (the baseline).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

__all__ = ["DEFAULT_LABELS", "load_labelled", "load_titles", "register"]

DEFAULT_LABELS = Path("tests/data/labels")


#: The random draws read (the same rule as ``read_labelled`` of kind, urgency and feeling): sample files
#: and their label files. The second draw, labelled by other labellers, is the held-out set.
RANDOM_DRAWS = (
    ("sample.jsonl", "labels.jsonl"),
    ("sample2.jsonl", "labels2.jsonl"),
    ("sample3.jsonl", "labels3.jsonl"),
    ("sample4.jsonl", "labels4.jsonl"),
    ("sample5.jsonl", "labels5.jsonl"),
)
#: Every random draw; the held-out evaluation trains on all but ``sample2``.
ALL_DRAWS = tuple(sample.removesuffix(".jsonl") for sample, _ in RANDOM_DRAWS)
TRAIN_DRAWS = tuple(d for d in ALL_DRAWS if d != "sample2")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_labelled(labels_dir: Path, draws: tuple[str, ...] = ALL_DRAWS) -> list[tuple[str, str, str, str, str]]:
    """(title, body, place, place_type, area) of every labelled message of the random ``draws`` of
    ``labels_dir`` (``sample``: sample.jsonl + labels.jsonl; ``sampleN``: sampleN.jsonl + labelsN.jsonl, when
    present); a message labelled in two draws is read once."""
    from massline.cli.common import fail

    if not (labels_dir / "sample.jsonl").is_file() or not (labels_dir / "labels.jsonl").is_file():
        fail(f"no sample.jsonl and labels.jsonl in {labels_dir}")
    out, seen = [], set()
    for sample_name, labels_name in RANDOM_DRAWS:
        sample_file, labels_file = labels_dir / sample_name, labels_dir / labels_name
        if sample_name.removesuffix(".jsonl") not in draws or not (sample_file.is_file() and labels_file.is_file()):
            continue
        texts = {row["id"]: (row.get("title") or "", row.get("body") or "") for row in _jsonl(sample_file)}
        for row in _jsonl(labels_file):
            if row["id"] in texts and row["id"] not in seen:
                seen.add(row["id"])
                title, body = texts[row["id"]]
                place, place_type = row.get("place") or "", row.get("place_type") or "none"
                out.append((title, body, place, place_type, row.get("area") or ""))
    return out


#: The titles without a body labelled for their place alone (sample file, label file).
TITLE_FILES = ("sample_titles.jsonl", "labels_titles.jsonl")


def load_titles(labels_dir: Path) -> list[tuple[str, str, str, str, str]]:
    """(title, "", place, place_type, area) of every labelled title of ``sample_titles.jsonl`` +
    ``labels_titles.jsonl`` (titles of ``titles_labeled.csv`` that no full message has); empty when the files are
    absent."""
    sample_file, labels_file = (labels_dir / name for name in TITLE_FILES)
    if not (sample_file.is_file() and labels_file.is_file()):
        return []
    titles = {row["id"]: row.get("title") or "" for row in _jsonl(sample_file)}
    return [
        (titles[row["id"]], "", row.get("place") or "", row.get("place_type") or "none", row.get("area") or "")
        for row in _jsonl(labels_file)
        if row["id"] in titles
    ]


def _profile(profile: str):  # type: ignore[no-untyped-def]
    from massline.io.profiles import ProfileError, load_profile

    try:
        return load_profile(profile)
    except ProfileError as exc:
        from massline.cli.common import fail

        fail(str(exc))


def _training(
    profile: Any, copies: int, renamed: bool, max_iterations: int, penalties: tuple[float, float]
) -> dict[str, Any]:
    """``train_places``' arguments for the CRF's training: the copies it also trains on (``augment.augmented``:
    ``copies`` swapped ones, the renamed ones with the profile's ``real_names``), its iterations and its L1 and L2
    penalties."""
    from functools import partial

    from massline.analysis.places.augment import augmented

    names = profile.real_names if renamed else {}
    augment = partial(augmented, copies=copies, names=names, seed=13) if copies or names else None
    return {"augment": augment, "max_iterations": max_iterations, "c1": penalties[0], "c2": penalties[1]}


Row = tuple[str, str, str, str, str]  # title, body, place, place_type, area


def _titles_for(labels_dir: Path, messages: list[Row]) -> list[Row]:
    """The labelled titles (:func:`load_titles`) but those of ``messages`` (none should be: they were drawn from
    the titles no full message has; a test message's title is never trained on)."""
    known = {title for title, *_ in messages}
    return [row for row in load_titles(labels_dir) if row[0] not in known]


def _evaluated(
    labels_dir: Path, language: Any, titles: bool, folds: int, holdout: bool, training: dict[str, Any]
) -> tuple[str, list[Row], Any]:
    """The evaluation's name, the titles added to its training sets and its three scores (``evaluate``;
    ``training``: :func:`_training`)."""
    from massline.analysis.places import cross_validate
    from massline.analysis.places import holdout as held_out

    if holdout:
        test = load_labelled(labels_dir, ("sample2",))
        if not test:
            from massline.cli.common import fail

            fail(f"no labelled message of sample2.jsonl in {labels_dir}")
        tested = {(t, b) for t, b, *_ in test}  # a message also in another draw is not trained on
        train = [row for row in load_labelled(labels_dir, TRAIN_DRAWS) if row[:2] not in tested]
        extra = _titles_for(labels_dir, test + train) if titles else []
        name = "held out (trained on every other random draw, tested on sample2)"
        return name, extra, held_out(train, test, language, extra=extra, **training)
    data = load_labelled(labels_dir)
    extra = _titles_for(labels_dir, data) if titles else []
    scores = cross_validate(data, language, folds=folds, progress=click.echo, extra=extra, **training)
    return f"{folds}-fold", extra, scores


def _default_model() -> Path:
    from massline.services.pipeline import PLACE_MODEL

    return PLACE_MODEL


_labels_option = click.option(
    "--labels", "labels_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_LABELS,
    show_default=True, help="Folder with sample.jsonl and labels.jsonl.",
)  # fmt: skip
_titles_option = click.option(
    "--titles/--no-titles", default=True, show_default=True,
    help="Also train on the labelled titles without a body (labels_titles.jsonl; never tested on).",
)  # fmt: skip
_profile_option = click.option(
    "--profile", default="tipdm2020c", show_default=True, help="How the messages name places (a profile name or file)."
)


def _crf_options(command: Any) -> Any:
    """The CRF training's options: its copies of the examples, its iterations and penalties (the defaults: the
    shipped model's training)."""
    command = click.option("--max-iterations", default=80, show_default=True, type=click.IntRange(1, 10_000),
                           help="The CRF's training iterations (L-BFGS).")(command)  # fmt: skip
    command = click.option("--penalties", nargs=2, default=(0.2, 0.1), show_default=True,
                           type=click.FloatRange(0, 100), metavar="C1 C2",
                           help="The CRF's L1 and L2 penalties.")(command)  # fmt: skip
    command = click.option(
        "--renamed/--no-renamed", default=True, show_default=True,
        help="The CRF also trains on a copy of each example with the profile's real_names in place of its codes.",
    )(command)  # fmt: skip
    return click.option(
        "--copies", default=0, show_default=True, type=click.IntRange(0, 20),
        help="The CRF also trains on this many copies of each example naming a place, with another example's "
        "place of the same type in its place (drawn with a fixed seed).",
    )(command)  # fmt: skip


def register(main: click.Group) -> None:
    """Add the ``places`` group to ``main``."""

    @main.group()
    def places() -> None:
        """The place-span extractor (sequence labelling of the place a message is about)."""

    @places.command("train")
    @_labels_option
    @_profile_option
    @_titles_option
    @_crf_options
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Model file to write (default: the one shipped with the package).")  # fmt: skip
    def train(labels_dir: Path, profile: str, titles: bool, out: Path | None, **crf: Any) -> None:
        """Train the extractor on every labelled message (and title): the ranker on candidates of held-out folds,
        then the CRF on all; write the model file and the ranker's beside it."""
        from massline.analysis.places.ranker import ranker_path
        from massline.analysis.places.training import train_places

        data = load_labelled(labels_dir)
        extra = _titles_for(labels_dir, data) if titles else []
        path = out or _default_model()
        chosen = _profile(profile)
        train_places([(t, b, p, k) for t, b, p, k, _a in data], path, chosen.language,
                     extra=[(t, b, p, k) for t, b, p, k, _a in extra],
                     **_training(chosen, **crf))  # fmt: skip
        ranker = ranker_path(path)
        click.echo(f"trained on {len(data)} messages and {len(extra)} titles: {path} "
                   f"({path.stat().st_size // 1024} KiB), {ranker} ({ranker.stat().st_size // 1024} KiB)")  # fmt: skip

    @places.command("evaluate")
    @_labels_option
    @_profile_option
    @_titles_option
    @_crf_options
    @click.option("--folds", default=5, show_default=True, type=click.IntRange(2, 20), help="Cross-validation folds.")
    @click.option("--holdout", is_flag=True,
                  help="Instead of cross-validation: train on the other draws, test on draw 2.")  # fmt: skip
    def evaluate(labels_dir: Path, profile: str, titles: bool, folds: int, holdout: bool, **crf: Any) -> None:
        """Cross-validated (or held-out) place (exact, partial) and area figures, the misses by kind, and the
        suffix rules' figures as baseline."""
        started = time.perf_counter()
        chosen = _profile(profile)
        training = _training(chosen, **crf)
        name, extra, (model, hand, baseline) = _evaluated(labels_dir, chosen.language, titles, folds, holdout, training)
        if extra:
            click.echo(f"({len(extra)} labelled titles without a body added to every training set)")
        click.echo(f"extractor ({name}): {model.as_row()}")
        click.echo(f"  {model.misses_row()}")
        click.echo(f"  {model.types_row()}")
        click.echo(f"the same CRF, hand-weighted choice: {hand.as_row()}")
        click.echo(f"  {hand.misses_row()}")
        click.echo(f"  {hand.types_row()}")
        click.echo(f"suffix rules (baseline): {baseline.as_row()}")
        click.echo(f"took {time.perf_counter() - started:.0f} s")
