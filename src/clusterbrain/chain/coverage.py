"""How well a set of firms was mapped onto several chains: the mapped, low-confidence and unmapped shares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_scalar
from clusterbrain.chain._inputs import records
from clusterbrain.chain.mapping import LOW_CONFIDENCE, METHODS, FirmMapping
from clusterbrain.exceptions import InvalidParameterError

__all__ = ["MappingCoverage", "mapping_coverage"]


@dataclass(frozen=True, eq=False)
class MappingCoverage:
    """The coverage of one firm set mapped onto several chains.

    Attributes
    ----------
    per_chain : DataFrame
        One row per chain (:meth:`FirmMapping.coverage`, ``by_method`` spread into one
        ``method_<kind>`` column per kind).
    overall : dict
        Across the chains, each firm counted once by its best assignment on any chain:
        ``firms``, ``mapped`` (on at least one chain), ``low_confidence`` (whose best
        assignment is below the threshold), ``unmapped`` (on no chain), of which
        ``unmapped_with_guess`` have some evidence, the shares ``low_confidence_share`` (of
        the mapped) and ``mapped_share``/``unmapped_share`` (of all), ``by_method`` (the
        method of each mapped firm's best assignment) and ``low_confidence_threshold``.
    """

    per_chain: pd.DataFrame
    overall: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data."""
        return {"per_chain": records(self.per_chain), "overall": dict(self.overall)}


def mapping_coverage(mappings: Sequence[FirmMapping], /, *, low_confidence: float = LOW_CONFIDENCE) -> MappingCoverage:
    r"""Count mapped, low-confidence and unmapped firms per chain and over all chains.

    A mapped firm is of low confidence when its combined confidence :math:`C_{fn}` (see
    :func:`~clusterbrain.chain.map_firms`) is below ``low_confidence``; over all chains a
    firm counts by its best assignment, :math:`\max_{c} C_{f n_c}`. Shares:

    .. math::

        s_\text{low} = \frac{\#\{f \text{ mapped}: C_f < t\}}{\#\{f \text{ mapped}\}}, \qquad
        s_\text{unmapped} = \frac{\#\{f \text{ unmapped}\}}{\#\{f\}}.

    Reporting the share of weak assignments beside the assignments follows the practice of
    record linkage, where matches below a clerical-review threshold are counted and set
    aside for review (Fellegi & Sunter, 1969, *JASA* 64(328), 1183–1210).

    Parameters
    ----------
    mappings : sequence of FirmMapping
        Mappings of the same firms (by ``firm_id``) onto distinct chains.
    low_confidence : float, default 0.7
        The threshold :math:`t`.

    Returns
    -------
    MappingCoverage

    Raises
    ------
    InvalidParameterError
        If ``mappings`` is empty, holds something else, or maps one chain twice.

    Examples
    --------
    >>> from clusterbrain.chain import map_firms, parse_template
    >>> node = {"stage": "midstream", "kind": "component", "value_added": 1, "barrier": 2}
    >>> def chain(cid, word):
    ...     return parse_template({"id": cid, "name_zh": cid, "name_en": cid, "nodes": [
    ...         {**node, "id": "n", "name_zh": word, "name_en": "n", "keywords": {"zh": [word]}}]})
    >>> firms = pd.DataFrame({"firm_id": [1, 2, 3], "name": ["甲电芯", "乙", "丙"],
    ...                       "business_scope": [None, "隔膜的生产", None]})
    >>> both = mapping_coverage([map_firms(firms, chain("a", "电芯")), map_firms(firms, chain("b", "隔膜"))])
    >>> both.overall["mapped"], both.overall["low_confidence"], both.overall["unmapped"]
    (2, 1, 1)
    """
    check_scalar(low_confidence, "low_confidence", "mapping_coverage", low=0, high=1)
    if not len(mappings) or not all(isinstance(m, FirmMapping) for m in mappings):
        raise InvalidParameterError(
            "The 'mappings' parameter of mapping_coverage must be a non-empty sequence of FirmMapping."
        )
    chains = [m.chain_id for m in mappings]
    if len(set(chains)) != len(chains):
        raise InvalidParameterError(f"mapping_coverage got chain(s) mapped twice: {sorted(chains)}.")
    rows = []
    for m in mappings:
        row = m.coverage(low_confidence=low_confidence)
        by_method = row.pop("by_method")
        rows.append(row | {f"method_{k}": v for k, v in by_method.items()})
    per_chain = pd.DataFrame(rows)

    every = pd.concat(
        [pd.concat([m.assignments["firm_id"], m.unmapped["firm_id"], m.excluded["firm_id"]]) for m in mappings]
    ).drop_duplicates()
    mapped = pd.concat([m.assignments[["firm_id", "confidence", "method"]] for m in mappings], ignore_index=True)
    mapped = mapped.sort_values("confidence", ascending=False, kind="stable").drop_duplicates("firm_id")
    guesses = pd.concat([m.unmapped.loc[m.unmapped["best_confidence"] > 0, "firm_id"] for m in mappings])
    n, n_mapped = len(every), len(mapped)
    low = int((mapped["confidence"].to_numpy() < low_confidence).sum())
    unmapped = n - n_mapped
    methods = mapped["method"].value_counts()
    overall = {
        "chains": len(mappings),
        "firms": n,
        "mapped": n_mapped,
        "low_confidence": low,
        "unmapped": unmapped,
        "unmapped_with_guess": int(np.setdiff1d(guesses.unique(), mapped["firm_id"].to_numpy()).size)
        if len(guesses)
        else 0,
        "low_confidence_share": low / n_mapped if n_mapped else None,
        "mapped_share": n_mapped / n if n else None,
        "unmapped_share": unmapped / n if n else None,
        "by_method": {k: int(methods.get(k, 0)) for k in METHODS},
        "low_confidence_threshold": float(low_confidence),
    }
    return MappingCoverage(per_chain=per_chain, overall=overall)
