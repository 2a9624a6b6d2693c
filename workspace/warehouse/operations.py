"""One operation's life: PENDING -> RUNNING -> FINISHED | ERROR | CANCELED | TIMEDOUT,
then CLOSED.

An operation runs on its own thread. Its work (a `Runner`) yields the result's Spark
schema and record batches; the operation drains them into a result (results.py) at
once, so that Spark is never held by a client, and becomes FINISHED when every row is
in place (for CloudFetch, when every file is uploaded), as a warehouse's statement does.
Spark jobs started by the operation carry its tag, so cancelling it (CancelOperation, a
query time-out, the idle reaper) interrupts exactly its jobs.
"""

import hashlib
import threading
import time
import uuid

from databricks.sql.thrift_api.TCLIService import ttypes as T

from . import errors
from .result_format import ResultShape
from .results import ResultBuilder

PENDING = T.TOperationState.PENDING_STATE
RUNNING = T.TOperationState.RUNNING_STATE
FINISHED = T.TOperationState.FINISHED_STATE
ERROR = T.TOperationState.ERROR_STATE
CANCELED = T.TOperationState.CANCELED_STATE
CLOSED = T.TOperationState.CLOSED_STATE
TIMEDOUT = T.TOperationState.TIMEDOUT_STATE
DONE = (FINISHED, ERROR, CANCELED, CLOSED, TIMEDOUT)


def now_ms():
    return int(time.time() * 1000)


class Runner:
    """What an operation runs: `run(operation)` returns (StructType, Arrow schema of the
    batches, iterator of record batches) or raises WarehouseError."""

    def run(self, operation):
        raise NotImplementedError


class Operation:
    def __init__(self, session, kind, statement, runner, wanted, timeout_seconds=0, row_limit=None):
        self.guid = uuid.uuid1().bytes  # warehouses use time-based ids (recorded: 01ee...)
        self.secret = uuid.uuid4().bytes
        self.session = session
        self.kind = kind
        self.statement = statement
        self.runner = runner
        self.wanted = wanted
        self.timeout_seconds = timeout_seconds
        self.row_limit = row_limit
        self.tag = "mortar-op-" + uuid.UUID(bytes=self.guid).hex
        self.state = PENDING
        self.error = None
        self.result = None
        self.shape = None
        self.next_row = 0
        self.modified_rows = None
        self.started_ms = now_ms()
        self.completed_ms = None
        self.last_used = time.monotonic()
        self.waiting = 0
        # The Statement Execution API's row_limit and byte_limit: the rows kept, and
        # whether there were more (`truncated`); called when the operation is done.
        self.keep_rows = None
        self.keep_bytes = None
        self.truncated = False
        self.on_done = None
        self._condition = threading.Condition()
        self._cancel_reason = None  # CANCELED or TIMEDOUT once asked
        self._thread = None
        self._timer = None

    @property
    def guid_text(self):
        return str(uuid.UUID(bytes=self.guid))

    def touch(self):
        self.last_used = time.monotonic()

    @property
    def cancel_requested(self):
        """Cancelled, timed out or closed: work in progress should stop."""
        return self._cancel_reason is not None or self.state == CLOSED

    def handle(self):
        return T.TOperationHandle(
            operationId=T.THandleIdentifier(guid=self.guid, secret=self.secret),
            operationType=self.kind, hasResultSet=True)

    # ------------------------------------------------------------ running

    def start(self, gate):
        self._thread = threading.Thread(target=self._run, args=(gate,), daemon=True,
                                        name=f"operation-{self.guid_text}")
        self._thread.start()

    def _run(self, gate):
        try:
            with gate:
                if self._cancel_reason:
                    raise InterruptedError
                self._set(RUNNING)
                if self.timeout_seconds:
                    self._timer = threading.Timer(self.timeout_seconds, self.cancel, args=(TIMEDOUT,))
                    self._timer.daemon = True
                    self._timer.start()
                self.session.spark.addTag(self.tag)
                restore = self._apply_overlay()
                try:
                    struct, source_schema, batches = self.runner.run(self)
                    if self.row_limit is not None:
                        batches = _limit(batches, self.row_limit)
                    if self.keep_rows is not None or self.keep_bytes is not None:
                        batches = self._keep(batches)
                    self.shape = ResultShape(struct, source_schema, self.wanted)
                    builder = ResultBuilder(self.shape, self.session.profile, self.session.storage,
                                            self.session.settings.spool_dir,
                                            f"{self.session.settings.workspace_id}.jobs/sql")
                    result = builder.build(batches, lambda: self.cancel_requested)
                finally:
                    self._restore(restore)
                    self.session.spark.removeTag(self.tag)
            with self._condition:
                if self._cancel_reason or self.state == CLOSED:
                    result.close()
                    raise InterruptedError
                self.result = result
                self.completed_ms = now_ms()
                self.state = FINISHED
                self._condition.notify_all()
            self.session.warehouse.finished(self)
        except BaseException as exception:  # noqa: BLE001 - every failure becomes a state
            self._fail(exception)
        finally:
            if self._timer:
                self._timer.cancel()
            if self.on_done is not None:
                self.on_done()

    def _keep(self, batches):
        """The first keep_rows rows within about keep_bytes; notes whether more came."""
        rows_left = self.keep_rows
        bytes_left = self.keep_bytes
        for batch in batches:
            if (rows_left is not None and rows_left <= 0) or \
                    (bytes_left is not None and bytes_left <= 0):
                if batch.num_rows:
                    self.truncated = True
                    return
                continue
            take = batch.num_rows if rows_left is None else min(batch.num_rows, rows_left)
            if bytes_left is not None and batch.nbytes > bytes_left and batch.num_rows:
                take = min(take, max(1, bytes_left * batch.num_rows // batch.nbytes))
            if take < batch.num_rows:
                self.truncated = True
            yield batch.slice(0, take) if take < batch.num_rows else batch
            if rows_left is not None:
                rows_left -= take
            if bytes_left is not None:
                bytes_left -= batch.slice(0, take).nbytes if take < batch.num_rows else batch.nbytes
            if take < batch.num_rows:
                return

    def _apply_overlay(self):
        """Per-statement confs (confOverlay); the old values to put back."""
        overlay = getattr(self.runner, "conf_overlay", None) or {}
        conf = self.session.spark.conf
        previous = {}
        for key, value in overlay.items():
            previous[key] = conf.get(key, None)
            conf.set(key, value)
        return previous

    def _restore(self, previous):
        conf = self.session.spark.conf
        for key, value in previous.items():
            try:
                if value is None:
                    conf.unset(key)
                else:
                    conf.set(key, value)
            except Exception:  # a conf Spark refused to set needs no restoring
                pass

    def _fail(self, exception):
        with self._condition:
            if self.state == CLOSED:
                return
            if self._cancel_reason == TIMEDOUT:
                self.state, self.error = TIMEDOUT, errors.timed_out(self.timeout_seconds)
            elif self._cancel_reason == CANCELED:
                self.state, self.error = CANCELED, errors.cancelled()
            elif isinstance(exception, errors.WarehouseError):
                self.state, self.error = ERROR, exception
            elif _is_spark_error(exception):
                self.state, self.error = ERROR, errors.from_spark(exception)
            else:
                self.state = ERROR
                self.error = errors.WarehouseError(
                    f"[INTERNAL_ERROR] The stand-in warehouse failed: {type(exception).__name__}: "
                    f"{exception}", "XX000", "INTERNAL_ERROR")
            self.completed_ms = now_ms()
            self._condition.notify_all()
        self.session.warehouse.finished(self)

    def _set(self, state):
        with self._condition:
            if self.state not in DONE:
                self.state = state
                self._condition.notify_all()

    def wait(self, seconds=None):
        """Waits up to `seconds` (None: for ever) for the operation to leave PENDING/RUNNING;
        its state."""
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._condition:
            self.waiting += 1  # a client is waiting in a call: not abandoned
            try:
                while self.state not in DONE:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        break
                    self._condition.wait(left)
            finally:
                self.waiting -= 1
                self.touch()
            return self.state

    def cancel(self, reason=CANCELED):
        """Interrupts the Spark jobs of this operation; the state follows when they stop."""
        with self._condition:
            if self.state in DONE or self._cancel_reason:
                return
            self._cancel_reason = reason
        try:
            self.session.spark.interruptTag(self.tag)
        except Exception:  # the Spark session may be gone already
            pass

    def close(self):
        with self._condition:
            was = self.state
            self.state = CLOSED
            result, self.result = self.result, None
            self._condition.notify_all()
        if was not in DONE:
            self._cancel_reason = self._cancel_reason or CANCELED
            try:
                self.session.spark.interruptTag(self.tag)
            except Exception:
                pass
        if result is not None:
            result.close()

    # ------------------------------------------------------------ results

    def page(self, start, limits, expired=False):
        """A page of rows from `start`; `expired`: CloudFetch links expired already (faults)."""
        if self.state != FINISHED or self.result is None:
            raise self.not_finished()
        row_set, rows, has_more = self.result.page(start, limits, expired)
        self.next_row = start + rows
        return row_set, has_more

    def not_finished(self):
        if self.error is not None:
            return self.error
        if self.state == CLOSED:
            return errors.invalid_operation(self.guid_text)
        return errors.WarehouseError(
            f"Expected state FINISHED, but found {T.TOperationState._VALUES_TO_NAMES[self.state]}",
            "HY010", None, {}, "org.apache.hive.service.cli.HiveSQLException")

    def metadata(self):
        """TGetResultSetMetadataResp fields for a finished operation."""
        if self.state != FINISHED or self.result is None:
            raise self.not_finished()
        shape = self.shape
        if self.kind != T.TOperationType.EXECUTE_STATEMENT:
            # As recorded: a metadata call's result says its format and schema, nothing more.
            return T.TGetResultSetMetadataResp(
                status=T.TStatus(statusCode=T.TStatusCode.SUCCESS_STATUS),
                schema=shape.thrift_schema(), resultFormat=self.result.format)
        response = T.TGetResultSetMetadataResp(
            status=T.TStatus(statusCode=T.TStatusCode.SUCCESS_STATUS),
            schema=shape.thrift_schema(), resultFormat=self.result.format,
            lz4Compressed=bool(self.wanted.lz4 and self.result.format != T.TSparkRowSetType.COLUMN_BASED_SET),
            cacheLookupResult=T.TCacheLookupResult.CACHE_INELIGIBLE,
            uncompressedBytes=self.result.uncompressed_bytes,
            compressedBytes=self.result.compressed_bytes, isStagingOperation=self.is_staging())
        if self.result.format != T.TSparkRowSetType.COLUMN_BASED_SET:
            response.arrowSchema = shape.arrow_schema_bytes()
        return response

    def summary(self):
        """What the admin endpoint shows of a finished operation (no statement text)."""
        result = self.result
        return {"operation": self.guid_text, "warehouse_id": self.session.profile.id,
                "statement_sha256": hashlib.sha256(self.statement.encode()).hexdigest()
                if self.statement else None,
                "state": T.TOperationState._VALUES_TO_NAMES.get(self.state),
                "started_ms": self.started_ms, "completed_ms": self.completed_ms,
                "rows": result.total_rows if result is not None else None,
                "format": T.TSparkRowSetType._VALUES_TO_NAMES.get(result.format)
                if result is not None else None,
                "files": len(result.files) if hasattr(result, "files") else None}

    def is_staging(self):
        return bool(getattr(self.runner, "staging", False))

    def status(self):
        response = T.TGetOperationStatusResp(
            status=T.TStatus(statusCode=T.TStatusCode.SUCCESS_STATUS), operationState=self.state,
            operationStarted=self.started_ms, operationCompleted=self.completed_ms,
            hasResultSet=True)
        if self.modified_rows is not None:
            response.numModifiedRows = self.modified_rows
        if self.error is not None and self.state in (ERROR, CANCELED, TIMEDOUT):
            response.sqlState = self.error.sql_state
            response.errorCode = 0
            response.errorMessage = self.error.error_message()
            response.displayMessage = self.error.display_message()
            response.errorDetailsJson = self.error.details_json()
            response.diagnosticInfo = self.error.error_message()
        return response


def _limit(batches, rows):
    left = rows
    for batch in batches:
        if left <= 0:
            return
        if batch.num_rows > left:
            batch = batch.slice(0, left)
        left -= batch.num_rows
        yield batch


def _is_spark_error(exception):
    module = type(exception).__module__ or ""
    return module.startswith("pyspark")
