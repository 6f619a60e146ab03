"""The ``unionstate-data`` command: a thin shell over the library, one function per command.

Exit codes: 0 success, 1 the data is invalid (or differs from what is expected, or a command
failed), 2 usage error. Every error the library raises on purpose derives from
``unionstate_data.Error``; ``main`` catches it once and prints its message, never a traceback.
Commands import what they need when they run, so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def cmd_validate(args: argparse.Namespace) -> int:
    from .releases.inputs import open_package
    from .validation.memory import use_jemalloc
    from .validation.validator import validate

    use_jemalloc()
    if args.path is None:
        report = validate()
    else:  # a release zip or folder, a version: its descriptor (extracted for the while)
        with open_package(args.path) as descriptor:
            report = validate(descriptor)
        if not descriptor.exists():  # extracted from a zip into a folder now gone: name the zip
            report.path = f"{args.path} ({Path(*descriptor.parts[-3:])} inside)"
    if args.json:
        print(report.to_json())
    elif report.ok:
        counts = ", ".join(f"{n} {t}" for t, n in report.row_counts.items())
        print(f"valid: {report.path} ({counts})")
    else:
        print("code\tresource:row:field\tmessage")
        for problem in report.problems:
            print(problem.line())
        print(f"invalid: {report.path}: {len(report.problems)} problem(s)", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_info(args: argparse.Namespace) -> int:
    from ._paths import descriptor_path
    from ._version import get_version
    from .loading.tables import table, table_names

    info = {
        "version": get_version(),
        "descriptor": str(descriptor_path()),
        "tables": {name: table(name).num_rows for name in table_names()},
    }
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    print(f"unionstate-data {info['version']}")
    print(f"data: {info['descriptor']}")
    for name, rows in info["tables"].items():  # type: ignore[attr-defined]
        print(f"  {name:<20} {rows:>6} rows")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from ._paths import checkout_root
    from ._version import data_version
    from .generated import check_generated, write_generated

    root = checkout_root()
    if root is None:
        print(
            "schema: run this from a source checkout (pip install -e .); the installed "
            "package has no schemas/ to write",
            file=sys.stderr,
        )
        return 2
    if args.write:
        changed = write_generated(root, data_version())
        print("rewrote: " + (", ".join(changed) if changed else "nothing (up to date)"))
        return 0
    drift = check_generated(root, data_version())
    for path in drift:
        print(
            f"drift: {path} differs from what unionstate_data/model/tables.py generates; "
            "run `unionstate-data schema --write`",
            file=sys.stderr,
        )
    return 1 if drift else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .releases.build import build

    release = build(args.out)
    print(f"built {release.path}")
    for name, entry in release.manifest["files"].items():
        print(f"  {name}  {entry['bytes']} bytes  sha256 {entry['sha256']}")
    if args.publish:
        return _publish(release.path)
    return 0


def _publish(release_path: Path) -> int:
    from ._paths import checkout_root
    from ._version import data_version
    from .generated import write_generated
    from .releases.build import publish

    root = checkout_root()
    if root is None:
        print("build --publish: run this from a source checkout", file=sys.stderr)
        return 2
    folder = publish(release_path, root)
    write_generated(root, data_version())
    print(f"published: {folder} (and unionstate_data/registry.json); commit both")
    return 0


def cmd_cite(args: argparse.Namespace) -> int:
    from .citation import cite

    if args.old_version is _PROGRAM_VERSION:  # `cite --version` alone: the program's, as at the top
        print(_version_text())
        return 0
    if args.old_version is not None:
        _deprecated("cite --version VERSION", f"cite {args.old_version}")
    if args.old_format is not None:
        _deprecated("cite --format", f"cite --style {args.old_format}")
    style = args.old_format or args.style
    print(cite(style, version=args.version or args.old_version, sources=args.sources), end="")
    return 0


_PROGRAM_VERSION = object()  # the value of a bare `cite --version`


def _deprecated(old: str, new: str) -> None:
    print(f"warning: `{old}` is deprecated and will be removed; use `{new}`", file=sys.stderr)


def cmd_codebook(args: argparse.Namespace) -> int:
    from .releases.codebook import shipped_codebook

    print(shipped_codebook(args.release, args.format), end="")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .releases.diff import diff_packages

    result = diff_packages(args.old, args.new)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(result.lines()))
    return 0


def cmd_explore(args: argparse.Namespace) -> int:
    from .releases.explorer import write_page

    path = write_page(args.out, version=args.version)
    print(path)
    if not args.no_open:
        import webbrowser

        if not webbrowser.open(path.resolve().as_uri()):
            print(f"explore: no browser could be started; open {path} yourself", file=sys.stderr)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    from .loading.fetching import fetch

    try:
        path = fetch(args.version, format=args.format, sha256=args.sha256, quiet=args.quiet)
    except OSError as exc:  # e.g. the disk filled up while extracting: say which file
        print(f"fetch: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    try:
        return _cache_clear(args.version) if args.action == "clear" else _cache_list(args.json)
    except OSError as exc:  # the cache folder cannot be read or changed: say which
        print(f"cache {args.action}: {exc}", file=sys.stderr)
        return 1


def _cache_list(as_json: bool) -> int:
    from .loading.cache import cache_dir, cached_releases

    entries = cached_releases()
    if as_json:
        rows = [{**vars(e), "path": str(e.path)} for e in entries]
        print(json.dumps({"cache": str(cache_dir()), "releases": rows}, indent=2))
        return 0
    print(f"cache: {cache_dir()}" + ("" if entries else " (empty)"))
    for e in entries:
        print(f"  {e.version:<10} {e.format:<8} {e.bytes:>10} bytes  {e.path}")
    return 0


def _cache_clear(version: str | None) -> int:
    from .loading.cache import cache_dir, clear_cache

    removed = clear_cache(version)
    for folder in removed:
        print(f"removed {folder}")
    if not removed:
        print(f"nothing to remove in {cache_dir()}")
    return 0


def cmd_as_of(args: argparse.Namespace) -> int:
    from .queries.asof import as_of
    from .queries.render import snapshot_csv, snapshot_json, snapshot_text

    snapshot = as_of(args.date)
    if args.json:
        print(snapshot_json(snapshot, args.date))
    elif args.csv:
        print(snapshot_csv(snapshot), end="")
    else:
        print(snapshot_text(snapshot, args.date))
    return 0


def _parser() -> argparse.ArgumentParser:
    from .citation import STYLES
    from .loading.cache import FORMATS  # stdlib imports only: the parser stays fast

    parser = argparse.ArgumentParser(
        prog="unionstate-data",
        description="The Union State of Russia and Belarus dataset: validate, inspect, build.",
    )
    parser.add_argument("--version", action="version", version=_version_text())
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="validate a data package (default: shipped)")
    validate.add_argument(
        "path",
        nargs="?",
        help="a datapackage.json, a folder holding one, a CSV release zip or folder, or a "
        "version (default: the shipped package)",
    )
    validate.add_argument("--json", action="store_true", help="machine-readable report")
    validate.set_defaults(run=cmd_validate)

    info = commands.add_parser("info", help="version, tables and row counts, data location")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(run=cmd_info)

    build = commands.add_parser("build", help="validate, then build the release into OUT")
    build.add_argument("--out", type=Path, default=Path("dist"), help="output folder (dist/)")
    build.add_argument(
        "--publish", action="store_true", help="record the release in releases/ (checkout only)"
    )
    build.set_defaults(run=cmd_build)

    cite = commands.add_parser("cite", help="how to cite this version (or VERSION)")
    cite.add_argument("version", nargs="?", help="a published version (default: the installed one)")
    cite.add_argument(
        "--style", choices=STYLES, default=STYLES[0], help="citation style (default: bibtex)"
    )
    cite.add_argument("--format", dest="old_format", choices=STYLES, help=argparse.SUPPRESS)
    cite.add_argument(  # deprecated: VERSION is positional, as for fetch; bare: the program's
        "--version", dest="old_version", nargs="?", const=_PROGRAM_VERSION, help=argparse.SUPPRESS
    )
    cite.add_argument("--sources", action="store_true", help="also list the upstream sources")
    cite.set_defaults(run=cmd_cite)

    codebook = commands.add_parser(
        "codebook", help="every table, column and allowed value explained (Markdown or HTML)"
    )
    codebook.add_argument("--format", choices=("md", "html"), default="md", help="(default: md)")
    codebook.add_argument(
        "--release",
        choices=("parquet", "csv"),
        default="parquet",
        help="the zip whose columns it describes: parquet (with the Stata files; default) or csv",
    )
    codebook.set_defaults(run=cmd_codebook)

    diff = commands.add_parser("diff", help="rows and schema changed between two versions")
    for end in ("old", "new"):
        diff.add_argument(
            end,
            help="a version, a release folder or zip (CSV or Parquet), the folder `fetch` "
            "prints, or a datapackage.json",
        )
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.set_defaults(run=cmd_diff)

    explore = commands.add_parser(
        "explore", help="write the timeline explorer page and open it in the browser"
    )
    explore.add_argument("--version", help="a published version (default: the installed data)")
    explore.add_argument(
        "--out", type=Path, help="the HTML file to write (default: explorer-VERSION.html)"
    )
    explore.add_argument("--no-open", action="store_true", help="write it, do not open it")
    explore.set_defaults(run=cmd_explore)

    fetch = commands.add_parser(
        "fetch", help="download a published version, verified, into the cache"
    )
    fetch.add_argument("version", help="a published version, e.g. 0.1.0")
    fetch.add_argument("--format", choices=FORMATS, default=FORMATS[0])
    fetch.add_argument(
        "--sha256", help="the archive's SHA-256 (for versions this install does not know)"
    )
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(run=cmd_fetch)

    cache = commands.add_parser("cache", help="list or clear the fetched versions")
    actions = cache.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="the cached versions, their formats and sizes")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    clear = actions.add_parser("clear", help="remove the cached versions (or only VERSION)")
    clear.add_argument("version", nargs="?", help="only this version")
    for action in (listing, clear):
        action.set_defaults(run=cmd_cache)

    as_of = commands.add_parser(
        "as-of", help="what was in force and in existence on DATE: treaties, bodies, offices"
    )
    as_of.add_argument("date", help="the day, YYYY-MM-DD (or a month or year: YYYY-MM, YYYY)")
    output = as_of.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="every table's rows as JSON")
    output.add_argument("--csv", action="store_true", help="one CSV: table, id, status, reason")
    as_of.set_defaults(run=cmd_as_of)

    schema = commands.add_parser("schema", help="check or regenerate the generated files")
    mode = schema.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail on drift (default)")
    mode.add_argument("--write", action="store_true", help="rewrite the generated files")
    schema.set_defaults(run=cmd_schema)
    return parser


def _version_text() -> str:
    from ._version import get_version

    return f"unionstate-data {get_version()}"


def main(argv: Sequence[str] | None = None) -> int:
    from .errors import BuildError, Error

    args = _parser().parse_args(argv)
    if args.command == "validate":  # before pyarrow loads (validation.memory)
        from .validation.memory import configure_jemalloc

        configure_jemalloc()
    try:
        code: int = args.run(args)
        sys.stdout.flush()  # here, not at exit: a reader that left (``| head``) is seen below
    except Error as exc:  # every error the library raises on purpose: its message, no traceback
        print(f"{args.command}: {exc}", file=sys.stderr)
        if isinstance(exc, BuildError):  # a DataError's message lists its problems already
            for problem in exc.problems:
                print(problem.line(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader of the output went away (``| head``): nothing more to say. Python flushes
        # stdout again at exit and would print a traceback then, so stdout goes to devnull.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
