"""Small file helpers written once: SHA-256 of bytes and files, sha256sum files, folder swaps.

Standard library only. ``hashlib.file_digest`` reads a file in blocks, so a large archive is never
held whole in memory to be hashed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sys
from pathlib import Path

__all__ = [
    "Sums",
    "exchange",
    "file_sha256",
    "read_sums",
    "replace_folder",
    "sha256",
    "sums_text",
]

Sums = list[tuple[str, str]]  # (SHA-256 hex digest, name), as in a sha256sum file


def sha256(data: bytes | memoryview) -> str:
    """The SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file at ``path``, read in blocks; OSError when it cannot be read."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def sums_text(sums: Sums) -> str:
    """``sums`` in the format ``sha256sum -c`` reads: ``{digest}  {name}`` per line."""
    return "".join(f"{digest}  {name}\n" for digest, name in sums)


def read_sums(path: Path) -> Sums | None:
    """The lines of a sha256sum file, or None when it is missing, unreadable or not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    sums = [tuple(line.split("  ", 1)) for line in lines]
    if not sums or any(len(item) != 2 or len(item[0]) != 64 for item in sums):
        return None
    return [(digest, name) for digest, name in sums]


def replace_folder(staging: Path, target: Path) -> None:
    """Move the finished folder ``staging`` to ``target``, replacing an older ``target`` only
    once the new one is whole. Where the system can swap two paths in one step, ``target`` never
    disappears; elsewhere the old one is renamed aside, the new one renamed in, then the old one
    removed. ``staging`` and ``target`` must be on one file system (siblings)."""
    if not target.exists():
        staging.rename(target)
        return
    if exchange(staging, target):
        # ``staging`` now names the old target, which may be a file or a link, not a folder.
        if staging.is_dir() and not staging.is_symlink():
            shutil.rmtree(staging)
        else:
            staging.unlink()
        return
    old = staging.with_name(staging.name + ".old")
    target.rename(old)
    staging.rename(target)
    shutil.rmtree(old)


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically; False where this system cannot.

    Python has no call for it: Linux's renameat2(RENAME_EXCHANGE) is reached through ctypes
    (glibc 2.28+, most local file systems). Elsewhere, or on a file system without it, the
    caller falls back to two renames.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    paths = os.fsencode(first), os.fsencode(second)
    if renameat2(at_fdcwd, paths[0], at_fdcwd, paths[1], rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
