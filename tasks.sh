#!/usr/bin/env bash
# The project's two jobs, runnable on a fresh machine with Python 3.11+:
#   bash tasks.sh main   validate the data package and build the release into dist/
#   bash tasks.sh test   lint, type-check and run the whole test suite
# Each creates .venv/ on first use and installs the package (editable) with what the job needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

ensure_venv() {
  local extras="$1"
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "tasks.sh: $("$PYTHON" --version 2>&1) is too old; unionstate-data needs Python 3.11+" >&2
    exit 2
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  local target="."
  [ -z "$extras" ] || target=".[$extras]"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target"
}

case "${1:-}" in
  main)
    ensure_venv "stata"   # pandas: the release's Stata files
    "$VENV/bin/unionstate-data" schema --check
    "$VENV/bin/unionstate-data" build --out dist   # validates first; prints where it landed
    ;;
  test)
    ensure_venv "test,lint"
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/mypy" unionstate_data
    "$VENV/bin/python" -m pytest "${@:2}"
    ;;
  *)
    echo "usage: bash tasks.sh main|test [pytest arguments]" >&2
    exit 2
    ;;
esac
