"""The ``unionstate-data`` command: exit codes, the text and JSON reports, and bad input.

End-to-end checks run the real command (``python -m unionstate_data.cli``) in a subprocess. The
many bad-input cases call ``unionstate_data.cli.main`` in-process to stay fast: an exception
escaping ``main`` (what would be a traceback on the command line) fails the test, and ``main``
must return 1. Every broken package is a copy of the shipped layout (datapackage/, schemas/,
seeds/) in ``tmp_path`` with exactly one thing broken.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from strategies import edit_schema

from unionstate_data.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DESCRIPTOR = ROOT / "datapackage" / "datapackage.json"
LAYOUT = ("datapackage", "schemas", "seeds")
TEXT_HEADER = "code\tresource:row:field\tmessage"
PROBLEM_KEYS = {"code", "resource", "row", "field", "message"}


# --- helpers -----------------------------------------------------------------------------------


def run_command(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real command in a fresh interpreter, run from outside the checkout's folder."""
    return subprocess.run(
        [sys.executable, "-m", "unionstate_data.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT.parent,
        timeout=120,
        check=False,
    )


def call_main(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``main`` in-process: (exit code, stdout, stderr). Exceptions propagate and fail the test."""
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def problem_lines(out: str) -> list[tuple[str, str, str]]:
    """(code, resource:row:field, message) of every problem in the text report."""
    lines = out.splitlines()
    assert lines[0] == TEXT_HEADER, out
    return [tuple(line.split("\t", 2)) for line in lines[1:]]  # type: ignore[misc]


def problems_with(out: str, code: str) -> list[tuple[str, str, str]]:
    found = [p for p in problem_lines(out) if p[0] == code]
    assert found, f"no {code} problem in:\n{out}"
    return found


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def shipped_row_counts() -> dict[str, int]:
    """Data rows of every resource of the checkout's descriptor, counted with the csv module."""
    descriptor = json.loads(SHIPPED_DESCRIPTOR.read_text(encoding="utf-8"))
    return {
        r["name"]: len(read_rows(SHIPPED_DESCRIPTOR.parent / r["path"])) - 1
        for r in descriptor["resources"]
    }


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the shipped package layout; returns its datapackage.json."""
    for folder in LAYOUT:
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path / "datapackage" / "datapackage.json"


def data_file(descriptor: Path, resource: str) -> Path:
    return descriptor.parent / "data" / f"{resource}.csv"


# --- the shipped package -----------------------------------------------------------------------


def test_the_shipped_package_validates_with_exit_code_0_and_says_valid() -> None:
    result = run_command("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")
    assert str(SHIPPED_DESCRIPTOR) in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_json_report_of_the_shipped_package_is_valid_with_row_counts_for_every_table() -> None:
    result = run_command("validate", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["problems"] == []
    assert report["problem_count"] == 0
    assert report["row_counts"] == shipped_row_counts()


def test_a_copy_of_the_shipped_package_validates_when_named_by_path(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 0, out
    assert out.startswith(f"valid: {package} (")


# --- a broken package --------------------------------------------------------------------------


def test_a_broken_package_fails_through_the_real_command_without_a_traceback(package: Path) -> None:
    package.write_text("{not json", encoding="utf-8")
    result = run_command("validate", package)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    [(code, where, message)] = problem_lines(result.stdout)
    assert (code, where) == ("descriptor-error", "-")
    assert str(package) in message
    assert result.stderr.strip() == f"invalid: {package}: 1 problem(s)"


def test_a_descriptor_that_is_not_json_is_a_descriptor_error_naming_the_file(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package.write_text('{"resources": [', encoding="utf-8")
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(rule, _, message)] = problem_lines(out)
    assert rule == "descriptor-error"
    assert str(package) in message
    assert "not valid JSON at line 1" in message


def test_a_descriptor_path_that_does_not_exist_is_a_descriptor_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "datapackage.json"
    code, out, _ = call_main(capsys, "validate", missing)
    assert code == 1
    [(rule, _, message)] = problem_lines(out)
    assert rule == "descriptor-error"
    assert str(missing) in message
    assert "no such file" in message


def test_a_folder_with_no_package_is_a_descriptor_error_asking_for_the_file(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = package.parent / "data"
    code, out, _ = call_main(capsys, "validate", folder)
    assert code == 1
    [(rule, _, message)] = problem_lines(out)
    assert rule == "descriptor-error"
    assert str(folder) in message
    assert "a folder" in message
    assert "datapackage.json" in message


def test_a_missing_csv_is_file_missing_naming_the_file(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "treaties")
    csv_path.unlink()
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "file-missing")
    assert where == "treaties"
    assert str(csv_path) in message


def test_a_ragged_row_is_reported_with_its_row_number_counting_the_header_as_row_1(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "parties")
    rows = read_rows(csv_path)
    rows[2].append("one cell too many")  # the second data row: row 3
    write_rows(csv_path, rows)
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "ragged-row")
    assert where == "parties:3"
    assert f"expected {len(rows[0])} cells as in the header, got {len(rows[0]) + 1}" in message


def test_bytes_that_are_not_utf8_are_an_encoding_error_naming_the_file_and_row(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "parties")
    header, first, rest = csv_path.read_bytes().split(b"\n", 2)
    csv_path.write_bytes(b"\n".join([header, first.replace(b",", b",\xff", 1), rest]))
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "encoding-error")
    assert where == "parties:2"  # the first data row
    assert str(csv_path) in message
    assert "ff" in message


def test_an_unknown_column_in_a_csv_header_is_an_extra_column_naming_it(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "parties")
    rows = read_rows(csv_path)
    write_rows(csv_path, [[*rows[0], "nickname"], *([*row, ""] for row in rows[1:])])
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "extra-column")
    assert where == "parties:1:nickname"
    assert "'nickname' is not in the schema" in message


def test_a_column_missing_from_a_csv_is_a_missing_column_naming_it(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "parties")
    rows = read_rows(csv_path)
    gone = rows[0].index("name_ru")
    write_rows(csv_path, [row[:gone] + row[gone + 1 :] for row in rows])
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "missing-column")
    assert where == "parties:1:name_ru"
    assert "'name_ru'" in message


def test_a_missing_schema_file_is_file_missing_naming_the_schema(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_schema(package, "treaties", lambda schema: "../schemas/treaties.json")
    (package.parents[1] / "schemas" / "treaties.json").unlink()
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "file-missing")
    assert where == "treaties"
    assert "treaties.json" in message
    assert "does not exist" in message


def test_a_column_named_twice_in_a_csv_header_is_reported_not_raised(
    package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = data_file(package, "treaties")
    rows = read_rows(csv_path)
    write_rows(csv_path, [[*row, row[0]] for row in rows])  # treaty_id twice
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    [(_, where, message)] = problems_with(out, "duplicate-column")
    assert where == "treaties:1:treaty_id"
    assert "treaties.csv" in message


def _every_column() -> list[Any]:
    """(resource, column) for every column of every shipped CSV."""
    return [
        pytest.param(name, column, id=f"{name}.{column}")
        for name in shipped_row_counts()
        for column in read_rows(SHIPPED_DESCRIPTOR.parent / "data" / f"{name}.csv")[0]
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("resource", "column"), _every_column())
def test_any_one_column_missing_is_a_missing_column_problem_and_never_an_exception(
    package: Path, capsys: pytest.CaptureFixture[str], resource: str, column: str
) -> None:
    csv_path = data_file(package, resource)
    rows = read_rows(csv_path)
    gone = rows[0].index(column)
    write_rows(csv_path, [row[:gone] + row[gone + 1 :] for row in rows])
    code, out, _ = call_main(capsys, "validate", package)
    assert code == 1
    assert ("missing-column", f"{resource}:1:{column}") in [p[:2] for p in problem_lines(out)]


def test_the_json_report_of_a_broken_package_lists_each_problem_with_its_location(
    package: Path,
) -> None:
    csv_path = data_file(package, "parties")
    rows = read_rows(csv_path)
    rows[2].append("one cell too many")
    write_rows(csv_path, rows)
    result = run_command("validate", "--json", package)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert report["problem_count"] == len(report["problems"])
    assert all(set(problem) == PROBLEM_KEYS for problem in report["problems"])
    ragged = [p for p in report["problems"] if p["code"] == "ragged-row"]
    assert [(p["resource"], p["row"], p["field"]) for p in ragged] == [("parties", 3, None)]
    assert "got" in ragged[0]["message"]


# --- info, schema, usage -----------------------------------------------------------------------


def test_info_prints_the_version_and_every_table_with_its_row_count() -> None:
    result = run_command("info")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"unionstate-data {version('unionstate-data')}"
    assert lines[1] == f"data: {SHIPPED_DESCRIPTOR}"
    tables = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert tables == {name: [str(n), "rows"] for name, n in shipped_row_counts().items()}


def test_info_json_gives_the_version_data_location_and_row_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = call_main(capsys, "info", "--json")
    assert code == 0
    assert json.loads(out) == {
        "version": version("unionstate-data"),
        "descriptor": str(SHIPPED_DESCRIPTOR),
        "tables": shipped_row_counts(),
    }


def test_schema_check_finds_no_drift_in_the_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call_main(capsys, "schema", "--check")
    assert err == ""
    assert code == 0


def test_an_unknown_subcommand_is_a_usage_error_with_exit_code_2() -> None:
    result = run_command("frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


# --- validate takes what users have at hand ---------------------------------------------------


def test_a_release_zip_a_release_folder_and_a_checkout_folder_validate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    release = ROOT / "releases" / "v0.2.0"
    for given in (release / "unionstate-data-0.2.0-csv.zip", release, ROOT, ROOT / "datapackage"):
        code, out, err = call_main(capsys, "validate", given)
        assert (code, err) == (0, ""), given
        assert out.startswith(f"valid: {given}"), out


def test_a_release_zip_with_a_problem_reports_it_and_names_the_zip(
    package: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    (package.parent / "data" / "clause_themes.csv").unlink()
    root = package.parents[1]
    files = sorted(path for path in root.rglob("*") if path.is_file())
    archive = tmp_path / "zips" / "unionstate-data-9.9.9-csv.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as out:
        for path in files:
            out.write(path, f"unionstate-data-9.9.9/{path.relative_to(root).as_posix()}")
    code, out, err = call_main(capsys, "validate", archive)
    assert code == 1
    assert [rule for rule, _, _ in problem_lines(out)] == ["file-missing"]
    assert f"invalid: {archive} (unionstate-data-9.9.9/datapackage/datapackage.json inside)" in err


def test_a_parquet_release_is_refused_by_validate_naming_the_csv_release_to_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    archive = tmp_path / "unionstate-data-0.2.0-parquet.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("unionstate-data-0.2.0/treaties.parquet", b"PAR1")
    code, _, err = call_main(capsys, "validate", archive)
    assert code == 1
    assert "is a Parquet release of 0.2.0" in err
    assert "unionstate-data validate 0.2.0" in err


# --- every command a message suggests exists --------------------------------------------------

#: Placeholders in suggested commands, and a value of the right shape for each.
_PLACEHOLDERS = {"{version}": "0.1.0", "{path}": "x.zip", "HEX": "0" * 64, "VERSION": "0.1.0"}


def _suggested_commands() -> list[str]:
    """Every `unionstate-data ...` that the package's messages and docstrings tell people to run."""
    import re

    found = set()
    for path in sorted((ROOT / "unionstate_data").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"`?unionstate-data ((?:[a-z]+)(?: [^\s`\"'()]+)*)", text))
    commands = {"validate", "info", "build", "cite", "diff", "fetch", "cache", "schema"}
    return sorted(c for c in found if c.split()[0] in commands)


def test_the_messages_suggest_commands_at_all() -> None:
    suggested = _suggested_commands()
    assert "fetch {version} --sha256 HEX" in suggested
    assert "schema --write" in suggested


@pytest.mark.parametrize("command", _suggested_commands())
def test_every_command_a_message_suggests_is_one_the_program_accepts(command: str) -> None:
    from unionstate_data.cli import _parser

    words = command.split()
    for placeholder, value in _PLACEHOLDERS.items():
        words = [w.replace(placeholder, value) for w in words]
    if words[0] == "diff" and len(words) == 1:
        words += ["0.1.0", "0.2.0"]
    _parser().parse_args(words)  # argparse exits with status 2 on an unknown command or option
