"""The cues the word rules miss (features of the learned model) and the 较急 threshold chosen on the
training messages."""

from __future__ import annotations

import numpy as np

from massline.analysis.classify.cues import CUE_FEATURES, cue_row, cue_words
from massline.analysis.classify.threshold import choose_threshold


def test_cues_see_threats_harm_to_the_vulnerable_and_wrongdoing_by_officials() -> None:
    angry = cue_row("草菅人命", "难道就没人管吗？我要找媒体曝光！")
    assert angry[CUE_FEATURES.index("线索：反问")] > 0 and angry[CUE_FEATURES.index("标题线索：詈语成语")] == 1
    assert angry[CUE_FEATURES.index("线索：媒体上级")] > 0
    harm = cue_row("工厂排放废气", "小区里的孩子天天咳嗽，老人头晕。")
    assert harm[CUE_FEATURES.index("线索：弱者+伤害")] == 1.0 and harm[CUE_FEATURES.index("线索：隐患+持续")] == 0
    report = cue_row("村干部", "村支书套取扶贫款，包庇亲属。")
    assert report[CUE_FEATURES.index("线索：违法+公职")] == 1.0
    assert cue_row("咨询", "请问社保怎么转？") == [0.0] * len(CUE_FEATURES)
    assert cue_words("村干部", "村支书套取扶贫款，包庇亲属。", "违法+公职") == ["套取", "包庇", "村干部"]


def test_the_threshold_finds_the_wanted_share_while_keeping_the_agreement() -> None:
    rng = np.random.default_rng(0)
    wanted = np.r_[np.ones(100, bool), np.zeros(900, bool)]
    probability = np.clip(np.r_[rng.normal(0.45, 0.15, 100), rng.normal(0.15, 0.1, 900)], 0, 1)
    threshold = choose_threshold(probability, wanted, recall=0.72, agreement=0.86)
    said = probability >= threshold
    assert said[wanted].mean() >= 0.72 and (said == wanted).mean() >= 0.86
    assert threshold < 0.5  # the most probable class would find fewer
    assert (probability >= 0.5)[wanted].mean() < 0.72
    # when no threshold finds enough while keeping the agreement, the one finding most that keeps it
    strict = choose_threshold(probability, wanted, recall=0.99, agreement=0.9)
    assert ((probability >= strict) == wanted).mean() >= 0.9
    assert choose_threshold(probability, np.zeros(1000, bool)) == 0.5
