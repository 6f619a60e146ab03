"""The package version, read from the installed package metadata (pyproject.toml is its source).

Versioning policy (README, "Versions"): the data version is ``X.Y.Z`` and names one release's
content forever. A change that alters any byte of the release (a row, a schema, the descriptor,
the citation or datasheet in the zip) takes a new ``X.Y.Z``; a change to the library alone (a
loader, the CLI, a fix that leaves every release byte as it was) is a post-release
``X.Y.Z.postN``, which ships the data of ``X.Y.Z`` unchanged.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, metadata, version

from .errors import InstallError

__all__ = ["DIST_NAME", "data_version", "get_version", "project_url", "to_data_version"]

DIST_NAME = "unionstate-data"
_VERSION = re.compile(r"(\d+\.\d+\.\d+)(\.post\d+)?")


def get_version() -> str:
    """The installed version of unionstate-data (the library's version, e.g. ``0.3.0.post1``)."""
    try:
        return version(DIST_NAME)
    except PackageNotFoundError as exc:
        raise InstallError(
            "unionstate-data is not installed, so its version is unknown. "
            "Install it (pip install -e . in a checkout) instead of importing it from a path."
        ) from exc


def to_data_version(package_version: str) -> str:
    """The data version ``X.Y.Z`` of a package version ``X.Y.Z`` or ``X.Y.Z.postN``."""
    match = _VERSION.fullmatch(package_version)
    if match is None:
        raise InstallError(
            f"unionstate-data has version {package_version!r}, expected X.Y.Z or X.Y.Z.postN "
            "(the versioning policy in the README); fix the version in pyproject.toml"
        )
    return match.group(1)


def data_version() -> str:
    """The version of the data this installation ships: the package version without ``.postN``."""
    return to_data_version(get_version())


def project_url(label: str) -> str:
    """The ``[project.urls]`` entry ``label`` of pyproject.toml, read from the package metadata."""
    try:
        entries = metadata(DIST_NAME).get_all("Project-URL") or []
    except PackageNotFoundError:
        entries = []
    urls: dict[str, str] = dict(entry.split(", ", 1) for entry in entries)
    if label not in urls:
        raise InstallError(
            f"the package metadata has no Project-URL {label!r} (it has {sorted(urls)}); add it "
            "to [project.urls] in pyproject.toml and reinstall (pip install -e .)"
        )
    return urls[label]
