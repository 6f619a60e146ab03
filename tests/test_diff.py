"""Differences between versions: rows by primary key, schema changes, and the bump they need."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from strategies import edit_schema

from unionstate_data.cli import main
from unionstate_data.releases.diff import bump_between, diff_packages

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def old(tmp_path: Path) -> Path:
    for folder in ("datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / "old" / folder)
    return tmp_path / "old" / "datapackage" / "datapackage.json"


@pytest.fixture
def new(old: Path, tmp_path: Path) -> Path:
    shutil.copytree(old.parents[1], tmp_path / "new")
    return tmp_path / "new" / "datapackage" / "datapackage.json"


def _edit(descriptor: Path, table: str, edit) -> None:  # type: ignore[no-untyped-def]
    path = descriptor.parent / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows = edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def test_identical_packages_need_no_bump(old: Path, new: Path) -> None:
    result = diff_packages(old, new)
    assert result.bump == "none"
    assert result.to_dict()["tables"] == {}


def test_an_added_row_needs_a_minor_bump(old: Path, new: Path) -> None:
    _edit(
        new,
        "clause_themes",
        lambda rows: [*rows, ["union-state-treaty-1999-independence", "sovereignty"]],
    )
    result = diff_packages(old, new)
    assert result.tables["clause_themes"].added == [
        "union-state-treaty-1999-independence/sovereignty"
    ]
    assert result.bump == "minor"


def test_a_removed_row_withdraws_an_id_and_needs_a_major_bump(old: Path, new: Path) -> None:
    _edit(new, "clause_themes", lambda rows: rows[:-1])
    result = diff_packages(old, new)
    assert len(result.tables["clause_themes"].removed) == 1
    assert result.bump == "major"


def test_a_changed_value_is_reported_old_to_new_and_needs_a_patch(old: Path, new: Path) -> None:
    def rename(rows: list[list[str]]) -> list[list[str]]:
        name = rows[0].index("name_en")
        rows[1][name] = "Renamed"
        return rows

    _edit(new, "parties", rename)
    result = diff_packages(old, new)
    [(_, fields)] = result.tables["parties"].changed.items()
    assert fields["name_en"][1] == "Renamed"
    assert result.bump == "patch"
    assert any("name_en" in line and "-> 'Renamed'" in line for line in result.lines())


def test_a_removed_column_is_a_breaking_schema_change(old: Path, new: Path) -> None:
    def drop_article(schema: dict[str, Any]) -> None:
        schema["fields"] = [f for f in schema["fields"] if f["name"] != "article"]

    edit_schema(new, "clauses", drop_article)
    _edit(new, "clauses", lambda rows: [r[:2] + r[3:] for r in rows])
    result = diff_packages(old, new)
    assert result.tables["clauses"].schema == ["column article removed"]
    assert result.bump == "major"


def test_a_release_zip_compares_with_a_descriptor(old: Path) -> None:
    release = ROOT / "releases" / "v0.1.0"
    result = diff_packages(release / "unionstate-data-0.1.0-csv.zip", release)
    assert result.old_version == result.new_version == "0.1.0"
    assert result.bump == "none"


def test_the_cli_reports_json_and_refuses_a_missing_path(
    old: Path, new: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", str(old), str(new), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bump"] == "none"
    assert main(["diff", str(old), str(tmp_path / "nowhere")]) == 1
    assert "diff:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("0.1.0", "0.1.0", "none"),
        ("0.1.0", "0.1.1", "patch"),
        ("0.1.3", "0.2.0", "minor"),
        ("0.9.0", "1.0.0", "major"),
    ],
)
def test_the_bump_between_two_versions(old: str, new: str, bump: str) -> None:
    assert bump_between(old, new) == bump


def test_every_schema_change_is_listed_the_same_under_any_hash_seed(old: Path, new: Path) -> None:
    # Descriptions of three columns change, and one column's type and enum: all five are
    # listed, in one order, whatever PYTHONHASHSEED is (the list once kept only the first change
    # of a table, and which one depended on the seed).
    import os
    import subprocess
    import sys

    def reword(schema: dict[str, Any]) -> None:
        for field in schema["fields"]:
            if field["name"] in ("title", "description", "locator"):
                field["description"] += " (reworded)"
            if field["name"] == "kind":  # an enum applies to strings only: it goes
                field["type"], field["constraints"] = "integer", {"required": True}

    edit_schema(new, "events", reword)
    outputs = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        run = subprocess.run(
            [sys.executable, "-m", "unionstate_data.cli", "diff", str(old), str(new), "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    changes = json.loads(outputs.pop())["tables"]["events"]["schema"]
    assert changes == [
        "column description definition changed",
        "column kind no longer allows ['agreement', 'dissolution', 'election', 'entry_into_force', "
        "'founding', 'military', 'other', 'ratification', 'referendum', 'signing', 'summit']",
        "column kind type string -> integer",
        "column locator definition changed",
        "column title definition changed",
    ]


def test_the_report_says_in_words_when_no_bump_is_needed(old: Path, new: Path) -> None:
    lines = diff_packages(old, new).lines()
    assert "no change that needs a version bump" in lines[0]
    assert "none" not in lines[0]
