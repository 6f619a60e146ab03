"""As-of queries (``unionstate_data.queries.asof``): hand-checked days from the shipped rows, the
judging rules on tables built here (``treaty_status``), properties over partial dates, and the
``as-of`` command."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

import unionstate_data as usd
from unionstate_data.cli import main
from unionstate_data.model.dates import bounds, column_bounds
from unionstate_data.queries.asof import STATUSES, TABLES, snapshot, treaty_status


def status_of(day: str, treaty_id: str, party: str | None = None) -> dict[str, Any]:
    rows = usd.in_force(day, party=party).to_pylist()
    (row,) = [r for r in rows if r["treaty_id"] == treaty_id]
    return row


# --- hand-checked on the shipped data -------------------------------------------------------


def test_the_1999_union_state_treaty_is_in_force_on_1_june_2000_backed_by_a_later_agreement():
    # treaties.csv: signed 1999-12-08, in_force 2000-01-26 (evidence: "вступил в силу 26 января
    # 2000 года"); no end recorded, but the single-currency agreement signed 2000-11-30
    # implements it (treaty_relations), so it had not ended on 2000-06-01.
    row = status_of("2000-06-01", "union-state-treaty-1999")
    assert row["status"] == "in_force"
    assert "2000-01-26" in row["reason"]
    assert "single-currency-agreement-2000" in row["reason"]


def test_the_1999_treaty_is_not_in_force_before_its_signature_nor_before_its_entry_into_force():
    assert status_of("1999-12-07", "union-state-treaty-1999")["status"] == "not_in_force"
    row = status_of("2000-01-25", "union-state-treaty-1999")
    assert row["status"] == "not_in_force"
    assert "entered into force 2000-01-26, after 2000-01-25" in row["reason"]


def test_the_1999_treaty_is_unknown_once_nothing_shows_it_had_not_ended():
    row = status_of("2010-01-01", "union-state-treaty-1999")
    assert row["status"] == "unknown"
    assert "no end is recorded" in row["reason"]


def test_the_1997_charter_is_unknown_on_1_june_2000_because_its_end_is_not_recorded():
    # Its in_force and ended are empty, each with a gap row: the data does not say.
    row = status_of("2000-06-01", "union-charter-1997")
    assert row["status"] == "unknown"
    assert "gaps table" in row["reason"]


def test_the_1997_charter_is_not_in_force_on_1_june_2000_once_its_end_is_recorded():
    tables = shipped()
    treaties = tables["treaties"]
    ended = [
        "2000-01-26" if treaty_id == "union-charter-1997" else value
        for treaty_id, value in zip(
            treaties["treaty_id"].to_pylist(), treaties["ended"].to_pylist(), strict=True
        )
    ]
    tables["treaties"] = with_dates(treaties, ended=ended)
    rows = treaty_status(dt.date(2000, 6, 1), tables).to_pylist()
    (row,) = [r for r in rows if r["treaty_id"] == "union-charter-1997"]
    assert row["status"] == "not_in_force"
    assert row["reason"] == "ended 2000-01-26, on or before 2000-06-01"


def test_the_eec_treaty_is_not_in_force_on_the_day_it_ended():
    row = status_of("2015-01-01", "eec-treaty-2011")
    assert (row["status"], row["end"]) == ("not_in_force", "2015-01-01")


def test_a_treaty_amended_later_is_in_force_until_the_amendment_at_least():
    # Collective Security Treaty: in force 1994-04-20; amended by the protocol of 1999-04-02.
    assert status_of("1998-01-01", "collective-security-treaty-1992")["status"] == "in_force"
    assert status_of("1999-04-03", "collective-security-treaty-1992")["status"] == "unknown"


def test_a_year_of_entry_into_force_leaves_that_year_unknown():
    row = status_of("1995-06-01", "border-treaty-1995")  # in_force "1995"
    assert row["status"] == "unknown"
    assert "entered into force 1995, which may be after 1995-06-01" in row["reason"]


def test_a_party_that_withdrew_is_judged_with_its_own_step():
    row = status_of("2015-01-01", "deepening-integration-treaty-1996", party="kazakhstan")
    assert row["status"] == "not_in_force"
    assert "withdrawal step of kazakhstan" in row["reason"]
    assert row["party_id"] == "kazakhstan"


def test_a_party_with_a_later_entry_into_force_of_its_own_is_not_yet_bound():
    # EAEU treaty: in force 2015-01-01 overall, for Armenia 2015-01-02.
    assert status_of("2015-01-01", "eaeu-treaty-2014", party="armenia")["status"] == "not_in_force"
    assert status_of("2015-01-01", "eaeu-treaty-2014")["status"] == "unknown"  # no end recorded


def test_without_a_party_there_is_one_row_per_treaty_with_a_status_and_a_reason():
    result = usd.in_force(dt.date(2000, 6, 1))
    assert result.num_rows == usd.table("treaties").num_rows
    assert result["treaty_id"].to_pylist() == usd.table("treaties")["treaty_id"].to_pylist()
    assert set(result["status"].to_pylist()) <= set(STATUSES)
    assert all(result["reason"].to_pylist())
    assert result["party_id"].null_count == result.num_rows
    assert not result.schema.field("status").nullable


def test_with_a_party_the_rows_are_the_treaties_it_signed_or_is_party_to():
    members = usd.table("treaty_parties").to_pylist()
    expected = {
        r["treaty_id"]
        for r in members
        if r["party_id"] == "armenia" and r["role"] in ("party", "signatory")
    }
    assert set(usd.in_force("2020-01-01", party="armenia")["treaty_id"].to_pylist()) == expected


def test_an_unknown_party_or_a_malformed_day_is_refused_naming_it():
    with pytest.raises(usd.Error, match="atlantis"):
        usd.in_force("2000-01-01", party="atlantis")
    for bad in ("2000-6-1", "2000-13", "yesterday", "2000-02-30"):
        with pytest.raises(usd.Error, match="YYYY-MM-DD"):
            usd.in_force(bad)


def test_as_of_gives_treaties_bodies_office_holders_and_parties_with_statuses():
    result = usd.as_of("2000-06-01")
    assert list(result) == ["treaties", "bodies", "office_holders", "parties"]
    assert result["treaties"].equals(usd.in_force("2000-06-01"))
    assert set(result["bodies"]["kind"].to_pylist()) <= {"supranational_union", "union_body"}
    holders = dict(
        zip(
            result["office_holders"]["holder_id"].to_pylist(),
            result["office_holders"]["status"].to_pylist(),
            strict=True,
        )
    )
    assert holders["pavel-borodin-state-secretary-2000"] == "in_office"  # 2000-01-26..2011-11-25
    assert holders["vyacheslav-volodin-pa-chair-2016"] == "not_in_office"
    assert result["parties"].num_rows == usd.table("parties").num_rows


def test_an_office_holder_without_an_end_is_in_office_unless_a_gap_says_the_end_is_unknown():
    holders = usd.as_of("2020-01-01")["office_holders"].to_pylist()
    by_id = {r["holder_id"]: r for r in holders}
    assert by_id["vyacheslav-volodin-pa-chair-2016"]["status"] == "in_office"  # no gap row
    naryshkin = by_id["sergei-naryshkin-pa-chair-2012"]  # end: a gap row
    assert naryshkin["status"] == "unknown"
    assert "gaps table" in naryshkin["reason"]


def test_a_party_that_ended_does_not_exist_after_its_end():
    parties = {r["party_id"]: r for r in usd.as_of("2016-01-01")["parties"].to_pylist()}
    assert parties["eurasec"]["status"] == "not_exists"  # end 2015-01-01
    assert parties["soviet-union"]["status"] == "unknown"  # no dates recorded


# --- properties, on tables built here -------------------------------------------------------


def shipped() -> dict[str, pa.Table]:
    return {name: usd.table(name) for name in TABLES}


def with_dates(treaties: pa.Table, **fields: list[str | None]) -> pa.Table:
    """``treaties`` with the partial-date ``fields`` replaced, bounds recomputed."""
    for field, values in fields.items():
        column = pa.array(values, pa.string())
        derived = column_bounds(column)
        treaties = treaties.set_column(treaties.schema.get_field_index(field), field, column)
        for suffix in ("lower", "upper", "precision"):
            name = f"{field}_{suffix}"
            treaties = treaties.set_column(
                treaties.schema.get_field_index(name), name, derived[suffix]
            )
    return treaties


def one_treaty(signed: str, in_force: str | None, ended: str | None) -> dict[str, pa.Table]:
    """The shipped tables with a single treaty and no steps, relations, members or gaps."""
    tables = {name: rows.slice(0, 0) for name, rows in shipped().items()}
    tables["parties"] = usd.table("parties")
    treaty = usd.table("treaties").slice(0, 1)
    tables["treaties"] = with_dates(treaty, signed=[signed], in_force=[in_force], ended=[ended])
    return tables


def judged(day: dt.date, signed: str, in_force: str | None, ended: str | None) -> str:
    status: str = treaty_status(day, one_treaty(signed, in_force, ended))["status"][0].as_py()
    return status


@st.composite
def partial_dates(draw: st.DrawFn) -> str:
    day = draw(st.dates(dt.date(1990, 1, 1), dt.date(1999, 12, 31)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return {"year": day.strftime("%Y"), "month": day.strftime("%Y-%m"), "day": day.isoformat()}[
        precision
    ]


days = st.dates(dt.date(1989, 6, 1), dt.date(2000, 6, 30))


@given(partial_dates(), st.none() | partial_dates(), st.none() | partial_dates(), days)
def test_a_status_is_never_a_guess_whatever_the_precision_of_the_dates(
    signed: str, in_force: str | None, ended: str | None, day: dt.date
) -> None:
    status = judged(day, signed, in_force, ended)
    sig_lo, sig_hi, _ = bounds(signed)
    if day < sig_hi:  # possibly before the signature: never in force
        assert status != "in_force"
    if status == "in_force":  # every day the dates can mean puts ``day`` inside the span
        assert in_force is not None and ended is not None
        assert bounds(in_force)[1] <= day < bounds(ended)[0]
    none_in = (
        day < sig_lo
        or (in_force is not None and day < bounds(in_force)[0])
        or (ended is not None and bounds(ended)[1] <= day)
    )
    if status == "not_in_force":  # every day they can mean puts it outside
        assert none_in
    if status == "unknown" and in_force is not None and ended is not None:
        # ... and unknown only when the recorded dates really leave both answers open
        all_in = sig_hi <= day and bounds(in_force)[1] <= day < bounds(ended)[0]
        assert not all_in and not none_in


@given(st.dates(dt.date(1990, 1, 1), dt.date(1999, 12, 31)), st.integers(0, 400), days)
def test_exact_ordered_dates_always_decide(signed: dt.date, gap: int, day: dt.date) -> None:
    in_force = signed + dt.timedelta(days=gap)
    ended = in_force + dt.timedelta(days=gap + 1)
    status = judged(day, signed.isoformat(), in_force.isoformat(), ended.isoformat())
    assert status == ("in_force" if in_force <= day < ended else "not_in_force")


@given(st.integers(1991, 1999), st.integers(2, 11))
def test_a_month_of_entry_into_force_is_unknown_exactly_until_its_last_day(year: int, month: int):
    # In force from "YYYY-MM": it may have entered on any day of that month, and certainly had
    # by its last day.
    first = dt.date(year, month, 1)
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    args = (f"{year}-01", f"{year}-{month:02d}", "2010")
    assert judged(first - dt.timedelta(days=1), *args) == "not_in_force"
    assert judged(first, *args) == "unknown"
    assert judged(dt.date(year, month, 10), *args) == "unknown"
    assert judged(last - dt.timedelta(days=1), *args) == "unknown"
    assert judged(last, *args) == "in_force"
    assert judged(last + dt.timedelta(days=1), *args) == "in_force"


@given(st.integers(1991, 1998))
def test_a_year_of_end_is_unknown_exactly_until_its_last_day(year: int) -> None:
    # Ended in "YYYY": the end day is not in force, so on 31 December it has certainly ended.
    args = ("1990-01-01", "1990-06-01", str(year))
    assert judged(dt.date(year - 1, 12, 31), *args) == "in_force"
    assert judged(dt.date(year, 1, 1), *args) == "unknown"
    assert judged(dt.date(year, 12, 30), *args) == "unknown"
    assert judged(dt.date(year, 12, 31), *args) == "not_in_force"


def test_an_entry_into_force_not_recorded_gives_unknown_after_signature_not_before():
    assert judged(dt.date(1995, 1, 1), "1995-05-14", None, None) == "not_in_force"
    assert judged(dt.date(1996, 1, 1), "1995-05-14", None, None) == "unknown"


def test_the_snapshot_of_tables_built_here_judges_the_treaty_it_holds():
    tables = one_treaty("1995-01-06", "1995-11-30", "1999")
    result = snapshot(dt.date(1996, 1, 1), tables)
    assert result["treaties"]["status"].to_pylist() == ["in_force"]


# --- the command line -----------------------------------------------------------------------


def test_as_of_json_prints_every_table_with_the_same_statuses_as_the_library(capsys):
    assert main(["as-of", "2000-06-01", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["date"] == "2000-06-01"
    assert printed["treaties"] == usd.in_force("2000-06-01").to_pylist()
    assert {"bodies", "office_holders", "parties"} <= set(printed)


def test_as_of_csv_prints_one_row_per_row_of_the_snapshot(capsys):
    assert main(["as-of", "2000-06-01", "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    snapshot_rows = usd.as_of("2000-06-01")
    assert len(rows) == sum(t.num_rows for t in snapshot_rows.values())
    (treaty,) = [r for r in rows if r["id"] == "union-state-treaty-1999"]
    assert (treaty["table"], treaty["status"]) == ("treaties", "in_force")


def test_as_of_text_names_each_status_and_reason(capsys):
    assert main(["as-of", "2000-06-01"]) == 0
    out = capsys.readouterr().out
    assert "treaties on 2000-06-01:" in out
    assert "in_force      union-state-treaty-1999: entered into force 2000-01-26" in out


def test_as_of_with_a_malformed_date_fails_with_a_message(capsys):
    assert main(["as-of", "1 June 2000"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_in_force_from_may_1995_is_unknown_on_10_may_and_in_force_on_1_june():
    args = ("1995-01-06", "1995-05", "2000")
    assert judged(dt.date(1995, 5, 10), *args) == "unknown"
    assert judged(dt.date(1995, 6, 1), *args) == "in_force"


def readme_block(title: str) -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(f"### {title}\n") :]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[0]


def test_the_readme_answer_to_what_was_in_force_on_a_date_runs_and_prints_what_it_says():
    code = readme_block("What was in force on a date")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    printed = out.getvalue()
    assert printed.splitlines()[0] == str(
        usd.in_force("2000-06-01").filter(pc.field("status") == "in_force")["treaty_id"].to_pylist()
    )
    for line in code.splitlines():  # the output the README shows as comments is the output
        if line.startswith("# "):
            assert line[2:] in " ".join(printed.split()), line


def test_the_date_is_given_by_keyword_as_the_contract_names_it_or_as_a_date_object():
    expected = usd.in_force("2000-06-01")
    assert usd.in_force(date="2000-06-01").equals(expected)
    assert usd.in_force(dt.date(2000, 6, 1)).equals(expected)
    assert usd.as_of(date=dt.date(2000, 6, 1))["treaties"].equals(expected)


@given(
    days | st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from([None, "russia", "belarus", "kazakhstan", "armenia"]),
)
def test_no_shipped_treaty_is_in_force_before_its_signature_or_entry_into_force_for_anyone(
    day: dt.date, party: str | None
) -> None:
    result = usd.in_force(day, party=party).to_pylist()
    for row in result:
        if row["status"] == "in_force":
            assert bounds(row["signed"])[1] <= day
            assert row["entry_into_force"] is not None
            assert bounds(row["entry_into_force"])[1] <= day
        if row["end"] is not None and bounds(row["end"])[1] <= day:
            assert row["status"] == "not_in_force"


def test_two_recorded_ends_leave_unknown_every_day_either_may_mean():
    # An end "2005" (the treaty's ended) beside an end step on 2005-03-15: the earliest end may
    # be any day from 1 January to 15 March 2005.
    tables = one_treaty("1990-01-01", "1990-06-01", "2005")
    steps = usd.table("treaty_steps")
    step = steps.filter(pc.field("step_id") == steps["step_id"][0].as_py())
    step = step.set_column(1, "treaty_id", tables["treaties"]["treaty_id"])
    step = step.set_column(3, "step", pa.array(["end"]))
    for name, value in (
        ("date", "2005-03-15"),
        ("date_lower", dt.date(2005, 3, 15)),
        ("date_upper", dt.date(2005, 3, 15)),
        ("date_precision", "day"),
    ):
        step = step.set_column(
            step.schema.get_field_index(name), name, pa.array([value], step.schema.field(name).type)
        )
    step = step.set_column(2, "party_id", pa.nulls(1, pa.string()))
    tables["treaty_steps"] = step
    status = treaty_status(dt.date(2005, 2, 1), tables)
    assert status["status"].to_pylist() == ["unknown"]
    assert treaty_status(dt.date(2004, 12, 31), tables)["status"].to_pylist() == ["in_force"]
    assert treaty_status(dt.date(2005, 3, 15), tables)["status"].to_pylist() == ["not_in_force"]
