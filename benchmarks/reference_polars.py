"""The Polars reference pass (see ``reference.py``): every check is one lazy query.

Each CSV is read as text (an empty cell is null) with its CSV row number (``__row__``); the typed
frame holds the cells as our validator types them (integers and booleans parsed, null where they
do not parse; the text as written in ``field:text``) and the first and last day of each partial
date (``field:lower``, ``field:upper``). The stored texts are read and hashed per file (Polars
has no SHA-256); everything after is expressions. All checks are collected together, so Polars
runs them in parallel.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from typing import Any

import polars as pl
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

Frames = dict[str, pl.LazyFrame]


def check(package: Package) -> list[Problem]:
    """Every problem in ``package``."""
    frames = {name: _load(r) for name, r in package.resources.items()}
    queries = [*_table_schema(package, frames), *_keys(package, frames)]
    if package.has("sources", "source_id", "seed_path", "sha256"):
        seeds = _seeds(package, frames["sources"])
        queries += [*_sources(package, frames, seeds), *_quotes(package, frames, seeds)]
    queries += [*_dates(package, frames), *_parties(package, frames), *_brackets(package, frames)]
    queries += [*_evidence(package, frames), *_disputes(package, frames)]
    if not queries:
        return []
    found = pl.concat(queries).collect()
    return [tuple(row) for row in found.iter_rows()]


def full_match(column: str | pl.Expr, pattern: str) -> pl.Expr:
    values = pl.col(column) if isinstance(column, str) else column
    return values.str.contains(f"^(?:{pattern})$")


def hits(
    code: str, resource: str, field: str, frame: pl.LazyFrame, row: str = "__row__"
) -> pl.LazyFrame:
    """The problems of ``frame``: one per row."""
    return frame.select(
        pl.lit(code).alias("code"),
        pl.lit(resource).alias("resource"),
        pl.col(row).cast(pl.Int64).alias("row"),
        pl.lit(field, pl.String).alias("field"),
    )


def _load(resource: Resource) -> pl.LazyFrame:
    """The CSV as text with row numbers, typed; read now, queried lazily."""
    cells = pl.read_csv(
        resource.csv,
        infer_schema=False,
        null_values=[""],
        quote_char='"',
        row_index_name="__row__",
        row_index_offset=2,
    )
    typed: list[pl.Expr] = []
    dates = resource.marked("x-partial-date")
    for spec in resource.fields:
        name, kind = spec["name"], spec.get("type", "string")
        cell = pl.col(name)
        if kind == "integer":
            parsed = pl.when(full_match(cell, INTEGER_PATTERN)).then(cell.cast(pl.Int64))
            typed += [parsed.alias(name), cell.alias(name + ":text")]
        elif kind == "boolean":
            parsed = pl.when(cell.is_in(TRUE_VALUES)).then(True)
            parsed = parsed.when(cell.is_in(FALSE_VALUES)).then(False)
            typed += [parsed.alias(name), cell.alias(name + ":text")]
        if name in dates:
            lower, upper = _bounds(cell)
            typed += [lower.alias(name + ":lower"), upper.alias(name + ":upper")]
    return cells.with_columns(typed).lazy()


def _bounds(values: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last day of each partial date (``model.dates``); null where it is none."""
    length = values.str.len_bytes()
    shaped = full_match(values, PARTIAL_DATE_PATTERN) & (values.str.slice(0, 4) != "0000")
    first = pl.when(length == 4).then(values + "-01-01")
    first = first.when(length == 7).then(values + "-01").otherwise(values)
    lower = pl.when(shaped).then(first.str.to_date("%Y-%m-%d", strict=False))
    last = pl.when(length == 4).then((values + "-12-31").str.to_date("%Y-%m-%d", strict=False))
    last = last.when(length == 7).then(lower.dt.month_end()).otherwise(lower)
    return lower, pl.when(lower.is_not_null()).then(last)


# --- Table Schema --------------------------------------------------------------------------------


def _table_schema(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """type-error, required, pattern, enum, minimum, unique: from each field's schema."""
    for r in package.resources.values():
        for spec in r.fields:
            yield from _field(r, frames[r.name], spec)


def _field(r: Resource, frame: pl.LazyFrame, spec: dict[str, Any]) -> Iterator[pl.LazyFrame]:
    field, kind = spec["name"], spec.get("type", "string")
    constraints = spec.get("constraints", {})
    cell = pl.col(field if kind == "string" else field + ":text")  # the cell as written
    c = pl.col(field)
    if constraints.get("required"):
        yield hits("required", r.name, field, frame.filter(cell.is_null()))
    if kind == "integer":
        yield hits("type-error", r.name, field, frame.filter(~full_match(cell, INTEGER_PATTERN)))
    if kind == "boolean":
        bad = ~cell.is_in(TRUE_VALUES + FALSE_VALUES)
        yield hits("type-error", r.name, field, frame.filter(bad))
    if kind == "string" and isinstance(constraints.get("pattern"), str):
        bad = ~full_match(c, constraints["pattern"])
        yield hits("pattern", r.name, field, frame.filter(bad))
    if kind == "string" and isinstance(constraints.get("enum"), list):
        yield hits("enum", r.name, field, frame.filter(~c.is_in(constraints["enum"])))
    if kind == "integer" and "minimum" in constraints:
        yield hits("minimum", r.name, field, frame.filter(c < int(constraints["minimum"])))
    if constraints.get("unique"):
        yield _repeats("unique", r, frame, [field])


def _repeats(code: str, r: Resource, frame: pl.LazyFrame, keys: list[str]) -> pl.LazyFrame:
    """Rows whose key (no part null) repeats an earlier row's: the first is not reported."""
    present = frame.filter(pl.all_horizontal([pl.col(k).is_not_null() for k in keys]))
    key = pl.col(keys[0]) if len(keys) == 1 else pl.struct(keys)
    return hits(code, r.name, ", ".join(keys), present.filter(~key.is_first_distinct()))


def _keys(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """primary-key and foreign-key, from each schema's keys."""
    for r in package.resources.values():
        frame = frames[r.name]
        if r.primary_key:
            yield _repeats("primary-key", r, frame, r.primary_key)
        for fields, target, ref_fields in r.foreign_keys():
            if not (r.has(*fields) and package.has(target, *ref_fields)):
                continue
            present = frame.filter(pl.all_horizontal([pl.col(f).is_not_null() for f in fields]))
            parent = frames[target].select(ref_fields)
            absent = present.join(parent, left_on=fields, right_on=ref_fields, how="anti")
            yield hits("foreign-key", r.name, ", ".join(fields), absent)


# --- consistency rules ---------------------------------------------------------------------------


def _before(a: str, b: str) -> pl.Expr:
    """Date ``a`` certainly falls before date ``b``: its last day before the other's first."""
    return pl.col(a + ":upper") < pl.col(b + ":lower")


def _dated(frame: pl.LazyFrame, field: str, prefix: str, key: str) -> pl.LazyFrame:
    """``key`` and the bounds of ``field``, renamed ``{prefix}{field}:lower``/``:upper``."""
    return frame.select(
        pl.col(key),
        pl.col(field + ":lower").alias(f"{prefix}{field}:lower"),
        pl.col(field + ":upper").alias(f"{prefix}{field}:upper"),
    )


def _dates(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """date-invalid, date-order, supersedes-order, event-before-treaty, party-not-existing."""
    for r in package.resources.values():
        for field in r.marked("x-partial-date"):
            bad = full_match(field, PARTIAL_DATE_PATTERN) & pl.col(field + ":lower").is_null()
            yield hits("date-invalid", r.name, field, frames[r.name].filter(bad))
    for name, earlier, later in DATE_PAIRS:
        if name in package.resources:
            dates = package.resources[name].marked("x-partial-date")
            if earlier in dates and later in dates:
                yield hits("date-order", name, later, frames[name].filter(_before(later, earlier)))
    treaties = package.has("treaties", "treaty_id", "signed")
    if treaties and package.has("treaty_relations", "treaty_id", "related_treaty_id"):
        signed = frames["treaties"]
        pairs = frames["treaty_relations"].select("__row__", "treaty_id", "related_treaty_id")
        pairs = pairs.join(_dated(signed, "signed", "new_", "treaty_id"), on="treaty_id")
        old = _dated(signed, "signed", "old_", "treaty_id")
        pairs = pairs.join(old, left_on="related_treaty_id", right_on="treaty_id")
        bad = pairs.filter(_before("new_signed", "old_signed"))
        yield hits("supersedes-order", "treaty_relations", "related_treaty_id", bad)
    for name in DATED_BY_TREATY:
        if treaties and package.has(name, "treaty_id", "date"):
            rows = frames[name].select("__row__", "treaty_id", "date:upper")
            rows = rows.join(_dated(frames["treaties"], "signed", "", "treaty_id"), on="treaty_id")
            yield hits("event-before-treaty", name, "date", rows.filter(_before("date", "signed")))
    if package.has("parties", "party_id", "start", "end"):
        life = frames["parties"].select("party_id", pl.col("start:lower"), pl.col("end:upper"))
        for link, key, parent, parent_key, when in ACTS:
            if package.has(link, key, "party_id") and package.has(parent, parent_key, when):
                dated = _dated(frames[parent], when, "act:", parent_key)
                acts = frames[link].select("__row__", key, "party_id")
                acts = acts.join(dated, left_on=key, right_on=parent_key)
                acts = acts.join(life, on="party_id")
                bad = _before(f"act:{when}", "start") | _before("end", f"act:{when}")
                yield hits("party-not-existing", link, "party_id", acts.filter(bad))


def _parties(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """bilateral-parties and treaty-without-parties: distinct parties per treaty."""
    if not (
        package.has("treaties", "treaty_id", "scope")
        and package.has("treaty_parties", "treaty_id", "party_id")
    ):
        return
    links = frames["treaty_parties"]
    if package.has("treaty_parties", "role"):
        links = links.filter(pl.col("role").is_in(PARTY_ROLES))
    counts = (
        links.filter(pl.col("treaty_id").is_not_null())
        .group_by("treaty_id")
        .agg(pl.col("party_id").drop_nulls().n_unique().alias("parties"))
    )
    joined = frames["treaties"].select("__row__", "treaty_id", "scope")
    joined = joined.join(counts, on="treaty_id", how="left")
    n = pl.col("parties").fill_null(0)
    bilateral = pl.col("scope") == "bilateral"
    yield hits("bilateral-parties", "treaties", "scope", joined.filter(bilateral & (n != 2)))
    other = pl.col("scope") != "bilateral"
    yield hits("treaty-without-parties", "treaties", "treaty_id", joined.filter(other & (n == 0)))


def _seeds(package: Package, sources: pl.LazyFrame) -> pl.LazyFrame:
    """The stored files that exist: path (as ``Package.seed_path`` gives it), SHA-256, text."""
    shaped = full_match("seed_path", package.seed_path_pattern)
    named = sources.filter(shaped).select(pl.col("seed_path").unique()).collect()
    rows = []
    for relative in named["seed_path"].to_list():
        path = package.seed_path(relative)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                data = file.read()
            rows.append((path, hashlib.sha256(data).hexdigest(), data.decode("utf-8")))
    schema = {"path": pl.String, "digest": pl.String, "text": pl.String}
    return pl.LazyFrame(rows, schema=schema, orient="row")


def _normalised(values: pl.Expr) -> pl.Expr:
    """Typographic quotes to ASCII, whitespace runs to one space, trimmed (``rules.quotes``)."""
    plain = values.str.replace_many(list(QUOTE_CHARS), list(QUOTE_CHARS.values()))
    return plain.str.replace_all(WHITESPACE, " ").str.strip_chars(" ")


def _sources(package: Package, frames: Frames, seeds: pl.LazyFrame) -> Iterator[pl.LazyFrame]:
    """source-seed-pair, file-missing (a stored text) and source-hash."""
    sources = frames["sources"]
    apart = pl.col("seed_path").is_null() != pl.col("sha256").is_null()
    yield hits("source-seed-pair", "sources", "sha256", sources.filter(apart))
    stored = sources.filter(full_match("seed_path", package.seed_path_pattern))
    stored = stored.with_columns(path=pl.lit(package.seed_path("")) + pl.col("seed_path"))
    missing = stored.join(seeds, on="path", how="anti")
    yield hits("file-missing", "sources", "seed_path", missing)
    found = stored.join(seeds, on="path")
    wrong = pl.col("sha256").is_not_null() & (pl.col("digest") != pl.col("sha256"))
    yield hits("source-hash", "sources", "sha256", found.filter(wrong))


def _quotes(package: Package, frames: Frames, seeds: pl.LazyFrame) -> Iterator[pl.LazyFrame]:
    """quote-not-verbatim: each distinct (source, quote) pair is searched for once in its
    source's normalised text; the rows of the missing pairs are then found by a join."""
    quoted = [(r, s, q) for r in package.resources.values() for s, q in r.quoted]
    if not quoted:
        return
    stored = frames["sources"].filter(full_match("seed_path", package.seed_path_pattern))
    stored = stored.filter(pl.col("source_id").is_not_null()).select(
        "source_id", path=pl.lit(package.seed_path("")) + pl.col("seed_path")
    )
    texts = stored.join(seeds, on="path").select("source_id", _normalised(pl.col("text")))
    pairs = pl.concat(
        frames[r.name].select(pl.col(s).alias("s"), pl.col(q).alias("q")).drop_nulls("q")
        for r, s, q in quoted
    ).unique()
    pairs = pairs.join(texts, left_on="s", right_on="source_id")
    inside = pl.col("text").str.contains(_normalised(pl.col("q")), literal=True)
    missing = pairs.filter(~inside).select("s", "q").collect().lazy()  # few rows, used per table
    for r, s, q in quoted:
        rows = frames[r.name].join(missing, left_on=[s, q], right_on=["s", "q"], how="semi")
        yield hits("quote-not-verbatim", r.name, q, rows)


def _brackets(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    if package.has("clauses", "text", "editorial_brackets"):
        bad = pl.col("text").str.contains(BRACKETS) != pl.col("editorial_brackets")
        flagged = frames["clauses"].filter(bad)
        yield hits("editorial-brackets", "clauses", "editorial_brackets", flagged)


def _evidence(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """evidence-target (each pointer names a row and a field that exist) and
    field-evidence-missing (each filled field marked x-field-evidence has its evidence row)."""
    targets = [r for r in package.resources.values() if r.single_key]
    for pointer in POINTERS:
        if not package.has(pointer, "resource_name", "record_id", "field"):
            continue
        for r in targets:
            mine = frames[pointer].filter(pl.col("resource_name") == r.name)
            keys = frames[r.name].select(pl.col(str(r.single_key)).alias("record_id"))
            absent = mine.drop_nulls("record_id").join(keys, on="record_id", how="anti")
            yield hits("evidence-target", pointer, "record_id", absent)
            fields = [f["name"] for f in r.schema["fields"]]
            bad = mine.filter(~pl.col("field").is_in(fields))
            yield hits("evidence-target", pointer, "field", bad)
    if not package.has("evidence", "resource_name", "record_id", "field"):
        return
    evidence = frames["evidence"]
    for r in targets:
        key = str(r.single_key)
        for field in r.marked("x-field-evidence"):
            mine = (pl.col("resource_name") == r.name) & (pl.col("field") == field)
            backed = evidence.filter(mine).select("record_id")
            filled = frames[r.name].filter(pl.col(field).is_not_null()).drop_nulls(key)
            missing = filled.join(backed, left_on=key, right_on="record_id", how="anti")
            yield hits("field-evidence-missing", r.name, field, missing)


def _disputes(package: Package, frames: Frames) -> Iterator[pl.LazyFrame]:
    """dispute-value: a dispute's chosen value is the (typed, as text) value the row holds."""
    if not package.has("disputes", "resource_name", "record_id", "field", "chosen_value"):
        return
    disputes = frames["disputes"]
    asked = disputes.select("resource_name", "field").drop_nulls().unique().collect()
    for name, field in sorted(asked.iter_rows()):
        r = package.resources.get(name)
        if r is None or r.single_key is None or not r.has(field):
            continue
        mine = disputes.filter((pl.col("resource_name") == name) & (pl.col("field") == field))
        held = frames[name].select(
            pl.col(r.single_key).alias("record_id"), pl.col(field).cast(pl.String).alias("held")
        )
        joined = mine.join(held, on="record_id")
        differs = ~(pl.col("chosen_value") == pl.col("held")).fill_null(False)
        yield hits("dispute-value", "disputes", "chosen_value", joined.filter(differs))
