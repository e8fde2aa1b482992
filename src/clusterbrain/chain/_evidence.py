"""The evidence tables of :func:`clusterbrain.chain.map_firms`: one row per (firm, node, piece of evidence).

Every builder returns rows ``pos`` (the firm's position), ``node`` (index in the template),
``kind`` (index in :data:`METHODS`), ``conf`` and ``reason``; :func:`combine` merges them by
noisy-or and :func:`best` picks each firm's node.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from clusterbrain.chain._text import node_keywords, normalise, strip_company_suffixes
from clusterbrain.chain.template import ChainTemplate
from clusterbrain.exceptions import InvalidParameterError

__all__ = [
    "EVIDENCE_CONFIDENCE",
    "METHODS",
    "best",
    "check_frame",
    "clean",
    "code_evidence",
    "combine",
    "curated_matches",
    "evidence",
    "label_evidence",
    "overrides_of",
    "product_evidence",
    "text_evidence",
]

METHODS = ("override", "curated", "product", "name", "scope", "hint", "code", "label")
"""Kinds of evidence, strongest first; the ``method`` of a mapping is its strongest kind."""

EVIDENCE_CONFIDENCE = {
    "override": 1.0,
    "curated": 0.95,
    "product": 0.9,
    "name": 0.8,
    "scope": 0.6,
    "hint": 0.5,
    "code": 0.45,
    "code_prefix": 0.2,
}
"""Confidence of one piece of evidence (a business scope gains 0.05 per extra keyword, at most 0.1;
an industry label carries the prior of its crosswalk row)."""

_SCOPE_BONUS, _SCOPE_MAX_EXTRA = 0.05, 2
_CANDIDATE_MIN = 0.2
_KIND = {m: i for i, m in enumerate(METHODS)}
_WHERE = {1: "business scope mentions", 2: "tags mention", 3: "business scope and tags mention"}
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def check_frame(frame: object, name: str, columns: Sequence[str]) -> None:
    """Refuse a table that is not a DataFrame or lacks a column, naming what it has."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(
            f"The '{name}' parameter of map_firms must be a pandas DataFrame. Got {type(frame).__name__} instead."
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"The '{name}' parameter of map_firms lacks the column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, map(str, frame.columns)))}."
        )


def clean(values: pd.Series) -> pd.Series:
    """Text values stripped, missing ones as ``""``, on a fresh 0-based index."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip().reset_index(drop=True)


def _text(values: pd.Series) -> pd.Series:
    """Text values as Python strings (an empty column of any dtype included), for concatenation."""
    return values.astype(object).astype(str) if len(values) else pd.Series([], dtype=object)


def evidence(
    pos: Sequence[int] | pd.Series | np.ndarray,
    node: Sequence[int] | pd.Series | np.ndarray,
    kind: str,
    conf: Sequence[float] | np.ndarray | pd.Series | float,
    reason: Sequence[str] | np.ndarray | pd.Series | str,
) -> pd.DataFrame:
    """Evidence rows: firm position, node index, kind (index in METHODS), confidence, reason."""
    frame = pd.DataFrame({"pos": np.asarray(pos, dtype=np.int64), "node": np.asarray(node, dtype=np.int64)})
    frame["kind"] = np.int64(_KIND[kind])
    frame["conf"] = np.broadcast_to(np.asarray(conf, dtype=np.float64), len(frame))
    # Kept as Python strings (an object column): pandas would copy them into Arrow strings.
    frame["reason"] = pd.Series(np.broadcast_to(np.asarray(reason, dtype=object), len(frame)).copy(), dtype=object)
    return frame


def _chain_rows(table: pd.DataFrame, name: str, template: ChainTemplate) -> tuple[pd.DataFrame, pd.Series]:
    """The rows of ``table`` for this chain and their node indices (unknown node ids refused)."""
    rows = table[clean(table["chain_id"]).to_numpy() == template.id]
    node = clean(rows["node_id"])
    index = {n.id: i for i, n in enumerate(template.nodes)}
    unknown = sorted(set(node) - set(index))
    if unknown:
        raise InvalidParameterError(
            f"{name} name node(s) not in chain template {template.id!r}: {', '.join(map(repr, unknown))}; "
            f"its nodes are {', '.join(index)}."
        )
    return rows.reset_index(drop=True), node.map(index).astype(np.int64)


def overrides_of(
    overrides: pd.DataFrame | None, position: pd.Index, template: ChainTemplate
) -> tuple[pd.DataFrame, np.ndarray]:
    """Forced (pos, node) pairs and the positions of firms put off the chain."""
    none = pd.DataFrame({"pos": np.empty(0, np.int64), "node": np.empty(0, np.int64)})
    if overrides is None:
        return none, np.empty(0, np.int64)
    check_frame(overrides, "overrides", ("firm_id", "node_id"))
    node = clean(overrides["node_id"])
    index = {n.id: i for i, n in enumerate(template.nodes)}
    unknown = sorted(set(node[node != ""]) - set(index))
    if unknown:
        raise InvalidParameterError(
            f"overrides name node(s) not in chain template {template.id!r}: {', '.join(map(repr, unknown))}; "
            f"its nodes are {', '.join(index)}."
        )
    pos = position.get_indexer(pd.Index(overrides["firm_id"]))
    table = pd.DataFrame({"pos": pos, "node": node.map(index).fillna(-1).astype(np.int64).to_numpy()})
    table = table[table["pos"] >= 0].drop_duplicates()
    clash = table["pos"][table["pos"].duplicated()]
    if len(clash):
        shown = position.take(clash.unique()[:5]).tolist()
        raise InvalidParameterError(f"overrides give more than one node to firm(s) {shown}; keep one row per firm.")
    return table[table["node"] >= 0], np.sort(table.loc[table["node"] < 0, "pos"].to_numpy())


def _short_names(names: pd.Series) -> pd.Series:
    """Names folded like :func:`~clusterbrain.chain._text.normalise`, as whole columns."""
    return clean(names).str.translate(_FULL_WIDTH).str.lower().str.strip()


def curated_matches(curated: pd.DataFrame | None, names: pd.Series, template: ChainTemplate) -> pd.DataFrame:
    """Firms a curated entry names: ``pos``, ``node``, ``reason`` (one entry per firm, the first)."""
    if curated is None:
        return pd.DataFrame({"pos": np.empty(0, np.int64), "node": np.empty(0, np.int64), "reason": []})
    check_frame(curated, "curated", ("name", "chain_id", "node_id", "reason"))
    rows, node = _chain_rows(curated, "curated entries", template)
    aliases = pd.DataFrame({"alias": clean(rows["name"]).str.split("|"), "node": node, "reason": clean(rows["reason"])})
    aliases = aliases.explode("alias")
    aliases["alias"] = [strip_company_suffixes(normalise(a)) for a in aliases["alias"]]
    aliases = aliases[aliases["alias"] != ""].drop_duplicates("alias")
    short = _short_names(names)
    if not len(aliases):
        return pd.DataFrame({"pos": np.empty(0, np.int64), "node": np.empty(0, np.int64), "reason": []})
    # Only names holding an alias can equal one once their suffixes are gone: strip those alone.
    holds = short.str.contains("|".join(map(re.escape, aliases["alias"])), regex=True).to_numpy()
    pos = np.flatnonzero(holds)
    key = pd.DataFrame({"pos": pos, "alias": [strip_company_suffixes(n) for n in short.to_numpy()[pos]]})
    found = key.merge(aliases, on="alias").drop_duplicates("pos")
    return found[["pos", "node", "reason"]].astype({"pos": np.int64, "node": np.int64}).reset_index(drop=True)


def product_evidence(links: pd.DataFrame | None, position: pd.Index, template: ChainTemplate) -> pd.DataFrame:
    """A firm supplies a node (its id or name as ``product``) on its outgoing links."""
    if links is None:
        return evidence([], [], "product", 0.0, "")
    check_frame(links, "links", ("supplier_id", "customer_id", "product"))
    names: dict[str, int] = {}
    for i, n in reversed(list(enumerate(template.nodes))):  # ids win over names; earlier nodes over later
        names[n.name_en.strip().lower()] = names[n.name_zh.strip().lower()] = i
    for i, n in reversed(list(enumerate(template.nodes))):
        names[n.id.lower()] = i
    product = links["product"]
    codes, uniques = pd.factorize(product)
    node_of = pd.Series(uniques, dtype=object).astype(str).str.strip().str.lower().map(names).to_numpy()
    node = np.where(codes >= 0, node_of[np.maximum(codes, 0)] if len(uniques) else np.nan, np.nan)
    table = pd.DataFrame(
        {
            "pos": position.get_indexer(pd.Index(links["supplier_id"])),
            "node": node,
            "customer": links["customer_id"].to_numpy(),
        }
    )
    table = table[(table["pos"] >= 0) & table["node"].notna()]
    customers = table.groupby(["pos", "node"], sort=True)["customer"].nunique().reset_index()
    label = np.array([n.name_zh for n in template.nodes], dtype=object)
    count = customers["customer"].to_numpy()
    node = customers["node"].to_numpy().astype(np.int64)
    plural = np.where(count != 1, " customers", " customer")
    reason = "supplies product " + pd.Series(label[node], dtype=object) + " to " + count.astype(str) + plural
    return evidence(customers["pos"], node, "product", EVIDENCE_CONFIDENCE["product"], reason.to_numpy(object))


def text_evidence(firms: pd.DataFrame, template: ChainTemplate) -> list[pd.DataFrame]:
    """Name and scope (with tags) evidence from the keywords of the template's nodes."""
    vocabulary = node_keywords(tuple((*n.keywords_zh, *n.keywords_en) for n in template.nodes))
    if not vocabulary.words:
        return []
    empty = pd.DataFrame({"pos": np.empty(0, np.int64), "node": np.empty(0, np.int64), "words": [], "keywords": []})

    def found(column: str, *, firm_names: bool = False) -> pd.DataFrame:
        return vocabulary.table(firms[column], firm_names=firm_names) if column in firms.columns else empty

    names = found("name", firm_names=True)
    name_rows = evidence(
        names["pos"],
        names["node"],
        "name",
        EVIDENCE_CONFIDENCE["name"],
        ("name contains " + _text(names["keywords"])).to_numpy(object),
    )
    both = pd.concat([found("business_scope").assign(src=1), found("tags").assign(src=2)], ignore_index=True)
    twice = both.duplicated(["pos", "node"], keep=False).to_numpy()
    # A node found in both the scope and the tags: the union of its keywords, in vocabulary order.
    merged = (
        both[twice].explode("words").drop_duplicates(["pos", "node", "words"]).sort_values(["pos", "node", "words"])
    )
    merged = merged.groupby(["pos", "node"], sort=False).agg(words=("words", tuple), src=("src", "sum")).reset_index()
    merged["keywords"] = merged["words"].map(", ".join).astype(object)
    scoped = pd.concat([both[~twice], merged], ignore_index=True)
    extra = np.minimum(scoped["words"].map(len).to_numpy(np.int64) - 1, _SCOPE_MAX_EXTRA)
    conf = np.round(EVIDENCE_CONFIDENCE["scope"] + _SCOPE_BONUS * extra, 12)
    reason = _text(scoped["src"].map(_WHERE)) + " " + _text(scoped["keywords"])
    return [name_rows, evidence(scoped["pos"], scoped["node"], "scope", conf, reason.to_numpy(object))]


def label_evidence(firms: pd.DataFrame, labels: pd.DataFrame | None, template: ChainTemplate) -> list[pd.DataFrame]:
    """A firm's industry label as a prior on the label's nodes, and name fragments the label makes telling."""
    if labels is None or "industry_label" not in firms.columns:
        return []
    check_frame(labels, "labels", ("label", "chain_id", "node_id", "prior"))
    rows, node = _chain_rows(labels, "labels", template)
    prior = pd.to_numeric(rows["prior"], errors="coerce").to_numpy(np.float64)
    bad = ~((prior > 0) & (prior < 1))
    if bad.any():
        raise InvalidParameterError(
            f"The 'prior' column of labels must hold numbers in (0, 1). Got {rows['prior'].iloc[np.flatnonzero(bad)[0]]!r} "
            f"for label {rows['label'].iloc[np.flatnonzero(bad)[0]]!r}."
        )
    hints = clean(rows["hints"]) if "hints" in rows.columns else pd.Series("", index=rows.index)
    crosswalk = pd.DataFrame({"label": clean(rows["label"]), "node": node, "prior": prior, "hints": hints})
    firm_labels = pd.DataFrame({"pos": np.arange(len(firms), dtype=np.int64), "label": clean(firms["industry_label"])})
    table = firm_labels[firm_labels["label"] != ""].merge(crosswalk, on="label")
    out = [
        evidence(
            table["pos"],
            table["node"],
            "label",
            table["prior"],
            ("industry label " + _text(table["label"])).to_numpy(object),
        )
    ]
    hinted = table[table["hints"] != ""]
    if len(hinted):
        names = _short_names(firms["name"]).to_numpy(object)[hinted["pos"].to_numpy()]
        hinted = hinted.assign(name=names)
        parts = []
        for pattern, group in hinted.groupby("hints", sort=False):  # one regex per set of hints, not per firm
            words = sorted((normalise(w) for w in str(pattern).split("|") if w.strip()), key=len, reverse=True)
            hit = group["name"].str.extract("(" + "|".join(map(re.escape, words)) + ")", expand=False)
            parts.append(group.assign(hit=hit).dropna(subset=["hit"]))
        hits = pd.concat(parts, ignore_index=True)
        reason = "name fragment " + _text(hits["hit"]) + " under industry label " + _text(hits["label"])
        out.append(evidence(hits["pos"], hits["node"], "hint", EVIDENCE_CONFIDENCE["hint"], reason.to_numpy(object)))
    return out


def code_evidence(firms: pd.DataFrame, template: ChainTemplate) -> pd.DataFrame:
    """Exact (0.45) and prefix (0.2) relations between firm codes and node codes, as joins."""
    empty = evidence([], [], "code", 0.0, "")
    if "industry_code" not in firms.columns:
        return empty
    if "scheme" not in firms.columns:
        raise InvalidParameterError(
            "The 'firms' parameter of map_firms has an 'industry_code' column but no 'scheme' column; "
            "give the code scheme of each firm (e.g. 'gbt4754_2017', 'naics2022')."
        )
    node_codes = pd.DataFrame(
        [(i, s, c) for i, n in enumerate(template.nodes) for s, codes in n.codes.items() for c in codes],
        columns=["node", "scheme", "ncode"],
    )
    firm_codes = pd.DataFrame(
        {"pos": np.arange(len(firms)), "scheme": clean(firms["scheme"]), "code": clean(firms["industry_code"])}
    )
    firm_codes = firm_codes[(firm_codes["scheme"] != "") & (firm_codes["code"] != "")]
    if not len(node_codes) or not len(firm_codes):
        return empty
    pairs = firm_codes[["scheme", "code"]].drop_duplicates()
    pairs_len, node_len = pairs["code"].str.len(), node_codes["ncode"].str.len()
    found = [pairs.merge(node_codes, left_on=["scheme", "code"], right_on=["scheme", "ncode"]).assign(rel=0)]
    for length in pairs_len.unique():  # the firm's code is a parent of the node's code
        deeper = node_codes[node_len > length].assign(key=lambda t, k=length: t["ncode"].str[:k])
        found.append(
            pairs[pairs_len == length]
            .merge(deeper, left_on=["scheme", "code"], right_on=["scheme", "key"])
            .assign(rel=1)
        )
    for length in node_len.unique():  # the node's code is a parent of the firm's code
        deeper = pairs[pairs_len > length].assign(key=lambda t, k=length: t["code"].str[:k])
        found.append(
            deeper.merge(
                node_codes[node_len == length], left_on=["scheme", "key"], right_on=["scheme", "ncode"]
            ).assign(rel=2)
        )
    rel = pd.concat([f[["scheme", "code", "node", "ncode", "rel"]] for f in found], ignore_index=True)
    # One piece of code evidence per (code, node): the closest relation, then the first node code.
    rel = rel.sort_values(["scheme", "code", "node", "rel"], kind="stable").drop_duplicates(["scheme", "code", "node"])
    conf = np.where(rel["rel"] == 0, EVIDENCE_CONFIDENCE["code"], EVIDENCE_CONFIDENCE["code_prefix"])
    head = "industry code " + rel["code"] + " (" + rel["scheme"] + ")"
    tail = np.select(
        [rel["rel"].to_numpy() == 0, rel["rel"].to_numpy() == 1],
        [" is a code of the node", " contains node code "],
        " lies within node code ",
    )
    rel = rel.assign(conf=conf, reason=head + tail + np.where(rel["rel"] == 0, "", rel["ncode"]))
    table = firm_codes.merge(rel, on=["scheme", "code"])
    return evidence(table["pos"], table["node"], "code", table["conf"].to_numpy(), table["reason"].to_numpy())


def combine(rows: list[pd.DataFrame]) -> pd.DataFrame:
    """Noisy-or per (firm, node), strongest kind and reasons; per firm by confidence, highest first."""
    ev = pd.concat(rows, ignore_index=True)
    pos, node = ev["pos"].to_numpy(np.int64), ev["node"].to_numpy(np.int64)
    conf, kind = ev["conf"].to_numpy(np.float64), ev["kind"].to_numpy(np.int64)
    order = np.lexsort((kind, -conf, node, pos))  # within a pair: strongest first, then by kind
    pos, node, conf, kind = pos[order], node[order], conf[order], kind[order]
    reason = ev["reason"].to_numpy(object)[order]
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (pos[1:] != pos[:-1]) | (node[1:] != node[:-1])
    starts = np.flatnonzero(new)
    # Join each pair's reasons with "; ": object arrays add as Python strings, one C loop.
    pieces = np.where(new, reason, np.full(len(reason), "; ", dtype=object) + reason) if len(pos) else reason
    reasons = np.add.reduceat(pieces, starts) if len(pos) else reason
    out = pd.DataFrame(
        {
            "pos": pos[starts],
            "node": node[starts],
            "kind": kind[starts],
            "confidence": np.round(1.0 - np.multiply.reduceat(1.0 - conf, starts), 12) if len(pos) else conf,
            "reasons": reasons,
        }
    )
    out = out[out["confidence"].to_numpy() >= _CANDIDATE_MIN - 1e-12]
    return out.sort_values(["pos", "confidence", "node"], ascending=[True, False, True], kind="stable").reset_index(
        drop=True
    )


def best(candidates: pd.DataFrame, forced: pd.DataFrame) -> pd.DataFrame:
    """The best candidate of each firm: its override, then its curated entry, else the highest confidence.

    ``forced`` holds ``pos``, ``node`` and ``rank`` (2 for a manual override, 1 for a curated
    entry); ties of confidence go to the first node.
    """
    table = candidates.merge(forced, on=["pos", "node"], how="left")
    table["rank"] = table["rank"].fillna(0).astype(np.int64)
    table = table.sort_values(
        ["pos", "rank", "confidence", "node"], ascending=[True, False, False, True], kind="stable"
    )
    table = table.drop_duplicates("pos").reset_index(drop=True)
    table["forced"] = table["rank"].to_numpy() > 0
    return table
