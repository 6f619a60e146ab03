"""Every published version ships with the package and loads with no network; a local mirror
(a ``file://`` URL or a folder) serves the others; ``diff`` takes version numbers.

No test here may reach a server: the release address is a closed port on 127.0.0.1 unless a test
sets a mirror, and each test has its own cache folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

import unionstate_data as usd
from unionstate_data.cli import main
from unionstate_data.loading.fetching import BASE_URL_ENV, CACHE_DIR_ENV, FetchError, fetch
from unionstate_data.loading.local import shipped_archive
from unionstate_data.releases.build import build
from unionstate_data.releases.diff import diff_packages
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name
from unionstate_data.releases.registry import known_versions, load_registry

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = known_versions()
UNLISTED = "9.9.9"  # in no registry: a mirror serves it, with the hash the caller gives


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache of the test's own and a release address where nothing listens."""
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv(BASE_URL_ENV, "http://127.0.0.1:9")  # the discard port: refused
    return tmp_path / "cache"


def _manifest(version: str) -> dict[str, object]:
    return json.loads((ROOT / "releases" / f"v{version}" / "manifest.json").read_text())


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_published_version_ships_its_csv_archive_hashing_to_its_registry_record(
    version: str,
) -> None:
    archive = shipped_archive(version, csv_zip_name(version))
    assert archive is not None
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert digest == load_registry()[version]["files"][csv_zip_name(version)]


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_published_version_loads_every_table_with_no_network(version: str) -> None:
    tables = _manifest(version)["tables"]
    assert isinstance(tables, dict)
    for name, rows in tables.items():
        assert usd.table(name, version=version).num_rows == rows, name
    assert len(usd.treaties(version=version)) == tables["treaties"]


def test_an_old_version_is_typed_with_its_own_schemas_not_the_installed_ones() -> None:
    # 0.1.0's events have no end_date (added in 0.2.0) and 0.1.0 has no treaty_steps table.
    columns = usd.table("events", version="0.1.0").column_names
    assert "end_date" not in columns
    assert {"date", "date_lower", "date_upper", "date_precision"} <= set(columns)
    assert "end_date" in usd.table("events").column_names
    with pytest.raises(usd.Error, match="treaty_steps"):
        usd.table("treaty_steps", version="0.1.0")


def test_a_version_newer_than_the_installation_still_needs_the_network() -> None:
    with pytest.raises(FetchError, match="not in this installation's registry"):
        usd.table("treaties", version=UNLISTED)


# --- a local mirror --------------------------------------------------------------------------


def _mirror(folder: Path) -> str:
    """A mirror in ``folder`` serving 0.1.0's CSV zip as version UNLISTED; its SHA-256."""
    source = shipped_archive("0.1.0", csv_zip_name("0.1.0"))
    assert source is not None
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            name = info.filename.replace("unionstate-data-0.1.0/", f"unionstate-data-{UNLISTED}/")
            new.writestr(name, old.read(info))
    target = folder / f"v{UNLISTED}" / csv_zip_name(UNLISTED)
    target.parent.mkdir(parents=True)
    target.write_bytes(out.getvalue())
    return hashlib.sha256(out.getvalue()).hexdigest()


@pytest.mark.parametrize("form", ["file-url", "folder"])
def test_a_local_mirror_serves_a_release_as_a_file_url_or_a_folder(
    form: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = _mirror(tmp_path / "mirror")
    mirror = tmp_path / "mirror"
    monkeypatch.setenv(BASE_URL_ENV, mirror.as_uri() if form == "file-url" else str(mirror))
    folder = fetch(UNLISTED, format="csv", sha256=digest)
    descriptor = folder / f"unionstate-data-{UNLISTED}" / "datapackage" / "datapackage.json"
    assert json.loads(descriptor.read_text())["version"] == "0.1.0"  # the bytes of 0.1.0


def test_a_tampered_file_in_a_mirror_is_refused_naming_both_hashes_and_nothing_is_cached(
    tmp_path: Path, offline: Path
) -> None:
    digest = _mirror(tmp_path / "mirror")
    archive = tmp_path / "mirror" / f"v{UNLISTED}" / csv_zip_name(UNLISTED)
    archive.write_bytes(archive.read_bytes() + b"tampered")
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    with pytest.raises(FetchError, match=f"expected {digest}.*got {actual}"):
        fetch(UNLISTED, format="csv", sha256=digest, base_url=str(tmp_path / "mirror"))
    assert not list(offline.rglob("*.zip")) and not list(offline.rglob("datapackage.json"))


def test_a_mirror_without_the_file_says_so_and_does_not_go_online(tmp_path: Path) -> None:
    digest = _mirror(tmp_path / "mirror")
    with pytest.raises(FetchError, match=r"the local mirror .*mirror has no v9\.9\.9/.*parquet"):
        fetch(UNLISTED, format="parquet", sha256=digest, base_url=(tmp_path / "mirror").as_uri())


# --- diff takes what users have at hand ------------------------------------------------------


def test_diff_takes_version_numbers_and_compares_as_the_release_folders_do() -> None:
    by_version = diff_packages("0.1.0", "0.2.0")
    by_folder = diff_packages(ROOT / "releases" / "v0.1.0", ROOT / "releases" / "v0.2.0")
    assert by_version.to_dict() == by_folder.to_dict()
    assert by_version.bump == "minor"


def test_diff_takes_the_folder_fetch_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "0.2.0", "--format", "csv", "--quiet"]) == 0
    folder = capsys.readouterr().out.strip()
    assert main(["diff", folder, "0.2.0"]) == 0
    assert capsys.readouterr().out.startswith("0.2.0 -> 0.2.0: no change that needs a version bump")


def test_diff_takes_a_parquet_release_zip_as_its_versions_rows(tmp_path: Path) -> None:
    release = build(tmp_path / "dist").path
    version = usd.__version__
    alone = tmp_path / parquet_zip_name(version)  # away from its CSV zip: the installed data
    alone.write_bytes((release / parquet_zip_name(version)).read_bytes())
    for parquet in (release / parquet_zip_name(version), alone):
        result = diff_packages(parquet, ROOT)
        assert (result.old_version, result.bump) == (version, "none")
