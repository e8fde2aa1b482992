"""``NAME=NUMBER`` option values (weights, shocks) read into a mapping, with one error form for a bad item."""

from __future__ import annotations

from collections.abc import Sequence

from clusterbrain.exceptions import InvalidParameterError

__all__ = ["number_pairs"]


def number_pairs(items: Sequence[str], option: str, form: str) -> dict[str, float]:
    """``["a=1", "b=-2.5"]`` as ``{"a": 1.0, "b": -2.5}``.

    Raises
    ------
    InvalidParameterError
        Naming the option, the expected ``form`` and the bad item.

    >>> number_pairs(["20=-1e6"], "--shock", "CODE=CHANGE")
    {'20': -1000000.0}
    """
    pairs: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            pairs[name.strip()] = float(value)
        except ValueError:
            raise InvalidParameterError(f"{option} expects {form}, got {item!r}") from None
    return pairs
