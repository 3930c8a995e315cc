"""How far the analysis is: messages analysed with the current steps, waiting, and waiting for search.

Shown by ``massline pipeline run`` (a progress bar) and on the staff dashboard
while a backlog is being worked off (after an import, a new model, a new step
version): until then search, routing by analysis and issues are incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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

    @property
    def pending(self) -> int:
        """Messages still to analyse (new ones, or analysed with an older step version)."""
        return self.messages - self.analysed

    @property
    def percent(self) -> int:
        """Share analysed, in whole percent (100 when there is nothing)."""
        return 100 if not self.messages else int(100 * self.analysed / self.messages)

    @property
    def done(self) -> bool:
        """Nothing left to analyse or to index."""
        return self.pending == 0 and self.search_pending == 0


def analysis_progress(
    session: Session, ctx: AnalysisContext | None = None, steps: Sequence[Step] | None = None
) -> Progress:
    """The counts now (three indexed counts). With ``ctx`` and ``steps``, "analysed" means with their
    current versions; without (the web tier, which loads no model), analysed at all."""
    messages = session.scalar(select(func.count()).select_from(Message)) or 0
    analysed = select(func.count()).select_from(MessageAnalysis)
    if ctx is not None and steps is not None:
        analysed = analysed.where(MessageAnalysis.pipeline_version == pipeline_version(ctx, steps))
    return Progress(int(messages), int(session.scalar(analysed) or 0), pending_count(session))
