"""Reading CSV files: what Arrow's block reader refuses that is valid CSV is read all the same,
and a file that cannot be parsed has its own code, with the row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from unionstate_data._paths import descriptor_path
from unionstate_data.validation.parsing import parse
from unionstate_data.validation.reading import RawResource, read_package
from unionstate_data.validation.tuning import Tuning

SCHEMA = {"fields": [{"name": "item_id"}, {"name": "text"}]}


def package(folder: Path, rows: list[tuple[str, str]]) -> Path:
    """A one-table package with an inline schema holding ``rows``."""
    with (folder / "items.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["item_id", "text"])
        writer.writerows(rows)
    descriptor = folder / "datapackage.json"
    resource = {"name": "items", "path": "items.csv", "schema": SCHEMA}
    descriptor.write_text(json.dumps({"resources": [resource]}), encoding="utf-8")
    return descriptor


def test_a_cell_larger_than_a_block_is_read(tmp_path: Path) -> None:
    big = "x" * 3_000_000  # Arrow: "straddling object straddles two block boundaries"
    raw, problems = read_package(package(tmp_path, [("a", big), ("b", "small")]))
    assert problems == []
    table = raw.resources["items"].table
    assert table is not None and table["text"].to_pylist() == [big, "small"]


def test_quoted_line_breaks_in_a_file_over_a_block_are_read(tmp_path: Path) -> None:
    rows = [(f"item-{i}", f"line one\nline two, number {i}") for i in range(60_000)]
    descriptor = package(tmp_path, rows)
    assert (tmp_path / "items.csv").stat().st_size > 1 << 21
    for compact in (False, True):
        raw, problems = read_package(descriptor, compact=compact)
        assert problems == []
        table = raw.resources["items"].table
        assert table is not None and table["text"].to_pylist() == [t for _, t in rows]


def test_small_blocks_give_the_same_cells(tmp_path: Path) -> None:
    rows = [(f"item-{i}", f"text {i}\nwith a break" if i % 3 else "y" * 9000) for i in range(500)]
    package(tmp_path, rows)
    small = parse(tmp_path / "items.csv", ["item_id", "text"], tuning=Tuning(block_bytes=4096))
    assert small.error is None and small.table is not None
    assert small.table["text"].to_pylist() == [t for _, t in rows]


def test_an_empty_file_is_a_parse_error_at_row_one(tmp_path: Path) -> None:
    descriptor = package(tmp_path, [])
    (tmp_path / "items.csv").write_bytes(b"")
    _, problems = read_package(descriptor)
    assert [(p.code, p.resource, p.row) for p in problems] == [("parse-error", "items", 1)]
    assert "empty" in problems[0].message and "header" in problems[0].message


def test_on_read_is_given_each_resource_as_read_in_the_descriptors_order() -> None:
    # The validator types each table on another thread from here, while the next file is read.
    seen: list[tuple[str, int | None]] = []

    def on_read(resource: RawResource) -> None:
        seen.append((resource.name, None if resource.table is None else len(resource.table)))

    raw, problems = read_package(descriptor_path(), on_read=on_read)
    assert problems == []
    tables = {name: r.table for name, r in raw.resources.items()}
    assert seen == [(name, len(t)) for name, t in tables.items() if t is not None]
    assert len(seen) == len(tables) > 10
