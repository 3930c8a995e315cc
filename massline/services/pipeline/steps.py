"""The built-in analysis steps' functions (the steps themselves: ``plugin.py``, in the order they run).

Each step wraps a pure ``massline.analysis`` function and turns its answer into
typed columns of ``MessageAnalysis`` plus the evidence an official is shown.
Bump a step's version when its results change; the next run recomputes that
step (and only that step) for every message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import cast

import numpy as np
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import Session

from massline.analysis.classify import text_of
from massline.models import Message, MessageAnalysis, MessageBandKey
from massline.services.pipeline.context import AnalysisContext
from massline.services.pipeline.stepdef import Item, StepResult

MAX_DUPLICATE_CANDIDATES = 50


# ---- classify -------------------------------------------------------------------


def classify_version(ctx: AnalysisContext) -> str:
    """The classify step's version: the model's, and the review threshold."""
    # the threshold decides ``needs_review``: changing it re-runs the step
    return f"{ctx.classifier.model_version()}@{ctx.threshold:g}" if ctx.classifier is not None else "none"


def classify_batch(ctx: AnalysisContext, items: list[Item]) -> None:
    """Classify a batch of messages at once (``prepare`` of the classify step)."""
    if ctx.classifier is None:
        return
    predictions = ctx.classifier.predict_with_confidence([text_of(i.title, i.body) for i in items])
    ctx.batch["classify"] = {item.id: p for item, p in zip(items, predictions, strict=True)}


def classify_step(ctx: AnalysisContext, item: Item) -> StepResult:
    """First-level category and calibrated confidence; skipped when no model is configured."""
    empty = {"category_id": None, "category_label": None, "category_confidence": None, "needs_review": None}
    if ctx.classifier is None:
        return StepResult(values=empty, skipped=ctx.classifier_problem or "no model")
    found = ctx.batch.get("classify", {}).get(item.id)
    if found is None:
        found = ctx.classifier.predict_with_confidence([text_of(item.title, item.body)])[0]
    label, confidence = found
    category_id = ctx.category_ids.get(label)
    needs_review = confidence < ctx.threshold or category_id is None
    return StepResult(
        values={
            "category_id": category_id,
            "category_label": label,
            "category_confidence": round(confidence, 4),
            "needs_review": needs_review,
        },
        evidence={"label": label, "confidence": round(confidence, 4), "in_taxonomy": category_id is not None},
    )


# ---- kind, urgency, sentiment: see understand.py ---------------------------------


# ---- place ----------------------------------------------------------------------


def place_version(ctx: AnalysisContext) -> str:
    """The place step's version: with the place model, its files' digest (a retrained model redoes the step)."""
    return f"places-v3-crf-{ctx.place_tagger.model_version}" if ctx.place_tagger is not None else "places-v1"


def _place_of(ctx: AnalysisContext, item: Item) -> dict[str, object]:
    """The place the message is about (the place model's span) and its administrative area."""
    from massline.analysis.places import area_of

    if ctx.place_tagger is None:
        return {}
    place, spans = ctx.place_tagger.read(item.title, item.body)
    area = area_of(item.text, place, ctx.gazetteer.language, ctx.gazetteer, len(item.title), spans)
    return {"place": place.as_evidence() if place else None, "area": area.as_evidence() if area else None}


def place_step(ctx: AnalysisContext, item: Item) -> StepResult:
    """The most specific region named in the text, the words that prove it, and unlisted places; with the
    place model, the place the message is about (span, type, the reasons it was chosen) and its area."""
    match = ctx.gazetteer.locate(item.text)
    about = _place_of(ctx, item)
    if match is None:
        unlisted = ctx.gazetteer.unlisted_places(item.text)
        return StepResult(values={"located_region_id": None}, evidence={"unlisted": unlisted, **about})
    return StepResult(
        values={"located_region_id": ctx.region_ids.get(match.code)},
        evidence={
            "code": match.code,
            "name": match.name,
            "level": match.level,
            "span": list(match.span),
            "evidence": list(match.evidence),
            "unlisted": list(match.unlisted_places),
            **about,
        },
    )


# ---- duplicates -----------------------------------------------------------------


def band_keys(ctx: AnalysisContext, signature: np.ndarray) -> list[str]:
    """Short, indexable keys of a signature's LSH bands (``"<band>:<16 hex>"``)."""
    out = []
    for key in ctx.lsh.band_keys(signature):
        band, raw = key.split(":", 1)
        out.append(f"{band}:{hashlib.blake2b(raw.encode('ascii'), digest_size=8).hexdigest()}")
    return out


def duplicates_version(ctx: AnalysisContext) -> str:
    """The duplicates step's version: the hashing and the similarity threshold."""
    return f"minhash-v1-{ctx.hasher.num_perm}x{ctx.hasher.shingle}-{ctx.lsh.threshold}"


def duplicates_prepare(ctx: AnalysisContext, items: list[Item]) -> None:
    """Signatures and band keys of the batch (pure: computed before the write transaction)."""
    out: dict[int, tuple[np.ndarray, list[str]]] = {}
    # a few texts' hashes at a time: the same values as one by one (MinHasher.signatures)
    for item, signature in zip(items, ctx.hasher.signatures([i.text for i in items], chunk=16), strict=True):
        empty = int(signature.min()) == 0xFFFFFFFF  # no content to compare
        out[item.id] = (signature, [] if empty else band_keys(ctx, signature))
    ctx.batch["duplicates"] = out


Candidate = tuple[datetime, int, np.ndarray, int | None]  # time, message id, signature, its original


def _stored_candidates(ctx: AnalysisContext, session: Session, item: Item, keys: list[str]) -> list[Candidate]:
    """The earliest ``MAX_DUPLICATE_CANDIDATES`` stored messages before ``item`` sharing a band key with it.

    The stored messages sharing a key with any message of the batch are read once, at its first
    message (``_batch_candidates``); the batch's own messages are compared in memory (``duplicates_step``),
    their keys written at the batch's end (``duplicates_finish``).
    """
    by_key, rows = ctx.state.get("duplicate_rows") or _batch_candidates(ctx, session)
    at = (_naive(item.created_at), item.id)
    earlier = sorted(o for o in (rows[mid][0] for mid in {mid for k in keys for mid in by_key.get(k, ())}) if o < at)
    return [rows[mid][1] for _, mid in earlier[:MAX_DUPLICATE_CANDIDATES]]


def _batch_candidates(
    ctx: AnalysisContext, session: Session
) -> tuple[dict[str, list[int]], dict[int, tuple[tuple[datetime, int], Candidate]]]:
    """Every stored message sharing a band key with a message of the batch: message ids by key, and their
    rows (each with its place in time: naive time, id)."""
    keys = sorted({k for _sig, ks in ctx.batch.get("duplicates", {}).values() for k in ks})
    by_key: dict[str, list[int]] = {}
    rows: dict[int, tuple[tuple[datetime, int], Candidate]] = {}
    for start in range(0, len(keys), 900):
        found = session.execute(
            select(MessageBandKey.band_key, Message.created_at, MessageAnalysis.message_id, MessageAnalysis.signature,
                   MessageAnalysis.duplicate_of_id)
            .join(MessageAnalysis, MessageAnalysis.message_id == MessageBandKey.message_id)
            .join(Message, Message.id == MessageAnalysis.message_id)
            .where(MessageBandKey.band_key.in_(keys[start : start + 900]), MessageAnalysis.signature.is_not(None))
        )  # fmt: skip
        for key, created, mid, sig, root in found:
            if sig:
                by_key.setdefault(key, []).append(mid)
                if mid not in rows:
                    rows[mid] = (_naive(created), mid), (created, mid, np.frombuffer(sig, dtype=np.uint32), root)
    ctx.state["duplicate_rows"] = by_key, rows
    return by_key, rows


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None) if value.tzinfo is not None else value  # SQLite gives naive UTC


def _drop_band_keys(ctx: AnalysisContext, session: Session, message_id: int) -> None:
    """The message's stored band keys go (it is analysed again): those of the messages analysed for the
    first time all at once, at the first of them (normally none: one cheap statement per batch)."""
    first_time: set[int] = ctx.state.get("first_time", set())
    if message_id not in first_time:
        session.execute(delete(MessageBandKey).where(MessageBandKey.message_id == message_id))
    elif not ctx.state.get("band_keys_dropped"):
        ctx.state["band_keys_dropped"] = True
        ids = sorted(first_time)
        for start in range(0, len(ids), 900):
            session.execute(delete(MessageBandKey).where(MessageBandKey.message_id.in_(ids[start : start + 900])))


def duplicates_step(ctx: AnalysisContext, session: Session, item: Item) -> StepResult:
    """Near-duplicates among earlier messages: band-key lookup, then estimated Jaccard ≥ threshold.

    Earlier messages of the same batch are compared in memory (``ctx.state``),
    stored ones through the band-key index. ``duplicate_of`` is the earliest
    verified match's own original when it has one (so a chain of reposts points
    at the first post), else that match.
    """
    found = ctx.batch.get("duplicates", {}).get(item.id)
    if found is None:
        duplicates_prepare(ctx, [item])
        found = ctx.batch["duplicates"][item.id]
    signature, keys = found
    batch: dict[int, tuple[set[str], Candidate]] = ctx.state.setdefault("duplicates", {})
    _drop_band_keys(ctx, session, item.id)
    values: dict[str, object] = {"signature": signature.tobytes(), "duplicate_of_id": None}
    if not keys:
        ctx.state.setdefault("duplicate_of", {})[item.id] = None
        return StepResult(values=values, evidence={"matches": []})
    wanted = set(keys)
    candidates = [c for c in _stored_candidates(ctx, session, item, keys) if c[1] not in batch]
    by_key: dict[str, list[int]] = ctx.state.setdefault("duplicate_keys", {})  # earlier messages of this batch
    candidates += [batch[i][1] for i in {i for k in keys for i in by_key.get(k, ())}]
    candidates.sort(key=lambda c: (_naive(c[0]), c[1]))
    matches: list[tuple[int, float]] = []
    root: int | None = None
    for _time, other_id, other_sig, other_root in candidates[:MAX_DUPLICATE_CANDIDATES]:
        similarity = ctx.hasher.similarity(signature, other_sig)
        if similarity >= ctx.lsh.threshold:
            matches.append((other_id, round(similarity, 3)))
            if root is None:
                root = other_root or other_id
    ctx.state.setdefault("band_keys", []).extend({"message_id": item.id, "band_key": k} for k in keys)
    batch[item.id] = (wanted, (item.created_at, item.id, signature, root))
    for k in wanted:
        by_key.setdefault(k, []).append(item.id)
    ctx.state.setdefault("duplicate_of", {})[item.id] = root
    values["duplicate_of_id"] = root
    matches.sort(key=lambda m: -m[1])
    shown = [{"id": mid, "similarity": sim} for mid, sim in matches[:10]]
    return StepResult(values=values, evidence={"matches": shown, "of": root})


def duplicates_finish(ctx: AnalysisContext, session: Session, items: list[Item]) -> None:
    """Store the band keys of the batch's messages (one statement; its ``finish``)."""
    rows = ctx.state.pop("band_keys", [])
    for start in range(0, len(rows), 5000):
        session.execute(insert(cast(Table, MessageBandKey.__table__)), rows[start : start + 5000])  # (no ORM bulk)
