"""Fetch a published release into the local cache, verified, so that any version can be loaded.

A paper cites version 0.2.0; its reader has 0.5.0 installed. ``fetch("0.2.0")`` downloads that
release's archive, checks its SHA-256 against the one shipped in this package's registry (or one
the caller gives), extracts it safely and returns the folder (the cache's layout: ``cache``).

The extracted folder appears only whole: the archive is extracted into a temporary folder beside
it, which is renamed into place once the archive's hash matched and every entry was written. Its
presence (with a matching ``.sha256``) therefore marks a complete, verified fetch, and a later
call uses it without contacting any server. Downloads are pooch's (temporary file, hash check,
then moved into place); a lock file per version keeps two processes from fetching it at once.

This module is ``fetching``, not ``fetch``: importing a submodule binds its name on the package,
so a module ``unionstate_data.fetch`` would replace the function ``unionstate_data.fetch``.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .._files import replace_folder
from ..archive import UNREADABLE, safe_extract
from ..errors import FetchError, UnknownVersionError, UnsafeArchiveError
from ..releases.layout import release_dir_name, root_folder_name
from ..releases.registry import known_versions, release_info
from .cache import (
    CACHE_DIR_ENV,
    FORMATS,
    MARKER,
    archive_name,
    cache_dir,
    cached_sha256,
    check_release,
    release_folder,
    version_lock,
)
from .download import BoundedDownloader, FetchLimits
from .local import local_archive

__all__ = [
    "BASE_URL_ENV",
    "CACHE_DIR_ENV",
    "DEFAULT_BASE_URL",
    "FORMATS",
    "FetchLimits",
    "archive_name",
    "base_url",
    "cache_dir",
    "fetch",
    "release_url",
]

#: Where published release files live: ``{base}/v{version}/{file}``.
#: TO CONFIRM: this is the address the project's GitHub releases will have; check it (and the
#: tests' idea of the layout) as soon as the real release host exists. Defined here only.
DEFAULT_BASE_URL = "https://github.com/unionstate-data/unionstate-data/releases/download"
#: Overrides DEFAULT_BASE_URL (a mirror, a local server).
BASE_URL_ENV = "UNIONSTATE_DATA_URL"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_log = logging.getLogger(__name__)
#: Where the expected hash comes from for an unregistered version fetched before without one.
_FROM_CACHE = "as given when {} was first fetched"


# --- names and places ---------------------------------------------------------------------------


def base_url(override: str | None = None) -> str:
    """The release address: ``override``, else ``$UNIONSTATE_DATA_URL``, else the default."""
    return (override or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def release_url(version: str, name: str, base: str | None = None) -> str:
    """Where the release file ``name`` of ``version`` is published."""
    return f"{base_url(base)}/{release_dir_name(version)}/{name}"


# --- the expected hash ----------------------------------------------------------------------------


def _expected_sha256(version: str, name: str, given: str | None, folder: Path) -> tuple[str, str]:
    """(SHA-256 the archive must have, where that hash comes from)."""
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
    if given is not None:
        return given, "as you gave it"
    cached = cached_sha256(folder)
    if cached is not None:
        # Fetched before with a hash the caller gave: the hash they vouched for then.
        return cached, _FROM_CACHE.format(folder.name)
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
    limits: FetchLimits | None = None,
) -> Path:
    """The verified, extracted release ``version`` in the cache, fetched first if need be.

    ``format``: ``"parquet"`` (``unionstate-data-{version}/{table}.parquet``) or ``"csv"``
    (``unionstate-data-{version}/datapackage/datapackage.json`` and its files). The archive's
    SHA-256 comes from the registry shipped in this package, or from ``sha256`` (needed for a
    version the registry does not know, once: the cache keeps it with the release). ``base_url``
    (or ``$UNIONSTATE_DATA_URL``) replaces the release address; ``quiet`` hides the progress bar;
    ``limits`` bounds the download's size and time and the archive's expanded size.

    A cached release is checked before it is returned (its archive's hash, and every extracted
    file against the archive), without any network access; one that was altered is fetched
    again, or refused when no trusted hash is known. Raises FetchError.
    """
    limits = limits or FetchLimits()
    folder = release_folder(version, format)
    name = folder.name + ".zip"
    expected, source = _expected_sha256(version, name, sha256, folder)
    if check_release(folder, expected) is None:
        return folder  # complete and verified: no network
    with version_lock(version):
        problem = check_release(folder, expected)  # another process may have fetched it
        if problem is not None:
            _refetch(version, folder, expected, source, problem)
            try:
                _fetch_locked(version, folder, expected, source, base_url, quiet, limits)
            except OSError as exc:  # the cache cannot be written: say where and what to do
                raise FetchError(_cannot_write(folder, exc)) from exc
    return folder


def _refetch(version: str, folder: Path, expected: str, source: str, problem: str) -> None:
    """Say why a cached release is fetched again; refuse when there is no hash to trust."""
    if cached_sha256(folder) is None:
        return  # not fetched yet (or not completed): nothing to report
    if source == _FROM_CACHE.format(folder.name):
        raise FetchError(
            f"the cached release {folder} of version {version} was altered: {problem}. Its "
            "archive's hash is known only from the cache itself, so it cannot be repaired. "
            f"Remove it (unionstate-data cache clear {version}) and fetch it again with the "
            f"hash from that release's SHA256SUMS: unionstate-data fetch {version} --sha256 HEX."
        )
    _log.warning("%s: %s; fetching it again (expected SHA-256 %s)", folder, problem, expected)


def _cannot_write(folder: Path, exc: OSError) -> str:
    return (
        f"cannot write the release into the cache folder {folder.parent}: "
        f"{type(exc).__name__}: {exc}. Nothing usable was cached. Make the folder writable, "
        f"free some space, or set {CACHE_DIR_ENV} to a folder you can write to."
    )


def _fetch_locked(
    version: str,
    folder: Path,
    expected: str,
    source: str,
    base: str | None,
    quiet: bool,
    limits: FetchLimits,
) -> None:
    """Download, verify and extract, holding the version's lock."""
    _remove_leftovers(folder.parent, version)
    try:
        name = folder.name + ".zip"
        url = release_url(version, name, base)
        # The package's own copy or a local mirror first (loading.local): then no network.
        local = local_archive(
            version,
            name,
            folder.parent / name,
            (expected, source),
            base or os.environ.get(BASE_URL_ENV),
        )
        if local is None:
            size = _registered_size(version, name, expected)
            downloader = BoundedDownloader(limits, size, progressbar=_show_progress(quiet))
            local = _download(url, folder, expected, source, quiet, downloader)
        _extract(local, folder, version, expected, limits.max_expanded_bytes)
    finally:
        # A failed first fetch leaves no empty folder behind to look like a cached version.
        if folder.parent.is_dir() and not any(folder.parent.iterdir()):
            folder.parent.rmdir()


def _registered_size(version: str, name: str, expected: str) -> int | None:
    """The registered byte count of ``name`` when the registry's hash is the one expected."""
    try:
        info = release_info(version)
    except UnknownVersionError:
        return None
    size = info.get("bytes", {}).get(name)
    return size if info["files"].get(name) == expected and isinstance(size, int) else None


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


def _download(
    url: str, folder: Path, expected: str, source: str, quiet: bool, downloader: BoundedDownloader
) -> Path:
    """The verified archive in the cache (downloaded unless a verified copy is there)."""
    import pooch
    import requests
    import urllib3

    name = folder.name + ".zip"
    folder.parent.mkdir(parents=True, exist_ok=True)  # here, so that its error is ours
    try:
        with _pooch_log(quiet):
            path = pooch.retrieve(
                url,
                known_hash=f"sha256:{expected}",
                fname=name,
                path=folder.parent,
                downloader=downloader,
            )
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
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


def _extract(archive: Path, folder: Path, version: str, expected: str, max_bytes: int) -> None:
    """Extract the verified ``archive`` into ``folder``: whole, or not at all."""
    # Not tempfile.mkdtemp: it makes the folder 0700, and the cache would then be readable by
    # its owner only. os.mkdir applies the umask, as for any other folder.
    staging = folder.with_name(f".{folder.name}.{secrets.token_hex(6)}")
    staging.mkdir()
    try:
        safe_extract(archive, staging, max_bytes)
        _check_layout(staging, archive, version)
        (staging / MARKER).write_text(f"{expected}  {archive.name}\n", encoding="utf-8")
        replace_folder(staging, folder)
    except (UnsafeArchiveError, FetchError, *UNREADABLE) as exc:
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
    wanted = root_folder_name(version)
    if found != [wanted] or not (staging / wanted).is_dir():
        raise FetchError(
            f"{archive}: a release of version {version} holds one folder {wanted}/, "
            f"this archive holds {found}; it is not that release."
        )
