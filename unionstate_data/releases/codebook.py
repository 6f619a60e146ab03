"""The codebook: every table, column and allowed value of a release, explained.

Generated, never hand-written: the tables, fields, types, descriptions and constraints come from
the Table Schemas (generated from the models, ``model.tables``); the definitions of the allowed
values from ``model.vocabularies.DEFINITIONS``; the derived columns from
``model.fields.DERIVED_COLUMNS``; the Stata storage from ``releases.stata``; fill rates, examples,
coverage and gaps from the typed tables. Each release zip carries the codebook of the columns it
holds (``flavour``: ``csv`` or ``parquet``, whose zip also holds the Stata files), as
``CODEBOOK.md`` and ``CODEBOOK.html``. The text is a function of its inputs only: no time stamp,
tables in descriptor order, values in vocabulary order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any, get_args

import pyarrow as pa
import pyarrow.compute as pc

from .._paths import descriptor_path, resource_schema
from ..errors import BuildError
from ..model.fields import DERIVED_COLUMNS, PARTIAL_DATE
from ..model.vocabularies import DEFINITIONS, VOCABULARIES, vocabulary_for
from .document import Block, Heading, Items, Paragraph, Table, to_html, to_markdown
from .stata import RENAMED, STATA_FOLDER, STATA_VERSION, StataColumn, stata_layout

__all__ = ["FLAVOURS", "FORMATS", "codebook", "missing_definitions", "shipped_codebook"]

FLAVOURS = ("parquet", "csv")
FORMATS = ("md", "html")
_EXAMPLES = 3
_EXAMPLE_CHARS = 40

#: ID policy and versioning rules, as the README states them (written for the release here).
CONVENTIONS = (
    "IDs are lowercase slugs (`a-z`, `0-9`, single hyphens), stable across versions and never "
    "reused; an ID is withdrawn only in a major version.",
    "Dates are partial dates, `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ISO 8601 / EDTF level 0), kept "
    'at the precision of their source: "in May 1995" is `1995-05`, never an invented day.',
    "Every row of a content table carries its evidence: `source_id`, a verbatim `quote` and a "
    "`locator`; a value from another source has its own row in `evidence`.",
    'An empty cell is unknown, not "did not happen": facts searched for and not found are rows '
    "of `gaps`.",
    "Rows are in primary-key order; files are UTF-8 with LF line endings.",
)
VERSIONING = (
    "One version, one content: the version `X.Y.Z` names one release, byte for byte, forever.",
    "major: a table or column removed, renamed or retyped, an allowed value withdrawn, a row "
    "removed (its ID withdrawn) or an ID changed;",
    "minor: additions: rows, columns, tables, allowed values;",
    "patch: corrections: changed values, descriptions.",
    "A change to the library alone is a post-release `X.Y.Z.postN` that ships the data of "
    "`X.Y.Z` unchanged. Cite the version you used (`unionstate-data cite`).",
)


def missing_definitions(schemas: dict[str, dict[str, Any]]) -> list[str]:
    """What the codebook cannot explain: a table or field without a description, an enum that is
    no vocabulary, an allowed value without a definition (empty: nothing missing)."""
    missing = []
    for name, values in VOCABULARIES.items():
        defined = DEFINITIONS.get(name, {})
        missing += [
            f"vocabulary {name}: value {v!r} has no definition (model/vocabularies.py)"
            for v in get_args(values)
            if not defined.get(v, "").strip()
        ]
    for resource, schema in schemas.items():
        for spec in schema["fields"]:
            where = f"{resource}.{spec['name']}"
            if not spec.get("description", "").strip():
                missing.append(f"{where}: no description (model/tables.py)")
            enum = spec.get("constraints", {}).get("enum")
            if enum and vocabulary_for(enum) is None:
                missing.append(f"{where}: its values {enum} are no vocabulary of VOCABULARIES")
    return missing


def codebook(
    meta: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, pa.Table],
    *,
    flavour: str = "parquet",
    format: str = "md",
) -> str:
    """The codebook of a release zip (``flavour``) as Markdown or standalone HTML; BuildError
    listing what has no definition."""
    missing = missing_definitions(schemas)
    if missing:
        raise BuildError(
            "the codebook cannot explain every field and value; add them once, where each lives:\n"
            + "\n".join(missing)
        )
    blocks = _blocks(meta, schemas, tables, flavour)
    title = f"Codebook: {meta['title']} {meta['version']}"
    return to_html(blocks, title) if format == "html" else to_markdown(blocks)


def shipped_codebook(flavour: str = "parquet", format: str = "md") -> str:
    """The codebook of the shipped package, as ``unionstate-data codebook`` prints it."""
    import json

    from ..validation.typed import typed_tables

    descriptor = descriptor_path()
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    schemas = {r["name"]: resource_schema(descriptor, r) for r in meta["resources"]}
    return codebook(meta, schemas, typed_tables(descriptor), flavour=flavour, format=format)


def _blocks(
    meta: dict[str, Any],
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, pa.Table],
    flavour: str,
) -> list[Block]:
    blocks: list[Block] = [
        Heading(1, f"Codebook: {meta['title']}"),
        Paragraph(
            f"Version {meta['version']}, the {flavour.upper()} release. Generated from the data "
            "models and the data by `unionstate-data build`; do not edit. "
            "`unionstate-data codebook` prints it."
        ),
        Paragraph(_what_zip_holds(flavour)),
        Heading(2, "Conventions"),
        Items(CONVENTIONS),
        Heading(2, "Versions"),
        Items(VERSIONING),
        *_coverage(meta, schemas, tables),
        Heading(2, "Tables"),
    ]
    stata = flavour == "parquet"
    for resource in meta["resources"]:
        name = resource["name"]
        blocks += _table_blocks(resource, schemas[name], tables[name], flavour, stata)
    blocks += _vocabulary_blocks(schemas, tables, codes=stata)
    if stata:
        blocks += _stata_blocks()
    return blocks


def _what_zip_holds(flavour: str) -> str:
    if flavour == "csv":
        return (
            "This zip holds the Frictionless data package: one CSV per table in "
            "`datapackage/data/`, the descriptor with its Table Schemas, and the stored sources "
            "in `seeds/`. The columns below are the CSV columns; an empty cell is a missing value."
        )
    return (
        "This zip holds one Parquet file per table (`{table}.parquet`, typed columns; each "
        "partial date with its derived `_lower`, `_upper` and `_precision` columns) and the same "
        f"tables as Stata files (`{STATA_FOLDER}/{{table}}.dta`, see Stata files below)."
    )


def _coverage(
    meta: dict[str, Any], schemas: dict[str, dict[str, Any]], tables: dict[str, pa.Table]
) -> list[Block]:
    rows = []
    for resource in meta["resources"]:
        name = resource["name"]
        rows.append((f"`{name}`", str(tables[name].num_rows), _span(schemas[name], tables[name])))
    blocks: list[Block] = [
        Heading(2, "Coverage and known gaps"),
        Table(("table", "rows", "dates (first date field: earliest to latest)"), tuple(rows)),
    ]
    gaps = tables.get("gaps")
    if gaps is not None and gaps.num_rows:
        keys = zip(
            gaps.column("resource_name").to_pylist(), gaps.column("field").to_pylist(), strict=True
        )
        counts = sorted(Counter(keys).items(), key=lambda item: (-item[1], item[0]))
        blocks += [
            Paragraph(
                f"Known gaps: {gaps.num_rows} facts searched for and not found (rows of `gaps`), "
                "by table and field. Their fields are empty: unknown, not absent."
            ),
            Table(("table", "field", "gaps"), tuple((t, f, str(n)) for (t, f), n in counts)),
        ]
    return blocks


def _span(schema: dict[str, Any], table: pa.Table) -> str:
    dates = [f["name"] for f in schema["fields"] if f.get(PARTIAL_DATE)]
    if not dates or not table.num_rows:
        return ""
    first = dates[0]
    low = pc.min(table.column(f"{first}_lower")).as_py()
    high = pc.max(table.column(f"{first}_upper")).as_py()
    return f"`{first}`: {low} to {high}" if low and high else ""


def _table_blocks(
    resource: dict[str, Any], schema: dict[str, Any], table: pa.Table, flavour: str, stata: bool
) -> list[Block]:
    name = resource["name"]
    keys = [
        f"`{', '.join(fk['fields'])}` → `{fk['reference']['resource']}."
        f"{', '.join(fk['reference']['fields'])}`"
        for fk in schema.get("foreignKeys", [])
    ]
    facts = f"Primary key: `{', '.join(schema['primaryKey'])}`."
    if keys:
        facts += " Foreign keys: " + "; ".join(keys) + "."
    header = ["column", "type", "required", "filled", "description", "rules", "examples"]
    if stata:
        header.append("Stata")
    layout = {c.name: c for c in stata_layout(name, table, schema)} if stata else {}
    rows = [
        _column_row(column, spec, table, layout.get(column))
        for column, spec in _columns(schema, table, flavour)
    ]
    return [
        Heading(3, f"{name} ({table.num_rows} rows)"),
        Paragraph(f"{resource.get('title', name)}. {resource.get('description', '')}"),
        Paragraph(facts),
        Table(tuple(header), tuple(rows)),
    ]


def _columns(
    schema: dict[str, Any], table: pa.Table, flavour: str
) -> Iterable[tuple[str, dict[str, Any]]]:
    """(column, its field spec) for every column the zip holds: the schema's fields, and in the
    Parquet flavour the derived date columns after their field (with a spec made for them)."""
    for spec in schema["fields"]:
        yield spec["name"], spec
        if flavour == "parquet" and spec.get(PARTIAL_DATE):
            for part, text in DERIVED_COLUMNS.items():
                column = f"{spec['name']}_{part}"
                if column in table.column_names:
                    yield column, {"description": text.format(field=spec["name"]), "derived": part}


def _column_row(
    column: str, spec: dict[str, Any], table: pa.Table, stata: StataColumn | None
) -> tuple[str, ...]:
    values = table.column(column)
    derived = "derived" in spec
    # The Parquet flavour (with its Stata column) gives the Arrow type, the CSV one the schema's.
    kind = str(values.type) if stata is not None or derived else spec.get("type", "string")
    if spec.get(PARTIAL_DATE):
        kind += " (partial date)"
    required = spec.get("constraints", {}).get("required", False)
    row = [
        f"`{column}`",
        kind,
        "yes" if required else "no",
        f"{len(values) - values.null_count}/{len(values)}",
        spec.get("description", ""),
        _rules(spec),
        "" if _vocabulary(spec) else _examples(values),
    ]
    if stata is not None:
        variable = f"`{stata.variable}` " if stata.variable != column else ""
        label = f" `{stata.vocabulary}`" if stata.vocabulary else ""
        row.append(f"{variable}{stata.storage}{label}")
    return tuple(row)


def _vocabulary(spec: dict[str, Any]) -> str | None:
    if spec.get("derived") == "precision":
        return "Precision"
    enum = spec.get("constraints", {}).get("enum")
    return vocabulary_for(enum) if enum else None


def _rules(spec: dict[str, Any]) -> str:
    constraints = spec.get("constraints", {})
    rules = []
    vocabulary = _vocabulary(spec)
    if vocabulary:
        rules.append(f"one of `{vocabulary}` (see Vocabularies)")
    if "pattern" in constraints:
        rules.append(f"pattern `{constraints['pattern']}`")
    if constraints.get("unique"):
        rules.append("unique")
    if "minimum" in constraints:
        rules.append(f"at least {constraints['minimum']}")
    if spec.get("x-field-evidence"):
        rules.append("needs its own `evidence` row")
    return "; ".join(rules)


def _examples(values: pa.ChunkedArray) -> str:
    seen: list[str] = []
    for value in values.drop_null().unique().to_pylist()[:_EXAMPLES]:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        text = " ".join(text.replace("`", "'").split())
        seen.append(text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1] + "…")
    return " · ".join(seen)


def _vocabulary_blocks(
    schemas: dict[str, dict[str, Any]], tables: dict[str, pa.Table], codes: bool
) -> list[Block]:
    used: dict[str, list[tuple[str, str]]] = {name: [] for name in VOCABULARIES}
    for resource, schema in schemas.items():
        for spec in schema["fields"]:
            vocabulary = _vocabulary(spec)
            if vocabulary:
                used[vocabulary].append((resource, spec["name"]))
            if spec.get(PARTIAL_DATE) and codes:
                used["Precision"].append((resource, f"{spec['name']}_precision"))
    blocks: list[Block] = [
        Heading(2, "Vocabularies"),
        Paragraph(
            "Every allowed value with its definition, and how many rows hold it."
            + (" The Stata code is the value's number in its labelled variable." if codes else "")
        ),
    ]
    for name, fields in used.items():
        if not fields:
            continue
        counts: Counter[str] = Counter()
        for resource, column in fields:
            if column in tables[resource].column_names:
                counts.update(v for v in tables[resource].column(column).to_pylist() if v)
        header = ("value", *(("Stata code",) if codes else ()), "definition", "rows")
        rows = tuple(
            (
                f"`{value}`",
                *((str(i),) if codes else ()),
                DEFINITIONS[name][value],
                str(counts[value]),
            )
            for i, value in enumerate(get_args(VOCABULARIES[name]), start=1)
        )
        where = ", ".join(f"`{r}.{c}`" for r, c in fields)
        blocks += [Heading(3, name), Paragraph(f"Used by {where}."), Table(header, rows)]
    return blocks


def _stata_blocks() -> list[Block]:
    return [
        Heading(2, "Stata files"),
        Paragraph(
            f"`{STATA_FOLDER}/{{table}}.dta`, one per table, in Stata format {STATA_VERSION} "
            "(Stata 14 or later; `use stata/treaties.dta`). The column Stata of each table gives "
            "each variable's storage."
        ),
        Items(
            (
                "A field with a vocabulary, and each `_precision` column, is a labelled integer: "
                "its code is the value's number in the vocabulary (listed above) and its value "
                "label is the value itself.",
                "`_lower` and `_upper` are Stata dates (`%td`); the partial date stays a string.",
                "Quoted text, and text whose longest value passes 244 bytes, is `strL`; other "
                "text is `str#`. An empty string is a missing value (Stata has no missing string).",
                "Booleans are 0/1 bytes; missing numbers are `.`.",
                "Renamed, because pandas (which writes the files) reserves the word: "
                + ", ".join(f"`{name}` is `{name}_`" for name in sorted(RENAMED))
                + "; every other variable has its column's name.",
                "Variable labels are the column descriptions cut to 80 characters; the data label "
                "names the package and the table.",
            )
        ),
    ]
