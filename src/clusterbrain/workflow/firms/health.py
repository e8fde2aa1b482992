"""Firm health check (企业体检报告): indicators with peer percentiles and trends, chain place, risks, policies, 专精特新.

Everything is computed for all firms at once (grouped ranks, grouped least squares, grouped
link sums); :meth:`HealthChecks.document` only assembles one firm's JSON document from the
precomputed tables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clusterbrain.workflow.evidence import Evidence, Finding, plain
from clusterbrain.workflow.firms.fields import FIELDS, UNITS_EN

__all__ = ["HEALTH_INDICATORS", "MUJUN_COLUMNS", "SRDI_COLUMNS", "HealthChecks", "peer_percentiles"]

HEALTH_INDICATORS = (
    "revenue_growth", "rd_intensity", "invention_patents_per_100", "labour_productivity", "tax_per_mu",
    "value_added_per_mu", "energy_per_value_added", "export_share",
)  # fmt: skip
"""The indicators of the health check, in report order."""
SRDI_COLUMNS = ("firm_id", "level", "level_zh", "level_en", "status", "status_zh", "status_en", "missed", "unknown",
                "missed_detail", "missed_detail_en", "unknown_detail", "unknown_detail_en", "max_relative_gap")  # fmt: skip
"""The columns of the 专精特新 screening a health check keeps (see :func:`~clusterbrain.workflow.firms.srdi.screen_srdi`)."""
MUJUN_COLUMNS = ("firm_id", "group", "evaluated", "exemption", "score", "rank_in_group", "firms_in_group", "class")
"""The columns of the 亩均 evaluation a health check keeps (see :func:`~clusterbrain.workflow.firms.mujun.evaluate_mujun`)."""


def peer_percentiles(
    frame: pd.DataFrame, keys: Sequence[str], *, code_digits: int = 4, region_column: str = "peer_region"
) -> pd.DataFrame:
    r"""Percentile of each firm among its peers: same industry (code prefix of ``code_digits``), in its region and nation-wide.

    The percentile is the share of peers (with a value) that the firm does at least as well as,

    .. math:: P_i = \frac{\operatorname{rank}_i}{n_g} \in (0, 1],

    ranks averaged over ties and taken so that better is higher (for energy per value added,
    lower is better). Peers of a firm in the region share its ``region_column`` value
    (e.g. its province); nation-wide peers are all firms of the frame in the industry.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``frame``: per key ``{key}_pct_region``, ``{key}_pct_nation``,
        ``{key}_median_region``, ``{key}_median_nation``, ``{key}_peers_region``, ``{key}_peers_nation``.

    >>> f = pd.DataFrame({"industry_code": ["3841"] * 4, "peer_region": ["A", "A", "B", "B"],
    ...                   "rd_intensity": [0.01, 0.03, 0.02, None]})
    >>> peer_percentiles(f, ["rd_intensity"])[["rd_intensity_pct_region", "rd_intensity_pct_nation"]].values.tolist()
    [[0.5, 0.3333333333333333], [1.0, 1.0], [1.0, 0.6666666666666666], [nan, nan]]
    """
    industry = frame["industry_code"].astype("string").str.slice(0, code_digits).fillna("?")
    region = (
        frame[region_column].astype("string").fillna("?") if region_column in frame else industry.map(lambda _: "?")
    )
    out = pd.DataFrame(index=frame.index)
    for key in keys:
        x = pd.to_numeric(frame[key], errors="coerce")
        better = -x if FIELDS[key].higher_is_better is False else x
        for scope, groups in (("region", [industry, region]), ("nation", [industry])):
            g = better.groupby(groups, sort=False)
            out[f"{key}_pct_{scope}"] = g.rank(pct=True, method="average")
            out[f"{key}_median_{scope}"] = x.groupby(groups, sort=False).transform("median")
            out[f"{key}_peers_{scope}"] = g.transform("count")
    return out


@dataclass(frozen=True, eq=False)
class HealthChecks:
    """The health check of a set of firms; :meth:`document` gives one firm's JSON document.

    ``frame`` holds every firm with its indicators and peer percentiles; ``trends`` the
    long trend table (:func:`~clusterbrain.workflow.firms.panel.indicator_trends`);
    ``chain`` the firms' chain nodes with node share and rank; ``locality`` local versus
    external suppliers and customers; ``risks`` the supply risk flags; ``policies`` the
    eligible policies per firm (``firm_id, policy_id, policy_name, met_zh, met_en``);
    ``srdi`` the 专精特新 screening per firm and level (:data:`SRDI_COLUMNS`); ``mujun`` the
    亩均 evaluation of each firm within its region (:data:`MUJUN_COLUMNS`).
    """

    frame: pd.DataFrame
    trends: pd.DataFrame
    chain: pd.DataFrame
    locality: pd.DataFrame
    risks: pd.DataFrame
    policies: pd.DataFrame
    srdi: pd.DataFrame
    mujun: pd.DataFrame
    settings: dict[str, Any]

    def __post_init__(self) -> None:
        # Column lists of plain Python values built once, so that each document is a handful of list reads.
        base = ["firm_id", "name", "region_id", "industry_code", "tags", "ref_year", *HEALTH_INDICATORS]
        base += [
            f"{k}_{m}_{s}" for k in HEALTH_INDICATORS for m in ("pct", "median", "peers") for s in ("region", "nation")
        ]
        wide = self.frame[[c for c in base if c in self.frame]]
        if not self.trends.empty:
            t = self.trends.pivot(
                index="firm_id",
                columns="indicator",
                values=["direction", "slope", "relative_slope", "first_year", "last_year", "n_years"],
            )
            t.columns = [f"trend_{pair[1]}_{pair[0]}" for pair in t.columns]
            wide = wide.merge(t, left_on="firm_id", right_index=True, how="left")
        for extra in (self.locality, self.risks):
            if not extra.empty:
                wide = wide.merge(extra, on="firm_id", how="left")
        cols = {c: [None if isinstance(v, float) and v != v else v for v in wide[c].tolist()] for c in wide.columns}
        object.__setattr__(self, "_cols", cols)
        object.__setattr__(self, "_pos", {f: i for i, f in enumerate(cols["firm_id"])})
        object.__setattr__(self, "_chain", _by_firm(self.chain))
        object.__setattr__(self, "_policies", _by_firm(self.policies))
        object.__setattr__(self, "_srdi", _by_firm(self.srdi))
        object.__setattr__(self, "_mujun", {firm: rows[0] for firm, rows in _by_firm(self.mujun).items()})

    @property
    def firm_ids(self) -> list[str]:
        """The firms checked, in order."""
        return self.frame["firm_id"].astype(str).tolist()

    def index(self) -> pd.DataFrame:
        """One summary row per firm (for the batch index CSV)."""
        cols = ["firm_id", "name", "region_id", "industry_code", *HEALTH_INDICATORS]
        out = self.frame[cols].copy()
        risks = self.risks.set_index("firm_id")
        out["supplier_hhi"] = out["firm_id"].map(risks["supplier_hhi"]) if not risks.empty else None
        for key in ("foreign_sole_source", "unknown_origin_sole_source"):
            out[key] = out["firm_id"].map(risks[key]) if not risks.empty else None
        out["eligible_policies"] = out["firm_id"].map(self.policies.groupby("firm_id").size()).fillna(0).astype(int)
        return out

    def documents(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(firm_id, document)`` for every firm checked."""
        for firm_id in self.firm_ids:
            yield firm_id, self.document(firm_id)

    def document(self, firm_id: str) -> dict[str, Any]:
        """The health-check report of one firm as plain JSON data."""
        cols: dict[str, list[Any]] = self._cols  # type: ignore[attr-defined]
        i = self._pos[firm_id]  # type: ignore[attr-defined]

        def get(col: str) -> Any:
            values = cols.get(col)
            return None if values is None else values[i]

        indicators = [_indicator(key, get) for key in HEALTH_INDICATORS]
        risk = {k: get(k) for k in _RISK_KEYS} if "supplier_hhi" in cols and get("suppliers") is not None else None
        locality = {k: get(k) for k in _LINK_KEYS} if "suppliers_local" in cols else None
        policies = self._policies.get(firm_id, [])  # type: ignore[attr-defined]
        srdi = [_srdi_level(r) for r in self._srdi.get(firm_id, [])]  # type: ignore[attr-defined]
        mujun = _mujun_class(self._mujun.get(firm_id), self.settings.get("mujun_rules") or {})  # type: ignore[attr-defined]
        return {
            "firm_id": firm_id,
            "name": get("name"),
            "region_id": get("region_id"),
            "industry_code": get("industry_code"),
            "tags": [t for t in str(get("tags") or "").split(";") if t],
            "year": get("ref_year"),
            "units": {"money": "万元 (10k CNY)", "land": "亩 (mu)", "energy": "吨标准煤 (tce)"},
            "settings": self.settings,
            "indicators": indicators,
            "chain": [{k: plain(v) for k, v in c.items() if k != "firm_id"} for c in self._chain.get(firm_id, [])],  # type: ignore[attr-defined]
            "links": locality,
            "risks": risk,
            "policies": [
                {
                    "policy_id": p["policy_id"],
                    "name": p["policy_name"],
                    "benefit": p.get("benefit"),
                    "reason_zh": p["met_zh"],
                    "reason_en": p["met_en"],
                }
                for p in policies
            ],  # fmt: skip
            "srdi": {"rules": self.settings.get("srdi_rules"), "levels": srdi},
            "mujun": mujun,
            "findings": [f.to_dict() for f in _findings(indicators, risk, srdi, self.settings.get("srdi_rules"))
                         + _mujun_findings(mujun)],  # fmt: skip
        }


_RISK_KEYS = ("suppliers", "input_value", "supplier_hhi", "supplier_concentration", "foreign_sole_source_inputs",
              "foreign_sole_source", "unknown_origin_sole_source_inputs", "unknown_origin_sole_source")  # fmt: skip
_LINK_KEYS = ("suppliers_local", "suppliers_external", "purchases_local_share", "customers_local",
              "customers_external", "sales_local_share")  # fmt: skip


def _by_firm(table: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if table.empty:
        return out
    for rec in table.to_dict("records"):
        out.setdefault(str(rec["firm_id"]), []).append({str(k): v for k, v in rec.items()})
    return out


def _indicator(key: str, get: Any) -> dict[str, Any]:
    f = FIELDS[key]
    direction = get(f"trend_{key}_direction")
    return {
        "key": key, "name_zh": f.name_zh, "name_en": f.name_en, "unit": f.unit, "unit_en": UNITS_EN.get(f.unit, f.unit),
        "higher_is_better": f.higher_is_better, "value": get(key),
        "peers": {scope: {"percentile": get(f"{key}_pct_{scope}"), "median": get(f"{key}_median_{scope}"),
                          "firms": get(f"{key}_peers_{scope}")} for scope in ("region", "nation")},
        "trend": None if direction is None else {w: get(f"trend_{key}_{w}") for w in ("direction", "slope",
                                                 "relative_slope", "first_year", "last_year", "n_years")},
    }  # fmt: skip


def _srdi_level(row: dict[str, Any]) -> dict[str, Any]:
    """One level of a firm's 专精特新 screening: status, missed and unknown criteria with their reasons."""
    gap = row.get("max_relative_gap")
    return {
        "level": row["level"], "name_zh": row["level_zh"], "name_en": row["level_en"], "status": row["status"],
        "status_zh": row["status_zh"], "status_en": row["status_en"],
        "missed": [c for c in str(row.get("missed") or "").split(";") if c],
        "unknown": [c for c in str(row.get("unknown") or "").split(";") if c],
        "missed_detail": row.get("missed_detail") or "", "missed_detail_en": row.get("missed_detail_en") or "",
        "unknown_detail": row.get("unknown_detail") or "", "unknown_detail_en": row.get("unknown_detail_en") or "",
        "max_relative_gap": None if gap is None or gap != gap else float(gap),
    }  # fmt: skip


def _mujun_class(row: dict[str, Any] | None, rules: dict[str, Any]) -> dict[str, Any] | None:
    """A firm's 亩均 result: group, class, score and rank in its region, or why it is not evaluated."""
    if row is None or not isinstance(row.get("group"), str):
        return None
    cls, score = row.get("class"), row.get("score")
    group = (rules.get("groups") or {}).get(row["group"]) or {}
    exemption = row.get("exemption") if isinstance(row.get("exemption"), str) else None
    reason = (rules.get("exemptions") or {}).get(exemption) or {} if exemption else {}
    return {
        "rules": {k: rules.get(k) for k in ("id", "version", "verified", "scope")},
        "group": row["group"], "group_zh": group.get("name_zh"), "group_en": group.get("name_en"),
        "evaluated": bool(row.get("evaluated")), "exemption": exemption,
        "exemption_zh": reason.get("name_zh"), "exemption_en": reason.get("name_en"),
        "class": cls, "score": None if score is None or score != score else float(score),
        "rank": None if row.get("rank_in_group") != row.get("rank_in_group") else row.get("rank_in_group"),
        "of": row.get("firms_in_group"),
        "measures": ((rules.get("measures") or {}).get(cls) or {}) if cls else {},
    }  # fmt: skip


def _mujun_findings(mujun: dict[str, Any] | None) -> list[Finding]:
    """A 亩均 class A is a strength, C or D a shortcoming, with the score and rank as evidence."""
    if mujun is None or mujun["class"] not in ("A", "C", "D"):
        return []
    cls, score, rank, of = mujun["class"], mujun["score"], mujun["rank"], mujun["of"]
    evidence = (Evidence("mujun_score", score, benchmark=100.0, source="firms"),
                Evidence("mujun_rank", rank, benchmark=of, source="firms"))  # fmt: skip
    text_zh = f"亩均效益综合评价为{cls}类（得分 {score:.1f}，本地区同类企业第 {rank:.0f}/{of:.0f} 名）"
    text_en = f"per-mu performance class {cls} (score {score:.1f}, rank {rank:.0f} of {of:.0f} in its region)"
    if cls == "A":
        return [Finding("mujun_class", "strength", text_zh, text_en, evidence, 0, {"class": cls})]
    return [Finding("mujun_class", "shortcoming", text_zh, text_en, evidence, 2 if cls == "D" else 1, {"class": cls})]


def _findings(
    indicators: list[dict[str, Any]],
    risk: dict[str, Any] | None,
    srdi: Sequence[dict[str, Any]] = (),
    srdi_rules: dict[str, Any] | None = None,
) -> list[Finding]:
    out = []
    for ind in indicators:
        pct = ind["peers"]["region"]["percentile"]
        if pct is None or ind["peers"]["region"]["firms"] is None or ind["peers"]["region"]["firms"] < 5:
            continue
        ev = (Evidence(ind["key"], ind["value"], benchmark=ind["peers"]["region"]["median"], source="firms",
                       unit=ind["unit"]), Evidence("peer_percentile", pct, threshold=0.25 if pct < 0.5 else 0.75))  # fmt: skip
        if pct <= 0.25:
            out.append(Finding(f"weak_{ind['key']}", "shortcoming", f"{ind['name_zh']}处于同行后25%（分位 {pct:.0%}）",
                               f"{ind['name_en']} in the bottom quarter of peers (percentile {pct:.0%})", ev, 1))  # fmt: skip
        elif pct >= 0.75:
            out.append(Finding(f"strong_{ind['key']}", "strength", f"{ind['name_zh']}处于同行前25%（分位 {pct:.0%}）",
                               f"{ind['name_en']} in the top quarter of peers (percentile {pct:.0%})", ev, 0))  # fmt: skip
    if risk is not None and risk.get("supplier_concentration"):
        hhi = float(risk["supplier_hhi"])
        out.append(Finding("supplier_concentration", "risk", f"供应商集中度高（HHI {hhi:.2f}）",
                           f"concentrated suppliers (HHI {hhi:.2f})",
                           (Evidence("supplier_hhi", hhi, threshold=0.25, source="links"),), 2))  # fmt: skip
    if risk is not None and risk.get("foreign_sole_source"):
        inputs = str(risk["foreign_sole_source_inputs"])
        out.append(Finding("foreign_sole_source", "risk", f"以下投入仅有一家境外供应商：{inputs}",
                           f"inputs bought from a single foreign supplier: {inputs}",
                           (Evidence("foreign_sole_source_inputs", inputs.split(";"), source="links"),), 3,
                           {"inputs": inputs.split(";")}))  # fmt: skip
    if risk is not None and risk.get("unknown_origin_sole_source"):
        inputs = str(risk["unknown_origin_sole_source_inputs"])
        out.append(Finding("unknown_origin_sole_source", "risk",
                           f"以下投入仅有一家来源不明的供应商（不在企业库中，所在地待核实）：{inputs}",
                           f"inputs bought from a single supplier of unknown origin (not in the firms table; "
                           f"location to be confirmed): {inputs}",
                           (Evidence("unknown_origin_sole_source_inputs", inputs.split(";"), source="links"),), 2,
                           {"inputs": inputs.split(";")}))  # fmt: skip
    for level in srdi:
        if level["status"] == "near_eligible":
            gap = level["max_relative_gap"] or 0.0
            out.append(Finding(f"srdi_near_{level['level']}", "opportunity",
                               f"接近{level['name_zh']}认定条件，未满足：{level['missed_detail']}",
                               f"close to the criteria of a {level['name_en']}; missed: {level['missed_detail_en']}",
                               (Evidence("srdi_max_relative_gap", gap, source="firms",
                                         threshold=(srdi_rules or {}).get("max_relative_gap")),), 1,
                               {"level": level["level"], "missed": level["missed"]}))  # fmt: skip
    return out
