"""Monte Carlo over random shock scenarios, simulated in batches (one column per scenario)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from clusterbrain._validation import check_option, check_scalar
from clusterbrain.network._shock_kernels import make_options, run
from clusterbrain.network._shock_network import ProductionNetwork
from clusterbrain.network._shock_scenario import ShockScenario

__all__ = ["MonteCarloResult", "RandomShocks", "monte_carlo"]

TARGETS = {"firms": None, "group": "firm_group", "region": "firm_region", "country": "firm_country"}
INTERVALS = ("percentile", "t")
_BOOTSTRAP = 2000


@dataclass(frozen=True, eq=False)
class RandomShocks:
    """A sampler of random scenarios: ``count`` random firms (or nodes, regions, countries) lose a share.

    The share is drawn uniformly from ``share``, the duration (days) and start day uniformly
    from the integer ranges ``duration`` and ``start`` (both ends included).

    Examples
    --------
    >>> net = ProductionNetwork.from_links([0, 1], [1, 2], [1.0, 1.0])
    >>> s = RandomShocks(net, count=1, share=(1.0, 1.0), duration=(5, 5))(np.random.default_rng(0))
    >>> int(s.cut.sum()), s.duration
    (1, 5)
    """

    network: ProductionNetwork
    target: str = "firms"
    count: int = 1
    share: tuple[float, float] = (0.5, 1.0)
    duration: tuple[int, int] = (7, 30)
    start: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        """Check the target and the ranges."""
        check_option(self.target, "target", "RandomShocks", tuple(TARGETS))
        check_scalar(self.count, "count", "RandomShocks", integer=True, low=1)
        for name, low, high in (("share", 0, 1), ("duration", 1, None), ("start", 0, None)):
            lo, hi = getattr(self, name)
            check_scalar(lo, name, "RandomShocks", low=low, high=high)
            check_scalar(hi, name, "RandomShocks", low=lo, high=high)

    def __call__(self, rng: np.random.Generator) -> ShockScenario:
        """Draw one scenario."""
        attribute = TARGETS[self.target]
        if attribute is None:
            k = min(self.count, self.network.n_firms)
            mask = np.zeros(self.network.n_firms, dtype=bool)
            mask[rng.choice(self.network.n_firms, size=k, replace=False)] = True
        else:
            codes = getattr(self.network, attribute)
            present = np.unique(codes[codes >= 0])
            chosen = rng.choice(present, size=min(self.count, len(present)), replace=False)
            mask = np.isin(codes, chosen)
        share = rng.uniform(*self.share)
        duration = int(rng.integers(self.duration[0], self.duration[1] + 1))
        start = int(rng.integers(self.start[0], self.start[1] + 1))
        return ShockScenario(np.where(mask, share, 0.0), start, duration)


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """Losses of ``n`` random scenarios and the confidence interval of their mean.

    Attributes
    ----------
    losses, loss_shares : ndarray of shape (n,)
        Output loss of each scenario, and as a share of the output without the shock.
    firms_hit : ndarray of shape (n,)
        Firms under the threshold at least once, per scenario.
    mean, ci_low, ci_high : float
        Mean loss and its confidence interval at ``level`` (``interval``: bootstrap
        percentile or Student t).
    """

    losses: np.ndarray
    loss_shares: np.ndarray
    firms_hit: np.ndarray
    mean: float
    ci_low: float
    ci_high: float
    level: float
    interval: str

    def to_dict(self) -> dict[str, Any]:
        """Summary as plain JSON data."""
        q = np.quantile(self.losses, [0.05, 0.5, 0.95]) if len(self.losses) else [np.nan] * 3
        return {
            "n": len(self.losses),
            "mean_loss": self.mean,
            "ci": [self.ci_low, self.ci_high],
            "level": self.level,
            "interval": self.interval,
            "mean_loss_share": float(self.loss_shares.mean()),
            "loss_quantiles": {"p05": float(q[0]), "p50": float(q[1]), "p95": float(q[2])},
            "mean_firms_hit": float(self.firms_hit.mean()),
        }


def monte_carlo(
    network: ProductionNetwork,
    sampler: Callable[[np.random.Generator], ShockScenario],
    n: int = 1000,
    *,
    seed: int | None = None,
    batch: int = 16,
    level: float = 0.95,
    interval: str = "percentile",
    days: int = 60,
    production: str = "leontief",
    rationing: str = "proportional",
    inventory_days: float | np.ndarray = 9.0,
    adjustment_days: float = 6.0,
    substitution: bool = True,
    threshold: float = 0.5,
    precision: str = "float64",
) -> MonteCarloResult:
    r"""Simulate ``n`` scenarios drawn by ``sampler`` and estimate the mean output loss.

    Scenarios are simulated ``batch`` at a time as columns of one matrix (firms by scenarios).
    The interval of the mean :math:`\bar L` is the bootstrap percentile interval (2,000
    resamples) or :math:`\bar L \pm t_{n-1,(1+\ell)/2}\, s / \sqrt n`.

    Parameters
    ----------
    network : ProductionNetwork
    sampler : callable
        ``sampler(rng) -> ShockScenario``, e.g. a :class:`RandomShocks`.
    n : int, default 1000
    seed : int, optional
    batch : int, default 16
        Scenarios per batch (memory grows with ``batch`` times the number of links).
    level : float, default 0.95
    interval : {"percentile", "t"}
    days, production, rationing, inventory_days, adjustment_days, substitution, threshold, precision
        As in :func:`simulate_shock`.

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> net = ProductionNetwork.from_links([0, 1], [1, 2], [1.0, 1.0])
    >>> mc = monte_carlo(net, RandomShocks(net, share=(1.0, 1.0), duration=(60, 60)), n=20, seed=1, days=20,
    ...                  inventory_days=3)
    >>> bool(mc.ci_low <= mc.mean <= mc.ci_high), bool(mc.losses.min() > 0)
    (True, True)
    """
    func = "monte_carlo"
    check_scalar(n, "n", func, integer=True, low=1)
    check_scalar(batch, "batch", func, integer=True, low=1)
    check_scalar(level, "level", func, low=0, high=1, closed="neither")
    check_option(interval, "interval", func, INTERVALS)
    opt = make_options(
        network, days, production, rationing, inventory_days, adjustment_days, substitution, threshold, precision
    )
    rng = np.random.default_rng(seed)
    losses, hits = np.empty(n), np.empty(n, dtype=np.int64)
    for lo in range(0, n, batch):
        drawn = [sampler(rng) for _ in range(min(batch, n - lo))]
        cut = np.stack([s.cut for s in drawn], axis=1)
        start = np.array([s.start for s in drawn])
        stop = np.array([s.stop for s in drawn])
        tr = run(network, cut, start, stop, opt)
        losses[lo : lo + len(drawn)] = tr.loss
        hits[lo : lo + len(drawn)] = tr.hit.sum(axis=0)
    base = float(network.output.sum()) * opt.days
    mean = float(losses.mean())
    if interval == "t":
        half = float(stats.t.ppf((1 + level) / 2, max(n - 1, 1)) * losses.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0
        low, high = mean - half, mean + half
    else:
        means = losses[rng.integers(0, n, size=(_BOOTSTRAP, n))].mean(axis=1)
        low, high = (float(v) for v in np.quantile(means, [(1 - level) / 2, (1 + level) / 2]))
    return MonteCarloResult(
        losses=losses,
        loss_shares=losses / base if base > 0 else np.zeros(n),
        firms_hit=hits,
        mean=mean,
        ci_low=low,
        ci_high=high,
        level=float(level),
        interval=interval,
    )
