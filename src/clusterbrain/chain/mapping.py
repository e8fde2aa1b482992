"""Map firms to the nodes of a chain template, each mapping with a confidence and its reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._text import node_keywords
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["EVIDENCE_CONFIDENCE", "METHODS", "FirmMapping", "map_firms"]

METHODS = ("override", "product", "name", "scope", "code")
"""Kinds of evidence, strongest first; the ``method`` of a mapping is its strongest kind."""

EVIDENCE_CONFIDENCE = {
    "override": 1.0,
    "product": 0.9,
    "name": 0.8,
    "scope": 0.6,
    "code": 0.45,
    "code_prefix": 0.2,
}
"""Confidence of one piece of evidence (a business scope gains 0.05 per extra keyword, at most 0.1)."""

_SCOPE_BONUS, _SCOPE_MAX_EXTRA = 0.05, 2
_CANDIDATE_MIN = 0.2
_KIND = {m: i for i, m in enumerate(METHODS)}
_WHERE = {
    (True, False): "business scope mentions",
    (False, True): "tags mention",
    (True, True): "business scope and tags mention",
}


@dataclass(frozen=True, eq=False)
class FirmMapping:
    """Firms mapped to the nodes of one chain template.

    Attributes
    ----------
    assignments : DataFrame
        One row per mapped firm, in the order of the input: ``firm_id``, ``chain_id``,
        ``node_id``, ``confidence`` (combined, in (0, 1]), ``method`` (the strongest kind of
        evidence: override, product, name, scope or code) and ``reason`` (every piece of
        evidence for the node, strongest first, joined by ``"; "``).
    candidates : DataFrame
        Every firm × node with combined confidence ≥ 0.2 (every node with any evidence):
        ``firm_id``, ``node_id``, ``confidence``, ``method``, ``reasons``; per firm by
        confidence, highest first. Firms excluded by an override keep their candidates.
    unmapped : DataFrame
        Firms whose best node is below ``min_confidence``: ``firm_id``, ``name``,
        ``best_node`` (missing, NaN, when there is no evidence at all) and
        ``best_confidence`` (0 then).
    excluded : DataFrame
        Firms a manual override puts off this chain: ``firm_id``, ``name``.
    chain_id : str
        The template's id.
    node_ids : tuple of str
        The template's nodes, in template order.
    min_confidence : float
        The threshold the mapping was made with.
    """

    assignments: pd.DataFrame
    candidates: pd.DataFrame
    unmapped: pd.DataFrame
    excluded: pd.DataFrame
    chain_id: str
    node_ids: tuple[str, ...]
    min_confidence: float

    def summary(self, *, low_confidence: float = 0.5) -> pd.DataFrame:
        """Mapped firms per node and method.

        Parameters
        ----------
        low_confidence : float, default 0.5
            Mapped firms below this combined confidence are counted in ``low_confidence``.

        Returns
        -------
        DataFrame
            One row per template node, in template order (nodes without firms too):
            ``node_id``, ``firms``, one count per method (``override`` … ``code``) and
            ``low_confidence``.
        """
        check_scalar(low_confidence, "low_confidence", "FirmMapping.summary", low=0, high=1)
        a = self.assignments
        counts = pd.crosstab(a["node_id"], a["method"]).reindex(index=list(self.node_ids), columns=list(METHODS))
        counts = counts.fillna(0).astype(np.int64)
        low = (a["confidence"] < low_confidence).groupby(a["node_id"]).sum().reindex(list(self.node_ids))
        out = pd.DataFrame({"node_id": list(self.node_ids), "firms": counts.sum(axis=1).to_numpy()})
        for method in METHODS:
            out[method] = counts[method].to_numpy()
        out["low_confidence"] = low.fillna(0).astype(np.int64).to_numpy()
        return out


def map_firms(
    firms: pd.DataFrame,
    template: ChainTemplate,
    /,
    *,
    links: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    min_confidence: float = 0.5,
) -> FirmMapping:
    r"""Map each firm to the node of ``template`` that the evidence supports best.

    Each kind of evidence for a firm :math:`f` and node :math:`n` has a confidence
    :math:`c \in (0, 1]` and a reason:

    ========  ====  =================================================================
    override  1.0   a manual assignment (it wins over everything)
    product   0.9   the firm supplies the node as ``product`` on its outgoing links
    name      0.8   a node keyword in the firm's name (generic suffixes removed)
    scope     0.6   node keywords in the business scope or tags, + 0.05 for each
                    further distinct keyword (at most + 0.1)
    code      0.45  the firm's (scheme, industry code) is one of the node's codes;
              0.2   a prefix relation (division ``38`` and class ``3841``, either way)
    ========  ====  =================================================================

    The kinds are combined as independent signals by noisy-or,

    .. math::

        C_{fn} = 1 - \prod_k \left(1 - c_{fnk}\right),

    and the firm's node is the one with the highest :math:`C_{fn}` (ties go to the first node
    in template order; an override always decides). Firms whose best :math:`C_{fn}` is at least
    ``min_confidence`` are mapped, the others listed as unmapped with their best guess.

    Parameters
    ----------
    firms : DataFrame
        Columns ``firm_id`` (unique) and ``name``; optionally ``scheme`` with
        ``industry_code`` (a code column needs its scheme), ``business_scope`` (经营范围)
        and ``tags``.
    template : ChainTemplate
        The chain to map onto.
    links : DataFrame, optional
        Supply links with ``supplier_id``, ``customer_id`` and ``product``: a node's id or its
        Chinese or English name (other products are ignored).
    overrides : DataFrame, optional
        Manual assignments, ``firm_id`` and ``node_id``; an empty or missing ``node_id`` puts
        the firm off this chain (listed in ``excluded``). Overrides of firms not in ``firms``
        are ignored.
    min_confidence : float, default 0.5
        Lowest combined confidence of a mapping, in (0, 1]. The default needs more than an industry
        code (0.45 alone): one code class often spans several nodes and chains.

    Returns
    -------
    FirmMapping
        Assignments, candidates, unmapped and excluded firms; firm ids exactly as given.

    Raises
    ------
    InvalidParameterError
        If a table is not a DataFrame or lacks a column, firm ids repeat, an override names a
        node that is not in the template or gives one firm two nodes, or ``min_confidence`` is
        outside (0, 1].

    Notes
    -----
    Chinese keywords are matched as whole tokens of a jieba segmentation that knows every
    keyword of the template: where ``电池片`` is a keyword, ``电池`` does not fire inside it; a
    longer word of jieba's general dictionary that is no keyword (``锂电池``) matches the
    keywords it contains. English keywords match case-insensitively between word boundaries
    (``cell`` in "cells", not in "cellular"). Generic suffixes (有限公司, 集团, 科技, Co., Ltd.
    …) are removed from names first. See :mod:`clusterbrain.chain._text`. Names and scopes are
    read once per text; codes, links and overrides are joined as tables.

    Examples
    --------
    >>> from clusterbrain.chain import parse_template
    >>> node = {"stage": "midstream", "kind": "component", "value_added": 1, "barrier": 2}
    >>> template = parse_template({"id": "li", "name_zh": "锂电", "name_en": "Li", "nodes": [
    ...     {**node, "id": "cell", "name_zh": "电芯", "name_en": "Cells", "keywords": {"zh": ["电芯"]}},
    ...     {**node, "id": "pack", "name_zh": "电池包", "name_en": "Packs", "keywords": {"en": ["pack"]}}]})
    >>> firms = pd.DataFrame({"firm_id": [1, 2], "name": ["示例电芯有限公司", "Acme Pack Co., Ltd."]})
    >>> result = map_firms(firms, template)
    >>> result.assignments[["firm_id", "node_id", "confidence", "method"]]
       firm_id node_id  confidence method
    0        1    cell         0.8   name
    1        2    pack         0.8   name
    """
    _check_frame(firms, "firms", ("firm_id", "name"))
    if not isinstance(template, ChainTemplate):
        raise InvalidParameterError(
            "The 'template' parameter of map_firms must be a ChainTemplate (see parse_template). "
            f"Got {type(template).__name__} instead."
        )
    check_scalar(min_confidence, "min_confidence", "map_firms", low=0, high=1, closed="right")
    ids = firms["firm_id"].reset_index(drop=True)
    if ids.isna().any() or ids.duplicated().any():
        bad = ids[ids.isna() | ids.duplicated()].head(5).tolist()
        raise InvalidParameterError(
            f"firm_id must be unique and present in 'firms' of map_firms; repeated or missing: {bad}"
        )
    position = pd.Index(ids)
    nodes = [n.id for n in template.nodes]
    forced, excluded = _overrides(overrides, position, template)
    evidence = [
        _override_evidence(forced),
        _product_evidence(links, position, template),
        *_text_evidence(firms, template),
        _code_evidence(firms, template),
    ]
    candidates = _combine(evidence)
    best = _best(candidates, forced)

    names = firms["name"].reset_index(drop=True)
    node_arr = np.array(nodes, dtype=object)
    mapped = best[(best["confidence"] >= min_confidence) | best["forced"]]
    mapped = mapped[~np.isin(mapped["pos"].to_numpy(), excluded)]
    assignments = pd.DataFrame(
        {
            "firm_id": ids.take(mapped["pos"].to_numpy()).reset_index(drop=True),
            "chain_id": template.id,
            "node_id": node_arr[mapped["node"].to_numpy()].astype(str),
            "confidence": mapped["confidence"].to_numpy(),
            "method": np.array(METHODS, dtype=object)[mapped["kind"].to_numpy()].astype(str),
            "reason": mapped["reasons"].to_numpy().astype(str),
        }
    )
    rest = np.setdiff1d(np.arange(len(ids)), np.concatenate([mapped["pos"].to_numpy(), excluded]))
    guess = best.set_index("pos").reindex(rest)
    has_guess = guess["node"].notna().to_numpy()
    unmapped = pd.DataFrame(
        {
            "firm_id": ids.take(rest).reset_index(drop=True),
            "name": names.take(rest).reset_index(drop=True),
            "best_node": pd.Series(
                [node_arr[int(n)] if ok else None for n, ok in zip(guess["node"], has_guess, strict=True)], dtype="str"
            ),
            "best_confidence": guess["confidence"].fillna(0.0).to_numpy(),
        }
    )
    return FirmMapping(
        assignments=assignments,
        candidates=pd.DataFrame(
            {
                "firm_id": ids.take(candidates["pos"].to_numpy()).reset_index(drop=True),
                "node_id": node_arr[candidates["node"].to_numpy()].astype(str),
                "confidence": candidates["confidence"].to_numpy(),
                "method": np.array(METHODS, dtype=object)[candidates["kind"].to_numpy()].astype(str),
                "reasons": candidates["reasons"].to_numpy().astype(str),
            }
        ),
        unmapped=unmapped,
        excluded=pd.DataFrame(
            {"firm_id": ids.take(excluded).reset_index(drop=True), "name": names.take(excluded).reset_index(drop=True)}
        ),
        chain_id=template.id,
        node_ids=tuple(nodes),
        min_confidence=float(min_confidence),
    )


def _check_frame(frame: object, name: str, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(
            f"The '{name}' parameter of map_firms must be a pandas DataFrame. Got {type(frame).__name__} instead."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"The '{name}' parameter of map_firms lacks the column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, map(str, frame.columns)))}."
        )


def _evidence(
    pos: Sequence[int] | pd.Series,
    node: Sequence[int] | pd.Series | np.ndarray,
    kind: str,
    conf: Sequence[float] | np.ndarray | float,
    reason: Sequence[str] | np.ndarray | str,
) -> pd.DataFrame:
    """Evidence rows: firm position, node index, kind (index in METHODS), confidence, reason."""
    frame = pd.DataFrame({"pos": np.asarray(pos, dtype=np.int64), "node": np.asarray(node, dtype=np.int64)})
    frame["kind"] = np.int64(_KIND[kind])
    frame["conf"] = np.broadcast_to(np.asarray(conf, dtype=np.float64), len(frame))
    frame["reason"] = np.broadcast_to(np.asarray(reason, dtype=object), len(frame))
    return frame


def _overrides(
    overrides: pd.DataFrame | None, position: pd.Index, template: ChainTemplate
) -> tuple[pd.DataFrame, np.ndarray]:
    """Forced (pos, node) pairs and the positions of firms put off the chain."""
    none = pd.DataFrame({"pos": np.empty(0, np.int64), "node": np.empty(0, np.int64)})
    if overrides is None:
        return none, np.empty(0, np.int64)
    _check_frame(overrides, "overrides", ("firm_id", "node_id"))
    node = overrides["node_id"].astype(object)
    node = node.where(node.notna(), "").astype(str).str.strip()
    index = {n.id: i for i, n in enumerate(template.nodes)}
    unknown = sorted(set(node[node != ""]) - set(index))
    if unknown:
        raise InvalidParameterError(
            f"overrides name node(s) not in chain template {template.id!r}: {', '.join(map(repr, unknown))}; "
            f"its nodes are {', '.join(index)}."
        )
    pos = position.get_indexer(pd.Index(overrides["firm_id"]))
    table = pd.DataFrame({"pos": pos, "node": node.map(index).fillna(-1).astype(np.int64).to_numpy()})
    table = table[table["pos"] >= 0].drop_duplicates()
    clash = table["pos"][table["pos"].duplicated()]
    if len(clash):
        shown = position.take(clash.unique()[:5]).tolist()
        raise InvalidParameterError(f"overrides give more than one node to firm(s) {shown}; keep one row per firm.")
    return table[table["node"] >= 0], np.sort(table.loc[table["node"] < 0, "pos"].to_numpy())


def _override_evidence(forced: pd.DataFrame) -> pd.DataFrame:
    return _evidence(forced["pos"], forced["node"], "override", EVIDENCE_CONFIDENCE["override"], "manual override")


def _product_evidence(links: pd.DataFrame | None, position: pd.Index, template: ChainTemplate) -> pd.DataFrame:
    if links is None:
        return _evidence([], [], "product", 0.0, "")
    _check_frame(links, "links", ("supplier_id", "customer_id", "product"))
    names: dict[str, int] = {}
    for i, n in reversed(list(enumerate(template.nodes))):  # ids win over names; earlier nodes over later
        names[n.name_en.strip().lower()] = names[n.name_zh.strip().lower()] = i
    for i, n in reversed(list(enumerate(template.nodes))):
        names[n.id.lower()] = i
    product = links["product"].astype(object).where(links["product"].notna(), "").astype(str)
    table = pd.DataFrame(
        {
            "pos": position.get_indexer(pd.Index(links["supplier_id"])),
            "node": product.str.strip().str.lower().map(names).to_numpy(),
            "customer": links["customer_id"].to_numpy(),
        }
    ).dropna(subset=["node"])
    table = table[table["pos"] >= 0]
    customers = table.groupby(["pos", "node"], sort=True)["customer"].nunique().reset_index()
    label = np.array([n.name_zh for n in template.nodes], dtype=object)
    count = customers["customer"].to_numpy()
    node = customers["node"].to_numpy().astype(np.int64)
    reason = [
        f"supplies product {p} to {c} customer{'s' if c != 1 else ''}" for p, c in zip(label[node], count, strict=True)
    ]
    return _evidence(customers["pos"], node, "product", EVIDENCE_CONFIDENCE["product"], reason)


def _text_evidence(firms: pd.DataFrame, template: ChainTemplate) -> list[pd.DataFrame]:
    """Name and scope (with tags) evidence from the keywords of the template's nodes."""
    vocabulary = node_keywords(tuple((*n.keywords_zh, *n.keywords_en) for n in template.nodes))
    if not vocabulary.words:
        return []

    def found(column: str, *, firm_names: bool = False) -> dict[int, dict[int, tuple[str, ...]]]:
        return vocabulary.found(firms[column].tolist(), firm_names=firm_names) if column in firms.columns else {}

    names = [(pos, node, kws) for pos, hit in found("name", firm_names=True).items() for node, kws in hit.items()]
    scope, tags = found("business_scope"), found("tags")
    scoped = []
    for pos in sorted(scope.keys() | tags.keys()):
        in_scope, in_tags = scope.get(pos, {}), tags.get(pos, {})
        for node in sorted(in_scope.keys() | in_tags.keys()):
            kws = sorted(set(in_scope.get(node, ())) | set(in_tags.get(node, ())))
            where = _WHERE[(node in in_scope, node in in_tags)]
            conf = EVIDENCE_CONFIDENCE["scope"] + _SCOPE_BONUS * min(len(kws) - 1, _SCOPE_MAX_EXTRA)
            scoped.append((pos, node, round(conf, 12), f"{where} {', '.join(kws)}"))
    return [
        _evidence(
            [r[0] for r in names],
            [r[1] for r in names],
            "name",
            [EVIDENCE_CONFIDENCE["name"]] * len(names),
            [f"name contains {', '.join(r[2])}" for r in names],
        ),
        _evidence(
            [r[0] for r in scoped], [r[1] for r in scoped], "scope", [r[2] for r in scoped], [r[3] for r in scoped]
        ),
    ]


def _code_evidence(firms: pd.DataFrame, template: ChainTemplate) -> pd.DataFrame:
    """Exact (0.45) and prefix (0.2) relations between firm codes and node codes, as joins."""
    empty = _evidence([], [], "code", 0.0, "")
    if "industry_code" not in firms.columns:
        return empty
    if "scheme" not in firms.columns:
        raise InvalidParameterError(
            "The 'firms' parameter of map_firms has an 'industry_code' column but no 'scheme' column; "
            "give the code scheme of each firm (e.g. 'gbt4754_2017', 'naics2022')."
        )
    node_codes = pd.DataFrame(
        [(i, s, c) for i, n in enumerate(template.nodes) for s, codes in n.codes.items() for c in codes],
        columns=["node", "scheme", "ncode"],
    )
    firm_codes = pd.DataFrame(
        {"pos": np.arange(len(firms)), "scheme": _clean(firms["scheme"]), "code": _clean(firms["industry_code"])}
    )
    firm_codes = firm_codes[(firm_codes["scheme"] != "") & (firm_codes["code"] != "")]
    if not len(node_codes) or not len(firm_codes):
        return empty
    pairs = firm_codes[["scheme", "code"]].drop_duplicates()
    pairs_len, node_len = pairs["code"].str.len(), node_codes["ncode"].str.len()
    found = [pairs.merge(node_codes, left_on=["scheme", "code"], right_on=["scheme", "ncode"]).assign(rel=0)]
    for length in pairs_len.unique():  # the firm's code is a parent of the node's code
        deeper = node_codes[node_len > length].assign(key=lambda t, k=length: t["ncode"].str[:k])
        found.append(
            pairs[pairs_len == length]
            .merge(deeper, left_on=["scheme", "code"], right_on=["scheme", "key"])
            .assign(rel=1)
        )
    for length in node_len.unique():  # the node's code is a parent of the firm's code
        deeper = pairs[pairs_len > length].assign(key=lambda t, k=length: t["code"].str[:k])
        found.append(
            deeper.merge(
                node_codes[node_len == length], left_on=["scheme", "key"], right_on=["scheme", "ncode"]
            ).assign(rel=2)
        )
    rel = pd.concat([f[["scheme", "code", "node", "ncode", "rel"]] for f in found], ignore_index=True)
    # One piece of code evidence per (code, node): the closest relation, then the first node code.
    rel = rel.sort_values(["scheme", "code", "node", "rel"], kind="stable").drop_duplicates(["scheme", "code", "node"])
    conf = np.where(rel["rel"] == 0, EVIDENCE_CONFIDENCE["code"], EVIDENCE_CONFIDENCE["code_prefix"])
    head = "industry code " + rel["code"] + " (" + rel["scheme"] + ")"
    tail = np.select(
        [rel["rel"].to_numpy() == 0, rel["rel"].to_numpy() == 1],
        [" is a code of the node", " contains node code "],
        " lies within node code ",
    )
    rel = rel.assign(conf=conf, reason=head + tail + np.where(rel["rel"] == 0, "", rel["ncode"]))
    table = firm_codes.merge(rel, on=["scheme", "code"])
    return _evidence(table["pos"], table["node"], "code", table["conf"].to_numpy(), table["reason"].to_numpy())


def _clean(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str).str.strip().reset_index(drop=True)


def _combine(evidence: list[pd.DataFrame]) -> pd.DataFrame:
    """Noisy-or per (firm, node), strongest kind and reasons; per firm by confidence, highest first."""
    ev = pd.concat(evidence, ignore_index=True)
    pos, node = ev["pos"].to_numpy(np.int64), ev["node"].to_numpy(np.int64)
    conf, kind = ev["conf"].to_numpy(np.float64), ev["kind"].to_numpy(np.int64)
    order = np.lexsort((kind, -conf, node, pos))  # within a pair: strongest first, then by kind
    pos, node, conf, kind = pos[order], node[order], conf[order], kind[order]
    reason = ev["reason"].to_numpy(object)[order].tolist()
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (pos[1:] != pos[:-1]) | (node[1:] != node[:-1])
    starts = np.flatnonzero(new)
    ends = np.append(starts[1:], len(pos)) if len(pos) else starts
    out = pd.DataFrame(
        {
            "pos": pos[starts],
            "node": node[starts],
            "kind": kind[starts],
            "confidence": np.round(1.0 - np.multiply.reduceat(1.0 - conf, starts), 12) if len(pos) else conf,
            "reasons": [reason[a] if b - a == 1 else "; ".join(reason[a:b]) for a, b in zip(starts, ends, strict=True)],
        }
    )
    out = out[out["confidence"] >= _CANDIDATE_MIN - 1e-12]
    return out.sort_values(["pos", "confidence", "node"], ascending=[True, False, True], kind="stable").reset_index(
        drop=True
    )


def _best(candidates: pd.DataFrame, forced: pd.DataFrame) -> pd.DataFrame:
    """The best candidate of each firm: its override, else the highest confidence (first node on ties)."""
    table = candidates.merge(forced.assign(forced=True), on=["pos", "node"], how="left")
    table["forced"] = table["forced"].fillna(False).astype(bool)
    table = table.sort_values(
        ["pos", "forced", "confidence", "node"], ascending=[True, False, False, True], kind="stable"
    )
    return table.drop_duplicates("pos").reset_index(drop=True)
