"""The release's tables as Stata ``.dta`` files (format 118, Stata 14 and later).

``stata_layout`` says how each column of a typed table is stored (pure: the codebook prints it);
``stata_files`` writes the files with pandas, which only this step of a build needs (the
``stata`` extra). The bytes are reproducible: the time stamp is fixed and every choice below
depends only on the schema and the data.

- A field with a controlled vocabulary (an ``enum``) and each ``{field}_precision`` column is a
  labelled integer: code ``n`` is the n-th value of its vocabulary (``model.vocabularies``), the
  value label is the value itself, its definition is in the codebook.
- Partial-date bounds (``{field}_lower``, ``{field}_upper``) are Stata dates (``%td``); the
  partial date itself stays a string.
- Quoted text, and any text column whose longest value passes 244 bytes, is a ``strL``; other
  text is ``str#``. Stata has no missing string: an empty cell is ``""``.
- Booleans are ``byte`` 0/1; integers ``long``, missing as ``.``.
- A column named as a word pandas reserves for Stata (``end``) is renamed with a trailing
  underscore (``end_``); no other name changes.
- Variable labels are the field descriptions, cut to Stata's 80 characters (the codebook has
  them whole).
"""

from __future__ import annotations

import datetime
import io
import warnings
from dataclasses import dataclass
from typing import Any, get_args

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import BuildError
from ..model.fields import DERIVED_COLUMNS, quoted_fields
from ..model.vocabularies import VOCABULARIES, vocabulary_for

__all__ = ["STATA_FOLDER", "STATA_VERSION", "StataColumn", "stata_files", "stata_layout"]

STATA_FOLDER = "stata"
STATA_VERSION = 118
#: The time stamp every file carries (pandas would write the time of the build).
TIME_STAMP = datetime.datetime(2000, 1, 1)
#: Column names Stata readers would refuse or pandas would rename on its own (to ``_end``).
RENAMED = frozenset({"end"})
_SHORT_TEXT_BYTES = 244
_LABEL_CHARS = 80


@dataclass(frozen=True)
class StataColumn:
    """How one column is stored: ``storage`` is the Stata type as the codebook prints it;
    ``vocabulary`` names the value label of a labelled integer."""

    name: str
    storage: str
    vocabulary: str | None = None

    @property
    def variable(self) -> str:
        """The Stata variable name."""
        return self.name + "_" if self.name in RENAMED else self.name


def _field_specs(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in schema["fields"]}


def _vocabulary(name: str, specs: dict[str, dict[str, Any]]) -> str | None:
    spec = specs.get(name)
    if spec is None and name.rpartition("_")[2] == "precision":
        return "Precision"
    enum = (spec or {}).get("constraints", {}).get("enum")
    return vocabulary_for(enum) if enum else None


def stata_layout(resource: str, table: pa.Table, schema: dict[str, Any]) -> list[StataColumn]:
    """The Stata storage of every column of a typed table (see the module's docstring)."""
    specs = _field_specs(schema)
    quoted = {text for _, text in quoted_fields(resource, list(specs))}
    layout = []
    for field in table.schema:
        kind = field.type
        vocabulary = _vocabulary(field.name, specs)
        if vocabulary is not None:
            layout.append(StataColumn(field.name, "byte, labelled", vocabulary))
        elif pa.types.is_date(kind):
            layout.append(StataColumn(field.name, "long, %td date"))
        elif pa.types.is_boolean(kind):
            layout.append(StataColumn(field.name, "byte, 0 false / 1 true"))
        elif pa.types.is_integer(kind):
            layout.append(StataColumn(field.name, "long"))
        else:
            lengths = pc.max(pc.binary_length(table.column(field.name).cast(pa.string())))
            long_text = (lengths.as_py() or 0) > _SHORT_TEXT_BYTES
            storage = "strL" if long_text or field.name in quoted else "str#"
            layout.append(StataColumn(field.name, storage))
    return layout


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"


def _descriptions(schema: dict[str, Any], layout: list[StataColumn]) -> dict[str, str]:
    specs = _field_specs(schema)
    labels = {}
    for column in layout:
        if column.name in specs:
            text = specs[column.name].get("description", "")
        else:
            base, _, part = column.name.rpartition("_")
            text = DERIVED_COLUMNS[part].format(field=base)
        labels[column.variable] = _label(text)
    return labels


def _frame(table: pa.Table, layout: list[StataColumn]) -> tuple[Any, dict[str, dict[int, str]]]:
    """The pandas frame to write and its value labels."""
    import pandas as pd

    columns: dict[str, Any] = {}
    labels: dict[str, dict[int, str]] = {}
    for column in layout:
        values = table.column(column.name).to_pylist()
        name = column.variable
        if column.vocabulary is not None:
            allowed = list(get_args(VOCABULARIES[column.vocabulary]))
            codes = [None if v is None else allowed.index(v) + 1 for v in values]
            columns[name] = pd.array(codes, dtype="Int8")
            labels[name] = {i + 1: value for i, value in enumerate(allowed)}
        elif column.storage.startswith("long, %td"):
            columns[name] = pd.to_datetime(pd.Series(values, dtype=object))
        elif column.storage.startswith("byte"):
            columns[name] = pd.array([None if v is None else int(v) for v in values], "Int8")
        elif column.storage == "long":
            columns[name] = pd.array(values, dtype="Int32")
        else:
            columns[name] = pd.Series(["" if v is None else v for v in values], dtype=object)
    return pd.DataFrame(columns), labels


def _dta(resource: str, table: pa.Table, schema: dict[str, Any], data_label: str) -> bytes:
    layout = stata_layout(resource, table, schema)
    frame, labels = _frame(table, layout)
    buffer = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame.to_stata(
            buffer,
            write_index=False,
            version=STATA_VERSION,
            convert_dates={c.variable: "td" for c in layout if c.storage.startswith("long, %td")},
            convert_strl=[c.variable for c in layout if c.storage == "strL"],
            time_stamp=TIME_STAMP,
            data_label=_label(data_label),
            variable_labels=_descriptions(schema, layout),
            value_labels=labels or None,
        )
    if caught:  # pandas renamed a column or changed a value: the file would not say what we say
        raise BuildError(
            f"writing {resource}.dta: pandas warned {caught[0].message}; "
            "add the column to stata.RENAMED or fix its values"
        )
    return buffer.getvalue()


def stata_files(
    tables: dict[str, pa.Table], schemas: dict[str, dict[str, Any]], title: str
) -> dict[str, bytes]:
    """``stata/{table}.dta`` for every table; BuildError naming the extra when pandas is missing."""
    try:
        import pandas  # noqa: F401
    except ImportError as exc:
        raise BuildError(
            "building the Stata files of a release needs pandas: "
            "pip install 'unionstate-data[stata]' (bash tasks.sh main installs it)"
        ) from exc
    return {
        f"{STATA_FOLDER}/{name}.dta": _dta(name, table, schemas[name], f"{title}: {name}")
        for name, table in tables.items()
    }
