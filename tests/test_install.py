"""The wheel, installed into a fresh virtual environment, works away from the checkout.

One wheel is built and installed once for the module; every check then runs the venv's own
interpreter or command from a folder outside the checkout, so nothing can come from the source
tree by accident.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest

from unionstate_data import table_names
from unionstate_data.releases.registry import known_versions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TREATIES_CSV = ROOT / "datapackage" / "data" / "treaties.csv"
# Variables that could point the venv's interpreter back at the checkout or the outer venv.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONSAFEPATH")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path  # the fresh venv's interpreter
    command: Path  # its unionstate-data script
    site_packages: Path
    workdir: Path  # outside the checkout

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
        return subprocess.run(
            [str(a) for a in args],
            capture_output=True,
            text=True,
            cwd=self.workdir,
            env=env,
            timeout=300,
            check=False,
        )

    def python_code(self, code: str) -> str:
        result = self.run(self.python, "-c", code)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


def _build(root: Path, wheels: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, root]
    return subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        cwd=wheels.parent,
        timeout=900,
        check=False,
    )


def _checked(command: list[str | Path], cwd: Path) -> None:
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("install")
    assert not base.resolve().is_relative_to(ROOT)
    wheels = base / "wheels"
    built = _build(ROOT, wheels)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = wheels.glob("unionstate_data-*.whl")
    venv = base / "venv"
    _checked([sys.executable, "-m", "venv", venv], cwd=base)
    python = venv / "bin" / "python"
    _checked([python, "-m", "pip", "install", wheel], cwd=base)
    workdir = base / "elsewhere"
    workdir.mkdir()
    probe = Installed(wheel, python, venv / "bin" / "unionstate-data", Path(), workdir)
    purelib = probe.python_code("import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return Installed(wheel, python, probe.command, Path(purelib).resolve(), workdir)


def checkout_treaty_rows() -> int:
    with TREATIES_CSV.open(encoding="utf-8", newline="") as handle:
        return len(list(csv.reader(handle))) - 1


def test_the_package_imports_from_site_packages_not_from_the_checkout(installed: Installed) -> None:
    code = "import unionstate_data; print(unionstate_data.__file__)"
    location = Path(installed.python_code(code))
    assert location.resolve().is_relative_to(installed.site_packages)


def test_the_installed_version_is_the_one_in_pyproject(installed: Installed) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    got = installed.python_code("import unionstate_data; print(unionstate_data.__version__)")
    assert got == pyproject["project"]["version"]


def test_the_installed_data_validates_and_loads_every_treaty(installed: Installed) -> None:
    code = "import unionstate_data as usd\nassert usd.validate().ok\nprint(len(usd.treaties()))"
    assert installed.python_code(code) == str(checkout_treaty_rows())


def test_the_installed_treaties_table_has_one_row_per_csv_data_row(installed: Installed) -> None:
    code = 'import unionstate_data as usd; print(usd.table("treaties").num_rows)'
    assert installed.python_code(code) == str(checkout_treaty_rows())


def test_info_reports_data_inside_site_packages_not_the_checkout(installed: Installed) -> None:
    result = installed.run(installed.command, "info")
    assert result.returncode == 0, result.stderr
    [data] = [
        line.removeprefix("data: ")
        for line in result.stdout.splitlines()
        if line.startswith("data: ")
    ]
    data_path = Path(data).resolve()
    assert data_path.is_relative_to(installed.site_packages)
    assert not data_path.is_relative_to(ROOT)
    assert data_path.is_file()


def test_the_installed_command_validates_the_shipped_data(installed: Installed) -> None:
    result = installed.run(installed.command, "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("valid: ")


def test_schema_refuses_to_run_outside_a_checkout(installed: Installed) -> None:
    result = installed.run(installed.command, "schema", "--check")
    assert result.returncode == 2
    assert "source checkout" in result.stderr


def test_the_wheel_carries_one_typed_table_per_table_and_the_lists_of_hashes(
    installed: Installed,
) -> None:
    folder = "unionstate_data/_data/typed/"
    with zipfile.ZipFile(installed.wheel) as wheel:
        typed = {n.removeprefix(folder) for n in wheel.namelist() if n.startswith(folder)}
    assert typed == {f"{name}.arrow" for name in table_names()} | {"INPUTS", "TABLES"}


def test_the_installed_package_loads_its_prebuilt_tables_which_equal_the_typed_csvs(
    installed: Installed,
) -> None:
    code = (
        "from unionstate_data import _paths\n"
        "from unionstate_data.loading import prebuilt\n"
        "from unionstate_data.validation.typed import typed_tables\n"
        "found = prebuilt.shipped()\n"
        "assert found is not None, 'the pre-typed tables are not used'\n"
        "typed = typed_tables(_paths.descriptor_path())\n"
        "assert list(found) == list(typed)\n"
        "assert all(found[n].equals(typed[n], check_metadata=True) for n in typed)\n"
        "print(len(found))"
    )
    assert installed.python_code(code) == str(len(table_names()))


def test_loading_every_table_from_the_wheel_leaves_the_typing_code_unimported(
    installed: Installed,
) -> None:
    # The pre-typed tables are read as they are: the CSV typing code (the validation package,
    # pyarrow.csv and pyarrow.compute, about 60 ms) is imported only when they cannot be used.
    code = (
        "import sys\n"
        "import unionstate_data as usd\n"
        "rows = sum(len(getattr(usd, n)()) for n in usd.table_names())\n"
        "loaded = [m for m in ('pyarrow.csv', 'pyarrow.compute', 'unionstate_data.validation')\n"
        "          if m in sys.modules]\n"
        "print(rows > 0, loaded)"
    )
    assert installed.python_code(code) == "True []"


def test_a_wheel_is_not_built_from_data_that_cannot_be_loaded(tmp_path: Path) -> None:
    tree = tmp_path / "checkout"
    for name in ("unionstate_data", "datapackage", "schemas", "seeds"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "hatch_build.py", "README.md", "LICENSE", "LICENSE-DATA"):
        shutil.copy2(ROOT / name, tree / name)
    events = tree / "datapackage" / "data" / "events.csv"
    header, first, *rest = events.read_text(encoding="utf-8").split("\n")
    broken = first.replace(",", ",not-a-slug ", 1)
    events.write_text("\n".join([header, broken, *rest]), encoding="utf-8")
    (tmp_path / "wheels").mkdir()
    built = _build(tree, tmp_path / "wheels")
    assert built.returncode != 0
    assert "DataError" in built.stdout + built.stderr
    assert "events" in built.stdout + built.stderr
    assert list((tmp_path / "wheels").iterdir()) == []


def _wheel_metadata(wheel: Path) -> Message:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return message_from_bytes(archive.read(name))


def test_the_wheel_metadata_links_repository_documentation_changelog_and_issues(
    installed: Installed,
) -> None:
    metadata = _wheel_metadata(installed.wheel)
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    repository = "https://github.com/unionstate-data/unionstate-data"
    assert urls["Repository"] == repository
    for label in ("Documentation", "Changelog", "Issues"):
        assert urls[label].startswith(repository + "/") or urls[label].startswith(repository + "#")


def test_the_wheel_licence_covers_code_and_data_and_carries_both_licence_files(
    installed: Installed,
) -> None:
    metadata = _wheel_metadata(installed.wheel)
    assert metadata["License-Expression"] == "MIT AND CC-BY-4.0"
    assert sorted(metadata.get_all("License-File") or []) == ["LICENSE", "LICENSE-DATA"]
    with zipfile.ZipFile(installed.wheel) as archive:
        names = archive.namelist()
    for licence in ("LICENSE", "LICENSE-DATA"):
        [packed] = [n for n in names if n.endswith(f".dist-info/licenses/{licence}")]
        with zipfile.ZipFile(installed.wheel) as archive:
            assert archive.read(packed) == (ROOT / licence).read_bytes()


def test_the_wheel_is_classified_as_a_scientific_dataset(installed: Installed) -> None:
    classifiers = _wheel_metadata(installed.wheel).get_all("Classifier") or []
    assert "Intended Audience :: Science/Research" in classifiers
    assert "Topic :: Scientific/Engineering :: Information Analysis" in classifiers
    assert "Topic :: Sociology :: History" in classifiers


def test_the_installed_package_loads_every_published_version_with_no_network(
    installed: Installed,
) -> None:
    code = (
        "import os, tempfile\n"
        "os.environ['UNIONSTATE_DATA_DIR'] = tempfile.mkdtemp()\n"
        "os.environ['UNIONSTATE_DATA_URL'] = 'http://127.0.0.1:9'  # nothing listens\n"
        "import unionstate_data as usd\n"
        "from unionstate_data.releases.registry import known_versions\n"
        "print(' '.join(str(len(usd.treaties(version=v))) for v in known_versions()))"
    )
    expected = [
        str(
            json.loads((ROOT / "releases" / f"v{v}" / "manifest.json").read_text())["tables"][
                "treaties"
            ]
        )
        for v in known_versions()
    ]
    assert installed.python_code(code).split() == expected
