"""The Stata files of a release: read back with pandas, they hold the same rows and values."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import pyarrow as pa
import pytest

from unionstate_data._paths import descriptor_path, resource_schema
from unionstate_data.model.vocabularies import VOCABULARIES
from unionstate_data.releases.build import build
from unionstate_data.releases.layout import parquet_zip_name, root_folder_name
from unionstate_data.releases.stata import STATA_FOLDER, stata_files, stata_layout
from unionstate_data.validation.typed import typed_tables

DESCRIPTOR = descriptor_path()
META = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: resource_schema(DESCRIPTOR, r) for r in META["resources"]}
TITLE = f"{META['title']} {META['version']}"


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return typed_tables(DESCRIPTOR)


@pytest.fixture(scope="module")
def files(tables: dict[str, pa.Table]) -> dict[str, bytes]:
    return stata_files(tables, SCHEMAS, TITLE)


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_stata(io.BytesIO(data))


def _expected(value: Any, storage: str) -> Any:
    """What a value of the typed table reads back as from Stata."""
    if value is None:
        return "" if storage.startswith("str") else None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.date):
        return pd.Timestamp(value)
    return value


def _got(value: Any) -> Any:
    if value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@pytest.mark.parametrize("name", [r["name"] for r in META["resources"]])
def test_a_stata_file_reads_back_with_the_same_rows_and_values(
    name: str, tables: dict[str, pa.Table], files: dict[str, bytes]
) -> None:
    table = tables[name]
    frame = _read(files[f"{STATA_FOLDER}/{name}.dta"])
    layout = stata_layout(name, table, SCHEMAS[name])
    assert list(frame.columns) == [c.variable for c in layout]
    assert len(frame) == table.num_rows
    for column in layout:
        expected = [_expected(v, column.storage) for v in table.column(column.name).to_pylist()]
        got = [_got(v) for v in frame[column.variable].astype(object).tolist()]
        assert got == expected, (name, column.name)


def test_writing_twice_gives_identical_bytes(
    tables: dict[str, pa.Table], files: dict[str, bytes]
) -> None:
    assert stata_files(tables, SCHEMAS, TITLE) == files


def test_vocabularies_are_labelled_integers_coded_in_vocabulary_order(
    files: dict[str, bytes],
) -> None:
    with pd.read_stata(io.BytesIO(files["stata/clause_themes.dta"]), iterator=True) as reader:
        labels = reader.value_labels()
    themes = get_args(VOCABULARIES["Theme"])
    assert labels["theme"] == {i: v for i, v in enumerate(themes, start=1)}
    raw = pd.read_stata(io.BytesIO(files["stata/clause_themes.dta"]), convert_categoricals=False)
    assert raw["theme"].dtype.kind in "iu"
    with pd.read_stata(io.BytesIO(files["stata/treaties.dta"]), iterator=True) as reader:
        assert reader.value_labels()["signed_precision"] == {1: "year", 2: "month", 3: "day"}
        assert reader.variable_labels()["signed"] == "Date of signature."


def test_long_text_is_strl_and_ids_are_fixed_width(tables: dict[str, pa.Table]) -> None:
    clauses = {
        c.name: c.storage for c in stata_layout("clauses", tables["clauses"], SCHEMAS["clauses"])
    }
    assert clauses["text"] == clauses["quote"] == "strL"
    assert clauses["clause_id"] == "str#"
    assert clauses["editorial_brackets"].startswith("byte")
    parties = {
        c.variable: c.storage
        for c in stata_layout("parties", tables["parties"], SCHEMAS["parties"])
    }
    assert parties["end_"].startswith("str") and parties["end_lower"] == "long, %td date"
    assert parties["cow_code"] == "long"


def test_the_parquet_zip_carries_one_stata_file_per_table(
    files: dict[str, bytes], tmp_path: Path
) -> None:
    version = META["version"]
    release = build(tmp_path).path
    prefix = f"{root_folder_name(version)}/"
    with zipfile.ZipFile(release / parquet_zip_name(version)) as archive:
        shipped = {
            n.removeprefix(prefix): archive.read(n)
            for n in archive.namelist()
            if n.endswith(".dta")
        }
    assert shipped == files
    assert sorted(shipped) == sorted(f"stata/{r['name']}.dta" for r in META["resources"])
