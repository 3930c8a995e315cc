import re

from hypothesis import given, settings
from hypothesis import strategies as st

from massline.analysis.places.names import Bounds, _jieba

_TEXT = st.text(st.sampled_from(list("长沙市天心区丽发新城小区附近路街道在住的了是A7b0+#&._%-") + list(" \t\r\n\u3000")
                                + list("，。、！？；：“”‘’（）《》【】…—,!?;:()[]{}<>\"'~·")), max_size=40)  # fmt: skip
_CODES = re.compile(r"((?:A\d+区))")


def _whole(text: str, split: re.Pattern[str] | None) -> set[int]:
    """Every token end of the text segmented whole (between its unit codes)."""
    pieces = [p for p in split.split(text) if p] if split else [text]
    out, i = {0}, 0
    for piece in pieces:
        for token in _jieba().cut(piece, False):
            i += len(token)
            out.add(i)
    return out


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.booleans(), st.integers(0, 40))
def test_bounds_are_the_whole_texts_boundaries(text: str, codes: bool, first: int) -> None:
    split = _CODES if codes else None
    want = _whole(text, split)
    bounds = Bounds(text, split)
    assert (first in bounds) == (first in want)  # one boundary asked first: only its run is segmented
    assert {i for i in range(-1, len(text) + 2) if i in bounds} == want
    assert Bounds(text, split).offsets == want


def test_splits_at_reads_a_window_until_a_boundary_is_asked() -> None:
    text = "我家住在长沙市天心区丽发新城小区附近"
    bounds = Bounds(text)
    assert bounds.splits_at(4) == (4 - 0 in Bounds(text[:10]).offsets)
    assert 4 in bounds
    assert bounds.splits_at(13) == (13 in _whole(text, None))
