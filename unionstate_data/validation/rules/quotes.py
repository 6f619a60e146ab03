"""Rules on quoted text: every quote and clause text stands in its source's stored text, and the
editorial-bracket flag of a clause agrees with its text.

Quotes are compared after ``normalise_quote_text`` (typographic quotes and whitespace) on both
sides. The rows are reduced column-wise to their distinct (source, quote) pairs; each pair is
looked up once, by a plain substring search or, when that would be costly (long texts quoted
many times), through the text index of ``quote_index``. Python loops run once per distinct pair
and over the rows of missing quotes only.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import (
    ROW_COLUMN,
    booleans,
    dictionary_parts,
    distinct_integers,
    integers,
    literal,
    mask_rows,
    per_value,
    problems_at,
    strings,
)
from ...model.fields import quoted_fields
from ...problems import Problem
from .base import Context, rule
from .quote_index import BATCH, TextIndex
from .sources import source_texts

__all__ = ["normalise_quote_text"]


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
#: A run of the characters ``str.split()`` splits at (``str.isspace``), as an RE2 class: ASCII
#: tab to carriage return, the file, group, record and unit separators, space, next line, and
#: Unicode's separators (Zs, Zl, Zp), no-break space among them. RE2's ``\s`` is only ASCII's
#: tab, line feed, form feed, carriage return and space. A test checks the class against
#: ``str.isspace`` over every code point.
_WHITESPACE = r"[\t-\r\x{1c}-\x{1f} \x{85}\pZ]+"
_BRACKETS = r"\[[^\]]*\]"


def normalise_quote_text(text: str) -> str:
    """Typographic quotes to ASCII and runs of whitespace to one space; nothing else.

    The definition; the quote rule applies it column-wise (``_normalise_column``, tested to
    agree), to the quotes and to the stored texts alike.
    """
    for typographic, plain in _QUOTE_CHARS.items():
        text = text.replace(typographic, plain)
    # str.split() splits at runs of whitespace (str.isspace) and drops both ends.
    return " ".join(text.split())


#: One whitespace character other than the plain space.
_ODD_SPACE = r"[\t-\r\x{1c}-\x{1f}\x{85}]|[^\PZ ]"
#: A run of whitespace that is not a single plain space: two or more, or one of another kind.
_OTHER_WHITESPACE = _WHITESPACE.removesuffix("+") + "{2,}|" + _ODD_SPACE

#: What ``_normalise_column`` may change: a typographic quote, whitespace other than a single
#: space inside the text. A value with none of these is its own normal form.
_NOT_NORMAL = "[" + "".join(_QUOTE_CHARS) + "]|" + _ODD_SPACE + "|  |^ | $"


def _normalise_column(values: Any) -> Any:
    """``normalise_quote_text`` column-wise, computed only for the values it would change."""
    changes = pc.match_substring_regex(values, _NOT_NORMAL)
    if not pc.any(changes).as_py():
        return values
    changed = values.filter(changes)
    for typographic, plain in _QUOTE_CHARS.items():
        changed = pc.replace_substring(changed, typographic, plain)
    # Only the runs that are not one plain space already (replacing every single space with
    # itself is most of the work in a long text).
    changed = pc.replace_substring_regex(changed, _OTHER_WHITESPACE, " ")
    changed = pc.utf8_trim(changed, " ")
    return pc.replace_with_mask(values, changes, changed)


@rule("editorial-brackets")
def rule_editorial_brackets(ctx: Context) -> list[Problem]:
    if not ctx.has("clauses", "text", "editorial_brackets"):
        return []
    table = ctx.tables["clauses"]
    has_brackets = per_value(table["text"], lambda v: pc.match_substring_regex(v, _BRACKETS))
    rows, bad = mask_rows(table, pc.not_equal(has_brackets, table["editorial_brackets"]))
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


def _quoted_columns(ctx: Context) -> list[tuple[str, str, str]]:
    """(resource, source column, text column) triples: text that must stand in that source."""
    return [
        (name, source, text)
        for name, table in ctx.tables.items()
        for source, text in quoted_fields(name, table.column_names)
    ]


@rule("quote-not-verbatim")
def rule_quote_verbatim(ctx: Context) -> list[Problem]:
    """Every quote (and clause text) stands in its source's stored text.

    The rows are reduced column-wise to their distinct (source, quote) pairs; each distinct pair
    is looked up once (``_missing_quotes``), and rows are revisited only for the pairs missing.
    """

    if not ctx.has("sources", "source_id", "seed_path"):
        return []
    texts = source_texts(ctx)
    if not texts:
        return []
    order = sorted(texts)
    triples = _quoted_columns(ctx)
    # Normalised as the quotes are (column-wise), then held once, joined.
    normal = _normalise_column(strings([texts.pop(s) for s in order]))
    joined, begins = _joined(pc.cast(normal, pa.binary()).to_pylist())
    del normal
    longest = max(b - a - 1 for a, b in itertools.pairwise(begins))
    work = ctx.tuning.plain_search_work
    # The distinct pairs are at most the quoted rows: when even those could make a plain search
    # costly, the text index is built on another thread while the pairs are reduced (both are
    # Arrow kernels, which release the GIL); it goes unused if the pairs turn out few.
    rows = sum(len(ctx.tables[name]) for name, _, _ in triples)
    with ThreadPoolExecutor(max_workers=1) as helper:
        index = helper.submit(TextIndex, joined, begins) if rows * longest > work else None
        numbers, quotes = _distinct_pairs(ctx, triples, strings(order), ctx.tuning.hashed_pairs)
        found = _missing_quotes(joined, begins, longest, numbers, quotes, work, index)
    missing = {(order[number], quote) for number, quote in found}
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
    ctx: Context, triples: list[tuple[str, str, str]], stored: Any, hashed: int
) -> tuple[Any, Any]:
    """The distinct (source, quote) pairs of every quoted column whose source has a stored
    text: the source's place in ``stored``, and the quote.

    Works on integers: each column's rows become (source number, index into the column's
    dictionary) pairs, made distinct; the columns' dictionaries are encoded together once, so
    a sentence quoted by many rows of many tables is one string here.
    """
    if not triples:
        return integers([]), strings([])
    dictionaries, numbers, indices = [], [], []
    for name, source, column in triples:
        dictionary, index = dictionary_parts(ctx.tables[name][column])
        number = per_value(
            ctx.tables[name][source], lambda v: pc.index_in(v, value_set=stored)
        ).combine_chunks()
        number, index = _unique_pairs(pc.cast(number, pa.int64()), index, len(dictionary), hashed)
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
    number, index = _unique_pairs(pa.concat_arrays(numbers), index, len(everything), hashed)
    return number, everything.take(index)


def _unique_pairs(numbers: Any, indices: Any, width: int, hashed: int) -> tuple[Any, Any]:
    """Distinct (number, index) pairs of two integer columns, in no particular order, leaving
    out nulls; every index is below ``width``. Hashed while they are few (``hashed``,
    ``distinct_integers``): a sentence is quoted by many rows."""
    size = literal(max(width, 1))
    codes = pc.add(pc.multiply(numbers, size), pc.cast(indices, pa.int64()))
    codes = distinct_integers(codes, hashed)
    number = pc.divide(codes, size)
    return number, pc.subtract(codes, pc.multiply(number, size))


def _joined(parts: list[bytes]) -> tuple[bytes, list[int]]:
    """The texts (UTF-8) as one buffer, joined by newlines (which normalised text never holds,
    so no word or window spans two texts), and where each begins: text ``n`` is
    ``joined[begins[n] : begins[n + 1] - 1]``."""
    begins = [0]
    for part in parts:
        begins.append(begins[-1] + len(part) + 1)
    return b"\n".join(parts), begins


def _missing_quotes(
    joined: bytes,
    begins: list[int],
    longest: int,
    numbers: Any,
    quotes: Any,
    plain_search_work: int,
    index: Future[TextIndex] | None,
) -> set[tuple[int, str]]:
    """The (number, quote) pairs whose normalised quote is not in its stored text (text
    ``number`` of ``joined``, see ``_joined``; ``longest``: the bytes of the longest text).

    A plain substring search per pair costs pairs x text length: fine for a few pairs or short
    texts, quadratic for long texts quoted many times. Then the texts are indexed instead
    (``TextIndex``; ``index``, when it is being built already), and each pair costs a lookup
    and a comparison or two. The pairs are taken ``BATCH`` at a time, so Python holds the bytes
    of that many needles at most.
    """
    needles = _normalise_column(quotes)
    if len(needles) * longest <= plain_search_work:
        unknown: list[int] = list(range(len(needles)))
        found: set[int] = set()
    else:
        built = index.result() if index is not None else TextIndex(joined, begins)
        unknown, found = built.search(numbers, needles)
    # The needles the index could not judge: a plain search within their own text.
    for first in range(0, len(unknown), BATCH):
        batch = integers(unknown[first : first + BATCH])
        blobs = pc.cast(needles.take(batch), pa.binary()).to_pylist()
        owners = numbers.take(batch).to_pylist()
        for i, number, needle in zip(batch.to_pylist(), owners, blobs, strict=True):
            if joined.find(needle, begins[number], begins[number + 1] - 1) >= 0:
                found.add(i)
    absent = integers(i for i in range(len(needles)) if i not in found)
    return set(zip(numbers.take(absent).to_pylist(), quotes.take(absent).to_pylist(), strict=True))
