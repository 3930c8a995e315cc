"""The decision threshold on the probability of 较急, chosen on the training messages only.

A balanced logistic regression says 较急 when its probability passes one half,
and finds fewer than half of the 较急 messages; the dispatcher wants most of
them found (the contract: at least 70 % of 较急 and 紧急) while the agreement
stays at 85 % or more. :func:`choose_threshold` picks the threshold from
out-of-fold probabilities of the *training* messages (an inner
cross-validation), never from the messages it will be judged on.
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose_threshold"]

#: Thresholds tried, from 0.05 to 0.95.
GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def choose_threshold(
    probability: np.ndarray, wanted: np.ndarray, recall: float = 0.72, agreement: float = 0.86
) -> float:
    """The threshold on ``probability`` (of the wanted class) for the decisions ``wanted`` (booleans).

    Of the thresholds whose agreement is at least ``agreement``, the one with the best agreement among
    those finding ``recall`` of the wanted messages; if none finds that many, the one finding most
    (ties: the better agreement); if no threshold keeps the agreement, the one with the best agreement.

    >>> choose_threshold(np.array([0.1, 0.2, 0.3, 0.6]), np.array([False, False, True, True]))
    0.21
    """
    probability, wanted = np.asarray(probability, dtype=float), np.asarray(wanted, dtype=bool)
    if not wanted.any():
        return 0.5
    said = probability[None, :] >= GRID[:, None]
    agree = (said == wanted[None, :]).mean(axis=1)
    found = said[:, wanted].mean(axis=1)
    keeps = agree >= agreement
    if not keeps.any():
        return float(GRID[int(np.argmax(agree))])
    reaching = keeps & (found >= recall)
    if reaching.any():
        best = np.flatnonzero(reaching)[np.argmax(agree[reaching])]
    else:
        candidates = np.flatnonzero(keeps)
        best = candidates[np.lexsort((-agree[candidates], -found[candidates]))[0]]
    return float(GRID[best])
