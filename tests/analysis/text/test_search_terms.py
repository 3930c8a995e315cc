import pytest

from massline.analysis.text.search_terms import index_terms, query_terms


def _matches(query: str, text: str) -> bool:
    """AND semantics as the platform uses them."""
    stored = set(index_terms(text))
    terms = query_terms(query)
    return bool(terms) and all(t in stored for t in terms)


def test_cjk_runs_become_overlapping_bigrams() -> None:
    assert index_terms("施工噪音") == ["施工", "工噪", "噪音"]


def test_single_char_run_is_kept_and_punctuation_splits_runs() -> None:
    assert index_terms("水，电。") == ["水", "电"]


def test_ascii_lowercased_and_fullwidth_normalised() -> None:
    assert index_terms("ＷｉＦｉ信号 5G") == ["wifi", "信号", "5g"]


def test_mixed_script_splits_between_scripts() -> None:
    assert index_terms("A3栋漏水") == ["a3", "栋漏", "漏水"]


def test_two_character_word_found_inside_long_sentence() -> None:
    text = "我们小区夜间施工噪音扰民严重，多次反映无果"
    assert _matches("噪音", text)
    assert _matches("施工噪音", text)
    assert _matches("噪音 反映", text)
    assert not _matches("停水", text)


def test_query_terms_deduplicated_in_order() -> None:
    assert query_terms("噪音 噪音扰民") == ["噪音", "音扰", "扰民"]


def test_one_char_query_returns_the_char() -> None:
    assert query_terms("水") == ["水"]
    assert query_terms(" 水 ") == ["水"]


def test_empty_and_punctuation_only() -> None:
    assert index_terms("") == []
    assert query_terms("，。！？ ") == []


def test_repetitions_kept_in_index_for_ranking() -> None:
    assert index_terms("噪音噪音").count("噪音") == 2


@pytest.mark.parametrize(
    "query",
    ["13812345678", "¹³⁸¹²³⁴⁵⁶⁷⁸", "138.1234.5678", "138\u200b1234\u200b5678", "１３８１２３４５６７８", "110101 19900307 4578", "a.b@example.com"],
)
def test_personal_data_in_a_query_gives_no_term(query: str) -> None:
    assert query_terms(query) == []
    assert query_terms(f"噪音 {query}") == ["噪音"]
