"""How far the analysis is: messages analysed with the current steps, waiting, and waiting for search.

Shown by ``massline pipeline run`` (a progress bar) and on the staff dashboard
while a backlog is being worked off (after an import, a new model, a new step
version): until then search, routing by analysis and issues are incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Message, MessageAnalysis
from massline.services.pipeline.context import AnalysisContext
from massline.services.pipeline.runner import pipeline_version
from massline.services.pipeline.stepdef import Step
from massline.services.search import pending_count


@dataclass(frozen=True)
class Progress:
    """Counts over all stored messages."""

    messages: int
    analysed: int  #: analysed with every step's current version
    search_pending: int  #: not yet in the search index (found by substring meanwhile)
    rate: float | None = None  #: messages analysed per second over the last :data:`RATE_WINDOW` (when asked)

    @property
    def pending(self) -> int:
        """Messages still to analyse (new ones, or analysed with an older step version)."""
        return self.messages - self.analysed

    @property
    def percent(self) -> int:
        """Share analysed, in whole percent (100 when there is nothing)."""
        return 100 if not self.messages else int(100 * self.analysed / self.messages)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds until everything is analysed at the recent pace (None: no pace measured, or nothing left)."""
        if not self.pending or not self.rate:
            return None
        return self.pending / self.rate

    @property
    def eta_text(self) -> str:
        """The time left in words, for the pages ("约 3 分钟"; empty when unknown)."""
        eta = self.eta_seconds
        if eta is None:
            return ""
        if eta < 60:
            return "不到 1 分钟"
        minutes = round(eta / 60)
        return f"约 {minutes} 分钟" if minutes < 90 else f"约 {minutes / 60:.1f} 小时"

    @property
    def done(self) -> bool:
        """Nothing left to analyse or to index."""
        return self.pending == 0 and self.search_pending == 0


#: The recent past over which the pace of the analysis is measured.
RATE_WINDOW = timedelta(minutes=2)


def analysis_progress(
    session: Session,
    ctx: AnalysisContext | None = None,
    steps: Sequence[Step] | None = None,
    *,
    now: datetime | None = None,
) -> Progress:
    """The counts now (three indexed counts). With ``ctx`` and ``steps``, "analysed" means with their
    current versions; without (the web tier, which loads no model), analysed at all. With ``now``, also
    the pace: messages analysed per second over the last :data:`RATE_WINDOW` (the time left follows)."""
    messages = session.scalar(select(func.count()).select_from(Message)) or 0
    analysed = select(func.count()).select_from(MessageAnalysis)
    if ctx is not None and steps is not None:
        analysed = analysed.where(MessageAnalysis.pipeline_version == pipeline_version(ctx, steps))
    done = int(session.scalar(analysed) or 0)
    rate = None
    if now is not None and done < messages:
        since = now - RATE_WINDOW
        recent, first = session.execute(
            select(func.count(), func.min(MessageAnalysis.analysed_at)).where(MessageAnalysis.analysed_at >= since)
        ).one()
        if recent and first is not None:
            first = first.replace(tzinfo=now.tzinfo) if first.tzinfo is None else first  # SQLite: naive UTC
            seconds = max((now - first).total_seconds(), 10.0)  # (a pace from a single batch is no pace)
            rate = recent / seconds
    return Progress(int(messages), done, pending_count(session), rate)
