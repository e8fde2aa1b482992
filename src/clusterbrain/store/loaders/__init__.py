"""Loaders of third-party file layouts into canonical workspace tables.

Each :class:`Loader` turns one published layout (US County Business Patterns, Tushare,
企查查 exports, the Willems supply chains, US Cluster Mapping, GB/T 4754) into the columns of
one workspace table, as a :class:`pyarrow.Table`, purely: it reads the file and touches no
database. The importer finds them in :data:`LOADERS` by ``--format`` name, or by the file's
header with :func:`detect_loader`. Input-output tables fill three tables of their own and
are read by :func:`read_io_table`.

Examples
--------
>>> detect_loader("stats", ["cbsa_code", "naics_code", "naics_level", "EMP", "ESTAB"]).name
'cbp-cbsa'
>>> detect_loader("firms", ["cbsa_code", "naics_code", "EMP", "ESTAB"]) is None
True
"""

from __future__ import annotations

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.loaders._base import KINDS, Loader
from clusterbrain.store.loaders.cbp import CBP_CBSA, CBP_COUNTY, CBSA_CROSSWALK, CBSA_LIST
from clusterbrain.store.loaders.clusters import USCMP_CLUSTERS, USCMP_MEMBERS
from clusterbrain.store.loaders.firm_registry import FIRM_REGISTRY
from clusterbrain.store.loaders.gbt4754 import GBT4754_LIST
from clusterbrain.store.loaders.io_tables import IOTable, detect_io_table, read_io_table
from clusterbrain.store.loaders.listed import TUSHARE_STOCK_BASIC
from clusterbrain.store.loaders.willems import WILLEMS_ARCS, WILLEMS_STAGES

__all__ = [
    "KINDS",
    "LOADERS",
    "IOTable",
    "Loader",
    "detect_io_table",
    "detect_loader",
    "get_loader",
    "read_io_table",
]

LOADERS: dict[str, Loader] = {
    loader.name: loader
    for loader in (
        CBP_CBSA,
        CBP_COUNTY,
        CBSA_CROSSWALK,
        CBSA_LIST,
        TUSHARE_STOCK_BASIC,
        FIRM_REGISTRY,
        WILLEMS_STAGES,
        WILLEMS_ARCS,
        USCMP_CLUSTERS,
        USCMP_MEMBERS,
        GBT4754_LIST,
    )
}
"""Every loader by its ``--format`` name."""


def detect_loader(kind: str, header: list[str]) -> Loader | None:
    """Return the loader of table ``kind`` whose layout a header row matches, if any.

    Parameters
    ----------
    kind : str
        Workspace table wanted, one of :data:`KINDS`.
    header : list of str
        Column names of the file, as read.

    Returns
    -------
    Loader or None
        The first loader of that kind (in :data:`LOADERS` order) whose ``detect`` is true,
        ``None`` when the header is no known layout (the file is then read as a canonical
        file with header aliases).

    Raises
    ------
    InvalidParameterError
        If ``kind`` is not a table a loader can produce.
    """
    if kind not in KINDS:
        raise InvalidParameterError(
            f"The 'kind' parameter of detect_loader must be one of {list(KINDS)}. Got {kind!r} instead."
        )
    return next((ld for ld in LOADERS.values() if ld.kind == kind and ld.detect(header)), None)


def get_loader(name: str) -> Loader:
    """Return the loader called ``name`` (a ``--format`` value).

    Raises
    ------
    InvalidParameterError
        If there is no such loader; the message lists the known names.
    """
    try:
        return LOADERS[name]
    except KeyError:
        raise InvalidParameterError(
            f"The 'format' parameter must be one of {sorted(LOADERS)}. Got {name!r} instead."
        ) from None
