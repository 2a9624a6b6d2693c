"""How a result looks on the wire: Spark types as Databricks describes them.

- The TTableSchema: one primitive type entry per column, complex types included, with
  DECIMAL precision and scale in the qualifiers (as recorded from real warehouses).
- The Arrow schema in TGetResultSetMetadataResp.arrowSchema: the data's own Arrow
  types, with each field's Spark type in the metadata keys `Spark:DataType:SqlName`
  and `Spark:DataType:JsonType`; the schema in CloudFetch files has no field metadata.
- What the client asked for in useArrowNativeTypes: a type it cannot take natively
  travels as text, formatted as Spark formats it (timestamps in the session time zone
  with trailing zeros of the fraction removed, decimals at their scale, complex values
  as JSON, intervals as `y-m` and `d hh:mm:ss.nnnnnnnnn`).
- COLUMN_BASED_SET for clients that cannot read Arrow: one TColumn per column, the null
  bitmap cut after the last null as real servers send it.
"""

import datetime
import decimal
import json
import re

import pyarrow as pa
import pyarrow.compute as pc
from databricks.sql.thrift_api.TCLIService import ttypes as T
from pyspark.sql import types as st

SQL_NAME = b"Spark:DataType:SqlName"
JSON_TYPE = b"Spark:DataType:JsonType"


class Wanted:
    """What the client can take: Arrow at all, and which types natively."""

    def __init__(self, arrow=True, timestamps=True, decimals=True, complex_types=True,
                 intervals=False, lz4=False, downloads=False, files_only=False,
                 file_format="arrow"):
        self.arrow = arrow
        self.timestamps = timestamps
        self.decimals = decimals
        self.complex_types = complex_types
        self.intervals = intervals
        self.lz4 = lz4
        self.downloads = downloads
        # The Statement Execution API's EXTERNAL_LINKS: every row in files, whatever the
        # size, as Arrow streams or as "json" or "csv" text (text_results).
        self.files_only = files_only
        self.file_format = file_format

    @classmethod
    def from_request(cls, request, timestamps_as_string=False):
        native = request.useArrowNativeTypes
        # A client that names no native types gets Databricks' defaults for old clients:
        # everything but native Arrow numbers as text.
        return cls(arrow=bool(request.canReadArrowResult),
                   timestamps=bool(native and native.timestampAsArrow) and not timestamps_as_string,
                   decimals=bool(native and native.decimalAsArrow),
                   complex_types=bool(native and native.complexTypesAsArrow),
                   intervals=bool(native and native.intervalTypesAsArrow),
                   lz4=bool(request.canDecompressLZ4Result),
                   downloads=bool(request.canDownloadResult))

    @classmethod
    def for_metadata(cls):
        return cls(arrow=False)


# ---------------------------------------------------------------- Spark type names

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _quote(name):
    return name if _IDENTIFIER.match(name) else "`" + name.replace("`", "``") + "`"


def sql_name(dt):
    """Spark's DataType.sql: DECIMAL(18,2), ARRAY<INT>, MAP<STRING, INT>, STRUCT<a: INT>."""
    if isinstance(dt, st.DecimalType):
        return f"DECIMAL({dt.precision},{dt.scale})"
    if isinstance(dt, st.ArrayType):
        return f"ARRAY<{sql_name(dt.elementType)}>"
    if isinstance(dt, st.MapType):
        return f"MAP<{sql_name(dt.keyType)}, {sql_name(dt.valueType)}>"
    if isinstance(dt, st.StructType):
        inner = ", ".join(f"{_quote(f.name)}: {sql_name(f.dataType)}" for f in dt.fields)
        return f"STRUCT<{inner}>"
    if isinstance(dt, st.CharType):
        return f"CHAR({dt.length})"
    if isinstance(dt, st.VarcharType):
        return f"VARCHAR({dt.length})"
    if isinstance(dt, (st.YearMonthIntervalType, st.DayTimeIntervalType)):
        return dt.simpleString().upper()
    simple = {
        st.BooleanType: "BOOLEAN", st.ByteType: "TINYINT", st.ShortType: "SMALLINT",
        st.IntegerType: "INT", st.LongType: "BIGINT", st.FloatType: "FLOAT",
        st.DoubleType: "DOUBLE", st.StringType: "STRING", st.BinaryType: "BINARY",
        st.DateType: "DATE", st.TimestampType: "TIMESTAMP", st.TimestampNTZType: "TIMESTAMP_NTZ",
        st.NullType: "VOID", st.VariantType: "VARIANT",
    }
    for kind, name in simple.items():
        if isinstance(dt, kind):
            return name
    return dt.simpleString().upper()


def is_interval(dt):
    return isinstance(dt, (st.YearMonthIntervalType, st.DayTimeIntervalType))


def type_id(dt, wanted):
    """The TTypeId a Databricks warehouse reports for a Spark type."""
    if is_interval(dt):
        if not wanted.intervals:
            return T.TTypeId.STRING_TYPE
        return (T.TTypeId.INTERVAL_YEAR_MONTH_TYPE if isinstance(dt, st.YearMonthIntervalType)
                else T.TTypeId.INTERVAL_DAY_TIME_TYPE)
    table = [
        (st.BooleanType, T.TTypeId.BOOLEAN_TYPE), (st.ByteType, T.TTypeId.TINYINT_TYPE),
        (st.ShortType, T.TTypeId.SMALLINT_TYPE), (st.IntegerType, T.TTypeId.INT_TYPE),
        (st.LongType, T.TTypeId.BIGINT_TYPE), (st.FloatType, T.TTypeId.FLOAT_TYPE),
        (st.DoubleType, T.TTypeId.DOUBLE_TYPE), (st.BinaryType, T.TTypeId.BINARY_TYPE),
        (st.DecimalType, T.TTypeId.DECIMAL_TYPE), (st.DateType, T.TTypeId.DATE_TYPE),
        (st.TimestampType, T.TTypeId.TIMESTAMP_TYPE), (st.TimestampNTZType, T.TTypeId.TIMESTAMP_TYPE),
        (st.NullType, T.TTypeId.NULL_TYPE), (st.ArrayType, T.TTypeId.ARRAY_TYPE),
        (st.MapType, T.TTypeId.MAP_TYPE), (st.StructType, T.TTypeId.STRUCT_TYPE),
    ]
    for kind, tid in table:
        if isinstance(dt, kind):
            return tid
    return T.TTypeId.STRING_TYPE  # STRING, CHAR, VARCHAR, VARIANT


def table_schema(struct, wanted):
    columns = []
    for position, field in enumerate(struct.fields, start=1):
        qualifiers = None
        if isinstance(field.dataType, st.DecimalType):
            qualifiers = T.TTypeQualifiers(qualifiers={
                "precision": T.TTypeQualifierValue(i32Value=field.dataType.precision),
                "scale": T.TTypeQualifierValue(i32Value=field.dataType.scale)})
        entry = T.TTypeEntry(primitiveEntry=T.TPrimitiveTypeEntry(
            type=type_id(field.dataType, wanted), typeQualifiers=qualifiers))
        comment = (field.metadata or {}).get("comment", "")
        columns.append(T.TColumnDesc(columnName=field.name, typeDesc=T.TTypeDesc(types=[entry]),
                                     position=position, comment=comment))
    return T.TTableSchema(columns=columns)


# ---------------------------------------------------------------- Arrow for the client


def _as_text(dt, wanted):
    """True when this column travels as text for this client."""
    if isinstance(dt, (st.TimestampType, st.TimestampNTZType)):
        return not wanted.timestamps
    if isinstance(dt, st.DecimalType):
        return not wanted.decimals
    if isinstance(dt, (st.ArrayType, st.MapType, st.StructType)):
        return not wanted.complex_types
    if is_interval(dt):
        return not wanted.intervals
    return isinstance(dt, st.VariantType)


class ResultShape:
    """The client's view of one result: its Spark schema, the Arrow schema sent to the
    client and the conversion of Spark Connect's batches into it."""

    def __init__(self, struct, source_schema, wanted):
        self.struct = struct
        self.wanted = wanted
        self.source_schema = source_schema
        # Column-based rows are rendered from Spark's own types (to_columns).
        self.text_columns = [i for i, f in enumerate(struct.fields)
                             if wanted.arrow and _as_text(f.dataType, wanted)]
        fields = []
        for i, field in enumerate(source_schema):
            spark_type = struct.fields[i].dataType
            arrow_type = pa.string() if i in self.text_columns else field.type
            metadata = {SQL_NAME: sql_name(spark_type).encode(),
                        JSON_TYPE: spark_type.json().encode()}
            fields.append(pa.field(field.name, arrow_type, field.nullable, metadata))
        self.arrow_schema = pa.schema(fields)
        self.file_schema = self.arrow_schema.remove_metadata()
        self.file_schema = pa.schema([f.remove_metadata() for f in self.file_schema])

    def empty_batch(self):
        return pa.RecordBatch.from_pylist([], schema=self.source_schema)

    def thrift_schema(self):
        return table_schema(self.struct, self.wanted)

    def arrow_schema_bytes(self):
        return self.arrow_schema.serialize().to_pybytes()

    def convert(self, batch):
        """A Spark Connect record batch in the client's types (same rows)."""
        if not self.wanted.arrow or (not self.text_columns and batch.schema.equals(self.file_schema)):
            return batch
        columns = list(batch.columns)
        for i in self.text_columns:
            columns[i] = to_text(columns[i], self.struct.fields[i].dataType)
        return pa.RecordBatch.from_arrays(columns, schema=self.file_schema)


# ---------------------------------------------------------------- values as text


def _timestamp_text(array):
    text = pc.strftime(array, "%Y-%m-%d %H:%M:%S")
    return pc.replace_substring_regex(text, r"\.?0+$", "")


def to_text(array, dt):
    """A column of any Spark type as Spark's text for it."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if isinstance(dt, (st.TimestampType, st.TimestampNTZType)):
        return _timestamp_text(array)
    if isinstance(dt, st.DateType):
        return pc.strftime(array, "%Y-%m-%d")
    if isinstance(dt, st.DecimalType):
        # Plain notation at the column's scale, as Spark writes it (pyarrow's cast writes
        # 1E-12 for 0.000000000001).
        return pa.array([None if v is None else format(v, "f") for v in array.to_pylist()],
                        pa.string())
    if isinstance(dt, (st.StringType, st.BooleanType, st.ByteType, st.ShortType,
                       st.IntegerType, st.LongType)) or pa.types.is_string(array.type):
        return array.cast(pa.string())
    values = array.to_pylist()
    out = [None if v is None else _render(v, dt, top=True) for v in values]
    return pa.array(out, pa.string())


def _interval_year_month(months):
    sign = "-" if months < 0 else ""
    months = abs(months)
    return f"{sign}{months // 12}-{months % 12}"


def _interval_day_time(value):
    micros = value // datetime.timedelta(microseconds=1) if isinstance(value, datetime.timedelta) else int(value)
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    days, rest = divmod(micros, 86400 * 10**6)
    hours, rest = divmod(rest, 3600 * 10**6)
    minutes, rest = divmod(rest, 60 * 10**6)
    seconds, rest = divmod(rest, 10**6)
    return f"{sign}{days} {hours:02d}:{minutes:02d}:{seconds:02d}.{rest * 1000:09d}"


def _render(value, dt, top=False):
    """Spark's Hive-style text of a value: JSON for complex values, strings quoted inside
    them, dates and timestamps bare."""
    if value is None:
        return "null"
    if isinstance(dt, st.ArrayType):
        return "[" + ",".join(_render(v, dt.elementType) for v in value) + "]"
    if isinstance(dt, st.MapType):
        items = value.items() if isinstance(value, dict) else value
        return "{" + ",".join(f"{_render(k, dt.keyType)}:{_render(v, dt.valueType)}"
                              for k, v in items) + "}"
    if isinstance(dt, st.StructType):
        return "{" + ",".join(f"{json.dumps(f.name)}:{_render(value.get(f.name), f.dataType)}"
                              for f in dt.fields) + "}"
    if isinstance(dt, st.VariantType):
        if isinstance(value, str):  # Spark's own text of it (statements.variants_as_json)
            return value
        # A variant inside an array, map or struct: PySpark's rendering, which escapes
        # non-ASCII characters where Databricks does not.
        variant = st.VariantVal(value["value"], value["metadata"]) if isinstance(value, dict) else value
        return variant.toJson()
    if isinstance(dt, st.YearMonthIntervalType):
        return _interval_year_month(int(value))
    if isinstance(dt, st.DayTimeIntervalType):
        return _interval_day_time(value)
    if isinstance(dt, (st.StringType, st.CharType, st.VarcharType)):
        return value if top else json.dumps(value, ensure_ascii=False)
    if isinstance(dt, st.BooleanType):
        return "true" if value else "false"
    if isinstance(dt, (st.TimestampType, st.TimestampNTZType)):
        text = value.strftime("%Y-%m-%d %H:%M:%S.%f").rstrip("0").rstrip(".")
        return text
    if isinstance(dt, st.DateType):
        return value.isoformat()
    if isinstance(dt, st.BinaryType):
        return bytes(value).decode("utf-8", "replace") if top else json.dumps(
            bytes(value).decode("utf-8", "replace"))
    if isinstance(dt, (st.FloatType, st.DoubleType)):
        return repr(float(value)) if value == value and abs(value) != float("inf") else (
            "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity"))
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


# ---------------------------------------------------------------- column-based rows


def _null_bitmap(array):
    """LSB-first bitmap of the nulls, cut after the last null (one zero byte for none)."""
    if array.null_count == 0:
        return b"\x00"
    nulls = array.is_null().to_pylist()
    last = max(i for i, v in enumerate(nulls) if v)
    out = bytearray((last // 8) + 1)
    for i, is_null in enumerate(nulls[:last + 1]):
        if is_null:
            out[i >> 3] |= 1 << (i & 7)
    return bytes(out)


def to_columns(batch, struct):
    """A record batch (Spark Connect's types) as TColumns."""
    columns = []
    for array, field in zip(batch.columns, struct.fields):
        dt = field.dataType
        nulls = _null_bitmap(array)
        if isinstance(dt, st.BooleanType):
            values = [bool(v) if v is not None else False for v in array.to_pylist()]
            columns.append(T.TColumn(boolVal=T.TBoolColumn(values=values, nulls=nulls)))
            continue
        numeric = [(st.ByteType, "byteVal", T.TByteColumn), (st.ShortType, "i16Val", T.TI16Column),
                   (st.IntegerType, "i32Val", T.TI32Column), (st.LongType, "i64Val", T.TI64Column),
                   (st.FloatType, "doubleVal", T.TDoubleColumn),
                   (st.DoubleType, "doubleVal", T.TDoubleColumn)]
        done = False
        for kind, attribute, column_type in numeric:
            if isinstance(dt, kind):
                values = [v if v is not None else 0 for v in array.to_pylist()]
                columns.append(T.TColumn(**{attribute: column_type(values=values, nulls=nulls)}))
                done = True
                break
        if done:
            continue
        if isinstance(dt, st.BinaryType):
            values = [bytes(v) if v is not None else b"" for v in array.to_pylist()]
            columns.append(T.TColumn(binaryVal=T.TBinaryColumn(values=values, nulls=nulls)))
            continue
        if isinstance(dt, st.NullType):
            values = [""] * len(array)
        else:
            values = [v if v is not None else "" for v in to_text(array, dt).to_pylist()]
        columns.append(T.TColumn(stringVal=T.TStringColumn(values=values, nulls=nulls)))
    return columns

