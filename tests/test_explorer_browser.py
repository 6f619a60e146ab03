"""The explorer page in a real browser: Debian's Chromium, headless, driven by Playwright, the
page opened from ``file://`` with every other request aborted and the context offline.

Skipped, with the reason, where Playwright or the ``chromium`` executable is missing
(``.ci/run`` installs it from apt; Playwright's own browser download is never used).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import unionstate_data as usd
from unionstate_data.releases.explorer import PAGE_NAME, write_page

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')"
)
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH: apt-get install chromium (see .ci/run)"
)

#: Hand-picked dates and what the rules say, from the data (see test_explorer.py for the dates):
#: eaeu-treaty-2014 in force 2015-01-01; border-treaty-1995 in force "1995"; eec-treaty-2011
#: ended 2015-01-01 with no known entry into force; security-guarantees-treaty-2024 signed
#: 2024-12-06, in force 2025-03-13; eurasec-treaty-2000 in force 2001-05-30, end a known gap.
EXPECTED = [
    ("2014-12-31", "eaeu-treaty-2014", "not_in_force"),
    # In force from 2015-01-01; no end is recorded, which here means not known.
    ("2015-01-01", "eaeu-treaty-2014", "unknown"),
    ("2015", "eaeu-treaty-2014", "unknown"),
    ("2014", "eaeu-treaty-2014", "not_in_force"),
    ("1995", "border-treaty-1995", "unknown"),
    ("1995-06", "border-treaty-1995", "unknown"),
    ("1996", "border-treaty-1995", "unknown"),
    ("1994", "border-treaty-1995", "not_in_force"),
    ("2012", "eec-treaty-2011", "unknown"),
    ("2015-01", "eec-treaty-2011", "not_in_force"),
    ("2011-01", "eec-treaty-2011", "not_in_force"),
    ("2024-11", "security-guarantees-treaty-2024", "not_in_force"),
    ("2025-01", "security-guarantees-treaty-2024", "not_in_force"),
    ("2025-03", "security-guarantees-treaty-2024", "unknown"),
    ("2025-04", "security-guarantees-treaty-2024", "unknown"),
    # Entered into force 2000-01-26; a treaty implementing it was signed 2000-11-30.
    ("2000-02", "union-state-treaty-1999", "in_force"),
    ("2000-11", "union-state-treaty-1999", "in_force"),
    ("2000-12", "union-state-treaty-1999", "unknown"),
    ("2005", "eurasec-treaty-2000", "unknown"),
    ("2001", "eurasec-treaty-2000", "unknown"),
    ("2000", "eurasec-treaty-2000", "not_in_force"),
]
#: Dates for the page-against-library test: days, months and years, around the known steps.
AGREEMENT_DATES = [
    "1990", "1992-06", "1994-04-20", "1995", "1995-11", "1997", "1997-12-03", "1999-12",
    "2000-01-26", "2000-02", "2001-05", "2003-09-18", "2010", "2014-12-31", "2015-01-01",
    "2015", "2020-06", "2024-12", "2025-03", "2025-03-13", "2025-10-29", "2025",
]  # fmt: skip


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_page(tmp_path_factory.mktemp("explorer") / PAGE_NAME)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, page_file: Path) -> Iterator[Any]:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    remote: list[str] = []

    def only_files(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    tab.route("**/*", only_files)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(page_file.as_uri())
    yield tab
    context.close()
    assert errors == [], "the page raised errors"
    assert remote == [], "the page asked for something that is not a local file"


def drawn(page: Any) -> int:
    count: int = page.locator("#items .item").count()
    return count


def statuses(page: Any, date: str) -> dict[str, str]:
    rows = page.evaluate("(date) => window.explorer.inForce(date)", date)
    return {row["treaty_id"]: row["status"] for row in rows}


def set_as_of(page: Any, date: str) -> None:
    page.fill("#asof", date)
    page.dispatch_event("#asof", "change")


def test_every_treaty_and_event_is_drawn_once(page: Any) -> None:
    rows = usd.table("treaties").num_rows + usd.table("events").num_rows
    assert drawn(page) == rows
    assert page.inner_text("#count") == f"{rows} of {rows} items shown"
    open_ended = [t for t in usd.treaties() if t.ended is None]
    assert page.locator("#items .item.treaty.open polygon.open-mark").count() == len(open_ended)


def test_unticking_treaties_hides_exactly_the_treaties(page: Any) -> None:
    page.uncheck("#kinds input[value=treaty]")
    assert drawn(page) == usd.table("events").num_rows
    assert page.locator("#items .item.treaty").count() == 0


def test_the_party_filter_keeps_the_items_that_party_is_in(page: Any) -> None:
    expected = {r.treaty_id for r in usd.treaty_parties() if r.party_id == "kazakhstan"}
    expected |= {r.event_id for r in usd.event_participants() if r.party_id == "kazakhstan"}
    page.select_option("#party", "kazakhstan")
    assert drawn(page) == len(expected)


def test_a_search_in_russian_finds_treaties_by_their_russian_title(page: Any) -> None:
    page.fill("#search", "ЕВРАЗИЙСКОМ")
    ids = page.eval_on_selector_all("#items .item", "nodes => nodes.map(n => n.dataset.id)")
    assert ids == ["treaty:eaeu-treaty-2014"]


def test_the_reliability_filter_hides_rows_from_unticked_sources(page: Any) -> None:
    reliability = {s.source_id: s.reliability for s in usd.sources()}
    rows = [*usd.treaties(), *usd.events()]
    news = sum(reliability[r.source_id] == "news" for r in rows)
    page.uncheck("#reliability input[value=news]")
    assert drawn(page) == len(rows) - news


def test_clicking_an_item_shows_its_fields_with_their_quotes_and_sources(page: Any) -> None:
    treaty = next(t for t in usd.treaties() if t.treaty_id == "eaeu-treaty-2014")
    page.click("#items [data-id='treaty:eaeu-treaty-2014']")
    details = page.inner_text("#details")
    assert treaty.name_en in details
    assert " ".join(treaty.quote.split()) in " ".join(details.split())
    own = next(e for e in usd.evidence() if e.record_id == treaty.treaty_id)  # a field's own
    assert " ".join(own.quote.split()) in " ".join(details.split())
    page.click("#details [data-go='treaty:eec-treaty-2011']")  # the treaty it superseded
    assert "Treaty on the Eurasian Economic Commission" in page.inner_text("#details h2")


def test_a_disputed_value_shows_both_sources_and_their_quotes(page: Any) -> None:
    dispute = next(d for d in usd.disputes() if d.record_id == "2009-09-zapad-2009-exercise")
    page.click("#items [data-id='event:2009-09-zapad-2009-exercise']")
    text = " ".join(page.inner_text("#details .dispute").split())
    for quote in (dispute.chosen_quote, dispute.alternative_quote):
        assert " ".join(quote.split()) in text


def test_the_page_judges_treaties_on_partial_dates_by_the_rules(page: Any) -> None:
    got = [(date, treaty, statuses(page, date)[treaty]) for date, treaty, _ in EXPECTED]
    assert got == EXPECTED


def test_moving_the_as_of_date_changes_the_in_force_list(page: Any) -> None:
    listed = "#asof-treaties li[data-status=in_force]"
    set_as_of(page, "1999-12")
    before = set(page.eval_on_selector_all(listed, "nodes => nodes.map(n => n.dataset.id)"))
    set_as_of(page, "2000-02")
    after = set(page.eval_on_selector_all(listed, "nodes => nodes.map(n => n.dataset.id)"))
    assert after - before == {"union-state-treaty-1999"}
    assert before == {t for t, s in statuses(page, "1999-12").items() if s == "in_force"}
    set_as_of(page, "2016")
    shown = page.eval_on_selector_all(
        "#asof-bodies li", "nodes => nodes.map(n => [n.dataset.id, n.dataset.status])"
    )
    words = {"existed": "exists", "not_existed": "not_exists", "unknown": "unknown"}
    library = {r["party_id"]: r["status"] for r in usd.as_of("2016")["bodies"].to_pylist()}
    assert {body: words[status] for body, status in shown} == {
        body: status for body, status in library.items() if status != "not_exists"
    }


def test_the_month_slider_sets_the_as_of_date(page: Any) -> None:
    page.fill("#asof-range", str((2015 - 1990) * 12))  # months since January 1990
    assert page.input_value("#asof") == "2015-01"
    listed = page.eval_on_selector_all(
        "#asof-treaties li[data-status=not_in_force]", "nodes => nodes.map(n => n.dataset.id)"
    )
    assert "eec-treaty-2011" in listed  # ended 2015-01-01
    assert "eaeu-treaty-2014" not in listed  # entered into force that day


def test_a_date_that_is_not_a_date_is_named_and_changes_nothing(page: Any) -> None:
    set_as_of(page, "1995-02-30")
    assert "is not a date" in page.inner_text("#asof-error")


def test_zooming_in_spreads_the_items_apart(page: Any) -> None:
    box = page.locator("#items [data-id='treaty:eaeu-treaty-2014'] rect.span")
    before = box.bounding_box()["x"]
    page.click("#zoom-in")
    assert box.bounding_box()["x"] != before
    assert drawn(page) == usd.table("treaties").num_rows + usd.table("events").num_rows


@pytest.fixture
def in_force() -> Any:
    if not hasattr(usd, "in_force"):
        pytest.skip("unionstate_data.in_force is not in this branch yet (the as-of queries)")
    return usd.in_force


def test_the_page_and_the_library_agree_on_what_was_in_force(in_force: Any, page: Any) -> None:
    for date in AGREEMENT_DATES:
        library = {row["treaty_id"]: row["status"] for row in in_force(date).to_pylist()}
        assert statuses(page, date) == library, date


@pytest.fixture
def as_of() -> Any:
    if not hasattr(usd, "as_of"):
        pytest.skip("unionstate_data.as_of is not in this branch yet (the as-of queries)")
    return usd.as_of


def test_the_page_and_the_librarys_as_of_agree_on_the_treaties(as_of: Any, page: Any) -> None:
    for date in AGREEMENT_DATES:
        library = {r["treaty_id"]: r["status"] for r in as_of(date)["treaties"].to_pylist()}
        assert statuses(page, date) == library, date
