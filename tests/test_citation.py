"""Citations: BibTeX that a BibTeX parser reads, APA, CSL-JSON, and CFF valid against CFF 1.2.0."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml

import unionstate_data as usd
from unionstate_data.citation import cite
from unionstate_data.cli import main
from unionstate_data.releases.registry import UnknownVersionError

ROOT = Path(__file__).resolve().parents[1]
CFF_SCHEMA = json.loads((ROOT / "tests" / "data" / "cff-schema-1.2.0.json").read_text())
VERSION = usd.__version__


def _cff_problems(text: str) -> list[str]:
    validator = jsonschema.Draft7Validator(CFF_SCHEMA)
    return [e.message for e in validator.iter_errors(yaml.safe_load(text))]


def test_citation_cff_is_valid_against_the_official_cff_schema() -> None:
    assert _cff_problems((ROOT / "CITATION.cff").read_text()) == []


def test_an_invalid_cff_is_caught_by_the_schema_check() -> None:
    text = (ROOT / "CITATION.cff").read_text().replace("cff-version: 1.2.0", "cff-version: 9")
    assert _cff_problems(text)


def test_the_cff_style_with_sources_is_valid_cff_and_lists_them() -> None:
    text = cite("cff", sources=True)
    assert _cff_problems(text) == []
    titles = {ref["title"] for ref in yaml.safe_load(text)["references"]}
    assert {s.title for s in usd.sources()} == titles


def test_bibtex_parses_with_a_bibtex_parser() -> None:
    entries = bibtexparser.loads(cite("bibtex")).entries
    [entry] = entries
    assert entry["ENTRYTYPE"] == "misc"
    assert entry["version"] == VERSION
    assert entry["year"] == "2026"
    assert "Union State" in entry["title"]


def test_bibtex_with_sources_adds_one_entry_per_source() -> None:
    entries = bibtexparser.loads(cite("bibtex", sources=True)).entries
    assert len(entries) == 1 + len(usd.sources())


def test_apa_names_authors_year_title_and_version() -> None:
    text = cite("apa")
    assert text.startswith("unionstate-data contributors (2026). ")
    assert f"(Version {VERSION}) [Data set]." in text


def test_csl_json_is_a_dataset_item() -> None:
    [item] = json.loads(cite("csl-json"))
    assert item["type"] == "dataset"
    assert item["version"] == VERSION
    assert item["issued"]["date-parts"][0][0] == 2026


def test_a_published_version_can_be_cited_and_an_unknown_one_is_refused() -> None:
    assert "version = {0.1.0}" in cite("bibtex", version="0.1.0")
    with pytest.raises(UnknownVersionError, match="not a published release"):
        cite("apa", version="0.0.9")


def test_an_unknown_style_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="bibtex"):
        cite("mla")


def test_the_cli_prints_each_format_and_refuses_an_unknown_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for style in ("bibtex", "apa", "cff", "csl-json"):
        assert main(["cite", "--format", style]) == 0
        assert VERSION in capsys.readouterr().out
    assert main(["cite", "--version", "0.0.9"]) == 1
    assert "not a published release" in capsys.readouterr().err
