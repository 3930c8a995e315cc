"""``massline classify train|predict|retrain`` and ``massline eval classify``.

CSV files are read as UTF-8 (a BOM is accepted) with RFC 4180 quoting, so
fields may span lines.  The classifier input of a row is its title column
plus its detail column when the file has one (see
:func:`massline.analysis.classify.text_of`).  Column names: the
``--title-col``/``--detail-col``/``--label-col`` options, else the
``title``/``body``/``category`` columns of ``--mapping`` (or of the
``--profile``'s mapping: ``--profile tipdm2020c`` reads the contest files),
else the generic 标题, 内容, 领域.  Bad input ends with a one-line
``Error: ...`` and exit status 1.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from massline.cli.common import fail, get_platform
from massline.cli.tables import column_options, labelled, read_table, taxonomy_rows, texts_of, unlabelled

if TYPE_CHECKING:
    from massline.analysis.classify import CategoryClassifier
    from massline.services.classifier import RetrainReport

# scikit-learn loads slowly (~2.5 s): import the classifier inside the commands
# that need it, so the other `massline` commands start fast.

__all__ = ["register"]

_BATCH = 2000


def _check_labels(labels: list[str]) -> None:
    if not labels:
        raise click.ClickException("no labelled rows in the training data")
    if len(set(labels)) < 2:
        raise click.ClickException("training data needs at least two distinct labels")


@click.group("classify")
def classify_group() -> None:
    """Train and apply the category (一级标签) classifier."""


@classify_group.command("train")
@click.option("--data", "data", multiple=True, required=True, help="Labelled CSV (repeatable).")
@click.option("--model", "model_path", required=True, help="Where to write the model file.")
@click.option("--unlabeled", multiple=True, help="Unlabelled messages CSV (repeatable).")
@click.option("--taxonomy", default=None, help="Taxonomy CSV: 一级分类,二级分类,三级分类.")
@click.option("--threshold", default=0.5, show_default=True, type=float, help="Review threshold.")
@column_options
def train_cmd(
    data: tuple[str, ...],
    model_path: str,
    unlabeled: tuple[str, ...],
    taxonomy: str | None,
    threshold: float,
    title_col: str,
    detail_col: str,
    label_col: str,
) -> None:
    """Train a classifier on labelled CSV files and save it to --model."""
    texts, labels = labelled(data, title_col, detail_col, label_col)
    _check_labels(labels)
    extra = unlabelled(unlabeled, title_col, detail_col)
    tax = taxonomy_rows(taxonomy)
    start = time.perf_counter()
    from massline.analysis.classify import CategoryClassifier

    model = CategoryClassifier(threshold=threshold).fit(texts, labels, unlabeled=extra or None, taxonomy=tax)
    seconds = time.perf_counter() - start
    try:
        model.save(model_path)
    except OSError as exc:
        raise click.ClickException(f"{model_path}: cannot write model ({exc.strerror})") from exc
    size_mb = Path(model_path).stat().st_size / 1e6
    click.echo(
        f"trained on {len(texts)} rows, {len(model.classes_)} classes "
        f"({', '.join(model.classes_)}); {len(extra)} unlabelled "
        f"({model.n_self_trained_} self-trained); {seconds:.1f} s; "
        f"model {model_path} ({size_mb:.1f} MB)"
    )


@classify_group.command("predict")
@click.option("--model", "model_path", required=True, help="Model file from `classify train`.")
@click.option("--data", required=True, help="CSV of messages to classify.")
@click.option("--out", required=True, help="Output CSV: input columns + predicted, confidence.")
@column_options
def predict_cmd(model_path: str, data: str, out: str, title_col: str, detail_col: str) -> None:
    """Classify the rows of --data; write them to --out with `predicted` and `confidence`."""
    model = load_model(model_path)
    table = read_table(data)
    texts = texts_of(table, title_col, detail_col)
    columns = table.columns + [c for c in ("predicted", "confidence") if c not in table.columns]
    start = time.perf_counter()
    review = 0
    try:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for rows, batch in _batches(table.rows, texts):
                for row, (label, confidence) in zip(rows, model.predict_with_confidence(batch), strict=True):
                    review += model.needs_review(confidence)
                    writer.writerow({**row, "predicted": label, "confidence": f"{confidence:.4f}"})
    except OSError as exc:
        raise click.ClickException(f"{out}: cannot write ({exc.strerror})") from exc
    seconds = time.perf_counter() - start
    click.echo(
        f"classified {len(texts)} rows in {seconds:.1f} s; {review} below the review "
        f"threshold {model.threshold}; wrote {out}"
    )


def _batches(rows: list[dict[str, str]], texts: list[str]) -> Iterator[tuple[list[dict[str, str]], list[str]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH], texts[start : start + _BATCH]


def load_model(path: str) -> CategoryClassifier:
    """Load a model file or raise ClickException."""
    from massline.analysis.classify import CategoryClassifier, ModelFormatError

    if not Path(path).is_file():
        raise click.ClickException(f"{path}: no such model file")
    try:
        return CategoryClassifier.load(path)
    except ModelFormatError as exc:
        raise click.ClickException(str(exc)) from exc


@classify_group.command("retrain")
@click.option("--min-per-class", default=5, show_default=True, type=click.IntRange(3, 100000),
              help="Categories with fewer labelled messages are left out.")  # fmt: skip
@click.option("--min-total", default=20, show_default=True, type=click.IntRange(2, 10000000),
              help="Refuse to train on fewer labelled messages.")  # fmt: skip
@click.option("--model", "model_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Model file to write (default: the classifier_model setting).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace the model even if it scores worse on the held-out cases.")
def retrain_cmd(min_per_class: int, min_total: int, model_path: Path | None, force: bool) -> None:
    """Train the category model on this deployment's answered and corrected messages.

    A new model trained on the older cases is first checked on the newest ~20 %;
    the current model is kept when it scores clearly better there (see --force).
    """
    from massline.services.classifier import retrain, training_set
    from massline.services.errors import ValidationFailed

    platform = get_platform()
    platform.migrate()
    path = model_path or platform.settings.classifier_model_path
    with platform.read() as session:  # read, then train outside the transaction
        data = training_set(session)
    try:
        report = retrain(
            data, path, threshold=platform.settings.classifier_threshold,
            min_per_class=min_per_class, min_total=min_total, force=force,
        )  # fmt: skip
    except ValidationFailed as exc:
        fail("; ".join(exc.errors.values()))
    for line in retrain_lines(report, min_per_class):
        click.echo(line)


def _figures(macro_f1: float | None, accuracy: float | None, ece: float | None) -> str:
    ece_text = "" if ece is None else f"  calibration error (ECE) {ece:.3f}"
    return f"macro-F1 {macro_f1:.3f}  accuracy {accuracy:.3f}{ece_text}"


def retrain_lines(report: RetrainReport, min_per_class: int) -> list[str]:
    """The lines ``classify retrain`` prints for ``report``: data, held-out figures, decision and reason."""
    lines = [
        f"trained on {report.messages} messages ({report.answered} answered, {report.corrected} corrected by "
        f"officials) in {report.seconds:.1f} s",
        "classes: " + ", ".join(f"{label} {n}" for label, n in report.classes.items()),
    ]
    if report.dropped_classes:
        lines.append(
            f"left out (< {min_per_class} messages): "
            + ", ".join(f"{label} {n}" for label, n in report.dropped_classes.items())
        )
    if report.held_out:
        lines.append(f"check on the {report.held_out} most recent cases (held out from training):")
        new = _figures(report.candidate_macro_f1, report.candidate_accuracy, report.candidate_ece)
        lines.append(f"  new model:     {new}")
        if report.current_macro_f1 is not None:
            current = _figures(report.current_macro_f1, report.current_accuracy, report.current_ece)
            lines.append(f"  current model: {current}  ({report.current_version})")
    if report.replaced:
        lines.append(f"model {report.model_version} written to {report.path}; the worker re-classifies with it")
    else:
        lines.append(f"KEPT the current model {report.model_version}: {report.path} was not changed")
    lines.append(f"reason: {report.reason}")
    if not report.replaced:
        lines.append("to replace it anyway, run again with --force")
    return lines


@click.group("eval")
def eval_group() -> None:
    """Evaluate analysis components on labelled data."""


@eval_group.command("classify")
@click.option(
    "--data",
    "data",
    multiple=True,
    required=True,
    help="Labelled CSV to test on (repeatable).",
)
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(2, 50),
    help="CV folds.",
)
@click.option(
    "--extra-train",
    multiple=True,
    help="Labelled CSV added to every training fold, never tested.",
)
@click.option("--unlabeled", multiple=True, help="Unlabelled messages CSV (repeatable).")
@click.option("--taxonomy", default=None, help="Taxonomy CSV: 一级分类,二级分类,三级分类.")
@column_options
def eval_classify_cmd(
    data: tuple[str, ...],
    folds: int,
    extra_train: tuple[str, ...],
    unlabeled: tuple[str, ...],
    taxonomy: str | None,
    title_col: str,
    detail_col: str,
    label_col: str,
) -> None:
    """Cross-validated macro-F1, per-class scores and confusion matrix."""
    texts, labels = labelled(data, title_col, detail_col, label_col)
    _check_labels(labels)
    extra_texts, extra_labels = labelled(extra_train, title_col, detail_col, label_col)
    extra = unlabelled(unlabeled, title_col, detail_col)
    tax = taxonomy_rows(taxonomy)
    try:
        from massline.analysis.classify import cross_validate

        report = cross_validate(
            texts,
            labels,
            folds=folds,
            extra_texts=extra_texts,
            extra_labels=extra_labels,
            unlabeled=extra,
            taxonomy=tax,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.format())


def register(main: click.Group) -> None:
    """Add the ``classify`` and ``eval`` groups to the root command ``main``.

    If ``main`` already has an ``eval`` group, ``classify`` is added to it.
    """
    main.add_command(classify_group)
    existing = main.commands.get("eval")
    if isinstance(existing, click.Group) and existing is not eval_group:
        existing.add_command(eval_classify_cmd)
    else:
        main.add_command(eval_group)


if __name__ == "__main__":  # pragma: no cover - manual use before the root CLI exists
    root = click.Group("massline")
    register(root)
    root(sys.argv[1:])
