"""Every rule code has the function that reports it and a test that makes it report.

The consistency and Table Schema faults are injected into generated packages by ``faults.py``
(run by ``test_validator_properties``); the faults of files and descriptors are here, each
applied to a copy of the shipped package.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from strategies import edit_schema

from unionstate_data.problems import REPORTERS, RULES
from unionstate_data.validation.validator import validate

ROOT = Path(__file__).resolve().parents[1]
FAULTS_FILE = Path(__file__).with_name("faults.py")


def copy_package(root: Path) -> Path:
    for folder in ("datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / folder, root / folder)
    return root / "datapackage" / "datapackage.json"


def data(descriptor: Path, table: str) -> Path:
    return descriptor.parent / "data" / f"{table}.csv"


def append(path: Path, text: bytes) -> None:
    with path.open("ab") as file:
        file.write(text)


def rename_header_column(path: Path, old: str, new: str) -> None:
    head, _, rest = path.read_bytes().partition(b"\n")
    columns = head.decode().split(",")
    columns[columns.index(old)] = new
    path.write_bytes(",".join(columns).encode() + b"\n" + rest)


#: A fault of a file or the descriptor, and the code it must cause.
FILE_FAULTS: dict[str, Callable[[Path], None]] = {
    "descriptor-error": lambda d: d.write_text("{", encoding="utf-8"),
    "schema-error": lambda d: edit_schema(d, "events", lambda schema: {"fields": "none"}),
    "file-missing": lambda d: data(d, "clause_themes").unlink(),
    "encoding-error": lambda d: append(data(d, "clause_themes"), b"caf\xe9,sovereignty\n"),
    "ragged-row": lambda d: append(data(d, "clause_themes"), b"one-cell-only\n"),
    "blank-row": lambda d: append(data(d, "clause_themes"), b",\n"),
    "missing-column": lambda d: rename_header_column(data(d, "clause_themes"), "theme", "topic"),
    "extra-column": lambda d: rename_header_column(data(d, "clause_themes"), "theme", "topic"),
    "duplicate-column": lambda d: rename_header_column(
        data(d, "clause_themes"), "theme", "clause_id"
    ),
    "parse-error": lambda d: data(d, "clause_themes").write_bytes(b""),
    "unsafe-path": lambda d: d.write_text(
        d.read_text(encoding="utf-8").replace('"data/clause_themes.csv"', '"/etc/passwd"'),
        encoding="utf-8",
    ),
    "limit-exceeded": lambda d: data(d, "clause_themes").write_text("x" * (65 << 10) + "\n"),
}

#: Codes a fault here cannot cause, with the test elsewhere that does (each must exist).
CAUSED_ELSEWHERE = {
    # Root reads any file: the test drops to an unprivileged effective user.
    "file-unreadable": (
        "test_hostile_validate.py",
        "test_an_unreadable_file_is_one_problem_naming_it",
    ),
}


@pytest.mark.parametrize("code", sorted(FILE_FAULTS))
def test_a_fault_of_a_file_is_reported_with_its_code(code: str, tmp_path: Path) -> None:
    descriptor = copy_package(tmp_path)
    FILE_FAULTS[code](descriptor)
    report = validate(descriptor)
    assert code in report.codes(), [p.line() for p in report.problems]


def codes_the_injected_faults_cause() -> set[str]:
    """The codes ``faults.py`` returns: the first item of every returned tuple of strings."""
    found = set()
    for node in ast.walk(ast.parse(FAULTS_FILE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            first = node.value.elts[0] if node.value.elts else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def test_every_rule_code_has_a_function_that_reports_it() -> None:
    assert set(REPORTERS) == set(RULES)  # validate imported every reporter above


def test_every_rule_code_is_caused_by_a_test() -> None:
    injected = codes_the_injected_faults_cause()
    assert injected <= set(RULES)
    assert len(injected) >= 20  # the faults were read
    assert set(RULES) - injected - set(FILE_FAULTS) - set(CAUSED_ELSEWHERE) == set()


@pytest.mark.parametrize("code", sorted(CAUSED_ELSEWHERE))
def test_the_tests_that_cause_the_other_codes_exist_and_name_them(code: str) -> None:
    module, test = CAUSED_ELSEWHERE[code]
    text = (FAULTS_FILE.parent / module).read_text(encoding="utf-8")
    assert f"def {test}(" in text and f'"{code}"' in text


def test_the_file_faults_name_only_known_codes() -> None:
    assert set(FILE_FAULTS) <= set(RULES)
