"""The metadata calls over every catalog the warehouse has (Spark's own and the Unity
Catalog-like ones): GetCatalogs, GetSchemas, GetTables, GetColumns, GetTableTypes,
GetTypeInfo, GetFunctions, GetPrimaryKeys, GetCrossReference, and GetInfo.

Recorded from real workspaces: these results come as COLUMN_BASED_SET whatever the
client can read, in direct results, with the JDBC column names and a comment on each
column; GetCatalogs, GetSchemas and GetTables have STRING columns only, REMARKS is ""
and the TYPE_* columns are NULL.
"""

import re

import pyarrow as pa
from pyspark.sql import types as st

from . import errors, result_format, sql_text

STRING = st.StringType()
INT = st.IntegerType()
SHORT = st.ShortType()


def _field(name, data_type, comment):
    return st.StructField(name, data_type, True, {"comment": comment})


CATALOG_COLUMNS = [_field("TABLE_CAT", STRING, "Catalog name. NULL if not applicable.")]
SCHEMA_COLUMNS = [_field("TABLE_SCHEM", STRING, "Schema name."),
                  _field("TABLE_CATALOG", STRING, "Catalog name.")]
TABLE_COLUMNS = [
    _field("TABLE_CAT", STRING, "Catalog name. NULL if not applicable."),
    _field("TABLE_SCHEM", STRING, "Schema name."),
    _field("TABLE_NAME", STRING, "Table name."),
    _field("TABLE_TYPE", STRING, 'The table type, e.g. "TABLE", "VIEW", etc.'),
    _field("REMARKS", STRING, "Comments about the table."),
    _field("TYPE_CAT", STRING, "The types catalog."),
    _field("TYPE_SCHEM", STRING, "The types schema."),
    _field("TYPE_NAME", STRING, "Type name."),
    _field("SELF_REFERENCING_COL_NAME", STRING,
           'Name of the designated "identifier" column of a typed table.'),
    _field("REF_GENERATION", STRING,
           "Specifies how values in SELF_REFERENCING_COL_NAME are created."),
]
COLUMN_COLUMNS = [
    _field("TABLE_CAT", STRING, "Catalog name. NULL if not applicable"),
    _field("TABLE_SCHEM", STRING, "Schema name"),
    _field("TABLE_NAME", STRING, "Table name"),
    _field("COLUMN_NAME", STRING, "Column name"),
    _field("DATA_TYPE", INT, "SQL type from java.sql.Types"),
    _field("TYPE_NAME", STRING, "Data source dependent type name"),
    _field("COLUMN_SIZE", INT, "Column size"),
    _field("BUFFER_LENGTH", st.ByteType(), "Unused"),
    _field("DECIMAL_DIGITS", INT, "The number of fractional digits"),
    _field("NUM_PREC_RADIX", INT, "Radix (typically either 10 or 2)"),
    _field("NULLABLE", INT, "Is NULL allowed"),
    _field("REMARKS", STRING, "Comment describing column (may be null)"),
    _field("COLUMN_DEF", STRING, "Default value (may be null)"),
    _field("SQL_DATA_TYPE", INT, "Unused"),
    _field("SQL_DATETIME_SUB", INT, "Unused"),
    _field("CHAR_OCTET_LENGTH", INT, "Maximum number of bytes in the column"),
    _field("ORDINAL_POSITION", INT, "Index of column in table (starting at 0)"),
    _field("IS_NULLABLE", STRING, '"NO" means column definitely does not allow NULL values'),
    _field("SCOPE_CATALOG", STRING, "Catalog of table that is the scope of a reference attribute"),
    _field("SCOPE_SCHEMA", STRING, "Schema of table that is the scope of a reference attribute"),
    _field("SCOPE_TABLE", STRING, "Table name that is the scope of a reference attribute"),
    _field("SOURCE_DATA_TYPE", SHORT, "Source type of a distinct type or user-generated Ref type"),
    _field("IS_AUTO_INCREMENT", STRING, "Indicates whether this column is auto incremented."),
]
TABLE_TYPE_COLUMNS = [_field("TABLE_TYPE", STRING, "Table type name.")]
FUNCTION_COLUMNS = [
    _field("FUNCTION_CAT", STRING, "Function catalog (may be null)"),
    _field("FUNCTION_SCHEM", STRING, "Function schema (may be null)"),
    _field("FUNCTION_NAME", STRING, "Function name."),
    _field("REMARKS", STRING, "Explanatory comment on the function"),
    _field("FUNCTION_TYPE", INT, "Kind of function."),
    _field("SPECIFIC_NAME", STRING, "The name which uniquely identifies this function"),
]
PRIMARY_KEY_COLUMNS = [
    _field("TABLE_CAT", STRING, "Table catalog (may be null)"),
    _field("TABLE_SCHEM", STRING, "Table schema (may be null)"),
    _field("TABLE_NAME", STRING, "Table name"),
    _field("COLUMN_NAME", STRING, "Column name"),
    _field("KEY_SEQ", INT, "Sequence number within primary key"),
    _field("PK_NAME", STRING, "Primary key name (may be null)"),
]
CROSS_REFERENCE_COLUMNS = [
    _field(name, INT if name in ("KEY_SEQ", "UPDATE_RULE", "DELETE_RULE", "DEFERRABILITY") else STRING, "")
    for name in ("PKTABLE_CAT", "PKTABLE_SCHEM", "PKTABLE_NAME", "PKCOLUMN_NAME", "FKTABLE_CAT",
                 "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ", "UPDATE_RULE",
                 "DELETE_RULE", "FK_NAME", "PK_NAME", "DEFERRABILITY")]
TYPE_INFO_COLUMNS = [
    _field("TYPE_NAME", STRING, "Type name"),
    _field("DATA_TYPE", INT, "SQL data type from java.sql.Types"),
    _field("PRECISION", INT, "Maximum precision"),
    _field("LITERAL_PREFIX", STRING, "Prefix used to quote a literal (may be null)"),
    _field("LITERAL_SUFFIX", STRING, "Suffix used to quote a literal (may be null)"),
    _field("CREATE_PARAMS", STRING, "Parameters used in creating the type (may be null)"),
    _field("NULLABLE", SHORT, "Can you use NULL for this type"),
    _field("CASE_SENSITIVE", st.BooleanType(), "Is it case sensitive"),
    _field("SEARCHABLE", SHORT, "Can you use \"WHERE\" based on this type"),
    _field("UNSIGNED_ATTRIBUTE", st.BooleanType(), "Is it unsigned"),
    _field("FIXED_PREC_SCALE", st.BooleanType(), "Can it be a money value"),
    _field("AUTO_INCREMENT", st.BooleanType(), "Can it be used for an auto-increment value"),
    _field("LOCAL_TYPE_NAME", STRING, "Localized version of type name (may be null)"),
    _field("MINIMUM_SCALE", SHORT, "Minimum scale supported"),
    _field("MAXIMUM_SCALE", SHORT, "Maximum scale supported"),
    _field("SQL_DATA_TYPE", INT, "Unused"),
    _field("SQL_DATETIME_SUB", INT, "Unused"),
    _field("NUM_PREC_RADIX", INT, "Usually 2 or 10"),
]

# java.sql.Types of each Spark type, with COLUMN_SIZE and DECIMAL_DIGITS.
_JDBC = [
    (st.BooleanType, 16, 1, None), (st.ByteType, -6, 3, 0), (st.ShortType, 5, 5, 0),
    (st.IntegerType, 4, 10, 0), (st.LongType, -5, 19, 0), (st.FloatType, 6, 7, 7),
    (st.DoubleType, 8, 15, 15), (st.StringType, 12, None, None), (st.CharType, 1, None, None),
    (st.VarcharType, 12, None, None), (st.BinaryType, -2, None, None), (st.DateType, 91, 10, None),
    (st.TimestampType, 93, 29, 6), (st.TimestampNTZType, 93, 29, 6), (st.NullType, 0, None, None),
    (st.ArrayType, 2003, None, None), (st.MapType, 2002, None, None),
    (st.StructType, 2002, None, None),
]

TYPE_NAMES = [("BOOLEAN", 16, 1), ("TINYINT", -6, 3), ("SMALLINT", 5, 5), ("INT", 4, 10),
              ("BIGINT", -5, 19), ("FLOAT", 6, 7), ("DOUBLE", 8, 15), ("STRING", 12, None),
              ("BINARY", -2, None), ("DATE", 91, None), ("TIMESTAMP", 93, None),
              ("TIMESTAMP_NTZ", 93, None), ("DECIMAL", 3, 38), ("ARRAY", 2003, None),
              ("MAP", 2002, None), ("STRUCT", 2002, None), ("VOID", 0, None),
              ("INTERVAL", 1111, None), ("VARIANT", 1111, None)]


def _jdbc(data_type):
    if isinstance(data_type, st.DecimalType):
        return 3, data_type.precision, data_type.scale
    for kind, code, size, digits in _JDBC:
        if isinstance(data_type, kind):
            return code, size, digits
    return 1111, None, None


def like_pattern(pattern):
    """A JDBC search pattern (% any, _ one, \\ escapes) as a case-insensitive regex."""
    if pattern is None or pattern in ("", "%", "*"):
        return None
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c in "%*" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE | re.DOTALL)


def _matches(regex, value):
    return regex is None or bool(regex.match(value))


def _table(columns, rows):
    struct = st.StructType(columns)
    schema = pa.schema([pa.field(f.name, _arrow(f.dataType)) for f in columns])
    data = {f.name: [row[i] for row in rows] for i, f in enumerate(columns)}
    return struct, pa.table(data, schema=schema)


def _arrow(data_type):
    return {st.IntegerType: pa.int32(), st.ShortType: pa.int16(), st.ByteType: pa.int8(),
            st.BooleanType: pa.bool_()}.get(type(data_type), pa.string())


def _rows(spark, sql):
    df = spark.sql(sql)
    return [tuple(row) for row in df.collect()]


def catalog_names(session):
    names = [row[0] for row in _rows(session.spark, "SHOW CATALOGS")]
    for name in session.settings.catalogs:
        if name not in names:
            names.append(name)
    return sorted(names)


def _catalogs(session, catalog):
    if catalog in (None, "", "%", "*"):
        return catalog_names(session)
    wanted = catalog.replace("\\_", "_").replace("\\%", "%")
    regex = like_pattern(wanted) if ("%" in wanted or "*" in wanted) else None
    names = catalog_names(session)
    if regex is not None:
        return [n for n in names if regex.match(n)]
    return [n for n in names if n.lower() == wanted.lower()]


def _schemas(session, catalog, pattern):
    regex = like_pattern(pattern)
    out = []
    for name in _catalogs(session, catalog):
        try:
            rows = _rows(session.spark, f"SHOW SCHEMAS IN {sql_text.quote_name(name)}")
        except Exception:  # a catalog that cannot list schemas lists none
            continue
        for (schema,) in rows:
            if _matches(regex, schema):
                out.append((name, schema))
    return out


def _tables(session, catalog, schema_pattern, table_pattern, types):
    regex = like_pattern(table_pattern)
    wanted_types = {t.upper() for t in types} if types else None
    out = []
    for catalog_name, schema in _schemas(session, catalog, schema_pattern):
        where = f"{sql_text.quote_name(catalog_name)}.{sql_text.quote_name(schema)}"
        try:
            tables = _rows(session.spark, f"SHOW TABLES IN {where}")
        except Exception:
            continue
        try:
            views = {row[1] for row in _rows(session.spark, f"SHOW VIEWS IN {where}")}
        except Exception:
            views = set()
        for row in tables:
            name, temporary = row[1], row[2]
            if temporary or not _matches(regex, name):
                continue
            kind = "VIEW" if name in views else "TABLE"
            if wanted_types is None or kind in wanted_types:
                out.append((catalog_name, schema, name, kind))
    return sorted(out)


def catalogs(session):
    return _table(CATALOG_COLUMNS, [(name,) for name in catalog_names(session)])


def schemas(session, catalog, schema_pattern):
    rows = [(schema, catalog_name) for catalog_name, schema in _schemas(session, catalog, schema_pattern)]
    return _table(SCHEMA_COLUMNS, sorted(rows, key=lambda r: (r[1], r[0])))


def tables(session, catalog, schema_pattern, table_pattern, types):
    rows = [(c, s, t, kind, "", None, None, None, None, None)
            for c, s, t, kind in _tables(session, catalog, schema_pattern, table_pattern, types)]
    return _table(TABLE_COLUMNS, rows)


def columns(session, catalog, schema_pattern, table_pattern, column_pattern):
    regex = like_pattern(column_pattern)
    rows = []
    for catalog_name, schema, table, _ in _tables(session, catalog, schema_pattern, table_pattern, None):
        name = ".".join(sql_text.quote_name(p) for p in (catalog_name, schema, table))
        try:
            struct = session.spark.table(name).schema
        except Exception:
            continue
        # From 0, as Spark's Thrift server numbers them (Databricks' JDBC driver adds 1).
        for position, field in enumerate(struct.fields):
            if not _matches(regex, field.name):
                continue
            code, size, digits = _jdbc(field.dataType)
            comment = (field.metadata or {}).get("comment")
            rows.append((catalog_name, schema, table, field.name, code,
                         result_format.sql_name(field.dataType), size, None, digits,
                         10 if digits is not None else None, 1 if field.nullable else 0, comment,
                         None, None, None, None, position, "YES" if field.nullable else "NO",
                         None, None, None, None, "NO"))
    return _table(COLUMN_COLUMNS, rows)


def table_types(session):
    return _table(TABLE_TYPE_COLUMNS, [("TABLE",), ("VIEW",)])


def type_info(session):
    rows = []
    for name, code, precision in TYPE_NAMES:
        quoted = name in ("STRING", "DATE", "TIMESTAMP", "TIMESTAMP_NTZ", "BINARY")
        rows.append((name, code, precision, "'" if quoted else None, "'" if quoted else None,
                     "PRECISION,SCALE" if name == "DECIMAL" else None, 1, name == "STRING", 3,
                     code not in (-6, 5, 4, -5, 6, 8, 3), name == "DECIMAL", False, None, 0,
                     38 if name == "DECIMAL" else 0, None, None,
                     10 if code in (-6, 5, 4, -5, 6, 8, 3) else None))
    return _table(TYPE_INFO_COLUMNS, rows)


def functions(session, catalog, schema_pattern, function_pattern):
    regex = like_pattern(function_pattern)
    rows = []
    for (name,) in _rows(session.spark, "SHOW FUNCTIONS"):
        short = name.split(".")[-1]
        if _matches(regex, short):
            rows.append((None, None, short, "", 1, short))
    return _table(FUNCTION_COLUMNS, rows)


def primary_keys(session):
    return _table(PRIMARY_KEY_COLUMNS, [])


def cross_reference(session):
    return _table(CROSS_REFERENCE_COLUMNS, [])


# GetInfo: what a Databricks SQL warehouse says of itself.
INFO = {
    "CLI_DBMS_NAME": "Spark SQL",
    "CLI_SERVER_NAME": "Spark SQL",
    "CLI_DBMS_VER": "4.2.1",
    "CLI_IDENTIFIER_QUOTE_CHAR": "`",
    "CLI_SEARCH_PATTERN_ESCAPE": "\\",
    "CLI_CATALOG_NAME": "Y",
    "CLI_MAX_IDENTIFIER_LEN": 255,
    "CLI_MAX_COLUMN_NAME_LEN": 255,
    "CLI_MAX_SCHEMA_NAME_LEN": 255,
    "CLI_MAX_CATALOG_NAME_LEN": 255,
    "CLI_MAX_TABLE_NAME_LEN": 255,
    "CLI_TXN_CAPABLE": 0,
}


def info(name):
    if name not in INFO:
        raise errors.WarehouseError(f"Unrecognized GetInfoType value: {name}", "HY096", None, {},
                                    "org.apache.hive.service.cli.HiveSQLException")
    return INFO[name]
