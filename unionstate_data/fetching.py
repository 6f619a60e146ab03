"""Fetch a published release into the local cache, verified, so that any version can be loaded.

A paper cites version 0.2.0; its reader has 0.5.0 installed. ``fetch("0.2.0")`` downloads that
release's archive, checks its SHA-256 against the one shipped in this package's registry (or one
the caller gives), extracts it safely and returns the folder. The cache holds, per version::

    v{version}/unionstate-data-{version}-{format}.zip   the verified download
    v{version}/unionstate-data-{version}-{format}/      the extracted release: fetch() returns it
        .sha256                                         hash of the archive it was extracted from
        unionstate-data-{version}/...                   the release's files

The extracted folder appears only whole: the archive is extracted into a temporary folder beside
it, which is renamed into place once the archive's hash matched and every entry was written. Its
presence (with a matching ``.sha256``) therefore marks a complete, verified fetch, and a later
call uses it without contacting any server. Downloads are pooch's (temporary file, hash check,
then moved into place); a lock file per version keeps two processes from fetching it at once.

This module is ``fetching``, not ``fetch``: importing a submodule binds its name on the package,
so a module ``unionstate_data.fetch`` would replace the function ``unionstate_data.fetch``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BASE_URL_ENV",
    "CACHE_DIR_ENV",
    "DEFAULT_BASE_URL",
    "FORMATS",
    "CachedRelease",
    "FetchError",
    "archive_name",
    "cache_dir",
    "cached_releases",
    "clear_cache",
    "fetch",
    "release_url",
]

#: Where published release files live: ``{base}/v{version}/{file}``.
#: TO CONFIRM: this is the address the project's GitHub releases will have; check it (and the
#: tests' idea of the layout) as soon as the real release host exists. Defined here only.
DEFAULT_BASE_URL = "https://github.com/unionstate-data/unionstate-data/releases/download"
#: Overrides DEFAULT_BASE_URL (a mirror, a local server).
BASE_URL_ENV = "UNIONSTATE_DATA_URL"
#: Overrides the cache folder (default: the user's cache directory, per platformdirs).
CACHE_DIR_ENV = "UNIONSTATE_DATA_DIR"
#: Release archive formats, the first one the default.
FORMATS = ("parquet", "csv")

_MARKER = ".sha256"
_VERSION = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# (connect, read) seconds: an unreachable server fails fast, a slow one may still stream.
_TIMEOUT = (10, 60)
# Seconds to wait for another process fetching the same version before giving up.
_LOCK_TIMEOUT = 30 * 60


class FetchError(RuntimeError):
    """A release could not be fetched or verified; the message says why and what to do."""


@dataclass(frozen=True)
class CachedRelease:
    """One verified, extracted release in the cache."""

    version: str
    format: str
    path: Path
    sha256: str
    bytes: int


# --- names and places ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """The cache folder: ``$UNIONSTATE_DATA_DIR``, else the user's cache directory."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    import platformdirs  # lazy: nothing is imported until something is fetched

    return Path(platformdirs.user_cache_dir("unionstate-data", appauthor=False))


def base_url(override: str | None = None) -> str:
    """The release address: ``override``, else ``$UNIONSTATE_DATA_URL``, else the default."""
    return (override or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def archive_name(version: str, format: str = "parquet") -> str:
    """File name of the release archive of ``version`` in ``format``."""
    from .release import csv_zip_name, parquet_zip_name

    _check_version(version)
    if format not in FORMATS:
        raise FetchError(f"unknown format {format!r}: choose one of {', '.join(FORMATS)}")
    return csv_zip_name(version) if format == "csv" else parquet_zip_name(version)


def release_url(version: str, name: str, base: str | None = None) -> str:
    """Where the release file ``name`` of ``version`` is published."""
    from .release import release_dir_name

    return f"{base_url(base)}/{release_dir_name(version)}/{name}"


def _check_version(version: str) -> None:
    # The version becomes part of paths in the cache: accept nothing but X.Y.Z.
    if not _VERSION.fullmatch(version):
        raise FetchError(f"{version!r} is not a version: give X.Y.Z, for example 0.1.0")


def _version_dir(version: str) -> Path:
    from .release import release_dir_name

    return cache_dir() / release_dir_name(version)


def _folder(version: str, format: str) -> Path:
    """Where the extracted release of ``version`` in ``format`` lives in the cache."""
    return _version_dir(version) / archive_name(version, format).removesuffix(".zip")


# --- the expected hash ----------------------------------------------------------------------------


def _expected_sha256(version: str, name: str, given: str | None, folder: Path) -> tuple[str, str]:
    """(SHA-256 the archive must have, where that hash comes from)."""
    from .registry import UnknownVersionError, release_info

    given = _normalise_sha256(given) if given is not None else None
    try:
        registered: str | None = release_info(version)["files"].get(name)
    except UnknownVersionError:
        return _unregistered_sha256(version, name, given, folder)
    if registered is None:
        raise FetchError(f"version {version} was published without a file {name}")
    if given is not None and given != registered:
        raise FetchError(
            f"{name}: the SHA-256 you gave ({given}) differs from the one published for "
            f"version {version} ({registered}, in the registry shipped with unionstate-data). "
            "Check where your hash comes from, or leave it out to use the published one."
        )
    return registered, "from the registry shipped with unionstate-data"


def _unregistered_sha256(
    version: str, name: str, given: str | None, folder: Path
) -> tuple[str, str]:
    """The hash of a file of a version this installation does not know."""
    from .registry import known_versions

    if given is not None:
        return given, "as you gave it"
    cached = _cached_sha256(folder)
    if cached is not None:
        # Fetched before with a hash the caller gave: the hash they vouched for then.
        return cached, f"as given when {folder.name} was first fetched"
    raise FetchError(_unknown_version_message(version, name, known_versions()))


def _normalise_sha256(digest: str) -> str:
    text = digest.strip().lower().removeprefix("sha256:")
    if not _SHA256.fullmatch(text):
        raise FetchError(f"{digest!r} is not a SHA-256: give 64 hexadecimal digits")
    return text


def _unknown_version_message(version: str, name: str, known: list[str]) -> str:
    return (
        f"version {version} is not in this installation's registry of releases (it knows "
        f"{', '.join(known) or 'none'}), so the hash of {name} is unknown and nothing was "
        "downloaded. If it is a newer release, upgrade unionstate-data "
        "(pip install -U unionstate-data) to learn its hashes, or give the archive's SHA-256 "
        f"from that release's SHA256SUMS: unionstate-data fetch {version} --sha256 HEX "
        "(or fetch(..., sha256=HEX))."
    )


# --- fetch --------------------------------------------------------------------------------------


def fetch(
    version: str,
    format: str = "parquet",
    *,
    sha256: str | None = None,
    base_url: str | None = None,
    quiet: bool = False,
) -> Path:
    """The verified, extracted release ``version`` in the cache, fetched first if need be.

    ``format``: ``"parquet"`` (``unionstate-data-{version}/{table}.parquet``) or ``"csv"``
    (``unionstate-data-{version}/datapackage/datapackage.json`` and its files). The archive's
    SHA-256 comes from the registry shipped in this package, or from ``sha256`` (needed for a
    version the registry does not know, once: the cache keeps it with the release). ``base_url``
    (or ``$UNIONSTATE_DATA_URL``) replaces the release address; ``quiet`` hides the progress bar.
    A cached release is returned without any network access. Raises FetchError.
    """
    folder = _folder(version, format)
    expected, source = _expected_sha256(version, folder.name + ".zip", sha256, folder)
    if _cached_sha256(folder) == expected:
        return folder  # complete and verified: no network
    with _version_lock(version):
        if _cached_sha256(folder) != expected:  # another process may have fetched it meanwhile
            _fetch_locked(version, folder, expected, source, base_url, quiet)
    return folder


def _fetch_locked(
    version: str, folder: Path, expected: str, source: str, base: str | None, quiet: bool
) -> None:
    """Download, verify and extract, holding the version's lock."""
    _remove_leftovers(folder.parent, version)
    try:
        url = release_url(version, folder.name + ".zip", base)
        archive = _download(url, folder, expected, source, quiet)
        _extract(archive, folder, version, expected)
    finally:
        # A failed first fetch leaves no empty folder behind to look like a cached version.
        if folder.parent.is_dir() and not any(folder.parent.iterdir()):
            folder.parent.rmdir()


def _cached_sha256(folder: Path) -> str | None:
    """Hash of the archive an extracted folder came from, or None if it is not a whole one."""
    marker = folder / _MARKER
    if not marker.is_file():
        return None
    return marker.read_text(encoding="utf-8").split(" ", 1)[0]


@contextmanager
def _version_lock(version: str) -> Iterator[None]:
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
    try:
        yield
    finally:
        lock.release()


def _remove_leftovers(version_dir: Path, version: str) -> None:
    """Delete what interrupted fetches left (pooch's temporary files, our staging folders).

    Only called under the version's lock, so nothing else is writing here right now.
    """
    if not version_dir.is_dir():
        return
    keep = {archive_name(version, f) for f in FORMATS}
    keep |= {name.removesuffix(".zip") for name in keep}
    for entry in version_dir.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# --- download -----------------------------------------------------------------------------------


class _HashingDownloader:
    """pooch's HTTP downloader that also notes the SHA-256 of the bytes it received.

    pooch deletes a download whose hash does not match before it raises; noting the hash first
    lets our error name what arrived as well as what was expected.
    """

    def __init__(self, progressbar: bool) -> None:
        import pooch

        self._http = pooch.HTTPDownloader(progressbar=progressbar, timeout=_TIMEOUT)
        self.received: str | None = None

    def __call__(self, url: str, output_file: str, pooch: Any, check_only: bool = False) -> Any:
        result = self._http(url, output_file, pooch, check_only=check_only)
        if not check_only:
            self.received = _file_sha256(Path(output_file))
        return result


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _download(url: str, folder: Path, expected: str, source: str, quiet: bool) -> Path:
    """The verified archive in the cache (downloaded unless a verified copy is there)."""
    import pooch
    import requests

    name = folder.name + ".zip"
    downloader = _HashingDownloader(progressbar=_show_progress(quiet))
    try:
        with _pooch_log(quiet):
            path = pooch.retrieve(
                url,
                known_hash=f"sha256:{expected}",
                fname=name,
                path=folder.parent,
                downloader=downloader,
            )
    except requests.RequestException as exc:
        raise FetchError(_download_failed(url, folder, exc)) from exc
    except ValueError as exc:  # pooch's hash mismatch; anything else is not ours to relabel
        if downloader.received in (None, expected):
            raise
        raise FetchError(
            f"{name}: SHA-256 mismatch: expected {expected} ({source}), got "
            f"{downloader.received}, downloaded from {url}. The download was deleted for safety "
            "and nothing was cached. The file on the server is damaged or is not the published "
            "release, or the expected hash is wrong: check the address and the hash, try again "
            "later, and never use the file in place of the release."
        ) from exc
    return Path(path)


def _show_progress(quiet: bool) -> bool:
    """A progress bar only for a person watching a terminal."""
    return not quiet and sys.stderr is not None and sys.stderr.isatty()


@contextmanager
def _pooch_log(quiet: bool) -> Iterator[None]:
    """pooch announces each download on stderr; keep it silent when asked to be quiet."""
    import pooch

    logger = pooch.get_logger()
    level = logger.level
    if quiet:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _download_failed(url: str, folder: Path, exc: Exception) -> str:
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        status = exc.response.status_code
        why = "the server has no such file" if status == 404 else f"the server answered {status}"
    else:
        why = f"{type(exc).__name__}: {exc}"
    return (
        f"could not download {url}: {why}. Nothing was cached in {cache_dir()}. Check your "
        f"network connection and the release address (${BASE_URL_ENV} replaces "
        f"{DEFAULT_BASE_URL}), or put the archive at {folder.parent / (folder.name + '.zip')} "
        "yourself: it is verified before it is used."
    )


# --- extraction ---------------------------------------------------------------------------------


def _extract(archive: Path, folder: Path, version: str, expected: str) -> None:
    """Extract the verified ``archive`` into ``folder``: whole, or not at all."""
    from zipfile import BadZipFile

    from .archive import UnsafeArchiveError, safe_extract

    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        safe_extract(archive, staging)
        _check_layout(staging, archive, version)
        (staging / _MARKER).write_text(f"{expected}  {archive.name}\n", encoding="utf-8")
        _move_into_place(staging, folder)
    except (UnsafeArchiveError, BadZipFile, FetchError) as exc:
        archive.unlink()  # it matched its hash but cannot be used: keep nothing of it
        raise FetchError(
            f"{archive.name} was refused and deleted; nothing was cached. {exc}"
        ) from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _check_layout(staging: Path, archive: Path, version: str) -> None:
    """A release archive holds exactly one folder, named after its version."""
    found = sorted(entry.name for entry in staging.iterdir())
    wanted = f"unionstate-data-{version}"
    if found != [wanted] or not (staging / wanted).is_dir():
        raise FetchError(
            f"{archive}: a release of version {version} holds one folder {wanted}/, "
            f"this archive holds {found}; it is not that release."
        )


def _move_into_place(staging: Path, folder: Path) -> None:
    """Rename ``staging`` to ``folder``, replacing an older copy only once the new one is whole."""
    if not folder.exists():
        staging.rename(folder)
        return
    old = staging.with_name(staging.name + ".old")
    folder.rename(old)
    staging.rename(folder)
    shutil.rmtree(old)


# --- the cache ----------------------------------------------------------------------------------


def cached_releases() -> list[CachedRelease]:
    """Every verified, extracted release in the cache, oldest version first."""
    from .registry import version_key

    root = cache_dir()
    versions = [p.name[1:] for p in root.glob("v*") if _VERSION.fullmatch(p.name[1:])]
    found = []
    for version in sorted(versions, key=version_key):
        for format in FORMATS:
            folder = _folder(version, format)
            digest = _cached_sha256(folder)
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
        _check_version(version)
    folders = sorted(p for p in root.glob("v*") if p.is_dir() and _VERSION.fullmatch(p.name[1:]))
    removed = []
    for folder in folders:
        if version in (None, folder.name[1:]):
            with _version_lock(folder.name[1:]):
                shutil.rmtree(folder)
            removed.append(folder)
    return removed
