"""The loader registry: names, kinds, detection and lookup."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.store.loaders import KINDS, LOADERS, detect_loader, get_loader

# each shared file, the loader its header must select, and the table asked for
REAL_FILES = [
    ("us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz", "stats", "cbp-cbsa"),
    ("us_cbp_county/US-DE-census-naics4-counties-2021.csv", "stats", "cbp-county"),
    ("us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv", "regions", "cbsa-crosswalk"),
    ("us_metro_extras/cbsa_export.csv", "regions", "cbsa-list"),
    ("cn_listed_companies/stock_basic.csv", "firms", "tushare-stock-basic"),
    ("supply_chains_willems/willems_stages.csv", "firms", "willems-stages"),
    ("supply_chains_willems/willems_arcs.csv", "links", "willems-arcs"),
    ("us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv", "industries", "uscmp-clusters"),
    ("us_cluster_mapping_definitions/naics2012_to_uscmp_cluster.csv", "crosswalks", "uscmp-members"),
    ("cn_gbt4754_2017/gbt4754_2017_codes.csv", "industries", "gbt4754-list"),
]


def test_registry_names_and_kinds() -> None:
    assert sorted(LOADERS) == sorted(
        [
            "cbp-cbsa",
            "cbp-county",
            "cbsa-crosswalk",
            "cbsa-list",
            "tushare-stock-basic",
            "firm-registry",
            "willems-stages",
            "willems-arcs",
            "uscmp-clusters",
            "uscmp-members",
            "gbt4754-list",
        ]
    )
    for name, loader in LOADERS.items():
        assert loader.name == name
        assert loader.kind in KINDS
        assert loader.description


@pytest.mark.parametrize(("relative", "kind", "name"), REAL_FILES)
def test_real_headers_select_their_loader(relative: str, kind: str, name: str, shared_data: Path, require) -> None:
    path = require(shared_data / relative)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    assert detect_loader(kind, header) is LOADERS[name]
    # no loader of another kind claims the file
    for other in set(KINDS) - {kind}:
        found = detect_loader(other, header)
        assert found is None or (relative.endswith("uscmp_cluster.csv") and found.name.startswith("uscmp"))


def test_unknown_header_has_no_loader() -> None:
    for kind in KINDS:
        assert detect_loader(kind, ["region_id", "year", "value"]) is None


def test_detect_loader_rejects_unknown_kind() -> None:
    with pytest.raises(InvalidParameterError, match="'kind' parameter"):
        detect_loader("firm_years", ["a"])


def test_get_loader() -> None:
    assert get_loader("cbp-cbsa") is LOADERS["cbp-cbsa"]
    with pytest.raises(InvalidParameterError, match="Got 'cbp'"):
        get_loader("cbp")


def test_require_fails_under_ci_and_skips_elsewhere(require, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "absent.csv"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="real data file missing"):
        require(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="real data file missing"):
        require(missing)
    assert require(tmp_path) == tmp_path


def test_shared_data_is_beside_the_repository(shared_data: Path) -> None:
    assert shared_data.parts[-2:] == ("shared", "data")
    assert shared_data.parent.parent == Path(__file__).resolve().parents[3].parent
