from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from massline.analysis.text.segment import Segmenter, normalize, segment_runs, split_sentences


def test_normalize_fullwidth_and_scrape_whitespace() -> None:
    assert normalize("\n\t\t\t\n  ＡＢＣ１２３！（好）  \t 的 ") == "ABC123!(好) 的"


def test_normalize_keeps_chinese_punctuation_and_line_breaks() -> None:
    assert normalize("第一行。\n\n\t第二行、“引号”") == "第一行。\n第二行、“引号”"


def test_normalize_removes_excel_carriage_return_and_zero_width() -> None:
    assert normalize("甲_x000D_ 乙\u200b丙") == "甲\n乙丙"


def test_split_sentences_on_terminators_and_newlines() -> None:
    assert split_sentences("小区停水了！什么时候恢复？\n请尽快处理；谢谢") == [
        "小区停水了！",
        "什么时候恢复？",
        "请尽快处理；",
        "谢谢",
    ]


def test_split_sentences_keeps_closing_quote_with_sentence() -> None:
    assert split_sentences("他说：“不管了。”然后走了") == [
        "他说：“不管了。”",
        "然后走了",
    ]


def test_user_words_kept_whole_and_per_instance() -> None:
    text = "长房半岛蓝湾经常停水"
    with_dict = Segmenter(["长房半岛蓝湾"])
    plain = Segmenter()
    assert "长房半岛蓝湾" in with_dict.cut(text)
    # rjieba dictionaries are per instance: the other segmenter is unaffected.
    assert "长房半岛蓝湾" not in plain.cut(text)


def test_cut_covers_all_characters() -> None:
    text = "夜间施工噪音扰民，多次投诉无果！"
    assert "".join(Segmenter().cut(text)) == normalize(text)


def test_words_drop_stopwords_and_punctuation() -> None:
    words = Segmenter().words("尊敬的领导：我们小区经常停水，请问什么时候恢复？")
    assert "停水" in words
    assert "小区" in words
    for dropped in ("的", "领导", "我们", "请问", "什么", "，", "？", "："):
        assert dropped not in words


def test_words_of_normalised_text_need_no_second_normalisation() -> None:
    seg = Segmenter(["长房半岛蓝湾"])
    raw = "Ａ５区　长房半岛蓝湾小区经常停水，生活难以为继！ 投诉了３次①，\n请尽快解决。丽发新城门口"
    text = normalize(raw)
    for stripped in (text.replace("长房半岛蓝湾", "，"), text.replace("丽发新城", "，").replace(" ", "，")):
        assert "，" in stripped and normalize(stripped) != stripped  # NFKC turns the comma half-width
        assert seg.words(stripped, normalized=True) == seg.words(stripped)
    assert seg.cut(text, normalized=True) == seg.cut(text)


# Chinese characters, letters and digits, the characters jieba keeps in its blocks, white space and the
# punctuation :func:`segment_runs` cuts at
_TEXT = st.text(st.sampled_from(list("长沙市天心区丽发新城小区附近路街道在住的了是A7b0+#&._%-") + list(" \t\r\n\u3000")
                                + list("，。、！？；：“”‘’（）《》【】…—,!?;:()[]{}<>\"'~·")), max_size=40)  # fmt: skip


def test_clauses_cover_the_text_with_each_mark_alone() -> None:
    text = "小区停水了，什么时候恢复？！请尽快"
    runs = segment_runs(text)
    assert [text[a:b] for a, b in runs] == ["小区停水了", "，", "什么时候恢复", "？", "！", "请尽快"]
    assert segment_runs(text, 3, 8) == [(3, 5), (5, 6), (6, 8)]
    assert segment_runs("") == []


@lru_cache(maxsize=1)
def _segmenter() -> Segmenter:
    return Segmenter(["丽发新城", "天心区"])


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_the_segmenter_cuts_each_clause_alone(text: str) -> None:
    """What ``Bounds`` and ``unlisted_places`` rest on: the tokens of a text are its segment_runs' tokens."""
    segmenter = _segmenter()
    for hmm in (True, False):
        whole = [t for t in segmenter._jieba.cut(text, hmm) if t]
        runs = [t for a, b in segment_runs(text) for t in segmenter._jieba.cut(text[a:b], hmm) if t]
        assert runs == whole
