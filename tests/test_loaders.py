"""Typed loaders: Arrow tables with typed columns, and frozen pydantic models with the same rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pydantic
import pytest

import unionstate_data as usd
from unionstate_data import _paths
from unionstate_data.loading import tables as loaders
from unionstate_data.model.dates import bounds

ROOT = Path(__file__).resolve().parents[1]

MODEL_LOADERS = {
    "sources": usd.sources,
    "parties": usd.parties,
    "treaties": usd.treaties,
    "treaty_parties": usd.treaty_parties,
    "treaty_relations": usd.treaty_relations,
    "treaty_steps": usd.treaty_steps,
    "events": usd.events,
    "event_participants": usd.event_participants,
    "office_holders": usd.office_holders,
    "clauses": usd.clauses,
    "clause_themes": usd.clause_themes,
    "evidence": usd.evidence,
    "disputes": usd.disputes,
    "gaps": usd.gaps,
}


def test_every_table_has_a_model_loader() -> None:
    assert sorted(MODEL_LOADERS) == sorted(usd.table_names())


@pytest.mark.parametrize("name", sorted(MODEL_LOADERS))
def test_models_and_the_arrow_table_hold_the_same_rows(name: str) -> None:
    records = MODEL_LOADERS[name]()
    table = usd.table(name)
    assert len(records) == table.num_rows
    for record, row in zip(records, table.to_pylist(), strict=True):
        assert record.model_dump() == {k: row[k] for k in type(record).model_fields}


def test_models_are_frozen() -> None:
    treaty = usd.treaties()[0]
    with pytest.raises(pydantic.ValidationError):
        treaty.signed = "2000"  # type: ignore[misc]


def test_rows_are_validated_by_the_models_not_only_copied_into_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = usd.table("treaties")
    ids = rows["treaty_id"].to_pylist()
    bad = rows.set_column(0, "treaty_id", pa.array(["Not A Slug", *ids[1:]]))
    assert bad.schema.names[0] == "treaty_id"
    monkeypatch.setattr(loaders, "table", lambda name, version=None: bad)
    with pytest.raises(pydantic.ValidationError, match="treaty_id"):
        usd.treaties()


def test_partial_dates_keep_their_string_beside_typed_bounds_and_precision() -> None:
    table = usd.table("treaties")
    assert table.schema.field("signed").type == pa.string()
    assert table.schema.field("signed_lower").type == pa.date32()
    assert table.schema.field("signed_upper").type == pa.date32()
    rows = usd.table("events").to_pylist() + table.to_pylist()
    precisions = set()
    for row in rows:
        date = row.get("signed") or row["date"]
        prefix = "signed" if "signed" in row else "date"
        found = (row[f"{prefix}_lower"], row[f"{prefix}_upper"], row[f"{prefix}_precision"])
        assert found == bounds(date), date
        precisions.add(found[2])
    assert precisions == {"year", "month", "day"}  # the data keeps coarse dates coarse


def test_integer_and_boolean_columns_are_typed() -> None:
    assert usd.table("parties").schema.field("cow_code").type == pa.int64()
    assert usd.table("clauses").schema.field("editorial_brackets").type == pa.bool_()


def test_an_unknown_table_name_is_a_key_error_listing_the_tables() -> None:
    with pytest.raises(usd.Error, match="treaties"):
        usd.table("treaty")


def test_broken_data_raises_a_data_error_that_lists_the_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in ("datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    events = tmp_path / "datapackage" / "data" / "events.csv"
    first, second, *rest = events.read_text().split("\n")
    events.write_text("\n".join([first, second.replace(",", ",not-a-slug ", 1), *rest]))
    broken = tmp_path / "datapackage" / "datapackage.json"
    monkeypatch.setattr(_paths, "descriptor_path", lambda: broken)
    with pytest.raises(usd.DataError) as caught:
        usd.events()
    assert "events" in str(caught.value)
    assert "unionstate-data validate" in str(caught.value)
