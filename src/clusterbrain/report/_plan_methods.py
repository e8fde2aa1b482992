"""The methods appendix of the planning report: every formula behind its numbers, the parameters, the data sources.

The formulas restate, in matplotlib's mathtext, those of the docstrings of the functions
named beside each (``source``); the test of this module checks that each named function exists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from clusterbrain.report._plan_common import Builder
from clusterbrain.report.document import BulletList, Formula, Paragraph

__all__ = ["METHODS", "Method", "data_sources_appendix", "evidence_sources", "methods_appendix"]


class Method:
    """One formula of the appendix: a key (its catalog texts), the mathtext, the function it is taken from."""

    __slots__ = ("key", "latex", "source", "text")

    def __init__(self, key: str, latex: str, text: str, source: str) -> None:
        self.key, self.latex, self.text, self.source = key, latex, text, source


METHODS: tuple[Method, ...] = (
    Method(
        "lq",
        r"LQ_{ri} = \frac{x_{ri} / x_r}{x_i / x},\qquad M_{ri} = [\,LQ_{ri} \geq 1\,]",
        "LQ_ri = (x_ri / x_r) / (x_i / x); M_ri = [LQ_ri >= 1]",
        "clusterbrain.metrics.specialization.location_quotient",
    ),
    Method(
        "eci",
        r"\tilde{M} = D^{-1} M U^{-1} M^{T},\qquad ECI_r = \frac{e_r - \bar{e}}{sd(e)},\qquad "
        r"PCI_i = \frac{q_i - \bar{e}}{sd(e)}",
        "ECI_r = (e_r - mean(e)) / sd(e), e the second eigenvector of D^-1 M U^-1 M^T",
        "clusterbrain.metrics.complexity.economic_complexity",
    ),
    Method(
        "density",
        r"\varphi_{ij} = \frac{(M^{T} M)_{ij}}{\max(k_i, k_j)},\qquad "
        r"\omega_{ri} = \frac{\sum_j M_{rj}\,\varphi_{ij}}{\sum_j \varphi_{ij}}",
        "phi_ij = (M'M)_ij / max(k_i, k_j); omega_ri = sum_j M_rj phi_ij / sum_j phi_ij",
        "clusterbrain.metrics.relatedness.density",
    ),
    Method(
        "coi",
        r"COI_r = \sum_i \omega_{ri}(1 - M_{ri})\,PCI_i,\qquad COG_{ri} = (1 - M_{ri})"
        r"\left[\sum_j \frac{\varphi_{ji}}{s_j}(1 - M_{rj})\,PCI_j - \omega_{ri}\,PCI_i\right]",
        "COI_r = sum_i omega_ri (1 - M_ri) PCI_i; COG_ri = (1 - M_ri)[sum_j phi_ji / s_j (1 - M_rj) PCI_j - "
        "omega_ri PCI_i]",
        "clusterbrain.metrics.relatedness.complexity_outlook",
    ),
    Method(
        "hhi",
        r"HHI = \sum_k s_k^{2},\qquad s_k = \frac{v_k}{\sum_l v_l}",
        "HHI = sum_k s_k^2",
        "clusterbrain.metrics.concentration.herfindahl_index",
    ),
    Method(
        "local_supporting_rate",
        r"LSR = \frac{v^{loc}}{v}",
        "local supporting rate = v_local / v",
        "clusterbrain.chain.analysis.analyse_chain",
    ),
    Method(
        "completeness",
        r"C = \frac{\sum_{k\ \in\ present} VA_k}{\sum_k VA_k}",
        "completeness = sum of VA_k over nodes not missing / sum of VA_k",
        "clusterbrain.chain.analysis.analyse_chain",
    ),
    Method(
        "gap_priority",
        r"p_k = \frac{VA_k}{\max_j VA_j}\,(0.5 + b_k / 10)\,(1 + a_k)\,u_k",
        "p_k = VA_k / max_j VA_j (0.5 + b_k / 10)(1 + a_k) u_k",
        "clusterbrain.chain.gaps.chain_gaps",
    ),
    Method(
        "cluster_dimension",
        r"s_d = \min\left(1, \max\left(0, \frac{x_d - a_d}{c_d - a_d}\right)\right)",
        "s_d = min(1, max(0, (x_d - a_d) / (c_d - a_d)))",
        "clusterbrain.workflow._cluster_type",
    ),
    Method(
        "niche",
        r"S_c = \frac{\sum_k w_k\, z_{kc}}{\sum_k w_k}",
        "S_c = sum_k w_k z_kc / sum_k w_k",
        "clusterbrain.workflow._niche",
    ),
    Method(
        "targeting",
        r"S_f = \frac{\sum_k w_k\, q_{kf}}{\sum_k w_k}",
        "S_f = sum_k w_k q_kf / sum_k w_k",
        "clusterbrain.workflow._targeting",
    ),
    Method(
        "projection",
        r"\hat{y}_T = y_{t_0}(1 + r)^{T - t_0},\qquad r = e^{b} - 1,\qquad "
        r"b = \arg\min\ \sum_t (\ln y_t - a - b\,t)^{2}",
        "y_T = y_t0 (1 + r)^(T - t0), r = exp(b) - 1, b the least-squares slope of ln y on t",
        "clusterbrain.workflow.monitor.monitor",
    ),
    Method(
        "attainment",
        r"A = \frac{\hat{y}_T}{y^{*}_T}\quad (y^{*}_T / \hat{y}_T\ when\ lower\ is\ better)",
        "A = projected / target (target / projected when lower is better)",
        "clusterbrain.workflow.monitor.KpiTarget",
    ),
)


def _method_texts(key: str, b: Builder) -> tuple[str, str]:
    _ = b._
    texts = {
        "lq": (_("report.method.lq"), _("report.method.lq.where")),
        "eci": (_("report.method.eci"), _("report.method.eci.where")),
        "density": (_("report.method.density"), _("report.method.density.where")),
        "coi": (_("report.method.coi"), _("report.method.coi.where")),
        "hhi": (_("report.method.hhi"), _("report.method.hhi.where")),
        "local_supporting_rate": (
            _("report.method.local_supporting_rate"),
            _("report.method.local_supporting_rate.where"),
        ),
        "completeness": (_("report.method.completeness"), _("report.method.completeness.where")),
        "gap_priority": (_("report.method.gap_priority"), _("report.method.gap_priority.where")),
        "cluster_dimension": (_("report.method.cluster_dimension"), _("report.method.cluster_dimension.where")),
        "niche": (_("report.method.niche"), _("report.method.niche.where")),
        "targeting": (_("report.method.targeting"), _("report.method.targeting.where")),
        "projection": (_("report.method.projection"), _("report.method.projection.where")),
        "attainment": (_("report.method.attainment"), _("report.method.attainment.where")),
    }
    return texts[key]


def methods_appendix(b: Builder, params: Mapping[str, Any]) -> None:
    """Append appendix A: the formulas (each with its symbols and source function) and the parameters used."""
    _ = b._
    b.appendix("A", _("report.plan.methods"))
    b.section(_("report.plan.formulas"))
    for method in METHODS:
        title, where = _method_texts(method.key, b)
        b.subsection(title)
        b.add(Formula(method.latex, where=where, text=method.text))
        b.text(_("report.plan.method_source", source=method.source), style="note")
    if params:
        b.section(_("report.plan.parameters"))
        b.add(
            BulletList(
                tuple(
                    Paragraph(f"**{group}**: " + "; ".join(f"{k} = {v}" for k, v in _flatten(values)))
                    if isinstance(values, Mapping)
                    else Paragraph(f"**{group}** = {values}")
                    for group, values in params.items()
                )
            )
        )
        b.text(b.source_note("diagnosis.params, design.params"), style="note")


def _flatten(params: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        elif isinstance(value, list | tuple):
            yield name, ", ".join(str(v) for v in value)
        else:
            yield name, str(value)


def evidence_sources(documents: Mapping[str, Any]) -> list[str]:
    """The distinct ``source`` of every piece of evidence (and KPI) in the plan documents, sorted."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "source" and isinstance(value, str) and value:
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(documents)
    return sorted(found)


def data_sources_appendix(
    b: Builder, documents: Mapping[str, Any], provenance: Sequence[Mapping[str, Any]] | None
) -> None:
    """Append appendix B: the imported files of the workspace (provenance) and the sources the evidence cites."""
    _ = b._
    b.appendix("B", _("report.plan.data_sources"))
    b.text(_("report.plan.data_sources_intro"))
    if provenance:
        b.section(_("report.plan.imports"))
        b.table(
            _("report.plan.table.imports"),
            [
                (_("report.plan.col.table"), "text"),
                (_("report.plan.col.file"), "text"),
                (_("report.plan.col.rows"), "int"),
                (_("report.plan.col.imported_at"), "text"),
                ("SHA-256", "text"),
            ],
            [
                (
                    p.get("kind"),
                    p.get("file_name"),
                    p.get("rows_written"),
                    str(p.get("imported_at") or "")[:19],
                    str(p.get("sha256") or "")[:12],
                )
                for p in provenance
            ],  # fmt: skip
            notes=_("report.plan.imports_note"),
        )
    sources = evidence_sources(documents)
    if sources:
        b.section(_("report.plan.evidence_sources"))
        b.text(_("report.plan.evidence_sources_note"))
        b.text("; ".join(sources))
