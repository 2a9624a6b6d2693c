"""The Statement Execution API (REST) on the same engine as the Thrift warehouse.

- `POST /api/2.0/sql/statements`: runs a statement on a warehouse id (`warehouse_id`,
  `statement`, `catalog`, `schema`, named `parameters`, `row_limit`, `byte_limit`,
  `wait_timeout` 0 s or 5-50 s, `on_wait_timeout` CONTINUE|CANCEL, `format`
  JSON_ARRAY|ARROW_STREAM|CSV, `disposition` INLINE|EXTERNAL_LINKS|INLINE_OR_EXTERNAL_LINKS
  (the "hybrid" one Databricks' own drivers ask for: a small result inline, an Arrow
  stream as a base64 `attachment`, a large one through external links), `result_compression`
  LZ4_FRAME|NONE for Arrow files, as Databricks' JDBC driver asks). It waits up to
  `wait_timeout` and answers the statement as `GET` would.
- `GET /api/2.0/sql/statements/{id}`: its status; when it has SUCCEEDED, the manifest
  (schema, chunks, rows, whether truncated) and the first chunk.
- `GET /api/2.0/sql/statements/{id}/result/chunks/{index}`: one chunk: JSON_ARRAY rows
  inline, or an external link (presigned into the root bucket, fresh each time asked).
- `POST /api/2.0/sql/statements/{id}/cancel`: asks for cancellation (answers `{}`).

Each statement runs in a Spark session of its own (nothing set by one leaks into the
next), or in the session named by `session_id` (api_sessions.py), for the user the
front door vouches for; only that user may see it. A statement
that fails is HTTP 200 with `status.state` FAILED and `status.error`; a request that
cannot be accepted is a 4xx with `error_code` and `message`, as on Databricks.
"""

import base64
import datetime
import re
import threading

import pyarrow as pa
from databricks.sql.thrift_api.TCLIService import ttypes as T
from pyspark.sql import types as st

from . import errors, result_format, statements, text_results
from .operations import CANCELED, CLOSED, ERROR, FINISHED, PENDING, RUNNING, TIMEDOUT, Runner
from .results import CloudFetchResult, Limits, compress
from .sessions import Session, enter_namespace

MAX_STATEMENT_BYTES = 16 << 20
INLINE_LIMIT_BYTES = 25 << 20
HYBRID = "INLINE_OR_EXTERNAL_LINKS"
MAX_STATEMENTS = 10000  # statements remembered (the oldest closed ones are forgotten first)
PREFIX = "/api/2.0/sql/statements"
STATES = {PENDING: "PENDING", RUNNING: "RUNNING", FINISHED: "SUCCEEDED", ERROR: "FAILED",
          CANCELED: "CANCELED", TIMEDOUT: "CANCELED", CLOSED: "CLOSED"}


class ApiError(Exception):
    """A request that cannot be accepted: HTTP status, error_code, message."""

    def __init__(self, status, error_code, message):
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message


def invalid(message):
    return ApiError(400, "INVALID_PARAMETER_VALUE", message)


def name_field(body, key):
    """A name (catalog, schema, session id) a request may give, or None."""
    value = body.get(key)
    if value is not None and (not isinstance(value, str) or len(value) > 1024):
        raise invalid(f"{key} must be a name.")
    return value or None


def warehouse_profile(body, settings):
    """The warehouse a request names (`warehouse_id`): required, and one served here."""
    warehouse_id = body.get("warehouse_id")
    if not isinstance(warehouse_id, str) or not warehouse_id:
        raise invalid("warehouse_id is required: the id at the end of the warehouse's HTTP "
                      "path (/sql/1.0/warehouses/<id>).")
    profile = settings.warehouses.get(warehouse_id)
    if profile is None:
        raise ApiError(404, "RESOURCE_DOES_NOT_EXIST",
                       f"No SQL warehouse with id {warehouse_id!r} serves the Statement "
                       "Execution API here; check the warehouse id in the connection's HTTP path.")
    return profile


class Parameter:
    """A named parameter in the shape statements.bind_parameters reads (a TSparkParameter's)."""

    class Value:
        def __init__(self, text):
            self.stringValue = text

    def __init__(self, item):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"]:
            raise invalid("Each parameter is {name, value, type}; positional parameters (?) "
                           "are not supported by the Statement Execution API.")
        value = item.get("value")
        if value is not None and not isinstance(value, str):
            raise invalid(f"The value of parameter {item['name']!r} must be a string or null.")
        kind = item.get("type")
        if kind is not None and not isinstance(kind, str):
            raise invalid(f"The type of parameter {item['name']!r} must be a string.")
        self.name = item["name"]
        self.type = kind or "STRING"
        self.value = Parameter.Value(value) if value is not None else None
        self.arguments = None


class Request:
    """A POST /api/2.0/sql/statements body, checked."""

    def __init__(self, body, settings):
        if not isinstance(body, dict):
            raise ApiError(400, "MALFORMED_REQUEST", "The request body must be a JSON object.")
        self.statement = body.get("statement")
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise invalid("statement is required: the SQL text to run.")
        if len(self.statement.encode()) > MAX_STATEMENT_BYTES:
            raise invalid("The statement is longer than 16 MiB.")
        self.profile = warehouse_profile(body, settings)
        self.catalog = name_field(body, "catalog")
        self.schema = name_field(body, "schema")
        self.session_id = name_field(body, "session_id")
        self.format = self._choice(body, "format", ("JSON_ARRAY", "ARROW_STREAM", "CSV"), "JSON_ARRAY")
        self.disposition = self._choice(body, "disposition",
                                        ("INLINE", "EXTERNAL_LINKS", HYBRID), "INLINE")
        if self.format == "CSV" and self.disposition == HYBRID:
            raise invalid("The format CSV is supported only with the EXTERNAL_LINKS disposition.")
        if self.format != "JSON_ARRAY" and self.disposition == "INLINE":
            raise invalid(f"The format {self.format} is supported only with the EXTERNAL_LINKS "
                           "disposition.")
        # Databricks' own drivers ask for LZ4-compressed Arrow files (as the JDBC driver
        # sends it); the manifest says what was done.
        self.compression = self._choice(body, "result_compression", ("LZ4_FRAME", "NONE"), "NONE")
        if self.format != "ARROW_STREAM":
            self.compression = "NONE"
        self.on_wait_timeout = self._choice(body, "on_wait_timeout", ("CONTINUE", "CANCEL"), "CONTINUE")
        wait = body.get("wait_timeout", "10s")
        match = re.fullmatch(r"(\d{1,3})s", wait) if isinstance(wait, str) else None
        self.wait_seconds = int(match.group(1)) if match else -1
        if not (self.wait_seconds == 0 or 5 <= self.wait_seconds <= 50):
            raise invalid(f"wait_timeout must be 0s or between 5s and 50s, not {wait!r}.")
        self.row_limit = self._count(body, "row_limit")
        self.byte_limit = self._count(body, "byte_limit")
        parameters = body.get("parameters") or []
        if not isinstance(parameters, list) or len(parameters) > 256:
            raise invalid("parameters must be a list of at most 256 {name, value, type}.")
        self.parameters = [Parameter(item) for item in parameters]
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise invalid("A parameter name appears more than once.")

    @staticmethod
    def _choice(body, key, allowed, default):
        value = body.get(key) or default
        if value not in allowed:
            raise invalid(f"{key} must be one of {', '.join(allowed)}, not {value!r}.")
        return value

    @staticmethod
    def _count(body, key):
        value = body.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise invalid(f"{key} must be a whole number of 0 or more.")
        return value

    def wanted(self):
        """What the results are made of: Spark's own Arrow types, in files for EXTERNAL_LINKS
        (and for INLINE_OR_EXTERNAL_LINKS when the result is over the warehouse's CloudFetch
        threshold)."""
        external = self.disposition == "EXTERNAL_LINKS"
        links = external or self.disposition == HYBRID
        file_format = {"ARROW_STREAM": "arrow", "JSON_ARRAY": "json", "CSV": "csv"}[self.format]
        return result_format.Wanted(arrow=True, timestamps=True, decimals=True,
                                    complex_types=True, intervals=False,
                                    lz4=links and self.compression == "LZ4_FRAME",
                                    downloads=links, files_only=external,
                                    file_format=file_format)


class InNamespace(Runner):
    """A statement run in the request's catalog and schema."""

    def __init__(self, inner, catalog, schema):
        self.inner = inner
        self.catalog = catalog
        self.schema = schema
        self.staging = getattr(inner, "staging", False)

    def run(self, operation):
        enter_namespace(operation.session.spark, operation.session.settings, self.catalog, self.schema)
        return self.inner.run(operation)


class Statement:
    def __init__(self, request, user, operation):
        self.request = request
        self.user = user
        self.operation = operation

    @property
    def id(self):
        return self.operation.guid_text

    # ------------------------------------------------------------ answers

    def state(self):
        operation = self.operation
        if operation.state == FINISHED and self.inline_error() is not None:
            return "FAILED"
        return STATES.get(operation.state, "FAILED")

    def inline_error(self):
        """An INLINE result larger than 25 MiB fails the statement, as on Databricks."""
        result = self.operation.result
        if self.request.disposition == "INLINE" and result is not None and \
                result.arrow_bytes > INLINE_LIMIT_BYTES:
            return errors.WarehouseError(
                "The result is larger than the 25 MiB the INLINE disposition can carry: ask for "
                "disposition EXTERNAL_LINKS, or set row_limit or byte_limit.", "54000",
                "INLINE_RESULT_TOO_LARGE")
        return None

    def status(self):
        state = self.state()
        status = {"state": state}
        error = self.operation.error if state != "SUCCEEDED" else None
        if state == "FAILED" and error is None:
            error = self.inline_error()
        if error is not None and state in ("FAILED", "CANCELED"):
            code = {"FAILED": "BAD_REQUEST", "CANCELED": "CANCELLED"}[state]
            if error.error_class == "QUERY_EXECUTION_TIMEOUT_EXCEEDED":
                code = "DEADLINE_EXCEEDED"
            status["error"] = {"error_code": code, "message": error.display_message()}
            status["sql_state"] = error.sql_state
        return status

    def answer(self, expired=False):
        """The statement as GET answers it (`expired`: its link expired already, for faults)."""
        answer = {"statement_id": self.id, "status": self.status()}
        if answer["status"]["state"] == "SUCCEEDED":
            manifest = self.manifest()
            answer["manifest"] = manifest
            answer["result"] = self.chunk(0, expired) if manifest["total_chunk_count"] else {}
        return answer

    def _linked(self):
        """Whether the rows come through external links (EXTERNAL_LINKS, or a hybrid
        disposition's result over the CloudFetch threshold)."""
        return isinstance(self.operation.result, CloudFetchResult)

    def _attachment(self):
        """A hybrid disposition's small Arrow result: one IPC stream of every row (one LZ4
        frame when asked for), made once and kept with the result (which goes when the
        statement is closed)."""
        result = self.operation.result
        if result.attachment is None:
            pieces, _ = result.slices(0, Limits(result.total_rows))
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, self.operation.shape.file_schema) as writer:
                for piece in pieces:
                    writer.write_batch(piece)
            stream = sink.getvalue().to_pybytes()
            result.attachment = compress(stream) if self.request.compression == "LZ4_FRAME" \
                else stream
        return result.attachment

    def _chunks(self):
        """(row_offset, row_count, byte_count) of each chunk."""
        result = self.operation.result
        if isinstance(result, CloudFetchResult):
            return [(f.start, f.rows, f.compressed) for f in result.files]
        total = result.total_rows
        if not total:
            return []
        if self.request.disposition == HYBRID and self.request.format == "ARROW_STREAM":
            return [(0, total, len(self._attachment()))]
        per_chunk = max(1, self.operation.session.profile.cloudfetch_file_bytes * total //
                        max(1, result.arrow_bytes))
        return [(start, min(per_chunk, total - start),
                 min(per_chunk, total - start) * result.arrow_bytes // total)
                for start in range(0, total, per_chunk)]

    def manifest(self):
        chunks = self._chunks()
        struct = self.operation.shape.struct
        manifest = {
            "format": self.request.format,
            "schema": {"column_count": len(struct.fields),
                       "columns": [column_info(field, i) for i, field in enumerate(struct.fields)]},
            "total_chunk_count": len(chunks),
            "chunks": [{"chunk_index": i, "row_offset": start, "row_count": rows,
                        **({"byte_count": size} if self._linked() else {})}
                       for i, (start, rows, size) in enumerate(chunks)],
            "total_row_count": self.operation.result.total_rows,
            "truncated": self.operation.truncated,
            "result_compression": self.request.compression,
        }
        if self._linked():
            manifest["total_byte_count"] = sum(size for _, _, size in chunks)
        return manifest

    def chunk(self, index, expired=False):
        """One chunk as a ResultData."""
        chunks = self._chunks()
        if not 0 <= index < len(chunks):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"The result has chunks 0 to "
                           f"{len(chunks) - 1}; there is no chunk {index}.")
        start, rows, size = chunks[index]
        data = {"chunk_index": index, "row_offset": start, "row_count": rows}
        if index + 1 < len(chunks):
            data["next_chunk_index"] = index + 1
            data["next_chunk_internal_link"] = f"{PREFIX}/{self.id}/result/chunks/{index + 1}"
        result = self.operation.result
        if not self._linked() and self.request.format == "ARROW_STREAM":
            data["attachment"] = base64.b64encode(self._attachment()).decode()
            return data
        if not self._linked():
            pieces, _ = result.slices(start, Limits(rows))
            data["data_array"] = text_results.json_array(pieces, self.operation.shape.struct)
            return data
        url, expiry = result.link(result.files[index], expired)
        link = {"external_link": url, "expiration": _iso(expiry), "http_headers": {},
                "byte_count": size, **data}
        return {"external_links": [link]}


def column_info(field, position):
    """A ColumnInfo: Databricks' type name (LONG, not BIGINT) and its SQL text."""
    dt = field.dataType
    names = [(st.BooleanType, "BOOLEAN"), (st.ByteType, "BYTE"), (st.ShortType, "SHORT"),
             (st.IntegerType, "INT"), (st.LongType, "LONG"), (st.FloatType, "FLOAT"),
             (st.DoubleType, "DOUBLE"), (st.DecimalType, "DECIMAL"), (st.DateType, "DATE"),
             (st.TimestampType, "TIMESTAMP"), (st.TimestampNTZType, "TIMESTAMP_NTZ"),
             (st.BinaryType, "BINARY"), (st.ArrayType, "ARRAY"), (st.MapType, "MAP"),
             (st.StructType, "STRUCT"), (st.NullType, "NULL"), (st.CharType, "CHAR"),
             (st.YearMonthIntervalType, "INTERVAL"), (st.DayTimeIntervalType, "INTERVAL")]
    type_name = next((name for kind, name in names if isinstance(dt, kind)), "STRING")
    info = {"name": field.name, "type_text": result_format.sql_name(dt), "type_name": type_name,
            "position": position}
    if isinstance(dt, st.DecimalType):
        info["type_precision"] = dt.precision
        info["type_scale"] = dt.scale
    if type_name == "INTERVAL":
        info["type_interval_type"] = result_format.sql_name(dt)[len("INTERVAL "):]
    return info


def _iso(seconds):
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class StatementApi:
    def __init__(self, warehouse, sessions):
        self.warehouse = warehouse
        self.settings = warehouse.settings
        self.sessions = sessions  # api_sessions.ApiSessions
        self._statements = {}
        self._lock = threading.Lock()

    def execute(self, user, body, expired=False):
        request = Request(body, self.settings)
        try:
            runner = statements.runner_for(request.statement, request.parameters)
        except errors.WarehouseError as error:
            runner = statements.FailingRunner(error)
        if request.session_id is None:  # a Spark session of its own, ended with it
            session = Session(self.warehouse, request.profile, user, None,
                              self.warehouse.new_spark(user))
            runner = InNamespace(runner, request.catalog, request.schema)
        else:
            session = self.sessions.session(user, request.session_id, request.profile.id)
            if request.catalog or request.schema:
                runner = InNamespace(runner, request.catalog, request.schema)
        operation = self.warehouse.start_operation(
            session, T.TOperationType.EXECUTE_STATEMENT, request.statement, runner,
            request.wanted(), timeout_seconds=session.statement_timeout,
            row_limit=None if request.row_limit is None else request.row_limit + 1,
            prepare=lambda op: _prepare(op, request))
        statement = Statement(request, user, operation)
        self._remember(statement)
        if request.wait_seconds:
            state = operation.wait(request.wait_seconds)
            if state in (PENDING, RUNNING) and request.on_wait_timeout == "CANCEL":
                operation.cancel()
                operation.wait()
        return statement.answer(expired)

    def _remember(self, statement):
        with self._lock:
            if len(self._statements) >= MAX_STATEMENTS:
                closed = [k for k, s in self._statements.items() if s.operation.state == CLOSED]
                for key in closed[:len(self._statements) - MAX_STATEMENTS + 1] or \
                        list(self._statements)[:1]:
                    self._statements.pop(key, None)
            self._statements[statement.id] = statement

    def statement(self, user, statement_id):
        """The user's own statement (another user's is not found, as an unknown one)."""
        with self._lock:
            statement = self._statements.get(statement_id)
        if statement is None or statement.user != user:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"No statement with id {statement_id!r}: "
                           "it may have been closed or its results expired; run it again.")
        statement.operation.touch()
        statement.operation.session.touch()
        return statement

    def get(self, user, statement_id, expired=False):
        return self.statement(user, statement_id).answer(expired)

    def chunk(self, user, statement_id, index, expired=False):
        statement = self.statement(user, statement_id)
        state = statement.state()
        if state != "SUCCEEDED":
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"The statement is {state}: it has no "
                           "result to fetch.")
        return statement.chunk(index, expired)

    def cancel(self, user, statement_id):
        self.statement(user, statement_id).operation.cancel()
        return {}

    def close(self, user, statement_id):
        """Ends a statement: cancelled if running, its result removed; it stays CLOSED."""
        self.warehouse.close_operation(self.statement(user, statement_id).operation)
        return {}

    def warehouse_of(self, user, statement_id):
        """The warehouse id of the user's statement, or None (for faults and the call log)."""
        with self._lock:
            statement = self._statements.get(statement_id)
        return statement.request.profile.id if statement and statement.user == user else None


def _prepare(operation, request):
    """row_limit and byte_limit (the rows kept, and `truncated` when there were more);
    a statement's own Spark session (not a session's) ends with it."""
    operation.keep_rows = request.row_limit
    operation.keep_bytes = request.byte_limit
    if request.session_id is None:
        operation.on_done = operation.session.stop_spark
