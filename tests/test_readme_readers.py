"""The README's snippets for readers beyond Python run (DuckDB, R) or name real files (Stata), and
its Python answer to "which clauses touch sovereignty" runs as it is."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import unionstate_data as usd
from unionstate_data.archive import safe_extract
from unionstate_data.model.vocabularies import VOCABULARIES
from unionstate_data.releases.build import build
from unionstate_data.releases.layout import csv_zip_name, parquet_zip_name, root_folder_name

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VERSION = usd.__version__


def _section(title: str) -> str:
    return README.split(f"\n### {title}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


READERS = _section("R, Stata and DuckDB")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("dist")).path


def _unzipped(release: Path, name: str, target: Path) -> Path:
    safe_extract(release / name, target)
    return target / root_folder_name(VERSION)


def test_the_sovereignty_answer_runs_and_prints_every_clause_coded_so() -> None:
    [code] = _blocks(_section("Which clauses touch sovereignty"), "python")
    assert '"sovereignty"' in code
    assert "sovereignty" in VOCABULARIES["Theme"].__args__  # type: ignore[attr-defined]
    coded = {t.clause_id for t in usd.clause_themes() if t.theme == "sovereignty"}
    assert coded  # the theme is in the data, under that name
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    assert len(out.getvalue().splitlines()) == len(coded)


def test_the_duckdb_snippets_run_over_the_parquet_zip(
    release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    events_sql, treaties_sql = _blocks(READERS, "sql")
    monkeypatch.chdir(_unzipped(release, parquet_zip_name(VERSION), tmp_path))
    events = duckdb.sql(events_sql).fetchall()
    belarus = {p.event_id for p in usd.event_participants() if p.party_id == "belarus"}
    by_id = {e.event_id: e for e in usd.events()}
    assert {(by_id[i].date, by_id[i].title) for i in belarus} == {(r[0], r[2]) for r in events}
    treaties = duckdb.sql(treaties_sql).fetchall()
    before = {t.treaty_id for t in usd.treaties() if int(t.signed[:4]) < 2000}
    assert {row[0] for row in treaties} <= before and len(treaties) >= 10
    union_1999 = next(row for row in treaties if row[1] == "1999-12-08")
    assert {"Belarus", "Russia"} <= set(union_1999[2].split("; "))


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip(
            "R is not installed (no Rscript on PATH): the README's R snippet is not run here. "
            "CI installs r-base-core and r-cran-readr (.ci/run); locally: "
            "apt-get install r-base-core r-cran-readr"
        )
    probe = subprocess.run([rscript, "-e", "library(readr)"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"R has no readr package (apt-get install r-cran-readr): {probe.stderr[-200:]}")
    return rscript


def test_the_r_snippet_reads_the_csv_zip_with_readr(release: Path, tmp_path: Path) -> None:
    rscript = _rscript()
    [code] = _blocks(READERS, "r")
    folder = _unzipped(release, csv_zip_name(VERSION), tmp_path)
    check = (
        'cat(nrow(treaties), nrow(signed_by), "\\n")\n'
        'cat(treaties$treaty_id, sep = "\\n")\n'
        'cat(ifelse(is.na(treaties$in_force), "NA", treaties$in_force), sep = "\\n")\n'
    )
    (tmp_path / "snippet.R").write_text(code + check, encoding="utf-8")
    run = subprocess.run(
        [rscript, str(tmp_path / "snippet.R")], cwd=folder, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    counts, *rest = [line for line in run.stdout.splitlines() if line.strip()][-(1 + 2 * 50) :]
    treaties = usd.treaties()
    assert counts.split() == [str(len(treaties)), str(len(usd.treaty_parties()))]
    assert rest[:50] == [t.treaty_id for t in treaties]
    assert rest[50:] == [t.in_force or "NA" for t in treaties]  # partial dates kept as text


def test_the_stata_snippet_names_real_files_variables_and_labels(
    release: Path, tmp_path: Path
) -> None:
    [code] = _blocks(READERS, "stata")
    folder = _unzipped(release, parquet_zip_name(VERSION), tmp_path)
    files = re.findall(r"(stata/\w+\.dta)", code)
    assert files and all((folder / f).is_file() for f in files)
    variables: set[str] = set()
    labels: set[str] = set()
    for name in files:
        with pd.read_stata(folder / name, iterator=True) as reader:
            variables |= set(reader.variable_labels())
            labels |= set(reader.value_labels())
    for label in re.findall(r"label list (\w+)", code):
        assert label in labels
    for variable in re.findall(r"(?:merge 1:m|tabulate) (\w+)", code):
        assert variable in variables
