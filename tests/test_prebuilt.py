"""Pre-typed tables: written at wheel-build time, equal to the typed CSVs, and used only while
every file they were made from is unchanged (otherwise the loader types the CSVs)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pytest
from strategies import edit_schema

import unionstate_data as usd
from unionstate_data import _paths
from unionstate_data.loading import prebuilt
from unionstate_data.loading import tables as loaders
from unionstate_data.validation import typed
from unionstate_data.validation.typed import typed_tables

ROOT = Path(__file__).resolve().parents[1]
DESCRIPTOR = ROOT / "datapackage" / "datapackage.json"


def copy_data(root: Path) -> Path:
    """A copy of the shipped data in ``root``; its descriptor."""
    for folder in ("datapackage", "schemas"):
        shutil.copytree(ROOT / folder, root / folder)
    return root / "datapackage" / "datapackage.json"


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the shipped data with its pre-typed tables, which the loaders read."""
    prebuilt.write(copy_data(tmp_path), tmp_path, tmp_path / prebuilt.FOLDER)
    monkeypatch.setattr(_paths, "data_root", lambda: tmp_path)
    yield tmp_path


@pytest.fixture(scope="module")
def checkout_tables() -> dict[str, pa.Table]:
    return typed_tables(DESCRIPTOR)


def assert_same_tables(got: dict[str, pa.Table], expected: dict[str, pa.Table]) -> None:
    assert list(got) == list(expected)
    for name, table in expected.items():
        assert got[name].schema == table.schema, name  # field order and types too
        assert got[name].equals(table, check_metadata=True), name


def typing_the_csvs_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on the loader can only succeed by reading the pre-typed tables."""

    def fail(path: Path) -> None:
        raise AssertionError(f"typed the CSVs of {path}")

    monkeypatch.setattr(typed, "typed_tables", fail)


def test_prebuilt_tables_equal_the_typed_csvs_of_the_shipped_data(
    data_root: Path, checkout_tables: dict[str, pa.Table]
) -> None:
    found = prebuilt.shipped()
    assert found is not None
    assert_same_tables(found, checkout_tables)


def test_there_is_one_table_file_per_table_listed_in_the_descriptors_order(
    data_root: Path,
) -> None:
    folder = data_root / prebuilt.FOLDER
    names = [line.split("  ")[1] for line in (folder / prebuilt.TABLES).read_text().splitlines()]
    assert names == [f"{name}.arrow" for name in usd.table_names()]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names, "INPUTS", "TABLES"])


def test_inputs_hold_the_hash_of_the_descriptor_every_schema_and_every_csv(
    data_root: Path,
) -> None:
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    expected = {"datapackage/datapackage.json"}
    for resource in descriptor["resources"]:
        expected.add("datapackage/" + resource["path"])
        if isinstance(resource["schema"], str):  # else inline, in the descriptor
            expected.add(resource["schema"].removeprefix("../"))
    lines = (data_root / prebuilt.FOLDER / prebuilt.INPUTS).read_text().splitlines()
    sums = {path: digest for digest, path in (line.split("  ") for line in lines)}
    assert set(sums) == expected
    for path, digest in sums.items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == digest, path


def test_the_same_data_gives_the_same_bytes(tmp_path: Path) -> None:
    descriptor = copy_data(tmp_path)
    first, second = tmp_path / "first", tmp_path / "second"
    prebuilt.write(descriptor, tmp_path, first)
    prebuilt.write(descriptor, tmp_path, second)
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in second.iterdir())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_loader_reads_the_prebuilt_tables_without_typing_the_csvs(
    data_root: Path, checkout_tables: dict[str, pa.Table], monkeypatch: pytest.MonkeyPatch
) -> None:
    typing_the_csvs_fails(monkeypatch)
    assert usd.table("treaties").equals(checkout_tables["treaties"])
    assert len(usd.treaties()) == checkout_tables["treaties"].num_rows


def test_a_changed_csv_cell_makes_the_loader_type_the_csvs_and_return_the_new_value(
    data_root: Path,
) -> None:
    treaties = data_root / "datapackage" / "data" / "treaties.csv"
    old = usd.table("treaties")["name_en"][0].as_py()
    text = treaties.read_text(encoding="utf-8")
    assert text.count(f",{old},") == 1  # the cell, not the quote that names it too
    treaties.write_text(text.replace(f",{old},", ",A Renamed Treaty,"), encoding="utf-8")
    assert prebuilt.shipped() is None
    assert usd.table("treaties")["name_en"][0].as_py() == "A Renamed Treaty"
    assert usd.treaties()[0].name_en == "A Renamed Treaty"


def test_a_changed_schema_makes_the_prebuilt_tables_stale(data_root: Path) -> None:
    def reword(schema: dict[str, Any]) -> None:
        schema["fields"][0]["description"] += " (reworded)"

    edit_schema(data_root / "datapackage" / "datapackage.json", "events", reword)
    assert prebuilt.shipped() is None


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.unlink(), id="deleted"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:-100]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(b"not arrow"), id="overwritten"),
        pytest.param(
            lambda path: path.write_bytes(path.read_bytes().replace(b"1991", b"1992")),
            id="a-value-changed",
        ),
    ],
)
def test_a_damaged_table_file_makes_the_loader_type_the_csvs(
    data_root: Path,
    checkout_tables: dict[str, pa.Table],
    damage: Any,
) -> None:
    damage(data_root / prebuilt.FOLDER / "treaties.arrow")
    assert prebuilt.shipped() is None
    assert_same_tables(loaders._tables(None), checkout_tables)


@pytest.mark.parametrize("listing", [prebuilt.INPUTS, prebuilt.TABLES])
@pytest.mark.parametrize("content", [None, "", "garbage\n"], ids=["missing", "empty", "garbage"])
def test_a_missing_or_unreadable_listing_makes_the_prebuilt_tables_unused(
    data_root: Path, listing: str, content: str | None
) -> None:
    path = data_root / prebuilt.FOLDER / listing
    if content is None:
        path.unlink()
    else:
        path.write_text(content, encoding="utf-8")
    assert prebuilt.shipped() is None


def test_prebuilt_tables_are_not_used_for_another_descriptor(data_root: Path) -> None:
    assert prebuilt.load(data_root, DESCRIPTOR) is None
    assert prebuilt.load(data_root, data_root / "datapackage" / "datapackage.json") is not None


def test_a_checkout_has_no_prebuilt_tables() -> None:
    assert not (ROOT / prebuilt.FOLDER).exists()
    assert prebuilt.load(ROOT, DESCRIPTOR) is None


def test_writing_refuses_a_schema_outside_the_data_root(tmp_path: Path) -> None:
    descriptor = copy_data(tmp_path)
    edit_schema(descriptor, "events", lambda schema: "../schemas/events.json")
    with pytest.raises(usd.Error, match="outside the data root"):
        prebuilt.write(descriptor, tmp_path / "datapackage", tmp_path / "typed")


# --- the wheel build hook (hatch_build.py) -------------------------------------------------------


@pytest.fixture(scope="module")
def hook_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_hook(
    module: ModuleType, root: Path, version: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, dict[str, Any]]:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the hook puts root on it
    hook = module.PrebuiltTablesHook(str(root), {}, None, None, str(root / "dist"), "wheel")
    build_data: dict[str, Any] = {"force_include": {}}
    hook.initialize(version, build_data)
    return hook, build_data


def test_the_build_hook_adds_the_prebuilt_tables_to_the_wheel_and_cleans_up(
    hook_module: ModuleType,
    tmp_path: Path,
    checkout_tables: dict[str, pa.Table],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    copy_data(tmp_path)
    hook, build_data = run_hook(hook_module, tmp_path, "standard", monkeypatch)
    [(folder, target)] = build_data["force_include"].items()
    assert target == "unionstate_data/_data/typed"
    shutil.copytree(folder, tmp_path / prebuilt.FOLDER)
    found = prebuilt.load(tmp_path, tmp_path / "datapackage" / "datapackage.json")
    assert found is not None
    assert_same_tables(found, checkout_tables)
    hook.finalize("standard", build_data, str(tmp_path / "dist" / "x.whl"))
    assert not Path(folder).exists()


def test_the_build_hook_fails_on_invalid_data_and_leaves_no_folder(
    hook_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = copy_data(tmp_path).parent / "data" / "events.csv"
    header, first, *rest = events.read_text(encoding="utf-8").split("\n")
    broken = first.replace(",", ",not-a-slug ", 1)
    events.write_text("\n".join([header, broken, *rest]), encoding="utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    with pytest.raises(usd.DataError, match="events"):
        run_hook(hook_module, tmp_path, "standard", monkeypatch)
    assert list(temp.iterdir()) == []


def test_the_build_hook_skips_editable_builds(
    hook_module: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = copy_data(tmp_path).parent / "data" / "events.csv"
    events.write_text("broken", encoding="utf-8")  # would fail a standard build
    _, build_data = run_hook(hook_module, tmp_path, "editable", monkeypatch)
    assert build_data == {"force_include": {}}
