"""``import unionstate_data`` is light, and its public names are exactly the ones pinned here.

Import weight is measured in a fresh interpreter: this test process has imported the heavy
libraries already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version

import pytest

import unionstate_data

HEAVY = ("pyarrow", "pydantic", "frictionless", "pandas", "polars", "pooch", "requests")

PUBLIC = [
    "DataError",
    "Error",
    "FetchError",
    "Problem",
    "Report",
    "__version__",
    "as_of",
    "cite",
    "clause_themes",
    "clauses",
    "clauses_with_themes",
    "disputes",
    "event_participants",
    "events",
    "events_with_parties",
    "evidence",
    "fetch",
    "frame",
    "gaps",
    "in_force",
    "office_holders",
    "parties",
    "records",
    "sources",
    "table",
    "table_names",
    "treaties",
    "treaties_with_parties",
    "treaties_with_steps",
    "treaty_parties",
    "treaty_relations",
    "treaty_steps",
    "validate",
]


def heavy_modules_after(code: str) -> list[str]:
    """Heavy libraries (or any of their submodules) loaded after running ``code`` afresh."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_importing_the_package_loads_no_heavy_library() -> None:
    assert heavy_modules_after("import unionstate_data") == []


def test_reading_the_version_loads_no_heavy_library() -> None:
    code = (
        "import unionstate_data\n"
        f"assert unionstate_data.__version__ == {version('unionstate-data')!r}"
    )
    assert heavy_modules_after(code) == []


def test_the_probe_does_see_a_heavy_library_once_data_is_loaded() -> None:
    # Guards the two tests above: the probe must be able to report a heavy import.
    loaded = heavy_modules_after("import unionstate_data\nunionstate_data.table_names()")
    assert "pydantic" in loaded


def test_validating_and_loading_import_neither_pandas_nor_polars() -> None:
    # pa.array and pa.scalar look for pandas (and so import it, about 0.4 s) on first use; the
    # validator and the loaders build their arrays without them (_arrow.strings).
    code = (
        "import unionstate_data as usd\n"
        "assert usd.validate().ok\n"
        "[usd.table(n) for n in usd.table_names()]"
    )
    loaded = heavy_modules_after(code)
    assert "pyarrow" in loaded
    assert not {"pandas", "polars"} & set(loaded)


def test_the_public_names_are_exactly_the_pinned_list() -> None:
    assert unionstate_data.__all__ == PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(unionstate_data, name) is not None


def test_the_version_attribute_is_the_installed_distribution_version() -> None:
    assert unionstate_data.__version__ == version("unionstate-data")


def test_dir_lists_exactly_the_public_names_sorted() -> None:
    assert dir(unionstate_data) == sorted(PUBLIC)


def test_an_unknown_attribute_raises_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="no_such_table"):
        _ = unionstate_data.no_such_table


def test_the_package_docstring_holds_no_examples_that_never_run() -> None:
    import doctest

    examples = [t for t in doctest.DocTestFinder().find(unionstate_data) if t.examples]
    assert examples == []
