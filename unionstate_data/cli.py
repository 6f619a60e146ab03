"""The ``unionstate-data`` command: a thin shell over the library, one function per command.

Exit codes: 0 success, 1 the data is invalid (or differs from what is expected), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def cmd_validate(args: argparse.Namespace) -> int:
    from .validator import validate

    report = validate(args.path)
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
    from .loaders import table, table_names

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
    from ._version import get_version
    from .schema import check_generated, write_generated

    root = checkout_root()
    if root is None:
        print(
            "schema: run this from a source checkout (pip install -e .); the installed "
            "package has no schemas/ to write",
            file=sys.stderr,
        )
        return 2
    if args.write:
        changed = write_generated(root, get_version())
        print("rewrote: " + (", ".join(changed) if changed else "nothing (up to date)"))
        return 0
    drift = check_generated(root, get_version())
    for path in drift:
        print(
            f"drift: {path} differs from what unionstate_data/models.py generates; "
            "run `unionstate-data schema --write`",
            file=sys.stderr,
        )
    return 1 if drift else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unionstate-data",
        description="The Union State of Russia and Belarus dataset: validate, inspect, build.",
    )
    parser.add_argument("--version", action="version", version=_version_text())
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="validate a data package (default: shipped)")
    validate.add_argument("path", nargs="?", type=Path, help="a datapackage.json")
    validate.add_argument("--json", action="store_true", help="machine-readable report")
    validate.set_defaults(run=cmd_validate)

    info = commands.add_parser("info", help="version, tables and row counts, data location")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    info.set_defaults(run=cmd_info)

    schema = commands.add_parser("schema", help="check or regenerate schemas/ from the models")
    mode = schema.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="fail on drift (default)")
    mode.add_argument("--write", action="store_true", help="rewrite the generated files")
    schema.set_defaults(run=cmd_schema)
    return parser


def _version_text() -> str:
    from ._version import get_version

    return f"unionstate-data {get_version()}"


def main(argv: Sequence[str] | None = None) -> int:
    from .loaders import DataError

    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except DataError as exc:  # broken data: the message lists every problem; no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
