"""Keyword matching in firm names and business scopes: jieba tokens for Chinese, word-boundary regexes for English.

A :class:`KeywordMatcher` holds a fixed vocabulary. Chinese keywords (those with a Han
character) are matched against the tokens of a dedicated ``jieba.Tokenizer`` that has every
keyword of the vocabulary in its dictionary, so that where two keywords overlap the text is cut
at the boundary the vocabulary implies (``电池片`` stays one token when it is a keyword, and
keyword ``电池`` then does not fire inside it). A token that is not itself a keyword but a
longer word of jieba's general dictionary (``锂电池``, ``电池组``) matches the keywords it
contains. Latin keywords (English words and phrases, acronyms such as ``PCB``) are matched
case-insensitively between word boundaries, with an optional plural ``s``/``es``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Iterator

import jieba
import numpy as np
import pandas as pd

from clusterbrain.chain._segment import DagSegmenter

__all__ = [
    "KeywordMatcher",
    "NodeKeywords",
    "keyword_matcher",
    "keyword_parts",
    "node_keywords",
    "normalise",
    "strip_company_suffixes",
]

# jieba cuts a text into blocks of these characters and cuts each block on its own
# (jieba.re_han_default); the Han range is jieba's too.
_BLOCK = re.compile(r"[\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")
_HAN = re.compile(r"[\u4e00-\u9fd5]")
_NOT_BLOCK = re.compile(r"[^\u4e00-\u9fd5a-zA-Z0-9+#&._%\-]+")
_LATIN = re.compile(r"[a-z0-9]")
# Runs of Latin text (words joined by spaces or punctuation); English keywords live only there.
_LATIN_RUN = re.compile(r"[a-z0-9](?:[^\u4e00-\u9fd5\u3000-\u303f\uff00-\uffef]*[a-z0-9])?")

_SUFFIXES_ZH = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "株式会社", "集团", "控股",
    "科技", "公司",
)  # fmt: skip
_SUFFIXES_EN = (
    r"co\.?", r"ltd\.?", r"limited", r"inc\.?", r"incorporated", r"corp\.?", r"corporation", r"llc",
    r"gmbh", r"group", r"holdings?", r"technolog(?:y|ies)", r"tech",
)  # fmt: skip
_SUFFIX = re.compile(r"(?:" + "|".join(_SUFFIXES_ZH) + r"|(?<![a-z0-9])(?:" + "|".join(_SUFFIXES_EN) + r"))[\s,.;&]*$")
# Least frequency of a keyword in the tokenizer: about the 99th percentile of jieba's general
# dictionary (total ≈ 6e7). A keyword then wins against general words where both cuts have as
# many tokens (废旧|电池回收|利用, not 废旧电池|回收|利用), but never forces an extra cut, which
# costs a factor total / frequency ≈ 6e4 (供电|路由器 stays, with keyword 电路).
_KEYWORD_FREQ = 1_000
_CACHE_SIZE = 500_000  # blocks and tokens remembered per matcher
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# The last character of any text _SUFFIX or _TRAILING_PAREN can match, or rstrip removes.
_SUFFIX_ENDS = frozenset({s[-1] for s in _SUFFIXES_ZH} | set(" ,.;&-)") | set("abcdefghijklmnopqrstuvwxyz"))
_TRAILING_PAREN = re.compile(r"\([^()]*\)[\s,.]*$")


def normalise(text: str) -> str:
    """Fold full-width forms (ＰＣＢ, （）, ；) and the ideographic space to ASCII, lower-case, and trim.

    The part of NFKC that matters in Chinese text, at less cost.

    >>> normalise(" ＰＣＢ（深圳）\u3000")
    'pcb(深圳)'
    """
    return text.translate(_FULL_WIDTH).lower().strip()


def strip_company_suffixes(name: str) -> str:
    """Remove generic legal-form and business-word suffixes from a normalised firm name.

    Strips, repeatedly from the end, 股份有限公司, 有限公司, 集团, 科技, 株式会社 … and
    Co., Ltd., Inc., Corp., Group, Technology …, and a trailing parenthesised place.

    >>> strip_company_suffixes("示例锦达新能源化学科技有限公司")
    '示例锦达新能源化学'
    >>> strip_company_suffixes("acme battery technology co., ltd.")
    'acme battery'
    >>> strip_company_suffixes("示例樱田锂业(日本)株式会社")
    '示例樱田锂业'
    """
    previous = None
    while previous != name:
        if not name or (name[-1] not in _SUFFIX_ENDS and not name[-1].isspace()):  # nothing can match
            return name
        previous = name
        name = _TRAILING_PAREN.sub("", _SUFFIX.sub("", name)).rstrip(" ,.;&-")
    return name


def keyword_parts(keyword: str) -> tuple[str, ...]:
    """The matchable parts of a keyword, normalised.

    A Chinese keyword holding a character at which jieba always cuts (``模组/PACK``) can never
    be one token; it is split there and each part is matched on its own. Latin keywords stay
    whole (phrases are matched with flexible white space).

    >>> keyword_parts("模组/PACK")
    ('模组', 'pack')
    >>> keyword_parts("Battery  Cell")
    ('battery cell',)
    """
    word = " ".join(normalise(keyword).split())
    if not word:
        return ()
    if not _HAN.search(word):
        return (word,)
    return tuple(p for p in _NOT_BLOCK.split(word) if p)


class KeywordMatcher:
    """Which keywords of a fixed vocabulary occur in a text.

    Parameters
    ----------
    words : tuple of str
        Normalised keywords (see :func:`keyword_parts`), without duplicates.

    Notes
    -----
    The tokenizer is a private ``jieba.Tokenizer`` whose dictionary is a copy of jieba's general
    dictionary with the Chinese keywords added, shortest first, each with the frequency
    ``suggest_freq`` proposes so that it is cut as a whole even against shorter keywords, and
    at least that of a common word, so that it wins where general words compete for the same
    characters with as many tokens (废旧|电池回收|利用 rather than 废旧电池|回收|利用).
    Tokenisation runs without the HMM (new-word discovery), so the cut depends on the
    dictionary alone; it is jieba's cut, computed by :class:`~clusterbrain.chain._segment.DagSegmenter`. Only blocks of text (the runs jieba cuts independently) that contain a
    keyword are cut at all, and their results are cached (up to a bound), which makes the
    repetitive clauses of business scopes cheap.
    """

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        zh = sorted((w for w in words if _HAN.search(w)), key=lambda w: (len(w), w))
        latin = sorted((w for w in words if not _HAN.search(w)), key=lambda w: (-len(w), w))
        index = {w: i for i, w in enumerate(words)}
        self._zh_index = {w: index[w] for w in zh}
        # Longest first, so that inside a dictionary word the longer keyword wins at a position.
        self._zh_inside = re.compile("|".join(re.escape(w) for w in reversed(zh))) if zh else None
        self._tokenizer = _tokenizer(tuple(zh)) if zh else None
        self._segmenter = DagSegmenter(self._tokenizer) if self._tokenizer is not None else None
        self._latin_ids = [index[w] for w in latin]
        self._latin = (
            re.compile(
                r"(?<![a-z0-9])(?:" + "|".join(f"({_latin_pattern(w)})" for w in latin) + r")(?:e?s)?(?![a-z0-9])"
            )
            if latin
            else None
        )
        self._blocks: dict[str, frozenset[int]] = {}
        self._tokens: dict[str, frozenset[int]] = {}

    def find(self, text: str) -> set[int]:
        """Positions in ``words`` of the keywords found in ``text`` (already :func:`normalise`-d)."""
        found: set[int] = set()
        if self._tokenizer is not None and _HAN.search(text):
            for block in _BLOCK.findall(text):
                hits = self._blocks.get(block)
                if hits is None:
                    if len(self._blocks) >= _CACHE_SIZE:
                        self._blocks.clear()
                    hits = self._blocks[block] = self._cut(block)
                found |= hits
        if self._latin is not None and _LATIN.search(text):
            # Scanning only the Latin runs (a few characters in a Chinese text) keeps the large
            # alternation from being tried at every position of the text; " | " keeps the boundaries.
            latin = " | ".join(_LATIN_RUN.findall(text))
            found.update(self._latin_ids[m.lastindex - 1] for m in self._latin.finditer(latin) if m.lastindex)
        return found

    def _cut(self, block: str) -> frozenset[int]:
        # Only a block holding a keyword can yield one, as a token or inside a token: the
        # regex scan is far cheaper than jieba's cut, and most clauses of a scope hold none.
        if self._zh_inside is None or not self._zh_inside.search(block):
            return frozenset()
        assert self._segmenter is not None  # noqa: S101 - checked by the caller
        hits: set[int] = set()
        for token in self._segmenter.cut(block):
            found = self._tokens.get(token)
            if found is None:
                if len(self._tokens) >= _CACHE_SIZE:
                    self._tokens.clear()
                found = self._tokens[token] = self._token(token)
            hits |= found
        return frozenset(hits)

    def _token(self, token: str) -> frozenset[int]:
        if token in self._zh_index:
            return frozenset((self._zh_index[token],))
        if len(token) < 2 or self._zh_inside is None:
            return frozenset()
        return frozenset(self._zh_index[m.group()] for m in self._zh_inside.finditer(token))


def _latin_pattern(word: str) -> str:
    return r"\s+".join(re.escape(p) for p in word.split(" "))


@functools.lru_cache(maxsize=8)
def keyword_matcher(words: tuple[str, ...]) -> KeywordMatcher:
    """The (cached) matcher of a vocabulary; a template's vocabulary identifies its tokenizer."""
    return KeywordMatcher(words)


@functools.cache
def _general_dictionary() -> tuple[dict[str, int], int]:
    """The general dictionary of jieba, loaded once (jieba keeps its own cache file in the temp dir)."""
    tokenizer = jieba.Tokenizer()
    with _quiet_jieba():
        tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total


def _tokenizer(words: tuple[str, ...]) -> jieba.Tokenizer:
    freq, total = _general_dictionary()
    tokenizer = jieba.Tokenizer()
    # A private copy of the loaded dictionary: cheaper than loading it again, and add_word
    # must not leak one template's vocabulary into another's tokens.
    tokenizer.FREQ = dict(freq)
    tokenizer.total = total
    tokenizer.initialized = True
    for word in words:  # shortest first: see KeywordMatcher
        tokenizer.add_word(word, freq=max(tokenizer.suggest_freq(word, False), _KEYWORD_FREQ))
    return tokenizer


@contextlib.contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Silence jieba's loading messages (it logs them to stderr at DEBUG level)."""
    level = jieba.default_logger.level
    jieba.default_logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        jieba.default_logger.setLevel(level)


class NodeKeywords:
    """The keywords of a chain's nodes and the matcher of their vocabulary.

    Parameters
    ----------
    keywords : tuple of tuple of str
        The keywords (zh and en) of each node, in node order.
    """

    def __init__(self, keywords: tuple[tuple[str, ...], ...]) -> None:
        pairs = sorted({(part, node) for node, kws in enumerate(keywords) for kw in kws for part in keyword_parts(kw)})
        self.words = tuple(sorted({w for w, _ in pairs}))
        self.matcher = keyword_matcher(self.words)
        index = {w: i for i, w in enumerate(self.words)}
        self._nodes_of: dict[int, list[int]] = {}
        for w, node in pairs:
            self._nodes_of.setdefault(index[w], []).append(node)
        self._by_node: dict[frozenset[int], tuple[tuple[int, tuple[str, ...], str], ...]] = {}

    def table(self, values: pd.Series, *, firm_names: bool = False) -> pd.DataFrame:
        """Which nodes' keywords each value holds: one row per (position in ``values``, node) with a hit.

        Each distinct text is normalised and read once, then the hits are joined back to the
        positions. Missing and blank values are skipped; with ``firm_names`` generic company
        suffixes are removed first (:func:`strip_company_suffixes`).

        Returns
        -------
        DataFrame
            ``pos`` (int64), ``node`` (int64), ``words`` (the node's keywords found, a tuple in
            vocabulary order) and ``keywords`` (the same joined by ``", "``), by ``pos`` then ``node``.
        """
        # Factorised in place (Arrow strings stay Arrow): only the distinct texts become Python strings.
        codes, uniques = pd.factorize(pd.Series(values).reset_index(drop=True), use_na_sentinel=True)
        rows: list[tuple[int, int, tuple[str, ...], str]] = []
        for code, value in enumerate(uniques.tolist()):
            if not isinstance(value, str) or not value.strip():
                continue
            text = normalise(value)
            hits = frozenset(self.matcher.find(strip_company_suffixes(text) if firm_names else text))
            if hits:
                rows.extend((code, *hit) for hit in (self._by_node.get(hits) or self._group(hits)))
        found = pd.DataFrame(rows, columns=["code", "node", "words", "keywords"]).astype({"keywords": object})
        positions = pd.DataFrame({"pos": np.arange(len(codes), dtype=np.int64), "code": codes})
        table = positions.merge(found, on="code").drop(columns="code")
        table = table.astype({"node": np.int64})
        return table.sort_values(["pos", "node"], kind="stable").reset_index(drop=True)

    def _group(self, hits: frozenset[int]) -> tuple[tuple[int, tuple[str, ...], str], ...]:
        # Texts (scope clauses above all) repeat: group the hits by node once per hit set.
        group: dict[int, list[str]] = {}
        for w in sorted(hits):
            for node in self._nodes_of[w]:
                group.setdefault(node, []).append(self.words[w])
        self._by_node[hits] = tuple((node, tuple(ws), ", ".join(ws)) for node, ws in sorted(group.items()))
        return self._by_node[hits]


@functools.lru_cache(maxsize=8)
def node_keywords(keywords: tuple[tuple[str, ...], ...]) -> NodeKeywords:
    """The (cached) :class:`NodeKeywords` of a chain; its vocabulary identifies its tokenizer."""
    return NodeKeywords(keywords)
