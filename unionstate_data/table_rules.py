"""Table Schema rules, column-wise over Arrow: types, required, pattern, enum, minimum, unique,
primary keys and foreign keys; and the typed tables the consistency rules and loaders use.

A cell that fails its type is reported once (``type-error``) and becomes null, so later rules do
not report it again; an empty cell is null (the schema's missing value is ``""``). Partial-date
fields (``x-partial-date``) get ``{field}_lower``, ``{field}_upper`` and ``{field}_precision``
columns beside them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .dates import column_bounds
from .problems import Problem
from .reading import ROW_COLUMN, RawPackage

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FALSE_VALUES", "TRUE_VALUES", "check_keys", "type_table", "type_tables"]

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
# At most 18 digits: the values must fit Arrow's int64.
_INTEGER = r"^[+-]?[0-9]{1,18}$"
_KEY_SEPARATOR = "\x1f"


def problems_at(
    code: str, resource: str, rows: Any, field: str | None, messages: Iterable[str]
) -> list[Problem]:
    """One problem per flagged row: ``rows`` and ``messages`` run in parallel."""
    return [
        Problem(code, resource, int(row), field, message)
        for row, message in zip(rows.to_pylist(), messages, strict=True)
    ]


def _flagged(table: pa.Table, mask: Any) -> tuple[Any, Any]:
    """Row numbers and cell values where ``mask`` is true (nulls count as false)."""
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, False)
    return table[ROW_COLUMN].filter(mask), mask


def type_tables(raw: RawPackage) -> tuple[dict[str, pa.Table], list[Problem]]:
    """Typed tables for every readable resource, and the problems found on the way."""
    tables: dict[str, pa.Table] = {}
    problems: list[Problem] = []
    for name, resource in raw.resources.items():
        if resource.table is None:
            continue
        tables[name], found = type_table(name, resource.table, resource.schema)
        problems += found
    return tables, problems


def type_table(
    name: str, cells: pa.Table, schema: dict[str, Any]
) -> tuple[pa.Table, list[Problem]]:
    """Check one resource's cells against its schema and build its typed table."""
    import pyarrow as pa
    import pyarrow.compute as pc

    problems: list[Problem] = []
    strings = [c for c in cells.column_names if c != ROW_COLUMN]
    blank = _all_empty(cells, strings)
    if pc.any(blank).as_py():
        rows = cells[ROW_COLUMN].filter(blank)
        problems += problems_at(
            "blank-row", name, rows, None, ["the row is blank; delete the empty line"] * len(rows)
        )
        cells = cells.filter(pc.invert(blank))
    columns: dict[str, Any] = {ROW_COLUMN: cells[ROW_COLUMN]}
    for spec in schema["fields"]:
        if spec["name"] not in cells.column_names:
            continue  # reported as missing-column
        typed, found = _type_column(name, cells, spec)
        problems += found
        columns[spec["name"]] = typed
        if spec.get("x-partial-date"):
            date_bounds = column_bounds(typed)
            for key in ("lower", "upper", "precision"):
                columns[f"{spec['name']}_{key}"] = date_bounds[key]
    return pa.table(columns), problems


def _all_empty(cells: pa.Table, columns: Sequence[str]) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    mask = pa.array([True] * len(cells), pa.bool_())
    for column in columns:
        mask = pc.and_(mask, pc.equal(cells[column], ""))
    return mask


def _type_column(name: str, cells: pa.Table, spec: dict[str, Any]) -> tuple[Any, list[Problem]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    field = spec["name"]
    raw = cells[field]
    empty = pc.equal(raw, "")
    constraints = spec.get("constraints", {})
    problems: list[Problem] = []
    if constraints.get("required"):
        rows, _ = _flagged(cells, empty)
        problems += problems_at(
            "required",
            name,
            rows,
            field,
            [f"{field} is required but empty; fill it in"] * len(rows),
        )
    kind = spec.get("type", "string")
    if kind == "integer":
        parses = pc.match_substring_regex(raw, _INTEGER)
        ok = pc.or_(empty, parses)
        values = pc.cast(pc.if_else(parses, raw, pa.scalar(None, pa.string())), pa.int64())
    elif kind == "boolean":
        is_true = pc.is_in(raw, value_set=pa.array(TRUE_VALUES))
        ok = pc.or_(empty, pc.or_(is_true, pc.is_in(raw, value_set=pa.array(FALSE_VALUES))))
        values = pc.if_else(ok, is_true, pa.scalar(None, pa.bool_()))
    else:
        ok = pa.array([True] * len(raw), pa.bool_())
        values = raw
    rows, bad = _flagged(cells, pc.invert(ok))
    expected = {"integer": "a whole number", "boolean": "true or false"}.get(kind, kind)
    problems += problems_at(
        "type-error",
        name,
        rows,
        field,
        [f"{field} must be {expected}, got {v!r}" for v in raw.filter(bad).to_pylist()],
    )
    values = pc.if_else(empty, pa.scalar(None, values.type), values)
    problems += _constraint_problems(name, cells, field, values, constraints)
    return values, problems


def _constraint_problems(
    name: str, cells: pa.Table, field: str, values: Any, constraints: dict[str, Any]
) -> list[Problem]:
    import pyarrow as pa
    import pyarrow.compute as pc

    problems: list[Problem] = []
    if "pattern" in constraints:
        pattern = constraints["pattern"]
        rows, bad = _flagged(cells, pc.invert(pc.match_substring_regex(values, f"^(?:{pattern})$")))
        problems += problems_at(
            "pattern",
            name,
            rows,
            field,
            [f"{field} must match {pattern!r}, got {v!r}" for v in values.filter(bad).to_pylist()],
        )
    if "enum" in constraints:
        allowed = constraints["enum"]
        rows, bad = _flagged(cells, pc.invert(pc.is_in(values, value_set=pa.array(allowed))))
        problems += problems_at(
            "enum",
            name,
            rows,
            field,
            [
                f"{field} must be one of {allowed}, got {v!r}"
                for v in values.filter(bad).to_pylist()
            ],
        )
    if "minimum" in constraints:
        minimum = constraints["minimum"]
        rows, bad = _flagged(cells, pc.less(values, minimum))
        problems += problems_at(
            "minimum",
            name,
            rows,
            field,
            [
                f"{field} must be at least {minimum}, got {v!r}"
                for v in values.filter(bad).to_pylist()
            ],
        )
    if constraints.get("unique"):
        problems += _duplicates("unique", name, cells[ROW_COLUMN], [values], [field])
    return problems


def _key(columns: Sequence[Any]) -> Any:
    """One string per row joining the key's columns; null where any part is null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = [pc.cast(c, pa.string()) for c in columns]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, _KEY_SEPARATOR, null_handling="emit_null")


def _duplicates(
    code: str, name: str, rows: Any, columns: Sequence[Any], fields: Sequence[str]
) -> list[Problem]:
    """Rows whose key repeats an earlier row's (first occurrence is not reported)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keyed = pa.table({"key": _key(columns), "row": rows}).filter(pc.is_valid(_key(columns)))
    first = keyed.group_by("key").aggregate([("row", "min")])
    joined = keyed.join(first, "key").filter(pc.not_equal(pc.field("row"), pc.field("row_min")))
    joined = joined.sort_by([("row", "ascending")])
    label = ", ".join(fields)
    return [
        Problem(
            code,
            name,
            row,
            fields[0] if len(fields) == 1 else label,
            f"({label}) = {key.replace(_KEY_SEPARATOR, ', ')!r} repeats row {first_row}; "
            "give this row its own key or delete the duplicate",
        )
        for key, row, first_row in zip(
            joined["key"].to_pylist(),
            joined["row"].to_pylist(),
            joined["row_min"].to_pylist(),
            strict=True,
        )
    ]


def check_keys(tables: dict[str, pa.Table], schemas: dict[str, dict[str, Any]]) -> list[Problem]:
    """Primary keys unique, and every foreign key resolves to a row of its resource."""
    problems: list[Problem] = []
    for name, table in tables.items():
        schema = schemas[name]
        primary = [f for f in schema.get("primaryKey", []) if f in table.column_names]
        if primary and len(primary) == len(schema.get("primaryKey", [])):
            columns = [table[f] for f in primary]
            problems += _duplicates("primary-key", name, table[ROW_COLUMN], columns, primary)
        for fk in schema.get("foreignKeys", []):
            problems += _foreign_key(name, table, fk, tables)
    return problems


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _foreign_key(
    name: str, table: pa.Table, fk: dict[str, Any], tables: dict[str, pa.Table]
) -> list[Problem]:
    import pyarrow.compute as pc

    fields = _as_list(fk["fields"])
    target = fk["reference"].get("resource") or name
    ref_fields = _as_list(fk["reference"]["fields"])
    parent = tables.get(target)
    if parent is None or not set(fields) <= set(table.column_names):
        return []  # the missing file or column is reported already
    if not set(ref_fields) <= set(parent.column_names):
        return []
    child_key = _key([table[f] for f in fields])
    parent_key = _key([parent[f] for f in ref_fields])
    missing = pc.and_(pc.is_valid(child_key), pc.invert(pc.is_in(child_key, value_set=parent_key)))
    rows, bad = _flagged(table, missing)
    label = ", ".join(fields)
    return problems_at(
        "foreign-key",
        name,
        rows,
        label,
        [
            f"{label} = {v.replace(_KEY_SEPARATOR, ', ')!r} is not a "
            f"{target}.{', '.join(ref_fields)}; add that row to {target} or fix the reference"
            for v in child_key.filter(bad).to_pylist()
        ],
    )
