"""Map firms to the nodes of a chain template, each mapping with a confidence and its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._evidence import (
    EVIDENCE_CONFIDENCE,
    METHODS,
    best,
    check_frame,
    code_evidence,
    combine,
    curated_matches,
    evidence,
    label_evidence,
    overrides_of,
    product_evidence,
    text_evidence,
)
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["EVIDENCE_CONFIDENCE", "LOW_CONFIDENCE", "METHODS", "FirmMapping", "map_firms"]

LOW_CONFIDENCE = 0.7
"""Mapped firms below this confidence count as low-confidence mappings in :meth:`FirmMapping.coverage`:
with the published confidences, those that rest on an industry label and a name fragment, or on
a business scope or industry code alone."""


@dataclass(frozen=True, eq=False)
class FirmMapping:
    """Firms mapped to the nodes of one chain template.

    Attributes
    ----------
    assignments : DataFrame
        One row per mapped firm, in the order of the input: ``firm_id``, ``chain_id``,
        ``node_id``, ``confidence`` (combined, in (0, 1]), ``method`` (the strongest kind of
        evidence, one of :data:`METHODS`) and ``reason`` (every piece of evidence for the
        node, strongest first, joined by ``"; "``).
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

    def coverage(self, *, low_confidence: float = LOW_CONFIDENCE) -> dict[str, Any]:
        """How many firms were mapped, how many of them with low confidence, and how many were left unmapped.

        Parameters
        ----------
        low_confidence : float, default 0.7
            Mapped firms whose combined confidence is below this are counted in ``low_confidence``.

        Returns
        -------
        dict
            ``chain_id``, ``firms`` (every firm given), ``mapped``, ``low_confidence`` (mapped
            below the threshold), ``unmapped`` (best node below ``min_confidence``), of which
            ``unmapped_with_guess`` have some evidence, ``excluded``, the shares
            ``low_confidence_share`` (of the mapped firms), ``mapped_share`` and
            ``unmapped_share`` (of the firms not excluded; ``None`` when there are none),
            ``by_method`` (mapped firms per method), and both thresholds.

        Examples
        --------
        >>> from clusterbrain.chain import parse_template
        >>> node = {"stage": "midstream", "kind": "component", "value_added": 1, "barrier": 2}
        >>> template = parse_template({"id": "li", "name_zh": "锂电", "name_en": "Li", "nodes": [
        ...     {**node, "id": "cell", "name_zh": "电芯", "name_en": "Cells", "keywords": {"zh": ["电芯"]}}]})
        >>> firms = pd.DataFrame({"firm_id": [1, 2, 3], "name": ["甲电芯", "乙", "丙"],
        ...                       "business_scope": [None, "电芯的销售", None]})
        >>> c = map_firms(firms, template).coverage()
        >>> c["mapped"], c["low_confidence"], c["unmapped"], c["low_confidence_share"]
        (2, 1, 1, 0.5)
        """
        check_scalar(low_confidence, "low_confidence", "FirmMapping.coverage", low=0, high=1)
        a, u = self.assignments, self.unmapped
        mapped, unmapped = len(a), len(u)
        low = int((a["confidence"].to_numpy() < low_confidence).sum())
        active = mapped + unmapped
        methods = a["method"].value_counts()
        return {
            "chain_id": self.chain_id,
            "firms": active + len(self.excluded),
            "mapped": mapped,
            "low_confidence": low,
            "unmapped": unmapped,
            "unmapped_with_guess": int((u["best_confidence"].to_numpy() > 0).sum()),
            "excluded": len(self.excluded),
            "low_confidence_share": low / mapped if mapped else None,
            "mapped_share": mapped / active if active else None,
            "unmapped_share": unmapped / active if active else None,
            "by_method": {m: int(methods.get(m, 0)) for m in METHODS},
            "min_confidence": self.min_confidence,
            "low_confidence_threshold": float(low_confidence),
        }


def map_firms(
    firms: pd.DataFrame,
    template: ChainTemplate,
    /,
    *,
    links: pd.DataFrame | None = None,
    overrides: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
    curated: pd.DataFrame | None = None,
    min_confidence: float = 0.5,
) -> FirmMapping:
    r"""Map each firm to the node of ``template`` that the evidence supports best.

    Each kind of evidence for a firm :math:`f` and node :math:`n` has a confidence
    :math:`c \in (0, 1]` and a reason:

    ========  =====  ================================================================
    override  1.0    a manual assignment (it wins over everything)
    curated   0.95   a curated entry names the firm (it wins over all but an override)
    product   0.9    the firm supplies the node as ``product`` on its outgoing links
    name      0.8    a node keyword in the firm's name (generic suffixes removed)
    scope     0.6    node keywords in the business scope or tags, + 0.05 for each
                     further distinct keyword (at most + 0.1)
    hint      0.5    a name fragment that the firm's industry label makes telling
                     (锂能 under 电气设备), from the ``hints`` of a ``labels`` row
    code      0.45   the firm's (scheme, industry code) is one of the node's codes;
              0.2    a prefix relation (division ``38`` and class ``3841``, either way)
    label     prior  the firm's industry label lists the node (the row's ``prior``)
    ========  =====  ================================================================

    The kinds are combined as independent signals by noisy-or,

    .. math::

        C_{fn} = 1 - \prod_k \left(1 - c_{fnk}\right),

    and the firm's node is the one with the highest :math:`C_{fn}` (ties go to the first node
    in template order; an override, then a curated entry, always decides). Firms whose best :math:`C_{fn}` is at least
    ``min_confidence`` are mapped, the others listed as unmapped with their best guess.

    Parameters
    ----------
    firms : DataFrame
        Columns ``firm_id`` (unique) and ``name``; optionally ``scheme`` with
        ``industry_code`` (a code column needs its scheme), ``business_scope`` (经营范围),
        ``tags`` and ``industry_label`` (a coarse label such as Tushare's 电气设备, read with
        ``labels``).
    template : ChainTemplate
        The chain to map onto.
    links : DataFrame, optional
        Supply links with ``supplier_id``, ``customer_id`` and ``product``: a node's id or its
        Chinese or English name (other products are ignored).
    overrides : DataFrame, optional
        Manual assignments, ``firm_id`` and ``node_id``; an empty or missing ``node_id`` puts
        the firm off this chain (listed in ``excluded``). Overrides of firms not in ``firms``
        are ignored.
    labels : DataFrame, optional
        A crosswalk of industry labels to candidate nodes: ``label``, ``chain_id``, ``node_id``,
        ``prior`` (in (0, 1)) and optionally ``hints`` (name fragments separated by ``|``).
        Rows of other chains are ignored. A firm whose ``industry_label`` is a row's label gets
        the row's prior for the node, and a ``hint`` when its name holds one of the row's fragments.
    curated : DataFrame, optional
        Known firms: ``name`` (short or full names, aliases separated by ``|``, matched whole
        after generic suffixes are removed), ``chain_id``, ``node_id`` and ``reason``. Rows
        of other chains are ignored.
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
        If a table is not a DataFrame or lacks a column, firm ids repeat, an override, label or
        curated row names a node that is not in the template, an override gives one firm two
        nodes, a prior is outside (0, 1), or ``min_confidence`` is outside (0, 1].

    Notes
    -----
    Chinese keywords are matched as whole tokens of a jieba segmentation that knows every
    keyword of the template: where ``电池片`` is a keyword, ``电池`` does not fire inside it; a
    longer word of jieba's general dictionary that is no keyword (``锂电池``) matches the
    keywords it contains. English keywords match case-insensitively between word boundaries
    (``cell`` in "cells", not in "cellular"). Generic suffixes (有限公司, 集团, 科技, Co., Ltd.
    …) are removed from names first. See :mod:`clusterbrain.chain._text`. Each distinct name
    and scope is read once; codes, links, labels and overrides are joined as tables.

    Short names of listed companies (宁德时代) rarely name a product: for them the industry
    label is the weak prior and its hints refine it, and a curated entry settles the
    well-known firms whose names say nothing; :meth:`FirmMapping.coverage` counts how many
    firms rest on which kind of evidence.

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
    check_frame(firms, "firms", ("firm_id", "name"))
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
    forced, excluded = overrides_of(overrides, position, template)
    known = curated_matches(curated, firms["name"], template)
    known = known[~known["pos"].isin(forced["pos"])]
    rows = [
        evidence(forced["pos"], forced["node"], "override", EVIDENCE_CONFIDENCE["override"], "manual override"),
        evidence(known["pos"], known["node"], "curated", EVIDENCE_CONFIDENCE["curated"], known["reason"]),
        product_evidence(links, position, template),
        *text_evidence(firms, template),
        *label_evidence(firms, labels, template),
        code_evidence(firms, template),
    ]
    candidates = combine(rows)
    ranks = pd.concat([forced.assign(rank=2), known[["pos", "node"]].assign(rank=1)], ignore_index=True)
    chosen = best(candidates, ranks)
    return _result(firms, ids, template, candidates, chosen, excluded, float(min_confidence))


def _result(
    firms: pd.DataFrame,
    ids: pd.Series,
    template: ChainTemplate,
    candidates: pd.DataFrame,
    chosen: pd.DataFrame,
    excluded: np.ndarray,
    min_confidence: float,
) -> FirmMapping:
    """The tables of a :class:`FirmMapping` from the candidates and each firm's best node."""
    names = firms["name"].reset_index(drop=True)
    node_arr = np.array([n.id for n in template.nodes], dtype=object)
    method_arr = np.array(METHODS, dtype=object)
    mapped = chosen[(chosen["confidence"].to_numpy() >= min_confidence) | chosen["forced"].to_numpy()]
    mapped = mapped[~np.isin(mapped["pos"].to_numpy(), excluded)]
    assignments = pd.DataFrame(
        {
            "firm_id": ids.take(mapped["pos"].to_numpy()).reset_index(drop=True),
            "chain_id": template.id,
            "node_id": node_arr[mapped["node"].to_numpy()],
            "confidence": mapped["confidence"].to_numpy(),
            "method": method_arr[mapped["kind"].to_numpy()],
            "reason": mapped["reasons"].to_numpy(object),
        }
    )
    rest = np.setdiff1d(np.arange(len(ids)), np.concatenate([mapped["pos"].to_numpy(), excluded]))
    guess = chosen.set_index("pos").reindex(rest)
    has_guess = guess["node"].notna().to_numpy()
    best_node = np.full(len(rest), None, dtype=object)
    best_node[has_guess] = node_arr[guess["node"].to_numpy()[has_guess].astype(np.int64)]
    unmapped = pd.DataFrame(
        {
            "firm_id": ids.take(rest).reset_index(drop=True),
            "name": names.take(rest).reset_index(drop=True),
            "best_node": pd.Series(best_node, dtype="str"),
            "best_confidence": guess["confidence"].fillna(0.0).to_numpy(),
        }
    )
    return FirmMapping(
        assignments=assignments,
        candidates=pd.DataFrame(
            {
                "firm_id": ids.take(candidates["pos"].to_numpy()).reset_index(drop=True),
                "node_id": node_arr[candidates["node"].to_numpy()],
                "confidence": candidates["confidence"].to_numpy(),
                "method": method_arr[candidates["kind"].to_numpy()],
                "reasons": candidates["reasons"].to_numpy(object),
            }
        ),
        unmapped=unmapped,
        excluded=pd.DataFrame(
            {"firm_id": ids.take(excluded).reset_index(drop=True), "name": names.take(excluded).reset_index(drop=True)}
        ),
        chain_id=template.id,
        node_ids=tuple(node_arr.tolist()),
        min_confidence=min_confidence,
    )
