"""The DuckDB reference pass (see ``reference.py``): every check is one SQL query.

Each CSV is read as text into a table (``name:raw``; DuckDB keeps the file's row order, so a row's
``rowid`` + 2 is its CSV row number), then made into the typed table ``name``: the cells as our
validator types them (integers and booleans parsed, null where they do not parse; the text as
written in ``field:text``) and the first and last day of each partial date (``field:lower``,
``field:upper``). A table, not a view: a view would type the cells again in every query. The
stored texts are read with ``read_blob`` and hashed with ``sha256``. All checks run as one UNION
ALL query, so that DuckDB schedules them together.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import duckdb
from reference import (
    ACTS,
    BRACKETS,
    DATE_PAIRS,
    DATED_BY_TREATY,
    FALSE_VALUES,
    INTEGER_PATTERN,
    PARTY_ROLES,
    POINTERS,
    QUOTE_CHARS,
    TRUE_VALUES,
    WHITESPACE,
    Package,
    Problem,
    Resource,
)

from unionstate_data.model.fields import PARTIAL_DATE_PATTERN

__all__ = ["check"]

Connection = duckdb.DuckDBPyConnection


def check(package: Package) -> list[Problem]:
    """Every problem in ``package``."""
    con = duckdb.connect(":memory:")
    _macros(con)
    for resource in package.resources.values():
        _load(con, resource)
    queries = [*_table_schema(package), *_keys(package)]
    if package.has("sources", "source_id", "seed_path", "sha256"):
        _stored_texts(con, package)
        queries += [*_sources(package), *_quotes(con, package)]
    queries += [*_dates(package), *_parties(package), *_brackets(package)]
    queries += [*_evidence(package), *_disputes(con, package)]
    if not queries:
        return []
    return [tuple(row) for row in con.sql("\nUNION ALL\n".join(queries)).fetchall()]


# --- SQL text ------------------------------------------------------------------------------------


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def texts(values: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(text(v) for v in values) + ")"


def raw(name: str) -> str:
    return ident(f"{name}:raw")


def hits(code: str, resource: str, field: str, rest: str, row: str = "__row__") -> str:
    """A query of problems: one per row that ``rest`` (FROM ... WHERE ...) selects."""
    return f"SELECT {text(code)}, {text(resource)}, CAST({row} AS BIGINT), {text(field)} {rest}"


def _macros(con: Connection) -> None:
    """Partial-date bounds (``model.dates``) and quote normalisation (``rules.quotes``)."""
    con.execute(
        f"""CREATE MACRO lower_day(v) AS CASE
            WHEN regexp_full_match(v, {text(PARTIAL_DATE_PATTERN)}) AND v[1:4] <> '0000'
            THEN try_cast(CASE length(v) WHEN 4 THEN v || '-01-01' WHEN 7 THEN v || '-01'
                          ELSE v END AS DATE) END"""
    )
    con.execute(
        """CREATE MACRO upper_day(v) AS CASE WHEN lower_day(v) IS NOT NULL THEN
            CASE length(v) WHEN 4 THEN CAST(v || '-12-31' AS DATE)
                 WHEN 7 THEN last_day(lower_day(v)) ELSE lower_day(v) END END"""
    )
    typographic, plain = "".join(QUOTE_CHARS), "".join(QUOTE_CHARS.values())
    con.execute(
        f"""CREATE MACRO normalised(x) AS trim(regexp_replace(
            translate(x, {text(typographic)}, {text(plain)}), {text(WHITESPACE)}, ' ', 'g'), ' ')"""
    )


def _load(con: Connection, resource: Resource) -> None:
    """The CSV as text (an empty cell is null), then the typed table made from it."""
    columns = "{" + ", ".join(f"{text(c)}: 'VARCHAR'" for c in resource.columns) + "}"
    con.execute(
        f"CREATE TABLE {raw(resource.name)} AS FROM read_csv({text(str(resource.csv))}, "
        f"header = true, auto_detect = false, columns = {columns}, delim = ',', quote = '\"', "
        "escape = '\"')"
    )
    typed = ["rowid + 2 AS __row__"]
    dates = resource.marked("x-partial-date")
    for spec in resource.fields:
        name = ident(spec["name"])
        kind = spec.get("type", "string")
        if kind == "integer":
            cell = f"CASE WHEN regexp_full_match({name}, {text(INTEGER_PATTERN)}) "
            typed.append(cell + f"THEN CAST({name} AS BIGINT) END AS {name}")
        elif kind == "boolean":
            typed.append(
                f"CASE WHEN {name} IN {texts(TRUE_VALUES)} THEN true "
                f"WHEN {name} IN {texts(FALSE_VALUES)} THEN false END AS {name}"
            )
        else:
            typed.append(name)
        if kind != "string":
            typed.append(f"{name} AS {ident(spec['name'] + ':text')}")
        if spec["name"] in dates:
            typed.append(f"lower_day({name}) AS {ident(spec['name'] + ':lower')}")
            typed.append(f"upper_day({name}) AS {ident(spec['name'] + ':upper')}")
    con.execute(
        f"CREATE TABLE {ident(resource.name)} AS SELECT {', '.join(typed)} "
        f"FROM {raw(resource.name)}"
    )
    con.execute(f"DROP TABLE {raw(resource.name)}")


# --- Table Schema --------------------------------------------------------------------------------


def _table_schema(package: Package) -> Iterator[str]:
    """type-error, required, pattern, enum, minimum, unique: from each field's schema."""
    for r in package.resources.values():
        for spec in r.fields:
            yield from _field(r, spec)


def _field(r: Resource, spec: dict[str, Any]) -> Iterator[str]:
    field, kind = spec["name"], spec.get("type", "string")
    constraints = spec.get("constraints", {})
    cell = ident(field if kind == "string" else field + ":text")  # the cell as written
    c, where = ident(field), f"FROM {ident(r.name)} WHERE"
    if constraints.get("required"):
        yield hits("required", r.name, field, f"{where} {cell} IS NULL")
    if kind == "integer":
        bad = f"NOT regexp_full_match({cell}, {text(INTEGER_PATTERN)})"
        yield hits("type-error", r.name, field, f"{where} {bad}")
    if kind == "boolean":
        bad = f"{cell} NOT IN {texts(TRUE_VALUES + FALSE_VALUES)}"
        yield hits("type-error", r.name, field, f"{where} {bad}")
    if kind == "string" and isinstance(constraints.get("pattern"), str):
        pattern = text(constraints["pattern"])
        yield hits("pattern", r.name, field, f"{where} NOT regexp_full_match({c}, {pattern})")
    if kind == "string" and isinstance(constraints.get("enum"), list):
        yield hits("enum", r.name, field, f"{where} {c} NOT IN {texts(constraints['enum'])}")
    if kind == "integer" and "minimum" in constraints:
        yield hits("minimum", r.name, field, f"{where} {c} < {int(constraints['minimum'])}")
    if constraints.get("unique"):
        yield _repeats("unique", r, [field])


def _repeats(code: str, r: Resource, keys: list[str]) -> str:
    """Rows whose key (no part null) repeats an earlier row's: the first is not reported."""
    columns = ", ".join(ident(k) for k in keys)
    present = " AND ".join(f"{ident(k)} IS NOT NULL" for k in keys)
    view = ident(r.name)
    repeated = f"SELECT {columns} FROM {view} WHERE {present} GROUP BY ALL HAVING count(*) > 1"
    numbered = (
        f"SELECT v.__row__, row_number() OVER (PARTITION BY {columns} ORDER BY v.__row__) AS n "
        f"FROM {view} v SEMI JOIN ({repeated}) d USING ({columns})"
    )
    return hits(code, r.name, ", ".join(keys), f"FROM ({numbered}) WHERE n > 1")


def _keys(package: Package) -> Iterator[str]:
    """primary-key and foreign-key, from each schema's keys."""
    for r in package.resources.values():
        if r.primary_key:
            yield _repeats("primary-key", r, r.primary_key)
        for fields, target, ref_fields in r.foreign_keys():
            if not (r.has(*fields) and package.has(target, *ref_fields)):
                continue
            present = " AND ".join(f"c.{ident(f)} IS NOT NULL" for f in fields)
            match = " AND ".join(
                f"p.{ident(p)} = c.{ident(f)}" for f, p in zip(fields, ref_fields, strict=True)
            )
            absent = f"NOT EXISTS (SELECT 1 FROM {ident(target)} p WHERE {match})"
            rest = f"FROM {ident(r.name)} c WHERE {present} AND {absent}"
            yield hits("foreign-key", r.name, ", ".join(fields), rest, "c.__row__")


# --- consistency rules ---------------------------------------------------------------------------


def _before(a: str, a_field: str, b: str, b_field: str) -> str:
    """``a.a_field`` certainly falls before ``b.b_field``: its last day before the other's first."""
    return f"{a}.{ident(a_field + ':upper')} < {b}.{ident(b_field + ':lower')}"


def _dates(package: Package) -> Iterator[str]:
    """date-invalid, date-order, supersedes-order, event-before-treaty, party-not-existing."""
    for r in package.resources.values():
        for field in r.marked("x-partial-date"):
            shaped = f"regexp_full_match(t.{ident(field)}, {text(PARTIAL_DATE_PATTERN)})"
            rest = f"FROM {ident(r.name)} t WHERE {shaped} AND t.{ident(field + ':lower')} IS NULL"
            yield hits("date-invalid", r.name, field, rest)
    for name, earlier, later in DATE_PAIRS:
        if name in package.resources:
            dates = package.resources[name].marked("x-partial-date")
            if earlier in dates and later in dates:
                rest = f"FROM {ident(name)} t WHERE {_before('t', later, 't', earlier)}"
                yield hits("date-order", name, later, rest)
    treaties = package.has("treaties", "treaty_id", "signed")
    if treaties and package.has("treaty_relations", "treaty_id", "related_treaty_id"):
        rest = (
            "FROM treaty_relations r JOIN treaties n ON n.treaty_id = r.treaty_id "
            "JOIN treaties o ON o.treaty_id = r.related_treaty_id "
            f"WHERE {_before('n', 'signed', 'o', 'signed')}"
        )
        yield hits("supersedes-order", "treaty_relations", "related_treaty_id", rest, "r.__row__")
    for name in DATED_BY_TREATY:
        if treaties and package.has(name, "treaty_id", "date"):
            rest = (
                f"FROM {ident(name)} e JOIN treaties t ON t.treaty_id = e.treaty_id "
                f"WHERE {_before('e', 'date', 't', 'signed')}"
            )
            yield hits("event-before-treaty", name, "date", rest, "e.__row__")
    if package.has("parties", "party_id", "start", "end"):
        for link, key, parent, parent_key, when in ACTS:
            if package.has(link, key, "party_id") and package.has(parent, parent_key, when):
                rest = (
                    f"FROM {ident(link)} l JOIN {ident(parent)} a "
                    f"ON a.{ident(parent_key)} = l.{ident(key)} "
                    "JOIN parties p ON p.party_id = l.party_id "
                    f"WHERE {_before('a', when, 'p', 'start')} OR {_before('p', 'end', 'a', when)}"
                )
                yield hits("party-not-existing", link, "party_id", rest, "l.__row__")


def _parties(package: Package) -> Iterator[str]:
    """bilateral-parties and treaty-without-parties: distinct parties per treaty."""
    if not (
        package.has("treaties", "treaty_id", "scope")
        and package.has("treaty_parties", "treaty_id", "party_id")
    ):
        return
    role = "role IN " + texts(PARTY_ROLES) if package.has("treaty_parties", "role") else "true"
    counts = (
        "SELECT treaty_id, count(DISTINCT party_id) AS n FROM treaty_parties "
        f"WHERE {role} AND treaty_id IS NOT NULL GROUP BY treaty_id"
    )
    joined = f"FROM treaties t LEFT JOIN ({counts}) c ON c.treaty_id = t.treaty_id WHERE"
    rest = f"{joined} t.scope = 'bilateral' AND coalesce(c.n, 0) <> 2"
    yield hits("bilateral-parties", "treaties", "scope", rest, "t.__row__")
    rest = f"{joined} t.scope <> 'bilateral' AND coalesce(c.n, 0) = 0"
    yield hits("treaty-without-parties", "treaties", "treaty_id", rest, "t.__row__")


def _stored_texts(con: Connection, package: Package) -> None:
    """``seeds``: the stored files that exist (name, bytes); ``texts``: each stored source's
    text, normalised."""
    prefix = text(package.seed_path(""))
    shaped = f"regexp_full_match(seed_path, {text(package.seed_path_pattern)})"
    named = con.sql(f"SELECT DISTINCT seed_path FROM sources WHERE {shaped}").fetchall()
    existing = [package.seed_path(p) for (p,) in named if os.path.isfile(package.seed_path(p))]
    if existing:
        listed = "[" + ", ".join(text(p) for p in existing) + "]"
        con.execute(f"CREATE TEMP TABLE seeds AS SELECT filename, content FROM read_blob({listed})")
    else:
        con.execute("CREATE TEMP TABLE seeds (filename VARCHAR, content BLOB)")
    con.execute(
        "CREATE TEMP TABLE texts AS SELECT s.source_id, normalised(decode(b.content)) AS text "
        f"FROM sources s JOIN seeds b ON b.filename = {prefix} || s.seed_path "
        f"WHERE {shaped} AND s.source_id IS NOT NULL"
    )


def _sources(package: Package) -> Iterator[str]:
    """source-seed-pair, file-missing (a stored text) and source-hash."""
    rest = "FROM sources WHERE (seed_path IS NULL) <> (sha256 IS NULL)"
    yield hits("source-seed-pair", "sources", "sha256", rest)
    shaped = f"regexp_full_match(s.seed_path, {text(package.seed_path_pattern)})"
    on = f"b.filename = {text(package.seed_path(''))} || s.seed_path"
    rest = f"FROM sources s WHERE {shaped} AND NOT EXISTS (SELECT 1 FROM seeds b WHERE {on})"
    yield hits("file-missing", "sources", "seed_path", rest, "s.__row__")
    rest = (
        f"FROM sources s JOIN seeds b ON {on} WHERE {shaped} "
        "AND s.sha256 IS NOT NULL AND sha256(b.content) <> s.sha256"
    )
    yield hits("source-hash", "sources", "sha256", rest, "s.__row__")


def _quotes(con: Connection, package: Package) -> Iterator[str]:
    """quote-not-verbatim: each distinct (source, quote) pair is searched for once in its
    source's normalised text; the rows of the missing pairs are then found by a join."""
    quoted = [(r, s, q) for r in package.resources.values() for s, q in r.quoted]
    if not quoted:
        return
    pairs = " UNION ALL ".join(
        f"SELECT {ident(s)} AS s, {ident(q)} AS q FROM {ident(r.name)} WHERE {ident(q)} IS NOT NULL"
        for r, s, q in quoted
    )
    distinct = f"SELECT DISTINCT s, q FROM ({pairs})"
    con.execute(
        f"CREATE TEMP TABLE missing AS SELECT p.s, p.q FROM ({distinct}) p "
        "JOIN texts t ON t.source_id = p.s WHERE NOT contains(t.text, normalised(p.q))"
    )
    for r, s, q in quoted:
        rest = f"FROM {ident(r.name)} x JOIN missing m ON m.s = x.{ident(s)} AND m.q = x.{ident(q)}"
        yield hits("quote-not-verbatim", r.name, q, rest, "x.__row__")


def _brackets(package: Package) -> Iterator[str]:
    if package.has("clauses", "text", "editorial_brackets"):
        rest = f"FROM clauses WHERE regexp_matches(text, {text(BRACKETS)}) <> editorial_brackets"
        yield hits("editorial-brackets", "clauses", "editorial_brackets", rest)


def _evidence(package: Package) -> Iterator[str]:
    """evidence-target (each pointer names a row and a field that exist) and
    field-evidence-missing (each filled field marked x-field-evidence has its evidence row)."""
    targets = [r for r in package.resources.values() if r.single_key]
    for pointer in POINTERS:
        if not package.has(pointer, "resource_name", "record_id", "field"):
            continue
        for r in targets:
            mine = f"FROM {ident(pointer)} e WHERE e.resource_name = {text(r.name)}"
            key = ident(str(r.single_key))
            absent = f"NOT EXISTS (SELECT 1 FROM {ident(r.name)} t WHERE t.{key} = e.record_id)"
            yield hits("evidence-target", pointer, "record_id", f"{mine} AND {absent}", "e.__row__")
            fields = tuple(f["name"] for f in r.schema["fields"])
            rest = f"{mine} AND e.field NOT IN {texts(fields)}"
            yield hits("evidence-target", pointer, "field", rest, "e.__row__")
    if not package.has("evidence", "resource_name", "record_id", "field"):
        return
    for r in targets:
        key = ident(str(r.single_key))
        for field in r.marked("x-field-evidence"):
            backed = (
                f"SELECT 1 FROM evidence e WHERE e.resource_name = {text(r.name)} "
                f"AND e.field = {text(field)} AND e.record_id = t.{key}"
            )
            rest = (
                f"FROM {ident(r.name)} t WHERE t.{ident(field)} IS NOT NULL "
                f"AND t.{key} IS NOT NULL AND NOT EXISTS ({backed})"
            )
            yield hits("field-evidence-missing", r.name, field, rest, "t.__row__")


def _disputes(con: Connection, package: Package) -> Iterator[str]:
    """dispute-value: a dispute's chosen value is the (typed, as text) value the row holds."""
    if not package.has("disputes", "resource_name", "record_id", "field", "chosen_value"):
        return
    asked = con.sql(
        "SELECT DISTINCT resource_name, field FROM disputes "
        "WHERE resource_name IS NOT NULL AND field IS NOT NULL ORDER BY ALL"
    ).fetchall()
    for name, field in asked:
        r = package.resources.get(name)
        if r is None or r.single_key is None or not r.has(field):
            continue
        held = f"CAST(t.{ident(field)} AS VARCHAR)"
        rest = (
            f"FROM disputes d JOIN {ident(name)} t ON t.{ident(r.single_key)} = d.record_id "
            f"WHERE d.resource_name = {text(name)} AND d.field = {text(field)} "
            f"AND NOT coalesce(d.chosen_value = {held}, false)"
        )
        yield hits("dispute-value", "disputes", "chosen_value", rest, "d.__row__")
