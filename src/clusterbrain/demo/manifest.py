"""The demo manifest: what was generated, from which seed, and the planted truth to test against."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = [
    "MANIFEST_NAME",
    "SYNTHETIC_NOTICE",
    "DemoManifest",
    "PlantedNode",
    "PlantedSpecialisation",
    "PlantedTruth",
    "read_manifest",
]

MANIFEST_NAME = "manifest.json"
SYNTHETIC_NOTICE = (
    "SYNTHETIC DATA (示例数据): every region, firm, institution, policy, target and project in these "
    "files is invented by clusterbrain.demo from a random seed. Region codes use the unused "
    "prefixes 83-89 and 91-99; names carry (示例)/(synthetic). Do not read them as facts about "
    "any real place or company."
)


@dataclass(frozen=True)
class PlantedNode:
    """A chain node given a known property on purpose, with the measured evidence."""

    chain_id: str
    node_id: str
    name_zh: str
    evidence: dict[str, float | int | str]


@dataclass(frozen=True)
class PlantedSpecialisation:
    """An industry the focus province was made to specialise in, with its measured LQ."""

    scheme: str
    code: str
    location_quotient: float


@dataclass(frozen=True)
class PlantedTruth:
    """What an analysis of the demo should find.

    ``definitions`` states each property as it was planted (and as the tests check it).
    """

    missing_nodes: tuple[PlantedNode, ...]
    sole_source_nodes: tuple[PlantedNode, ...]
    foreign_dependent_nodes: tuple[PlantedNode, ...]
    specialisations: tuple[PlantedSpecialisation, ...]
    definitions: dict[str, str] = field(
        default_factory=lambda: {
            "missing": "no firm of the node is located in the focus province (firm_nodes x firms)",
            "sole_source": "exactly one focus-province firm is in the node, and every link with "
            "product = node to a focus-province customer comes from that firm",
            "foreign_dependent": "more than 80% of the value of links with product = node to "
            "focus-province customers comes from firms abroad (country not CN)",
            "specialisation": "location quotient of focus-province employment (stats, last year, "
            "all counties as the benchmark) above 1.5",
        }
    )


@dataclass(frozen=True)
class DemoManifest:
    """Description of one generated demo data set (``manifest.json``).

    ``files`` maps a table kind to its file name in the output directory, ``rows`` and
    ``sha256`` give each file's row count and checksum. ``firm_nodes`` is not a workspace
    table: it records the chain node of every firm (the ground truth for chain mapping).
    ``chains`` names the shipped chain templates the firms are placed on (id and version), with
    their nodes, the GB/T 4754 class and chain of each node's firms, the keywords their names
    and scopes use, and the edges with the purchase weights the links were drawn with.
    ``node_summary`` gives per demo node (``chain_id``, ``node_id``) its firms, local firms and
    the local customers' purchases of its product.
    """

    notice: str
    generator: str
    seed: int
    n_firms: int
    n_links: int
    years: tuple[int, ...]
    batch_rows: int
    focus_region_id: str
    focus_city_id: str
    park_ids: tuple[str, ...]
    scheme: str
    units: dict[str, str]
    files: dict[str, str]
    rows: dict[str, int]
    sha256: dict[str, str]
    planted: PlantedTruth
    node_summary: tuple[dict[str, float | int | str], ...]
    chains: tuple[dict[str, object], ...]

    def to_dict(self) -> dict[str, object]:
        """Return the manifest as plain JSON-serialisable data."""
        return asdict(self)

    def to_json(self) -> str:
        """Return the manifest as indented JSON text (UTF-8 characters kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def read_manifest(path: str | Path) -> DemoManifest:
    """Read a ``manifest.json`` written by :func:`clusterbrain.demo.generate`.

    ``path`` is the file or the directory that holds it.
    """
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    p = data.pop("planted")

    def nodes(key: str) -> tuple[PlantedNode, ...]:
        return tuple(PlantedNode(**x) for x in p[key])

    planted = PlantedTruth(
        missing_nodes=nodes("missing_nodes"),
        sole_source_nodes=nodes("sole_source_nodes"),
        foreign_dependent_nodes=nodes("foreign_dependent_nodes"),
        specialisations=tuple(PlantedSpecialisation(**x) for x in p["specialisations"]),
        definitions=p["definitions"],
    )
    for key in ("years", "park_ids", "node_summary", "chains"):
        data[key] = tuple(data[key])
    return DemoManifest(planted=planted, **data)
