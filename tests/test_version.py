"""One version everywhere, and a version bump that fits what changed since the last release."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

import unionstate_data as usd
from unionstate_data.releases.diff import BUMPS, bump_between, diff_packages
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name, release_dir_name
from unionstate_data.releases.registry import known_versions, version_key

ROOT = Path(__file__).resolve().parents[1]
VERSION = usd.__version__


def test_the_version_is_written_once_in_pyproject_and_read_from_metadata() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["version"] == VERSION
    init = (ROOT / "unionstate_data" / "__init__.py").read_text()
    assert not re.search(r"__version__\s*=", init)


def test_the_descriptor_citation_and_release_names_agree_with_the_package_version() -> None:
    descriptor = json.loads((ROOT / "datapackage" / "datapackage.json").read_text())
    assert descriptor["version"] == VERSION
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["version"] == VERSION
    assert cff["date-released"] == descriptor["created"][:10]
    assert release_dir_name(VERSION) == f"v{VERSION}"
    assert VERSION in csv_zip_name(VERSION) and VERSION in parquet_zip_name(VERSION)


def test_the_newest_changelog_section_is_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    newest = re.search(r"^## (\d+\.\d+\.\d+)", changelog, flags=re.MULTILINE)
    assert newest is not None
    assert newest.group(1) == VERSION


def test_the_version_bump_over_the_previous_release_fits_the_change() -> None:
    published = [v for v in known_versions() if version_key(v) <= version_key(VERSION)]
    if not published:
        pytest.skip("no release published yet")
    previous = published[-1]
    needed = diff_packages(ROOT / "releases" / f"v{previous}", ROOT).bump
    made = bump_between(previous, VERSION)
    if previous == VERSION:
        assert needed == "none", f"{VERSION} is published: changing its data needs a new version"
    else:
        assert BUMPS.index(made) >= BUMPS.index(needed), (
            f"{previous} -> {VERSION} is a {made} bump but the change needs {needed}"
        )
