"""The folder a build writes into: checked, locked, staged beside the target, swapped in whole.

``build --out OUT`` may point at a folder that holds the user's files. The builder replaces
``OUT/v{version}`` only when it holds nothing but release files (what it writes), and refuses
otherwise, deleting nothing. Builds into one folder take turns on a lock file
(``OUT/.v{version}.lock``), so that a build's staging folder (``OUT/.v{version}.staging-*``) is
its own while it holds the lock; staging that a killed build left is removed by the next one.
Where the system can swap two folders in one step (Linux), ``OUT/v{version}`` never disappears.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .._files import replace_folder
from ..errors import BuildError
from .layout import csv_zip_name, parquet_zip_name

__all__ = ["LOCK_TIMEOUT", "release_files", "staged_release"]

#: Seconds a build waits for another build into the same folder before giving up.
LOCK_TIMEOUT = 600.0


def release_files(version: str) -> set[str]:
    """The names of the files a build writes into ``OUT/v{version}/``."""
    return {csv_zip_name(version), parquet_zip_name(version), "manifest.json", "SHA256SUMS"}


@contextmanager
def staged_release(
    out: Path, name: str, version: str, lock_timeout: float = LOCK_TIMEOUT
) -> Iterator[Path]:
    """A fresh staging folder for the release ``out/name``; moved into place when the block
    ends without error, removed otherwise. BuildError when ``out`` or ``out/name`` is not
    the builder's to replace, or cannot be written."""
    target = out / name
    _make_out(out)
    _check_replaceable(target, version)  # before the lock too: a refusal leaves no lock file
    with _lock(out / f".{name}.lock", lock_timeout):
        _remove_stale_staging(out, name, version)
        _check_replaceable(target, version)
        staging = out / f".{name}.staging-{secrets.token_hex(6)}"
        try:
            staging.mkdir()
            yield staging
            replace_folder(staging, target)
        except OSError as exc:
            raise BuildError(_cannot_write(out, exc)) from exc
        finally:
            if staging.exists():
                shutil.rmtree(staging)


def _make_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BuildError(
            f"--out {out} is a file, not a folder; nothing was built. Give a folder "
            "(it is created if missing), for example --out dist."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(_cannot_write(out, exc)) from exc


def _cannot_write(out: Path, exc: OSError) -> str:
    return (
        f"cannot write the release into {out}: {type(exc).__name__}: {exc}. Nothing was "
        "replaced. Make the folder writable, free some space, or choose another with --out."
    )


@contextmanager
def _lock(path: Path, timeout: float) -> Iterator[None]:
    from filelock import FileLock, Timeout

    lock = FileLock(path, timeout=timeout)
    try:
        lock.acquire()
    except Timeout as exc:
        raise BuildError(
            f"another build has held {path} for {timeout:g} s; wait for it to finish "
            "(or stop it) and build again."
        ) from exc
    except OSError as exc:
        raise BuildError(_cannot_write(path.parent, exc)) from exc
    try:
        yield
    finally:
        lock.release()


def _holds_only_release_files(folder: Path, version: str) -> bool:
    """Whether ``folder`` is a folder of nothing but release files (a build's, whole or not)."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return not _foreign(folder, version)


def _foreign(folder: Path, version: str) -> list[str]:
    """The entries of ``folder`` that are not release files as the builder writes them."""
    names = release_files(version)
    return sorted(
        p.name for p in folder.iterdir() if p.name not in names or p.is_symlink() or not p.is_file()
    )


def _remove_stale_staging(out: Path, name: str, version: str) -> None:
    """Remove what killed builds left: staging folders of release files only. Called under
    the lock, so no build is writing into one right now."""
    for entry in out.glob(f".{name}.staging-*"):
        if _holds_only_release_files(entry, version):
            shutil.rmtree(entry)


def _check_replaceable(target: Path, version: str) -> None:
    if not (target.exists() or target.is_symlink()):
        return
    if target.is_symlink() or not target.is_dir():
        raise BuildError(
            f"{target} exists and is not a folder (a file or a link); the builder did not make "
            "it and will not delete it. Nothing was built: move it away, or build into "
            "another folder with --out."
        )
    other = _foreign(target, version)
    if other:
        raise BuildError(
            f"{target} holds files the builder did not write ({', '.join(other)}); "
            "it will not replace that folder and delete them. Nothing was built: move those "
            "files away, or build into another folder with --out."
        )
