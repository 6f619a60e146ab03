"""Consistency rules of this dataset, beyond what a Table Schema can say.

Each rule is a function ``(Context) -> list[Problem]`` listed in ``RULE_FUNCTIONS``. Rules work
column-wise on the typed Arrow tables (joins, filters, compute kernels). A rule skips what it
cannot judge: a missing table or column, or a null (empty or mistyped) cell, is reported by the
table rules already. Dates are judged with their precision: a pair is out of order only when the
last day the earlier date can mean is before the first day the later one can mean.

Rows of one table are matched to rows of another by ``index_in`` (a hash lookup) and ``take``,
keeping the rows in order, not by Acero joins: those import ``pyarrow.dataset`` and pandas, and
copy and re-sort every column. Python loops run over problem rows only, and, in
``rule_quote_verbatim``, once per distinct (source, quote) pair.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .problems import Problem
from .reading import ROW_COLUMN, booleans, integers, literal, quoted_fields, strings
from .table_rules import dictionary_parts, per_value, problems_at, sorted_distinct

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
    for typographic, plain in _QUOTE_CHARS.items():
        text = text.replace(typographic, plain)
    # str.split() splits at runs of the whitespace that re's \s matches, and drops both ends.
    return " ".join(text.split())


#: What ``_normalise_column`` may change: a typographic quote, whitespace other than single
#: spaces, or (for the trim) a first or last character that is not a letter, number,
#: punctuation or symbol. A value with none of these is its own normal form.
_NOT_NORMAL = (
    "[" + "".join(_QUOTE_CHARS) + "\t\n\v\f\r]|  |^[^\\pL\\pN\\pP\\pS]|[^\\pL\\pN\\pP\\pS]$"
)


def _normalise_column(values: Any) -> Any:
    """``normalise_quote_text`` column-wise, computed only for the values it would change."""
    import pyarrow.compute as pc

    changes = pc.match_substring_regex(values, _NOT_NORMAL)
    if not pc.any(changes).as_py():
        return values
    changed = values.filter(changes)
    for typographic, plain in _QUOTE_CHARS.items():
        changed = pc.replace_substring(changed, typographic, plain)
    changed = pc.utf8_trim_whitespace(pc.replace_substring_regex(changed, _WHITESPACE, " "))
    return pc.replace_with_mask(values, changes, changed)


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

    mask = pc.fill_null(mask, literal(False))
    return table[ROW_COLUMN].filter(mask), mask


def _flagged_rows(table: pa.Table, mask: Any, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The values of ``columns`` in the rows ``mask`` flags, row by row (for messages)."""
    flagged = table.filter(mask)
    return zip(*(flagged[c].to_pylist() for c in columns), strict=True)


def _lookup(
    left: pa.Table, left_key: str, right: pa.Table, right_key: str, columns: list[str], prefix: str
) -> pa.Table:
    """Left rows with ``columns`` of their matching right row, renamed with ``prefix``.

    Left rows keep their order; where no right row matches (or the key is null) the new columns
    are null, which every rule reads as "cannot judge". A repeated right key (reported by
    primary-key) matches its first row.
    """
    import pyarrow.compute as pc

    where = pc.index_in(left[left_key], value_set=right[right_key], skip_nulls=True)
    for column in columns:
        left = left.append_column(f"{prefix}{column}", right[column].take(where))
    return left


_SIGNED = ["signed", "signed_lower", "signed_upper"]


def rule_supersedes_order(ctx: Context) -> list[Problem]:
    """A treaty that supersedes, amends or implements another is not signed before it."""
    if not ctx.has("treaty_relations", "treaty_id", "related_treaty_id", "relation") or not ctx.has(
        "treaties", "treaty_id", *_SIGNED
    ):
        return []
    treaties = ctx.tables["treaties"]
    pairs = _lookup(
        ctx.tables["treaty_relations"], "treaty_id", treaties, "treaty_id", _SIGNED, "new_"
    )
    pairs = _lookup(pairs, "related_treaty_id", treaties, "treaty_id", _SIGNED, "old_")
    rows, bad = _mask_rows(pairs, _certainly_before(pairs, "new_signed", pairs, "old_signed"))
    return problems_at(
        "supersedes-order",
        "treaty_relations",
        rows,
        "related_treaty_id",
        [
            f"{t} (signed {n}) cannot {rel} {r} (signed {o}), which was signed later; "
            "swap treaty_id and related_treaty_id or fix a signature date"
            for t, r, rel, n, o in _flagged_rows(
                pairs, bad, "treaty_id", "related_treaty_id", "relation", "new_signed", "old_signed"
            )
        ],
    )


def rule_event_before_treaty(ctx: Context) -> list[Problem]:
    """An event that concerns a treaty is not certainly before the treaty's signature."""
    if not ctx.has("events", "treaty_id", "date", "date_upper") or not ctx.has(
        "treaties", "treaty_id", *_SIGNED
    ):
        return []
    events = ctx.tables["events"].select([ROW_COLUMN, "treaty_id", "date", "date_upper"])
    joined = _lookup(events, "treaty_id", ctx.tables["treaties"], "treaty_id", _SIGNED, "treaty_")
    rows, bad = _mask_rows(joined, _certainly_before(joined, "date", joined, "treaty_signed"))
    return problems_at(
        "event-before-treaty",
        "events",
        rows,
        "date",
        [
            f"event dated {d!r} concerns {t}, signed {s!r} later; fix the date or treaty_id"
            for d, t, s in _flagged_rows(joined, bad, "date", "treaty_id", "treaty_signed")
        ],
    )


_LIFE = ["start", "start_lower", "start_upper", "end", "end_lower", "end_upper"]
_NAMES = ["start", "end"]


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
        # Bounds first, for every row; the strings only for the rows that are wrong.
        dated = _lookup(
            ctx.tables[link].select([ROW_COLUMN, key, "party_id"]),
            key,
            ctx.tables[parent],
            parent_key,
            [f"{when}_lower", f"{when}_upper"],
            "act_",
        )
        life = ["start_lower", "start_upper", "end_lower", "end_upper"]
        dated = _lookup(dated, "party_id", ctx.tables["parties"], "party_id", life, "party_")
        too_early = _certainly_before(dated, f"act_{when}", dated, "party_start")
        too_late = _certainly_before(dated, "party_end", dated, f"act_{when}")
        rows, bad = _mask_rows(dated, pc.or_kleene(too_early, too_late))
        dated = dated.filter(bad)
        dated = _lookup(dated, key, ctx.tables[parent], parent_key, [when], "act_")
        dated = _lookup(dated, "party_id", ctx.tables["parties"], "party_id", _NAMES, "party_")
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
                        dated[c].to_pylist()
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
        links = links.filter(pc.is_in(links["role"], value_set=strings(_PARTY_ROLES)))
    treaty = pc.dictionary_encode(links["treaty_id"]).combine_chunks()
    party = pc.dictionary_encode(links["party_id"]).combine_chunks()
    size = literal(max(len(party.dictionary), 1))
    pairs = pc.add(pc.multiply(pc.cast(treaty.indices, pa.int64()), size), party.indices)
    per_treaty = pc.value_counts(pc.divide(pc.unique(pairs.drop_null()), size))
    counted = treaty.dictionary.take(per_treaty.field("values"))
    where = pc.index_in(treaties["treaty_id"], value_set=counted, skip_nulls=True)
    count = pc.fill_null(per_treaty.field("counts").take(where), literal(0))
    return treaties, count


def rule_bilateral_parties(ctx: Context) -> list[Problem]:
    import pyarrow.compute as pc

    if not ctx.has("treaties", "treaty_id", "scope") or not ctx.has(
        "treaty_parties", "treaty_id", "party_id"
    ):
        return []
    joined, count = _party_counts(ctx)
    bilateral = pc.equal(joined["scope"], literal("bilateral"))
    rows, bad = _mask_rows(joined, pc.and_(bilateral, pc.not_equal(count, literal(2))))
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
    other = pc.not_equal(joined["scope"], literal("bilateral"))
    rows, bad = _mask_rows(joined, pc.and_(other, pc.equal(count, literal(0))))
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
    has_brackets = per_value(table["text"], lambda v: pc.match_substring_regex(v, _BRACKETS))
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

    table = ctx.tables["sources"]
    ok = pc.match_substring_regex(table["seed_path"], f"^(?:{_seed_path_pattern(ctx)})$")
    return table.filter(pc.fill_null(ok, literal(False)))


def _seed_path_pattern(ctx: Context) -> str:
    """The package's own pattern for seed_path (generated from the model), else the model's:
    the schema's saves importing pydantic for it."""
    for spec in ctx.schemas["sources"]["fields"]:
        pattern = spec.get("constraints", {}).get("pattern")
        if spec["name"] == "seed_path" and isinstance(pattern, str):
            return pattern
    from .models import SEED_PATH_PATTERN

    return SEED_PATH_PATTERN


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
    return [
        (name, source, text)
        for name, table in ctx.tables.items()
        for source, text in quoted_fields(name, table.column_names)
    ]


def rule_quote_verbatim(ctx: Context) -> list[Problem]:
    """Every quote (and clause text) stands in its source's stored text.

    The rows are reduced column-wise to their distinct (source, quote) pairs; each distinct pair
    is looked up once (``_missing_quotes``), and rows are revisited only for the pairs missing.
    """

    if not ctx.has("sources", "source_id", "seed_path"):
        return []
    texts = _source_texts(ctx)
    if not texts:
        return []
    order = sorted(texts)
    triples = _quoted_columns(ctx)
    numbers, quotes = _distinct_pairs(ctx, triples, strings(order))
    stored = [texts.pop(s) for s in order]  # the texts leave the dict: held once, joined
    missing = {(order[number], quote) for number, quote in _missing_quotes(stored, numbers, quotes)}
    if not missing:
        return []
    problems: list[Problem] = []
    for name, source, column in triples:
        problems += _rows_quoting(ctx.tables[name], source, column, missing, name)
    return problems


def _rows_quoting(
    table: pa.Table, source_column: str, column: str, missing: set[tuple[str, str]], name: str
) -> list[Problem]:
    """A problem for each row whose (source, quote) pair is missing from the stored text."""
    import pyarrow.compute as pc

    # Few rows hold a missing quote: find them by the quote, then check the source too.
    bad_quotes = strings(sorted({q for _, q in missing}))
    near_quote = per_value(table[column], lambda v: pc.is_in(v, value_set=bad_quotes))
    near = table.filter(pc.fill_null(near_quote, literal(False)))
    pairs = zip(near[source_column].to_pylist(), near[column].to_pylist(), strict=True)
    picked = near.filter(booleans((s, q) in missing for s, q in pairs))
    return problems_at(
        "quote-not-verbatim",
        name,
        picked[ROW_COLUMN],
        column,
        [
            f"{column} {q[:60]!r}{'...' if len(q) > 60 else ''} is not in the stored text of "
            f"{s}; copy it character for character from the source"
            for s, q in zip(
                picked[source_column].to_pylist(), picked[column].to_pylist(), strict=True
            )
        ],
    )


def _distinct_pairs(
    ctx: Context, triples: list[tuple[str, str, str]], stored: Any
) -> tuple[Any, Any]:
    """The distinct (source, quote) pairs of every quoted column whose source has a stored
    text: the source's place in ``stored``, and the quote.

    Works on integers: each column's rows become (source number, index into the column's
    dictionary) pairs, made distinct; the columns' dictionaries are encoded together once, so
    a sentence quoted by many rows of many tables is one string here.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not triples:
        return integers([]), strings([])
    dictionaries, numbers, indices = [], [], []
    for name, source, column in triples:
        dictionary, index = dictionary_parts(ctx.tables[name][column])
        number = per_value(
            ctx.tables[name][source], lambda v: pc.index_in(v, value_set=stored)
        ).combine_chunks()
        number, index = _unique_pairs(pc.cast(number, pa.int64()), index, len(dictionary))
        dictionaries.append(dictionary)
        numbers.append(number)
        indices.append(index)
    everything, to_everything = dictionary_parts(pa.chunked_array(dictionaries, pa.string()))
    starts = [0]
    for dictionary in dictionaries:
        starts.append(starts[-1] + len(dictionary))
    index = pa.concat_arrays(
        [
            pc.take(to_everything, pc.add(i, literal(at)))
            for i, at in zip(indices, starts, strict=False)
        ]
    )
    number, index = _unique_pairs(pa.concat_arrays(numbers), index, len(everything))
    return number, everything.take(index)


def _unique_pairs(numbers: Any, indices: Any, width: int) -> tuple[Any, Any]:
    """Distinct (number, index) pairs of two integer columns, leaving out nulls; every index
    is below ``width``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    size = literal(max(width, 1))
    codes = pc.add(pc.multiply(numbers, size), pc.cast(indices, pa.int64()))
    codes, _ = sorted_distinct(codes)
    number = pc.divide(codes, size)
    return number, pc.subtract(codes, pc.multiply(number, size))


#: Words in a lookup window, and the most places one window may occur before a plain search.
_WINDOW_WORDS = 3
_MOST_PLACES = 32
#: Below this much work (needles x text length), a plain substring search per needle is cheaper.
_PLAIN_SEARCH_WORK = 1 << 24


def _missing_quotes(texts: list[str], numbers: Any, quotes: Any) -> set[tuple[int, str]]:
    """The (number, quote) pairs whose normalised quote is not in its stored text
    (``texts[number]``, normalised). ``texts`` is emptied on the way (its memory is reused).

    A plain substring search per pair costs pairs x text length: fine for a few pairs or short
    texts, quadratic for long texts quoted many times. Then the texts are indexed instead
    (``_TextIndex``), and each pair costs a lookup and a comparison or two. The pairs are taken
    ``_BATCH`` at a time, so Python holds the bytes of that many needles at most.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    longest = max((len(t) for t in texts), default=0)
    # One buffer: the texts joined by newlines, which normalised text never holds, so no word
    # or window spans two texts. Text ``n`` is joined[begins[n] : begins[n + 1] - 1].
    parts = []
    for i, text in enumerate(texts):
        parts.append(text.encode("utf-8"))
        texts[i] = ""  # let the str go once its bytes are made
    texts.clear()
    begins = [0]
    for part in parts:
        begins.append(begins[-1] + len(part) + 1)
    joined = b"\n".join(parts)
    del parts
    needles = _normalise_column(quotes)
    if len(needles) * longest <= _PLAIN_SEARCH_WORK:
        unknown: list[int] = list(range(len(needles)))
        found: set[int] = set()
    else:
        unknown, found = _TextIndex(joined, begins).search(numbers, needles)
    # The needles the index could not judge: a plain search within their own text.
    for first in range(0, len(unknown), _BATCH):
        batch = integers(unknown[first : first + _BATCH])
        blobs = pc.cast(needles.take(batch), pa.binary()).to_pylist()
        owners = numbers.take(batch).to_pylist()
        for i, number, needle in zip(batch.to_pylist(), owners, blobs, strict=True):
            if joined.find(needle, begins[number], begins[number + 1] - 1) >= 0:
                found.add(i)
    absent = integers(i for i in range(len(needles)) if i not in found)
    return set(zip(numbers.take(absent).to_pylist(), quotes.take(absent).to_pylist(), strict=True))


#: Needles compared together (bounds the Python objects made for them).
_BATCH = 1 << 16


class _TextIndex:
    """Every window of ``_WINDOW_WORDS`` words that starts at a word of the joined texts, keyed
    by the text and a hash of the words, and sorted (O(T log T) for T words, all in Arrow).

    If a needle occurs, its text has a word start just after the needle's first space, followed
    by the needle's next words: that window is the needle's anchor, and the sorted keys give
    every place it may occur, where the whole needle is then compared (so a hash collision costs
    a comparison, never a wrong verdict). A needle with too few words, or whose anchor occurs at
    more than ``_MOST_PLACES`` places, is left to a plain search.
    """

    def __init__(self, joined: bytes, begins: list[int]) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        self.joined = joined
        self.bounds = integers(begins)
        self.vocabulary, keys, self.starts = _windows(joined)
        self.by_key = pc.cast(pc.sort_indices(keys), pa.int32())
        ordered = keys.take(self.by_key)
        del keys
        self.runs = _runs(ordered)

    def search(self, numbers: Any, needles: Any) -> tuple[list[int], set[int]]:
        """The needles the index cannot judge (for a plain search), and those found in their
        text (``numbers``); every other needle is in no place of its text."""
        import pyarrow as pa
        import pyarrow.compute as pc

        parts = "".join(f"(?P<w{k}>[^ ]* )" for k in range(_WINDOW_WORDS))
        anchors = pc.extract_regex(needles, f"^(?P<head>[^ ]* ){parts}")
        words = [anchors.field(f"w{k}") for k in range(_WINDOW_WORDS)]
        wanted = _window_keys(
            numbers, [pc.index_in(pc.cast(w, pa.binary()), self.vocabulary) for w in words]
        )
        # Where each needle's key starts in the sorted keys, and how many windows share it. Only
        # the runs some needle wants are hashed (fewer than the needles, not the text's words).
        runs = self.runs.filter(pc.is_in(self.runs.field("key"), value_set=wanted))
        run = pc.index_in(wanted, value_set=runs.field("key"))
        times = pc.take(runs.field("length"), run)
        # No anchor, or an anchor too common: the index cannot tell.
        unknown = pc.or_kleene(pc.is_null(anchors), pc.greater(times, literal(_MOST_PLACES)))
        chosen = pc.indices_nonzero(
            pc.fill_null(pc.less_equal(times, literal(_MOST_PLACES)), literal(False))
        )
        owner, place = _spread(
            chosen, pc.take(pc.take(runs.field("start"), run), chosen), pc.take(times, chosen)
        )
        # Where the needle would begin, if it stands at that place; it must fit in its own text.
        text = pc.take(numbers, owner)
        begin = pc.subtract(
            pc.take(self.starts, pc.take(self.by_key, place)),
            pc.take(pc.binary_length(anchors.field("head")), owner),
        )
        end = pc.add(begin, pc.take(pc.binary_length(needles), owner))
        fits = pc.and_(
            pc.greater_equal(begin, pc.take(self.bounds, text)),
            pc.less(end, pc.take(self.bounds, pc.add(text, literal(1)))),
        )
        owner, begin = owner.filter(fits), begin.filter(fits)
        found: set[int] = set()
        for first in range(0, len(owner), _BATCH):
            owners = owner.slice(first, _BATCH)
            blobs = pc.cast(needles.take(owners), pa.binary()).to_pylist()
            places = begin.slice(first, _BATCH).to_pylist()
            for i, at, blob in zip(owners.to_pylist(), places, blobs, strict=True):
                if i not in found and self.joined.startswith(blob, at):
                    found.add(i)
        return pc.indices_nonzero(pc.fill_null(unknown, literal(False))).to_pylist(), found


def _spread(items: Any, firsts: Any, counts: Any) -> tuple[Any, Any]:
    """For each item, ``counts`` consecutive numbers from ``firsts``: (item, number) pairs."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ends = pc.cumulative_sum(pc.cast(counts, pa.int64()))
    offsets = pa.concat_arrays([integers([0]), ends])
    total = offsets[-1].as_py() if len(offsets) else 0
    lists = pa.LargeListArray.from_arrays(offsets, pa.nulls(total))
    parent = pc.list_parent_indices(lists)
    within = pc.subtract(_count_up(total), pc.take(offsets, parent))
    return pc.take(items, parent), pc.add(pc.take(firsts, parent), within)


def _count_up(count: int) -> Any:
    """0, 1, ..., count - 1 as int64."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.cumulative_sum(pa.repeat(literal(1), count), start=literal(-1))


def _runs(ordered: Any) -> Any:
    """The runs of equal values of a sorted array: a struct of key, start and length."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(ordered):
        return pa.StructArray.from_arrays(
            [ordered, *[pc.cast(integers([]), pa.int32())] * 2], ["key", "start", "length"]
        )
    changes = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    one = literal(1, pa.int32())
    first = pc.cast(integers([0]), pa.int32())
    starts = pa.concat_arrays(
        [first, pc.add(pc.cast(pc.indices_nonzero(changes), pa.int32()), one)]
    )
    ends = pa.concat_arrays([starts.slice(1), pc.cast(integers([len(ordered)]), pa.int32())])
    return pa.StructArray.from_arrays(
        [ordered.take(starts), starts, pc.subtract(ends, starts)], ["key", "start", "length"]
    )


def _windows(data: bytes) -> tuple[Any, Any, Any]:
    """The words of ``data`` (each keeps the space after it) as a vocabulary; the key of every
    window of ``_WINDOW_WORDS`` words (``_window_keys``); and the byte where each starts.

    Positions are int32 (the texts are far below 2 GiB) and each step's arrays are let go as
    soon as the next is made: for 20 MB of text there are millions of words.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.Array.from_buffers(pa.uint8(), len(data), [None, pa.py_buffer(data)])
    spaces = pc.cast(pc.indices_nonzero(pc.equal(text, literal(32, pa.uint8()))), pa.int32())
    zero = pc.cast(integers([0]), pa.int32())
    starts = pa.concat_arrays([zero, pc.add(spaces, literal(1, pa.int32()))])
    del spaces
    end = pc.cast(integers([len(data)]), pa.int32())
    offsets = pa.concat_arrays([starts, end]).buffers()[1]
    words = pa.Array.from_buffers(pa.binary(), len(starts), [None, offsets, text.buffers()[1]])
    # The text a word lies in: how many newlines (text boundaries) come before it.
    joins = pc.count_substring(words, "\n")
    text_number = pc.subtract(pc.cumulative_sum(joins), joins)
    del joins
    encoded = pc.dictionary_encode(words)
    del words, offsets
    count = max(len(encoded) - _WINDOW_WORDS + 1, 0)
    ids = [encoded.indices.slice(k, count) for k in range(_WINDOW_WORDS)]
    keys = _window_keys(text_number.slice(0, count), ids)
    return encoded.dictionary, keys, starts.slice(0, count)


#: Multiplier of the window hash (a large odd number; uint64 arithmetic wraps around).
_MIX = 0x5851F42D4C957F2D


def _window_keys(texts: Any, word_ids: list[Any]) -> Any:
    """A 64-bit key per window from its text and word ids: equal windows, equal keys."""
    import pyarrow as pa
    import pyarrow.compute as pc

    mix = literal(_MIX, pa.uint64())
    key = pc.cast(texts, pa.uint64())
    for ids in word_ids:
        key = pc.add(pc.multiply(key, mix), pc.cast(ids, pa.uint64()))
    return key


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
    import pyarrow.compute as pc

    evidence = ctx.tables[pointer]
    problems: list[Problem] = []
    for name in pc.unique(evidence["resource_name"].drop_null()).to_pylist():
        key = _primary_key(ctx, name) if name in ctx.tables else None
        if key is None:
            continue
        mine = evidence.filter(pc.equal(evidence["resource_name"], literal(name)))
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
        fields = strings(f["name"] for f in ctx.schemas[name]["fields"])
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
    separator = literal("\x1f")
    # Joining has no kernel for dictionary-encoded text (compact reading): cast to plain first.
    backed = pc.binary_join_element_wise(
        *(pc.cast(evidence[c], pa.string()) for c in ("resource_name", "record_id", "field")),
        separator,
    )
    problems: list[Problem] = []
    for name, table in ctx.tables.items():
        key = _primary_key(ctx, name)
        marked = [f["name"] for f in ctx.schemas[name]["fields"] if f.get("x-field-evidence")]
        for column in (c for c in marked if key and ctx.has(name, c)):
            wanted = pc.binary_join_element_wise(
                literal(name), pc.cast(table[key], pa.string()), literal(column), separator
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
        mine = disputes.filter(pc.equal(disputes["resource_name"], literal(name)))
        for column in pc.unique(mine["field"].drop_null()).to_pylist():
            if column not in table.column_names:
                continue  # reported by evidence-target
            asked = mine.filter(pc.equal(mine["field"], literal(column)))
            where = pc.index_in(asked["record_id"], value_set=table[key], skip_nulls=True)
            held = pc.cast(table[column].take(where), pa.string())
            joined = asked.append_column("held", held).filter(pc.is_valid(where))
            same = pc.equal(joined["chosen_value"], joined["held"])
            differs = pc.invert(pc.fill_null(same, literal(False)))
            rows, bad = _mask_rows(joined, differs)
            problems += problems_at(
                "dispute-value",
                "disputes",
                rows,
                "chosen_value",
                [
                    f"chosen_value is {c!r} but {name}.{column} of {r} holds {h!r}; make them agree"
                    for c, r, h in _flagged_rows(joined, bad, "chosen_value", "record_id", "held")
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
    import pyarrow as pa

    problems: list[Problem] = []
    for rule in RULE_FUNCTIONS:
        problems += rule(ctx)
        # Give the rule's scratch memory back to the system, so that the next rule's does not
        # pile on top of it (the allocator would otherwise keep it for reuse).
        pa.default_memory_pool().release_unused()
    return problems
