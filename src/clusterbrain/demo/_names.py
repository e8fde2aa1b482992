"""Vectorised synthetic firm ids, names, business scopes and tags (Arrow compute, no row loops)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clusterbrain.demo.chains import FOREIGN_COUNTRIES, layout

__all__ = ["TAGS", "external_ids", "firm_ids", "firm_names", "scopes", "tag_strings"]

TAGS = ("规上", "高新技术企业", "专精特新", "小巨人", "listed")
"""Firm tags in bit order of the tag codes (bit 0 = 规上)."""

_BRAND_1 = tuple("恒华瑞鑫宏达远新安正盛泰诚嘉博科创锦润源德弘卓立启星辰晟睿凯航腾信和宇元晶微芯能天海蓝金中联同汇众")
_BRAND_2 = tuple("达华通源泰科航信宇诚辉盛邦威凯利丰瑞昌隆成峰川合越拓光驰图纳智尚峻铭阳达锐钧翔易途雅")
_FOREIGN_BRAND = tuple("樱田 北辰 富岳 铃川 大成 汉江 新罗 晨星 莱茵 博格 施泰 奥德 艾伦 凯斯 帕克 诺威".split())
_SUFFIX = ("科技有限公司", "有限公司", "技术有限公司", "科技有限公司", "实业有限公司")
_BIG_SUFFIX = ("股份有限公司", "集团有限公司")
_COUNTRY_SUFFIX = {"JP": "(日本)株式会社", "KR": "(韩国)株式会社", "DE": "(德国)有限公司", "US": "(美国)公司"}
_GENERIC = (
    "技术开发、技术咨询、技术服务、技术转让",
    "货物进出口、技术进出口",
    "电子产品、机械设备的销售；信息技术咨询服务",
    "新材料技术研发；工程和技术研究和试验发展",
)
_LEGAL = "(依法须经批准的项目,经相关部门批准后方可开展经营活动)"
_ACTIVITY = {
    "material": "的研发、生产和销售",
    "equipment": "的研发、制造、销售及技术服务",
    "component": "的研发、生产和销售",
    "system": "的研发、集成、销售及运维服务",
    "application": "的研发、制造和销售",
    "service": "的开发、技术服务及技术转让",
    "recycling": "的回收、处理及综合利用",
}
_EXTERNAL_PER_NODE = 5


def _take(vocab: tuple[str, ...] | list[str], idx: np.ndarray) -> pa.Array:
    return pa.array(vocab, pa.string()).take(pa.array(idx.astype(np.int64)))


def firm_ids(county: np.ndarray, index: np.ndarray, county_ids: np.ndarray) -> pa.Array:
    """Return ``'DEMO'`` + 6-digit county code (``000000`` abroad) + 8-digit serial.

    Parameters
    ----------
    county : ndarray of int
        County index of each firm (``-1`` for a firm abroad).
    index : ndarray of int
        Zero-based firm number; the serial is ``index + 1``.
    county_ids : ndarray of str
        County region ids by county index.
    """
    codes = [*county_ids.tolist(), "000000"]
    pos = np.where(county < 0, len(codes) - 1, county)
    serial = pc.utf8_lpad(pc.cast(pa.array(index.astype(np.int64) + 1), pa.string()), 8, "0")
    return pc.binary_join_element_wise("DEMO", _take(codes, pos), serial, "")


def external_ids(node: np.ndarray, k: np.ndarray) -> pa.Array:
    """Return ids of suppliers outside the firms table: ``'DEMOEXT'`` + 2-digit node + 9-digit serial."""
    nn = pc.utf8_lpad(pc.cast(pa.array(node.astype(np.int64)), pa.string()), 2, "0")
    kk = pc.utf8_lpad(pc.cast(pa.array(k.astype(np.int64) + 1), pa.string()), 9, "0")
    return pc.binary_join_element_wise("DEMOEXT", nn, kk, "")


def external_per_node() -> int:
    """Return the number of distinct external suppliers per chain node."""
    return _EXTERNAL_PER_NODE


def _vocabulary(words: list[tuple[str, ...]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every node's words flattened, with each node's offset and number of words in that list."""
    counts = np.array([len(w) for w in words], dtype=np.int64)
    return [w for ws in words for w in ws], np.concatenate([[0], np.cumsum(counts)[:-1]]), counts


def _draw(rng: np.random.Generator, n: int, counts: np.ndarray) -> np.ndarray:
    """One uniform draw in ``range(counts[i])`` per row."""
    return rng.integers(0, 1 << 30, n) % np.maximum(counts, 1)


def firm_names(rng: np.random.Generator, node: np.ndarray, employees: np.ndarray, country: np.ndarray) -> pa.Array:
    """Return Chinese-looking firm names, each starting with ``示例`` (synthetic) and naming a keyword of its node."""
    n = len(node)
    vocab, offsets, counts = _vocabulary([x.name_words for x in layout().nodes])
    word = offsets[node] + _draw(rng, n, counts[node])
    b1 = rng.integers(0, len(_BRAND_1), n)
    b2 = rng.integers(0, len(_BRAND_2), n)
    small = rng.integers(0, len(_SUFFIX), n)
    big = rng.integers(0, len(_BIG_SUFFIX), n)
    suffix = pc.if_else(pa.array(employees >= 1000), _take(_BIG_SUFFIX, big), _take(_SUFFIX, small))
    words = _take(vocab, word)
    domestic = pc.binary_join_element_wise("示例", _take(_BRAND_1, b1), _take(_BRAND_2, b2), words, suffix, "")
    foreign_suffix = [_COUNTRY_SUFFIX[c] for c in FOREIGN_COUNTRIES]
    fb = rng.integers(0, len(_FOREIGN_BRAND), n)
    foreign = pc.binary_join_element_wise(
        "示例", _take(_FOREIGN_BRAND, fb), words, _take(foreign_suffix, np.maximum(country - 1, 0)), ""
    )
    return pc.if_else(pa.array(country > 0), foreign, domestic)


def scopes(rng: np.random.Generator, node: np.ndarray) -> pa.Array:
    """Return business-scope texts (经营范围) naming one or two keywords of the firm's chain node.

    ``{word}、{other word}{activity}；{generic clause}{legal note}``, the activity by node kind.
    """
    nodes = layout().nodes
    vocab, offsets, counts = _vocabulary([x.scope_words for x in nodes])
    k, start = counts[node], offsets[node]
    first = _draw(rng, len(node), k)
    # A second, different word of the node where it has one.
    second = (first + 1 + _draw(rng, len(node), k - 1)) % k
    pair = pc.if_else(
        pa.array(k > 1),
        pc.binary_join_element_wise(_take(vocab, start + first), _take(vocab, start + second), "、"),
        _take(vocab, start + first),
    )
    activity = _take([_ACTIVITY[x.kind] for x in nodes], node)
    g = rng.integers(0, len(_GENERIC), len(node))
    return pc.binary_join_element_wise(pair, activity, "；", _take(_GENERIC, g), _LEGAL, "")


def tag_strings(codes: np.ndarray) -> pa.Array:
    """Return the ``;``-separated tag text of each tag bit code (null when there is no tag)."""
    vocab = [";".join(t for b, t in enumerate(TAGS) if m >> b & 1) or None for m in range(1 << len(TAGS))]
    return pa.array(vocab, pa.string()).take(pa.array(codes.astype(np.int64)))
