"""Built-in region registries."""

from __future__ import annotations

from collections import Counter

from clusterbrain.store.regions import china_regions, us_regions


def test_china_registry_has_provinces_prefectures_and_counties_with_coordinates() -> None:
    rows = {r["region_id"]: r for r in china_regions().to_pylist()}
    levels = Counter(r["level"] for r in rows.values())
    assert levels["province"] == 34
    assert levels["city"] > 330
    assert levels["county"] > 2_800
    assert rows["330100"]["name"] == "杭州市"
    assert rows["330100"]["parent_id"] == "330000"
    assert 29 < rows["330100"]["lat"] < 31 and 119 < rows["330100"]["lon"] < 121
    assert rows["330106"]["parent_id"] == "330100"  # 西湖区
    assert all(r["parent_id"] in rows for r in rows.values() if r["parent_id"])


def test_us_registry_has_states_and_unique_counties() -> None:
    rows = us_regions().to_pylist()
    ids = [r["region_id"] for r in rows]
    assert len(ids) == len(set(ids))
    levels = Counter(r["level"] for r in rows)
    assert levels["state"] >= 51
    assert 3_140 <= levels["county"] <= 3_300
    by_id = {r["region_id"]: r for r in rows}
    assert by_id["US-06037"]["name"] == "Los Angeles County, California"
    assert by_id["US-06037"]["parent_id"] == "US-06"
