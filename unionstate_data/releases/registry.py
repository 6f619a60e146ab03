"""Published releases: their dates and the SHA-256 of every release file.

Each published version keeps, in the checkout, ``releases/v{version}/`` with its ``SHA256SUMS``,
``manifest.json`` and the CSV zip (so later versions can be compared with it row by row).
``unionstate_data/registry.json``, shipped in the package, is generated from those folders
(``unionstate-data schema --write``; ``releases.build.publish`` records a release) so that an
installed package knows the hash of every published file without any network access.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._files import read_sums
from ..errors import BuildError, UnknownVersionError

__all__ = [
    "REGISTRY",
    "UnknownVersionError",
    "generate_registry",
    "known_versions",
    "load_registry",
    "release_info",
    "version_key",
]

#: The registry shipped in the package (generated; see the module docstring).
REGISTRY = Path(__file__).resolve().parent.parent / "registry.json"


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of an X.Y.Z version."""
    return tuple(int(part) for part in version.split("."))


def load_registry(path: Path | None = None) -> dict[str, Any]:
    """{version: {"bytes": {name: size}, "date": ..., "files": {name: sha256}}} for every
    published release, from
    ``path`` (default: the registry shipped in the package)."""
    path = path or REGISTRY
    if not path.is_file():
        return {}
    registry: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return registry


def known_versions(path: Path | None = None) -> list[str]:
    return sorted(load_registry(path), key=version_key)


def release_info(version: str, path: Path | None = None) -> dict[str, Any]:
    """The registry entry of ``version``; UnknownVersionError naming the known ones if absent."""
    registry = load_registry(path)
    if version not in registry:
        known = ", ".join(known_versions(path)) or "none"
        raise UnknownVersionError(
            f"version {version} is not a published release of unionstate-data "
            f"that this installation knows (published: {known}). Check the version; a release "
            "newer than this installation is known once you upgrade (pip install -U "
            "unionstate-data)."
        )
    info: dict[str, Any] = registry[version]
    return info


def generate_registry(releases: Path) -> dict[str, Any]:
    """The registry content for the ``releases/`` folder of a checkout."""
    registry: dict[str, Any] = {}
    for folder in sorted(releases.glob("v*"), key=lambda p: version_key(p.name[1:])):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        sums = read_sums(folder / "SHA256SUMS")
        if sums is None:
            raise BuildError(
                f"{folder / 'SHA256SUMS'} is missing or not a sha256sum file; restore it from "
                "the published release"
            )
        # Sizes too: a download stops at the registered size, whatever the server sends.
        sizes = {name: entry["bytes"] for name, entry in manifest["files"].items()}
        sizes["manifest.json"] = (folder / "manifest.json").stat().st_size
        registry[manifest["version"]] = {
            "bytes": dict(sorted(sizes.items())),
            "date": manifest["date"],
            "files": dict(sorted((name, digest) for digest, name in sums)),
        }
    return registry
