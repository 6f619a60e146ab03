"""Every path a package names, confined to the package (standard library only).

A descriptor given to ``validate`` may be hostile: a resource ``path`` of ``/etc/passwd`` or
``../../secret`` would otherwise be opened, and its lines would come back in problem messages.
Frictionless refuses such paths as "not safe"; so does this module, and says why.

The package is the folder holding ``datapackage.json``, with ``schemas/`` and ``seeds/`` beside
that folder (this project's layout: ``datapackage/``, ``schemas/``, ``seeds/`` side by side):
- data files lie inside the descriptor's folder;
- Table Schemas inside the descriptor's folder or ``../schemas/``;
- stored sources inside ``../seeds/``.
A path must be relative, without a URL scheme or a backslash, and must still lie inside its
area once every symlink is resolved. Nothing outside is ever opened.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

__all__ = ["Areas", "confine", "not_a_file"]

# "https:", "file:", "c:" ...: a scheme or a Windows drive; neither names a file in the package.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Areas:
    """The folders a package's paths may lead into, for the descriptor at ``descriptor``."""

    def __init__(self, descriptor: Path) -> None:
        self.base = descriptor.parent
        self.data = (self.base,)
        self.schemas = (self.base, self.base.parent / "schemas")
        self.seeds = (self.base.parent / "seeds",)


def confine(base: Path, ref: object, areas: tuple[Path, ...]) -> tuple[Path | None, str]:
    """``base / ref`` when it lies inside one of ``areas``; else None and why it is refused."""
    if not isinstance(ref, str) or not ref:
        return None, "is not a non-empty string"
    if "\x00" in ref or "\\" in ref:
        return None, "holds a NUL or a backslash; use / between folders"
    if ref.startswith("/"):
        return None, "is absolute; give it relative to the descriptor's folder"
    if _SCHEME.match(ref):
        return None, "is a URL or a drive; only files inside the package are read"
    path = base / ref
    try:
        resolved = path.resolve()
        inside = any(resolved.is_relative_to(area.resolve()) for area in areas)
    except (OSError, RuntimeError) as exc:  # a symlink loop, or a folder we may not enter
        return None, f"cannot be resolved ({exc})"
    if not inside:
        allowed = " or ".join(str(area) for area in areas)
        return None, f"leads outside the package (to {resolved}); it must stay inside {allowed}"
    return path, ""


def not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a regular file ("does not exist", ...); None if it can be.
    (``Path.is_file`` raises for some errors, a name too long for one; this never does.)"""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except (OSError, ValueError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    return None if stat.S_ISREG(mode) else "is not a regular file (a folder, a pipe, a device)"
