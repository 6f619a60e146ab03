"""``unionstate-data validate`` against hostile packages: what a pull request could contain.

Each case builds a small package (or a copy of the shipped one), runs the command in a
subprocess bounded in time, and checks the exit code, the problem code, that no traceback is
printed, that the output stays small, and that nothing outside the package leaks into it.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from strategies import edit_schema

from unionstate_data.validation.tuning import LIMITS, Limits
from unionstate_data.validation.validator import validate as api_validate

ROOT = Path(__file__).resolve().parents[1]
#: Every case finishes within this many seconds (a quadratic or unbounded read would not).
DEADLINE = 30.0
#: No case prints more than this (a leaked file or a problem per line of one would).
OUTPUT_CAP = 64 << 10
#: A value put in the environment of each run: it must never appear in the output.
SECRET = "hostile-test-secret-7f3a9c"
NOBODY = 65534


@dataclass
class Package:
    """A small package: ``datapackage/`` with one or two resources, ``schemas/``, ``seeds/``."""

    root: Path

    @property
    def descriptor(self) -> Path:
        return self.root / "datapackage" / "datapackage.json"

    def read(self) -> dict:
        return json.loads(self.descriptor.read_text(encoding="utf-8"))

    def write(self, descriptor: dict) -> None:
        self.descriptor.write_text(json.dumps(descriptor), encoding="utf-8")

    def resource(self, **changes: object) -> None:
        descriptor = self.read()
        descriptor["resources"][0].update(changes)
        self.write(descriptor)

    def schema(self, name: str = "things") -> Path:
        return self.root / "schemas" / f"{name}.json"

    def edit_schema(self, change: Callable[[dict], None], name: str = "things") -> None:
        schema = json.loads(self.schema(name).read_text(encoding="utf-8"))
        change(schema)
        self.schema(name).write_text(json.dumps(schema), encoding="utf-8")

    def csv(self, name: str = "things") -> Path:
        return self.root / "datapackage" / "data" / f"{name}.csv"


THINGS = {
    "fields": [
        {"name": "thing_id", "type": "string", "constraints": {"required": True}},
        {"name": "count", "type": "integer"},
        {"name": "label", "type": "string"},
    ],
    "primaryKey": ["thing_id"],
    "missingValues": [""],
}
STORED = "stored text\n"
SOURCES = {
    "fields": [
        {"name": "source_id", "type": "string", "constraints": {"required": True}},
        {"name": "seed_path", "type": "string"},
        {"name": "sha256", "type": "string"},
    ],
    "primaryKey": ["source_id"],
}


def make_package(root: Path) -> Package:
    package = Package(root)
    for folder in ("datapackage/data", "schemas", "seeds"):
        (root / folder).mkdir(parents=True)
    package.schema().write_text(json.dumps(THINGS), encoding="utf-8")
    package.schema("sources").write_text(json.dumps(SOURCES), encoding="utf-8")
    package.csv().write_text("thing_id,count,label\na,1,one\nb,2,two\n", encoding="utf-8")
    (root / "seeds" / "a.txt").write_text(STORED, encoding="utf-8")
    digest = hashlib.sha256(STORED.encode()).hexdigest()
    package.csv("sources").write_text(
        f"source_id,seed_path,sha256\ns,../seeds/a.txt,{digest}\n", encoding="utf-8"
    )
    package.write(
        {
            "name": "hostile",
            "resources": [
                {"name": "things", "path": "data/things.csv", "schema": "../schemas/things.json"},
                {
                    "name": "sources",
                    "path": "data/sources.csv",
                    "schema": "../schemas/sources.json",
                },
            ],
        }
    )
    return package


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def validate(target: Path, *extra: str, as_nobody: bool = False) -> Run:
    env = {**os.environ, "UNIONSTATE_TEST_SECRET": SECRET}
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "unionstate_data.cli", "validate", str(target), *extra],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        env=env,
        cwd=ROOT,
        preexec_fn=(lambda: os.setuid(NOBODY)) if as_nobody else None,
    )
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def assert_refused(run: Run, code: str, *, exit_code: int = 1) -> None:
    assert run.code == exit_code, run.output[-2000:]
    assert "Traceback" not in run.output, run.output[-4000:]
    assert len(run.output) < OUTPUT_CAP, f"{len(run.output)} characters of output"
    assert SECRET not in run.output
    assert "root:x:0" not in run.output  # /etc/passwd
    assert f"\n{code}\t" in "\n" + run.stdout, run.output[-2000:]


def link_out(path: Path, target: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


#: A hostile change to the small package, and the problem code it must give.
CASES: dict[str, tuple[Callable[[Package], None], str]] = {
    # 1. Paths confined to the package
    "resource path absolute": (lambda p: p.resource(path="/etc/passwd"), "unsafe-path"),
    "resource path escapes with ..": (
        lambda p: p.resource(path="../../../../../../etc/passwd"),
        "unsafe-path",
    ),
    "resource path is the process environment": (
        lambda p: p.resource(path="/proc/self/environ"),
        "unsafe-path",
    ),
    "resource path is a URL": (
        lambda p: p.resource(path="https://127.0.0.1:9/things.csv"),
        "unsafe-path",
    ),
    "resource path is a file URL": (
        lambda p: p.resource(path="file:///etc/passwd"),
        "unsafe-path",
    ),
    "resource path is a symlink out": (
        lambda p: link_out(p.csv(), Path("/etc/passwd")),
        "unsafe-path",
    ),
    "data folder is a symlink out": (
        lambda p: (shutil.rmtree(p.csv().parent), p.csv().parent.symlink_to("/etc")),
        "unsafe-path",
    ),
    "resource path in schemas/ (outside the descriptor's folder)": (
        lambda p: p.resource(path="../schemas/things.json"),
        "unsafe-path",
    ),
    "schema path absolute": (lambda p: p.resource(schema="/etc/passwd"), "unsafe-path"),
    "schema path escapes with ..": (
        lambda p: p.resource(schema="../../../../../etc/passwd"),
        "unsafe-path",
    ),
    "schema path is a symlink out": (
        lambda p: link_out(p.schema(), Path("/etc/passwd")),
        "unsafe-path",
    ),
    "inline schema with a failing pattern over an outside file": (
        lambda p: p.resource(
            path="/etc/passwd",
            schema={"fields": [{"name": "x", "constraints": {"pattern": "^$"}}]},
        ),
        "unsafe-path",
    ),
    "seed_path escapes seeds/": (
        lambda p: p.csv("sources").write_text(
            "source_id,seed_path,sha256\ns,../../../../etc/passwd," + "ab" * 32 + "\n"
        ),
        "unsafe-path",
    ),
    "seed_path into the descriptor's folder": (
        lambda p: p.csv("sources").write_text(
            "source_id,seed_path,sha256\ns,../seeds/../datapackage/datapackage.json,"
            + "ab" * 32
            + "\n"
        ),
        "unsafe-path",
    ),
    "seed is a symlink out": (
        lambda p: link_out(p.root / "seeds" / "a.txt", Path("/etc/passwd")),
        "unsafe-path",
    ),
    "data file is a named pipe": (
        lambda p: (p.csv().unlink(), os.mkfifo(p.csv())),
        "file-unreadable",
    ),
    "schema is a named pipe": (
        lambda p: (p.schema().unlink(), os.mkfifo(p.schema())),
        "file-unreadable",
    ),
    "resource path of 5,000 characters": (
        lambda p: p.resource(path="data/" + "x" * 5_000 + ".csv"),
        "file-unreadable",
    ),
    # 2. Work bounded by the input's size
    "header of 100,000 columns": (
        lambda p: p.csv().write_text(",".join(f"c{i}" for i in range(100_000)) + "\n"),
        "limit-exceeded",
    ),
    "30 MB with no line break": (
        lambda p: p.csv().write_bytes(b"x" * (30 << 20)),
        "limit-exceeded",
    ),
    "header cell of 200 KiB": (
        lambda p: p.csv().write_text("thing_id,count," + "l" * (200 << 10) + "\na,1,x\n"),
        "limit-exceeded",
    ),
    "descriptor nested 100,000 deep": (
        lambda p: p.descriptor.write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        "descriptor-error",
    ),
    "descriptor of 20 MiB": (
        lambda p: p.descriptor.write_text(
            json.dumps({**p.read(), "padding": "x" * (20 << 20)}), encoding="utf-8"
        ),
        "limit-exceeded",
    ),
    "schema of 100,000 fields": (
        lambda p: p.edit_schema(
            lambda s: s.update(fields=[{"name": f"f{i}"} for i in range(100_000)])
        ),
        "schema-error",
    ),
    # 3. Schema errors, reported as Frictionless reports them
    "field type frobnicate": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(type="frobnicate")),
        "schema-error",
    ),
    "type number on a text column": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(type="number")),
        "type-error",
    ),
    "foreign key to a resource that does not exist": (
        lambda p: p.edit_schema(
            lambda s: s.update(
                foreignKeys=[
                    {"fields": "label", "reference": {"resource": "nowhere", "fields": "id"}}
                ]
            )
        ),
        "schema-error",
    ),
    "foreign key from a field that does not exist": (
        lambda p: p.edit_schema(
            lambda s: s.update(
                foreignKeys=[
                    {"fields": "ghost", "reference": {"resource": "sources", "fields": "source_id"}}
                ]
            )
        ),
        "schema-error",
    ),
    "foreign key to a field that does not exist": (
        lambda p: p.edit_schema(
            lambda s: s.update(
                foreignKeys=[
                    {"fields": "label", "reference": {"resource": "sources", "fields": "ghost"}}
                ]
            )
        ),
        "schema-error",
    ),
    "primary key naming a field that does not exist": (
        lambda p: p.edit_schema(lambda s: s.update(primaryKey=["ghost"])),
        "schema-error",
    ),
    "two resources with one name": (
        lambda p: p.write({"resources": [p.read()["resources"][0]] * 2}),
        "descriptor-error",
    ),
    "an empty resources list": (lambda p: p.write({"resources": []}), "descriptor-error"),
    "an invalid regex pattern": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(constraints={"pattern": "(["})),
        "schema-error",
    ),
    "enum values that are not strings": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(constraints={"enum": [1, 2]})),
        "schema-error",
    ),
    "constraints that is not an object": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(constraints="yes")),
        "schema-error",
    ),
    "a constraint the validator does not check": (
        lambda p: p.edit_schema(lambda s: s["fields"][2].update(constraints={"maxLength": 1})),
        "schema-error",
    ),
    "missing values other than the empty cell": (
        lambda p: p.edit_schema(lambda s: s.update(missingValues=["NA"])),
        "schema-error",
    ),
    "a field name twice": (
        lambda p: p.edit_schema(lambda s: s["fields"].append({"name": "label"})),
        "schema-error",
    ),
    "a schema that is not an object": (
        lambda p: p.schema().write_text("[1, 2]"),
        "schema-error",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_package_is_refused_with_its_code_in_bounded_time(
    case: str, tmp_path: Path
) -> None:
    package = make_package(tmp_path)
    change, code = CASES[case]
    change(package)
    run = validate(package.descriptor)
    assert_refused(run, code)


def test_a_valid_small_package_is_valid(tmp_path: Path) -> None:
    """The cases above start from a valid package: each problem is the change's own."""
    run = validate(make_package(tmp_path).descriptor)
    assert run.code == 0, run.output


def test_cr_only_line_endings_are_read_like_lf(tmp_path: Path) -> None:
    package = make_package(tmp_path)
    package.csv().write_bytes(b"thing_id,count,label\ra,1,one\rb,x,two\r")
    run = validate(package.descriptor, "--json")
    assert "Traceback" not in run.output
    report = json.loads(run.stdout)
    assert report["row_counts"]["things"] == 2
    assert [(p["code"], p["row"], p["field"]) for p in report["problems"]] == [
        ("type-error", 3, "count")
    ]


def test_a_cell_of_3_mib_is_valid_csv_and_accepted(tmp_path: Path) -> None:
    package = make_package(tmp_path)
    package.csv().write_text("thing_id,count,label\na,1," + "x" * (3 << 20) + "\n")
    assert validate(package.descriptor).code == 0


@pytest.fixture
def shipped_copy() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("datapackage", "schemas", "seeds"):
            shutil.copytree(ROOT / name, root / name)
        yield root


def edit_shipped_schema(root: Path, name: str, change: Callable[[dict], None]) -> None:
    edit_schema(root / "datapackage" / "datapackage.json", name, change)


def set_field(schema: dict, name: str, **changes: object) -> None:
    spec = next(f for f in schema["fields"] if f["name"] == name)
    spec.update(changes)


def drop_pattern(schema: dict, name: str) -> None:
    next(f for f in schema["fields"] if f["name"] == name)["constraints"].pop("pattern")


def set_cell(root: Path, table: str, field: str, value: str) -> None:
    path = root / "datapackage" / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    rows[1][rows[0].index(field)] = value
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


#: Hostile changes to a copy of the shipped package, where the dataset's own rules run.
SHIPPED_CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "an id the rules read as text typed integer": (
        lambda r: edit_shipped_schema(
            r, "treaties", lambda s: set_field(s, "treaty_id", type="integer", constraints={})
        ),
        "schema-error",
    ),
    "a partial date typed integer": (
        lambda r: edit_shipped_schema(
            r, "treaties", lambda s: set_field(s, "signed", type="integer", constraints={})
        ),
        "schema-error",
    ),
    "a quote typed boolean": (
        lambda r: edit_shipped_schema(
            r, "evidence", lambda s: set_field(s, "quote", type="boolean", constraints={})
        ),
        "schema-error",
    ),
    "a foreign key between fields of two types": (
        lambda r: edit_shipped_schema(
            r,
            "parties",
            lambda s: s["foreignKeys"].append(
                {"fields": "cow_code", "reference": {"resource": "sources", "fields": "source_id"}}
            ),
        ),
        "schema-error",
    ),
    "a partial date whose schema lost its pattern": (
        lambda r: (
            edit_shipped_schema(r, "treaties", lambda s: drop_pattern(s, "signed")),
            set_cell(r, "treaties", "signed", "hello"),
        ),
        "date-invalid",
    ),
}


@pytest.mark.parametrize("case", sorted(SHIPPED_CASES))
def test_a_hostile_change_to_the_shipped_package_is_reported(case: str, shipped_copy: Path) -> None:
    change, code = SHIPPED_CASES[case]
    change(shipped_copy)
    run = validate(shipped_copy / "datapackage" / "datapackage.json")
    assert_refused(run, code)


def add_relations(root: Path, pairs: list[tuple[str, str]]) -> None:
    path = root / "datapackage" / "data" / "treaty_relations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    source, quote = "alliansfriheten-kremlin-csto-en", "quote"
    for later, earlier in pairs:
        lines.append(f"{later},{earlier},amends,{source},{quote},")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "pairs",
    [
        [("association-treaty-1996", "association-treaty-1996")],
        [
            ("association-treaty-1996", "border-treaty-1995"),
            ("border-treaty-1995", "association-treaty-1996"),
        ],
    ],
    ids=["a treaty that relates to itself", "two treaties that relate to each other"],
)
def test_a_cycle_of_treaty_relations_is_reported(
    pairs: list[tuple[str, str]], shipped_copy: Path
) -> None:
    add_relations(shipped_copy, pairs)
    run = validate(shipped_copy / "datapackage" / "datapackage.json", "--json")
    report = json.loads(run.stdout)
    cycles = [p for p in report["problems"] if p["code"] == "relation-cycle"]
    assert len(cycles) == 1, report["problems"]
    assert pairs[0][0] in cycles[0]["message"]


# 7. Unreadable files: one problem naming the path, no exception. Root reads any file, so as root
# the validation runs with the effective user nobody (the package sits in a folder it can read).
@contextlib.contextmanager
def effective_user_without_privileges() -> Iterator[None]:
    if os.geteuid() != 0:
        yield
        return
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)


UNREADABLE: dict[str, Callable[[Package], Path]] = {
    "descriptor": lambda p: p.descriptor,
    "schema": lambda p: p.schema(),
    "data file": lambda p: p.csv(),
    "stored source": lambda p: p.root / "seeds" / "a.txt",
}


@pytest.mark.parametrize("which", sorted(UNREADABLE))
def test_an_unreadable_file_is_one_problem_naming_it(which: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        package = make_package(root / "package")
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        unreadable = UNREADABLE[which](package)
        unreadable.chmod(0)
        with effective_user_without_privileges():
            report = api_validate(package.descriptor)
    assert [p.code for p in report.problems] == ["file-unreadable"], report.problems
    assert unreadable.name in report.problems[0].message


def test_output_piped_into_a_closed_reader_gives_no_traceback() -> None:
    """``validate --json | head -c 1``: the reader leaves; no BrokenPipeError is printed."""
    command = [sys.executable, "-m", "unionstate_data.cli", "validate", "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT) as p:
        assert p.stdout is not None and p.stderr is not None
        p.stdout.read(1)
        p.stdout.close()
        stderr = p.stderr.read().decode()
        p.wait(timeout=DEADLINE)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


#: The README's row for each limit (its "Limits" table under "Validating a package you did not
#: write").
README_ROWS = {
    "json_bytes": "descriptor or Table Schema file",
    "resources": "resources in a descriptor",
    "columns": "fields of a schema, columns of a CSV header",
    "header_bytes": "CSV header row",
}


@pytest.mark.parametrize("limit", [f.name for f in dataclasses.fields(Limits)])
def test_the_readme_names_each_limit_with_its_value(limit: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| {README_ROWS[limit]} |"))
    assert str(getattr(LIMITS, limit)) in row.replace(",", "")


def test_the_limits_are_parameters(tmp_path: Path) -> None:
    """A smaller limit refuses what the default accepts (so tests and callers can set them)."""
    package = make_package(tmp_path)
    assert api_validate(package.descriptor).ok
    report = api_validate(package.descriptor, limits=Limits(columns=2))
    assert {p.code for p in report.problems} == {"schema-error"}
