"""Citations: BibTeX that a BibTeX parser reads, APA, CSL-JSON, and CFF valid against CFF 1.2.0."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml

import unionstate_data as usd
from unionstate_data.citation import STYLES, cite
from unionstate_data.cli import main
from unionstate_data.releases.registry import UnknownVersionError

ROOT = Path(__file__).resolve().parents[1]
CFF_SCHEMA = json.loads((ROOT / "tests" / "data" / "cff-schema-1.2.0.json").read_text())
VERSION = usd.__version__
REPOSITORY = "https://github.com/unionstate-data/unionstate-data"


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
    assert text.startswith("unionstate-data contributors. (2026). ")
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
    for style in STYLES:
        assert main(["cite", "--style", style]) == 0
        assert VERSION in capsys.readouterr().out
    assert main(["cite", "0.0.9"]) == 1
    err = capsys.readouterr().err
    assert "not a published release" in err
    assert "--sha256" not in err  # cite has no such option


def test_the_old_cli_words_still_work_and_say_what_replaces_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cite", "--format", "apa", "--version", "0.1.0"]) == 0
    captured = capsys.readouterr()
    assert captured.out == cite("apa", version="0.1.0")
    assert "`cite --format` is deprecated" in captured.err
    assert "use `cite --style apa`" in captured.err
    assert "use `cite 0.1.0`" in captured.err


def test_cite_version_alone_prints_the_program_version_as_the_top_level_flag_does(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["cite", "--version"]) == 0
    assert capsys.readouterr().out == f"unionstate-data {VERSION}\n"


def test_every_style_carries_the_repository_url_and_the_version() -> None:
    assert usd.cite("apa").rstrip().endswith(f"[Data set]. GitHub. {REPOSITORY}")
    for style in STYLES:
        text = cite(style)
        assert REPOSITORY in text, style
        assert VERSION in text, style
    [entry] = bibtexparser.loads(cite("bibtex")).entries
    assert (entry["url"], entry["publisher"]) == (REPOSITORY, "GitHub")
    assert json.loads(cite("csl-json"))[0]["URL"] == REPOSITORY
    assert yaml.safe_load(cite("cff"))["repository-code"] == REPOSITORY


@pytest.fixture
def with_doi(tmp_path: Path) -> Path:
    """A copy of the shipped descriptor that records a DOI (``id``), with its sources table."""
    meta = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    meta["id"] = "https://doi.org/10.5281/zenodo.1234567"
    (tmp_path / "data").mkdir()
    shutil.copyfile(
        ROOT / "datapackage" / "data" / "sources.csv", tmp_path / "data" / "sources.csv"
    )
    descriptor = tmp_path / "datapackage.json"
    descriptor.write_text(json.dumps(meta))
    return descriptor


@pytest.mark.parametrize("style", STYLES)
def test_a_recorded_doi_is_in_every_style(with_doi: Path, style: str) -> None:
    text = cite(style, descriptor=with_doi, sources=True)
    assert "10.5281/zenodo.1234567" in text
    assert VERSION in text
    assert _cff_problems(text) == [] if style == "cff" else True


def test_apa_gives_the_doi_in_place_of_the_url_as_apa_asks(with_doi: Path) -> None:
    assert (
        cite("apa", descriptor=with_doi)
        .rstrip()
        .endswith("[Data set]. GitHub. https://doi.org/10.5281/zenodo.1234567")
    )
    [entry] = bibtexparser.loads(cite("bibtex", descriptor=with_doi)).entries
    assert (entry["doi"], entry["url"]) == ("10.5281/zenodo.1234567", REPOSITORY)


def test_the_printed_cff_has_no_generated_file_note_but_the_repositorys_keeps_it() -> None:
    assert "Generated" not in cite("cff") and "edit those" not in cite("cff")
    assert (ROOT / "CITATION.cff").read_text().startswith("# Generated from ")
    assert (ROOT / "CITATION.cff").read_text().endswith(cite("cff"))


SOURCES = [
    (
        {
            "authors": "Steve Rosenberg",
            "title": "Gas deal in bitter Belarus row",
            "publisher": "BBC News",
            "published": "2004-02-19",
            "url": "http://news.bbc.co.uk/x",
        },
        "Rosenberg, S. (2004, February 19). Gas deal in bitter Belarus row. BBC News. "
        "http://news.bbc.co.uk/x",
    ),
    (
        {
            "authors": "Tyler Kruzshak; Marissa Wood",
            "title": "What is a Union State?",
            "publisher": "IMA Research Team",
            "published": "2024-04",
            "url": "",
        },
        "Kruzshak, T., & Wood, M. (2024, April). What is a Union State? IMA Research Team.",
    ),
    (
        {
            "authors": "Our World in Data",
            "title": "Countries",
            "publisher": "",
            "published": "2023",
            "url": "https://owid.org/c",
        },
        "Our World in Data. (2023). Countries. https://owid.org/c",
    ),
    (
        {
            "authors": "",
            "title": "Spiker",
            "publisher": "allakot.ru",
            "published": "",
            "url": "http://allakot.ru/s",
            "accessed": "2026-12-01",
        },
        "Spiker. (n.d.). allakot.ru. Retrieved December 1, 2026, from http://allakot.ru/s",
    ),
]


def test_sources_are_apa_references_author_date_title_site_link(with_doi: Path) -> None:
    path = with_doi.parent / "data" / "sources.csv"
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, restval="")
        writer.writeheader()
        writer.writerows({"source_id": f"s{i}", **source} for i, (source, _) in enumerate(SOURCES))
    lines = cite("apa", sources=True, descriptor=with_doi).splitlines()
    assert lines[1:] == [expected for _, expected in SOURCES]


def test_every_shipped_source_is_in_the_apa_list_once() -> None:
    lines = cite("apa", sources=True).splitlines()
    assert len(lines) == 1 + len(usd.sources())
    assert all(" (n.d.). " in line or re.search(r"\(\d{4}[,)]", line) for line in lines)
