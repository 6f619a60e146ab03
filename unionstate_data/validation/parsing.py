"""One CSV file to an Arrow table of strings, in parallel blocks, with its ragged rows listed.

Arrow's streaming CSV reader parses the file block by block. Two of its refusals are limits of
that reader, not faults of the file, and both files are valid CSV: a cell larger than a block
("straddling object straddles two block boundaries"), and quoted line breaks that the fast
chunker cannot follow ("CSV parser got out of sync with chunker"). The first is read again with
blocks as large as the file, the second with the chunker that follows quotes
(``newlines_in_values``). Any other refusal is a real parse error.

Compact reading (``encoded`` and ``vocabularies``): the ``encoded`` columns are dictionary-encoded
a slice of rows at a time (``Tuning.slice_bytes``) against one dictionary that grows as the file
is read, so their plain text is never all in memory. The ``vocabularies`` columns, whose values
are few, are dictionary-encoded by the reader itself, each block against its own dictionary, and
the blocks' dictionaries are unified at the end. Both are read as bytes, and only their final
dictionaries are checked to be UTF-8 (and made text): each distinct value once, not every row's
(the reader checks every cell of a text column; at a million rows that is most of the reading).
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .._arrow import integers, literal
from .tuning import DEFAULT, Tuning

__all__ = ["Parsed", "parse", "row_numbers"]

Ragged = list[tuple[Any, int, int]]

#: Arrow's words for the two reader limits that a second read gets past (see the docstring).
_TOO_LARGE_A_CELL = "straddling object straddles two block boundaries"
_OUT_OF_SYNC = "out of sync with chunker"


@dataclass
class Parsed:
    """What one read of a CSV file gave: its cells, its ragged rows, or Arrow's refusal."""

    table: pa.Table | None
    ragged: Ragged = field(default_factory=list)
    error: str | None = None


def parse(
    path: Path,
    columns: list[str],
    encoded: Collection[str] = (),
    *,
    threads: bool = True,
    vocabularies: Collection[str] = (),
    tuning: Tuning = DEFAULT,
) -> Parsed:
    """Every cell of ``path`` as a string; rows with the wrong cell count are skipped and listed.

    ``error`` is set only for a real parse error, after the reader's own limits were tried past.
    """
    block, newlines = tuning.block_bytes, False
    while True:
        parsed = _parse_once(path, columns, encoded, vocabularies, threads, tuning, block, newlines)
        if parsed.error is None:
            return parsed
        if _OUT_OF_SYNC in parsed.error and not newlines:
            newlines = True
        elif _TOO_LARGE_A_CELL in parsed.error and (block or 1 << 20) <= path.stat().st_size:
            block = 2 * max(block or 1 << 20, 1 << 20)
        else:
            return parsed


def _parse_once(
    path: Path,
    columns: list[str],
    encoded: Collection[str],
    vocabularies: Collection[str],
    threads: bool,
    tuning: Tuning,
    block: int | None,
    newlines: bool,
) -> Parsed:
    ragged: Ragged = []

    def on_invalid_row(row: Any) -> str:
        # Called by pyarrow only for rows whose cell count is wrong: record them, keep reading.
        ragged.append((row.number, row.expected_columns, row.actual_columns))
        return "skip"

    encoders = {c: _GrowingDictionary() for c in columns if c in encoded}
    vocabulary = [c for c in columns if c in vocabularies and c not in encoded]
    try:
        reader = pacsv.open_csv(
            str(path),
            read_options=pacsv.ReadOptions(use_threads=threads, block_size=block),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid_row,
                ignore_empty_lines=False,
                newlines_in_values=newlines,
            ),
            convert_options=_convert_options(columns, encoders.keys(), vocabulary),
        )
        table = _read_slices(reader, encoders, tuning.slice_bytes)
        # Raises ArrowInvalid, as the reader would have, if a dictionary is not UTF-8.
        table = _finish(table, encoders, vocabulary)
    except pa.ArrowInvalid as exc:
        return Parsed(None, ragged, str(exc))
    return Parsed(table, sorted(ragged, key=lambda r: r[0] or 0))


def _convert_options(
    columns: list[str], encoded: Collection[str], vocabulary: list[str]
) -> pacsv.ConvertOptions:
    """Every cell as text, exactly as written (an empty cell is "", never null); the compact
    columns as bytes, whose dictionaries ``_finish`` checks and makes text."""
    types = {c: pa.binary() if c in encoded else pa.string() for c in columns}
    types.update({c: pa.dictionary(pa.int32(), pa.binary()) for c in vocabulary})
    return pacsv.ConvertOptions(
        column_types=types, strings_can_be_null=False, quoted_strings_can_be_null=False
    )


def _read_slices(
    reader: Any, encoders: dict[str, _GrowingDictionary], slice_bytes: int
) -> pa.Table:
    """The reader's batches as one table, the ``encoders`` columns encoded slice by slice.

    Parsing takes one core; a slice is encoded meanwhile, each encoded column on a thread of
    its own (all release the GIL). One slice at a time, in order: each dictionary grows slice
    by slice.
    """
    slices: list[pa.Table] = []
    pending: list[pa.RecordBatch] = []
    held = 0  # bytes of plain text in the encoded columns (the other columns are kept anyway)
    at = [reader.schema.get_field_index(column) for column in encoders]
    workers = ThreadPoolExecutor(max_workers=len(encoders)) if encoders else None
    encoding: tuple[pa.Table, dict[str, Future[Any]]] | None = None
    try:
        for batch in reader:
            pending.append(batch)
            held += sum(batch.column(i).nbytes for i in at)
            if workers is not None and held >= slice_bytes:
                if encoding is not None:
                    slices.append(_encoded(*encoding))
                whole = pa.Table.from_batches(pending, reader.schema)
                futures = {c: workers.submit(e.indices, whole[c]) for c, e in encoders.items()}
                encoding = (whole, futures)
                pending, held = [], 0
        if encoding is not None:
            slices.append(_encoded(*encoding))
        last = pa.Table.from_batches(pending, reader.schema)
        if workers is not None:
            last = _encoded(
                last, {c: workers.submit(e.indices, last[c]) for c, e in encoders.items()}
            )
        slices.append(last)
    finally:
        if workers is not None:
            workers.shutdown()
    return pa.concat_tables(slices)


def _encoded(table: pa.Table, indices: dict[str, Future[Any]]) -> pa.Table:
    """``table`` with each column of ``indices`` replaced by its indices, once computed."""
    for column, future in indices.items():
        table = table.set_column(table.schema.get_field_index(column), column, future.result())
    return table


def _finish(
    table: pa.Table, encoders: dict[str, _GrowingDictionary], vocabulary: list[str]
) -> pa.Table:
    """The encoded columns over their final dictionaries; one dictionary per vocabulary; each
    dictionary checked to be UTF-8 and made text (ArrowInvalid where it is not)."""
    for column, encoder in encoders.items():
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, _over(table[column], encoder.values))
    if vocabulary:  # one dictionary per column, shared by its chunks
        unified = pa.table([table[c] for c in vocabulary], names=vocabulary).unify_dictionaries()
        for column in vocabulary:
            chunks = unified[column].chunks
            values = chunks[0].dictionary if chunks else pa.nulls(0, pa.binary())
            indices = pa.chunked_array([c.indices for c in chunks], pa.int32())
            table = table.set_column(
                table.schema.get_field_index(column), column, _over(indices, values)
            )
    if encoders:  # give the freed plain text back before the next file is read
        pa.default_memory_pool().release_unused()
    return table


def _over(indices: Any, values: Any) -> Any:
    """A dictionary column of text: int32 ``indices`` (chunked) into ``values`` (bytes), which
    are checked to be UTF-8 once, and shared by every chunk."""
    text = pc.cast(values, pa.string())  # raises ArrowInvalid on bytes that are not UTF-8
    return pa.chunked_array(
        [pa.DictionaryArray.from_arrays(chunk, text) for chunk in indices.chunks],
        pa.dictionary(pa.int32(), pa.string()),
    )


class _GrowingDictionary:
    """One column's dictionary, grown slice by slice: a slice's values are encoded together with
    the dictionary so far, placed first, so the known values keep their indices (Arrow's hash
    kernel numbers values in the order it first meets them) and new ones are appended."""

    def __init__(self) -> None:
        self.values = pa.nulls(0, pa.binary())

    def indices(self, cells: Any) -> Any:
        """int32 indices of ``cells`` (a chunked binary column) into the grown dictionary."""
        known = len(self.values)
        both = pa.chunked_array([self.values, *cells.chunks], pa.binary())
        encoded = pc.dictionary_encode(both)
        if not encoded.num_chunks:  # nothing known, nothing read
            return pa.chunked_array([], pa.int32())
        values = encoded.chunk(0).dictionary
        if not values.slice(0, known).equals(self.values):  # the property the design rests on
            raise RuntimeError("pyarrow's dictionary_encode renumbered known values")
        self.values = values
        # Arrow may drop empty chunks: cut the known values off by position, not by chunk.
        return pa.chunked_array([c.indices for c in encoded.chunks], pa.int32()).slice(known)


def row_numbers(count: int, ragged: Ragged) -> Any:
    """CSV row numbers of the ``count`` rows read: 2, 3, ... without the skipped ones."""
    total = count + len(ragged)
    rows = pc.cumulative_sum(pa.repeat(literal(1), total), start=literal(1))
    if ragged:
        skipped = integers(number for number, _, _ in ragged)
        rows = rows.filter(pc.invert(pc.is_in(rows, value_set=skipped)))
    return rows
