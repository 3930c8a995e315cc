"""The kind, urgency and feeling steps: the learned model decides, the word rules explain.

With a model (``ctx.message_model``, the shipped file unless the deployment
names another) each step stores the model's label and confidence and, as
evidence, the spans of the text it rests on (``model``: label, confidence,
``by`` model or rule, spans with offsets in ``item.text``, rule features,
probabilities) beside what the rules found (cue words, risk signals,
intensity words, which the alerts and the case page use). Without a model the
rules decide as before (versions ``kind-v1``, ``urgency-v1``,
``sentiment-v1``); with one, the version names the model, so a new model
recomputes the three steps.
"""

from __future__ import annotations

from typing import Any

from massline.analysis.classify import Decision, as_dict, rule_findings
from massline.services.pipeline.context import AnalysisContext
from massline.services.pipeline.stepdef import Item, StepResult

LEVEL_OF_URGENCY = {"紧急": "urgent", "较急": "elevated", "一般": "normal"}
LEVEL_OF_FEELING = {"愤怒": "angry", "不满": "upset", "平和": "calm"}
_BATCH = "understand"


def _version(rules_version: str, prefix: str) -> Any:
    def version(ctx: AnalysisContext) -> str:
        model = ctx.message_model
        return f"{prefix}-{model.model_version()}" if model is not None else rules_version

    return version


kind_version = _version("kind-v1", "kind")
urgency_version = _version("urgency-v1", "urgency2")  # 2: the rule's 紧急 stands only for a danger happening now
sentiment_version = _version("sentiment-v1", "sentiment")


def understand_batch(ctx: AnalysisContext, items: list[Item]) -> None:
    """The model's decisions for the batch's messages not decided yet (shared by the three steps)."""
    model = ctx.message_model
    if model is None:
        return
    done: dict[int, dict[str, Decision]] = ctx.batch.setdefault(_BATCH, {})
    todo = [item for item in items if item.id not in done]
    if todo:
        decisions = model.predict([i.title for i in todo], [i.body for i in todo])
        done.update({item.id: d for item, d in zip(todo, decisions, strict=True)})


def _decision(ctx: AnalysisContext, item: Item, task: str) -> Decision | None:
    if ctx.message_model is None:
        return None
    if item.id not in ctx.batch.get(_BATCH, {}):
        understand_batch(ctx, [item])
    return ctx.batch[_BATCH][item.id][task]


def kind_step(ctx: AnalysisContext, item: Item) -> StepResult:
    """The message kind (the model's, else the rules'), with its evidence and the rules' cue words."""
    guess = rule_findings(item.title, item.body)[0]  # (computed once: the model read them too)
    decision = _decision(ctx, item, "kind")
    if decision is None:
        return StepResult(
            values={"kind_guess": guess.kind, "kind_confidence": guess.confidence},
            evidence={"kind": guess.kind, "confidence": guess.confidence, "cues": guess.evidence},
        )
    return StepResult(
        values={"kind_guess": decision.label, "kind_confidence": decision.confidence},
        evidence={"kind": decision.label, "confidence": decision.confidence, "cues": guess.evidence,
                  "rule_kind": guess.kind, "model": as_dict(decision)},  # fmt: skip
    )


def urgency_step(ctx: AnalysisContext, item: Item) -> StepResult:
    """Urgency level and score (the model's, else the rules') with the rules' risk signals and their offsets."""
    urgency = rule_findings(item.title, item.body)[1]
    signals = [
        {"code": s.code, "label": s.label, "strength": s.strength, "words": s.words,
         "spans": [list(span) for span in s.spans], "notes": s.notes}
        for s in urgency.signals
    ]  # fmt: skip
    decision = _decision(ctx, item, "urgency")
    level, score = urgency.level, urgency.score
    evidence: dict[str, Any] = {"signals": signals}
    if decision is not None:
        level = LEVEL_OF_URGENCY[decision.label]
        # the probability that the message cannot wait (较急 or 紧急)
        score = round(1.0 - decision.probabilities.get("一般", 0.0), 3)
        score = max(score, urgency.score) if level == "urgent" else score
        evidence.update(model=as_dict(decision), rule_level=urgency.level)
    return StepResult(values={"urgency_level": level, "urgency_score": score},
                      evidence={"level": level, "score": score, **evidence})  # fmt: skip


def sentiment_step(ctx: AnalysisContext, item: Item) -> StepResult:
    """Feeling: 0 calm → 1 outraged (the model's, else the rules'), and the words behind it."""
    sentiment = rule_findings(item.title, item.body)[2]
    decision = _decision(ctx, item, "feeling")
    if decision is None:
        return StepResult(
            values={"sentiment_score": sentiment.score},
            evidence={"level": sentiment.level, "score": sentiment.score, "words": sentiment.evidence},
        )
    p = decision.probabilities
    score = round(0.5 * p.get("不满", 0.0) + p.get("愤怒", 0.0), 3)
    level = LEVEL_OF_FEELING[decision.label]
    return StepResult(
        values={"sentiment_score": score},
        evidence={"level": level, "score": score, "words": sentiment.evidence, "model": as_dict(decision)},
    )
