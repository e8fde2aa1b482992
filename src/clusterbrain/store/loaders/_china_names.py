"""Chinese region names -> 6-digit adcodes, by lookup in the built-in registry.

Names in firm lists are written in many ways (浙江 / 浙江省, 内蒙 / 内蒙古自治区): a name matches
a registry entry when it equals the entry's name or is a prefix of it (at least two
characters). Lower levels are searched inside the code range of the higher levels given
(a county inside its prefecture, else inside its province), because county names repeat
across China (西湖区 is in 杭州 and in 南昌). An ambiguous name resolves to nothing.
"""

from __future__ import annotations

from functools import lru_cache

from clusterbrain.store.regions.china import china_regions

__all__ = ["match_region", "resolve_region"]

_PREFIX_DIGITS = {"province": 2, "city": 4}


@lru_cache(maxsize=1)
def _registry() -> dict[str, tuple[tuple[str, str], ...]]:
    table = china_regions()
    by_level: dict[str, list[tuple[str, str]]] = {"province": [], "city": [], "county": []}
    for code, name, level in zip(
        table["region_id"].to_pylist(),
        table["name"].to_pylist(),
        table["level"].to_pylist(),
        strict=True,
    ):
        if level in by_level:
            by_level[level].append((code, name))
    return {level: tuple(entries) for level, entries in by_level.items()}


@lru_cache(maxsize=65_536)
def match_region(name: str | None, level: str, within: str = "") -> str | None:
    """Return the adcode of the region of ``level`` called ``name``, or ``None``.

    Parameters
    ----------
    name : str or None
        The name as written; surrounding white space is ignored.
    level : {'province', 'city', 'county'}
        Registry level searched.
    within : str, default ''
        Code prefix the match must start with (``'33'`` = inside 浙江, ``'3301'`` = inside
        杭州).

    Returns
    -------
    str or None
        The code of the only entry whose name equals ``name``, else of the only entry whose
        name starts with it; ``None`` when there is no such entry or more than one.

    Examples
    --------
    >>> match_region("浙江", "province")
    '330000'
    >>> match_region("西湖区", "county") is None  # 杭州 and 南昌 both have one
    True
    >>> match_region("西湖区", "county", within="3301")
    '330106'
    """
    if name is None:
        return None
    name = name.strip()
    if not name:
        return None
    candidates = [(c, n) for c, n in _registry()[level] if c.startswith(within)]
    exact = {c for c, n in candidates if n == name}
    if exact:
        return exact.pop() if len(exact) == 1 else None
    if len(name) < 2:
        return None
    prefixed = {c for c, n in candidates if n.startswith(name)}
    return prefixed.pop() if len(prefixed) == 1 else None


def resolve_region(province: str | None = None, city: str | None = None, county: str | None = None) -> str | None:
    """Return the adcode of the most specific of province, city and county that is found.

    Each level is searched inside the code range of the level above it when that one was
    found, so a county name only has to be unique within its prefecture (or province).

    Examples
    --------
    >>> resolve_region("浙江省", "杭州市", "西湖区")
    '330106'
    >>> resolve_region("北京市", "北京市", "海淀区")  # a municipality has no prefecture entry
    '110108'
    >>> resolve_region("广东", "深圳", None)
    '440300'
    """
    found = match_region(province, "province")
    within = found[: _PREFIX_DIGITS["province"]] if found else ""
    city_code = match_region(city, "city", within)
    if city_code is not None:
        found = city_code
        within = city_code[: _PREFIX_DIGITS["city"]]
    county_code = match_region(county, "county", within)
    return county_code or found
