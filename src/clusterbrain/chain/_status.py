"""Node status rules of a chain analysis (strong / present / weak / foreign-dependent / missing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterbrain._validation import check_option, check_scalar

__all__ = ["STATUSES", "StatusThresholds", "firm_status", "stats_status"]

STATUSES = ("strong", "present", "weak", "foreign_dependent", "missing")
"""Every node status, from best to worst (the order the chain charts use)."""

_BASES = ("purchases", "inputs")


@dataclass(frozen=True)
class StatusThresholds:
    """The thresholds of the node status rules; every analysis carries the ones it used.

    The rules are applied in this order and the first that holds decides the status:

    1. ``missing``: the node has no local firm (code-based: the region's value in the node's
       codes is zero or its location quotient is below ``lq_missing``).
    2. ``foreign_dependent`` (卡脖子 risk; firm data only): of the value the sourcing basis
       measures (see ``dependence_basis``), a share of at least ``foreign_share`` comes from
       suppliers abroad, or a share of at least ``foreign_supplier_share`` comes from one
       single supplier abroad (by default all of it: a foreign sole source).
    3. ``weak``: fewer than ``min_firms`` local firms, or a location ratio below
       ``weak_ratio`` (the node's local share of national employment is less than
       ``weak_ratio`` times the region's share of national employment in the whole chain;
       code-based: the location quotient is below ``weak_ratio``).
    4. ``strong``: at least ``strong_min_firms`` local firms and a location ratio of at least
       ``strong_ratio`` (code-based: location quotient at least ``strong_ratio``).
    5. ``present``: any other node with local firms.

    Parameters
    ----------
    min_firms : int, default 3
        Fewest local firms of a node that is not weak.
    weak_ratio : float, default 0.5
        Location ratio (or quotient) below which a node is weak.
    strong_min_firms : int, default 10
        Fewest local firms of a strong node.
    strong_ratio : float, default 1.25
        Location ratio (or quotient) from which a node with enough firms is strong.
    foreign_share : float, default 0.5
        Share of the sourced value bought abroad from which a node is foreign-dependent.
    foreign_supplier_share : float, default 1.0
        Share of the sourced value held by one single supplier abroad from which a node is
        foreign-dependent. At 1.0 (a foreign sole source) the rule adds nothing to
        ``foreign_share``'s; set ``foreign_share`` high and this lower (say 0.9 and 0.4) to flag
        a node that leans on one dominant foreign supplier.
    dependence_basis : {'purchases', 'inputs'}, default 'purchases'
        Which sourcing decides foreign dependence: ``'purchases'``, what the region's firms buy
        *of the node's product* (the region depends on abroad for this link: the sense of
        卡脖子, and the only one that can flag a node without suppliers of its own, such as
        EDA/IP); ``'inputs'``, what the node's local firms buy from any supplier.
    lq_missing : float, default 0.1
        Code-based analysis only: location quotient below which a node counts as missing
        (activity at a tenth of the national concentration is taken as absent).
    """

    min_firms: int = 3
    weak_ratio: float = 0.5
    strong_min_firms: int = 10
    strong_ratio: float = 1.25
    foreign_share: float = 0.5
    foreign_supplier_share: float = 1.0
    dependence_basis: str = "purchases"
    lq_missing: float = 0.1

    def __post_init__(self) -> None:
        name = "StatusThresholds"
        check_scalar(self.min_firms, "min_firms", name, integer=True, low=1)
        check_scalar(self.strong_min_firms, "strong_min_firms", name, integer=True, low=self.min_firms)
        check_scalar(self.weak_ratio, "weak_ratio", name, low=0)
        check_scalar(self.strong_ratio, "strong_ratio", name, low=self.weak_ratio)
        check_scalar(self.foreign_share, "foreign_share", name, low=0, high=1, closed="right")
        check_scalar(self.lq_missing, "lq_missing", name, low=0, high=self.weak_ratio)
        check_scalar(self.foreign_supplier_share, "foreign_supplier_share", name, low=0, high=1, closed="right")
        check_option(self.dependence_basis, "dependence_basis", name, _BASES)

    def to_dict(self) -> dict[str, Any]:
        """The thresholds as plain JSON-serialisable data."""
        return asdict(self)


def _fmt(values: pd.Series, digits: int = 2) -> pd.Series:
    return values.map(lambda v: "n/a" if pd.isna(v) else f"{v:.{digits}f}")


def firm_status(nodes: pd.DataFrame, thresholds: StatusThresholds) -> tuple[pd.Series, pd.Series]:
    """Status and the rule that decided it, for each row of a firm-based node table.

    ``nodes`` needs ``local_firms``, ``location_ratio`` and, for the basis ``b`` (``purchase``
    or ``input``), ``{b}_abroad_share`` and ``{b}_top_foreign_share``. A NaN share or ratio
    (nothing bought, no national employment) never fires its rule.
    """
    t = thresholds
    prefix = "purchase" if t.dependence_basis == "purchases" else "input"
    firms = nodes["local_firms"].to_numpy()
    ratio = nodes["location_ratio"]
    abroad = nodes[f"{prefix}_abroad_share"]
    top = nodes[f"{prefix}_top_foreign_share"]
    sole = np.nan_to_num(top.to_numpy(dtype=float), nan=-1.0) >= t.foreign_supplier_share
    r = ratio.to_numpy(dtype=float)
    a = abroad.to_numpy(dtype=float)
    missing = firms == 0
    by_share = np.nan_to_num(a, nan=-1.0) >= t.foreign_share
    foreign = by_share | sole
    few = firms < t.min_firms
    low = np.nan_to_num(r, nan=np.inf) < t.weak_ratio
    strong = (firms >= t.strong_min_firms) & (np.nan_to_num(r, nan=-np.inf) >= t.strong_ratio)
    conditions = [missing, foreign, few | low, strong]
    status = np.select(conditions, ["missing", "foreign_dependent", "weak", "strong"], default="present")
    ab, ra = _fmt(abroad), _fmt(ratio)
    n = nodes["local_firms"].astype(int).astype(str)
    basis = "of purchases of its product" if prefix == "purchase" else "of its inputs"
    share_reason = f"abroad share {basis} " + ab + f" >= {t.foreign_share:g}"
    sole_reason = f"share of one foreign supplier {basis} " + _fmt(top) + f" >= {t.foreign_supplier_share:g}"
    weak_reason = np.where(few, n + f" local firm(s) < {t.min_firms}", "location ratio " + ra + f" < {t.weak_ratio:g}")
    reason = np.select(
        conditions,
        [
            pd.Series("no local firm", index=nodes.index),
            np.where(by_share, share_reason, sole_reason),
            weak_reason,
            n + f" local firms >= {t.strong_min_firms} and location ratio " + ra + f" >= {t.strong_ratio:g}",
        ],
        default=n + " local firm(s), location ratio " + ra,
    )
    return pd.Series(status, index=nodes.index), pd.Series(reason, index=nodes.index)


def stats_status(local: pd.Series, lq: pd.Series, thresholds: StatusThresholds) -> tuple[pd.Series, pd.Series]:
    """Status and reason from the region's value and location quotient of each node's codes."""
    t = thresholds
    q = lq.to_numpy(dtype=float)
    missing = (local.to_numpy(dtype=float) <= 0) | (q < t.lq_missing)
    weak = q < t.weak_ratio
    strong = q >= t.strong_ratio
    conditions = [missing, weak, strong]
    status = np.select(conditions, ["missing", "weak", "strong"], default="present")
    lq_text = "location quotient " + _fmt(lq)
    reason = np.select(
        conditions,
        [
            np.where(
                local.to_numpy(dtype=float) <= 0, "no activity in the node's codes", lq_text + f" < {t.lq_missing:g}"
            ),
            lq_text + f" < {t.weak_ratio:g}",
            lq_text + f" >= {t.strong_ratio:g}",
        ],
        default=lq_text,
    )
    return pd.Series(status, index=lq.index), pd.Series(reason, index=lq.index)
