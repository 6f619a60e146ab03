"""The validator's compact reading: repeating columns dictionary-encoded, values unchanged.

``read_package(path, compact=True)`` reads the columns of ``compact_fields`` (quoted text and
its sources, locators, controlled vocabularies) dictionary-encoded, a slice
of rows at a time against one growing dictionary; key checks number keys with integers. These
tests pin that the layout changes nothing a user can see: the same values, the same problems.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faults import FAULTS
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import Dataset, datasets, validate_dataset

from unionstate_data import _arrow
from unionstate_data._arrow import ROW_COLUMN, dictionary_parts
from unionstate_data._paths import descriptor_path
from unionstate_data.model.fields import compact_fields, quoted_fields
from unionstate_data.validation import keys
from unionstate_data.validation.parsing import parse
from unionstate_data.validation.reading import read_package
from unionstate_data.validation.tuning import Tuning
from unionstate_data.validation.typed import type_tables


def _one_dictionary(column: pa.ChunkedArray) -> bool:
    """Every chunk refers to the same dictionary buffers."""
    return len({c.dictionary.buffers()[2].address for c in column.chunks}) <= 1


def test_quoted_fields_pair_each_quote_with_its_source() -> None:
    fields = ["clause_id", "source_id", "quote", "text", "locator"]
    assert quoted_fields("clauses", fields) == [("source_id", "quote"), ("source_id", "text")]
    assert quoted_fields("events", ["event_id", "text", "quote"]) == []  # no source_id
    sides = ["chosen_source_id", "chosen_quote", "alternative_quote", "alternative_source_id"]
    assert quoted_fields("disputes", sides) == [
        ("chosen_source_id", "chosen_quote"),
        ("alternative_source_id", "alternative_quote"),
    ]


def test_compact_fields_are_quotes_sources_locators_vocabularies_and_references() -> None:
    schema = {
        "fields": [
            {"name": "clause_id", "type": "string"},
            {"name": "source_id", "type": "string"},
            {"name": "quote", "type": "string"},
            {"name": "text", "type": "string"},
            {"name": "locator", "type": "string"},
            {"name": "language", "type": "string", "constraints": {"enum": ["en", "ru"]}},
            {"name": "rank", "type": "integer", "constraints": {"enum": [1, 2]}},
            {"name": "article", "type": "string"},
            {"name": "treaty_id", "type": "string"},
            {"name": "party_id", "type": "string"},
            {"name": "role", "type": "string"},
            {"name": "count", "type": "integer"},
        ],
        "foreignKeys": [
            {"fields": "treaty_id", "reference": {"resource": "treaties", "fields": "treaty_id"}},
            {"fields": ["count"], "reference": {"resource": "t", "fields": ["n"]}},  # not text
            {  # a key of two fields: neither alone is a reference
                "fields": ["party_id", "role"],
                "reference": {"resource": "roles", "fields": ["party_id", "role"]},
            },
            {"fields": 7, "reference": {}},  # malformed: reported by the validator, skipped here
        ],
    }
    common = {"source_id", "quote", "locator", "language", "treaty_id"}
    assert compact_fields("clauses", schema) == common | {"text"}  # a clause's text is quoted
    assert compact_fields("other", schema) == common


def test_the_shipped_package_reads_the_same_in_both_layouts() -> None:
    plain, problems = read_package(descriptor_path())
    compact, compact_problems = read_package(descriptor_path(), compact=True)
    assert problems == compact_problems == []
    encoded = 0
    for name, resource in plain.resources.items():
        table = compact.resources[name].table
        assert resource.table is not None and table is not None
        assert table.column_names == resource.table.column_names
        chosen = compact_fields(name, resource.schema)
        for column in table.column_names:
            if column in chosen:
                assert pa.types.is_dictionary(table[column].type)
                assert _one_dictionary(table[column])
                encoded += 1
            else:
                assert table[column].type == resource.table[column].type
            assert table[column].to_pylist() == resource.table[column].to_pylist(), column
    # Every table with quotes (quote, source_id, locator), the clauses' text, both sides of
    # disputes, and the vocabularies (kinds, roles, themes, languages...).
    assert encoded >= 40


def _write_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["item_id", "source_id", "quote"])
        writer.writerows(rows)


def test_many_slices_grow_one_dictionary(tmp_path: Path) -> None:
    # 3,000 rows quoting 400 sentences, some first met late; parsed 4 KiB at a time and encoded
    # after every block, so the dictionary grows over many slices.
    rows = [
        (f"item-{i}", f"source-{i % 7}", f"Sentence {(i * 7919) % (50 + i // 10)}, “quoted”.")
        for i in range(3000)
    ]
    path = tmp_path / "items.csv"
    _write_csv(path, rows)
    columns = ["item_id", "source_id", "quote"]
    small = Tuning(block_bytes=4096, slice_bytes=1)
    parsed = parse(path, columns, {"quote"}, tuning=small)
    table, plain = parsed.table, parse(path, columns, tuning=small).table
    assert parsed.error is None and parsed.ragged == []
    assert table is not None and plain is not None
    assert table["quote"].num_chunks > 10
    assert _one_dictionary(table["quote"])
    assert table["quote"].to_pylist() == [q for _, _, q in rows]
    assert len(table["quote"].chunk(0).dictionary) == len({q for _, _, q in rows})
    assert table["item_id"].to_pylist() == plain["item_id"].to_pylist()


def test_vocabularies_read_by_blocks_share_one_dictionary_and_keep_empty_cells(
    tmp_path: Path,
) -> None:
    # The reader encodes each 4 KiB block against its own dictionary; at the end the column has
    # one dictionary, and empty cells stay empty strings (not nulls), as in the plain layout.
    rows = [(f"item-{i}", "" if i % 13 == 0 else f"source-{i % 7}", f"q{i}") for i in range(3000)]
    path = tmp_path / "items.csv"
    _write_csv(path, rows)
    columns = ["item_id", "source_id", "quote"]
    small = Tuning(block_bytes=4096)
    parsed = parse(path, columns, {"quote"}, vocabularies={"source_id"}, tuning=small)
    table, plain = parsed.table, parse(path, columns, tuning=small).table
    assert parsed.error is None and parsed.ragged == [] and table is not None and plain is not None
    sources = table["source_id"]
    assert pa.types.is_dictionary(sources.type) and sources.num_chunks > 10
    assert _one_dictionary(sources)
    assert sorted(sources.chunk(0).dictionary.to_pylist()) == sorted({s for _, s, _ in rows})
    assert sources.null_count == 0
    assert sources.to_pylist() == plain["source_id"].to_pylist() == [s for _, s, _ in rows]
    empty = tmp_path / "empty.csv"
    _write_csv(empty, [])
    nothing = parse(empty, columns, vocabularies=columns).table
    assert nothing is not None and nothing.num_rows == 0


@pytest.mark.parametrize("column", ["quote", "source_id"])
def test_bytes_that_are_not_utf8_in_a_compact_column_are_an_encoding_error_at_their_row(
    tmp_path: Path, column: str
) -> None:
    # Compact columns are read as bytes and only their dictionaries are checked to be UTF-8
    # (the quote grows one dictionary slice by slice, the source is encoded block by block):
    # a bad byte in any row, the last slice's included, is still found, at its row.
    rows = [(f"item-{i}", f"source-{i % 7}", f"Sentence {i % 40}.") for i in range(3000)]
    folder = tmp_path / "datapackage"
    folder.mkdir()
    path = folder / "items.csv"
    _write_csv(path, rows)
    fields = [{"name": n, "type": "string"} for n in ("item_id", "source_id", "quote")]
    resource = {"name": "evidence", "path": "items.csv", "schema": {"fields": fields}}
    descriptor = folder / "datapackage.json"
    descriptor.write_text(json.dumps({"resources": [resource]}), encoding="utf-8")
    assert {"source_id", "quote"} <= compact_fields("evidence", {"fields": fields})
    at = ["item_id", "source_id", "quote"].index(column)
    for bad_row in (2, 1500, 3001):  # the first data row, one in the middle, the last
        lines = [b"item_id,source_id,quote", *(",".join(r).encode() for r in rows)]
        cells = lines[bad_row - 1].split(b",")
        cells[at] = cells[at][:3] + b"\xff" + cells[at][3:]
        lines[bad_row - 1] = b",".join(cells)
        path.write_bytes(b"\n".join(lines) + b"\n")
        for tuning in (Tuning(), Tuning(block_bytes=4096, slice_bytes=1)):
            raw, problems = read_package(descriptor, compact=True, tuning=tuning)
            assert [(p.code, p.row) for p in problems] == [("encoding-error", bad_row)]
            assert "ff" in problems[0].message
            assert raw.resources["evidence"].table is None


def test_an_empty_file_reads_as_an_empty_dictionary_column(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    _write_csv(path, [])
    parsed = parse(path, ["item_id", "source_id", "quote"], {"quote"})
    table = parsed.table
    assert parsed.error is None and table is not None
    assert table.num_rows == 0
    assert pa.types.is_dictionary(table["quote"].type)


def test_dictionary_parts_of_chunks_with_different_dictionaries() -> None:
    column = pa.chunked_array(
        [pa.array(["b", "a", None]).dictionary_encode(), pa.array(["c", "b"]).dictionary_encode()]
    )
    dictionary, indices = dictionary_parts(column)
    assert dictionary.take(indices).to_pylist() == ["b", "a", None, "c", "b"]
    assert sorted(dictionary.to_pylist()) == ["a", "b", "c"]


def test_a_typed_dictionary_column_keeps_its_layout_and_nulls_empty_cells(tmp_path: Path) -> None:
    plain, _ = read_package(descriptor_path())
    compact, _ = read_package(descriptor_path(), compact=True)
    typed, problems = type_tables(compact)
    assert problems == []
    quote = typed["events"]["quote"]
    assert pa.types.is_dictionary(quote.type)
    expected, _ = type_tables(plain)
    assert quote.to_pylist() == expected["events"]["quote"].to_pylist()
    assert typed["events"][ROW_COLUMN].equals(expected["events"][ROW_COLUMN])


_TOUCHING = [None, "required", "pattern", "unique", "primary_key", "quote_not_verbatim"]


@pytest.mark.parametrize("fault", [*_TOUCHING, "enum", "editorial_brackets", "dispute_value"])
@settings(max_examples=10)
@given(dataset=datasets(), data=st.data())
def test_small_slices_and_dense_key_codes_change_no_problem(
    fault: str | None, dataset: Dataset, data: st.DataObject
) -> None:
    if fault is not None:
        FAULTS[fault](dataset, data)
    usual = validate_dataset(dataset)
    small = Tuning(block_bytes=4096, slice_bytes=1, code_limit=1, hashed_pairs=1)
    assert validate_dataset(dataset, small) == usual


def test_key_codes_tell_keys_apart_after_renumbering() -> None:
    parts = [
        pa.chunked_array([pa.array(["a", "a", "b", "b", "a"])]),
        pa.chunked_array([pa.array(["x", "y", "x", "y", "x"])]),
        pa.chunked_array([pa.array(["1", "1", "1", "1", None])]),
    ]
    for limit in (1, Tuning().code_limit):
        codes, counted = keys._key_codes(parts, limit)
        assert counted is None  # several columns: their distinct count is not known
        assert codes.null_count == 1
        assert len(pc.unique(codes.drop_null())) == 4
        distinct, repeated = _arrow.sorted_distinct(codes)
        assert len(distinct) == 4 and len(repeated) == 0
    # One plain column: its distinct count is its dictionary's size, nulls left out.
    one = [pa.chunked_array([pa.array(["a", None, "b", "a"])])]
    assert keys._key_codes(one, Tuning().code_limit)[1] == 2
    assert keys.duplicates("primary-key", "t", pa.array([2, 3, 4, 5]), one, ["k"])[0].row == 5
    unique = [pa.chunked_array([pa.array(["a", None, "b", None])])]
    assert keys.duplicates("primary-key", "t", pa.array([2, 3, 4, 5]), unique, ["k"]) == []
    distinct, repeated = _arrow.sorted_distinct(pa.array([3, None, 1, 3, 2, 3], pa.int64()))
    assert distinct.to_pylist() == [1, 2, 3]
    assert repeated.to_pylist() == [3, 3]


@given(
    values=st.lists(st.one_of(st.none(), st.integers(-50, 50)), max_size=300),
    hashed=st.integers(0, 64),
)
def test_distinct_integers_hashed_or_sorted_are_the_distinct_values(
    values: list[int | None], hashed: int
) -> None:
    # Few distinct values are hashed; past ``hashed`` of them the rest is sorted instead.
    found = _arrow.distinct_integers(pa.array(values, pa.int64()), hashed).to_pylist()
    assert sorted(found) == sorted({v for v in values if v is not None})


@pytest.mark.parametrize("layout", ["plain", "dictionary", "integer"])
def test_a_foreign_key_finds_the_same_missing_rows_in_every_layout(layout: str) -> None:
    values = ["a", "b", None, "zz", "a", "zz"]
    child: pa.Array = pa.array(values)
    parent: pa.Array = pa.array(["a", "b", "c"])
    if layout == "dictionary":
        child = child.dictionary_encode()
    elif layout == "integer":  # a schema may type its keys as integers: compared as text
        child = pa.array([None if v is None else len(v) for v in values], pa.int64())
        parent = pa.array([1, 3], pa.int64())
    tables = {
        "items": pa.table({ROW_COLUMN: pa.array(range(2, 8), pa.int64()), "ref": child}),
        "parents": pa.table(
            {ROW_COLUMN: pa.array([2, 3, 4], pa.int64())[: len(parent)], "id": parent}
        ),
    }
    fk = {"fields": "ref", "reference": {"resource": "parents", "fields": "id"}}
    problems = keys._foreign_key("items", tables["items"], fk, tables)
    assert [(p.code, p.row, p.field) for p in problems] == [
        ("foreign-key", 5, "ref"),
        ("foreign-key", 7, "ref"),
    ]
    expected = "'2'" if layout == "integer" else "'zz'"
    assert all(f"ref = {expected} is not a parents.id" in p.message for p in problems)
