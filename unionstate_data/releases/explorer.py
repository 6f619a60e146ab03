"""The timeline explorer: one self-contained HTML page built from the tables of a version.

The page is the template ``explorer_page/page.html`` with its stylesheet, its script and the
data (``releases.explorer_data``) written inline: it needs no server, no network and no library,
and opens from ``file://``. Its bytes depend only on the data, the version and the citation (no
timestamp), so a release built twice carries the same page.

``unionstate-data explore`` writes the page of the installed data (or ``--version X``) and opens
it in the default browser. ``python -m unionstate_data.releases.explorer --screenshot FILE``
renders the page in headless Chromium (Playwright with the system's ``chromium``) and saves a
PNG: the README's screenshot.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pyarrow as pa

from .._version import data_version
from ..citation import apa, cite, load_citation
from ..errors import UsageError
from .explorer_data import explorer_data

__all__ = ["PAGE_NAME", "page_for_descriptor", "page_html", "screenshot", "write_page"]

#: The page's file name, in the release zips and by default for ``explore``.
PAGE_NAME = "explorer.html"
_ASSETS = ("page.html", "explorer.css", "explorer.js")


def _asset(name: str) -> str:
    return (resources.files(__package__) / "explorer_page" / name).read_text(encoding="utf-8")


def page_html(tables: dict[str, pa.Table], version: str, citation: str) -> str:
    """The page for these typed tables, of ``version``, cited as ``citation`` (plain text)."""
    data = explorer_data(tables, version, citation)
    # "<" only occurs inside JSON strings, where \u003c means the same: no "</script>" can end
    # the data block early.
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    page, css, script = (_asset(name) for name in _ASSETS)
    return (
        page.replace("/*STYLE*/", css)
        .replace("/*SCRIPT*/", script)
        .replace("{{VERSION}}", version)
        .replace("/*DATA*/", text.replace("<", "\\u003c"))
    )


def page_for_descriptor(descriptor: Path) -> bytes:
    """The page of the package at ``descriptor`` (what a release built from it ships)."""
    from ..validation.typed import typed_tables

    citation = load_citation(descriptor=descriptor)
    return page_html(typed_tables(descriptor), citation.version, apa(citation)).encode("utf-8")


def write_page(out: Path | None = None, version: str | None = None) -> Path:
    """Write the page of ``version`` (default: the installed data) to ``out`` (default:
    ``explorer-{version}.html`` in the working directory's ``.``); returns the path written."""
    from ..loading.tables import table, table_names

    version = version or data_version()
    tables = {}
    for name in table_names():
        try:
            tables[name] = table(name, version)
        except UsageError:  # an older version lacks tables added since (0.1.0: no gaps)
            continue
    html = page_html(tables, version, cite("apa", version=version).strip())
    target = Path(out) if out is not None else Path(f"explorer-{version}.html")
    if target.is_dir():
        raise UsageError(f"--out {target} is a folder; give a file name such as {PAGE_NAME}")
    _write_atomically(target, html.encode("utf-8"))
    return target


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` beside ``target``, then rename it into place: never a half page."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o666 & ~umask)  # as a plain open() would (mkstemp gives 0600)
        os.replace(staging, target)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def screenshot(png: Path, *, width: int = 1280, height: int = 900) -> Path:
    """Render the installed data's page in headless Chromium, offline, and save it as ``png``.

    Needs Playwright (the ``test`` extra) and the system's ``chromium`` (``apt-get install
    chromium``); Playwright's own browser download is never used.
    """
    from playwright.sync_api import sync_playwright  # a test dependency: only when asked

    chromium = shutil.which("chromium")
    if chromium is None:
        raise UsageError("no chromium on PATH: install it (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        page_path = write_page(Path(folder) / PAGE_NAME)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            context = browser.new_context(viewport={"width": width, "height": height}, offline=True)
            page = context.new_page()
            page.route("**/*", _only_files)
            page.goto(page_path.resolve().as_uri())
            page.click("#items [data-id='treaty:union-state-treaty-1999']")
            page.fill("#asof", "2000-06")
            page.dispatch_event("#asof", "change")
            page.evaluate("window.scrollTo(0, 0)")  # the click scrolled the item into view
            page.screenshot(path=str(png), type="png")
            browser.close()
    return png


def _only_files(route: object) -> None:
    """Abort every request that is not for a local file: the page must need none."""
    request_url: str = route.request.url  # type: ignore[attr-defined]
    if request_url.startswith("file://"):
        route.continue_()  # type: ignore[attr-defined]
    else:
        route.abort()  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unionstate_data.releases.explorer")
    parser.add_argument("--screenshot", type=Path, required=True, help="PNG file to write")
    args = parser.parse_args(argv)
    print(screenshot(args.screenshot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
