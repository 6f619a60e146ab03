"""The local cache of fetched releases: where it is, what it holds, and its per-version locks.

The cache holds, per version::

    v{version}/unionstate-data-{version}-{format}.zip   the verified download
    v{version}/unionstate-data-{version}-{format}/      the extracted release
        .sha256                                         hash of the archive it was extracted from
        unionstate-data-{version}/...                   the release's files

An extracted folder with its ``.sha256`` marker is a complete fetch (``fetching`` writes the
marker last, inside a folder renamed into place whole). The cache sits in a folder other
processes can write, so neither the marker nor the files are trusted as they are: before a cached
release is used, ``check_release`` hashes the archive kept beside it against the expected hash
(from the registry, or the caller) and every extracted file against that archive's entry. A
release whose archive was deleted to save space is therefore fetched again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import FetchError
from ..releases.layout import csv_zip_name, parquet_zip_name, release_dir_name
from ..releases.registry import version_key

__all__ = [
    "CACHE_DIR_ENV",
    "FORMATS",
    "MARKER",
    "CachedRelease",
    "archive_name",
    "cache_dir",
    "cached_releases",
    "cached_sha256",
    "check_release",
    "check_version",
    "clear_cache",
    "release_folder",
    "version_lock",
]

#: Overrides the cache folder (default: the user's cache directory, per platformdirs).
CACHE_DIR_ENV = "UNIONSTATE_DATA_DIR"
#: Release archive formats, the first one the default.
FORMATS = ("parquet", "csv")
#: The file in an extracted release that names the archive's hash: written last.
MARKER = ".sha256"
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
# Seconds to wait for another process fetching the same version before giving up.
_LOCK_TIMEOUT = 30 * 60


@dataclass(frozen=True)
class CachedRelease:
    """One complete, extracted release in the cache."""

    version: str
    format: str
    path: Path
    sha256: str
    bytes: int


def cache_dir() -> Path:
    """The cache folder: ``$UNIONSTATE_DATA_DIR``, else the user's cache directory."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs  # lazy: nothing is imported until something is fetched

    return Path(platformdirs.user_cache_dir("unionstate-data", appauthor=False))


def archive_name(version: str, format: str = "parquet") -> str:
    """File name of the release archive of ``version`` in ``format``."""
    check_version(version)
    if format not in FORMATS:
        raise FetchError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
    return csv_zip_name(version) if format == "csv" else parquet_zip_name(version)


def check_version(version: str) -> None:
    # The version becomes part of paths in the cache: accept nothing but X.Y.Z.
    if not _VERSION.fullmatch(version):
        raise FetchError(f"{version!r} is not a version: give X.Y.Z, for example 0.1.0")


def _version_dir(version: str) -> Path:
    return cache_dir() / release_dir_name(version)


def release_folder(version: str, format: str) -> Path:
    """Where the extracted release of ``version`` in ``format`` lives in the cache."""
    return _version_dir(version) / archive_name(version, format).removesuffix(".zip")


def cached_sha256(folder: Path) -> str | None:
    """Hash of the archive an extracted folder came from, or None if it is not a whole one."""
    try:
        digest = (folder / MARKER).read_text(encoding="utf-8").split(" ", 1)[0]
    except (OSError, UnicodeDecodeError):  # missing, unreadable or not text: not a whole fetch
        return None
    return digest if re.fullmatch(r"[0-9a-f]{64}", digest) else None


def check_release(folder: Path, expected: str) -> str | None:
    """None when ``folder`` holds exactly the archive of SHA-256 ``expected``, extracted; else
    what is wrong with it (missing, altered, incomplete), for a message.

    Costs one read of the archive and of every extracted file: a few milliseconds for a release.
    """
    if not folder.exists():
        return "it is not in the cache"
    if cached_sha256(folder) != expected:
        return f"its marker {folder / MARKER} does not name the archive {expected}"
    archive = folder.with_name(folder.name + ".zip")
    try:
        with archive.open("rb") as file:
            got = hashlib.file_digest(file, "sha256").hexdigest()
        if got != expected:
            return f"the archive {archive} it was extracted from has SHA-256 {got}"
        with zipfile.ZipFile(archive) as source:
            return _compare(folder, source)
    except (OSError, zipfile.BadZipFile) as exc:
        return f"the archive {archive} it was extracted from cannot be read ({exc})"


def _compare(folder: Path, source: zipfile.ZipFile) -> str | None:
    """What differs between the extracted ``folder`` and the entries of ``source``."""
    entries = {info.filename: info for info in source.infolist() if not info.is_dir()}
    found = {
        p.relative_to(folder).as_posix(): p
        for p in folder.rglob("*")
        if p.is_symlink() or not p.is_dir()
    }
    found.pop(MARKER, None)
    missing, extra = sorted(entries.keys() - found), sorted(found.keys() - entries)
    if missing or extra:
        return f"files missing: {missing or 'none'}, files not in the archive: {extra or 'none'}"
    for name, info in sorted(entries.items()):
        path = found[name]
        if path.is_symlink() or not path.is_file():
            return f"{path} is not a regular file"
        with source.open(info) as member, path.open("rb") as file:
            wanted = hashlib.file_digest(member, "sha256").hexdigest()  # type: ignore[arg-type]
            if hashlib.file_digest(file, "sha256").hexdigest() != wanted:
                return f"{path} differs from the archive's {name}"
    return None


@contextmanager
def version_lock(version: str) -> Iterator[None]:
    """Hold the lock of ``version``: one process at a time downloads or removes it."""
    from filelock import FileLock, Timeout

    locks = cache_dir() / ".locks"
    try:
        locks.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FetchError(
            f"cannot write to the cache folder {cache_dir()}: {exc}. "
            f"Set {CACHE_DIR_ENV} to a folder you can write to."
        ) from exc
    # Outside the version's folder, so that clearing the cache never deletes a lock in use.
    lock = FileLock(locks / f"v{version}.lock", timeout=_LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout as exc:
        raise FetchError(
            f"another process has held the lock {lock.lock_file} for {_LOCK_TIMEOUT} s while "
            f"fetching version {version}; wait for it to finish, or stop it, and try again."
        ) from exc
    except OSError as exc:
        raise FetchError(
            f"cannot create the lock file {lock.lock_file} in the cache folder {cache_dir()}: "
            f"{exc}. Make it writable, or set {CACHE_DIR_ENV} to a folder you can write to."
        ) from exc
    try:
        yield
    finally:
        lock.release()


# --- the cache ----------------------------------------------------------------------------------


def cached_releases() -> list[CachedRelease]:
    """Every complete, extracted release in the cache (its marker written), oldest version
    first; ``check_release`` verifies one before it is used."""
    root = cache_dir()
    versions = [p.name[1:] for p in root.glob("v*") if _VERSION.fullmatch(p.name[1:])]
    found = []
    for version in sorted(versions, key=version_key):
        for format in FORMATS:
            folder = release_folder(version, format)
            digest = cached_sha256(folder)
            if digest:
                found.append(CachedRelease(version, format, folder, digest, _size(folder)))
    return found


def _size(folder: Path) -> int:
    """Bytes of the extracted release and of the archive kept beside it."""
    archive = folder.with_name(folder.name + ".zip")
    files = [p for p in folder.rglob("*") if p.is_file()]
    files += [archive] if archive.is_file() else []
    return sum(p.stat().st_size for p in files)


def clear_cache(version: str | None = None) -> list[Path]:
    """Remove the cached releases (of ``version``, or all); the folders removed.

    Only ``v{X.Y.Z}`` folders are removed, each under its lock: the cache folder may have been
    pointed at a folder that holds other things too.
    """
    root = cache_dir()
    if version is not None:
        check_version(version)
    folders = sorted(p for p in root.glob("v*") if p.is_dir() and _VERSION.fullmatch(p.name[1:]))
    removed = []
    for folder in folders:
        if version in (None, folder.name[1:]):
            with version_lock(folder.name[1:]):
                shutil.rmtree(folder)
            removed.append(folder)
    return removed
