"""The codebook: generated from the models and the data, complete, in both release zips."""

from __future__ import annotations

import copy
import json
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import get_args

import pyarrow as pa
import pytest

from unionstate_data._paths import descriptor_path, resource_schema
from unionstate_data.cli import main
from unionstate_data.errors import BuildError
from unionstate_data.model.fields import DERIVED_COLUMNS
from unionstate_data.model.tables import MODELS
from unionstate_data.model.vocabularies import DEFINITIONS, VOCABULARIES, vocabulary_for
from unionstate_data.releases.build import build
from unionstate_data.releases.codebook import codebook, missing_definitions, shipped_codebook
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name, root_folder_name
from unionstate_data.validation.typed import typed_tables

DESCRIPTOR = descriptor_path()
META = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
SCHEMAS = {r["name"]: resource_schema(DESCRIPTOR, r) for r in META["resources"]}
VERSION = META["version"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    return typed_tables(DESCRIPTOR)


def _rows_of(text: str, table: str) -> list[list[str]]:
    """The rows of the column table of one table's section of a Markdown codebook."""
    section = text.split(f"\n### {table} (", 1)[1].split("\n### ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_allowed_value_of_every_vocabulary_has_a_one_line_definition(name: str) -> None:
    values = get_args(VOCABULARIES[name])
    assert set(DEFINITIONS[name]) == set(values)  # none missing, none for a value that is gone
    for value in values:
        definition = DEFINITIONS[name][value]
        assert definition.strip() and "\n" not in definition, (name, value)


def test_every_enumerated_field_of_every_model_uses_a_defined_vocabulary() -> None:
    assert set(DEFINITIONS) == set(VOCABULARIES)
    assert missing_definitions(SCHEMAS) == []
    enums = [
        f["constraints"]["enum"]
        for s in SCHEMAS.values()
        for f in s["fields"]
        if "enum" in f.get("constraints", {})
    ]
    assert len(enums) >= 12 and all(vocabulary_for(e) for e in enums)


def test_a_field_without_description_or_an_undefined_value_fails_the_codebook(
    tables: dict[str, pa.Table],
) -> None:
    schemas = copy.deepcopy(SCHEMAS)
    themes = schemas["clause_themes"]["fields"][1]
    themes["constraints"]["enum"] = [*themes["constraints"]["enum"], "piracy"]
    schemas["treaties"]["fields"][0]["description"] = ""
    assert missing_definitions(schemas) == [
        "treaties.treaty_id: no description (model/tables.py)",
        f"clause_themes.theme: its values {themes['constraints']['enum']} are no vocabulary "
        "of VOCABULARIES",
    ]
    with pytest.raises(BuildError, match=r"clause_themes\.theme"):
        codebook(META, schemas, tables)


def test_the_parquet_codebook_lists_every_column_of_every_parquet_file(
    tables: dict[str, pa.Table],
) -> None:
    text = codebook(META, SCHEMAS, tables, flavour="parquet")
    for name, table in tables.items():
        listed = [row[0].strip("`") for row in _rows_of(text, name)]
        assert listed == table.column_names, name
    assert "`signed_lower` | date32[day]" in text
    assert DERIVED_COLUMNS["upper"].format(field="signed") in text


def test_the_csv_codebook_lists_exactly_the_csv_columns(tables: dict[str, pa.Table]) -> None:
    text = codebook(META, SCHEMAS, tables, flavour="csv")
    for model in MODELS:
        csv = DESCRIPTOR.parent / "data" / f"{model.resource}.csv"
        header = csv.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert [row[0].strip("`") for row in _rows_of(text, model.resource)] == header
    assert "_lower" not in text and "Stata" not in text


def test_types_required_fill_rates_and_examples_come_from_the_schema_and_data(
    tables: dict[str, pa.Table],
) -> None:
    rows = {
        row[0]: row for row in _rows_of(codebook(META, SCHEMAS, tables, flavour="csv"), "treaties")
    }
    treaties = tables["treaties"]
    in_force = treaties.num_rows - treaties.column("in_force").null_count
    assert rows["`in_force`"][1:4] == ["string (partial date)", "no", f"{in_force}/50"]
    assert rows["`signed`"][2] == "yes"
    assert rows["`scope`"][5].startswith("one of `TreatyScope`")
    first_id = treaties.column("treaty_id")[0].as_py()
    assert rows["`treaty_id`"][6].startswith(first_id[:39])


@pytest.mark.parametrize("flavour", ["parquet", "csv"])
def test_every_value_is_listed_with_its_definition_and_row_count(
    tables: dict[str, pa.Table], flavour: str
) -> None:
    text = codebook(META, SCHEMAS, tables, flavour=flavour)
    themes = Counter(tables["clause_themes"].column("theme").to_pylist())
    for value, definition in DEFINITIONS["Theme"].items():
        code = f" | {list(DEFINITIONS['Theme']).index(value) + 1}" if flavour == "parquet" else ""
        assert f"| `{value}`{code} | {definition} | {themes[value]} |" in text


def test_coverage_gives_the_known_gaps_by_table_and_field(tables: dict[str, pa.Table]) -> None:
    text = codebook(META, SCHEMAS, tables)
    gaps = tables["gaps"]
    counts = Counter(zip(gaps["resource_name"].to_pylist(), gaps["field"].to_pylist(), strict=True))
    for (table, field), n in counts.items():
        assert f"| {table} | {field} | {n} |" in text
    assert f"Known gaps: {gaps.num_rows} facts" in text
    assert "IDs are lowercase slugs" in text and "major:" in text  # ID policy, versions


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes += attrs


def test_the_html_codebook_is_one_standalone_page(tables: dict[str, pa.Table]) -> None:
    page = codebook(META, SCHEMAS, tables, format="html")
    parser = _Page()
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    assert not {"script", "link", "img", "iframe"} & set(parser.tags)
    assert all(name in {"id", "lang", "charset"} for name, _ in parser.attributes)
    assert parser.tags["table"] == len(
        re.findall(r"^\| ---", codebook(META, SCHEMAS, tables), re.M)
    )
    assert "<code>sovereignty</code>" in page


def test_both_release_zips_carry_the_codebook_of_their_columns(
    tables: dict[str, pa.Table], tmp_path: Path
) -> None:
    release = build(tmp_path).path
    prefix = f"{root_folder_name(VERSION)}/"
    for flavour, name in (("csv", csv_zip_name(VERSION)), ("parquet", parquet_zip_name(VERSION))):
        with zipfile.ZipFile(release / name) as archive:
            for fmt in ("md", "html"):
                shipped = archive.read(f"{prefix}CODEBOOK.{fmt}").decode("utf-8")
                assert shipped == codebook(META, SCHEMAS, tables, flavour=flavour, format=fmt)


@pytest.mark.parametrize(
    ("argv", "start"),
    [([], "# Codebook"), (["--format", "html"], "<!DOCTYPE html>"), (["--release", "csv"], "# ")],
)
def test_the_cli_prints_the_codebook(
    argv: list[str], start: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["codebook", *argv]) == 0
    out = capsys.readouterr().out
    assert out.startswith(start)
    flavour = "csv" if "csv" in argv else "parquet"
    assert out == shipped_codebook(flavour, "html" if "html" in argv else "md")


def test_the_table_schemas_carry_each_allowed_values_definition() -> None:
    enumerated = [
        f for s in SCHEMAS.values() for f in s["fields"] if "enum" in f.get("constraints", {})
    ]
    assert enumerated
    for spec in enumerated:
        vocabulary = vocabulary_for(spec["constraints"]["enum"])
        assert vocabulary is not None
        assert spec["x-definitions"] == {
            v: DEFINITIONS[vocabulary][v] for v in spec["constraints"]["enum"]
        }
