"""The PESTEL sheet a planner fills in (CSV, XLSX or Parquet) for the diagnosis's macro-environment scan."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa

from clusterbrain.exceptions import InputValidationError, Problem
from clusterbrain.store.readers import ROW, open_tabular

__all__ = ["PESTEL_FACTORS", "pestel_template", "read_pestel"]

PESTEL_FACTORS: dict[str, tuple[str, ...]] = {
    "political": ("政治", "p"),
    "economic": ("经济", "e"),
    "social": ("社会", "s"),
    "technological": ("技术", "t"),
    "environmental": ("环境", "生态"),
    "legal": ("法律", "l", "法规"),
}
"""Factor -> accepted spellings besides the English name."""

_IMPACTS = {"opportunity": ("机遇", "机会", "+", "positive"), "threat": ("挑战", "威胁", "-", "negative")}
_HEADERS = {
    "factor": ("因素", "维度", "类别"),
    "item": ("事项", "内容", "描述", "description"),
    "impact": ("影响", "方向", "影响方向"),
    "weight": ("权重", "重要性", "importance"),
    "source": ("来源", "依据", "reference"),
}


def _canonical(value: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    text = value.strip().lower()
    for key, spellings in table.items():
        if text == key or text in spellings:
            return key
    return None


def pestel_template() -> str:
    """An example sheet (CSV text, bilingual headers accepted) to fill in."""
    return (
        "factor,item,impact,weight,source\n"
        "political,省级战略性新兴产业集群政策支持(示例),opportunity,5,省政府文件\n"
        "economic,下游整车需求增长放缓(示例),threat,3,行业协会月报\n"
        "technological,固态电池技术路线不确定(示例),threat,4,专家访谈\n"
    )


def read_pestel(path: str | Path) -> pd.DataFrame:
    """Read and check a PESTEL sheet: ``factor, item, impact, weight[, source]``.

    ``factor`` is one of political, economic, social, technological, environmental, legal
    (or 政治/经济/社会/技术/环境/法律); ``impact`` opportunity or threat (机遇/挑战, +/-);
    ``weight`` an integer 1–5.

    Raises
    ------
    InputValidationError
        Naming the file, row, column and value of every problem.
    """
    path = Path(path)
    source = open_tabular(path)
    table = pa.Table.from_batches(list(source.batches()))
    aliases = {a: k for k, spellings in _HEADERS.items() for a in (k, *spellings)}
    header = [aliases.get(str(h).strip().lower(), aliases.get(str(h).strip(), str(h))) for h in source.header]
    missing = [c for c in ("factor", "item", "impact", "weight") if c not in header]
    if missing:
        raise InputValidationError(
            [Problem(path.name, 1, c, None, f"required column '{c}' is missing") for c in missing]
        )
    rows = table.column(ROW).to_pylist()
    columns = {c: table.column(header.index(c) + 1).to_pylist() for c in _HEADERS if c in header}
    problems: list[Problem] = []
    records = []
    for i, row in enumerate(rows):
        factor = _canonical(str(columns["factor"][i] or ""), PESTEL_FACTORS)
        impact = _canonical(str(columns["impact"][i] or ""), _IMPACTS)
        item = str(columns["item"][i] or "").strip()
        weight_text = str(columns["weight"][i] or "").strip()
        if factor is None:
            problems.append(
                Problem(path.name, row, "factor", columns["factor"][i], "must be one of " + ", ".join(PESTEL_FACTORS))
            )
        if impact is None:
            problems.append(Problem(path.name, row, "impact", columns["impact"][i], "must be opportunity or threat"))
        if not item:
            problems.append(Problem(path.name, row, "item", columns["item"][i], "must not be empty"))
        if weight_text not in {"1", "2", "3", "4", "5", "1.0", "2.0", "3.0", "4.0", "5.0"}:
            problems.append(Problem(path.name, row, "weight", columns["weight"][i], "must be an integer from 1 to 5"))
        records.append(
            {
                "factor": factor,
                "item": item,
                "impact": impact,
                "weight": int(float(weight_text)) if not problems else None,
                "source": str(columns.get("source", [None] * len(rows))[i] or ""),
            }
        )
    if problems:
        raise InputValidationError(problems)
    return pd.DataFrame(records, columns=["factor", "item", "impact", "weight", "source"])
