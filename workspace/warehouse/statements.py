"""From statement text to what runs it.

Most statements are Spark SQL and run as written, with three rewrites of paths inside
string literals and backticked names, so that Databricks' forms reach the stand-in's
storage: `/Volumes/<catalog>/<schema>/<volume>/...` becomes the volume's place in the root
bucket, `abfss://` becomes `abfs://` (the stand-in's Azure storage has no TLS), and
`dbfs:/Volumes/...` is read as `/Volumes/...`. (`s3://` needs no rewrite: Spark maps it to
the S3A file system.) Databricks-only statements (volume staging PUT/GET/REMOVE/LIST,
volume DDL, COPY INTO) are recognised by their first words and run here.
"""

import datetime
import decimal
import re

import pyarrow as pa
from pyspark.sql import functions as F
from pyspark.sql import types as st

from . import copy_into, errors, sql_text, volumes
from .operations import Runner


def variants_as_json(df):
    """The DataFrame with each top-level VARIANT column as Spark's own JSON text of it
    (to_json, as Databricks sends VARIANT: text, not escaped to ASCII, numbers and
    timestamps written as the JVM writes them), and the schema to describe it with,
    which still says VARIANT. Columns are named in the select, so a result with two
    columns of one name keeps its variants for the row renderer."""
    struct = df.schema
    names = [f.name for f in struct.fields]
    variant = [isinstance(f.dataType, st.VariantType) for f in struct.fields]
    if not any(variant) or len(set(names)) != len(names):
        return df, None
    quoted = ["`" + name.replace("`", "``") + "`" for name in names]
    return df.select(*[F.to_json(F.col(q)).alias(n) if v else F.col(q)
                       for q, n, v in zip(quoted, names, variant)]), struct


def batches_of(spark, df, struct_as=None):
    """(StructType, Arrow schema, record batches) of a Spark Connect DataFrame, streamed;
    `struct_as` replaces the Spark schema the stream gives (variants_as_json)."""
    plan = df._plan.to_proto(spark.client)
    stream = spark.client.to_table_as_iterator(plan, df._plan.observations)
    struct = None
    first = None
    for item in stream:
        if isinstance(item, st.StructType):
            struct = item
            continue
        first = item
        break
    if struct_as is not None:  # no need to ask Spark for the stream's own schema
        struct = struct_as
    elif struct is None:
        struct = df.schema
    if first is None:
        from pyspark.sql.pandas.types import to_arrow_schema
        source_schema = to_arrow_schema(struct)
    else:
        source_schema = first.schema

    def batches():
        if first is not None:
            yield from first.to_batches()
        for table in stream:
            if not isinstance(table, st.StructType):
                yield from table.to_batches()

    return struct, source_schema, batches()


def rewrite_paths(text, settings):
    def rewrite(value):
        if value.startswith("dbfs:/Volumes/"):
            value = value[len("dbfs:"):]
        if value.startswith("/Volumes/"):
            return volumes.storage_uri(settings, value)
        if value.startswith("abfss://"):
            return "abfs://" + value[len("abfss://"):]
        return None
    return sql_text.rewrite_literals(text, rewrite)


class SqlRunner(Runner):
    """A Spark SQL statement, with native parameters."""

    def __init__(self, text, parameters):
        self.text = text
        self.parameters = parameters or []

    def run(self, operation):
        session = operation.session
        spark = session.spark
        text = rewrite_paths(bind_parameters(self.text, self.parameters), session.settings)
        df, struct = variants_as_json(spark.sql(text))
        if operation.row_limit is not None:
            df = df.limit(operation.row_limit)
            operation.row_limit = None
        return batches_of(spark, df, struct)


class TableRunner(Runner):
    """A result computed here (metadata calls, staging statements): an Arrow table."""

    def __init__(self, compute, staging=False):
        self.compute = compute
        self.staging = staging

    def run(self, operation):
        struct, table = self.compute(operation.session)
        return struct, table.schema, iter(table.to_batches())


class FailingRunner(Runner):
    """A statement refused before it runs (its error becomes the operation's)."""

    def __init__(self, error):
        self.error = error

    def run(self, operation):
        raise self.error


def runner_for(text, parameters):
    """The runner of one statement."""
    try:
        parser = sql_text.Parser(text)
    except sql_text.SqlSyntaxError as e:
        raise errors.user_error("PARSE_SYNTAX_ERROR", f"Syntax error: {e}.", "42601")
    first = parser.peek()
    second = parser.peek(1)
    if first is not None and first.kind == "word":
        if first.value in ("PUT", "GET", "REMOVE") and second is not None and second.kind == "string":
            return volumes.staging_runner(parser)
        if first.value == "LIST" and second is not None and second.kind == "string":
            return volumes.list_runner(parser)
        if first.value == "COPY" and second is not None and second.is_word("INTO"):
            return copy_into.runner(parser)
        if first.value == "USE" and second is not None and second.is_word("CATALOG"):
            # Databricks' USE CATALOG is open-source Spark's SET CATALOG, which takes a
            # plain name or a string (not a backticked name).
            name = parser.peek(2)
            if name is not None and name.kind in ("word", "quoted", "string") and parser.peek(3) is None:
                return SqlRunner("SET CATALOG " + sql_text.quote_string(
                    name.text if name.kind == "word" else name.value), parameters)
        runner = volumes.ddl_runner(parser)
        if runner is not None:
            return runner
    return SqlRunner(text, parameters)


# ---------------------------------------------------------------- native parameters
#
# Spark binds `:name` and `?` markers itself, but in this stand-in's Spark the Delta SQL
# parser extension drops the arguments (UNBOUND_SQL_PARAMETER whatever is passed), so the
# warehouse binds them: each marker becomes a typed SQL literal of the parameter's type,
# exactly as Spark would bind it.

_INTEGERS = {"INT": "INT", "INTEGER": "INT", "BIGINT": "BIGINT", "LONG": "BIGINT",
             "SMALLINT": "SMALLINT", "SHORT": "SMALLINT", "TINYINT": "TINYINT", "BYTE": "TINYINT"}


def _literal(parameter):
    type_name = (parameter.type or "STRING").strip()
    upper = type_name.upper()
    if parameter.arguments:
        items = ", ".join(_literal(argument) for argument in parameter.arguments)
        return f"map({items})" if upper.startswith("MAP") else f"array({items})"
    text = parameter.value.stringValue if parameter.value is not None else None
    if text is None or upper in ("VOID", "NULL"):
        return "NULL"
    if upper in _INTEGERS:
        return f"CAST({int(text)} AS {_INTEGERS[upper]})"
    if upper == "BOOLEAN":
        value = text.strip().lower()
        if value not in ("true", "false", "1", "0"):
            raise ValueError(f"{text!r} is not a BOOLEAN")
        return "TRUE" if value in ("true", "1") else "FALSE"
    if upper in ("DOUBLE", "FLOAT"):
        float(text)  # refuses what is not a number before Spark sees it
        return f"CAST({sql_text.quote_string(text)} AS {upper})"
    if upper.startswith("DECIMAL"):
        decimal.Decimal(text)
        if not re.fullmatch(r"DECIMAL(\(\s*\d+\s*(,\s*\d+\s*)?\))?", upper):
            raise ValueError(f"{type_name!r} is not a DECIMAL type")
        return f"CAST({sql_text.quote_string(text)} AS {upper})"
    if upper == "STRING" or upper.startswith(("VARCHAR", "CHAR")):
        return sql_text.quote_string(text)
    if upper == "DATE":
        datetime.date.fromisoformat(text.strip()[:10])
        return f"DATE{sql_text.quote_string(text.strip())}"
    if upper in ("TIMESTAMP", "TIMESTAMP_LTZ", "TIMESTAMP_NTZ"):
        datetime.datetime.fromisoformat(text.strip())
        keyword = "TIMESTAMP_NTZ" if upper == "TIMESTAMP_NTZ" else "TIMESTAMP"
        return f"{keyword}{sql_text.quote_string(text.strip())}"
    if upper == "BINARY":
        return "X'" + text.encode("utf-8").hex() + "'"
    raise errors.user_error("UNSUPPORTED_PARAMETER_TYPE", f"The parameter type {type_name} is not "
                            "supported by the stand-in warehouse.", "0A000")


def bind_parameters(text, parameters):
    """The statement with its parameter markers replaced by typed literals."""
    if not parameters:
        return text
    try:
        named = {p.name: _literal(p) for p in parameters if p.name}
        positional = [_literal(p) for p in parameters if not p.name]
    except (ValueError, decimal.InvalidOperation) as e:
        raise errors.user_error("INVALID_PARAMETER_VALUE", f"A parameter value is not valid for "
                                f"its type: {e}.", "22023")
    items = sql_text.tokens(text)
    pieces = []
    last = 0
    used = 0
    for i, token in enumerate(items):
        if token.kind != "punct":
            continue
        if token.value == "?":
            if used >= len(positional):
                raise errors.user_error("UNBOUND_SQL_PARAMETER", f"Found the unbound parameter: "
                                        f"_{used}.", "42P02", name=f"_{used}")
            literal = positional[used]
            used += 1
            end = token.end
        elif token.value == ":":
            after = items[i + 1] if i + 1 < len(items) else None
            before = items[i - 1] if i else None
            if (after is None or after.start != token.end or after.kind not in ("word", "quoted")
                    or (before is not None and before.kind == "punct" and before.value == ":"
                        and before.end == token.start)):
                continue
            if i + 2 < len(items) and items[i + 2].kind == "punct" and items[i + 2].value == ":":
                continue
            name = after.text if after.kind == "word" else after.value
            if name not in named:
                raise errors.user_error("UNBOUND_SQL_PARAMETER", f"Found the unbound parameter: "
                                        f"{name}.", "42P02", name=name)
            literal = named[name]
            end = after.end
        else:
            continue
        pieces.append(text[last:token.start])
        pieces.append(literal)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def empty_table(struct):
    from pyspark.sql.pandas.types import to_arrow_schema
    return pa.Table.from_batches([], schema=to_arrow_schema(struct))
