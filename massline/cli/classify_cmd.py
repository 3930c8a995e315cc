"""``massline classify train|predict|retrain`` and ``massline eval classify``.

Message files are CSV (UTF-8, BOM accepted, RFC 4180 quoting, so fields may
span lines; else GB18030), XLSX or JSONL: the contest files, files
``massline export`` wrote, or files with the generic column names.  Their
columns are recognised from the header (:mod:`massline.io.message_files`,
shared with ``massline hot``); ``--mapping`` names the columns of any other
file, ``--profile``'s mapping is tried first, and ``--title-col``/
``--detail-col``/``--label-col`` name single columns.  The classifier input
of a row is its title plus its detail (body) when the file has one (see
:func:`massline.analysis.classify.text_of`); its label is the first level of
its category (the text before the first ``/``: an export's 领域 is a path,
城乡建设/安全生产), and rows without one are left out of training.  Bad
input ends with a one-line ``Error: ...`` and exit status 1.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from massline.cli.common import fail, get_platform
from massline.cli.prediction_files import check_out, write_predictions
from massline.cli.tables import taxonomy_rows

if TYPE_CHECKING:
    from massline.analysis.classify import CategoryClassifier
    from massline.io.message_files import MessageTable, Need
    from massline.services.classifier import RetrainReport

# scikit-learn loads slowly (~2.5 s): import the classifier inside the commands
# that need it, so the other `massline` commands start fast.

__all__ = ["register"]

_BATCH = 2000
F = TypeVar("F", bound=Callable[..., Any])
#: The classifier input is title + body (a file needs one of them), the label the category.
_TEXT: Need = ("title", "body")


@dataclass(frozen=True)
class Columns:
    """How the command's files name their columns: ``--mapping``, the profile's mapping, single columns given."""

    mapping: str | None = None
    preferred: str | None = None
    given: tuple[tuple[str, str], ...] = ()

    def read(self, path: str, *, label: bool = False) -> MessageTable:
        """Read a message file and recognise its columns (a label column too when ``label``)."""
        from massline.io.message_files import MessageFileError, read_message_file

        needs: Sequence[Need] = (_TEXT, "category") if label else (_TEXT,)
        try:
            return read_message_file(
                Path(path), needs=needs, wants=_TEXT, mapping=self.mapping, preferred=self.preferred,
                given=dict(self.given),
            )  # fmt: skip
        except MessageFileError as exc:
            raise click.ClickException(str(exc)) from None


def column_options(*, label: bool) -> Callable[[F], F]:
    """Add --title-col/--detail-col, --label-col (when the command reads a ``label``), --profile and --mapping.

    The command receives them as one ``columns`` argument (:class:`Columns`).
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(
            *args: Any, title_col: str | None, detail_col: str | None, profile: str | None, mapping: str | None,
            label_col: str | None = None, **kwargs: Any,
        ) -> Any:  # fmt: skip
            from massline.io.profiles import ProfileError, load_profile

            try:
                preferred = None if mapping else load_profile(profile).mapping
            except ProfileError as exc:
                raise click.ClickException(str(exc)) from None
            pairs = (("title", title_col), ("body", detail_col), ("category", label_col))
            given = tuple((field, column) for field, column in pairs if column)
            return func(*args, columns=Columns(mapping, preferred, given), **kwargs)

        options = [
            click.option("--title-col", default=None, help="Title column (default: recognised from the header)."),
            click.option("--detail-col", default=None, help="Detail (body) column (default: recognised)."),
            *([click.option("--label-col", default=None, help="Label column (default: the category).")] * label),
            click.option("--profile", default=None, help="Deployment profile whose column mapping is tried first."),
            click.option(
                "--mapping",
                default=None,
                help="Column mapping naming the files' columns: a shipped name (massline-export, tipdm2020c) or a "
                "YAML file (default: recognised from each file's header).",
            ),  # fmt: skip
        ]
        command: Any = wrapper
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def texts_of(table: MessageTable) -> list[str]:
    """Classifier inputs of a table: title + detail where the file has them."""
    from massline.analysis.classify import text_of

    return [text_of(t, d) for t, d in zip(table.values("title"), table.values("body"), strict=True)]


def labelled(paths: Sequence[str], columns: Columns) -> tuple[list[str], list[str]]:
    """Texts and labels (first category level) of labelled files; rows without a label or text are left out."""
    texts: list[str] = []
    labels: list[str] = []
    for path in paths:
        table = columns.read(path, label=True)
        for text, category in zip(texts_of(table), table.values("category"), strict=True):
            label = category.split("/", 1)[0].strip()
            if label and text:
                texts.append(text)
                labels.append(label)
    return texts, labels


def unlabelled(paths: Sequence[str], columns: Columns) -> list[str]:
    """Texts of unlabelled message files."""
    return [t for path in paths for t in texts_of(columns.read(path)) if t]


def _check_labels(labels: list[str]) -> None:
    if not labels:
        raise click.ClickException("no labelled rows in the training data")
    if len(set(labels)) < 2:
        raise click.ClickException("training data needs at least two distinct labels")


@click.group("classify")
def classify_group() -> None:
    """Train and apply the category (一级标签) classifier."""


@classify_group.command("train")
@click.option("--data", "data", multiple=True, required=True, help="Labelled CSV, XLSX or JSONL file (repeatable).")
@click.option("--model", "model_path", required=True, help="Where to write the model file.")
@click.option("--unlabeled", multiple=True, help="Unlabelled message file (repeatable).")
@click.option("--taxonomy", default=None, help="Taxonomy CSV: 一级分类,二级分类,三级分类.")
@click.option("--threshold", default=0.5, show_default=True, type=float, help="Review threshold.")
@column_options(label=True)
def train_cmd(
    data: tuple[str, ...],
    model_path: str,
    unlabeled: tuple[str, ...],
    taxonomy: str | None,
    threshold: float,
    columns: Columns,
) -> None:
    """Train a classifier on labelled message files and save it to --model.

    Each file may be a contest file, a `massline export` file (its 领域 is the
    label; rows without one are left out) or a file with generic columns.
    """
    texts, labels = labelled(data, columns)
    _check_labels(labels)
    extra = unlabelled(unlabeled, columns)
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
@click.option("--data", required=True, help="Message file to classify (CSV, XLSX or JSONL).")
@click.option("--out", required=True,
              help="Output file, CSV or XLSX by its extension: the input's columns + predicted, confidence.")
@column_options(label=False)
def predict_cmd(model_path: str, data: str, out: str, columns: Columns) -> None:
    """Classify the rows of --data; write them to --out with `predicted` and `confidence`.

    --out keeps every column of --data (of an export too) and adds the two; it
    is a CSV file or an XLSX workbook, as its name ends (.csv or .xlsx).
    """
    check_out(out)
    model = load_model(model_path)
    table = columns.read(data)
    texts = texts_of(table)
    header = table.columns + [c for c in ("predicted", "confidence") if c not in table.columns]
    start = time.perf_counter()
    review = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal review
        for batch_rows, batch in _batches(table.rows, texts):
            for row, (label, confidence) in zip(batch_rows, model.predict_with_confidence(batch), strict=True):
                review += model.needs_review(confidence)
                cells = {**row, "predicted": label, "confidence": f"{confidence:.4f}"}
                yield [cells.get(name, "") for name in header]

    write_predictions(out, header, rows())
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
    help="Labelled message file to test on (repeatable).",
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
    help="Labelled message file added to every training fold, never tested.",
)
@click.option("--unlabeled", multiple=True, help="Unlabelled message file (repeatable).")
@click.option("--taxonomy", default=None, help="Taxonomy CSV: 一级分类,二级分类,三级分类.")
@column_options(label=True)
def eval_classify_cmd(
    data: tuple[str, ...],
    folds: int,
    extra_train: tuple[str, ...],
    unlabeled: tuple[str, ...],
    taxonomy: str | None,
    columns: Columns,
) -> None:
    """Cross-validated macro-F1, per-class scores and confusion matrix."""
    texts, labels = labelled(data, columns)
    _check_labels(labels)
    extra_texts, extra_labels = labelled(extra_train, columns)
    extra = unlabelled(unlabeled, columns)
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
