"""Published releases: their dates and the SHA-256 of every release file.

Each published version keeps, in the checkout, ``releases/v{version}/`` with its ``SHA256SUMS``,
``manifest.json`` and the CSV zip (so later versions can be compared with it row by row).
``unionstate_data/registry.json``, shipped in the package, is generated from those folders
(``unionstate-data schema --write``) so that an installed package knows the hash of every
published file without any network access.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

__all__ = [
    "UnknownVersionError",
    "generate_registry",
    "known_versions",
    "load_registry",
    "publish",
    "release_info",
    "version_key",
]

_REGISTRY = Path(__file__).with_name("registry.json")


class UnknownVersionError(LookupError):
    """A version that is not in the registry of published releases."""


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of an X.Y.Z version."""
    return tuple(int(part) for part in version.split("."))


def load_registry() -> dict[str, Any]:
    """{version: {"date": ..., "files": {name: sha256}}} for every published release."""
    if not _REGISTRY.is_file():
        return {}
    registry: dict[str, Any] = json.loads(_REGISTRY.read_text(encoding="utf-8"))
    return registry


def known_versions() -> list[str]:
    return sorted(load_registry(), key=version_key)


def release_info(version: str) -> dict[str, Any]:
    """The registry entry of ``version``; UnknownVersionError naming the known ones if absent."""
    registry = load_registry()
    if version not in registry:
        known = ", ".join(known_versions()) or "none"
        raise UnknownVersionError(
            f"version {version} is not a published release of unionstate-data "
            f"(published: {known}). Check the version, or give the file's SHA-256 yourself."
        )
    info: dict[str, Any] = registry[version]
    return info


def generate_registry(releases: Path) -> dict[str, Any]:
    """The registry content for the ``releases/`` folder of a checkout."""
    registry: dict[str, Any] = {}
    for folder in sorted(releases.glob("v*"), key=lambda p: version_key(p.name[1:])):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        pairs = (line.split("  ", 1) for line in lines)
        registry[manifest["version"]] = {
            "date": manifest["date"],
            "files": dict(sorted((name, digest) for digest, name in pairs)),
        }
    return registry


def publish(release_path: Path, root: Path) -> Path:
    """Record a built release in ``root/releases/`` (the checkout); returns the folder."""
    from .release import csv_zip_name

    manifest = json.loads((release_path / "manifest.json").read_text(encoding="utf-8"))
    version = manifest["version"]
    keep = ["SHA256SUMS", "manifest.json", csv_zip_name(version)]
    folder = root / "releases" / f"v{version}"
    if folder.exists():
        changed = [n for n in keep if (folder / n).read_bytes() != (release_path / n).read_bytes()]
        if changed:
            raise FileExistsError(
                f"version {version} is already published with other bytes ({', '.join(changed)}); "
                "a published version never changes: bump the version in pyproject.toml"
            )
        return folder
    folder.mkdir(parents=True)
    for name in keep:
        shutil.copyfile(release_path / name, folder / name)
    return folder
