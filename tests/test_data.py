"""The shipped data: valid by our rules and by frictionless, every quote in its stored source,
bytes people can hash (UTF-8, LF, rows in primary-key order)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest

from unionstate_data.validation.rules.quotes import normalise_quote_text
from unionstate_data.validation.validator import validate

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = ROOT / "datapackage" / "datapackage.json"
RESOURCES = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))["resources"]
NAMES = [r["name"] for r in RESOURCES]


def rows(name: str) -> list[dict[str, str]]:
    with (ROOT / "datapackage" / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


SOURCES = {row["source_id"]: row for row in rows("sources")}


def stored_text(source_id: str) -> str | None:
    seed = SOURCES[source_id]["seed_path"]
    return (DESCRIPTOR.parent / seed).read_text(encoding="utf-8") if seed else None


def test_the_shipped_package_has_no_problems() -> None:
    report = validate()
    assert [p.line() for p in report.problems] == []
    assert report.row_counts["treaties"] > 0


def test_frictionless_finds_the_shipped_package_valid() -> None:
    import frictionless

    report = frictionless.validate(str(DESCRIPTOR))  # no --trusted: the schemas are inline
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_every_stored_source_matches_its_sha256(source_id: str) -> None:
    source = SOURCES[source_id]
    assert source["seed_path"], f"{source_id} has no stored text in seeds/"
    data = (DESCRIPTOR.parent / source["seed_path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == source["sha256"]


def _quoted() -> list[object]:
    """(table, row key, source, text) for every quote and clause text in the package."""
    cases = []
    for name in NAMES:
        for i, row in enumerate(rows(name)):
            pairs = [
                ("source_id", "quote"),
                ("source_id", "text"),
                ("chosen_source_id", "chosen_quote"),
                ("alternative_source_id", "alternative_quote"),
            ]
            for source_column, text_column in pairs:
                if row.get(source_column) and row.get(text_column):
                    if name != "clauses" and text_column == "text":
                        continue
                    cases.append(
                        pytest.param(
                            row[source_column],
                            row[text_column],
                            id=f"{name}-row{i + 2}-{text_column}",
                        )
                    )
    return cases


@pytest.mark.parametrize(("source_id", "text"), _quoted())
def test_every_quote_stands_verbatim_in_its_stored_source(source_id: str, text: str) -> None:
    stored = stored_text(source_id)
    assert stored is not None
    assert normalise_quote_text(text) in normalise_quote_text(stored)


def test_quotes_differ_from_the_source_only_by_quote_marks_and_whitespace() -> None:
    # The normalisation must not be what makes a quote match: compare the raw text too,
    # allowing only what the rule allows (typographic quotes, runs of whitespace).
    for name in NAMES:
        for row in rows(name):
            if row.get("quote") and row.get("source_id"):
                stored = stored_text(row["source_id"]) or ""
                pattern = r"\s+".join(re.escape(part) for part in row["quote"].split())
                assert re.search(pattern, stored), (name, row["quote"][:60])


@pytest.mark.parametrize("name", ["events", "treaties"])
def test_the_year_of_every_date_is_in_the_quote_that_backs_it(name: str) -> None:
    column = {"events": "date", "treaties": "signed"}[name]
    for row in rows(name):
        assert row[column][:4] in row["quote"], (row[column], row["quote"])


def test_editorial_brackets_are_flagged_on_every_clause_that_has_them() -> None:
    for row in rows("clauses"):
        assert (row["editorial_brackets"] == "true") == ("[" in row["text"]), row["clause_id"]


@pytest.mark.parametrize("name", NAMES)
def test_data_files_are_utf8_with_lf_line_endings_and_no_bom(name: str) -> None:
    data = (ROOT / "datapackage" / "data" / f"{name}.csv").read_bytes()
    data.decode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data
    assert data.endswith(b"\n")


@pytest.mark.parametrize("resource", RESOURCES, ids=NAMES)
def test_rows_are_in_primary_key_order(resource: dict[str, str]) -> None:
    schema = resource["schema"]
    keys = [tuple(row[k] for k in schema["primaryKey"]) for row in rows(resource["name"])]
    assert keys == sorted(keys)


def test_the_readme_coverage_table_gives_the_shipped_row_counts() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = dict(re.findall(r"^\| (\w+) \| +(\d+) \|", readme, flags=re.MULTILINE))
    assert {name: int(n) for name, n in stated.items()} == validate().row_counts


# --- evidence that states the date it supports ---------------------------------------------------

#: Dates a row's own quote must state: (table, date field).
OWN_DATES = [
    ("events", "date"),
    ("treaties", "signed"),
    ("treaty_steps", "date"),
    ("office_holders", "start"),
]


def states_date(quote: str, date: str) -> bool:
    """The quote gives the date's year, and for a day-precision date its day too (as digits:
    "8 December 1999", "08.12.1999", "8 декабря 1999 года")."""
    text = " ".join(quote.split())
    parts = date.split("-")
    if parts[0] not in text:
        return False
    if len(parts) < 3:
        return True
    rest = text.replace(parts[0], " ")
    return re.search(rf"(?<!\d)0?{int(parts[2])}(?!\d)", rest) is not None


def _dated_quotes() -> list[object]:
    """(where, date, quote) for every date backed by a row's quote or by its evidence row."""
    cases = []
    for table, field in OWN_DATES:
        key = json.loads((ROOT / "schemas" / f"{table}.json").read_text())["primaryKey"][0]
        for row in rows(table):
            where = f"{table}/{row[key]}/{field}"
            cases.append(pytest.param(row[field], row["quote"], id=where))
    dated = {
        (r["name"], f["name"]): json.loads((ROOT / "schemas" / f"{r['name']}.json").read_text())
        for r in RESOURCES
        for f in json.loads((ROOT / "schemas" / f"{r['name']}.json").read_text())["fields"]
        if f.get("x-partial-date") and f.get("x-field-evidence")
    }
    values = {}
    for table, field in dated:
        key = dated[(table, field)]["primaryKey"][0]
        values.update({(table, row[key], field): row[field] for row in rows(table)})
    for evidence in rows("evidence"):
        value = values.get((evidence["resource_name"], evidence["record_id"], evidence["field"]))
        if value:
            where = f"evidence/{evidence['evidence_id']}"
            cases.append(pytest.param(value, evidence["quote"], id=where))
    return cases


def test_the_date_check_needs_the_year_and_the_day() -> None:
    assert states_date("On 8 December 1999, the Treaty was signed", "1999-12-08")
    assert states_date("подписан 08.12.1999", "1999-12-08")
    assert states_date("in 1999", "1999") and states_date("in December 1999", "1999-12")
    assert not states_date("On 8 December, the Treaty was signed", "1999-12-08")
    assert not states_date("In December 1999, the Treaty was signed", "1999-12-08")


@pytest.mark.parametrize(("date", "quote"), _dated_quotes())
def test_every_dated_quote_states_its_year_and_day(date: str, quote: str) -> None:
    assert states_date(quote, date), f"the quote does not give {date}: {quote[:120]!r}"
