"""How the validator reads and checks, and what it refuses to read, as values passed down
(standard library only).

``Tuning``: the defaults suit every size of package; tests pass small values to exercise the
paths that only large packages take (many blocks, many slices, renumbered key codes).

``Limits``: a package given to ``validate`` may be hostile (a pull request's CI validates what a
stranger sent). Past these limits the validator refuses the file with a ``limit-exceeded``
problem instead of reading it, so its work stays linear in the input's size. The README's
"Limits" section names them; a test checks that it does.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT", "LIMITS", "Limits", "Tuning"]


@dataclass(frozen=True)
class Tuning:
    """Knobs of reading and checking; none changes a result, only how it is computed."""

    #: Bytes Arrow's CSV reader parses at a time (None: its default, 1 MiB).
    block_bytes: int | None = None
    #: Plain quoted text held at most before it is dictionary-encoded (compact reading).
    slice_bytes: int = 48 << 20
    #: Key codes are renumbered densely before a product of distinct counts would pass this.
    code_limit: int = 1 << 62
    #: Below this much work (quotes x stored text length) the quote rule searches each quote
    #: plainly; above it, it indexes the stored texts first (``rules.quote_index``).
    plain_search_work: int = 1 << 24
    #: Distinct (source, quote) pairs the quote rule finds by hashing, before it sorts the rest
    #: instead (``_arrow.distinct_integers``: its hash table then holds up to twice that many,
    #: some 60 MiB).
    hashed_pairs: int = 1 << 17


DEFAULT = Tuning()


@dataclass(frozen=True)
class Limits:
    """Sizes past which the validator refuses a file rather than read it."""

    #: Bytes of a descriptor or a Table Schema (JSON) file.
    json_bytes: int = 16 << 20
    #: Fields of a Table Schema, and columns of a CSV header.
    columns: int = 1_000
    #: Bytes of a CSV file's header row (a column name is a short identifier).
    header_bytes: int = 64 << 10
    #: Resources of a descriptor.
    resources: int = 1_000


LIMITS = Limits()
