"""The package version, read from the installed package metadata (pyproject.toml is its source)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import InstallError

__all__ = ["DIST_NAME", "get_version"]

DIST_NAME = "unionstate-data"


def get_version() -> str:
    """The installed version of unionstate-data, which is also the version of its data."""
    try:
        return version(DIST_NAME)
    except PackageNotFoundError as exc:
        raise InstallError(
            "unionstate-data is not installed, so its version is unknown. "
            "Install it (pip install -e . in a checkout) instead of importing it from a path."
        ) from exc
