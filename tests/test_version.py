"""One version everywhere, and a version bump that fits what changed since the last release."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

import unionstate_data as usd
from unionstate_data._version import to_data_version
from unionstate_data.releases.diff import BUMPS, bump_between, diff_packages
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name, release_dir_name
from unionstate_data.releases.registry import known_versions, load_registry, version_key

ROOT = Path(__file__).resolve().parents[1]
VERSION = usd.__version__
DATA_VERSION = to_data_version(VERSION)


def test_the_version_is_written_once_in_pyproject_and_read_from_metadata() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == VERSION
    init = (ROOT / "unionstate_data" / "__init__.py").read_text()
    assert not re.search(r"__version__\s*=", init)


def test_the_descriptor_citation_and_release_names_agree_with_the_package_version() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    assert descriptor["version"] == DATA_VERSION
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["version"] == DATA_VERSION
    assert cff["date-released"] == descriptor["created"][:10]
    assert release_dir_name(DATA_VERSION) == f"v{DATA_VERSION}"
    assert DATA_VERSION in csv_zip_name(DATA_VERSION)
    assert DATA_VERSION in parquet_zip_name(DATA_VERSION)


def test_the_newest_changelog_section_is_the_version_or_unreleased_until_it_is_published() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    first = re.search(r"^## (\S+)", changelog, flags=re.MULTILINE)
    newest = re.search(r"^## (\d+\.\d+\.\d+)", changelog, flags=re.MULTILINE)
    assert first is not None and newest is not None
    if first.group(1) == "Unreleased":
        # The version under way is not published yet; the newest section is the last release.
        assert DATA_VERSION not in known_versions()
        assert newest.group(1) == known_versions()[-1]
    else:
        assert newest.group(1) == DATA_VERSION


def test_the_version_bump_over_the_previous_release_fits_the_change() -> None:
    published = [v for v in known_versions() if version_key(v) <= version_key(DATA_VERSION)]
    if not published:
        pytest.skip("no release published yet")
    previous = published[-1]
    needed = diff_packages(ROOT / "releases" / f"v{previous}", ROOT).bump
    made = bump_between(previous, DATA_VERSION)
    if previous == DATA_VERSION:
        assert needed == "none", f"{previous} is published: changing its data needs a new version"
    else:
        assert BUMPS.index(made) >= BUMPS.index(needed), (
            f"{previous} -> {DATA_VERSION} is a {made} bump but the change needs {needed}"
        )


@pytest.mark.parametrize(
    ("package", "data"),
    [("0.3.0", "0.3.0"), ("0.3.0.post1", "0.3.0"), ("1.12.3.post20", "1.12.3")],
)
def test_a_post_release_ships_the_data_version_it_follows(package: str, data: str) -> None:
    assert to_data_version(package) == data


@pytest.mark.parametrize("package", ["0.3", "0.3.0rc1", "0.3.0.dev2", "0.3.0.post1.dev0"])
def test_a_version_outside_the_policy_is_refused_naming_the_forms_it_may_take(
    package: str,
) -> None:
    with pytest.raises(usd.Error, match=r"expected X\.Y\.Z or X\.Y\.Z\.postN"):
        to_data_version(package)


def test_the_shipped_data_of_a_published_version_is_byte_for_byte_its_published_release() -> None:
    # A library-only change (a post-release) must leave every data file as published; a data
    # change needs a new X.Y.Z, whose files are compared once it is published.
    folder = ROOT / "releases" / release_dir_name(DATA_VERSION)
    if not folder.is_dir():
        pytest.skip(f"{DATA_VERSION} is not published yet")
    prefix = f"unionstate-data-{DATA_VERSION}/"
    with zipfile.ZipFile(folder / csv_zip_name(DATA_VERSION)) as archive:
        published = {
            info.filename.removeprefix(prefix): archive.read(info)
            for info in archive.infolist()
            if info.filename.startswith((prefix + "datapackage/", prefix + "seeds/"))
        }
    assert published
    for name, data in published.items():
        assert (ROOT / name).read_bytes() == data, (
            f"{name} differs from {DATA_VERSION} as published"
        )


@pytest.mark.parametrize("version", known_versions())
def test_every_published_version_keeps_the_files_its_registry_record_hashes(version: str) -> None:
    folder = ROOT / "releases" / release_dir_name(version)
    record = load_registry()[version]["files"]
    kept = {p.name for p in folder.iterdir()} & set(record)
    assert kept == set(record)  # a local mirror of releases/ serves every published file
    for name in kept:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == record[name], name
