"""COPY INTO, as Databricks documents it, on the stand-in's Spark and Delta:

    COPY INTO target [ BY POSITION | ( col, ... ) ]
      FROM { source | ( SELECT expression_list FROM source [ ... ] ) }
      FILEFORMAT = CSV | JSON | PARQUET | AVRO | ORC | TEXT | BINARYFILE
      [ VALIDATE [ ALL | n ROWS ] ]
      [ FILES = ( 'name', ... ) | PATTERN = 'glob' ]
      [ FORMAT_OPTIONS ( option = value, ... ) ]
      [ COPY_OPTIONS ( 'force' = 'true', 'mergeSchema' = 'true' ) ]
    source: 'path' [ WITH ( CREDENTIAL ( AWS_ACCESS_KEY = '...', AWS_SECRET_KEY = '...'
                                         [, AWS_SESSION_TOKEN = '...'] | AZURE_SAS_TOKEN = '...' ) ) ]

What it does, as on Databricks:
- The target must be an existing Delta table. Source files are every file under the path
  (recursively; names starting with `_` or `.` are hidden, as Spark hides them), or the
  file the path names, narrowed by FILES (at most 1000, relative to the path) or PATTERN
  (a Hadoop glob on the path relative to the source: `*` stays within a directory).
- Files already loaded into the table are skipped, even if they changed since, unless
  COPY_OPTIONS ('force' = 'true'). The record of loaded files travels with the table:
  each load is one Delta commit whose commitInfo.userMetadata lists its files
  ({"mortar.copyInto": {"load": <id>, "files": [...]}}); the next COPY INTO reads them
  back from DESCRIBE HISTORY. So the data and the record commit together or not at all,
  the record survives CREATE OR REPLACE TABLE (the history does) and goes with DROP
  TABLE (the log does), and it ends where Delta's log retention ends.
- Source columns are matched to the table's by name, case-insensitively (BY POSITION or a
  column list: by position); target columns missing from the source are NULL; values are
  cast to the target types (ANSI casts: a value that does not fit fails the load). A
  source column the table lacks fails the write as Delta fails it (DELTA_METADATA_MISMATCH)
  unless COPY_OPTIONS ('mergeSchema' = 'true'), which adds it.
- The answer is one row: num_affected_rows, num_inserted_rows (BIGINT), also reported as
  the statement's numModifiedRows.
- VALIDATE reads and converts the files as a load would (parse and cast errors, NOT NULL
  columns, columns the table lacks) and writes nothing; it answers the same two columns,
  num_affected_rows being the rows validated and num_inserted_rows 0. (Databricks answers
  VALIDATE with its own validation columns; no recording of them has been published.)
- The credential is what reads the files. A SAS goes to Hadoop for this read only
  (fs.azure.account.auth.type.<host> = SAS, fs.azure.sas.fixed.token.<host>, with the
  file-system cache off for it, so no other statement sees it) and Azurite checks it. The
  S3 stand-in checks no keys, so a key pair that is not the stand-in's own is refused
  here, as S3 would refuse it (403, without echoing the secret); the right pair is the
  warehouse's own, and the files are read with the warehouse's S3A file system (see
  _s3_options for why not a per-read one). Without a credential the warehouse reads with
  its own access.
- A load runs as the operation's Spark jobs (cancellable); one COPY INTO per table at a
  time in this warehouse.

Sources: s3:// and s3a:// (the S3 stand-in), abfss:// (Azurite, reached as abfs://),
/Volumes/... and dbfs:/Volumes/....
"""

import json
import re
import threading
import urllib.parse
import uuid

import pyarrow as pa
from pyspark.sql import functions as F
from pyspark.sql import types as st

from . import errors, sql_text, volumes
from .operations import Runner

MAX_FILES = 1000
FORMATS = {"CSV": "csv", "JSON": "json", "PARQUET": "parquet", "AVRO": "avro", "ORC": "orc",
           "TEXT": "text", "BINARYFILE": "binaryFile"}
METADATA_KEY = "mortar.copyInto"
RESULT = st.StructType([st.StructField("num_affected_rows", st.LongType(), True),
                        st.StructField("num_inserted_rows", st.LongType(), True)])

_table_locks = {}
_table_locks_lock = threading.Lock()


def _syntax(message):
    return errors.user_error("PARSE_SYNTAX_ERROR", f"Syntax error: {message}.", "42601")


def _invalid(message, sql_state="22023"):
    return errors.user_error("COPY_INTO_INVALID_PARAMETER", message, sql_state)


# ---------------------------------------------------------------- parsing


class Statement:
    def __init__(self):
        self.target = None
        self.by_position = False
        self.columns = None
        self.source = None
        self.credential = {}
        self.select = None      # (expression list text, text after the source) or None
        self.file_format = None
        self.validate = None    # None, "ALL" or a row count
        self.files = None
        self.pattern = None
        self.format_options = {}
        self.copy_options = {}


def runner(parser):
    try:
        statement = _parse(parser)
    except sql_text.SqlSyntaxError as e:
        raise _syntax(e)
    return CopyIntoRunner(statement)


def _parse(parser):
    s = Statement()
    parser.expect_word("COPY")
    parser.expect_word("INTO")
    s.target = parser.name()
    if parser.accept_word("BY"):
        parser.expect_word("POSITION")
        s.by_position = True
    elif parser.accept_punct("("):
        s.columns = [parser.name()[-1]]
        while parser.accept_punct(","):
            s.columns.append(parser.name()[-1])
        parser.expect_punct(")")
    parser.expect_word("FROM")
    if parser.accept_punct("("):
        _parse_select(parser, s)
    else:
        s.source = parser.string()
        s.credential = _parse_with(parser)
    parser.expect_word("FILEFORMAT")
    parser.expect_punct("=")
    token = parser.next()
    name = token.value.upper() if token.kind in ("word", "string") else ""
    if name not in FORMATS:
        raise errors.user_error("COPY_INTO_INVALID_PARAMETER", f"FILEFORMAT {token.text} is not one "
                                f"of {', '.join(FORMATS)}.", "22023")
    s.file_format = name
    while not parser.at_end():
        if parser.accept_word("VALIDATE"):
            s.validate = "ALL"
            if parser.accept_word("ALL"):
                pass
            elif parser.peek() is not None and parser.peek().kind == "number":
                s.validate = int(parser.next().value)
                parser.expect_word("ROWS")
        elif parser.accept_word("FILES"):
            parser.expect_punct("=")
            parser.expect_punct("(")
            s.files = [parser.string()]
            while parser.accept_punct(","):
                s.files.append(parser.string())
            parser.expect_punct(")")
            if len(s.files) > MAX_FILES:
                raise errors.user_error("COPY_INTO_FILES_LIMIT", f"FILES lists {len(s.files)} "
                                        f"files; at most {MAX_FILES} can be given.", "54000")
        elif parser.accept_word("PATTERN"):
            parser.expect_punct("=")
            s.pattern = parser.string()
        elif parser.accept_word("FORMAT_OPTIONS"):
            s.format_options = parser.options()
        elif parser.accept_word("COPY_OPTIONS"):
            s.copy_options = {k.lower(): v for k, v in parser.options().items()}
        else:
            raise sql_text.SqlSyntaxError(f"unexpected {parser.peek().text!r}")
    if s.files is not None and s.pattern is not None:
        raise _invalid("FILES and PATTERN cannot both be given.")
    return s


def _parse_with(parser):
    """[ WITH ( CREDENTIAL ( ... ) [ ENCRYPTION ( ... ) ] ) ]: the credential, keys in lower case."""
    if not parser.accept_word("WITH"):
        return {}
    parser.expect_punct("(")
    credential = {}
    while not parser.accept_punct(")"):
        if parser.accept_word("CREDENTIAL"):
            if parser.peek() is not None and parser.peek().kind == "punct" and parser.peek().value == "(":
                credential = {k.lower(): v for k, v in parser.options().items()}
            else:
                name = ".".join(parser.name())
                raise errors.user_error("NOT_SUPPORTED", f"The stand-in has no storage credential "
                                        f"named {name}: give a temporary credential inline.", "0A000")
        elif parser.accept_word("ENCRYPTION"):
            parser.options()  # server-side encryption: nothing to do on the stand-in's storage
        else:
            parser.expect_punct(",")
    known = {"aws_access_key", "aws_secret_key", "aws_session_token", "azure_sas_token"}
    unknown = sorted(set(credential) - known)
    if unknown:
        raise _invalid(f"Unknown temporary credential option(s): {', '.join(unknown)}; expected "
                       "AWS_ACCESS_KEY, AWS_SECRET_KEY, AWS_SESSION_TOKEN or AZURE_SAS_TOKEN.")
    return credential


def _parse_select(parser, s):
    """( SELECT expression_list FROM source [rest] ), the opening parenthesis read."""
    parser.expect_word("SELECT")
    start = parser.peek().start if parser.peek() is not None else len(parser.text)
    depth = 0
    while True:
        token = parser.peek()
        if token is None:
            raise sql_text.SqlSyntaxError("the SELECT of COPY INTO has no FROM '<path>'")
        if token.kind == "punct" and token.value == "(":
            depth += 1
        elif token.kind == "punct" and token.value == ")":
            if depth == 0:
                raise sql_text.SqlSyntaxError("the SELECT of COPY INTO has no FROM '<path>'")
            depth -= 1
        elif depth == 0 and token.is_word("FROM"):
            after = parser.peek(1)
            if after is not None and after.kind == "string":
                break
        parser.next()
    expressions = parser.text[start:parser.peek().start].strip()
    if not expressions:
        raise sql_text.SqlSyntaxError("the SELECT of COPY INTO selects nothing")
    parser.expect_word("FROM")
    s.source = parser.string()
    s.credential = _parse_with(parser)
    rest_start = parser.peek().start if parser.peek() is not None else len(parser.text)
    depth = 0
    while True:
        token = parser.next()
        if token.kind == "punct" and token.value == "(":
            depth += 1
        elif token.kind == "punct" and token.value == ")":
            if depth == 0:
                break
            depth -= 1
    s.select = (expressions, parser.text[rest_start:token.start].strip())


# ---------------------------------------------------------------- the source


class Source:
    """Where the files are, as given and as Spark reads them, and the Hadoop options of
    the read (the inline credential)."""

    def __init__(self, shown, spark_path, options):
        self.shown = shown.rstrip("/")
        self.spark_path = spark_path.rstrip("/")
        self.options = options


def _source(session, s):
    settings = session.settings
    path = s.source.strip()
    credential = s.credential
    if volumes.split_path(path) is not None:
        if credential:
            raise _invalid("A temporary credential cannot be used with a volume path: volumes are "
                           "read with the warehouse's own access.")
        shown = path[len("dbfs:"):] if path.startswith("dbfs:") else path
        return Source(shown, volumes.storage_uri(settings, path), {})
    match = re.match(r"^(s3|s3a|abfss|abfs)://([^/]+)(/.*)?$", path)
    if not match:
        raise errors.user_error("NOT_SUPPORTED", f"COPY INTO from {path!r}: the stand-in loads from "
                                "s3://, abfss:// and /Volumes/ paths.", "0A000")
    scheme, authority, rest = match.group(1), match.group(2), match.group(3) or ""
    if scheme in ("s3", "s3a"):
        shown = f"s3://{authority}{rest}"
        aws = {k: v for k, v in credential.items() if k.startswith("aws_")}
        if "azure_sas_token" in credential:
            raise _invalid("AZURE_SAS_TOKEN is a credential for abfss:// paths, not S3.")
        return Source(shown, f"{scheme}://{authority}{rest}", _s3_options(settings, shown, aws))
    shown = f"abfss://{authority}{rest}"
    if any(k.startswith("aws_") for k in credential):
        raise _invalid("AWS keys are a credential for s3:// paths, not Azure.")
    options = {}
    if "azure_sas_token" in credential:
        host = authority.split("@", 1)[-1]
        options = {"fs.azure.account.auth.type." + host: "SAS",
                   "fs.azure.sas.fixed.token." + host: credential["azure_sas_token"].lstrip("?"),
                   "fs.abfs.impl.disable.cache": "true", "fs.abfss.impl.disable.cache": "true"}
    return Source(shown, f"abfs://{authority}{rest}", options)


def _s3_options(settings, shown, aws):
    """Checks an S3 temporary credential; the Hadoop options of the read (none: see below)."""
    if not aws:
        return {}
    key_id = aws.get("aws_access_key")
    secret = aws.get("aws_secret_key")
    if not key_id or not secret:
        raise _invalid("An AWS temporary credential needs AWS_ACCESS_KEY and AWS_SECRET_KEY.")
    # The S3 stand-in accepts any key: refuse here what S3 would refuse.
    if key_id != settings.s3_access_key_id:
        raise _access_denied(shown, "The AWS Access Key Id you provided does not exist in our "
                                    "records.", "InvalidAccessKeyId")
    if secret != settings.s3_secret_access_key:
        raise _access_denied(shown, "The request signature we calculated does not match the "
                                    "signature you provided. Check your key and signing method.",
                             "SignatureDoesNotMatch")
    # The pair is the stand-in's own, which is what the warehouse's S3A file system reads
    # with (the S3 stand-in ignores session tokens). Handing it to Hadoop for this read
    # (fs.s3a.access.key, fs.s3a.secret.key, fs.s3a.session.token with
    # fs.s3a.impl.disable.cache) works, but every uncached S3AFileSystem (one per file a
    # task opens) leaves its AWS SDK and analytics-accelerator threads running for ever:
    # about 60 threads per load, measured. So the read uses the cached file system.
    return {}


def _access_denied(path, message, code):
    request_id = uuid.uuid4().hex[:16].upper()
    return errors.WarehouseError(
        f"java.nio.file.AccessDeniedException: {path}: getFileStatus on {path}: "
        f"software.amazon.awssdk.services.s3.model.S3Exception: {message} (Service: S3, Status "
        f"Code: 403, Request ID: {request_id}):{code}", "42501", None, {},
        "org.apache.spark.SparkException")


# ---------------------------------------------------------------- the files


def _glob(pattern):
    """A Hadoop glob as a regular expression ('*' and '?' stay within a directory)."""
    out = []
    i = 0
    depth = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise _invalid(f"PATTERN {pattern!r} has an unclosed '['.")
            body = pattern[i + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
            continue
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        raise _invalid(f"PATTERN {pattern!r} has an unclosed '{{'.")
    try:
        return re.compile("^" + "".join(out) + "$", re.DOTALL)
    except re.error as e:
        raise _invalid(f"PATTERN {pattern!r} is not a valid glob: {e}.")


def _listed(spark, source):
    """(path for Spark, path relative to the source) of every file of the source."""
    reader = spark.read.format("binaryFile").options(**source.options).option(
        "recursiveFileLookup", "true")
    listed = reader.load(source.spark_path).inputFiles()
    base = source.spark_path + "/"
    out = []
    for uri in listed:
        path = urllib.parse.unquote(uri)
        if path.startswith(base):
            relative = path[len(base):]
        elif path == source.spark_path:
            relative = ""
        else:  # the file system qualified the path differently: keep what follows the base's name
            tail = source.spark_path.rsplit("/", 1)[-1] + "/"
            relative = path.split(tail, 1)[1] if tail in path else path.rsplit("/", 1)[-1]
        out.append((path, relative))
    return out


def _select_files(statement, source, listed):
    if statement.files is not None:
        wanted = [f.strip("/") for f in statement.files]
        by_name = {relative: path for path, relative in listed}
        missing = [name for name in wanted if name not in by_name]
        if missing:
            raise errors.user_error("PATH_NOT_FOUND", f"Path does not exist: {source.shown}/"
                                    f"{missing[0]}.", "42K03", path=f"{source.shown}/{missing[0]}")
        seen = set()
        return [(by_name[n], n) for n in wanted if not (n in seen or seen.add(n))]
    if statement.pattern is not None:
        regex = _glob(statement.pattern.strip("/"))
        return [(p, r) for p, r in listed if regex.match(r)]
    return listed


def _record_name(source, relative):
    return source.shown + ("/" + relative if relative else "")


def _history(spark, target):
    """The userMetadata of every commit of the table (which also says it is a Delta table)."""
    try:
        rows = spark.sql(f"DESCRIBE HISTORY {target}").select("userMetadata").collect()
    except Exception as exception:
        condition = getattr(exception, "getCondition", lambda: None)() or ""
        if condition.startswith("DELTA_") and "TABLE_NOT_FOUND" not in condition:
            raise errors.user_error("DELTA_NOT_A_DELTA_TABLE", f"{target} is not a Delta table: "
                                    "COPY INTO loads into Delta tables only.", "0AKDD",
                                    tableName=target)
        raise
    return [row[0] for row in rows]


def _loaded_files(history):
    """Files recorded by earlier loads."""
    loaded = set()
    for metadata in history:
        if not metadata or METADATA_KEY not in metadata:
            continue
        try:
            files = json.loads(metadata)[METADATA_KEY]["files"]
        except (ValueError, KeyError, TypeError):
            continue
        loaded.update(files)
    return loaded


# ---------------------------------------------------------------- the load


def _column(name):
    return F.col(sql_text.quote_name(name))


def _projection(statement, df, target_schema):
    """The source columns as the table's: (columns, names of source columns it lacks)."""
    fields = target_schema.fields
    by_lower = {f.name.lower(): f for f in fields}
    chosen = {}
    extras = []
    if statement.by_position or statement.columns is not None:
        names = [f.name for f in fields] if statement.by_position else statement.columns
        targets = []
        for name in names:
            field = by_lower.get(name.lower())
            if field is None:
                raise errors.user_error("UNRESOLVED_COLUMN.WITH_SUGGESTION", f"A column, variable, "
                                        f"or function parameter with name {sql_text.quote_name(name)} "
                                        "cannot be resolved.", "42703", objectName=name)
            targets.append(field)
        if len(df.columns) != len(targets):
            raise errors.user_error(
                "COPY_INTO_COLUMN_ARITY_MISMATCH", f"The source has {len(df.columns)} columns and "
                f"the column list of COPY INTO names {len(targets)}: they are matched by position.",
                "21S01")
        for source_name, field in zip(df.columns, targets):
            chosen[field.name] = _column(source_name)
    else:
        seen = {}
        for source_name in df.columns:
            lower = source_name.lower()
            if lower in seen:
                raise errors.user_error("AMBIGUOUS_REFERENCE", f"Reference "
                                        f"{sql_text.quote_name(source_name)} is ambiguous: the "
                                        "source has it twice (names are matched case-insensitively).",
                                        "42704", name=source_name)
            seen[lower] = source_name
            field = by_lower.get(lower)
            if field is None:
                extras.append(source_name)
            else:
                chosen[field.name] = _column(source_name)
    columns = []
    for field in fields:
        value = chosen.get(field.name)
        value = F.lit(None) if value is None else value
        columns.append(value.cast(field.dataType).alias(field.name))
    columns.extend(_column(name) for name in extras)
    return columns, extras


def _not_null_checks(target_schema):
    return [F.assert_true(_column(f.name).isNotNull(),
                          f"NOT NULL constraint violated for column: {f.name}.").alias(
                              f"__mortar_check_{i}")
            for i, f in enumerate(target_schema.fields) if not f.nullable]


def _rewrite_paths(text, settings):
    from . import statements  # statements imports this module
    return statements.rewrite_paths(text, settings)


def _table_key(spark, parts):
    parts = [p.lower() for p in parts]
    if len(parts) < 3:
        catalog, schema = (name.lower() for name in volumes.current_namespace(spark))
        parts = [catalog, schema] + parts if len(parts) == 1 else [catalog] + parts
    return ".".join(parts)


def _table_lock(key):
    """One COPY INTO per table at a time in this warehouse (two loads of the same new files
    would otherwise both find them not loaded yet)."""
    with _table_locks_lock:
        lock = _table_locks.get(key)
        if lock is None:
            lock = _table_locks[key] = threading.Lock()
        return lock


def _check_cancelled(operation):
    """A cancel asked between two Spark jobs interrupts nothing: stop before the write."""
    if operation.cancel_requested:
        raise InterruptedError("the operation was cancelled")


_CAUSE = re.compile(r"^Caused by: ([\w.$]+): (\[([A-Z0-9_.]+)\] .*?)(?: SQLSTATE: (\w{5}))?$")


def _root_cause(exception):
    """A failed load's own error rather than the task failure wrapping it: Spark reports
    TASK_WRITE_FAILED for a write whose rows failed (a cast, a NOT NULL column), with the
    reason only in the JVM stack trace's "Caused by" lines."""
    condition = None
    for getter in ("getCondition", "getErrorClass"):
        try:
            condition = getattr(exception, getter)()
            break
        except Exception:  # not a Spark error, or one without a condition
            continue
    if condition not in ("TASK_WRITE_FAILED", "FAILED_EXECUTE_UDF") and \
            not str(condition or "").startswith("SPARK_JOB_"):
        return exception
    cause = None
    for line in str(exception).splitlines():
        match = _CAUSE.match(line.strip())
        if match:
            cause = match
    if cause is None:
        return exception
    java_class, message, error_class, sql_state = cause.groups()
    if sql_state:
        message += f" SQLSTATE: {sql_state}"
    return errors.WarehouseError(message, sql_state or "XX000", error_class, {},
                                 "org.apache.spark.SparkException")


class CopyIntoRunner(Runner):
    staging = False

    def __init__(self, statement):
        self.statement = statement

    def run(self, operation):
        affected, inserted = self._run(operation)
        if self.statement.validate is None:
            operation.modified_rows = inserted
        table = pa.table({"num_affected_rows": pa.array([affected], pa.int64()),
                          "num_inserted_rows": pa.array([inserted], pa.int64())})
        return RESULT, table.schema, iter(table.to_batches())

    def _run(self, operation):
        s = self.statement
        session = operation.session
        spark = session.spark
        target = ".".join(sql_text.quote_name(p) for p in s.target)
        spark.table(target).schema  # a missing table: TABLE_OR_VIEW_NOT_FOUND, as Spark says it
        source = _source(session, s)
        file_format = FORMATS[s.file_format]
        with _table_lock(_table_key(spark, s.target)):
            history = _history(spark, target)
            target_schema = spark.table(target).schema
            listed = _listed(spark, source)
            chosen = _select_files(s, source, listed)
            force = str(s.copy_options.get("force", "false")).lower() == "true"
            if not force and s.validate is None:
                loaded = _loaded_files(history)
                chosen = [(p, r) for p, r in chosen if _record_name(source, r) not in loaded]
            if not chosen:
                return 0, 0
            reader = spark.read.format(file_format).options(**s.format_options).options(
                **source.options)
            df = reader.load([path for path, _ in chosen])
            view = None
            try:
                if s.select is not None:
                    view = "__mortar_copy_into_" + uuid.uuid4().hex
                    df.createOrReplaceTempView(view)
                    expressions, rest = s.select
                    text = f"SELECT {expressions} FROM {sql_text.quote_name(view)} {rest}"
                    df = spark.sql(_rewrite_paths(text, session.settings))
                columns, extras = _projection(s, df, target_schema)
                merge = str(s.copy_options.get("mergeschema", "false")).lower() == "true"
                projected = df.select(*columns)
                if s.validate is not None:
                    return self._validate(projected, target_schema, extras, merge, target), 0
                _check_cancelled(operation)
                return self._load(operation, spark, target, projected, merge,
                                  [_record_name(source, r) for _, r in chosen])
            except errors.WarehouseError:
                raise
            except Exception as exception:
                raise _root_cause(exception) from exception
            finally:
                if view is not None:
                    try:
                        spark.catalog.dropTempView(view)
                    except Exception:  # the session may be gone; the view goes with it
                        pass

    def _validate(self, projected, target_schema, extras, merge, target):
        s = self.statement
        if extras and not merge:
            raise errors.user_error(
                "DELTA_METADATA_MISMATCH", "A metadata mismatch was detected when writing to the "
                f"Delta table {target}: the source has columns the table lacks "
                f"({', '.join(extras)}). To add them, use COPY_OPTIONS ('mergeSchema' = 'true').",
                "42KDG")
        checked = projected
        checks = _not_null_checks(target_schema)
        if checks:
            checked = projected.select("*", *checks)
        try:
            if s.validate != "ALL":
                return len(checked.limit(int(s.validate)).collect())
            checked.write.format("noop").mode("overwrite").save()
            return projected.count()
        except Exception as exception:
            match = re.search(r"NOT NULL constraint violated for column: ([^\n]*?)\.(?:\s|$)",
                              str(exception))
            if match is None:
                raise
            # As Delta says it when the rows are written.
            raise errors.user_error("DELTA_NOT_NULL_CONSTRAINT_VIOLATED", "NOT NULL constraint "
                                    f"violated for column: {match.group(1)}.", "23502",
                                    columnName=match.group(1))

    def _load(self, operation, spark, target, projected, merge, names):
        load = str(uuid.uuid4())
        metadata = json.dumps({METADATA_KEY: {"load": load, "files": names}},
                              separators=(",", ":"))
        writer = projected.writeTo(target).option("userMetadata", metadata)
        if merge:
            writer = writer.option("mergeSchema", "true")
        writer.append()
        inserted = None
        rows = spark.sql(f"DESCRIBE HISTORY {target} LIMIT 20").select(
            "userMetadata", "operationMetrics").collect()
        for user_metadata, metrics in rows:
            if user_metadata and load in user_metadata:
                inserted = int((metrics or {}).get("numOutputRows", 0))
                break
        if inserted is None:  # the history did not say: count what went in
            inserted = projected.count()
        return inserted, inserted
