"""README.md's Performance section shows the figures of benchmarks/results.md, and only those.

The section is generated: ``benchmarks/run.py --readme`` prints it from results.md (the run that
measured them writes results.md). After every benchmark run, paste that output over the README's
``## Performance`` section. The README tests below fail on drift, and when the generated
section is missing.

The figures are compared cell by cell with results.md, parsed here independently of the
generator, and the generated text as a whole with what the generator makes of results.md now.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results.md"


@pytest.fixture(scope="module")
def results_module() -> ModuleType:
    """benchmarks/_results.py (the benchmarks are scripts, not a package)."""
    path = ROOT / "benchmarks" / "_results.py"
    spec = importlib.util.spec_from_file_location("benchmarks_results", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results_text() -> str:
    return RESULTS.read_text(encoding="utf-8")


def _generated(results_module: ModuleType, source: str, results_text: str) -> str:
    """The generated text of the Performance section: README.md's, or the generator's now."""
    if source == "generator":
        section = results_module.readme_section(results_text)
    else:
        section = results_module.performance_section(README.read_text(encoding="utf-8"))
    block = results_module.generated_block(section)
    assert block is not None, (
        "README.md's Performance section has no generated text: paste the output of "
        "`.venv/bin/python benchmarks/run.py --readme` over it"
    )
    return str(block)


def _row(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _cells(results_text: str) -> dict[tuple[str, str], dict[str, str]]:
    """results.md's cells by (table, size or size/validator): parsed without the generator."""
    cells: dict[tuple[str, str], dict[str, str]] = {}
    heading, header = "", None
    for line in results_text.splitlines():
        if not line.startswith("|"):
            heading = line.lstrip("# ").strip() if line.startswith("#") else heading
            header = None
        elif header is None:
            header = _row(line)
        elif not line.startswith("| ---"):
            named = dict(zip(header, _row(line), strict=True))
            if heading.startswith("Benchmark 1"):
                cells[("runs", f"{named['size']}/{named['validator']}")] = named
            elif heading == "Ratios":
                cells[("ratios", named["size"])] = named
    return cells


def _readme_table(block: str) -> list[dict[str, str]]:
    """The rows of the first table of the README's generated text."""
    lines = block.split("\n\n| ", 1)[1].split("\n\n", 1)[0].splitlines()
    header = _row("| " + lines[0])
    return [dict(zip(header, _row(line), strict=True)) for line in lines[2:]]


def _expected_row(size: str, cells: dict[tuple[str, str], dict[str, str]]) -> dict[str, str]:
    """What the README's row of ``size`` must say, each figure read off results.md."""
    ours = cells[("runs", f"{size}/unionstate-data")]
    ratios = cells[("ratios", size)]

    def seconds(validator: str) -> str:
        row = cells[("runs", f"{size}/{validator}")]
        runs = row["runs"]
        few = "" if runs == ours["runs"] else f" ({runs} run{'' if runs == '1' else 's'})"
        return f"{row['wall time, median (s)']} s{few}"

    return {
        "package": f"{size} events + {size} clauses",
        "rows (all tables)": ours["rows (all tables)"],
        "`unionstate-data validate`": f"{ours['wall time, median (s)']} s",
        "DuckDB pass": seconds("DuckDB pass"),
        "Polars pass": seconds("Polars pass"),
        "ours / faster pass": ratios["ours / faster pass"],
        "`frictionless validate`": seconds("frictionless"),
        "frictionless / ours": ratios["frictionless / ours"],
        "our peak memory": f"{ours['peak memory (MiB)']} MiB",
    }


# README.md against results.md: these fail until the generated section is pasted.


@pytest.mark.parametrize("source", ["readme", "generator"])
def test_every_figure_of_the_performance_table_is_its_cell_in_results_md(
    results_module: ModuleType, results_text: str, source: str
) -> None:
    cells = _cells(results_text)
    rows = _readme_table(_generated(results_module, source, results_text))
    sizes = [size for table, size in cells if table == "ratios"]
    assert [row["package"].split()[0] for row in rows] == sizes
    for row in rows:
        assert row == _expected_row(row["package"].split()[0], cells)


def test_the_readme_performance_section_is_generated_from_the_current_results_md(
    results_module: ModuleType, results_text: str
) -> None:
    pasted = _generated(results_module, "readme", results_text)
    assert pasted == _generated(results_module, "generator", results_text), (
        "README.md's Performance section has drifted from benchmarks/results.md: paste the "
        "output of `.venv/bin/python benchmarks/run.py --readme` over it"
    )


def test_the_readme_names_the_date_command_and_machine_of_the_run(
    results_module: ModuleType, results_text: str
) -> None:
    block = _generated(results_module, "readme", results_text)
    first = " ".join(block.split("\n\n", 1)[0].splitlines()[1:])  # the opening paragraph
    date = re.search(r"^Date: (\d{4}-\d\d-\d\d)", results_text, re.MULTILINE)
    assert date is not None, "results.md gives no date; rerun benchmarks/run.py"
    command = results_text.split("```bash\n", 1)[1].split("\n", 1)[0]
    cpu = re.search(r"^\| CPU \| (.+) \|$", results_text, re.MULTILINE)
    assert cpu is not None
    for fact in (date.group(1), f"`{command}`", cpu.group(1)):
        assert fact in first


def test_no_figure_in_the_performance_section_stands_outside_the_generated_text(
    results_module: ModuleType, results_text: str
) -> None:
    section = results_module.performance_section(README.read_text(encoding="utf-8"))
    block = _generated(results_module, "readme", results_text)
    written_by_hand = section.replace(block, "")
    assert re.findall(r".{0,30}\d.{0,30}", written_by_hand) == [], (
        "every figure of README.md's Performance section must come from benchmarks/results.md "
        "(benchmarks/run.py --readme); move it into the generator or drop it"
    )
