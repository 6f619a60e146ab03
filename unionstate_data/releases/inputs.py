"""What a user has at hand, turned into the ``datapackage.json`` of a package to read.

``validate`` and ``diff`` take any of:

- a ``datapackage.json``, or a folder holding one: the folder itself, a checkout or an unzipped
  release (``datapackage/datapackage.json`` inside), or the folder ``fetch`` prints
  (``unionstate-data-{version}/datapackage/datapackage.json`` inside);
- a CSV release zip, or a release folder (``v{version}/``) holding one;
- a version number: the installed data when it is that version, else that published release's
  CSV archive, verified against the registry (``fetch``; offline for the releases this package
  ships);
- for ``diff`` only, a Parquet release zip or the folder ``fetch --format parquet`` prints: the
  CSV release of the same version (beside it, or as for a version number). Both zips are written
  from the same typed tables by one build, and the registry holds the hash of each, so their rows
  are the same; the CSV one also has the Table Schemas that a comparison of schemas needs.

Anything else is passed on as it is, for the validator to report what it is.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .._paths import descriptor_path
from .._version import data_version
from ..archive import MAX_EXPANDED_BYTES, UNREADABLE, safe_extract
from ..errors import DataError, UsageError
from .layout import csv_zip_name, parquet_zip_name, root_folder_name

__all__ = ["open_package"]

_VERSION = re.compile(r"\d+\.\d+\.\d+")
#: ``unionstate-data-{version}``: the one folder of a release zip (releases.layout).
_ROOT = re.compile(r"unionstate-data-(\d+\.\d+\.\d+)")
_DESCRIPTORS = (
    "datapackage.json",
    "datapackage/datapackage.json",
    "*/datapackage/datapackage.json",
)


@contextmanager
def open_package(
    spec: str | Path, *, parquet: bool = False, max_bytes: int = MAX_EXPANDED_BYTES
) -> Iterator[Path]:
    """The descriptor of the package ``spec`` names (module docstring), extracted into a
    temporary folder for as long as the ``with`` block runs when ``spec`` is a zip.

    ``parquet``: a Parquet release stands for its version's CSV release (``diff``); without it,
    a Parquet release is refused, since it holds no descriptor to validate. ``max_bytes``: what
    a zip may expand to (``archive.safe_extract``).
    """
    path = Path(spec)
    if not path.exists() and _VERSION.fullmatch(str(spec)):
        with _published(str(spec)) as descriptor:
            yield descriptor
    elif path.is_file() and (path.suffix == ".zip" or zipfile.is_zipfile(path)):
        with _zip(path, parquet, max_bytes) as descriptor:
            yield descriptor
    elif path.is_dir():
        with _folder(path, parquet, max_bytes) as descriptor:
            yield descriptor
    else:
        yield path  # a descriptor, or something the reader will say is not one


@contextmanager
def _folder(folder: Path, parquet: bool, max_bytes: int) -> Iterator[Path]:
    for pattern in _DESCRIPTORS:
        found = sorted(folder.glob(pattern))
        if len(found) == 1:
            yield found[0]
            return
    zips = sorted(folder.glob(csv_zip_name("*")))
    if len(zips) > 1:
        raise UsageError(
            f"{folder} holds {len(zips)} CSV release zips ({', '.join(z.name for z in zips)}); "
            "name the one to read"
        )
    if zips:
        with _zip(zips[0], parquet, max_bytes) as descriptor:
            yield descriptor
        return
    version = _parquet_version(sorted(folder.glob("*/*.parquet")) or list(folder.glob("*.parquet")))
    if version is None:
        yield folder  # the reader says a folder is not a descriptor, and what to give instead
        return
    with _for_parquet(folder / parquet_zip_name(version), version, parquet, max_bytes) as path:
        yield path


@contextmanager
def _zip(archive: Path, parquet: bool, max_bytes: int) -> Iterator[Path]:
    try:
        with zipfile.ZipFile(archive) as opened:
            names = opened.namelist()
    except UNREADABLE as exc:
        raise _unreadable(archive, exc) from exc
    if not any(name.endswith("/datapackage/datapackage.json") for name in names):
        version = _parquet_version([Path(n) for n in names if n.endswith(".parquet")])
        if version is not None:
            with _for_parquet(archive, version, parquet, max_bytes) as descriptor:
                yield descriptor
            return
    with tempfile.TemporaryDirectory(prefix="unionstate-data-") as tmp:
        try:
            safe_extract(archive, Path(tmp), max_bytes)
        except UNREADABLE as exc:
            raise _unreadable(archive, exc) from exc
        found = sorted(Path(tmp).glob("*/datapackage/datapackage.json"))
        if len(found) != 1:
            raise DataError(
                f"{archive}: expected one unionstate-data-VERSION/datapackage/datapackage.json "
                f"inside (a CSV release zip), found {len(found)}"
            )
        yield found[0]


def _unreadable(archive: Path, exc: BaseException) -> DataError:
    return DataError(
        f"cannot read {archive}: it is not a readable zip ({type(exc).__name__}: {exc}). Give a "
        "release zip as `unionstate-data build` writes it, a release folder or a datapackage.json."
    )


def _parquet_version(files: list[Path]) -> str | None:
    """The version of a Parquet release, from its one folder ``unionstate-data-{version}``."""
    roots = {f.parent.name for f in files}
    match = _ROOT.fullmatch(roots.pop()) if len(roots) == 1 else None
    return match.group(1) if match else None


@contextmanager
def _for_parquet(source: Path, version: str, parquet: bool, max_bytes: int) -> Iterator[Path]:
    if not parquet:
        raise UsageError(
            f"{source} is a Parquet release of {version}: it has no datapackage.json to validate. "
            f"Validate its CSV release instead: unionstate-data validate {version}"
        )
    sibling = source.parent / csv_zip_name(version)  # a release folder holds both
    if sibling.is_file():
        with _zip(sibling, parquet, max_bytes) as descriptor:
            yield descriptor
        return
    with _published(version) as descriptor:
        yield descriptor


@contextmanager
def _published(version: str) -> Iterator[Path]:
    """The CSV package of ``version``: the installed data, or the published, verified release."""
    if version == data_version():
        yield descriptor_path()
        return
    from ..loading.fetching import fetch  # pooch and requests: only for another version

    folder = fetch(version, format="csv", quiet=True)
    yield folder / root_folder_name(version) / "datapackage" / "datapackage.json"
