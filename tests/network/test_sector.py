"""Sector-level input–output engine: hand-computed tables, brute-force re-inversion, invariants, errors."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from clusterbrain.exceptions import InvalidParameterError
from clusterbrain.network.sector import (
    IOTable,
    allocation_coefficients,
    demand_shock,
    ghosh_inverse,
    hypothetical_extraction,
    import_dependence,
    key_links,
    leontief_inverse,
    linkages,
    proportional_import_split,
    sector_extractions,
    supply_shock,
    technical_coefficients,
)

# Miller & Blair (2009), section 2.3: the two-sector example.
MB_Z = [[150.0, 500.0], [200.0, 100.0]]
MB_X = [1000.0, 2000.0]
DET = 0.85 * 0.95 - 0.25 * 0.2  # det(I - A) = 0.7575


@pytest.fixture
def mb() -> IOTable:
    return IOTable(MB_Z, MB_X, codes=["agri", "manu"], names=["Agriculture", "Manufacturing"])


@pytest.fixture
def three() -> IOTable:
    """A three-sector table with imported inputs; the flows are arbitrary but balanced by construction."""
    z = np.array([[20.0, 60.0, 10.0], [30.0, 40.0, 90.0], [5.0, 25.0, 15.0]])
    x = np.array([200.0, 400.0, 300.0])
    zm = np.array([[4.0, 10.0, 0.0], [6.0, 30.0, 20.0], [0.0, 5.0, 5.0]])
    return IOTable(z, x, imported_inputs=zm, codes=["a", "b", "c"])


def _brute_inverse(a: np.ndarray) -> np.ndarray:
    return np.linalg.inv(np.eye(len(a)) - a)


def test_miller_blair_coefficients_and_inverse_are_exact(mb: IOTable) -> None:
    assert_allclose(technical_coefficients(mb), [[0.15, 0.25], [0.2, 0.05]], rtol=1e-15)
    assert_allclose(allocation_coefficients(mb), [[0.15, 0.5], [0.1, 0.05]], rtol=1e-15)
    assert_allclose(leontief_inverse(mb), np.array([[0.95, 0.25], [0.2, 0.85]]) / DET, rtol=1e-13)
    lk = linkages(mb)
    assert_allclose(lk.output_multiplier, [1.15 / DET, 1.10 / DET], rtol=1e-13)
    assert_allclose(mb.final_demand, [350.0, 1700.0])
    assert_allclose(mb.primary_inputs, [650.0, 1400.0])


def test_miller_blair_new_final_demand(mb: IOTable) -> None:
    # f = (600, 1500) gives x = (1247.52, 1841.58) in the textbook
    delta = np.array([600.0, 1500.0]) - mb.final_demand
    assert_allclose(mb.output + demand_shock(mb, delta), [1247.52, 1841.58], atol=0.005)


def test_demand_shock_equals_direct_solve_and_accepts_mappings(three: IOTable) -> None:
    delta = np.array([[10.0, 0.0], [-5.0, 1.0], [2.0, 3.0]])
    a = technical_coefficients(three)
    assert_allclose(demand_shock(three, delta), np.linalg.solve(np.eye(3) - a, delta), rtol=1e-12)
    assert_allclose(demand_shock(three, {"b": -5.0}), demand_shock(three, [0.0, -5.0, 0.0]))


def test_leontief_reproduces_output_and_ghosh_reproduces_output(three: IOTable) -> None:
    assert_allclose(leontief_inverse(three) @ three.final_demand, three.output, rtol=1e-12)
    g = ghosh_inverse(three)
    assert_allclose(g, _brute_inverse(allocation_coefficients(three)), rtol=1e-12)
    assert_allclose(three.primary_inputs @ g, three.output, rtol=1e-12)


def test_supply_shock_equals_row_vector_times_ghosh_inverse(three: IOTable) -> None:
    dw = np.array([3.0, -7.0, 1.0])
    assert_allclose(supply_shock(three, dw), dw @ ghosh_inverse(three), rtol=1e-12)
    both = supply_shock(three, np.column_stack([dw, 2 * dw]))
    assert_allclose(both[:, 1], 2 * both[:, 0], rtol=1e-12)


def test_linkages_normalise_to_mean_one_and_classify(three: IOTable) -> None:
    lk = linkages(three)
    lmat, g = leontief_inverse(three), ghosh_inverse(three)
    assert_allclose(lk.backward, 3 * lmat.sum(axis=0) / lmat.sum())
    assert_allclose(lk.forward, 3 * g.sum(axis=1) / g.sum())
    assert_allclose(lk.forward_leontief, 3 * lmat.sum(axis=1) / lmat.sum())
    assert lk.backward.mean() == pytest.approx(1.0) and lk.forward.mean() == pytest.approx(1.0)
    expected = {(True, True): "key", (True, False): "backward", (False, True): "forward", (False, False): "weak"}
    assert lk.kind == tuple(expected[(b > 1, f > 1)] for b, f in zip(lk.backward, lk.forward, strict=True))
    assert set(lk.key_sectors) == {c for c, k in zip(lk.codes, lk.kind, strict=True) if k == "key"}
    on_l = linkages(three, forward="leontief")
    assert on_l.kind == tuple(
        expected[(b > 1, f > 1)] for b, f in zip(on_l.backward, on_l.forward_leontief, strict=True)
    )


def test_hand_computed_extraction_of_agriculture(mb: IOTable) -> None:
    e = hypothetical_extraction(mb, "agri")
    # total: A keeps only a_22 = 0.05, x = (350, 1700 / 0.95)
    assert e.total == pytest.approx(3000 - 350 - 1700 / 0.95)
    # backward: column 1 of A zeroed: x_2 = 1700/0.95, x_1 = 350 + 0.25 x_2
    assert e.backward == pytest.approx(3000 - (350 + 1.25 * 1700 / 0.95))
    # forward: row 1 of B zeroed: x_2 = 1400/0.95, x_1 = 650 + 0.1 x_2
    assert e.forward == pytest.approx(3000 - (650 + 1.1 * 1400 / 0.95))
    assert e.to_dict()["total_share"] == pytest.approx(e.total / 3000)


def _extract(table: IOTable, where: list[int]) -> tuple[float, float, float]:
    """Brute force: zero the rows/columns and re-invert."""
    a, b, f, x = technical_coefficients(table), allocation_coefficients(table), table.final_demand, table.output
    a_col, a_both, b_row = a.copy(), a.copy(), b.copy()
    a_col[:, where] = 0
    a_both[:, where] = 0
    a_both[where, :] = 0
    b_row[where, :] = 0
    total = x.sum() - (_brute_inverse(a_both) @ f).sum()
    backward = x.sum() - (_brute_inverse(a_col) @ f).sum()
    forward = x.sum() - (table.primary_inputs @ _brute_inverse(b_row)).sum()
    return total, backward, forward


def test_extraction_equals_recomputing_with_rows_and_columns_zeroed(three: IOTable) -> None:
    closed = sector_extractions(three)
    for j, code in enumerate(three.codes):
        e = hypothetical_extraction(three, code)
        brute = _extract(three, [j])
        assert_allclose([e.total, e.backward, e.forward], brute, rtol=1e-10)
        assert_allclose(closed.loc[j, ["total", "backward", "forward"]].to_numpy(float), brute, rtol=1e-10)
    pair = hypothetical_extraction(three, ["a", "c"])
    assert_allclose([pair.total, pair.backward, pair.forward], _extract(three, [0, 2]), rtol=1e-10)
    assert pair.sectors == ("a", "c")


def test_key_links_closed_form_equals_reinversion(three: IOTable) -> None:
    links = key_links(three)
    a, f, x = technical_coefficients(three), three.final_demand, three.output
    for i in range(3):
        for j in range(3):
            cut = a.copy()
            cut[i, j] = 0
            assert links.loss[i, j] == pytest.approx(x.sum() - (_brute_inverse(cut) @ f).sum(), rel=1e-10)
    top = links.top(2)
    assert top["loss"].is_monotonic_decreasing
    i, j = np.unravel_index(links.loss.argmax(), (3, 3))
    assert (top.loc[0, "supplier"], top.loc[0, "buyer"]) == (three.codes[i], three.codes[j])
    assert links.to_dict(1)["links"][0]["loss"] == pytest.approx(links.loss.max())


def test_import_dependence_by_hand_and_by_inverse(three: IOTable) -> None:
    dep = import_dependence(three)
    zm, z, x = three.imported_inputs, three.intermediate, three.output
    assert_allclose(dep.direct_share, zm.sum(axis=0) / (z.sum(axis=0) + zm.sum(axis=0)))
    assert_allclose(dep.direct_coefficient, [10 / 200, 45 / 400, 25 / 300])
    assert_allclose(dep.total_content, dep.direct_coefficient @ _brute_inverse(z / x), rtol=1e-12)
    assert (dep.total_content > dep.direct_coefficient).all()
    frame = dep.to_frame()
    assert frame.loc[frame["rank"] == 1, "code"].item() == three.codes[int(dep.total_content.argmax())]


def test_import_dependence_of_a_total_flow_table_subtracts_imports(three: IOTable) -> None:
    total = IOTable(
        three.intermediate + three.imported_inputs,
        three.output,
        imported_inputs=three.imported_inputs,
        domestic=False,
    )
    assert_allclose(import_dependence(total).total_content, import_dependence(three).total_content, rtol=1e-12)


def test_proportional_split_keeps_row_balance() -> None:
    z = np.array([[40.0, 40.0], [10.0, 20.0]])
    d, m = np.array([20.0, 30.0]), np.array([10.0, 6.0])
    zd, zm = proportional_import_split(z, d, m)
    assert_allclose(zd + zm, z)
    assert_allclose(zm.sum(axis=1) / z.sum(axis=1), m / (z.sum(axis=1) + d))
    with pytest.raises(InvalidParameterError, match="row 1 has imports 99"):
        proportional_import_split(z, d, [0.0, 99.0])


def test_scaling_leaves_coefficients_and_scales_losses(three: IOTable) -> None:
    scaled = IOTable(3 * three.intermediate, 3 * three.output, codes=three.codes)
    assert_allclose(leontief_inverse(scaled), leontief_inverse(three), rtol=1e-12)
    assert_allclose(key_links(scaled).loss, 3 * key_links(three).loss, rtol=1e-12)
    assert_allclose(sector_extractions(scaled)["total"], 3 * sector_extractions(three)["total"], rtol=1e-12)


def test_permuting_sectors_permutes_results(three: IOTable) -> None:
    p = [2, 0, 1]
    moved = IOTable(three.intermediate[np.ix_(p, p)], three.output[p], codes=[three.codes[i] for i in p])
    assert_allclose(linkages(moved).backward, linkages(three).backward[p], rtol=1e-12)
    assert_allclose(key_links(moved).loss, key_links(three).loss[np.ix_(p, p)], rtol=1e-12)


def test_zero_output_sector_is_named() -> None:
    with pytest.raises(InvalidParameterError, match="positive output.*: b"):
        IOTable([[1.0, 0.0], [0.0, 0.0]], [5.0, 0.0], codes=["a", "b"])


def test_singular_system_is_refused() -> None:
    # every column of A sums to one: I - A is singular
    table = IOTable([[50.0, 50.0], [50.0, 50.0]], [100.0, 100.0])
    with pytest.raises(InvalidParameterError, match="singular"):
        leontief_inverse(table)
    with pytest.raises(InvalidParameterError, match="singular"):
        demand_shock(table, [1.0, 0.0])


def test_unbalanced_table_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="row .* sector 'manu'"):
        IOTable(MB_Z, MB_X, final_demand=[350.0, 1600.0], codes=["agri", "manu"])
    with pytest.raises(InvalidParameterError, match="column"):
        IOTable(MB_Z, MB_X, value_added=[650.0, 1000.0])


def test_bad_parameters_are_refused(mb: IOTable) -> None:
    with pytest.raises(InvalidParameterError, match="Unknown sector.*'steel'.*agri, manu"):
        hypothetical_extraction(mb, "steel")
    with pytest.raises(InvalidParameterError, match="'delta_f' parameter of demand_shock"):
        demand_shock(mb, [1.0, 2.0, 3.0])
    with pytest.raises(InvalidParameterError, match="needs a table with imported intermediate inputs"):
        import_dependence(mb)
    with pytest.raises(InvalidParameterError, match="'forward' parameter of linkages"):
        linkages(mb, forward="rows")
    with pytest.raises(InvalidParameterError, match="shape"):
        IOTable([[1.0]], [1.0, 2.0])
    with pytest.raises(InvalidParameterError, match="unique"):
        IOTable(MB_Z, MB_X, codes=["a", "a"])


def test_results_are_read_only(mb: IOTable) -> None:
    with pytest.raises(ValueError, match="read-only"):
        leontief_inverse(mb)[0, 0] = 0.0
