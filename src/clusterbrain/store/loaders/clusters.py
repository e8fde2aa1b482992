"""US Cluster Mapping (Delgado, Porter & Stern 2016) clusters from the NAICS 2012 crosswalk.

Layout: ``NAICS , TradedLocal, Cluster, SubclusterName, EmsiSpecificNAICS (non standard),
Description`` (the crosswalk sheet of ``NAICS_crosswalks_to_Cluster_system.xlsx``; the
``NAICS`` header has a trailing space). Two loaders read it:

``uscmp-clusters``
    ``industries`` of scheme ``uscmp2016``: each cluster (level 1) and subcluster (level 2).
``uscmp-members``
    ``crosswalks`` from 6-digit NAICS 2012 to the subcluster and to the cluster.

Codes are slugs of the names, since the file has no numeric codes: the cluster
"Automotive" is ``traded.automotive``, "Local Health Services" is
``local.health_services`` and its subcluster "Hospitals" is
``local.health_services.hospitals``.

Only the 2016 definitions are kept: 51 traded and 16 local clusters. Left out are the rows
the Emsi version added: the three government clusters (Federal, State and Local
Government Services), the Emsi-only pseudo NAICS codes (``EmsiSpecificNAICS`` true: codes
such as 111000, 901200 or NAICS 2017 codes not in NAICS 2012), and rows without a cluster
(814110 Private Households). A subcluster whose only members are such rows is left out too.

References
----------
.. [1] M. Delgado, M. E. Porter and S. Stern, "Defining clusters of related industries",
   Journal of Economic Geography 16(1), 1-38, 2016.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import SchemaError
from clusterbrain.store.codes import builtin_code_lists
from clusterbrain.store.loaders._base import (
    Loader,
    canonical_table,
    has_columns,
    normalise_header,
)

__all__ = [
    "EMSI_CLUSTERS",
    "SCHEME",
    "USCMP_CLUSTERS",
    "USCMP_MEMBERS",
    "cluster_slug",
    "read_uscmp_clusters",
    "read_uscmp_members",
]

SCHEME = "uscmp2016"
SOURCE_SCHEME = "naics2012"
EMSI_CLUSTERS = frozenset({"Federal Government Services", "State Government Services", "Local Government Services"})
"""Clusters Emsi added to the 2016 definitions."""
_EMSI_FLAG = "EmsiSpecificNAICS (non standard)"
_REQUIRED = ("NAICS", "TradedLocal", "Cluster", "SubclusterName")


def cluster_slug(name: str, traded_local: str | None = None) -> str:
    """Return the code of a cluster name: ``<traded|local>.<snake_case name>``.

    A local cluster's "Local " prefix is dropped (it is in the namespace already). With
    ``traded_local`` None, only the name part is returned (used for subclusters).

    Examples
    --------
    >>> cluster_slug("Local Personal Services (Non-Medical)", "Local")
    'local.personal_services_non_medical'
    >>> cluster_slug("Trailers, Motor Homes, and Appliances", "Traded")
    'traded.trailers_motor_homes_and_appliances'
    >>> cluster_slug("Aircraft")
    'aircraft'
    """
    text = name.strip()
    kind = None if traded_local is None else traded_local.strip().lower()
    if kind == "local" and text.lower().startswith("local "):
        text = text[len("local ") :]
    slug = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return slug if kind is None else f"{kind}.{slug}"


def _definitions(path: Path) -> pd.DataFrame:
    """Return the kept crosswalk rows with their cluster and subcluster codes."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = normalise_header(raw.columns)
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        raise SchemaError(f"{path.name}: missing column(s) {missing} of the USCMP crosswalk.")
    raw = raw.apply(lambda col: col.str.strip())
    emsi = raw[_EMSI_FLAG].str.lower().eq("true") if _EMSI_FLAG in raw.columns else pd.Series(False, index=raw.index)
    keep = ~emsi & ~raw["Cluster"].isin(EMSI_CLUSTERS) & raw["Cluster"].ne("")
    kept = raw.loc[keep].copy()
    kinds = kept["TradedLocal"].str.lower()
    if not kinds.isin({"traded", "local"}).all():
        bad = kept.loc[~kinds.isin({"traded", "local"}), "TradedLocal"].iloc[0]
        raise SchemaError(f"{path.name}: TradedLocal {bad!r} is neither Traded nor Local.")
    pairs = kept[["Cluster", "TradedLocal"]].drop_duplicates()
    codes = {(c, t): cluster_slug(c, t) for c, t in zip(pairs["Cluster"], pairs["TradedLocal"], strict=True)}
    kept["cluster_code"] = [codes[k] for k in zip(kept["Cluster"], kept["TradedLocal"], strict=True)]
    sub = kept["SubclusterName"].map(cluster_slug, na_action="ignore")
    kept["subcluster_code"] = (kept["cluster_code"] + "." + sub).where(kept["SubclusterName"].ne(""))
    return kept


def read_uscmp_clusters(path: Path) -> pa.Table:
    """Read the USCMP crosswalk as ``industries`` rows of scheme ``uscmp2016``.

    Returns
    -------
    pyarrow.Table
        One level-1 row per cluster (code e.g. ``traded.automotive``, no parent), then one
        level-2 row per subcluster (code ``<cluster code>.<slug>``, parent the cluster),
        each in order of first appearance; ``name`` and ``name_en`` are the English name.
    """
    kept = _definitions(path)
    clusters = kept.drop_duplicates("cluster_code")
    subs = kept.dropna(subset=["subcluster_code"]).drop_duplicates("subcluster_code")
    frame = pd.DataFrame(
        {
            "code": pd.concat([clusters["cluster_code"], subs["subcluster_code"]]),
            "name": pd.concat([clusters["Cluster"], subs["SubclusterName"]]),
            "level": [1] * len(clusters) + [2] * len(subs),
            "parent_code": pd.concat(
                [pd.Series([None] * len(clusters), dtype=object), subs["cluster_code"]]
            ).to_numpy(),
        }
    )
    return canonical_table(
        "industries",
        {
            "scheme": SCHEME,
            "code": frame["code"],
            "name": frame["name"],
            "level": frame["level"],
            "parent_code": frame["parent_code"],
            "name_en": frame["name"],
        },
        len(frame),
    )


def read_uscmp_members(path: Path) -> pa.Table:
    """Read the USCMP crosswalk as ``crosswalks`` rows from NAICS 2012 to clusters.

    Returns
    -------
    pyarrow.Table
        For each kept 6-digit NAICS code, a ``member`` row to its subcluster and one to its
        cluster (target ``uscmp2016``), weight null. The source scheme is ``naics2012``,
        except for the few codes of the file that exist only in NAICS 2017 (such as 211130
        Natural Gas Extraction), which are marked ``naics2017`` so that they validate.
    """
    kept = _definitions(path)
    to_sub = kept.dropna(subset=["subcluster_code"])
    source = pd.concat([to_sub["NAICS"], kept["NAICS"]], ignore_index=True)
    target = pd.concat([to_sub["subcluster_code"], kept["cluster_code"]], ignore_index=True)
    return canonical_table(
        "crosswalks",
        {
            "source_scheme": _source_schemes(source),
            "source_code": source,
            "target_scheme": SCHEME,
            "target_code": target,
            "relation": "member",
        },
        len(source),
    )


def _source_schemes(codes: pd.Series) -> pd.Series:
    """``naics2012`` for codes of that edition, ``naics2017`` for codes only that edition has."""
    industries, _ = builtin_code_lists()
    frame = industries.select(["scheme", "code"]).to_pandas()
    in_2012 = codes.isin(frame.loc[frame["scheme"] == SOURCE_SCHEME, "code"])
    in_2017 = codes.isin(frame.loc[frame["scheme"] == "naics2017", "code"])
    return pd.Series(SOURCE_SCHEME, index=codes.index).where(in_2012 | ~in_2017, "naics2017")


_DETECT = has_columns(*_REQUIRED)

USCMP_CLUSTERS = Loader(
    name="uscmp-clusters",
    kind="industries",
    description="US Cluster Mapping 2016 clusters and subclusters (51 traded + 16 local) from "
    "the NAICS 2012 crosswalk (NAICS, TradedLocal, Cluster, SubclusterName).",
    detect=_DETECT,
    read=read_uscmp_clusters,
)
USCMP_MEMBERS = Loader(
    name="uscmp-members",
    kind="crosswalks",
    description="US Cluster Mapping 2016: NAICS 2012 -> subcluster and cluster membership.",
    detect=_DETECT,
    read=read_uscmp_members,
)
