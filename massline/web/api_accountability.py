"""``GET /api/v1/accountability``: the public ranking as JSON (the page ``/accountability`` shows the same)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from massline.services import accountability
from massline.web.deps import PlatformDep, SessionDep

router = APIRouter(prefix="/api/v1")


class OfficeRankOut(BaseModel):
    """One office in the period: rates as fractions (null under the minimum count), rank with its interval."""

    office: str = Field(title="单位")
    code: str
    followups: int = Field(title="有效回访数")
    response_rate: float | None = Field(title="响应率")
    resolution_rate: float | None = Field(title="解决率")
    satisfaction_rate: float | None = Field(title="满意率")
    score: float | None = Field(title="综合得分")
    expected_resolution_rate: float | None = Field(title="期望解决率")
    funnel: str = Field(title="漏斗位置", description="高于预期 / 正常 / 低于预期 / 样本不足")
    rank: int | None = Field(title="排名", description="null: too few follow-ups to rank")
    rank_low: int | None = None
    rank_high: int | None = None


class RankingOut(BaseModel):
    """The ranking of one period ("" = the whole history) and the periods that have 回访."""

    period: str
    periods: list[str]
    min_followups: int
    offices: list[OfficeRankOut]


@router.get("/accountability", response_model=RankingOut, tags=["accountability"])
def ranking(session: SessionDep, platform: PlatformDep, period: str = "") -> RankingOut:
    """The offices' three rates, 综合得分, funnel position and rank with its 95 % interval (public)."""
    view = accountability.ranking(session, platform.settings.timezone, platform.now(), period.strip())
    shown = [r for r in view.rows if r.followups]
    return RankingOut(period=view.period, periods=view.periods, min_followups=view.params.min_followups, offices=[
        OfficeRankOut(
            office=r.office, code=r.code, followups=r.followups,
            response_rate=r.response if r.rank is not None else None,
            resolution_rate=r.resolution if r.rank is not None else None,
            satisfaction_rate=r.satisfaction if r.rank is not None else None,
            score=r.score if r.rank is not None else None, expected_resolution_rate=r.expected_resolution,
            funnel=r.position, rank=r.rank, rank_low=r.rank_low, rank_high=r.rank_high,
        ) for r in shown
    ])  # fmt: skip
