"""The firm services on a workspace: read the tables once, then check, screen, evaluate and match."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import yaml

from clusterbrain.exceptions import InputValidationError, InvalidParameterError, Problem
from clusterbrain.store.frames import firm_services_frames, links_frame
from clusterbrain.store.headers import normalise_header
from clusterbrain.store.readers import open_tabular
from clusterbrain.workflow.evidence import plain
from clusterbrain.workflow.firms._regions import ancestor_at, descendants
from clusterbrain.workflow.firms.fields import DECLARED, derive_fields
from clusterbrain.workflow.firms.health import (
    HEALTH_INDICATORS,
    MUJUN_COLUMNS,
    SRDI_COLUMNS,
    HealthChecks,
    peer_percentiles,
)
from clusterbrain.workflow.firms.mujun import MujunEvaluation, MujunRules, evaluate_mujun, load_mujun_rules
from clusterbrain.workflow.firms.panel import indicator_trends, latest_years
from clusterbrain.workflow.firms.policies import Policy, PolicyMatches, match_policies, parse_policies
from clusterbrain.workflow.firms.risks import link_locality, supply_risk_flags
from clusterbrain.workflow.firms.srdi import SrdiRules, SrdiScreening, load_srdi_rules, screen_srdi

__all__ = ["FirmData", "check_firms", "evaluate_firms", "load_firm_data", "match_firm_policies",
           "node_positions", "read_facts", "read_policy_file", "screen_firms"]  # fmt: skip


@dataclass(frozen=True, eq=False)
class FirmData:
    """The workspace tables of the firm services, read once; ``frame`` has every derived field."""

    frame: pd.DataFrame
    firm_years: pd.DataFrame
    links: pd.DataFrame
    policies: pd.DataFrame
    regions: pd.DataFrame
    chain: pd.DataFrame

    def select(self, *, firm_ids: Sequence[str] | None = None, region_id: str | None = None) -> np.ndarray:
        """Boolean mask of the firms asked for: by id, or in a region (and those below it), or all."""
        if firm_ids is not None:
            wanted = set(firm_ids)
            missing = wanted - set(self.frame["firm_id"])
            if missing:
                raise InvalidParameterError(f"no firm {sorted(missing)[0]!r} in the workspace")
            return self.frame["firm_id"].isin(wanted).to_numpy()
        if region_id is not None:
            if region_id not in set(self.regions["region_id"]):
                raise InvalidParameterError(f"no region {region_id!r} in the workspace")
            return self.frame["region_id"].isin(descendants(self.regions, region_id)).to_numpy()
        return np.ones(len(self.frame), dtype=bool)


def node_positions(firms: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    r"""Each firm's chain nodes with its share and rank of the node's revenue among all firms mapped to it.

    .. math:: s_{i} = R_i / \sum_{j \in node(i)} R_j
    """
    cols = ["firm_id", "chain_id", "node_id", "node_firms", "node_share", "node_rank"]
    if assignments.empty:
        return pd.DataFrame(columns=cols)
    a = assignments[["firm_id", "chain_id", "node_id"]].dropna(subset=["node_id"])
    a = a.merge(firms[["firm_id", "revenue"]], on="firm_id", how="left")
    g = a.groupby(["chain_id", "node_id"], sort=False)["revenue"]
    a["node_firms"] = g.transform("size")
    a["node_share"] = a["revenue"] / g.transform("sum").where(lambda s: s > 0)
    a["node_rank"] = g.rank(ascending=False, method="min")
    return a[cols].sort_values(["firm_id", "chain_id"], kind="stable").reset_index(drop=True)


def load_firm_data(
    con: duckdb.DuckDBPyConnection, *, year: int | None = None, peer_level: str = "province"
) -> FirmData:
    """Read firms, panel, links, policies, regions and stored chain mappings; derive every field.

    ``year`` is the reference year of firm ages (default: the last panel year, else today's).
    """
    frames = {k: _objects(v) for k, v in firm_services_frames(con).items()}
    panel = frames["firm_years"]
    firms = frames["firms"].merge(latest_years(panel).drop(columns="ref_year"), on="firm_id", how="left")
    ref = year if year is not None else (int(panel["year"].max()) if not panel.empty else None)
    frame = derive_fields(firms, year=ref)
    frame["ref_year"] = ref
    frame["peer_region"] = ancestor_at(frames["regions"], frame["region_id"], peer_level).fillna(frame["region_id"])
    assignments = con.sql("SELECT firm_id, chain_id, node_id FROM firm_nodes ORDER BY firm_id, chain_id").df()
    chain = node_positions(frame, assignments)
    if not chain.empty:
        best = chain.sort_values("node_share", ascending=False).drop_duplicates("firm_id").set_index("firm_id")
        frame["node_share"] = frame["firm_id"].map(best["node_share"])
        frame["node_rank"] = frame["firm_id"].map(best["node_rank"])
        frame = frame.merge(best[["chain_id", "node_id"]], left_on="firm_id", right_index=True, how="left")
    frame["on_chain"] = frame["firm_id"].isin(set(chain["firm_id"])).astype(float)
    return FirmData(frame, panel, _objects(links_frame(con)), frames["policies"], frames["regions"], chain)


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects: grouping, ``isin`` and row access on them are much faster."""
    text = [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c].dtype) and frame[c].dtype != object]
    return frame.astype(dict.fromkeys(text, object)) if text else frame


def _scopes(data: FirmData, policies: Sequence[Policy]) -> dict[str, set[str]]:
    known = set(data.regions["region_id"])
    return {p.policy_id: descendants(data.regions, p.region_id) if p.region_id in known else {p.region_id}
            for p in policies if p.region_id is not None}  # fmt: skip


def match_firm_policies(
    data: FirmData,
    *,
    firm_ids: Sequence[str] | None = None,
    region_id: str | None = None,
    policies: Sequence[Policy] | None = None,
    as_of: dt.date | None = None,
) -> PolicyMatches:
    """Match the selected firms to the workspace's policies (or ``policies``, e.g. from :func:`read_policy_file`)."""
    chosen = list(policies) if policies is not None else parse_policies(data.policies, source="workspace:policies")
    frame = data.frame[data.select(firm_ids=firm_ids, region_id=region_id)].reset_index(drop=True)
    return match_policies(frame, chosen, scopes=_scopes(data, chosen), as_of=as_of)


def check_firms(
    data: FirmData,
    *,
    firm_ids: Sequence[str] | None = None,
    region_id: str | None = None,
    code_digits: int = 4,
    as_of: dt.date | None = None,
    srdi_rules: SrdiRules | None = None,
    mujun_rules: MujunRules | None = None,
) -> HealthChecks:
    """Health checks of the selected firms; percentiles are among all firms of the workspace.

    The 专精特新 readiness uses ``srdi_rules`` (default: the edition in force on ``as_of``, today
    without it) with the workspace's facts only, so undeclared conditions stay "to confirm".
    The 亩均 class uses ``mujun_rules`` (default: the built-in county template), each firm
    evaluated among all firms of its own region, as a county evaluates its firms.
    """
    pct = peer_percentiles(data.frame, HEALTH_INDICATORS, code_digits=code_digits)
    full = pd.concat([data.frame, pct], axis=1)
    mask = data.select(firm_ids=firm_ids, region_id=region_id)
    frame = full[mask].reset_index(drop=True)
    ids = set(frame["firm_id"])
    panel = data.firm_years[data.firm_years["firm_id"].isin(ids)]
    trends = (
        indicator_trends(panel, HEALTH_INDICATORS[1:] + ("revenue",))
        if not panel.empty
        else pd.DataFrame(columns=["firm_id"])
    )
    local = descendants(data.regions, region_id) if region_id is not None else set(frame["peer_region"].dropna()) | set(
        data.frame.loc[data.frame["peer_region"].isin(set(frame["peer_region"])), "region_id"].dropna())  # fmt: skip
    links = data.links[data.links["customer_id"].isin(ids) | data.links["supplier_id"].isin(ids)]
    locality = link_locality(links, data.frame, local)
    risks = supply_risk_flags(links[links["customer_id"].isin(ids)], data.frame)
    matches = match_firm_policies(data, firm_ids=sorted(ids), as_of=as_of) if not data.policies.empty else None
    eligible = matches.table[matches.table["eligible"]] if matches is not None else pd.DataFrame(columns=["firm_id"])
    if matches is not None:
        benefit = {p.policy_id: p.benefit for p in matches.policies}
        eligible = eligible.assign(benefit=eligible["policy_id"].map(benefit))
    rules = srdi_rules or load_srdi_rules(as_of=as_of)
    srdi = screen_srdi(frame, rules).table[list(SRDI_COLUMNS)]
    mujun = mujun_rules or load_mujun_rules()
    county = data.frame[data.frame["region_id"].isin(set(frame["region_id"]))].reset_index(drop=True)
    classes = evaluate_mujun(county, mujun, by="region_id", sensitivity=False).firms
    classes = classes[classes["firm_id"].isin(ids)][list(MUJUN_COLUMNS)]
    settings = {"code_digits": code_digits, "as_of": (as_of or dt.date.today()).isoformat(),
                "local_region": region_id, "percentile": "share of industry peers the firm does at least as well as",
                "srdi_rules": {"id": rules.id, "edition": rules.edition, "max_missed": rules.max_missed,
                               "max_relative_gap": rules.max_relative_gap,
                               "criteria": {lv.id: {c.id: {"name_zh": c.name_zh, "name_en": c.name_en}
                                                    for c in lv.criteria} for lv in rules.levels},
                               "verified": all(c.verified for lv in rules.levels for c in lv.criteria)},
                "mujun_rules": {"id": mujun.id, "version": mujun.version, "verified": bool(mujun.document.get("verified")),
                                "scope": "each firm among the firms of its own region",
                                "groups": {g.id: {"name_zh": g.name_zh, "name_en": g.name_en} for g in mujun.groups},
                                "exemptions": {str(e["id"]): {"name_zh": e.get("name_zh"), "name_en": e.get("name_en")}
                                               for e in mujun.exemptions},
                                "measures": plain(mujun.measures)}}  # fmt: skip
    chain = data.chain[data.chain["firm_id"].isin(ids)]
    return HealthChecks(frame, trends, chain, locality[locality["firm_id"].isin(ids)], risks, eligible, srdi, classes,
                        settings)  # fmt: skip


def read_facts(path: str | Path) -> pd.DataFrame:
    """Declared firm facts (``firm_id`` + any of the declared fields) from CSV/XLSX/Parquet."""
    source = open_tabular(Path(path))
    table = pa.Table.from_batches(list(source.batches()))
    header = [normalise_header(h) for h in source.header]
    if "firm_id" not in header:
        raise InputValidationError(
            [Problem(Path(path).name, 1, "firm_id", None, "required column 'firm_id' is missing")]
        )
    declared = {f.key for f in DECLARED}
    unknown = [h for h in header if h not in declared | {"firm_id"}]
    if unknown:
        raise InputValidationError([Problem(Path(path).name, 1, h, None, "not a declared field") for h in unknown])
    frame = pd.DataFrame({h: table.column(i + 1).to_pandas() for i, h in enumerate(header)})
    for h in header[1:] if header[0] == "firm_id" else [h for h in header if h != "firm_id"]:
        frame[h] = pd.to_numeric(frame[h], errors="coerce")
    frame["firm_id"] = frame["firm_id"].astype(str).str.strip()
    return frame


def _with_facts(frame: pd.DataFrame, facts: pd.DataFrame | None) -> pd.DataFrame:
    if facts is None:
        return frame
    merged = frame.drop(columns=[c for c in facts.columns if c != "firm_id"]).merge(facts, on="firm_id", how="left")
    return merged


def screen_firms(
    data: FirmData, *, region_id: str | None = None, rules: SrdiRules | None = None, facts: pd.DataFrame | None = None
) -> SrdiScreening:
    """专精特新 screening of the firms in ``region_id`` (all firms without it)."""
    frame = _with_facts(data.frame[data.select(region_id=region_id)].reset_index(drop=True), facts)
    return screen_srdi(frame, rules or load_srdi_rules())


def evaluate_firms(
    data: FirmData, *, region_id: str | None = None, rules: MujunRules | None = None, each_region: bool = False
) -> MujunEvaluation:
    """亩均 evaluation of the firms in ``region_id`` (benchmarks over the region's evaluated firms).

    With ``each_region`` every region below ``region_id`` that holds firms (a county of a city)
    is evaluated on its own, as each county evaluates its firms.
    """
    frame = data.frame[data.select(region_id=region_id)].reset_index(drop=True)
    return evaluate_mujun(frame, rules or load_mujun_rules(), by="region_id" if each_region else None)


def read_policy_file(path: str | Path) -> list[Policy]:
    """Policies from a file: JSON or YAML (a list of policy objects) or CSV/XLSX/Parquet (``rules`` as JSON text).

    Raises
    ------
    InputValidationError
        For a bad rule: the file, the row, the policy, the path in the rule, the bad value and why.
    """
    p = Path(path)
    if p.suffix.lower() in (".json", ".yaml", ".yml"):
        if not p.is_file():
            raise InputValidationError([Problem(p.name, None, None, str(p), "no such file")])
        text = p.read_text(encoding="utf-8")
        try:
            doc = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise InputValidationError([Problem(p.name, None, None, None, f"not valid JSON/YAML: {exc}")]) from exc
        if isinstance(doc, dict) and isinstance(doc.get("policies"), list):
            doc = doc["policies"]
        if not isinstance(doc, list) or not all(isinstance(d, dict) for d in doc):
            raise InputValidationError([Problem(p.name, None, None, None, "expected a list of policy objects")])
        return parse_policies(doc, source=p.name)
    source = open_tabular(p)
    table = pa.Table.from_batches(list(source.batches()))
    header = [normalise_header(h) for h in source.header]
    frame = pd.DataFrame({h: table.column(i + 1).to_pandas() for i, h in enumerate(header)})
    return parse_policies(frame, source=p.name)
