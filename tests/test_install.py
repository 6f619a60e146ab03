"""The wheel, installed into a fresh virtual environment, works away from the checkout.

One wheel is built and installed once for the module; every check then runs the venv's own
interpreter or command from a folder outside the checkout, so nothing can come from the source
tree by accident.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TREATIES_CSV = ROOT / "datapackage" / "data" / "treaties.csv"
# Variables that could point the venv's interpreter back at the checkout or the outer venv.
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP", "PYTHONSAFEPATH")


@dataclass(frozen=True)
class Installed:
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
    _checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, ROOT], cwd=base)
    [wheel] = wheels.glob("unionstate_data-*.whl")
    venv = base / "venv"
    _checked([sys.executable, "-m", "venv", venv], cwd=base)
    python = venv / "bin" / "python"
    _checked([python, "-m", "pip", "install", wheel], cwd=base)
    workdir = base / "elsewhere"
    workdir.mkdir()
    probe = Installed(python, venv / "bin" / "unionstate-data", Path(), workdir)
    purelib = probe.python_code("import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return Installed(python, probe.command, Path(purelib).resolve(), workdir)


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
