"""README.md speaks to a data user first, and its code is code that runs."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTIONS = re.split(r"^## ", README, flags=re.MULTILINE)[1:]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def test_the_first_section_installs_loads_covers_and_cites() -> None:
    first = SECTIONS[0]
    assert first.startswith("Use the data")
    assert _blocks(first, "bash") == ["pip install unionstate-data\n"]
    [code] = _blocks(first, "python")
    assert len(code.strip().splitlines()) == 3
    assert "treaties" in first and "2025" in first  # what the data covers
    assert "cite --style apa" in first and "https://github.com/" in first


def test_the_first_sections_python_runs_and_prints_every_treaty() -> None:
    import unionstate_data as usd

    [code] = _blocks(SECTIONS[0], "python")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})  # the reader's three lines, as they are
    assert len(out.getvalue().splitlines()) == len(usd.treaties())


def test_the_developer_quickstart_comes_next_with_its_two_commands() -> None:
    quickstart = SECTIONS[1]
    assert quickstart.startswith("Quickstart for developers")
    [block] = _blocks(quickstart, "bash")
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert commands == ["bash tasks.sh main", "bash tasks.sh test"]
