"""The Arrow values built from Python values (``unionstate_data._arrow``)."""

from __future__ import annotations

import random
import threading

import pyarrow as pa

from unionstate_data._arrow import booleans, integers, literal, strings


def test_booleans_strings_and_integers_hold_the_values_given() -> None:
    flags = [random.Random(7).random() < 0.5 for _ in range(1001)]
    assert booleans(flags).to_pylist() == flags
    assert booleans([]).to_pylist() == []
    words = ["a", None, "ünïcödé", "", None]
    assert strings(words).to_pylist() == words
    assert integers([0, -1, 2**62]).to_pylist() == [0, -1, 2**62]
    assert literal("x").type == pa.string() and literal(True).as_py() is True


def test_booleans_take_linear_time() -> None:
    # The bitmap was once one Python integer built bit by bit: quadratic, minutes for this
    # many values. Linear, it takes well under a second; the bound is only a guard.
    values = [i % 3 == 0 for i in range(3_000_000)]
    result: list[pa.Array] = []
    worker = threading.Thread(target=lambda: result.append(booleans(values)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert result, "booleans() did not finish within 60 s"
    assert result[0].true_count == 1_000_000
