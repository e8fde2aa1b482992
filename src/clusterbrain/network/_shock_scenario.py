"""Shock scenarios: which firms lose what share of their capacity, from which day, for how long."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clusterbrain._validation import check_scalar
from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network._shock_network import ProductionNetwork

__all__ = ["ShockScenario", "shock_country", "shock_firms", "shock_group", "shock_region"]

_FOREVER = np.iinfo(np.int32).max


@dataclass(frozen=True, eq=False)
class ShockScenario:
    r"""A capacity cut :math:`\delta_i \in [0, 1]` per firm, in force on days ``start`` to ``start + duration - 1``.

    ``duration=None`` means until the end of the simulation.
    """

    cut: np.ndarray
    start: int = 0
    duration: int | None = None

    def __post_init__(self) -> None:
        """Check the cut shares and the window."""
        cut = np.asarray(self.cut, dtype=np.float64)
        if cut.ndim != 1 or not np.isfinite(cut).all() or (cut < 0).any() or (cut > 1).any():
            raise InvalidParameterError("The 'cut' of a ShockScenario must be a 1-D array of shares in [0, 1].")
        object.__setattr__(self, "cut", cut)
        check_scalar(self.start, "start", "ShockScenario", integer=True, low=0)
        if self.duration is not None:
            check_scalar(self.duration, "duration", "ShockScenario", integer=True, low=1)

    @property
    def stop(self) -> int:
        """First day after the shock (a very large number when it lasts to the end)."""
        return _FOREVER if self.duration is None else int(self.start) + int(self.duration)

    @property
    def firms(self) -> np.ndarray:
        """Firms whose capacity is cut."""
        return np.flatnonzero(self.cut > 0)


def _scenario(
    network: ProductionNetwork, mask: np.ndarray, share: float, start: int, duration: int | None, what: str
) -> ShockScenario:
    check_scalar(share, "share", what, low=0, high=1)
    cut = np.where(mask, float(share), 0.0)
    return ShockScenario(cut, start, duration)


def shock_firms(
    network: ProductionNetwork,
    firms: np.ndarray | list[int],
    *,
    share: float,
    start: int = 0,
    duration: int | None = None,
) -> ShockScenario:
    """Cut the capacity of the given firms (numbers) by ``share``.

    Raises
    ------
    InvalidParameterError
        If a firm number is outside the network.

    Examples
    --------
    >>> net = ProductionNetwork.from_links([0, 1], [1, 2], [1.0, 1.0])
    >>> shock_firms(net, [1], share=0.5, duration=10).cut.tolist()
    [0.0, 0.5, 0.0]
    """
    idx = np.asarray(firms, dtype=np.int64).ravel()
    bad = idx[(idx < 0) | (idx >= network.n_firms)]
    if bad.size:
        raise InvalidParameterError(f"no firm number {int(bad[0])} in a network of {network.n_firms} firms.")
    mask = np.zeros(network.n_firms, dtype=bool)
    mask[idx] = True
    return _scenario(network, mask, share, start, duration, "shock_firms")


def _by_code(network: ProductionNetwork, attribute: str, code: int, what: str) -> np.ndarray:
    mask = getattr(network, attribute) == int(code)
    if not mask.any():
        raise InvalidParameterError(f"no firm has {attribute} code {code}.")
    return mask


def shock_group(
    network: ProductionNetwork, group: int, *, share: float, start: int = 0, duration: int | None = None
) -> ShockScenario:
    """Cut the capacity of every firm of one chain node (``firm_group`` code)."""
    return _scenario(
        network, _by_code(network, "firm_group", group, "shock_group"), share, start, duration, "shock_group"
    )


def shock_region(
    network: ProductionNetwork, region: int, *, share: float, start: int = 0, duration: int | None = None
) -> ShockScenario:
    """Cut the capacity of every firm of one region (``firm_region`` code)."""
    mask = _by_code(network, "firm_region", region, "shock_region")
    return _scenario(network, mask, share, start, duration, "shock_region")


def shock_country(
    network: ProductionNetwork, country: int, *, share: float, start: int = 0, duration: int | None = None
) -> ShockScenario:
    """Cut the capacity of every firm of one country (``firm_country`` code), e.g. an export stop abroad."""
    mask = _by_code(network, "firm_country", country, "shock_country")
    return _scenario(network, mask, share, start, duration, "shock_country")
