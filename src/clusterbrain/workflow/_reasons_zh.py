"""Chinese wording of the chain engine's status and gap reasons (the engine states them in English)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = ["reason_zh"]

_STATUS_ZH = {"weak": "薄弱", "missing": "缺失", "foreign_dependent": "对外依赖", "present": "已有", "strong": "优势"}

_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Mapping[str, str]], str]]
_RULES: tuple[_Rule, ...] = (
    (re.compile(r"^no local firm$"), lambda m, n: "本地无企业"),
    (re.compile(r"^no activity in the node's codes$"), lambda m, n: "本地无该环节对应行业的活动"),
    (
        re.compile(r"^abroad share of purchases of its product (\S+) >= (\S+)$"),
        lambda m, n: f"本地采购该环节产品的境外占比 {m[1]} ≥ {m[2]}",
    ),
    (re.compile(r"^abroad share of its inputs (\S+) >= (\S+)$"), lambda m, n: f"该环节投入的境外占比 {m[1]} ≥ {m[2]}"),
    (
        re.compile(r"^share of one foreign supplier (?:of purchases of its product|of its inputs) (\S+) >= (\S+)$"),
        lambda m, n: f"单一境外供应商占比 {m[1]} ≥ {m[2]}",
    ),
    (re.compile(r"^(\d+) local firm\(s\) < (\d+)$"), lambda m, n: f"本地仅 {m[1]} 家企业(少于 {m[2]} 家)"),
    (re.compile(r"^location ratio (\S+) < (\S+)$"), lambda m, n: f"区位比 {m[1]} < {m[2]}"),
    (re.compile(r"^location quotient (\S+) < (\S+)$"), lambda m, n: f"区位商 {m[1]} < {m[2]}"),
    (
        re.compile(r"^(\w+) node next to established node\(s\) (.+), high value added$"),
        lambda m, n: (
            "与已有环节("
            + "、".join(n.get(x.strip(), x.strip()) for x in m[2].split(","))
            + f")相邻的{_STATUS_ZH.get(m[1], m[1])}高附加值环节"
        ),
    ),
)


def reason_zh(reason: str, names: Mapping[str, str] | None = None) -> str:
    """The Chinese wording of an engine reason; node ids become names from ``names``.

    >>> reason_zh("location ratio 0.27 < 0.5")
    '区位比 0.27 < 0.5'
    >>> reason_zh("missing node next to established node(s) a, b, high value added", {"a": "正极材料"})
    '与已有环节(正极材料、b)相邻的缺失高附加值环节'
    """
    for pattern, build in _RULES:
        match = pattern.match(reason)
        if match:
            return build(match, names or {})
    return reason
