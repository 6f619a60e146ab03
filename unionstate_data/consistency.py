"""Consistency rules of this dataset, beyond what a Table Schema can say.

Each rule is a function ``(Context) -> list[Problem]`` listed in ``RULE_FUNCTIONS``. Rules work
column-wise on the typed Arrow tables (joins, filters, compute kernels). A rule skips what it
cannot judge: a missing table or column, or a null (empty or mistyped) cell, is reported by the
table rules already. Dates are judged with their precision: a pair is out of order only when the
last day the earlier date can mean is before the first day the later one can mean.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem
from .reading import ROW_COLUMN
from .table_rules import problems_at

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["RULE_FUNCTIONS", "Context", "normalise_quote_text", "run_consistency_rules"]

_QUOTE_CHARS = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
}
_WHITESPACE = r"\s+"
_BRACKETS = r"\[[^\]]*\]"


@dataclass
class Context:
    """What the rules read: typed tables, their schemas, and where the descriptor lives."""

    base: Path
    tables: dict[str, pa.Table]
    schemas: dict[str, dict[str, Any]]
    _texts: dict[str, str | None] = field(default_factory=dict)

    def has(self, name: str, *columns: str) -> bool:
        table = self.tables.get(name)
        return table is not None and all(c in table.column_names for c in columns)


def normalise_quote_text(text: str) -> str:
    """Typographic quotes to ASCII and runs of whitespace to one space; nothing else."""
    import re

    for typographic, plain in _QUOTE_CHARS.items():
        text = text.replace(typographic, plain)
    return re.sub(_WHITESPACE, " ", text).strip()


def _normalise_column(values: Any) -> Any:
    import pyarrow.compute as pc

    for typographic, plain in _QUOTE_CHARS.items():
        values = pc.replace_substring(values, typographic, plain)
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(values, _WHITESPACE, " "))


# --- dates -------------------------------------------------------------------------------------


def _date_fields(schema: dict[str, Any]) -> list[str]:
    return [f["name"] for f in schema["fields"] if f.get("x-partial-date")]


def rule_date_invalid(ctx: Context) -> list[Problem]:
    """A value of partial-date shape that names no real day, month or year (1995-02-30)."""
    import pyarrow.compute as pc

    from .dates import PARTIAL_DATE_PATTERN

    problems: list[Problem] = []
    for name, table in ctx.tables.items():
        for column in _date_fields(ctx.schemas[name]):
            if not ctx.has(name, column, f"{column}_lower"):
                continue
            shaped = pc.match_substring_regex(table[column], f"^(?:{PARTIAL_DATE_PATTERN})$")
            rows, bad = _mask_rows(table, pc.and_(shaped, pc.is_null(table[f"{column}_lower"])))
            problems += problems_at(
                "date-invalid",
                name,
                rows,
                column,
                [
                    f"{column} = {v!r} is not a calendar date; check the day and month"
                    for v in table[column].filter(bad).to_pylist()
                ],
            )
    return problems


#: (resource, earlier field, later field) pairs that must be in order within one row.
DATE_PAIRS = (
    ("treaties", "signed", "in_force"),
    ("treaties", "in_force", "ended"),
    ("treaties", "signed", "ended"),
    ("parties", "start", "end"),
)


def rule_date_order(ctx: Context) -> list[Problem]:

    problems: list[Problem] = []
    for name, earlier, later in DATE_PAIRS:
        if not ctx.has(name, f"{earlier}_lower", f"{later}_upper"):
            continue
        table = ctx.tables[name]
        rows, bad = _mask_rows(table, _certainly_before(table, later, table, earlier))
        problems += problems_at(
            "date-order",
            name,
            rows,
            later,
            [
                f"{later} = {b!r} is before {earlier} = {a!r}; fix whichever date is wrong"
                for a, b in zip(
                    table[earlier].filter(bad).to_pylist(),
                    table[later].filter(bad).to_pylist(),
                    strict=True,
                )
            ],
        )
    return problems


def _certainly_before(left: Any, left_field: str, right: Any, right_field: str) -> Any:
    """Row-wise: the date ``left_field`` certainly falls before ``right_field``."""
    import pyarrow.compute as pc

    return pc.less(left[f"{left_field}_upper"], right[f"{right_field}_lower"])


def _mask_rows(table: pa.Table, mask: Any) -> tuple[Any, Any]:
    import pyarrow.compute as pc

    mask = pc.fill_null(mask, False)
    return table[ROW_COLUMN].filter(mask), mask


def _join(
    left: pa.Table, left_key: str, right: pa.Table, right_key: str, columns: list[str], prefix: str
) -> pa.Table:
    """Left rows with ``columns`` of their matching right row, renamed with ``prefix``."""
    picked = right.select([right_key, *columns]).rename_columns(
        [f"{prefix}{right_key}", *(f"{prefix}{c}" for c in columns)]
    )
    joined = left.join(picked, left_key, f"{prefix}{right_key}", join_type="inner")
    return joined.sort_by([(ROW_COLUMN, "ascending")])


_SIGNED = ["signed", "signed_lower", "signed_upper"]


def rule_supersedes_order(ctx: Context) -> list[Problem]:
    """A treaty that supersedes, amends or implements another is not signed before it."""
    if not ctx.has("treaty_relations", "treaty_id", "related_treaty_id", "relation") or not ctx.has(
        "treaties", "treaty_id", *_SIGNED
    ):
        return []
    treaties = ctx.tables["treaties"]
    pairs = _join(
        ctx.tables["treaty_relations"], "treaty_id", treaties, "treaty_id", _SIGNED, "new_"
    )
    pairs = _join(pairs, "related_treaty_id", treaties, "treaty_id", _SIGNED, "old_")
    rows, bad = _mask_rows(pairs, _certainly_before(pairs, "new_signed", pairs, "old_signed"))
    return problems_at(
        "supersedes-order",
        "treaty_relations",
        rows,
        "related_treaty_id",
        [
            f"{t} (signed {n}) cannot {rel} {r} (signed {o}), which was signed later; "
            "swap treaty_id and related_treaty_id or fix a signature date"
            for t, r, rel, n, o in zip(
                *(
                    pairs.filter(bad)[c].to_pylist()
                    for c in (
                        "treaty_id",
                        "related_treaty_id",
                        "relation",
                        "new_signed",
                        "old_signed",
                    )
                ),
                strict=True,
            )
        ],
    )


def rule_event_before_treaty(ctx: Context) -> list[Problem]:
    """An event that concerns a treaty is not certainly before the treaty's signature."""
    if not ctx.has("events", "treaty_id", "date", "date_upper") or not ctx.has(
        "treaties", "treaty_id", *_SIGNED
    ):
        return []
    joined = _join(
        ctx.tables["events"], "treaty_id", ctx.tables["treaties"], "treaty_id", _SIGNED, "treaty_"
    )
    rows, bad = _mask_rows(joined, _certainly_before(joined, "date", joined, "treaty_signed"))
    return problems_at(
        "event-before-treaty",
        "events",
        rows,
        "date",
        [
            f"event dated {d!r} concerns {t}, signed {s!r} later; fix the date or treaty_id"
            for d, t, s in zip(
                *(
                    joined.filter(bad)[c].to_pylist()
                    for c in ("date", "treaty_id", "treaty_signed")
                ),
                strict=True,
            )
        ],
    )


_LIFE = ["start", "start_lower", "start_upper", "end", "end_lower", "end_upper"]


def rule_party_not_existing(ctx: Context) -> list[Problem]:
    """A party does not act when it certainly did not exist (where its dates are known)."""
    import pyarrow.compute as pc

    if not ctx.has("parties", "party_id", *_LIFE):
        return []
    acts = [
        ("event_participants", "event_id", "events", "event_id", "date"),
        ("treaty_parties", "treaty_id", "treaties", "treaty_id", "signed"),
    ]
    problems: list[Problem] = []
    for link, key, parent, parent_key, when in acts:
        if not ctx.has(link, key, "party_id") or not ctx.has(parent, parent_key, f"{when}_lower"):
            continue
        dated = _join(
            ctx.tables[link],
            key,
            ctx.tables[parent],
            parent_key,
            [when, f"{when}_lower", f"{when}_upper"],
            "act_",
        )
        dated = _join(dated, "party_id", ctx.tables["parties"], "party_id", _LIFE, "party_")
        too_early = _certainly_before(dated, f"act_{when}", dated, "party_start")
        too_late = _certainly_before(dated, "party_end", dated, f"act_{when}")
        rows, bad = _mask_rows(dated, pc.or_kleene(too_early, too_late))
        problems += problems_at(
            "party-not-existing",
            link,
            rows,
            "party_id",
            [
                f"{p} acts on {d!r} but existed only from {s!r} to {e!r}; "
                "check the party, its start/end dates or the date of the act"
                for p, d, s, e in zip(
                    *(
                        dated.filter(bad)[c].to_pylist()
                        for c in ("party_id", f"act_{when}", "party_start", "party_end")
                    ),
                    strict=True,
                )
            ],
        )
    return problems


_PARTY_ROLES = ["signatory", "party"]


def _party_counts(ctx: Context) -> Any:
    """Per treaty row: the number of distinct parties (signatories or parties) it lists."""
    import pyarrow as pa
    import pyarrow.compute as pc

    treaties = ctx.tables["treaties"]
    links = ctx.tables["treaty_parties"]
    if "role" in links.column_names:  # an entity a treaty creates is not a party to it
        links = links.filter(pc.is_in(links["role"], value_set=pa.array(_PARTY_ROLES)))
    links = links.select(["treaty_id", "party_id"])
    counts = links.group_by("treaty_id").aggregate([("party_id", "count_distinct")])
    joined = (
        treaties.select([ROW_COLUMN, "treaty_id", "scope"])
        .join(counts, "treaty_id", join_type="left outer")
        .sort_by([(ROW_COLUMN, "ascending")])
    )
    count = pc.fill_null(joined["party_id_count_distinct"], pa.scalar(0, pa.int64()))
    return joined, count


def rule_bilateral_parties(ctx: Context) -> list[Problem]:
    import pyarrow.compute as pc

    if not ctx.has("treaties", "treaty_id", "scope") or not ctx.has(
        "treaty_parties", "treaty_id", "party_id"
    ):
        return []
    joined, count = _party_counts(ctx)
    rows, bad = _mask_rows(
        joined, pc.and_(pc.equal(joined["scope"], "bilateral"), pc.not_equal(count, 2))
    )
    return problems_at(
        "bilateral-parties",
        "treaties",
        rows,
        "scope",
        [
            f"{t} is bilateral but treaty_parties lists {n} distinct parties, expected 2; "
            "fix treaty_parties or the scope"
            for t, n in zip(
                joined["treaty_id"].filter(bad).to_pylist(),
                count.filter(bad).to_pylist(),
                strict=True,
            )
        ],
    )


def rule_treaty_without_parties(ctx: Context) -> list[Problem]:
    import pyarrow.compute as pc

    if not ctx.has("treaties", "treaty_id", "scope") or not ctx.has(
        "treaty_parties", "treaty_id", "party_id"
    ):
        return []
    joined, count = _party_counts(ctx)
    # A bilateral treaty with no parties is reported by bilateral-parties already.
    rows, bad = _mask_rows(
        joined, pc.and_(pc.not_equal(joined["scope"], "bilateral"), pc.equal(count, 0))
    )
    return problems_at(
        "treaty-without-parties",
        "treaties",
        rows,
        "treaty_id",
        [
            f"{t} has no rows in treaty_parties; add its parties with evidence"
            for t in joined["treaty_id"].filter(bad).to_pylist()
        ],
    )


def rule_editorial_brackets(ctx: Context) -> list[Problem]:
    import pyarrow.compute as pc

    if not ctx.has("clauses", "text", "editorial_brackets"):
        return []
    table = ctx.tables["clauses"]
    has_brackets = pc.match_substring_regex(table["text"], _BRACKETS)
    rows, bad = _mask_rows(table, pc.not_equal(has_brackets, table["editorial_brackets"]))
    return problems_at(
        "editorial-brackets",
        "clauses",
        rows,
        "editorial_brackets",
        [
            f"editorial_brackets is {flag} but the text {'has' if found else 'has no'} "
            f"[...] insertion; set it to {found}"
            for flag, found in zip(
                table["editorial_brackets"].filter(bad).to_pylist(),
                has_brackets.filter(bad).to_pylist(),
                strict=True,
            )
        ],
    )


# --- sources -----------------------------------------------------------------------------------


def rule_source_seed_pair(ctx: Context) -> list[Problem]:
    import pyarrow.compute as pc

    if not ctx.has("sources", "seed_path", "sha256"):
        return []
    table = ctx.tables["sources"]
    rows, _ = _mask_rows(
        table, pc.not_equal(pc.is_valid(table["seed_path"]), pc.is_valid(table["sha256"]))
    )
    return problems_at(
        "source-seed-pair",
        "sources",
        rows,
        "sha256",
        ["seed_path and sha256 go together: give both (sha256sum of the stored text) or neither"]
        * len(rows),
    )


def _seeds(ctx: Context) -> pa.Table:
    """Sources whose seed_path is well-formed (a file in seeds/; others fail ``pattern``)."""
    import pyarrow.compute as pc

    from .models import SEED_PATH_PATTERN

    table = ctx.tables["sources"]
    ok = pc.match_substring_regex(table["seed_path"], f"^(?:{SEED_PATH_PATTERN})$")
    return table.filter(pc.fill_null(ok, False))


def _seed_bytes(ctx: Context, seed_path: str) -> bytes | None:
    path = ctx.base / seed_path
    return path.read_bytes() if path.is_file() else None


def rule_source_hash(ctx: Context) -> list[Problem]:
    """The stored text of each source exists and its SHA-256 matches (one hash per file)."""
    if not ctx.has("sources", "source_id", "seed_path", "sha256"):
        return []
    seeds = _seeds(ctx)
    problems: list[Problem] = []
    for row, seed_path, expected in zip(
        *(seeds[c].to_pylist() for c in (ROW_COLUMN, "seed_path", "sha256")), strict=True
    ):
        data = _seed_bytes(ctx, seed_path)
        if data is None:
            problems.append(
                Problem(
                    "file-missing",
                    "sources",
                    row,
                    "seed_path",
                    f"stored source {ctx.base / seed_path} does not exist",
                )
            )
            continue
        actual = hashlib.sha256(data).hexdigest()
        if expected is not None and actual != expected:
            problems.append(
                Problem(
                    "source-hash",
                    "sources",
                    row,
                    "sha256",
                    f"{seed_path}: expected sha256 {expected}, got {actual}; if the text was "
                    "corrected on purpose, update sha256 and re-check every quote from it",
                )
            )
    return problems


def _source_texts(ctx: Context) -> dict[str, str]:
    """Normalised stored text per source_id (sources without stored text are absent)."""
    texts: dict[str, str] = {}
    seeds = _seeds(ctx)
    for source_id, seed_path in zip(
        seeds["source_id"].to_pylist(), seeds["seed_path"].to_pylist(), strict=True
    ):
        data = _seed_bytes(ctx, seed_path)
        if source_id is not None and data is not None:
            texts[source_id] = normalise_quote_text(data.decode("utf-8", errors="replace"))
    return texts


def _quoted_columns(ctx: Context) -> list[tuple[str, str, str]]:
    """(resource, source column, text column) triples: text that must stand in that source."""
    triples = [
        (name, "source_id", "quote") for name in ctx.tables if ctx.has(name, "source_id", "quote")
    ]
    if ctx.has("clauses", "source_id", "text"):
        triples.append(("clauses", "source_id", "text"))
    for side in ("chosen", "alternative"):
        if ctx.has("disputes", f"{side}_source_id", f"{side}_quote"):
            triples.append(("disputes", f"{side}_source_id", f"{side}_quote"))
    return triples


def rule_quote_verbatim(ctx: Context) -> list[Problem]:
    """Every quote (and clause text) stands in its source's stored text.

    Python's substring search runs once per *distinct* (source, quote) pair: Arrow has no kernel
    that looks for many needles in one haystack, and per-pair ``in`` over the normalised text
    keeps the cost at O(distinct quotes x text length) without copying the text per row.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not ctx.has("sources", "source_id", "seed_path"):
        return []
    texts = _source_texts(ctx)
    problems: list[Problem] = []
    for name, source_column, column in _quoted_columns(ctx):
        table = ctx.tables[name]
        stored = pc.is_in(table[source_column], value_set=pa.array(list(texts), pa.string()))
        candidates = table.filter(pc.fill_null(stored, False))
        sources = candidates[source_column]
        normalised = _normalise_column(candidates[column])
        pairs = pa.table({"s": sources, "q": normalised}).group_by(["s", "q"]).aggregate([])
        missing = {
            (s, q)
            for s, q in zip(pairs["s"].to_pylist(), pairs["q"].to_pylist(), strict=True)
            if q is not None and q not in texts[s]
        }
        if not missing:
            continue
        bad_keys = pa.array([f"{s}\x1f{q}" for s, q in missing], pa.string())
        keys = pc.binary_join_element_wise(sources, normalised, "\x1f")
        rows, bad = _mask_rows(candidates, pc.is_in(keys, value_set=bad_keys))
        problems += problems_at(
            "quote-not-verbatim",
            name,
            rows,
            column,
            [
                f"{column} {q[:60]!r}{'...' if len(q) > 60 else ''} is not in the stored text of "
                f"{s}; copy it character for character from the source"
                for s, q in zip(
                    sources.filter(bad).to_pylist(),
                    candidates[column].filter(bad).to_pylist(),
                    strict=True,
                )
            ],
        )
    return problems


# --- evidence ----------------------------------------------------------------------------------


def _primary_key(ctx: Context, name: str) -> str | None:
    keys = ctx.schemas[name].get("primaryKey", [])
    return keys[0] if len(keys) == 1 and ctx.has(name, keys[0]) else None


#: Tables whose rows point at one field of one row elsewhere.
_POINTERS = ("evidence", "disputes")


def rule_evidence_target(ctx: Context) -> list[Problem]:
    """Each evidence and dispute row names an existing row and one of its fields."""
    problems: list[Problem] = []
    for pointer in _POINTERS:
        if ctx.has(pointer, "resource_name", "record_id", "field"):
            problems += _pointer_targets(ctx, pointer)
    return problems


def _pointer_targets(ctx: Context, pointer: str) -> list[Problem]:
    import pyarrow as pa
    import pyarrow.compute as pc

    evidence = ctx.tables[pointer]
    problems: list[Problem] = []
    for name in pc.unique(evidence["resource_name"].drop_null()).to_pylist():
        key = _primary_key(ctx, name) if name in ctx.tables else None
        if key is None:
            continue
        mine = evidence.filter(pc.equal(evidence["resource_name"], name))
        known = pc.is_in(mine["record_id"], value_set=ctx.tables[name][key])
        rows, bad = _mask_rows(mine, pc.invert(known))
        problems += problems_at(
            "evidence-target",
            pointer,
            rows,
            "record_id",
            [
                f"{name} has no row {v!r}; fix record_id or resource_name"
                for v in mine["record_id"].filter(bad).to_pylist()
            ],
        )
        fields = pa.array([f["name"] for f in ctx.schemas[name]["fields"]], pa.string())
        rows, bad = _mask_rows(mine, pc.invert(pc.is_in(mine["field"], value_set=fields)))
        problems += problems_at(
            "evidence-target",
            pointer,
            rows,
            "field",
            [
                f"{name} has no field {v!r}; expected one of {fields.to_pylist()}"
                for v in mine["field"].filter(bad).to_pylist()
            ],
        )
    return problems


def rule_field_evidence(ctx: Context) -> list[Problem]:
    """A filled field marked ``x-field-evidence`` has an evidence row of its own."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not ctx.has("evidence", "resource_name", "record_id", "field"):
        return []
    evidence = ctx.tables["evidence"]
    backed = pc.binary_join_element_wise(
        evidence["resource_name"], evidence["record_id"], evidence["field"], "\x1f"
    )
    problems: list[Problem] = []
    for name, table in ctx.tables.items():
        key = _primary_key(ctx, name)
        marked = [f["name"] for f in ctx.schemas[name]["fields"] if f.get("x-field-evidence")]
        for column in (c for c in marked if key and ctx.has(name, c)):
            wanted = pc.binary_join_element_wise(
                pa.scalar(name), table[key], pa.scalar(column), "\x1f"
            )
            missing = pc.and_(
                pc.is_valid(table[column]), pc.invert(pc.is_in(wanted, value_set=backed))
            )
            rows, bad = _mask_rows(table, missing)
            problems += problems_at(
                "field-evidence-missing",
                name,
                rows,
                column,
                [
                    f"{column} = {v!r} of {k} has no evidence row; add one to evidence "
                    f"(resource_name={name}, record_id={k}, field={column}) with source and quote"
                    for k, v in zip(
                        table[key].filter(bad).to_pylist(),
                        table[column].filter(bad).to_pylist(),
                        strict=True,
                    )
                ],
            )
    return problems


def rule_dispute_value(ctx: Context) -> list[Problem]:
    """A dispute's chosen value is the value the disputed row holds."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not ctx.has("disputes", "resource_name", "record_id", "field", "chosen_value"):
        return []
    disputes = ctx.tables["disputes"]
    problems: list[Problem] = []
    for name in pc.unique(disputes["resource_name"].drop_null()).to_pylist():
        key = _primary_key(ctx, name) if name in ctx.tables else None
        if key is None:
            continue
        table = ctx.tables[name]
        mine = disputes.filter(pc.equal(disputes["resource_name"], name))
        for column in pc.unique(mine["field"].drop_null()).to_pylist():
            if column not in table.column_names:
                continue  # reported by evidence-target
            held = (
                table.select([key])
                .append_column("held", pc.cast(table[column], pa.string()))
                .rename_columns(["record_id", "held"])
            )
            asked = mine.filter(pc.equal(mine["field"], column))
            joined = asked.join(held, "record_id", join_type="inner").sort_by(
                [(ROW_COLUMN, "ascending")]
            )
            differs = pc.invert(
                pc.fill_null(pc.equal(joined["chosen_value"], joined["held"]), False)
            )
            rows, bad = _mask_rows(joined, differs)
            problems += problems_at(
                "dispute-value",
                "disputes",
                rows,
                "chosen_value",
                [
                    f"chosen_value is {c!r} but {name}.{column} of {r} holds {h!r}; make them agree"
                    for c, r, h in zip(
                        *(
                            joined.filter(bad)[k].to_pylist()
                            for k in ("chosen_value", "record_id", "held")
                        ),
                        strict=True,
                    )
                ],
            )
    return problems


RULE_FUNCTIONS: tuple[Callable[[Context], list[Problem]], ...] = (
    rule_date_invalid,
    rule_date_order,
    rule_supersedes_order,
    rule_event_before_treaty,
    rule_party_not_existing,
    rule_bilateral_parties,
    rule_treaty_without_parties,
    rule_editorial_brackets,
    rule_source_seed_pair,
    rule_source_hash,
    rule_quote_verbatim,
    rule_evidence_target,
    rule_field_evidence,
    rule_dispute_value,
)


def run_consistency_rules(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULE_FUNCTIONS:
        problems += rule(ctx)
    return problems
