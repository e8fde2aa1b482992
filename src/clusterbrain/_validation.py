"""Declarative checks of function parameters, with one message form for every error.

>>> check_scalar(1.0, "threshold", "presence", low=0, closed="neither")
1.0
>>> check_scalar(-1, "threshold", "presence", low=0, closed="neither")
Traceback (most recent call last):
...
clusterbrain.exceptions.InvalidParameterError: The 'threshold' parameter of presence must be a float in (0, inf). Got -1 instead.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import TypeVar

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["check_option", "check_scalar"]

T = TypeVar("T")


def check_scalar(
    value: float,
    name: str,
    func: str,
    *,
    integer: bool = False,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
) -> float:
    """Return ``value`` if it is a real (or whole, with ``integer``) number within the bounds.

    ``closed`` is ``"both"``, ``"left"``, ``"right"`` or ``"neither"``: which bounds are included.

    Raises
    ------
    InvalidParameterError
        "The '<name>' parameter of <func> must be a <kind> in <interval>. Got <value> instead."
    """
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    left = "[" if closed in ("both", "left") and low is not None else "("
    right = "]" if closed in ("both", "right") and high is not None else ")"
    kind = "an int" if integer else "a float"
    interval = f"{left}{_show(lo)}, {_show(hi)}{right}"
    ok = isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)
    if ok and integer:
        ok = float(value).is_integer()
    if ok:
        above = value >= lo if left == "[" else value > lo
        below = value <= hi if right == "]" else value < hi
        ok = above and below
    if not ok:
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be {kind} in {interval}. Got {value!r} instead."
        )
    return value


def check_option(value: T, name: str, func: str, options: Collection[T]) -> T:
    """Return ``value`` if it is one of ``options``.

    Raises
    ------
    InvalidParameterError
        "The '<name>' parameter of <func> must be one of {...}. Got <value> instead."
    """
    if value not in options:
        shown = ", ".join(repr(o) for o in options)
        raise InvalidParameterError(
            f"The '{name}' parameter of {func} must be one of {{{shown}}}. Got {value!r} instead."
        )
    return value


def _show(bound: float) -> str:
    if math.isinf(bound):
        return "-inf" if bound < 0 else "inf"
    return f"{bound:g}"
