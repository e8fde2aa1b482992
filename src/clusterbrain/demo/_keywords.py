"""Which template keywords the demo builds firm names and business scopes from.

A synthetic firm should be mappable to its node by its text alone, as a well-described real
firm is. So a node's words are its Chinese keywords minus those that overlap a keyword of
another node in either template (one contains the other: 锂电池 and 锂电池隔膜, 芯片设计 and
芯片设计软件), which a keyword matcher could read either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from clusterbrain.chain import ChainTemplate

__all__ = ["usable_keywords"]

_HAN = re.compile(r"[\u4e00-\u9fff]")


def _inside(short: str, long: str) -> bool:
    """Whether keyword ``short`` can match inside ``long``: as a substring, Latin words only between word boundaries."""
    if short not in long:
        return False
    if _HAN.search(short):
        return True
    return re.search(rf"(?<![a-z0-9]){re.escape(short)}(?![a-z0-9])", long) is not None


def usable_keywords(
    templates: tuple[ChainTemplate, ...], home: Mapping[str, str]
) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Per node id: the words for firm names and those for business scopes.

    Parameters
    ----------
    templates : tuple of ChainTemplate
        The demo's templates.
    home : mapping of str to str
        Node id -> the chain whose keywords describe the node's firms.

    Returns
    -------
    dict
        ``node_id -> (name_words, scope_words)``: the node's Chinese keywords in the home
        template that overlap no keyword of another node (names leave out those with spaces);
        the node's Chinese name without its parenthesis when none is left.
    """
    others: list[tuple[str, str]] = [
        (n.id, k.strip().lower()) for t in templates for n in t.nodes for k in (*n.keywords_zh, *n.keywords_en)
    ]
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for t in templates:
        for n in t.nodes:
            if home[n.id] != t.id:
                continue
            kept = []
            for word in n.keywords_zh:
                w = word.strip().lower()
                clash = any(m != n.id and (_inside(o, w) or _inside(w, o)) for m, o in others)
                if w and not clash:
                    kept.append(word.strip())
            if not kept:
                kept = [re.split(r"[（(]", n.name_zh)[0].strip()]
            names = [w for w in kept if " " not in w] or kept
            out[n.id] = (tuple(names), tuple(kept))
    return out
