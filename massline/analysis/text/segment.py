"""Text normalisation, sentence splitting and word segmentation.

Everything here works on plain ``str``.  Normalisation is for *analysis* only:
the platform always stores and shows the citizen's original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from massline.analysis.text.clean import clean_text, nfkc

__all__ = ["STOPWORDS", "Segmenter", "segment_runs", "normalize", "split_sentences"]

_SPACE = re.compile(r"[ \t\u3000\u00a0]+")
_NEWLINES = re.compile(r" *\n[\s]*")
# Literal "_x000D_" is how Excel exports a carriage return; the scrape has it.
_EXCEL_CR = re.compile(r"_x000[dD]_")


def normalize(text: str) -> str:
    """Return ``text`` in NFKC form with whitespace tidied.

    * NFKC turns full-width ASCII letters, digits and punctuation
      (``ＡＢＣ１２３！，（）``) into half-width (``ABC123!,()``), and circled or
      compatibility forms (``①``, ``㎡``) into plain ones.  Chinese characters and
      the ideographic full stop/comma ``。、`` and quotes ``“”`` are unchanged, so
      character offsets of Chinese text stay meaningful.
    * Control, surrogate and invisible characters (``clean.clean_text``) and
      Excel's ``_x000D_`` are removed, runs of
      spaces/tabs collapse to one space, each line break is kept once, and the
      scrape's leading/trailing tabs and newlines are stripped.
    """
    text = nfkc(clean_text(text))
    text = _EXCEL_CR.sub("\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACE.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()


# Characters the segmenter always makes a token of their own and never joins to a neighbour: jieba (and
# rjieba) cuts a text into blocks of Chinese characters, letters, digits and ``+#&._%-``, segments each
# block alone, and makes every other character but a line break after ``\r`` a token by itself.
_OWN_TOKEN = re.compile(r"[，。、！？；：“”‘’（）《》【】…—,!?;:()\[\]{}<>\"'~·]")


def segment_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of the runs of ``text[start:end]`` between the punctuation the segmenter makes a token
    of its own (every run not empty, each mark a run of its own), in order; they cover the span.

    The segmenter's tokens of the span are those of each run segmented alone, one after the other
    (``tests/analysis/text/test_segment.py``): a caller that needs the words of a few places only can
    segment the runs around them.
    """
    end = len(text) if end is None else end
    out, at = [], start
    for match in _OWN_TOKEN.finditer(text, start, end):
        if match.start() > at:
            out.append((at, match.start()))
        out.append((match.start(), match.end()))
        at = match.end()
    if end > at:
        out.append((at, end))
    return out


# A sentence ends after 。！？!?；; or a line break; closing quotes and brackets
# that follow the terminator stay with the sentence.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”’」』)）]*)?|[。！？!?；;]+")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (terminators kept, empty pieces dropped).

    >>> split_sentences("小区停水了！什么时候恢复？\\n请尽快处理。")
    ['小区停水了！', '什么时候恢复？', '请尽快处理。']
    """
    out = []
    for match in _SENTENCE.finditer(text):
        piece = match.group().strip()
        if piece:
            out.append(piece)
    return out


# Function words, pronouns, politeness formulas and board boilerplate that
# carry no topic.  Kept short on purpose: topic words such as 问题/情况 are
# stop-words here, but 投诉/举报/安全 are not.
STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 是 在 和 与 及 或 也 就 都 而 但 并 又 还 被 把 将 让 给 对 向 从 到 于 以
    为 因 由 这 那 这个 那个 这些 那些 这样 那样 这里 那里 这种 那种 此 其 之 所 等
    等等 着 过 吧 呢 吗 啊 呀 哦 嘛 么 我 我们 你 你们 您 他 他们 她 她们 它 它们 自己
    大家 人家 本人 咱们 一个 一些 一下 一直 一样 有 没 没有 不 很 太 非常 比较 已经
    正在 可以 可能 能 会 要 想 应该 如果 因为 所以 但是 而且 并且 然后 还是 或者 以及
    虽然 即使 只是 只有 只要 关于 对于 由于 什么 怎么 怎样 为什么 如何 哪里 多少 几
    现在 目前 当时 今年 去年 每天 时候 之后 之前 以后 以来 期间 其中 其他 其它 另外
    同时 还有 就是 不是 这是 那是 一 二 三 上 下 中 内 外 里 问题 情况 事情 方面 相关
    有关 进行 表示 通过 根据 按照 情况下 尊敬 领导 您好 你好 谢谢 感谢您 请问 麻烦
    希望 恳请 望 请 市长 书记
    """.split()
)

_PUNCT_OR_SPACE = re.compile(r"^[\W_]+$")


class Segmenter:
    """Chinese word segmentation with a deployment-specific user dictionary.

    Wraps one ``rjieba.Jieba`` instance per Segmenter.  rjieba's dictionary is
    *per instance* (``add_word`` on one instance does not affect another; checked
    with rjieba 0.2.2), so two Segmenters with different user words do not
    interfere.  Building an instance loads the default dictionary (~0.1 s), so
    create one Segmenter per process and reuse it.

    ``user_words`` are the deployment's region names and aliases and taxonomy
    terms; they are added with a high frequency so they are kept whole
    (``长房半岛蓝湾`` instead of ``长房 半岛 蓝湾``).
    """

    USER_WORD_FREQ = 100_000

    def __init__(self, user_words: Iterable[str] = (), stopwords: Iterable[str] | None = None) -> None:
        self.user_words = tuple(dict.fromkeys(w.strip() for w in user_words if w and w.strip()))
        self.stopwords = frozenset(stopwords) if stopwords is not None else STOPWORDS
        import rjieba  # the dictionary loads with the first Segmenter, not with normalize() and the sentences

        self._jieba = rjieba.Jieba()
        for word in self.user_words:
            self._jieba.add_word(word, self.USER_WORD_FREQ, None)

    def cut(self, text: str, *, normalized: bool = False) -> list[str]:
        """Segment normalised ``text``; every character is in exactly one token.

        ``normalized``: ``text`` is already normalised (:func:`normalize`), or differs from its normal
        form only in punctuation (such as the full-width comma put in place of a name): not again.
        """
        return [tok for tok in self._jieba.cut(text if normalized else normalize(text), True) if tok]

    def words(self, text: str, *, normalized: bool = False) -> list[str]:
        """Content words of ``text``: tokens minus stop-words and punctuation (``normalized``: see :meth:`cut`;
        punctuation is no word either way)."""
        return [
            tok
            for tok in self.cut(text, normalized=normalized)
            if tok.strip() and tok not in self.stopwords and not _PUNCT_OR_SPACE.match(tok)
        ]

    def cut_for_search(self, text: str) -> list[str]:
        """Search-engine mode segmentation (long words also yield their sub-words)."""
        return [tok for tok in self._jieba.cut_for_search(normalize(text), True) if tok]
