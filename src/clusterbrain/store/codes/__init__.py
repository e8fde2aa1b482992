"""Industry code lists shipped with clusterbrain, their crosswalks, and roll-up to a level."""

from __future__ import annotations

from clusterbrain.store.codes.builtin import SCHEMES, Scheme, builtin_code_lists
from clusterbrain.store.codes.rollup import crosswalk, rollup

__all__ = ["SCHEMES", "Scheme", "builtin_code_lists", "crosswalk", "rollup"]
