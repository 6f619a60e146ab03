"""Benchmark the validator against Frictionless on generated packages, and time to first data.

One command runs everything and writes ``benchmarks/results.md``::

    .venv/bin/python benchmarks/run.py --sizes 10k 100k 1M

``--smoke`` runs the smallest size (1k rows) once, checks that every injected fault is found and
that a clean package is valid (for both validators), and asserts no timing: CI runs it::

    .venv/bin/python benchmarks/run.py --smoke

Benchmark 1, for each size: ``generate.py`` writes a package with known faults (``faults.json``);
``unionstate-data validate PATH --json`` and ``frictionless validate --trusted PATH --json`` run
as subprocesses on the same package, several times each. Wall time is the median; peak memory
is the child's maximum resident set size (``os.wait4``). Each validator's report is checked
against the injected faults of the classes it covers.

Benchmark 2, time to first data, in fresh interpreters (many runs, median), as a researcher
gets it: the checkout's wheel is built once (``pip wheel``) and installed with ``pip install
--target`` into a folder that the children get as PYTHONPATH, run from outside the checkout, so
``unionstate_data`` comes from the wheel (with its pre-typed tables) and pyarrow and pydantic
from this interpreter's environment:
(a) ``python -c pass`` against ``python -c "import unionstate_data"``;
(b) loading every table as typed models against importing the libraries that needs: every
    module outside ``unionstate_data`` that the load imports, found by running it;
(c) for information, the same load from the checkout, which types the CSVs at first load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
GIB = 1 << 30
#: Children cache bytecode as after a normal install, even where the caller turned it off:
#: otherwise every run would compile unionstate_data afresh (an editable install has no .pyc).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

GOAL_SPEEDUP = 25.0  # ours at least this much faster than frictionless at 1M rows
GOAL_LINEAR = 1.5  # time per row at 1M at most this times the time per row at 100k
GOAL_MEMORY = GIB  # peak memory of ours at 1M
GOAL_IMPORT_MS = 15.0  # what `import unionstate_data` may add to `python -c pass`
GOAL_LOAD_RATIO = 1.25  # loading every table as models, against importing the libraries

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


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    exit_code: int
    stdout: Path


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


@dataclass
class Result:
    size: str
    rows: int
    validator: str
    runs: list[Run]
    expected: list[dict[str, Any]]
    found: list[dict[str, Any]] = field(default_factory=list)
    unexpected: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_bytes(self) -> int:
        return max(r.peak_bytes for r in self.runs)

    @property
    def complete(self) -> bool:
        return len(self.found) == len(self.expected) and not self.unexpected


def generate(rows: int, folder: Path, clean: bool = False) -> float:
    command = [sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--out", str(folder)]
    started = time.perf_counter()
    subprocess.run([*command, *(["--clean"] if clean else [])], check=True)
    return time.perf_counter() - started


def our_problems(stdout: Path) -> set[tuple[Any, ...]]:
    report = json.loads(stdout.read_text(encoding="utf-8"))
    return {(p["code"], p["resource"], p["row"]) for p in report["problems"]}


def frictionless_errors(stdout: Path) -> set[tuple[Any, ...]]:
    report = json.loads(stdout.read_text(encoding="utf-8"))
    errors = {(e["type"], None, e.get("rowNumber")) for e in report.get("errors", [])}
    for task in report["tasks"]:
        errors |= {(e["type"], task["name"], e.get("rowNumber")) for e in task["errors"]}
    return errors


def validate(
    size: str, folder: Path, validator: str, repeat: int, faults: dict[str, Any]
) -> Result:
    descriptor = str(folder / "datapackage" / "datapackage.json")
    if validator == "unionstate-data":
        command = [tool("unionstate-data"), "validate", descriptor, "--json"]
        expected = faults["faults"]
        key, read = "code", our_problems
    else:
        command = [tool("frictionless"), "validate", "--trusted", descriptor, "--json"]
        expected = [f for f in faults["faults"] if f["frictionless"]]
        key, read = "frictionless", frictionless_errors
    runs = [measure(command, folder / f"{validator}-{i}.json") for i in range(repeat)]
    reported = read(runs[0].stdout)
    wanted = {(f[key], f["resource"], f["row"]): f for f in expected}
    result = Result(size, sum(faults["row_counts"].values()), validator, runs, expected)
    result.found = [f for k, f in wanted.items() if k in reported]
    result.unexpected = sorted(reported - set(wanted), key=str)
    return result


def benchmark_size(
    size: str, work: Path, repeat: int, frictionless_repeat: int
) -> tuple[list[Result], float]:
    from generate import parse_size

    folder = work / size
    seconds = generate(parse_size(size), folder)
    faults = json.loads((folder / "faults.json").read_text(encoding="utf-8"))
    results = [
        validate(size, folder, "unionstate-data", repeat, faults),
        validate(size, folder, "frictionless", frictionless_repeat, faults),
    ]
    for result in results:
        print(f"  {size}: {result.validator}: {result.seconds:.2f} s", file=sys.stderr)
    return results, seconds


def check_clean(work: Path) -> list[str]:
    """A fault-free package: both validators must find nothing."""
    folder = work / "clean"
    generate(1000, folder, clean=True)
    descriptor = str(folder / "datapackage" / "datapackage.json")
    failures = []
    for name, command in (
        ("unionstate-data", [tool("unionstate-data"), "validate", descriptor, "--json"]),
        ("frictionless", [tool("frictionless"), "validate", "--trusted", descriptor, "--json"]),
    ):
        run = measure(command, folder / f"{name}.json")
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


# --- report --------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as info:
        ram = int(next(line for line in info if line.startswith("MemTotal")).split()[1]) * 1024
    from importlib.metadata import version

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{ram / GIB:.1f} GiB",
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "pyarrow": version("pyarrow"),
        "pydantic": version("pydantic"),
        "frictionless": version("frictionless"),
    }


def validation_table(results: list[Result]) -> list[str]:
    lines = [
        "| size | rows (all tables) | validator | runs | wall time, median (s) | rows/s "
        "| peak memory (MiB) | injected faults found | unexpected problems |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.size} | {r.rows:,} | {r.validator} | {len(r.runs)} | {r.seconds:.2f} "
            f"| {r.rows / r.seconds:,.0f} | {r.peak_bytes / 2**20:,.0f} "
            f"| {len(r.found)} / {len(r.expected)} | {len(r.unexpected)} |"
        )
    return lines


def goals(results: list[Result], start: dict[str, float]) -> list[tuple[str, str, str, bool]]:
    ours = {r.size: r for r in results if r.validator == "unionstate-data"}
    theirs = {r.size: r for r in results if r.validator == "frictionless"}
    rows: list[tuple[str, str, str, bool]] = []
    if "1M" in ours:
        speedup = theirs["1M"].seconds / ours["1M"].seconds
        rows.append(
            (
                "speed at 1M",
                f">= {GOAL_SPEEDUP:.0f}x frictionless",
                f"{speedup:.1f}x",
                speedup >= GOAL_SPEEDUP,
            )
        )
        peak = ours["1M"].peak_bytes
        rows.append(("peak memory at 1M", "< 1 GiB", f"{peak / GIB:.2f} GiB", peak < GOAL_MEMORY))
    if "1M" in ours and "100k" in ours:
        per_row = [ours[s].seconds / ours[s].rows for s in ("100k", "1M")]
        ratio = per_row[1] / per_row[0]
        rows.append(
            (
                "linear: time per row 1M / 100k",
                f"<= {GOAL_LINEAR}",
                f"{ratio:.2f}",
                ratio <= GOAL_LINEAR,
            )
        )
    every = all(r.complete for r in ours.values())
    rows.append(
        ("every injected fault found (ours)", "all, nothing else", "yes" if every else "no", every)
    )
    if start:
        added = (start["import"] - start["pass"]) * 1000
        rows.append(
            (
                "`import unionstate_data` adds",
                f"<= {GOAL_IMPORT_MS:.0f} ms",
                f"{added:.1f} ms",
                added <= GOAL_IMPORT_MS,
            )
        )
        ratio = start["load"] / start["libraries"]
        rows.append(
            (
                "load all tables as models (wheel) / import the libraries it needs",
                f"<= {GOAL_LOAD_RATIO}",
                f"{ratio:.2f}",
                ratio <= GOAL_LOAD_RATIO,
            )
        )
    return rows


def report(
    args: argparse.Namespace,
    results: list[Result],
    generated: dict[str, float],
    start: dict[str, float],
    codes: dict[str, Startup],
) -> tuple[str, bool]:
    lines = ["# Benchmarks", "", "Written by `benchmarks/run.py`; do not edit by hand.", ""]
    lines += [
        "Command:",
        "",
        "```bash",
        " ".join([os.path.relpath(sys.executable, ROOT), *sys.argv]),
        "```",
        "",
    ]
    lines += ["| machine | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in machine().items()]
    lines += ["", "## Benchmark 1: validating a generated package", ""]
    lines += [
        "Each package has N events and N clauses, 1,000 parties, N/100 treaties, their links and "
        f"evidence, and {len(results[0].expected) if results else 0} injected faults "
        "(`benchmarks/generate.py`; `faults.json` lists them). Frictionless is judged on the "
        "faults Table Schema covers (type, required, enum, pattern, minimum, unique, primary "
        "and foreign key).",
        "",
    ]
    lines += validation_table(results)
    lines += [
        "",
        "Generating the packages took "
        + ", ".join(f"{s:.1f} s ({size})" for size, s in generated.items())
        + ".",
    ]
    few = [r for r in results if r.validator == "frictionless" and len(r.runs) < args.repeat]
    if few:
        lines += [
            "",
            "Frictionless ran fewer times at "
            + ", ".join(r.size for r in few)
            + f" ({len(few[0].runs)} run) because one run takes minutes.",
        ]
    for r in results:
        if r.unexpected or len(r.found) < len(r.expected):
            missed = [f["fault"] for f in r.expected if f not in r.found]
            lines += [
                "",
                f"{r.validator} at {r.size}: missed {missed}; unexpected {r.unexpected[:10]}",
            ]
    if start:
        lines += ["", "## Benchmark 2: time to first data", ""]
        lines += [
            f"Fresh interpreter per run, {args.startup_repeat} runs each, interleaved, after a "
            "warm-up round; bytecode cached as after a normal install; median wall time. "
            "`unionstate_data` comes from the checkout's wheel, built with `pip wheel` and "
            "installed with `pip install --no-deps --target`, so it has the pre-typed tables "
            "(the row marked checkout imports it from the checkout instead, which types the "
            "CSVs); pyarrow and pydantic come from the benchmark's environment. Every run "
            "starts outside the checkout.",
            "",
        ]
        lines += [
            "| `python -c` | unionstate_data from | median (ms) |",
            "| --- | --- | ---: |",
        ]
        for name, code in codes.items():
            used = code.source if "unionstate_data" in code.code else "(not imported)"
            lines.append(f"| {code.shown} | {used} | {start[name] * 1000:.1f} |")
        named = start["load"] / start["libraries_named"]
        lines += [
            "",
            "The goal's baseline is the first libraries row: it imports, in the same order, "
            "every module outside unionstate_data that loading from the wheel imports, and the "
            "run fails unless it imports exactly those. What the load costs beyond it is ours: "
            "building the model classes (and with the first one, pydantic's lookup of plugins "
            "in every installed distribution's entry points), reading the tables and making "
            "the rows into models (the row that adds `import unionstate_data.model.tables` stops "
            "after the classes). The other libraries rows are for information: the imports "
            "the package names, which leave out what pydantic imports when its first model is "
            f"built (against them the load costs {named:.2f}x); what loading from the checkout "
            "imports; and plain `import pydantic`, which loads BaseModel and its machinery "
            "lazily.",
        ]
    checked = goals(results, start)
    lines += ["", "## Goals", "", "| goal | target | measured | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {g} | {t} | {m} | {'yes' if ok else '**no**'} |" for g, t, m, ok in checked]
    return "\n".join(lines) + "\n", all(ok for *_, ok in checked)


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
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
    parser.add_argument("--workdir", type=Path, help="keep the packages here (default: a temp)")
    parser.add_argument("--output", type=Path, help="default: benchmarks/results.md (not smoke)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeat, args.frictionless_repeat_large = ["1k"], 1, 1
        args.startup_repeat = min(args.startup_repeat, 5)
    output = args.output or (None if args.smoke else HERE / "results.md")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="usd-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))
    from generate import parse_size

    try:
        results: list[Result] = []
        generated: dict[str, float] = {}
        for size in args.sizes:
            large = parse_size(size) >= 1_000_000
            fr = args.frictionless_repeat_large if large else args.repeat
            found, generated[size] = benchmark_size(size, work, args.repeat, fr)
            results += found
        failures = check_clean(work) if args.smoke else []
        installed = install_wheel(work)
        libraries = library_modules(installed, work)
        codes = startup_codes(installed, libraries, work)
        check_startup(codes, work)
        start = startup(codes, args.startup_repeat, work)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    text, met = report(args, results, generated, start, codes)
    print(text)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    failures += [
        f"{r.validator} at {r.size}: not every injected fault found, or unexpected problems"
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
