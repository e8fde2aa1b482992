"""Chain templates: nodes (stage, kind, value added, barrier, codes, keywords) and supplier → customer edges.

A template arrives as a parsed document (a mapping, e.g. from YAML; see
``store/chain_templates/schema.json`` for the published schema) and is checked as a whole:
every problem is listed with its place in the document, not only the first.
"""

from __future__ import annotations

import graphlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from clusterbrain.exceptions import ClusterBrainError

__all__ = ["KINDS", "STAGES", "ChainEdge", "ChainNode", "ChainTemplate", "TemplateError", "parse_template"]

STAGES = ("upstream", "midstream", "downstream")
KINDS = ("material", "equipment", "component", "system", "application", "service", "recycling")
_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


class TemplateError(ValueError, ClusterBrainError):
    """A chain template is malformed; ``problems`` lists each place and rule broken."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"chain template {source} is invalid ({len(problems)} problem(s)):\n{shown}{more}")


@dataclass(frozen=True)
class ChainNode:
    """One link of the chain (环节): what it makes, where it sits, how hard and how valuable it is."""

    id: str
    name_zh: str
    name_en: str
    stage: str
    kind: str
    value_added: float
    barrier: int
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    keywords_zh: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainEdge:
    """Supply relation: ``supplier`` node delivers to ``customer`` node."""

    supplier: str
    customer: str


@dataclass(frozen=True)
class ChainTemplate:
    """A validated chain template; nodes in document order, edges acyclic."""

    id: str
    name_zh: str
    name_en: str
    version: int
    nodes: tuple[ChainNode, ...]
    edges: tuple[ChainEdge, ...]
    description_zh: str = ""
    description_en: str = ""
    sources: tuple[str, ...] = ()

    def node(self, node_id: str) -> ChainNode:
        """The node called ``node_id``."""
        return next(n for n in self.nodes if n.id == node_id)

    def to_dict(self) -> dict[str, Any]:
        """The template as a document that :func:`parse_template` reads back unchanged."""
        return {
            "id": self.id,
            "version": self.version,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "sources": list(self.sources),
            "nodes": [
                {
                    "id": n.id,
                    "name_zh": n.name_zh,
                    "name_en": n.name_en,
                    "stage": n.stage,
                    "kind": n.kind,
                    "value_added": n.value_added,
                    "barrier": n.barrier,
                    "codes": {scheme: list(codes) for scheme, codes in n.codes.items()},
                    "keywords": {"zh": list(n.keywords_zh), "en": list(n.keywords_en)},
                }
                for n in self.nodes
            ],
            "edges": [{"from": e.supplier, "to": e.customer} for e in self.edges],
        }


class _Checker:
    """Collects problems while reading a document, each with its path (``nodes[3].stage``)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, doc: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = doc.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems.append(f"{where}.{key}: required text is missing")
            return ""
        if not isinstance(value, str):
            self.problems.append(f"{where}.{key}: must be text, got {value!r}")
            return ""
        return value.strip()

    def identifier(self, doc: Mapping[str, Any], key: str, where: str) -> str:
        value = self.text(doc, key, where)
        if value and (set(value) - _ID_CHARS or not value[0].isalpha()):
            self.problems.append(
                f"{where}.{key}: {value!r} must be lower-case letters, digits and '_', starting with a letter"
            )
        return value

    def choice(self, doc: Mapping[str, Any], key: str, where: str, options: tuple[str, ...]) -> str:
        value = self.text(doc, key, where)
        if value and value not in options:
            self.problems.append(f"{where}.{key}: {value!r} must be one of {', '.join(options)}")
        return value

    def number(self, doc: Mapping[str, Any], key: str, where: str, low: float, high: float, *, integer: bool) -> float:
        value = doc.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
            if not integer or float(value).is_integer():
                return float(value)
        kind = "a whole number" if integer else "a number"
        self.problems.append(f"{where}.{key}: must be {kind} from {low:g} to {high:g}, got {value!r}")
        return low

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.problems.append(f"{where}: must be a list of text, got {value!r}")
            return ()
        return tuple(str(v).strip() for v in value)


def _node(check: _Checker, doc: Any, where: str, known_codes: Mapping[str, Collection[str]] | None) -> ChainNode | None:
    if not isinstance(doc, Mapping):
        check.problems.append(f"{where}: must be a mapping with id, name_zh, name_en, stage, kind, …")
        return None
    codes_doc = doc.get("codes") or {}
    codes: dict[str, tuple[str, ...]] = {}
    if not isinstance(codes_doc, Mapping):
        check.problems.append(f"{where}.codes: must map a scheme to a list of codes")
    else:
        for scheme, values in codes_doc.items():
            codes[str(scheme)] = check.strings(values, f"{where}.codes.{scheme}")
            if known_codes is not None:
                _check_codes(check, str(scheme), codes[str(scheme)], f"{where}.codes.{scheme}", known_codes)
    keywords = doc.get("keywords") or {}
    if not isinstance(keywords, Mapping):
        check.problems.append(f"{where}.keywords: must map zh and en to lists of words")
        keywords = {}
    return ChainNode(
        id=check.identifier(doc, "id", where),
        name_zh=check.text(doc, "name_zh", where),
        name_en=check.text(doc, "name_en", where),
        stage=check.choice(doc, "stage", where, STAGES),
        kind=check.choice(doc, "kind", where, KINDS),
        value_added=check.number(doc, "value_added", where, 0.01, 100, integer=False),
        barrier=int(check.number(doc, "barrier", where, 1, 5, integer=True)),
        codes=codes,
        keywords_zh=check.strings(keywords.get("zh"), f"{where}.keywords.zh"),
        keywords_en=check.strings(keywords.get("en"), f"{where}.keywords.en"),
    )


def _check_codes(
    check: _Checker, scheme: str, codes: tuple[str, ...], where: str, known: Mapping[str, Collection[str]]
) -> None:
    """Each code must be in the scheme's list, or (when the list is shallower) start with a code of it."""
    if scheme not in known:
        check.problems.append(f"{where}: unknown code scheme {scheme!r} (known: {', '.join(sorted(known))})")
        return
    listed = known[scheme]
    deepest = max((len(c) for c in listed), default=0)
    for code in codes:
        if code in listed:
            continue
        if len(code) > deepest and code[:deepest] in listed:
            continue
        check.problems.append(f"{where}: industry code {code!r} not found in {scheme}")


def parse_template(
    document: Any, *, source: str = "<template>", known_codes: Mapping[str, Collection[str]] | None = None
) -> ChainTemplate:
    """Check a chain-template document and return the template.

    Parameters
    ----------
    document : mapping
        The parsed YAML (or JSON) document.
    source : str
        Name shown in errors (the file name).
    known_codes : mapping of scheme to codes, optional
        Code lists to check node codes against; a code deeper than the deepest code listed
        is checked through its prefix (GB/T classes against divisions).

    Raises
    ------
    TemplateError
        Listing every problem: missing or ill-typed fields, stage/kind outside their lists,
        barrier outside 1–5, duplicate node ids, edges naming unknown nodes, self-loops,
        duplicate edges, cycles, unknown industry codes.
    """
    check = _Checker()
    if not isinstance(document, Mapping):
        raise TemplateError(source, ["the document must be a mapping with id, name_zh, name_en, nodes, edges"])
    template_id = check.identifier(document, "id", "template")
    nodes_doc = document.get("nodes")
    if not isinstance(nodes_doc, list) or not nodes_doc:
        check.problems.append("template.nodes: must be a non-empty list")
        nodes_doc = []
    nodes = [n for i, doc in enumerate(nodes_doc) if (n := _node(check, doc, f"nodes[{i}]", known_codes))]
    seen: dict[str, int] = {}
    for i, node in enumerate(nodes):
        if node.id in seen:
            check.problems.append(f"nodes[{i}].id: duplicate node id {node.id!r} (first at nodes[{seen[node.id]}])")
        seen.setdefault(node.id, i)
    edges = _edges(check, document.get("edges"), set(seen))
    version = document.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        check.problems.append(f"template.version: must be a whole number ≥ 1, got {version!r}")
        version = 1
    template = ChainTemplate(
        id=template_id,
        name_zh=check.text(document, "name_zh", "template"),
        name_en=check.text(document, "name_en", "template"),
        version=version,
        nodes=tuple(nodes),
        edges=tuple(edges),
        description_zh=check.text(document, "description_zh", "template", required=False),
        description_en=check.text(document, "description_en", "template", required=False),
        sources=check.strings(document.get("sources"), "template.sources"),
    )
    if check.problems:
        raise TemplateError(source, check.problems)
    return template


def _edges(check: _Checker, edges_doc: Any, node_ids: set[str]) -> list[ChainEdge]:
    if edges_doc is None:
        return []
    if not isinstance(edges_doc, list):
        check.problems.append("template.edges: must be a list of {from: supplier, to: customer}")
        return []
    edges: list[ChainEdge] = []
    for i, doc in enumerate(edges_doc):
        where = f"edges[{i}]"
        if not isinstance(doc, Mapping):
            check.problems.append(f"{where}: must be a mapping {{from: supplier, to: customer}}, got {doc!r}")
            continue
        supplier, customer = check.text(doc, "from", where), check.text(doc, "to", where)
        for key, node in (("from", supplier), ("to", customer)):
            if node and node not in node_ids:
                check.problems.append(f"{where}.{key}: unknown node {node!r}")
        if supplier and supplier == customer:
            check.problems.append(f"{where}: a node cannot supply itself ({supplier!r})")
        edge = ChainEdge(supplier, customer)
        if edge in edges:
            check.problems.append(f"{where}: duplicate edge {supplier!r} → {customer!r}")
        edges.append(edge)
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.customer, set()).add(e.supplier)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " → ".join(reversed(exc.args[1]))
        check.problems.append(f"template.edges: the supply relations form a cycle: {cycle}")
    return edges
