"""Benchmark the validator against Frictionless and two reference passes on generated packages,
the quote rule's text index, and time to first data.

One command runs everything and writes ``benchmarks/results.md``::

    .venv/bin/python benchmarks/run.py --sizes 10k 100k 1M

``--smoke`` runs the smallest size (1k rows) once, checks that every injected fault is found and
that a clean package is valid (for every validator), and asserts no timing: CI runs it::

    .venv/bin/python benchmarks/run.py --smoke

``--readme`` prints the README's Performance section, made from ``results.md``
(``_results.readme_section``; ``tests/test_benchmark_results.py`` checks the README against it).

Benchmark 1, for each size: ``generate.py`` writes a package with known faults (``faults.json``);
``unionstate-data validate PATH --json``, ``frictionless validate --trusted PATH --json`` and the
DuckDB and Polars passes (``reference.py duckdb|polars PATH --json``) run as subprocesses on the
same package, several times each, ours and the reference passes in alternating rounds (the
share of CPU time the hypervisor took meanwhile is reported). Wall time is the median; peak
memory is the child's maximum resident set size (``os.wait4``). Each report is checked against
the injected faults of the classes its validator covers (Frictionless: those of Table Schema;
the others: all), and our time is divided by each reference pass's.

Benchmark 2, time to first data, in fresh interpreters (many runs, median), as a researcher
gets it: the checkout's wheel is built once (``pip wheel``) and installed with ``pip install
--target`` into a folder that the children get as PYTHONPATH, run from outside the checkout, so
``unionstate_data`` comes from the wheel (with its pre-typed tables) and pyarrow and pydantic
from this interpreter's environment:
(a) ``python -c pass`` against ``python -c "import unionstate_data"``;
(b) loading every table as typed models against importing the libraries that needs: every
    module outside ``unionstate_data`` that the load imports, found by running it;
(c) for information, the same load from the checkout, which types the CSVs at first load.

Benchmark 3, one long stored source quoted many times (``--quote-sizes``): a clean package
whose quotes all stand in one stored text, validated with the quote rule's text index forced
on and off (``Tuning.plain_search_work``), so that the project can judge whether the index
earns its code.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _results import (
    FRICTIONLESS,
    OURS,
    REFERENCES,
    QuoteCase,
    Report,
    Result,
    Run,
    readme_section,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
RESULTS = HERE / "results.md"
#: Children cache bytecode as after a normal install, even where the caller turned it off:
#: otherwise every run would compile unionstate_data afresh (an editable install has no .pyc).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

LOAD_ALL = "import unionstate_data as usd; [getattr(usd, n)() for n in usd.table_names()]"
# The goal's baseline, "the import of the libraries it needs", is the import of every module that
# loading from the wheel imports from outside unionstate_data: pyarrow with pyarrow.ipc, pydantic
# with the machinery it loads lazily, and the standard library modules these and our package
# use. `library_modules` lists them from a child that performs the load; `check_startup` fails
# the run unless the baseline imports exactly those modules. Everything else the load does (our
# model classes, pydantic's plugin lookup when the first model is built, reading the tables,
# making the rows into models) is ours and counts against the goal.
#
# pydantic imports part of itself only when the first model class is built: its plugin loader
# imports importlib.metadata (with email, zipfile, csv...), about 33 ms here. A baseline of
# named imports, as this file used before, leaves that import on our side; it is shown for
# information, with what loading from the checkout imports and the plain imports an earlier
# baseline used.
PYDANTIC_NAMES = "from pydantic import BaseModel, ConfigDict, Field"  # as models.py imports
LIBRARIES_NAMED = f"import pyarrow, pyarrow.ipc; {PYDANTIC_NAMES}"
LIBRARIES_CSV = f"import pyarrow, pyarrow.csv, pyarrow.compute; {PYDANTIC_NAMES}"
LIBRARIES_PLAIN = "import pyarrow, pyarrow.csv, pyarrow.compute, pydantic"
#: Prints the names of the loaded modules (entries that are None mark failed optional imports).
PRINT_MODULES = "\nimport sys\nprint(*[n for n, m in sys.modules.items() if m is not None])"


# --- running a command ---------------------------------------------------------------------------


def measure(command: list[str], stdout: Path) -> Run:
    """Run ``command`` to completion; its wall time and peak resident memory."""
    with stdout.open("wb") as out, stdout.with_suffix(".stderr").open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=CHILD_ENV)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(seconds, usage.ru_maxrss * 1024, process.returncode, stdout)


def tool(name: str) -> str:
    """A console script of this virtual environment."""
    path = BIN / name
    if not path.exists():
        raise SystemExit(f"run.py: {path} not found; install the package and frictionless")
    return str(path)


# --- benchmark 1: validation ---------------------------------------------------------------------


def generate(rows: int, folder: Path, *options: str) -> float:
    command = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(folder)]
    started = time.perf_counter()
    subprocess.run([*command, *options], check=True)
    return time.perf_counter() - started


def our_problems(stdout: Path) -> set[tuple[Any, ...]]:
    """(code, resource, row) of each problem in a report of ours or of a reference pass."""
    report = json.loads(stdout.read_text(encoding="utf-8"))
    return {(p["code"], p["resource"], p["row"]) for p in report["problems"]}


def frictionless_errors(stdout: Path) -> set[tuple[Any, ...]]:
    report = json.loads(stdout.read_text(encoding="utf-8"))
    errors = {(e["type"], None, e.get("rowNumber")) for e in report.get("errors", [])}
    for task in report["tasks"]:
        errors |= {(e["type"], task["name"], e.get("rowNumber")) for e in task["errors"]}
    return errors


def command_for(validator: str, descriptor: Path) -> list[str]:
    """The command line of ``validator`` (ours, frictionless or a reference pass)."""
    if validator == OURS:
        return [tool("unionstate-data"), "validate", str(descriptor), "--json"]
    if validator == FRICTIONLESS:
        return [tool("frictionless"), "validate", "--trusted", str(descriptor), "--json"]
    return [sys.executable, str(HERE / "reference.py"), validator, str(descriptor), "--json"]


def validate(size: str, validator: str, runs: list[Run], faults: dict[str, Any]) -> Result:
    """``validator``'s ``runs`` on the package of ``size``, judged against its ``faults``."""
    if validator == FRICTIONLESS:
        expected = [f for f in faults["faults"] if f["frictionless"]]
        key, read = "frictionless", frictionless_errors
    else:  # ours and the reference passes: every fault, by our rule codes
        expected, key, read = faults["faults"], "code", our_problems
    reported = read(runs[0].stdout)
    wanted = {(f[key], f["resource"], f["row"]): f for f in expected}
    result = Result(size, sum(faults["row_counts"].values()), validator, runs, expected)
    result.found = [f for k, f in wanted.items() if k in reported]
    result.unexpected = sorted(reported - set(wanted), key=str)
    return result


def cpu_jiffies() -> tuple[int, int] | None:
    """(stolen, all) CPU time so far, in clock ticks, from /proc/stat (None where it is absent):
    on a virtual machine, the time the hypervisor gave the machine's cores to others."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(v) for v in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return (fields[7], sum(fields)) if len(fields) == 8 else None


def rounds(
    validators: list[str], descriptor: Path, folder: Path, repeat: int
) -> tuple[dict[str, list[Run]], float | None]:
    """``repeat`` runs of each validator, alternating round by round (ours, DuckDB, Polars, ours,
    ...), so that a change in the machine's speed falls on all of them alike; and the share of
    CPU time stolen from the machine meanwhile (None where unknown)."""
    runs: dict[str, list[Run]] = {name: [] for name in validators}
    before = cpu_jiffies()
    for i in range(repeat):
        for name in validators:
            command = command_for(name, descriptor)
            runs[name].append(measure(command, folder / f"{name}-{i}.json"))
    after = cpu_jiffies()
    stolen = None
    if before is not None and after is not None and after[1] > before[1]:
        stolen = (after[0] - before[0]) / (after[1] - before[1])
    return runs, stolen


def benchmark_size(
    size: str, work: Path, repeat: int, frictionless_repeat: int
) -> tuple[list[Result], float, float | None]:
    """Every validator on a package of ``size``; how long generating it took; and the share of
    CPU time stolen while ours and the reference passes ran."""
    from generate import parse_size

    folder = work / size
    seconds = generate(parse_size(size), folder)
    faults = json.loads((folder / "faults.json").read_text(encoding="utf-8"))
    descriptor = folder / "datapackage" / "datapackage.json"
    runs, stolen = rounds([OURS, *REFERENCES], descriptor, folder, repeat)
    few, _ = rounds([FRICTIONLESS], descriptor, folder, frictionless_repeat)
    runs |= few
    results = [validate(size, name, runs[name], faults) for name in runs]
    for result in results:
        print(f"  {size}: {result.label}: {result.seconds:.2f} s", file=sys.stderr)
    return results, seconds, stolen


def check_clean(work: Path) -> list[str]:
    """A fault-free package: every validator must find nothing."""
    folder = work / "clean"
    generate(1000, folder, "--clean")
    descriptor = folder / "datapackage" / "datapackage.json"
    failures = []
    for name in (OURS, FRICTIONLESS, *REFERENCES):
        run = measure(command_for(name, descriptor), folder / f"{name}.json")
        if run.exit_code != 0:
            failures.append(f"{name} reports problems in the clean package ({run.stdout})")
    return failures


# --- benchmark 2: time to first data -------------------------------------------------------------


@dataclass(frozen=True)
class Startup:
    """A ``python -c`` code and where its ``unionstate_data`` comes from (PYTHONPATH)."""

    code: str
    path: Path
    source: str  # for the report: "wheel", "checkout"
    label: str = ""  # for the report, in place of a long code

    @property
    def shown(self) -> str:
        return self.label or f"`{self.code}`"


def install_wheel(work: Path) -> Path:
    """Build this checkout's wheel and install it (no dependencies) into a folder of ``work``:
    the package as ``pip install`` gives it, for children to find through PYTHONPATH."""
    wheels, target = work / "wheel", work / "site-packages"
    shutil.rmtree(wheels, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    build = [*pip, "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)]
    subprocess.run(build, check=True, cwd=work)
    [wheel] = wheels.glob("unionstate_data-*.whl")
    install = [*pip, "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)]
    subprocess.run(install, check=True, cwd=work)
    return target


def ours(module: str) -> bool:
    return module == "unionstate_data" or module.startswith("unionstate_data.")


def library_modules(installed: Path, cwd: Path) -> list[str]:
    """Every module outside unionstate_data that loading from the wheel imports, in the order
    they were imported (as ``sys.modules`` keeps them)."""
    loaded = child(Startup(LOAD_ALL, installed, "wheel"), LOAD_ALL + PRINT_MODULES, cwd).split()
    return [module for module in loaded if not ours(module)]


def import_all(modules: list[str]) -> str:
    """Code that imports ``modules`` in order (a module a previous import loaded is skipped)."""
    return (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    if name not in sys.modules:\n"
        "        importlib.import_module(name)"
    )


def describe(modules: list[str], installed: Path, cwd: Path) -> str:
    """The baseline in a few words: how many modules beyond those every interpreter starts
    with, and the distributions the third-party ones come from."""
    from importlib.metadata import packages_distributions

    started = set(child(Startup("pass", installed, "wheel"), "pass" + PRINT_MODULES, cwd).split())
    added = [module for module in modules if module not in started]
    names = packages_distributions()
    third = sorted({d for m in added for d in names.get(m.split(".")[0], [])})
    standard = [m for m in added if m.split(".")[0] in sys.stdlib_module_names]
    return (
        f"the {len(added)} modules outside unionstate_data that the load imports: "
        f"{len(added) - len(standard)} of {', '.join(third)}; {len(standard)} of the standard "
        "library"
    )


def startup_codes(installed: Path, libraries: list[str], cwd: Path) -> dict[str, Startup]:
    baseline = describe(libraries, installed, cwd)
    return {
        "pass": Startup("pass", installed, "wheel"),
        "import": Startup("import unionstate_data", installed, "wheel"),
        "libraries": Startup(import_all(libraries), installed, "wheel", baseline),
        "libraries_named": Startup(LIBRARIES_NAMED, installed, "wheel"),
        "libraries_csv": Startup(LIBRARIES_CSV, installed, "wheel"),
        "libraries_plain": Startup(LIBRARIES_PLAIN, installed, "wheel"),
        "models": Startup(
            f"{import_all(libraries)}\nimport unionstate_data.model.tables",
            installed,
            "wheel",
            "the libraries row, then `import unionstate_data.model.tables` (the model classes)",
        ),
        "load": Startup(LOAD_ALL, installed, "wheel"),
        "load_checkout": Startup(LOAD_ALL, ROOT, "checkout"),
    }


def child(start: Startup, code: str, cwd: Path) -> str:
    """Run ``code`` as ``start`` runs (same PYTHONPATH and folder); its standard output."""
    env = {**CHILD_ENV, "PYTHONPATH": str(start.path)}
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, check=True, cwd=cwd, env=env, capture_output=True, text=True)
    return done.stdout


def check_startup(codes: dict[str, Startup], cwd: Path) -> None:
    """Each load reads the package it claims to (the wheel's pre-typed tables, or the checkout's
    CSVs); the baseline imports exactly the modules outside unionstate_data that loading from the
    wheel imports, and the named imports none that it does not."""
    probe = (
        "import unionstate_data\nfrom unionstate_data.loading import prebuilt\n"
        "print(unionstate_data.__file__)\nprint(prebuilt.shipped() is not None)"
    )
    for name in ("load", "load_checkout"):
        start = codes[name]
        where, prebuilt = child(start, probe, cwd).splitlines()
        wanted = str(start.source == "wheel")
        if not Path(where).resolve().is_relative_to(start.path.resolve()) or prebuilt != wanted:
            raise SystemExit(
                f"run.py: {name} would import unionstate_data from {where} (pre-typed tables: "
                f"{prebuilt}), not from the {start.source} in {start.path} ({wanted})"
            )

    def modules(name: str) -> set[str]:
        return set(child(codes[name], codes[name].code + PRINT_MODULES, cwd).split())

    loaded = modules("load")
    libraries = {module for module in loaded if not ours(module)}
    baseline = modules("libraries")
    if baseline != libraries:
        raise SystemExit(
            "run.py: the libraries baseline does not import the modules that loading the data "
            f"imports from outside unionstate_data: extra {sorted(baseline - libraries)}, "
            f"missing {sorted(libraries - baseline)}"
        )
    named = modules("libraries_named")
    if named - loaded:
        raise SystemExit(
            "run.py: the named imports load modules that loading the data does not: "
            f"{sorted(named - loaded)}; make LIBRARIES_NAMED imports the load performs"
        )


def startup(codes: dict[str, Startup], repeat: int, cwd: Path) -> dict[str, float]:
    """Median wall time (s) of ``python -c CODE`` for each code, runs interleaved, after one
    warm-up round (which also writes the bytecode caches)."""
    times: dict[str, list[float]] = {name: [] for name in codes}
    for attempt in range(repeat + 1):
        for name, start in codes.items():
            env = {**CHILD_ENV, "PYTHONPATH": str(start.path)}
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", start.code], check=True, cwd=cwd, env=env)
            if attempt:
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) for name, values in times.items()}


# --- benchmark 3: one long stored source quoted many times ---------------------------------------

#: Validate the package ``argv[1]`` with ``plain_search_work=argv[2]``; exit 0 when it is valid.
QUOTE_CHILD = (
    "import sys\n"
    "from unionstate_data.validation.tuning import Tuning\n"
    "from unionstate_data.validation.validator import validate\n"
    "report = validate(sys.argv[1], tuning=Tuning(plain_search_work=int(sys.argv[2])))\n"
    "sys.exit(0 if report.ok else 1)"
)
#: plain_search_work for each mode: -1 forces the text index, a huge value the plain search.
QUOTE_MODES = {"index": -1, "plain": 1 << 62}


def quote_case(size: str, work: Path, repeat: int) -> tuple[QuoteCase, list[str]]:
    """Our validator on one long stored source, the index on and off (interleaved runs)."""
    from generate import parse_size

    folder = work / f"quotes-{size}"
    generate(parse_size(size), folder, "--clean", "--stored-sources", "1")
    descriptor = str(folder / "datapackage" / "datapackage.json")
    runs: dict[str, list[Run]] = {mode: [] for mode in QUOTE_MODES}
    for attempt in range(repeat):
        for mode, work_limit in QUOTE_MODES.items():
            command = [sys.executable, "-c", QUOTE_CHILD, descriptor, str(work_limit)]
            runs[mode].append(measure(command, folder / f"{mode}-{attempt}.out"))
    counts = json.loads((folder / "faults.json").read_text(encoding="utf-8"))["row_counts"]
    text = (folder / "seeds" / "source-0.txt").stat().st_size
    case = QuoteCase(size, sum(counts.values()), text, runs)
    failures = [
        f"quote case at {size}, {mode}: the clean package is not valid ({r.stdout})"
        for mode, done in runs.items()
        for r in done
        if r.exit_code != 0
    ]
    for mode in QUOTE_MODES:
        print(f"  quotes {size}: {mode}: {case.seconds(mode):.2f} s", file=sys.stderr)
    return case, failures


# --- main ----------------------------------------------------------------------------------------


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["10k", "100k", "1M"])
    parser.add_argument("--smoke", action="store_true", help="1k rows once; assert no timing")
    parser.add_argument("--repeat", type=int, default=3, help="runs per validator and size")
    parser.add_argument(
        "--frictionless-repeat-large",
        type=int,
        default=1,
        help="frictionless runs at 1M rows and more (one takes minutes)",
    )
    parser.add_argument("--startup-repeat", type=int, default=30)
    parser.add_argument(
        "--quote-sizes",
        nargs="*",
        default=["10k", "100k"],
        help="sizes of benchmark 3 (a plain search of one long text grows with its square)",
    )
    parser.add_argument("--workdir", type=Path, help="keep the packages here (default: a temp)")
    parser.add_argument(
        "--output", type=Path, help="results to write, or with --readme read (default: results.md)"
    )
    parser.add_argument(
        "--readme", action="store_true", help="print the README's Performance section, run nothing"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeat, args.frictionless_repeat_large = ["1k"], 1, 1
        args.startup_repeat = min(args.startup_repeat, 5)
        args.quote_sizes = ["1k"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.readme:
        print(readme_section((args.output or RESULTS).read_text(encoding="utf-8")), end="")
        return 0
    output = args.output or (None if args.smoke else RESULTS)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="usd-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    from generate import parse_size

    try:
        results: list[Result] = []
        generated: dict[str, float] = {}
        stolen: dict[str, float] = {}
        for size in args.sizes:
            large = parse_size(size) >= 1_000_000
            fr = args.frictionless_repeat_large if large else args.repeat
            found, generated[size], steal = benchmark_size(size, work, args.repeat, fr)
            results += found
            if steal is not None:
                stolen[size] = steal
        failures = check_clean(work) if args.smoke else []
        cases = []
        for size in args.quote_sizes:
            case, failed = quote_case(size, work, args.repeat)
            cases.append(case)
            failures += failed
        installed = install_wheel(work)
        libraries = library_modules(installed, work)
        codes = startup_codes(installed, libraries, work)
        check_startup(codes, work)
        start = startup(codes, args.startup_repeat, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    command = " ".join([os.path.relpath(sys.executable, ROOT), *sys.argv])
    report = Report(
        command,
        results,
        generated,
        start,
        codes,
        cases,
        args.repeat,
        args.startup_repeat,
        stolen=stolen,
    )
    text, met = report.markdown()
    print(text)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    failures += [
        f"{r.label} at {r.size}: not every injected fault found, or unexpected problems"
        for r in results
        if not r.complete
    ]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    if args.smoke:
        return 1 if failures else 0
    return 0 if met and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
