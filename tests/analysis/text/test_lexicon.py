"""The clause and sentence around a lexicon word: the span between the punctuation before and after it."""

from __future__ import annotations

import random
import re

from massline.analysis.text.lexicon import clause_bounds, sentence_bounds

CLAUSE = re.compile(r"[，,。！？!?；;\n：:]")
SENTENCE = re.compile(r"[。！？!?；;\n]")


def _walked(text: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The bounds found one character at a time (the definition)."""
    left = start
    while left > 0 and not breaks.match(text[left - 1]):
        left -= 1
    right = end
    while right < len(text) and not breaks.match(text[right]):
        right += 1
    return left, right


def test_the_bounds_are_the_punctuation_around_the_span() -> None:
    text = "楼道里有煤气味，请马上派人来。已经三天了！"
    assert clause_bounds(text, 4, 6) == (0, 7)
    assert clause_bounds(text, 9, 11) == (8, 14)
    assert sentence_bounds(text, 9, 11) == (0, 14)
    assert sentence_bounds(text, 16, 18) == (15, 20)
    assert clause_bounds(text, len(text), len(text)) == (len(text), len(text))


def test_the_bounds_of_random_texts_and_spans() -> None:
    rng = random.Random(11)
    alphabet = "楼道煤气味ab 。，,！？!?；;\n：:"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        start = rng.randrange(0, len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        assert clause_bounds(text, start, end) == _walked(text, start, end, CLAUSE)
        assert sentence_bounds(text, start, end) == _walked(text, start, end, SENTENCE)
