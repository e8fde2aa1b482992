r"""jieba's dictionary segmentation of one block of text, with the log-probabilities worked out once.

:class:`DagSegmenter` gives the tokens that ``jieba.Tokenizer.cut(block, HMM=False)`` gives
for a block of jieba's block characters (Han, ASCII letters and digits, ``+#&._%-``), with the
same arithmetic, so the same cut: the tokenizer scores each path through the word graph (DAG)
of the block by the sum of its words' log-probabilities and keeps the best path, computed right
to left (Viterbi-style dynamic programming; Sun Junyi, *jieba*, 2012–2020,
https://github.com/fxsjy/jieba).

.. math::

    R(i) = \max_{j \in \mathrm{DAG}(i)} \left(\log f(s_{i..j}) - \log F + R(j + 1)\right),
    \qquad R(n) = 0,

with :math:`f` the frequency of a word (1 for a single character the dictionary lacks) and
:math:`F` the dictionary's total; ties go to the longer word, as in jieba. jieba recomputes
each logarithm and builds the DAG as a dictionary per block; here the log-probabilities are
one table made once per tokenizer, and the DAG is walked in the same pass, which makes a cut
about twice as fast.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import jieba

__all__ = ["DagSegmenter"]

_MISSING = float("nan")  # a sentinel no log-probability is (compared by identity)
_ASCII = re.compile(r"[a-zA-Z0-9]")  # jieba.re_eng: single ASCII characters are joined into one token


class DagSegmenter:
    """The no-HMM cut of a loaded ``jieba.Tokenizer``, block by block.

    Parameters
    ----------
    tokenizer : jieba.Tokenizer
        An initialised tokenizer; words added to it later are not seen.

    Examples
    --------
    >>> tokenizer = jieba.Tokenizer()
    >>> tokenizer.FREQ, tokenizer.total, tokenizer.initialized = {"电": 5, "电池": 9, "池": 1}, 15, True
    >>> DagSegmenter(tokenizer).cut("电池电abc")
    ['电池', '电', 'abc']
    >>> list(tokenizer.cut("电池电abc", HMM=False))
    ['电池', '电', 'abc']
    """

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        log_total = math.log(tokenizer.total)
        # Every word and every prefix of a word is a key of FREQ (prefixes with frequency 0):
        # one table, a word's log-probability or None for a mere prefix, serves both lookups.
        self._log_p: dict[str, float | None] = {
            w: (math.log(f) - log_total if f else None) for w, f in tokenizer.FREQ.items()
        }
        self._unknown = math.log(1) - log_total

    def cut(self, block: str) -> list[str]:
        """The tokens of one block, in order."""
        n = len(block)
        score = [0.0] * (n + 1)
        end = list(range(n + 1))
        log_p, unknown, missing = self._log_p, self._unknown, _MISSING
        for k in range(n - 1, -1, -1):
            best, last = unknown + score[k + 1], k
            found = False
            i, frag = k, block[k]
            while i < n:
                p = log_p.get(frag, missing)
                if p is missing:
                    break
                if p is not None:
                    s = p + score[i + 1]
                    if not found or s >= best:  # later (longer) words win ties, as max over (score, j)
                        best, last, found = s, i, True
                i += 1
                frag = block[k : i + 1]
            score[k], end[k] = best, last
        return list(_tokens(block, end))


def _tokens(block: str, end: list[int]) -> Iterator[str]:
    """Walk the best path; runs of single ASCII characters become one token (jieba's ``buf``)."""
    x, n, buf = 0, len(block), ""
    while x < n:
        y = end[x] + 1
        word = block[x:y]
        if len(word) == 1 and _ASCII.match(word):
            buf += word
        else:
            if buf:
                yield buf
                buf = ""
            yield word
        x = y
    if buf:
        yield buf
