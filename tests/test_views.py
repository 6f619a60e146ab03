"""Tidy views (``unionstate_data.queries.views``): row counts equal the joins (done here with
Arrow's own join as an independent oracle), required columns are non-nullable, and ``frame``
gives pandas and Polars frames with real date types."""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

import unionstate_data as usd
from unionstate_data.model.tables import MODELS
from unionstate_data.queries.views import VIEWS

# view -> (link table, the tables it joins, on which key)
JOINS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "events_with_parties": (
        "event_participants",
        [("events", "event_id"), ("parties", "party_id")],
    ),
    "treaties_with_parties": (
        "treaty_parties",
        [("treaties", "treaty_id"), ("parties", "party_id")],
    ),
    "treaties_with_steps": ("treaty_steps", [("treaties", "treaty_id")]),
    "clauses_with_themes": ("clause_themes", [("clauses", "clause_id")]),
}


def arrow_join(link: str, joins: list[tuple[str, str]]) -> pa.Table:
    rows = usd.table(link).select(list(usd.table(link).column_names[:3]))
    for name, key in joins:
        other = usd.table(name).select([key])
        rows = rows.join(other, key, join_type="inner")
    return rows


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_view_has_one_row_per_row_of_its_link_table_as_the_inner_join_gives(name: str):
    link, joins = JOINS[name]
    view = VIEWS[name]()
    assert view.num_rows == usd.table(link).num_rows == arrow_join(link, joins).num_rows


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_is_public_and_its_required_columns_are_non_nullable(name: str):
    view = getattr(usd, name)()
    link, _ = JOINS[name]
    (model,) = [m for m in MODELS if m.resource == link]
    required = {f for f, info in model.model_fields.items() if info.is_required()}
    assert required & set(view.column_names)
    for field in view.schema:
        if field.name in required:
            assert not field.nullable, field.name
        if not field.nullable:
            assert view[field.name].null_count == 0, field.name


def test_events_with_parties_carries_each_party_name_and_event_kind():
    view = usd.events_with_parties()
    names = dict(
        zip(
            usd.table("parties")["party_id"].to_pylist(),
            usd.table("parties")["name_en"].to_pylist(),
            strict=True,
        )
    )
    assert [names[p] for p in view["party_id"].to_pylist()] == view["party_name_en"].to_pylist()
    assert not view.schema.field("date_lower").nullable
    assert view.schema.field("end_date").nullable
    assert set(view["event_kind"].to_pylist()) <= set(usd.table("events")["kind"].to_pylist())


def test_treaties_with_steps_names_the_party_of_a_party_step_and_none_for_the_whole():
    rows = {r["step_id"]: r for r in usd.treaties_with_steps().to_pylist()}
    kazakh = rows["deepening-integration-treaty-1996-kazakhstan-withdrawal"]
    assert (kazakh["party_id"], kazakh["step"], kazakh["date"]) == (
        "kazakhstan",
        "withdrawal",
        "2014-12-24",
    )
    assert kazakh["party_name_en"]
    overall = rows["union-state-treaty-1999-overall-entry-into-force"]
    assert (overall["party_id"], overall["party_name_en"]) == (None, None)


def test_clauses_with_themes_lists_the_sovereignty_clauses_with_their_treaty():
    view = usd.clauses_with_themes()
    themes = usd.table("clause_themes")
    expected = sum(1 for t in themes["theme"].to_pylist() if t == "sovereignty")
    sovereignty = [r for r in view.to_pylist() if r["theme"] == "sovereignty"]
    assert len(sovereignty) == expected > 0
    assert all(r["text"] and r["treaty_name_en"] for r in sovereignty)


@pytest.mark.parametrize("name", ["treaties", "events_with_parties", "treaties_with_parties"])
def test_a_pandas_frame_has_datetime_bounds_not_objects(name: str):
    pytest.importorskip("pandas")
    df = usd.frame(name)
    bounds = [c for c in df.columns if c.endswith(("_lower", "_upper"))]
    assert bounds
    for column in bounds:
        assert str(df[column].dtype).startswith("datetime64"), column


def test_a_polars_frame_has_date_bounds():
    polars = pytest.importorskip("polars")
    df = usd.frame("clauses_with_themes", kind="polars")
    assert df.height == usd.table("clause_themes").num_rows
    assert usd.frame("events_with_parties", kind="polars").schema["date_lower"] == polars.Date


def test_frame_refuses_an_unknown_name_or_kind_naming_them():
    with pytest.raises(usd.Error, match="no_such_view"):
        usd.frame("no_such_view")
    with pytest.raises(usd.Error, match="spark"):
        usd.frame("treaties", kind="spark")


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_frame_says_how_to_install_a_missing_library(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, kind, None)  # import fails as if not installed
    with pytest.raises(usd.Error, match=rf"pip install 'unionstate-data\[{kind}\]'"):
        usd.frame("treaties", kind=kind)


def test_every_view_of_the_registry_is_in_the_public_api():
    views: dict[str, Callable[..., pa.Table]] = VIEWS
    assert set(views) <= set(usd.__all__)


def test_the_readme_answer_to_which_events_involved_a_party_runs():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Which events involved a party\n") :]
    code = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    expected = sum(p == "belarus" for p in usd.table("event_participants")["party_id"].to_pylist())
    assert out.getvalue().splitlines()[0].startswith(f"{expected} ")
