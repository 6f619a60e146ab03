"""The timeline explorer page, without a browser: what it embeds, its bytes, the command that
writes it and the release zips that ship it. ``test_explorer_browser.py`` drives it in Chromium."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

import unionstate_data as usd
from unionstate_data._paths import descriptor_path
from unionstate_data.cli import main
from unionstate_data.releases.build import build
from unionstate_data.releases.explorer import PAGE_NAME, page_for_descriptor, page_html
from unionstate_data.releases.explorer_data import LANES, event_lane, explorer_data
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name, root_folder_name

VERSION = usd.__version__


@pytest.fixture(scope="module")
def tables() -> dict[str, Any]:
    return {name: usd.table(name) for name in usd.table_names()}


@pytest.fixture(scope="module")
def data(tables: dict[str, Any]) -> dict[str, Any]:
    return explorer_data(tables, VERSION, "the citation")


@pytest.fixture(scope="module")
def page() -> bytes:
    return page_for_descriptor(descriptor_path())


def embedded(page: bytes) -> dict[str, Any]:
    block = re.search(rb'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert block is not None
    result: dict[str, Any] = json.loads(block.group(1))
    return result


def test_every_treaty_and_every_event_is_one_item_in_a_known_lane(
    data: dict[str, Any], tables: dict[str, Any]
) -> None:
    assert len(data["items"]) == tables["treaties"].num_rows + tables["events"].num_rows
    assert len({item["id"] for item in data["items"]}) == len(data["items"])
    assert {item["lane"] for item in data["items"]} == set(LANES)
    assert {i["lane"] for i in data["items"] if i["table"] == "treaties"} == {"treaties"}


@pytest.mark.parametrize(
    ("kind", "title", "treaty", "lane"),
    [
        ("election", "Belarusian presidential election of 2001", None, "elections"),
        ("other", "Central Election Commission finalises the results", None, "elections"),
        ("military", "Zapad-2009 joint exercise", None, "security"),
        ("summit", "Supreme State Council meeting on gas prices", None, "summits"),
        ("founding", "Supreme Council of the Union established", "Union Charter", "summits"),
        ("other", "Russia cuts off gas supplies to Belarus", None, "economy"),
        ("signing", "Treaty signed", "Treaty on the Customs Union", "economy"),
        ("signing", "Agreement signed", "Agreement on air defence", "security"),
        ("signing", "Treaty on the Union signed", "Treaty on the Union", "treaties"),
        ("other", "Pavel Borodin appointed State Secretary", None, "summits"),
    ],
)
def test_an_event_goes_to_the_lane_its_kind_title_or_treaty_says(
    kind: str, title: str, treaty: str | None, lane: str
) -> None:
    assert event_lane(kind, title, treaty) == lane


def test_treaties_are_spans_from_signature_and_open_ended_ones_are_marked(
    data: dict[str, Any],
) -> None:
    items = {item["id"]: item for item in data["items"]}
    eec = items["treaty:eec-treaty-2011"]  # signed 2011-11-18, ended 2015-01-01
    assert (eec["start"], eec["end"], eec["open"]) == ("2011-11-18", "2015-01-01", False)
    union = items["treaty:union-state-treaty-1999"]
    assert (union["start"], union["end"], union["open"]) == ("1999-12-08", None, True)
    exercise = items["event:2009-09-zapad-2009-exercise"]  # an event spanning days
    assert exercise["end"] is not None and exercise["end"] > exercise["start"]


def test_the_as_of_data_carries_each_partial_date_with_its_bounds_and_its_gaps(
    data: dict[str, Any],
) -> None:
    treaties = {t["treaty_id"]: t["span"] for t in data["as_of"]["treaties"]}
    border = treaties["border-treaty-1995"]  # entry into force known to the year
    assert (border["start_text"], border["start_lo"], border["start_hi"]) == (
        "1995",
        "1995-01-01",
        "1995-12-31",
    )
    movement = treaties["freedom-of-movement-agreement-2006"]
    assert (movement["floor_text"], movement["floor_lo"], movement["floor_hi"]) == (
        "2006-01",
        "2006-01-01",
        "2006-01-31",
    )
    union = treaties["union-treaty-1997"]  # its end was searched for and not found
    assert union["end_text"] is None and union["end_gap"] is True
    assert treaties["air-defence-agreement-2009"]["start_gap"] is True
    assert treaties["eaeu-treaty-2014"]["end_gap"] is False
    # A later act shows the 1999 treaty had not ended: the date the library judges by, embedded.
    assert treaties["union-state-treaty-1999"]["alive_lo"] == "2000-11-30"
    bodies = {b["id"]: b["span"] for b in data["as_of"]["bodies"]}
    assert set(bodies) == set(usd.as_of("2000-01-01")["bodies"]["party_id"].to_pylist())
    assert not any(b["open_end"] for b in bodies.values())  # for a body: not known


def test_an_item_carries_its_evidence_disputes_gaps_and_links(data: dict[str, Any]) -> None:
    items = {item["id"]: item for item in data["items"]}
    event = items["event:2009-09-zapad-2009-exercise"]
    assert event["evidence"]["quote"] and event["evidence"]["source_id"] in data["sources"]
    assert data["disputes"]["events/2009-09-zapad-2009-exercise"][0]["alternative_value"] == (
        "2009-09-18"
    )
    assert any(g["field"] == "ended" for g in data["gaps"]["treaties/union-treaty-1997"])
    assert ["treaty", "eec-treaty-2011", "supersedes"] in items["treaty:eaeu-treaty-2014"]["links"]
    assert ["treaty", "eaeu-treaty-2014", "supersedes this (by)"] in items[
        "treaty:eec-treaty-2011"
    ]["links"]
    signing = items["event:2014-05-29-eaeu-treaty-signed"]
    assert signing["links"] == [["treaty", "eaeu-treaty-2014", "concerns"]]


def test_the_page_is_self_contained_small_and_names_its_version_and_citation(
    page: bytes,
) -> None:
    assert len(page) < 2 * 1024 * 1024
    text = page.decode("utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", text)  # nothing fetched
    assert "@import" not in text and "fetch(" not in text
    data = embedded(page)
    assert data["version"] == VERSION and VERSION in text
    assert (
        data["citation"].startswith("unionstate-data contributors.")
        and VERSION in (data["citation"])
    )


def test_no_quote_can_end_the_data_block_early(tables: dict[str, Any]) -> None:
    html = page_html(tables, VERSION, "a </script><script>alert(1)</script> citation")
    assert html.count("</script>") == 2  # the data block's and the script's own
    data = embedded(html.encode("utf-8"))
    assert data["citation"] == "a </script><script>alert(1)</script> citation"


def test_the_page_is_byte_reproducible(page: bytes) -> None:
    assert page_for_descriptor(descriptor_path()) == page


def test_explore_writes_the_page_where_asked_without_opening_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "page.html"
    assert main(["explore", "--out", str(out), "--no-open"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert embedded(out.read_bytes())["version"] == VERSION
    assert [p.name for p in out.parent.iterdir()] == ["page.html"]  # no staging file left


def test_explore_opens_the_written_page_in_the_default_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    out = tmp_path / "page.html"
    assert main(["explore", "--out", str(out)]) == 0
    assert opened == [out.resolve().as_uri()]


def test_explore_shows_a_published_version_with_the_tables_it_had(tmp_path: Path) -> None:
    out = tmp_path / "old.html"
    assert main(["explore", "--version", "0.1.0", "--out", str(out), "--no-open"]) == 0
    data = embedded(out.read_bytes())
    assert data["version"] == "0.1.0" and "0.1.0" in data["citation"]
    assert len(data["items"]) == sum(
        usd.table(name, version="0.1.0").num_rows for name in ("treaties", "events")
    )


def test_explore_refuses_a_folder_as_out_with_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explore", "--out", str(tmp_path), "--no-open"]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_both_release_zips_ship_the_page_of_the_package_built(tmp_path: Path, page: bytes) -> None:
    release = build(tmp_path).path
    name = f"{root_folder_name(VERSION)}/{PAGE_NAME}"
    for zip_name in (csv_zip_name(VERSION), parquet_zip_name(VERSION)):
        with zipfile.ZipFile(release / zip_name) as archive:
            assert archive.read(name) == page
