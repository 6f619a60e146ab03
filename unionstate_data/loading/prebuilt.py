"""Pre-typed tables: the shipped tables, typed once when the wheel is built.

Typing the CSVs (``validation.typed.typed_tables``) makes hundreds of small Arrow compute calls,
some 30 ms at every first load. A wheel therefore carries the result: ``hatch_build.py`` calls
``write`` at build time, and ``_data/typed/`` in the wheel holds one Arrow IPC file per table,
``TABLES`` (their SHA-256, in the descriptor's order) and ``INPUTS`` (the SHA-256 of the
descriptor, every schema and every CSV the tables were made from, relative to the data root).
Both lists are ``sha256sum`` files: ``sha256sum -c typed/INPUTS`` in the data root checks them.

The CSVs stay the single source of truth: ``load`` returns the tables only while every input
still has its recorded hash and every table file is intact, and None otherwise (a checkout, an
edited installed file, anything missing), so that the loader types the CSVs instead, with the
same result.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa

from .. import _paths
from .._files import Sums, file_sha256, read_sums, sha256, sums_text
from ..errors import BuildError

__all__ = ["FOLDER", "INPUTS", "TABLES", "load", "shipped", "write"]

#: The folder of the pre-typed tables, in the data root (``unionstate_data/_data/`` in a wheel).
FOLDER = "typed"
INPUTS = "INPUTS"
TABLES = "TABLES"
_SUFFIX = ".arrow"


def write(descriptor: Path, root: Path, folder: Path) -> None:
    """Type the package at ``descriptor`` and write its tables, ``TABLES`` and ``INPUTS`` into
    ``folder``; ``root`` is the data root, which ``INPUTS`` paths are relative to.

    Raises ``DataError`` when the data cannot be typed (so a wheel is never built from invalid
    data), and ``BuildError`` when the descriptor names a file outside ``root``.
    """
    # Deferred: the loader imports this module on the time-to-first-data path, where the
    # typing code (pyarrow.csv, the validation package) is not needed.
    from ..validation.typed import typed_tables

    tables = typed_tables(descriptor)
    inputs = [(file_sha256(path), _relative(path, root)) for path in _input_files(descriptor)]
    folder.mkdir(parents=True, exist_ok=True)
    outputs: Sums = []
    for name, table in tables.items():
        data = _ipc_bytes(table)
        (folder / f"{name}{_SUFFIX}").write_bytes(data)
        outputs.append((sha256(data), f"{name}{_SUFFIX}"))
    (folder / TABLES).write_text(sums_text(outputs), encoding="utf-8")
    inputs.sort(key=lambda item: item[1])
    (folder / INPUTS).write_text(sums_text(inputs), encoding="utf-8")


def load(root: Path, descriptor: Path) -> dict[str, pa.Table] | None:
    """The pre-typed tables in ``root``, if they were made from ``descriptor`` and the files it
    names exactly as they are now; None otherwise (the caller then types the CSVs)."""
    folder = root / FOLDER
    inputs, tables = read_sums(folder / INPUTS), read_sums(folder / TABLES)
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
    return load(_paths.data_root(), _paths.descriptor_path())


def _input_files(descriptor: Path) -> list[Path]:
    """The descriptor and every schema file and CSV it names (what ``typed_tables`` reads)."""
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
        raise BuildError(
            f"{path} lies outside the data root {root}: a wheel would not ship it. "
            "Keep every schema and CSV the descriptor names inside the data root."
        )
    return normal.relative_to(top).as_posix()


def _sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it cannot be read."""
    try:
        return file_sha256(path)
    except OSError:  # missing or unreadable: not the file the tables were made from
        return None


def _ipc_bytes(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC file, one record batch: the same bytes for the same table."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table.combine_chunks())
    return bytes(sink.getvalue())


def _read_table(path: Path, digest: str) -> pa.Table | None:
    """The table in the IPC file ``path``, memory-mapped, if the file has the SHA-256 ``digest``."""
    try:
        with pa.memory_map(str(path)) as source:
            data = source.read_buffer()
    except OSError:  # missing or unreadable: the loader types the CSVs instead
        return None
    if sha256(memoryview(data)) != digest:
        return None  # damaged or replaced since the wheel was built
    # The table's buffers keep the mapping alive after the file is closed.
    return pa.ipc.open_file(data).read_all()
