r"""Firm-level propagation of supply shocks through a production network, day by day.

A dynamic production-network model in the style of Inoue & Todo (2019) [1]_, itself built on
the adaptive regional input-output model of Hallegatte (2008) [2]_ and the rationing schemes of
Henriet, Hallegatte & Tabourier (2012) [3]_. Firms :math:`i` produce daily; each customer
:math:`c` keeps, per input group :math:`g` (chain node or product; the pair :math:`k=(c,g)`), a
stock :math:`S_k` measured in days of use. Before the shock everything is at its steady state:
output :math:`x^0_i`, link flows :math:`z_{sc}`, pair use :math:`R_k=\sum_s z_{sc}`, input
coefficients :math:`a_k = R_k / x^0_c`, stocks :math:`S_k = n_c R_k`.

On day :math:`t`:

.. math::

    \bar x_i(t) &= \bar x_i \,(1 - \delta_i(t))
        \quad\text{(capacity, cut by the scenario's share } \delta_i\text{)} \\
    x^{\mathrm{inp}}_c(t) &= \min_{k \ni c} S_k(t) / a_k
        \quad\text{(Leontief-critical)} \quad\text{or}\quad
        \textstyle\sum_{k \ni c} S_k(t) \,/\, \sum_{k \ni c} a_k \quad\text{(linear)} \\
    x_i(t) &= \min\bigl(\bar x_i(t),\; x^{\mathrm{inp}}_i(t),\; D_i(t)\bigr)

Supplier :math:`s` then shares :math:`x_s` among the orders :math:`O_{sc} = w_{sc} O_k` of its
customers and its final demand :math:`f_s` (:math:`D_s = \sum_c O_{sc} + f_s`):
*proportional* — every order gets the share :math:`x_s / D_s`; *final_demand_last* — firm
orders are served first, :math:`\min(1, x_s / (D_s - f_s))`, final demand gets the rest;
*smaller_first* — orders (final demand included) are served in full from the smallest usual
order up, until the output runs out. With *substitution*, the shortfall of a pair is asked,
in proportion to the usual shares, from the pair's other suppliers that have spare
capacity :math:`\min(\bar x_s, x^{\mathrm{inp}}_s) - x_s`, each granting up to that spare.
Deliveries arrive at the end of the day; stocks move by

.. math::

    S_k(t+1) = S_k(t) - u_k(t) + \textstyle\sum_{s} y_{sc}(t), \qquad
    u_k = a_k x_c \ \text{(Leontief)}, \quad u_k = S_k\, x_c / x^{\mathrm{inp}}_c \ \text{(linear)},

and tomorrow's orders restore the stock target over :math:`\tau` days:

.. math::

    O_k(t+1) = \max\Bigl(0,\; a_k D_c(t) + \tfrac{1}{\tau}\bigl(n_c a_k D_c(t) - S_k(t+1)\bigr)\Bigr),
    \qquad D_i(t+1) = \textstyle\sum_k w_{ik} O_k(t+1) + f_i .

Utilisation is :math:`x_i(t)/x^0_i`; the output loss is :math:`\sum_t \sum_i \max(0, x^0_i - x_i(t))`
(output above the pre-shock level, refilling stocks after the shock, is not set against it).
A firm is *hit* on the first day its utilisation falls under the threshold; the cause is the
scenario itself (``direct``), a scarce input (``supply``) or a fall of its orders (``demand``).
For a supply hit, the parent is the supplier, in the pair with the fewest days of stock left,
that has withheld the most so far; following parents leads back to the origin of the shock.

With a stock of :math:`n` days at every firm and a supplier stopped on day 0, a firm
:math:`d` links downstream stops on day :math:`d\,n` (one day of delivery lag per link is
inside the :math:`n` days: the stock at the start of a day includes that day's use).

References
----------
.. [1] H. Inoue and Y. Todo, "Firm-level propagation of shocks through supply-chain networks",
   Nature Sustainability 2, 841-847, 2019.
.. [2] S. Hallegatte, "An adaptive regional input-output model and its application to the
   assessment of the economic cost of Katrina", Risk Analysis 28(3), 779-799, 2008.
.. [3] F. Henriet, S. Hallegatte and L. Tabourier, "Firm-network characteristics and economic
   robustness to natural disasters", J. Economic Dynamics and Control 36(1), 150-167, 2012.

Examples
--------
A chain 0 → 1 → 2 with 3 days of stock: firm 0 stops on day 0, firm 1 on day 3, firm 2 on day 6.

>>> net = ProductionNetwork.from_links([0, 1], [1, 2], [1.0, 1.0])
>>> result = simulate_shock(net, shock_firms(net, [0], share=1.0), days=10, inventory_days=3)
>>> result.hit_day.tolist(), result.path(2)
([0, 3, 6], [0, 1, 2])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._shock_kernels import PRODUCTION, RATIONING, Options, make_options, run
from clusterbrain.network._shock_monte_carlo import MonteCarloResult, RandomShocks, monte_carlo
from clusterbrain.network._shock_network import ProductionNetwork
from clusterbrain.network._shock_scenario import (
    ShockScenario,
    shock_country,
    shock_firms,
    shock_group,
    shock_region,
)

__all__ = [
    "CAUSES",
    "PRODUCTION",
    "RATIONING",
    "MonteCarloResult",
    "ProductionNetwork",
    "RandomShocks",
    "ShockResult",
    "ShockScenario",
    "monte_carlo",
    "shock_country",
    "shock_firms",
    "shock_group",
    "shock_region",
    "simulate_shock",
]

CAUSES = ("direct", "supply", "demand")
"""Why a firm was hit, indexed by :attr:`ShockResult.cause` (``-1`` = never hit)."""


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    return np.divide(numerator, denominator, out=np.ones_like(numerator), where=denominator > 0)


@dataclass(frozen=True, eq=False)
class ShockResult:
    r"""What a shock did, day by day and firm by firm.

    Attributes
    ----------
    days, threshold : int, float
        Simulated days and the utilisation threshold of a hit.
    output : ndarray of shape (n_firms,)
        Daily output before the shock.
    utilisation : ndarray of shape (days, n_firms), float32, or None
        Output relative to :attr:`output`, per day (``None`` with ``keep_daily=False``).
    total_output : ndarray of shape (days,)
        Output of all firms per day.
    group_utilisation, region_utilisation : ndarray of shape (days, n_codes)
        Output of the firms of each node / region relative to their output before the shock.
    loss : float
        :math:`\sum_t \sum_i \max(0, x^0_i - x_i(t))`, in the unit of the flows.
    loss_share : float
        The loss as a share of the output the days would have had without the shock.
    hit_day, cause, parent : ndarray of shape (n_firms,)
        First day under the threshold (``-1`` never); the cause (index into :data:`CAUSES`);
        the supplier that bound it (``-1`` for direct and demand hits).
    min_utilisation : ndarray of shape (n_firms,), float32
        Lowest utilisation of each firm over the days.
    min_stock : float
        Lowest stock, in days of use, of any input pair on any day (``inf`` without pairs);
        negative only by rounding (it is then set to 0).
    """

    days: int
    threshold: float
    output: np.ndarray
    utilisation: np.ndarray | None
    total_output: np.ndarray
    group_utilisation: np.ndarray
    region_utilisation: np.ndarray
    loss: float
    loss_share: float
    hit_day: np.ndarray
    cause: np.ndarray
    parent: np.ndarray
    min_utilisation: np.ndarray
    min_stock: float

    def hit_firms(self) -> np.ndarray:
        """Firms that fell under the threshold, by day then firm number."""
        hit = np.flatnonzero(self.hit_day >= 0)
        return hit[np.argsort(self.hit_day[hit], kind="stable")]

    def path(self, firm: int) -> list[int]:
        """The chain of parents from the origin of the shock down to ``firm`` (``[]`` if never hit)."""
        if self.hit_day[firm] < 0:
            return []
        chain = [int(firm)]
        while self.parent[chain[-1]] >= 0 and len(chain) <= len(self.parent):
            chain.append(int(self.parent[chain[-1]]))
        return chain[::-1]

    def to_dict(self, top: int = 20) -> dict[str, Any]:
        """Summary as plain JSON data: loss, hits per day and cause, the ``top`` first hits with their paths."""
        hits = self.hit_firms()
        by_cause = {name: int((self.cause == i).sum()) for i, name in enumerate(CAUSES)}
        return {
            "days": self.days,
            "threshold": self.threshold,
            "loss": float(self.loss),
            "loss_share": float(self.loss_share),
            "firms_hit": len(hits),
            "hits_by_cause": by_cause,
            "total_utilisation": (self.total_output / max(float(self.output.sum()), 1e-300)).tolist(),
            "first_hits": [
                {
                    "firm": int(i),
                    "day": int(self.hit_day[i]),
                    "cause": CAUSES[int(self.cause[i])],
                    "path": self.path(int(i)),
                }
                for i in hits[:top]
            ],
        }


def simulate_shock(
    network: ProductionNetwork,
    scenario: ShockScenario,
    *,
    days: int = 60,
    production: str = "leontief",
    rationing: str = "proportional",
    inventory_days: float | np.ndarray = 9.0,
    adjustment_days: float = 6.0,
    substitution: bool = True,
    threshold: float = 0.5,
    keep_daily: bool = True,
    precision: str = "float64",
) -> ShockResult:
    r"""Run one shock scenario for ``days`` days (the model is in the module docstring).

    Parameters
    ----------
    network : ProductionNetwork
    scenario : ShockScenario
    days : int, default 60
    production : {"leontief", "linear"}
        Leontief-critical (the scarcest input group binds) or linear (the weighted sum of stocks).
    rationing : {"proportional", "final_demand_last", "smaller_first"}
    inventory_days : float or ndarray of shape (n_firms,), default 9
        Target stock :math:`n_c`, in days of use, at least 1 (the day's own use is included).
        Inoue & Todo (2019) draw it per firm; a single value is an assumption to calibrate.
    adjustment_days : float, default 6
        :math:`\tau`, days over which a stock gap is ordered back.
    substitution : bool, default True
        Cover a pair's shortfall from its other suppliers' spare capacity.
    threshold : float, default 0.5
        Utilisation under which a firm counts as hit.
    keep_daily : bool, default True
        Keep utilisation per firm and day (float32, 4 bytes per firm-day).
    precision : {"float64", "float32"}, default "float64"
        Type of the stocks, orders and daily firm arrays (totals are added in float64).
        ``"float32"`` halves memory and traffic on very large networks; outputs then differ from
        float64 in about the sixth digit, and a small loss (a sum of small output gaps) by up to
        a few tenths of a percent.

    Notes
    -----
    Input pairs whose suppliers have always filled their orders share their customer's stock
    and order; a pair gets a state of its own on the first day a supplier falls short, and
    every pair does once they are more than a tenth of all. The work of a day is then over
    firms and the firm-to-firm flows plus the pairs touched by the shock, not over every pair.

    Returns
    -------
    ShockResult

    Raises
    ------
    InvalidParameterError
        On an option outside its domain or a scenario of another network.
    """
    opt = make_options(
        network, days, production, rationing, inventory_days, adjustment_days, substitution, threshold, precision
    )
    if len(scenario.cut) != network.n_firms:
        raise InvalidParameterError(
            f"the scenario has {len(scenario.cut)} firms, the network {network.n_firms}: build it on this network."
        )
    opt = Options(**{**opt.__dict__, "keep_daily": bool(keep_daily), "track": True})
    tr = run(network, scenario.cut, np.asarray(scenario.start), np.asarray(scenario.stop), opt)
    x0 = network.output
    groups, regions = network.indicator("firm_group"), network.indicator("firm_region")
    base = float(x0.sum()) * opt.days
    return ShockResult(
        days=opt.days,
        threshold=opt.threshold,
        output=x0,
        utilisation=tr.daily,
        total_output=tr.output,
        group_utilisation=_share(tr.group_output, (groups @ x0)[None, :]),  # type: ignore[arg-type]
        region_utilisation=_share(tr.region_output, (regions @ x0)[None, :]),  # type: ignore[arg-type]
        loss=float(tr.loss),
        loss_share=float(tr.loss) / base if base > 0 else 0.0,
        hit_day=tr.hit_day,  # type: ignore[arg-type]
        cause=tr.cause,  # type: ignore[arg-type]
        parent=tr.parent,  # type: ignore[arg-type]
        min_utilisation=tr.min_utilisation,  # type: ignore[arg-type]
        min_stock=tr.min_stock,
    )
