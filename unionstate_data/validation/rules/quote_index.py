"""A text index for the quote rule: where a window of words stands in the joined stored texts.

Only worth it for long texts quoted many times (see ``quotes._missing_quotes`` and the benchmark
case "one long source quoted many times"): there a plain substring search costs quotes x text
length, the index a sort of the text's words and a lookup per quote.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..._arrow import integers, literal

__all__ = ["BATCH", "TextIndex"]

#: Needles compared together (bounds the Python objects made for them).
BATCH = 1 << 16
#: Words in a lookup window, and the most places one window may occur before a plain search.
_WINDOW_WORDS = 3
_MOST_PLACES = 32


class TextIndex:
    """Every window of ``_WINDOW_WORDS`` words that starts at a word of the joined texts, keyed
    by the text and a hash of the words, and sorted (O(T log T) for T words, all in Arrow).

    If a needle occurs, its text has a word start just after the needle's first space, followed
    by the needle's next words: that window is the needle's anchor, and the sorted keys give
    every place it may occur, where the whole needle is then compared (so a hash collision costs
    a comparison, never a wrong verdict). A needle with too few words, or whose anchor occurs at
    more than ``_MOST_PLACES`` places, is left to a plain search.
    """

    def __init__(self, joined: bytes, begins: list[int]) -> None:
        self.joined = joined
        self.bounds = integers(begins)
        self.vocabulary, keys, self.starts = _windows(joined)
        self.by_key = pc.cast(pc.sort_indices(keys), pa.int32())
        ordered = keys.take(self.by_key)
        del keys
        self.runs = _runs(ordered)

    def search(self, numbers: Any, needles: Any) -> tuple[list[int], set[int]]:
        """The needles the index cannot judge (for a plain search), and those found in their
        text (``numbers``); every other needle is in no place of its text."""
        parts = "".join(f"(?P<w{k}>[^ ]* )" for k in range(_WINDOW_WORDS))
        anchors = pc.extract_regex(needles, f"^(?P<head>[^ ]* ){parts}")
        words = [anchors.field(f"w{k}") for k in range(_WINDOW_WORDS)]
        wanted = _window_keys(
            numbers, [pc.index_in(pc.cast(w, pa.binary()), self.vocabulary) for w in words]
        )
        # Where each needle's key starts in the sorted keys, and how many windows share it. Only
        # the runs some needle wants are hashed (fewer than the needles, not the text's words).
        runs = self.runs.filter(pc.is_in(self.runs.field("key"), value_set=wanted))
        run = pc.index_in(wanted, value_set=runs.field("key"))
        times = pc.take(runs.field("length"), run)
        # No anchor, or an anchor too common: the index cannot tell.
        unknown = pc.or_kleene(pc.is_null(anchors), pc.greater(times, literal(_MOST_PLACES)))
        chosen = pc.indices_nonzero(
            pc.fill_null(pc.less_equal(times, literal(_MOST_PLACES)), literal(False))
        )
        owner, place = _spread(
            chosen, pc.take(pc.take(runs.field("start"), run), chosen), pc.take(times, chosen)
        )
        # Where the needle would begin, if it stands at that place; it must fit in its own text.
        text = pc.take(numbers, owner)
        begin = pc.subtract(
            pc.take(self.starts, pc.take(self.by_key, place)),
            pc.take(pc.binary_length(anchors.field("head")), owner),
        )
        end = pc.add(begin, pc.take(pc.binary_length(needles), owner))
        fits = pc.and_(
            pc.greater_equal(begin, pc.take(self.bounds, text)),
            pc.less(end, pc.take(self.bounds, pc.add(text, literal(1)))),
        )
        owner, begin = owner.filter(fits), begin.filter(fits)
        found: set[int] = set()
        for first in range(0, len(owner), BATCH):
            owners = owner.slice(first, BATCH)
            blobs = pc.cast(needles.take(owners), pa.binary()).to_pylist()
            places = begin.slice(first, BATCH).to_pylist()
            for i, at, blob in zip(owners.to_pylist(), places, blobs, strict=True):
                if i not in found and self.joined.startswith(blob, at):
                    found.add(i)
        return pc.indices_nonzero(pc.fill_null(unknown, literal(False))).to_pylist(), found


def _spread(items: Any, firsts: Any, counts: Any) -> tuple[Any, Any]:
    """For each item, ``counts`` consecutive numbers from ``firsts``: (item, number) pairs."""
    ends = pc.cumulative_sum(pc.cast(counts, pa.int64()))
    offsets = pa.concat_arrays([integers([0]), ends])
    total = offsets[-1].as_py() if len(offsets) else 0
    lists = pa.LargeListArray.from_arrays(offsets, pa.nulls(total))
    parent = pc.list_parent_indices(lists)
    within = pc.subtract(_count_up(total), pc.take(offsets, parent))
    return pc.take(items, parent), pc.add(pc.take(firsts, parent), within)


def _count_up(count: int) -> Any:
    """0, 1, ..., count - 1 as int64."""
    return pc.cumulative_sum(pa.repeat(literal(1), count), start=literal(-1))


def _runs(ordered: Any) -> Any:
    """The runs of equal values of a sorted array: a struct of key, start and length."""
    if not len(ordered):
        return pa.StructArray.from_arrays(
            [ordered, *[pc.cast(integers([]), pa.int32())] * 2], ["key", "start", "length"]
        )
    changes = pc.not_equal(ordered.slice(1), ordered.slice(0, len(ordered) - 1))
    one = literal(1, pa.int32())
    first = pc.cast(integers([0]), pa.int32())
    starts = pa.concat_arrays(
        [first, pc.add(pc.cast(pc.indices_nonzero(changes), pa.int32()), one)]
    )
    ends = pa.concat_arrays([starts.slice(1), pc.cast(integers([len(ordered)]), pa.int32())])
    return pa.StructArray.from_arrays(
        [ordered.take(starts), starts, pc.subtract(ends, starts)], ["key", "start", "length"]
    )


def _windows(data: bytes) -> tuple[Any, Any, Any]:
    """The words of ``data`` (each keeps the space after it) as a vocabulary; the key of every
    window of ``_WINDOW_WORDS`` words (``_window_keys``); and the byte where each starts.

    Positions are int32 (the texts are far below 2 GiB) and each step's arrays are let go as
    soon as the next is made: for 20 MB of text there are millions of words.
    """
    text = pa.Array.from_buffers(pa.uint8(), len(data), [None, pa.py_buffer(data)])
    spaces = pc.cast(pc.indices_nonzero(pc.equal(text, literal(32, pa.uint8()))), pa.int32())
    zero = pc.cast(integers([0]), pa.int32())
    starts = pa.concat_arrays([zero, pc.add(spaces, literal(1, pa.int32()))])
    del spaces
    end = pc.cast(integers([len(data)]), pa.int32())
    offsets = pa.concat_arrays([starts, end]).buffers()[1]
    words = pa.Array.from_buffers(pa.binary(), len(starts), [None, offsets, text.buffers()[1]])
    # The text a word lies in: how many newlines (text boundaries) come before it.
    joins = pc.count_substring(words, "\n")
    text_number = pc.subtract(pc.cumulative_sum(joins), joins)
    del joins
    encoded = pc.dictionary_encode(words)
    del words, offsets
    count = max(len(encoded) - _WINDOW_WORDS + 1, 0)
    ids = [encoded.indices.slice(k, count) for k in range(_WINDOW_WORDS)]
    keys = _window_keys(text_number.slice(0, count), ids)
    return encoded.dictionary, keys, starts.slice(0, count)


#: Multiplier of the window hash (a large odd number; uint64 arithmetic wraps around).
_MIX = 0x5851F42D4C957F2D


def _window_keys(texts: Any, word_ids: list[Any]) -> Any:
    """A 64-bit key per window from its text and word ids: equal windows, equal keys."""
    mix = literal(_MIX, pa.uint64())
    key = pc.cast(texts, pa.uint64())
    for ids in word_ids:
        key = pc.add(pc.multiply(key, mix), pc.cast(ids, pa.uint64()))
    return key
