"""Sanity of the complexity pipeline on real data: US County Business Patterns 2019, metro CBSAs x 4-digit NAICS.

Facts anyone can check: motor-vehicle manufacturing is concentrated in Michigan, Ohio and
Indiana; software publishers in San Jose and Seattle; the largest, most diversified metros
have the most complex economies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from clusterbrain.metrics.pipeline import PipelineResult, complexity_pipeline
from tests.conftest import require_data

AUTO_STATES = {"Michigan", "Ohio", "Indiana"}
NEW_YORK, LOS_ANGELES, CHICAGO = "35620", "31080", "16980"
SAN_JOSE, SEATTLE = "41940", "42660"


@dataclass(frozen=True)
class Metros:
    """The pipeline's result on metro CBSAs x 4-digit NAICS employment, with each metro's jobs and state."""

    X: pd.DataFrame
    result: PipelineResult
    jobs: pd.Series
    state: pd.Series


@pytest.fixture(scope="module")
def metros() -> Metros:
    cbp = pd.read_csv(
        require_data("us_cbp_2019_cbsa/cbp2019_cbsa_naics.csv.gz"), dtype={"cbsa_code": str, "naics_code": str}
    )
    counties = pd.read_csv(
        require_data("us_cbp_2019_cbsa/county_cbsa_state_crosswalk.csv"), dtype={"cbsa_code": str, "stco_code": str}
    )
    counties = counties[counties["cbsa_type"] == "metro"]
    # A metro's state: the one where most of its people live (Louisville, KY-IN is in Kentucky).
    people = counties.groupby(["cbsa_code", "st_name"])["co_pop"].sum().sort_values()
    state = people.reset_index().groupby("cbsa_code")["st_name"].last()
    four_digit = cbp[cbp["naics_code"].str.fullmatch(r"\d{4}") & cbp["cbsa_code"].isin(state.index)]
    X = four_digit.pivot_table(index="cbsa_code", columns="naics_code", values="EMP", aggfunc="sum", fill_value=0)
    X = X.astype(float)
    jobs = cbp[cbp["naics_code"] == "00"].set_index("cbsa_code")["EMP"].reindex(X.index)
    return Metros(X=X, result=complexity_pipeline(X), jobs=jobs, state=state.reindex(X.index))


def test_cbp_matrix_is_the_metro_areas(metros: Metros) -> None:
    assert metros.X.shape[0] > 370  # 384 metro areas in the 2019 delineation, a few without CBP rows
    assert metros.X.shape[1] > 250  # 4-digit NAICS industry groups
    assert metros.jobs.notna().all()
    assert metros.state.notna().all()


def top_lq(metros: Metros, lq: pd.Series, *, min_jobs: int, n: int) -> pd.Index:
    return lq[metros.jobs >= min_jobs].nlargest(n).index


@pytest.mark.parametrize("codes", [["3361", "3363"], ["3363"]])
def test_motor_vehicles_most_specialised_in_michigan_ohio_indiana(metros: Metros, codes: list[str]) -> None:
    # The LQ of a group of industries is the national-share-weighted mean of their LQs.
    national = metros.X[codes].sum()
    lq = metros.result.rca[codes] @ (national / national.sum())
    top = top_lq(metros, lq, min_jobs=50_000, n=10)
    in_auto_states = metros.state[top].isin(AUTO_STATES)
    assert in_auto_states.sum() >= 6, metros.state[top].tolist()
    assert metros.state[top[0]] == "Michigan"


def test_vehicle_assembly_overrepresents_michigan_ohio_indiana(metros: Metros) -> None:
    # Assembly (3361) alone also has Kentucky, Missouri, California and Carolinas plants among
    # the top ten; the three states still hold several times their share of large metros.
    large = metros.jobs >= 50_000
    top = top_lq(metros, metros.result.rca["3361"], min_jobs=50_000, n=10)
    share_top = metros.state[top].isin(AUTO_STATES).mean()
    share_all = metros.state[large].isin(AUTO_STATES).mean()
    assert share_top >= 0.4
    assert share_top >= 3 * share_all


@pytest.mark.parametrize("min_jobs", [500_000, 50_000])
def test_software_publishers_most_specialised_in_san_jose_and_seattle(metros: Metros, min_jobs: int) -> None:
    top = top_lq(metros, metros.result.rca["5112"], min_jobs=min_jobs, n=2)
    assert set(top) == {SAN_JOSE, SEATTLE}


def test_large_diversified_metros_have_high_eci(metros: Metros) -> None:
    eci = metros.result.eci
    for metro in (NEW_YORK, LOS_ANGELES, CHICAGO):
        assert eci[metro] > eci.median()
        assert eci[metro] > eci.quantile(0.9)
        assert metros.result.diversity[metro] > metros.result.diversity.quantile(0.9)


def test_large_metros_above_small_specialised_ones_in_eci(metros: Metros) -> None:
    eci = metros.result.eci
    by_size = metros.jobs.sort_values()
    largest, smallest = by_size.index[-25:], by_size.index[:100]
    assert eci[largest].median() > eci.quantile(0.75)
    assert eci[smallest].median() < eci.median()
    # The ten least complex economies are all small metros.
    assert (metros.jobs[eci.nsmallest(10).index] < 100_000).all()
    assert np.corrcoef(eci, np.log(metros.jobs))[0, 1] > 0.5
