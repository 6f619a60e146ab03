"""The validate command's allocator (``validation.memory``): Arrow's jemalloc pool, and its
option to give purged pages back at once, set before pyarrow loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

from unionstate_data.validation.memory import use_jemalloc


def test_the_validate_command_uses_jemalloc_unless_a_pool_is_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        use_jemalloc()
        assert pa.default_memory_pool().backend_name == before.backend_name
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        use_jemalloc()
        try:
            pa.jemalloc_memory_pool()
        except NotImplementedError:
            expected = before.backend_name  # a pyarrow built without jemalloc keeps its pool
        else:
            expected = "jemalloc"
        assert pa.default_memory_pool().backend_name == expected
    finally:
        pa.set_memory_pool(before)


_CHILD = """
import os, sys
{first}
from unionstate_data import cli
from unionstate_data.validation.memory import JEMALLOC_OPTIONS
code = cli.main(["validate", "--json"])
print(code, os.environ.get(JEMALLOC_OPTIONS))
"""


@pytest.mark.parametrize(
    ("first", "preset", "expected"),
    [
        ("", None, "muzzy_decay_ms:0"),  # set before pyarrow loads, so jemalloc reads it
        ("", "dirty_decay_ms:5000", "dirty_decay_ms:5000"),  # the user's choice is kept
        ("import pyarrow", None, "None"),  # too late to matter: left alone
    ],
)
def test_the_validate_command_sets_jemalloc_options_before_pyarrow_loads(
    first: str, preset: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JE_ARROW_MALLOC_CONF"}
    if preset is not None:
        env["JE_ARROW_MALLOC_CONF"] = preset
    child = subprocess.run(
        [sys.executable, "-c", _CHILD.format(first=first)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split("\n")[-2].split(" ") == ["0", expected]
