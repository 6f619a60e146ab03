"""Where the shipped data lives, anchored to this package (never to the working directory)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import DataError, InstallError

__all__ = ["checkout_root", "data_root", "descriptor_path", "resource_schema"]


def checkout_root() -> Path | None:
    """The source checkout this package runs from (editable install), or None for a wheel."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else None


def data_root() -> Path:
    """The folder holding ``datapackage/``, ``schemas/`` and ``seeds/``.

    A wheel carries them in ``unionstate_data/_data/`` (see pyproject.toml); an editable install
    or a source checkout reads them from the checkout itself, so there is one copy to edit.
    """
    packaged = Path(__file__).resolve().parent / "_data"  # the package is files on disk
    if (packaged / "datapackage" / "datapackage.json").is_file():
        return packaged
    root = checkout_root()
    if root is None:
        raise InstallError(
            f"the dataset files are missing from the installed package: looked in {packaged}. "
            "Reinstall unionstate-data (pip install --force-reinstall unionstate-data)."
        )
    return root


def descriptor_path() -> Path:
    """The shipped ``datapackage.json``."""
    return data_root() / "datapackage" / "datapackage.json"


def resource_schema(descriptor: Path, resource: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema of one resource of ``descriptor``: inline (from 0.3.1 on) or the file
    its ``schema`` names relative to the descriptor (the releases up to 0.3.0)."""
    schema = resource["schema"]
    if isinstance(schema, str):
        schema = json.loads((descriptor.parent / schema).read_text(encoding="utf-8"))
    if not isinstance(schema, dict):
        raise DataError(
            f"{descriptor}: resource {resource.get('name')!r} has schema {schema!r}; expected a "
            "Table Schema object or the path of one. Run `unionstate-data validate` on it."
        )
    return schema
