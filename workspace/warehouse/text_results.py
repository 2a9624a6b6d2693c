"""Rows as the Statement Execution API writes them in its JSON_ARRAY and CSV formats:
every value the string Spark gives for it (as `CAST(value AS STRING)` would), or null.

- JSON_ARRAY: an array of rows, each an array of strings or nulls, compact (no spaces).
- CSV (RFC 4180): the same strings, `null` for a null, a header row in the first file
  only.
"""

import csv
import io
import json

from pyspark.sql import types as st

from .result_format import to_text


def text_columns(batch, struct):
    """The batch's columns as lists of Spark's text (None for null)."""
    return [to_text(column, field.dataType).to_pylist() if not isinstance(field.dataType, st.NullType)
            else [None] * batch.num_rows
            for column, field in zip(batch.columns, struct.fields)]


def rows(batches, struct):
    """Rows of text, batch by batch."""
    for batch in batches:
        columns = text_columns(batch, struct)
        for row in zip(*columns):
            yield list(row)


def json_array(batches, struct):
    """The JSON_ARRAY data_array of these batches (a list of lists)."""
    return list(rows(batches, struct))


def file_body(file_format, batches, struct, header):
    """One EXTERNAL_LINKS file of JSON_ARRAY ("json") or CSV ("csv") rows."""
    if file_format == "json":
        return json.dumps(json_array(batches, struct), ensure_ascii=False,
                          separators=(",", ":")).encode()
    if file_format != "csv":
        raise ValueError(f"no text format {file_format!r}")
    sink = io.StringIO(newline="")
    writer = csv.writer(sink, lineterminator="\r\n")
    if header:
        writer.writerow([f.name for f in struct.fields])
    for row in rows(batches, struct):
        writer.writerow(["null" if v is None else v for v in row])
    return sink.getvalue().encode()
