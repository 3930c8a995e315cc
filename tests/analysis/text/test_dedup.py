import numpy as np
import pytest

from massline.analysis.text.dedup import LshIndex, MinHasher, choose_bands, near_duplicate_groups

ORIGINAL = "A5区长房半岛蓝湾经常停水，生活难以为继，多次投诉水业部门都没任何改进，请领导重视民生问题。"
EDITED = "A5区长房半岛蓝湾经常停水，生活难以为继！多次投诉水业部门都没有任何改进，请领导重视民生问题"
OTHER = "A7县小塘路紫云阁超市门口两个音响声音超级大，从早上七点四十开始广播，严重扰民。"


def _jaccard(hasher: MinHasher, a: str, b: str) -> float:
    sa, sb = set(hasher.shingles(a).tolist()), set(hasher.shingles(b).tolist())
    return len(sa & sb) / len(sa | sb)


def test_signature_estimates_jaccard() -> None:
    hasher = MinHasher(num_perm=256)
    true = _jaccard(hasher, ORIGINAL, EDITED)
    estimate = hasher.similarity(hasher.signature(ORIGINAL), hasher.signature(EDITED))
    assert 0.7 < true < 0.95
    assert abs(estimate - true) < 0.1
    assert hasher.similarity(hasher.signature(ORIGINAL), hasher.signature(OTHER)) < 0.1


def test_signatures_are_deterministic_and_ignore_formatting() -> None:
    sig = MinHasher().signature(ORIGINAL)
    again = MinHasher().signature("  " + ORIGINAL.replace("，", " , ") + "\n")
    assert sig.dtype == np.uint32 and sig.shape == (128,)
    assert np.array_equal(sig, again)
    assert not np.array_equal(sig, MinHasher(seed=7).signature(ORIGINAL))


def test_groups_near_duplicates_only() -> None:
    items = [("a", ORIGINAL), ("b", OTHER), ("c", EDITED), ("d", "谢谢"), ("e", "")]
    assert near_duplicate_groups(items) == [["a", "c"]]


def test_grouping_is_transitive() -> None:
    base = "小区门口的路灯坏了三个月，晚上出行非常不便，老人孩子摔倒好几次，请尽快维修"
    step1 = base.replace("三个月", "四个月")
    step2 = step1.replace("非常不便", "十分不便")
    groups = near_duplicate_groups([(1, base), (2, OTHER), (3, step1), (4, step2)], threshold=0.7)
    assert groups == [[1, 3, 4]]


def test_empty_texts_never_grouped() -> None:
    assert near_duplicate_groups([(1, ""), (2, "，。"), (3, "")]) == []


def test_choose_bands_puts_midpoint_below_threshold() -> None:
    bands, rows = choose_bands(128, 0.8)
    assert bands * rows == 128
    assert (1 / bands) ** (1 / rows) < 0.8


def test_incremental_index_finds_stored_duplicate() -> None:
    hasher = MinHasher()
    index = LshIndex(threshold=0.8)
    index.add(101, hasher.signature(ORIGINAL))
    index.add(102, hasher.signature(OTHER))
    found = index.query(hasher.signature(EDITED))
    assert [key for key, _ in found] == [101]
    assert found[0][1] >= 0.8
    keys = index.band_keys(hasher.signature(ORIGINAL))
    assert len(keys) == index.bands[0] and keys[0].startswith("0:")


def test_many_items_fast_and_correct() -> None:
    rng = np.random.default_rng(0)
    alphabet = list(
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
    )
    texts = ["".join(rng.choice(alphabet, size=60)) for _ in range(1500)]
    items = [(i, t) for i, t in enumerate(texts)]
    items += [(10_000 + i, texts[i][:-2] + "！！") for i in range(0, 1500, 100)]
    groups = near_duplicate_groups(items)
    assert sorted(groups) == sorted([[i, 10_000 + i] for i in range(0, 1500, 100)])


def test_signatures_in_batch_are_the_signatures() -> None:
    hasher = MinHasher(num_perm=64)
    texts = [ORIGINAL, EDITED, "", "a", "ab", "，。！", "ＡＢＣ", OTHER * 3, "重复重复重复重复", ORIGINAL]
    batch = hasher.signatures(texts, chunk=3)  # chunks with and without content
    assert len(batch) == len(texts)
    for text, sig in zip(texts, batch, strict=True):
        assert sig.dtype == np.uint32
        assert np.array_equal(sig, hasher.signature(text)), text
    assert hasher.signatures([]) == []


@pytest.mark.parametrize("shingle", [1, 3, 5])
@pytest.mark.parametrize("chunk", [1, 2, 4, 16])
def test_chunks_hashed_at_once_give_the_signatures(shingle: int, chunk: int) -> None:
    hasher = MinHasher(num_perm=32, shingle=shingle)
    # no text shorter than a shingle but empty ones: each chunk's windows are hashed at once
    texts = [ORIGINAL, "", EDITED, "ＡＢＣＤＥ", "，。！", OTHER * 2, "重复重复重复重复", "", "abcde", ORIGINAL]
    for text, sig in zip(texts, hasher.signatures(texts, chunk=chunk), strict=True):
        assert np.array_equal(sig, hasher.signature(text)), text
