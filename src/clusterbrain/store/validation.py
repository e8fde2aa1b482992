"""Validation rules of an import, run as SQL over the staged rows.

Each rule is one query that returns the offending rows in file order; the importer keeps
the first ``ImportValidationError.MAX_PROBLEMS`` of all rules and the total count.
The staged table ``_stage`` holds the raw values; the view ``_typed`` the converted ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from clusterbrain.exceptions import ImportValidationError, Problem
from clusterbrain.store.schema import TABLES, Column, Table

__all__ = ["Rule", "quote", "raw_kept", "rules_for", "run_rules", "typed_select"]

_TRUE = ("true", "t", "yes", "y", "1", "是", "真")
_FALSE = ("false", "f", "no", "n", "0", "否", "假")


def quote(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _raw(column: Column, kinds: dict[str, str]) -> str:
    """The staged value as text with blanks as NULL (for messages and emptiness tests)."""
    col = quote(column.name)
    if kinds.get(column.name, "VARCHAR") == "VARCHAR":
        return f"NULLIF(TRIM({col}), '')"
    return f"CAST({col} AS VARCHAR)"


def _converted(column: Column, kinds: dict[str, str]) -> str:
    """SQL expression converting a staged column to its table type (NULL when it cannot)."""
    raw = _raw(column, kinds)
    if column.dtype == "VARCHAR":
        return raw
    if kinds.get(column.name, "VARCHAR") != "VARCHAR":
        return f"TRY_CAST({quote(column.name)} AS {'DOUBLE' if column.dtype == 'INTEGER' else column.dtype})"
    if column.dtype in ("DOUBLE", "INTEGER"):
        # Thousands separators are common in Chinese exports: 1,234.5
        return f"TRY_CAST(REPLACE({raw}, ',', '') AS DOUBLE)"
    if column.dtype == "DATE":
        return (
            f"COALESCE(TRY_CAST({raw} AS DATE), TRY_CAST(TRY_STRPTIME({raw}, '%Y%m%d') AS DATE), "
            f"TRY_CAST(TRY_STRPTIME({raw}, '%Y/%m/%d') AS DATE))"
        )
    if column.dtype == "BOOLEAN":
        trues = ", ".join(_literal(v) for v in _TRUE)
        falses = ", ".join(_literal(v) for v in _FALSE)
        return f"CASE WHEN lower({raw}) IN ({trues}) THEN TRUE WHEN lower({raw}) IN ({falses}) THEN FALSE END"
    raise AssertionError(column.dtype)


def raw_kept(table: Table, present: frozenset[str], kinds: dict[str, str]) -> frozenset[str]:
    """Columns whose raw text is kept beside the converted value.

    Only a conversion that can fail needs the raw value (to tell an unreadable value from a
    blank one and to show it): text into numbers, dates and booleans, and anything into a
    whole number. Text columns and typed Parquet columns are their own raw value.
    """
    return frozenset(
        c.name
        for c in table.columns
        if c.name in present
        and (c.dtype == "INTEGER" or (c.dtype != "VARCHAR" and kinds.get(c.name, "VARCHAR") == "VARCHAR"))
    )


def typed_select(table: Table, present: frozenset[str], kinds: dict[str, str]) -> str:
    """SELECT list turning a staged batch into the table's columns (absent ones NULL).

    ``kinds`` says for each staged column whether it arrives as text (``VARCHAR``) or
    typed (``NATIVE``); columns of :func:`raw_kept` also keep their text as ``_raw_<name>``.
    """
    parts = ["_row"]
    for column in table.columns:
        if column.name in present:
            expr = _converted(column, kinds)
            if column.dtype == "INTEGER":
                expr = f"CAST(round({expr}) AS INTEGER)"
        else:
            expr = f"CAST(NULL AS {column.dtype})"
        parts.append(f"{expr} AS {quote(column.name)}")
    kept = raw_kept(table, present, kinds)
    parts.extend(f"{_raw(c, kinds)} AS {quote('_raw_' + c.name)}" for c in table.columns if c.name in kept)
    return ", ".join(parts)


@dataclass(frozen=True)
class Rule:
    """One check: rows of ``_typed`` matching ``where`` break it.

    ``column`` names the column reported; ``value`` is an SQL expression shown as the
    offending value; ``message`` says which rule was broken.
    """

    column: str | None
    where: str
    message: str
    value: str = "NULL"
    source: str = "_typed"


def _column_rules(column: Column, keeps_raw: bool) -> list[Rule]:
    name = quote(column.name)
    raw = quote("_raw_" + column.name) if keeps_raw else f"CAST({name} AS VARCHAR)"
    rules: list[Rule] = []
    if column.required:
        rules.append(Rule(column.name, f"{raw} IS NULL", "required value is empty"))
    kind = {
        "DOUBLE": "a number",
        "INTEGER": "a whole number",
        "DATE": "a date (YYYY-MM-DD)",
        "BOOLEAN": "true/false (是/否)",
    }.get(column.dtype)
    if kind and keeps_raw:
        rules.append(Rule(column.name, f"{raw} IS NOT NULL AND {name} IS NULL", f"must be {kind}", raw))
    if column.dtype == "INTEGER":
        rules.append(
            Rule(
                column.name,
                f"{name} IS NOT NULL AND TRY_CAST({raw} AS DOUBLE) <> {name}",
                "must be a whole number",
                raw,
            )
        )
    if column.minimum is not None:
        what = "negative values are impossible" if column.minimum == 0 else f"must be at least {column.minimum:g}"
        rules.append(Rule(column.name, f"{name} < {column.minimum}", what, raw))
    if column.maximum == "current_year":
        year = dt.date.today().year
        rules.append(Rule(column.name, f"{name} > {year}", f"a year after {year} is in the future", raw))
    elif column.maximum is not None:
        rules.append(Rule(column.name, f"{name} > {column.maximum}", f"must be at most {column.maximum:g}", raw))
    if column.choices:
        listed = ", ".join(_literal(c) for c in column.choices)
        rules.append(
            Rule(
                column.name,
                f"{name} IS NOT NULL AND {name} NOT IN ({listed})",
                f"must be one of: {', '.join(column.choices)}",
                raw,
            )
        )
    return rules


def _key_rule(table: Table) -> Rule:
    keys = ", ".join(quote(k) for k in table.key)
    shown = " || '|' || ".join(f"COALESCE(CAST({quote(k)} AS VARCHAR), '')" for k in table.key)
    match = " AND ".join(f"t.{quote(k)} IS NOT DISTINCT FROM d.{quote(k)}" for k in table.key)
    # A grouped count (which spills to disk) finds the repeated keys; only their rows are joined back.
    repeated = f"SELECT {keys}, min(_row) AS _first FROM _typed GROUP BY ALL HAVING count(*) > 1"
    return Rule(
        table.key[0] if len(table.key) == 1 else None,
        "_first < _row",
        f"duplicate key ({', '.join(table.key)}): the same key is already at an earlier row",
        shown,
        source=f"(SELECT t.*, d._first FROM _typed t JOIN ({repeated}) d ON {match})",
    )


def _exists(target: str, column: str, own_file: bool) -> str:
    """SQL condition: ``column`` of _typed names a row of workspace table ``target``."""
    key = quote(TABLES[target].key[0])
    cond = f"EXISTS (SELECT 1 FROM {target} r WHERE r.{key} = _typed.{quote(column)})"
    if own_file:
        cond += f" OR EXISTS (SELECT 1 FROM _typed s WHERE s.{key} = _typed.{quote(column)})"
    return f"({cond})"


def _reference_rules(table: Table, present: frozenset[str]) -> list[Rule]:
    rules: list[Rule] = []
    for column, target in table.references.items():
        if column not in present:
            continue
        col = quote(column)
        exists = _exists(target, column, own_file=target == table.name)
        if table.name == "links":
            flag = quote(column.replace("_id", "_external"))
            where = f"{col} IS NOT NULL AND NOT coalesce({flag}, FALSE) AND NOT {exists}"
            message = f"unknown firm: not in the workspace's firms; import it first or mark {column.replace('_id', '_external')}=true"
        else:
            where = f"{col} IS NOT NULL AND NOT {exists}"
            hint = "import regions first" if target == "regions" else f"import {target} first"
            message = f"unknown {target[:-1]} id: not in the workspace ({hint})"
        rules.append(Rule(column, where, message, col))
    return rules


def _code_rules(table: Table) -> list[Rule]:
    rules: list[Rule] = []
    for scheme_column, code_column in table.codes:
        scheme, code = quote(scheme_column), quote(code_column)
        known_scheme = f"EXISTS (SELECT 1 FROM industries i WHERE i.scheme = _typed.{scheme})"
        # A code deeper than the deepest level loaded is checked through its prefix at that level
        # (a GB/T class '3911' against division '39' until the full list is imported).
        deepest = f"(SELECT max(length(j.code)) FROM industries j WHERE j.scheme = _typed.{scheme})"
        exists = f"""EXISTS (SELECT 1 FROM industries i WHERE i.scheme = _typed.{scheme} AND (i.code = _typed.{code}
            OR (length(_typed.{code}) > {deepest} AND length(i.code) = {deepest}
                AND i.code = left(_typed.{code}, length(i.code)))))"""
        rules.append(
            Rule(
                scheme_column,
                f"{scheme} IS NOT NULL AND NOT {known_scheme}",
                "unknown code scheme: no code list of that name in the workspace",
                scheme,
            )
        )
        rules.append(
            Rule(
                code_column,
                f"{code} IS NOT NULL AND {scheme} IS NOT NULL AND {known_scheme} AND NOT {exists}",
                "industry code not found in the declared scheme",
                f"{scheme} || ':' || {code}",
            )
        )
        if table.name == "firms":
            rules.append(
                Rule(scheme_column, f"{code} IS NOT NULL AND {scheme} IS NULL", "industry_code given without a scheme")
            )
    return rules


def _table_rules(table: Table, present: frozenset[str]) -> list[Rule]:
    rules: list[Rule] = []
    if table.name == "firms":
        rules.append(
            Rule(
                "region_id",
                "region_id IS NULL AND country IS NULL",
                "a firm needs a region_id, or a country when it is abroad",
            )
        )
    if table.name == "links":
        rules.append(
            Rule("customer_id", "supplier_id = customer_id", "a firm cannot be its own supplier", "customer_id")
        )
    if table.name == "regions":
        rules.append(Rule("parent_id", "parent_id = region_id", "a region cannot be its own parent", "parent_id"))
    if table.name == "industries" and "parent_code" in present:
        rules.append(
            Rule(
                "parent_code",
                "parent_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM industries i WHERE i.scheme = _typed.scheme "
                "AND i.code = _typed.parent_code) AND NOT EXISTS (SELECT 1 FROM _typed s WHERE s.scheme = _typed.scheme "
                "AND s.code = _typed.parent_code)",
                "parent code not found in the same scheme",
                "parent_code",
            )
        )
    if table.name == "policies":
        rules.append(
            Rule("valid_to", "valid_to < valid_from", "valid_to is before valid_from", "CAST(valid_to AS VARCHAR)")
        )
        rules.append(
            Rule(
                "rules",
                "rules IS NOT NULL AND NOT json_valid(rules)",
                "eligibility rules must be valid JSON",
                "left(rules, 60)",
            )
        )
    if table.name == "projects":
        rules.append(Rule("end", '"end" < start', "the project ends before it starts", 'CAST("end" AS VARCHAR)'))
    return rules


def rules_for(table: Table, present: frozenset[str], kept: frozenset[str]) -> list[Rule]:
    """Every rule an import into ``table`` must pass.

    ``present`` are the columns the file provides, ``kept`` those staged with their raw
    text (see :func:`raw_kept`).
    """
    rules: list[Rule] = []
    for column in table.columns:
        if column.name in present:
            rules.extend(_column_rules(column, column.name in kept))
    rules.extend(_table_rules(table, present))
    rules.extend(_code_rules(table))
    rules.extend(_reference_rules(table, present))
    rules.append(_key_rule(table))
    return rules


def run_rules(con: duckdb.DuckDBPyConnection, rules: list[Rule], file: str) -> None:
    """Run ``rules`` over ``_typed``; raise :class:`ImportValidationError` if any row breaks one."""
    limit = ImportValidationError.MAX_PROBLEMS
    found: list[Problem] = []
    total = 0
    # Rules on single rows are counted together in one scan; only broken ones are looked at again.
    simple = [r for r in rules if r.source == "_typed" and "SELECT" not in r.where]
    counts = (
        con.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE {r.where})" for r in simple) + " FROM _typed"
        ).fetchall()[0]
        if simple
        else ()
    )
    clean = {id(r) for r, n in zip(simple, counts, strict=True) if n == 0}
    for rule in rules:
        if id(rule) in clean:
            continue
        broken = f"SELECT _row, CAST({rule.value} AS VARCHAR) AS v FROM {rule.source} AS _typed WHERE {rule.where}"
        # One problem per offending value: an unknown region on 50,000 rows is one line, not 20.
        groups = con.execute(
            f"SELECT min(_row) AS first, v, count(*) FROM ({broken}) GROUP BY v ORDER BY first LIMIT {limit}"
        ).fetchall()
        if not groups:
            continue
        count = sum(n for _, _, n in groups)
        if len(groups) == limit:
            count = con.execute(f"SELECT count(*) FROM ({broken})").fetchall()[0][0]
        total += count
        found.extend(Problem(file, row, rule.column, value, rule.message, n) for row, value, n in groups)
    if found:
        found.sort(key=lambda p: p.row or 0)
        raise ImportValidationError(found, total)
