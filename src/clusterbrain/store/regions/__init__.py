"""Region registries shipped with clusterbrain: China's administrative divisions and the US."""

from __future__ import annotations

from clusterbrain.store.regions.china import china_regions
from clusterbrain.store.regions.us import us_regions

__all__ = ["builtin_regions", "china_regions", "us_regions"]


def builtin_regions() -> list:
    """Return the built-in registries as ``(source, table)`` pairs, in load order."""
    return [("builtin:cpca-adcodes", china_regions()), ("builtin:us-states-counties", us_regions())]
