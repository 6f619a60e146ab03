"""Pre-typed tables: the shipped tables, typed once when the wheel is built.

Typing the CSVs (``loaders.typed_tables``) makes hundreds of small Arrow compute calls, some
30 ms at every first load. A wheel therefore carries the result: ``hatch_build.py`` calls
``write`` at build time, and ``_data/typed/`` in the wheel holds one Arrow IPC file per table,
``TABLES`` (their SHA-256, in the descriptor's order) and ``INPUTS`` (the SHA-256 of the
descriptor, every schema and every CSV the tables were made from, relative to the data root).
Both lists are ``sha256sum`` files: ``sha256sum -c typed/INPUTS`` in the data root checks them.

The CSVs stay the single source of truth: ``load`` returns the tables only while every input
still has its recorded hash and every table file is intact, and None otherwise (a checkout, an
edited installed file, anything missing), so that the loader types the CSVs instead, with the
same result. Nothing is imported here at import time; pyarrow only inside the functions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FOLDER", "INPUTS", "TABLES", "load", "shipped", "write"]

#: The folder of the pre-typed tables, in the data root (``unionstate_data/_data/`` in a wheel).
FOLDER = "typed"
INPUTS = "INPUTS"
TABLES = "TABLES"
_SUFFIX = ".arrow"

Sums = list[tuple[str, str]]  # (SHA-256 hex digest, path), as in a sha256sum file


def write(descriptor: Path, root: Path, folder: Path) -> None:
    """Type the package at ``descriptor`` and write its tables, ``TABLES`` and ``INPUTS`` into
    ``folder``; ``root`` is the data root, which ``INPUTS`` paths are relative to.

    Raises ``DataError`` when the data cannot be typed (so a wheel is never built from invalid
    data), and ``ValueError`` when the descriptor names a file outside ``root``.
    """
    import hashlib

    from .loaders import typed_tables

    tables = typed_tables(descriptor)
    inputs = [
        (hashlib.sha256(path.read_bytes()).hexdigest(), _relative(path, root))
        for path in _input_files(descriptor)
    ]
    folder.mkdir(parents=True, exist_ok=True)
    outputs: Sums = []
    for name, table in tables.items():
        data = _ipc_bytes(table)
        (folder / f"{name}{_SUFFIX}").write_bytes(data)
        outputs.append((hashlib.sha256(data).hexdigest(), f"{name}{_SUFFIX}"))
    _write_sums(folder / TABLES, outputs)
    _write_sums(folder / INPUTS, sorted(inputs, key=lambda item: item[1]))


def load(root: Path, descriptor: Path) -> dict[str, pa.Table] | None:
    """The pre-typed tables in ``root``, if they were made from ``descriptor`` and the files it
    names exactly as they are now; None otherwise (the caller then types the CSVs)."""
    folder = root / FOLDER
    inputs, tables = _read_sums(folder / INPUTS), _read_sums(folder / TABLES)
    if inputs is None or tables is None:
        return None
    if descriptor not in {root / path for _, path in inputs}:
        return None  # made from another package than the one asked for
    if not all(_sha256(root / path) == digest for digest, path in inputs):
        return None  # an input was edited (or is missing) since the wheel was built
    found: dict[str, pa.Table] = {}
    for digest, name in tables:
        table = _read_table(folder / name, digest)
        if table is None:
            return None
        found[name.removesuffix(_SUFFIX)] = table
    return found


def shipped() -> dict[str, pa.Table] | None:
    """The installed package's pre-typed tables, or None when it has none that are current."""
    from ._paths import data_root, descriptor_path

    return load(data_root(), descriptor_path())


def _input_files(descriptor: Path) -> list[Path]:
    """The descriptor and every schema file and CSV it names (what ``typed_tables`` reads)."""
    import json

    base = descriptor.parent
    files = [descriptor]
    for resource in json.loads(descriptor.read_text(encoding="utf-8"))["resources"]:
        if isinstance(resource["schema"], str):  # else an inline schema, in the descriptor
            files.append(base / resource["schema"])
        files.append(base / resource["path"])
    return files


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, ``..`` resolved, with forward slashes."""
    normal, top = Path(os.path.normpath(path)), Path(os.path.normpath(root))
    if not normal.is_relative_to(top):
        raise ValueError(
            f"{path} lies outside the data root {root}: a wheel would not ship it. "
            "Keep every schema and CSV the descriptor names inside the data root."
        )
    return normal.relative_to(top).as_posix()


def _sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it cannot be read."""
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # missing or unreadable: not the file the tables were made from
        return None


def _ipc_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC file, one record batch: the same bytes for the same table."""
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return bytes(sink.getvalue())


def _read_table(path: Path, digest: str) -> pa.Table | None:
    """The table in the IPC file ``path``, memory-mapped, if the file has the SHA-256 ``digest``."""
    import hashlib

    import pyarrow as pa

    try:
        with pa.memory_map(str(path)) as source:
            data = source.read_buffer()
    except OSError:  # missing or unreadable: the loader types the CSVs instead
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        return None  # damaged or replaced since the wheel was built
    # The table's buffers keep the mapping alive after the file is closed.
    return pa.ipc.open_file(data).read_all()


def _write_sums(path: Path, sums: Sums) -> None:
    path.write_text("".join(f"{digest}  {name}\n" for digest, name in sums), encoding="utf-8")


def _read_sums(path: Path) -> Sums | None:
    """The lines of a sha256sum file, or None when it is missing or not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    sums = [tuple(line.split("  ", 1)) for line in lines]
    if not sums or any(len(item) != 2 or len(item[0]) != 64 for item in sums):
        return None
    return [(digest, name) for digest, name in sums]
