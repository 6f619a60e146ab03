"""The release builder: layout, reproducible bytes, atomic writes, and real readers of its files."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

import unionstate_data as usd
from unionstate_data._version import get_version
from unionstate_data.archive import safe_extract
from unionstate_data.errors import BuildError
from unionstate_data.releases import build as release_module
from unionstate_data.releases.build import ZIP_DATE, build, tool_versions
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name
from unionstate_data.releases.registry import load_registry
from unionstate_data.validation.validator import validate

ROOT = Path(__file__).resolve().parents[1]
VERSION = get_version()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("dist")).path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_release_holds_both_zips_a_manifest_and_checksums(built: Path) -> None:
    assert built.name == f"v{VERSION}"
    assert sorted(_files(built)) == sorted(
        ["SHA256SUMS", "manifest.json", csv_zip_name(VERSION), parquet_zip_name(VERSION)]
    )


def test_sha256sums_lists_every_other_file_with_its_hash(built: Path) -> None:
    lines = (built / "SHA256SUMS").read_text().splitlines()
    listed = {name: digest for digest, name in (line.split("  ") for line in lines)}
    files = {n: d for n, d in _files(built).items() if n != "SHA256SUMS"}
    assert listed == {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}


def test_the_manifest_gives_sizes_hashes_row_counts_and_tools(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text())
    assert manifest["version"] == VERSION
    for name, entry in manifest["files"].items():
        data = (built / name).read_bytes()
        assert entry == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert manifest["tables"] == validate().row_counts
    assert manifest["tools"] == tool_versions()


def test_building_the_same_commit_twice_gives_identical_bytes(built: Path, tmp_path: Path) -> None:
    again = build(tmp_path).path
    assert _files(again) == _files(built)


def test_zip_entries_have_fixed_times_permissions_and_order(built: Path) -> None:
    for name in (csv_zip_name(VERSION), parquet_zip_name(VERSION)):
        with zipfile.ZipFile(built / name) as archive:
            infos = archive.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {ZIP_DATE}
        assert {i.external_attr >> 16 for i in infos} == {0o644}


def test_a_published_version_rebuilds_to_its_recorded_hashes(built: Path) -> None:
    record = ROOT / "releases" / f"v{VERSION}"
    if not record.is_dir():
        pytest.skip(f"{VERSION} is not published yet")
    recorded = json.loads((record / "manifest.json").read_text())
    if recorded["tools"] != tool_versions():
        pytest.skip(f"built with {recorded['tools']}, not {tool_versions()}: bytes may differ")
    # Data changed without a version bump fails here: a published version never changes.
    assert (built / "SHA256SUMS").read_text() == (record / "SHA256SUMS").read_text()
    assert (
        load_registry()[VERSION]["files"]["manifest.json"]
        == hashlib.sha256((built / "manifest.json").read_bytes()).hexdigest()
    )


def _broken_checkout(tmp_path: Path) -> Path:
    for folder in ("datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "LICENSE-DATA", tmp_path)
    events = tmp_path / "datapackage" / "data" / "events.csv"
    header, first, *rest = events.read_text().split("\n")
    date = header.split(",").index("date")
    cells = first.split(",")
    cells[date] = cells[date][:4] + "-13"  # the first event's date becomes month 13
    events.write_text("\n".join([header, ",".join(cells), *rest]))
    return tmp_path / "datapackage" / "datapackage.json"


def test_an_invalid_package_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    descriptor = _broken_checkout(tmp_path / "checkout")
    out = tmp_path / "dist"
    with pytest.raises(BuildError) as caught:
        build(out, descriptor=descriptor)
    assert [p.code for p in caught.value.problems] == ["date-invalid"]
    assert not out.exists() or list(out.iterdir()) == []


def test_the_datasheet_and_citation_in_a_release_cite_the_package_being_built(
    tmp_path: Path,
) -> None:
    root = tmp_path / "checkout"
    for folder in ("datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copyfile(ROOT / "LICENSE-DATA", root / "LICENSE-DATA")
    descriptor = root / "datapackage" / "datapackage.json"
    meta = json.loads(descriptor.read_text(encoding="utf-8"))
    meta["title"] = "A Copy Retitled For This Test"
    descriptor.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    release = build(tmp_path / "dist", descriptor=descriptor)
    prefix = f"unionstate-data-{VERSION}/"
    for name in (csv_zip_name(VERSION), parquet_zip_name(VERSION)):
        with zipfile.ZipFile(release.path / name) as archive:
            sheet = archive.read(prefix + "DATASHEET.md").decode("utf-8")
            cff = archive.read(prefix + "CITATION.cff").decode("utf-8")
        how_to_cite = sheet.split("## How to cite", 1)[1].split("## Tables", 1)[0]
        assert "A Copy Retitled For This Test" in how_to_cite, name
        assert 'title: "A Copy Retitled For This Test"' in cff, name
        assert f"Repository: {meta['homepage']}" in how_to_cite, name
        assert f'repository-code: "{meta["homepage"]}"' in cff, name
        assert not cff.startswith("#"), name  # no "generated file, edit that" note in a release


def test_a_failed_build_leaves_the_previous_release_and_no_partial_files(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "dist"
    shutil.copytree(built, out / built.name)
    before = _files(out / built.name)

    def fail(*args: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(release_module, "_parquet_bytes", fail)
    with pytest.raises(BuildError, match="disk full"):
        build(out)
    assert [p.name for p in out.iterdir() if p.suffix != ".lock"] == [built.name]
    assert _files(out / built.name) == before


def test_the_cli_builds_and_says_where_the_release_landed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unionstate_data.cli import main

    assert main(["build", "--out", str(tmp_path)]) == 0
    assert f"built {tmp_path / f'v{VERSION}'}" in capsys.readouterr().out


def test_the_csv_zip_unzipped_is_a_valid_package_for_us_and_frictionless(
    built: Path, tmp_path: Path
) -> None:
    import frictionless

    safe_extract(built / csv_zip_name(VERSION), tmp_path)
    descriptor = tmp_path / f"unionstate-data-{VERSION}" / "datapackage" / "datapackage.json"
    assert validate(descriptor).ok
    assert frictionless.validate(str(descriptor)).valid  # no --trusted
    assert frictionless.Package(str(descriptor)).get_resource("treaties").schema.primary_key
    for extra in ("DATASHEET.md", "CITATION.cff", "LICENSE-DATA"):
        assert (descriptor.parents[1] / extra).is_file()


@pytest.fixture(scope="module")
def parquet_dir(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("parquet")
    safe_extract(built / parquet_zip_name(VERSION), target)
    return target / f"unionstate-data-{VERSION}"


def test_duckdb_joins_treaties_to_their_parties_from_parquet(parquet_dir: Path) -> None:
    import duckdb

    rows = duckdb.sql(
        f"""
        select t.treaty_id, count(distinct p.party_id) as parties
        from '{parquet_dir}/treaties.parquet' t
        join '{parquet_dir}/treaty_parties.parquet' tp using (treaty_id)
        join '{parquet_dir}/parties.parquet' p using (party_id)
        where tp.role in ('signatory', 'party')
        group by t.treaty_id, t.scope having t.scope = 'bilateral'
        """
    ).fetchall()
    assert rows and all(parties == 2 for _, parties in rows)


def test_pandas_reads_typed_columns_and_partial_date_bounds(parquet_dir: Path) -> None:
    import pandas as pd

    treaties = pd.read_parquet(parquet_dir / "treaties.parquet")
    assert str(treaties["signed"].dtype) in {"object", "string", "str"}
    assert {"signed_lower", "signed_upper", "signed_precision"} <= set(treaties.columns)
    parties = pd.read_parquet(parquet_dir / "parties.parquet")
    assert str(parties["cow_code"].dtype) == "Int64" or parties["cow_code"].dtype.kind in "if"


def test_parquet_files_carry_field_descriptions_and_package_metadata(parquet_dir: Path) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(parquet_dir / "treaties.parquet")
    assert schema.field("signed").metadata[b"description"] == b"Date of signature."
    assert b"First day signed" in schema.field("signed_lower").metadata[b"description"]
    meta = json.loads(schema.metadata[b"unionstate_data"])
    assert meta["version"] == VERSION
    assert meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert "cff-version: 1.2.0" in meta["citation"]


def test_parquet_columns_of_required_fields_are_non_nullable(parquet_dir: Path) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(parquet_dir / "treaties.parquet")
    for name in ("treaty_id", "signed", "signed_lower", "signed_upper", "signed_precision"):
        assert not schema.field(name).nullable, name
    for name in ("in_force", "in_force_lower", "ended"):
        assert schema.field(name).nullable, name
    # The loaders give the installed tables the same schema: one reading of "required".
    installed = usd.table("treaties").schema
    assert [(f.name, f.nullable) for f in installed] == [(f.name, f.nullable) for f in schema]


def test_publishing_keeps_every_file_the_registry_will_list(built: Path, tmp_path: Path) -> None:
    from unionstate_data.releases.build import publish
    from unionstate_data.releases.registry import generate_registry

    folder = publish(built, tmp_path)
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == sorted(
        ["SHA256SUMS", "manifest.json", csv_zip_name(VERSION), parquet_zip_name(VERSION)]
    )
    listed = generate_registry(tmp_path / "releases")[VERSION]["files"]
    assert set(listed) <= set(kept)
    assert publish(built, tmp_path) == folder  # the same bytes again: nothing to do
