"""Sessions: one Thrift session is one Spark Connect session (its own SQL confs, current
catalog and schema, temporary views), opened for the authenticated user.

The Warehouse holds every session and operation by handle, runs at most
`max_running` statements at a time (the rest wait in PENDING, as a warehouse queues
them), and reaps: an operation nobody has polled or fetched for
`operation_idle_seconds` is cancelled and its results removed, a session idle for
`session_idle_seconds` is closed, so that a client that vanishes leaves no Spark job
running and no files behind (each warehouse id has its own operation time-out).
"""

import collections
import logging
import threading
import time
import uuid

from pyspark.sql import SparkSession

from . import errors, sql_text
from .operations import Operation

log = logging.getLogger("warehouse")

# Databricks' session settings (any case) and the Spark confs they stand for.
SESSION_CONFS = {"timezone": "spark.sql.session.timeZone", "ansi_mode": "spark.sql.ansi.enabled"}


def enter_namespace(spark, settings, catalog, schema):
    """Sets a new Spark session's current catalog and schema (None: the default). Spark
    lists only the catalogs a session has used: each is touched first, so that SHOW
    CATALOGS and GetCatalogs see every one, as on Databricks."""
    for name in settings.catalogs:
        spark.sql(f"SHOW SCHEMAS IN `{name}`").collect()
    if catalog:
        spark.sql(f"SET CATALOG {sql_text.quote_string(catalog)}").collect()
    if schema:
        spark.sql(f"USE SCHEMA `{schema.replace('`', '``')}`").collect()


class Session:
    def __init__(self, warehouse, profile, user, protocol, spark):
        self.guid = uuid.uuid4().bytes
        self.secret = uuid.uuid4().bytes
        self.warehouse = warehouse
        self.settings = warehouse.settings
        self.storage = warehouse.storage
        self.profile = profile
        self.user = user
        self.protocol = protocol
        self.spark = spark
        self.timestamps_as_string = False
        self.statement_timeout = 0
        self.api = False  # a Statement Execution API session (api_sessions.py), not Thrift's
        if profile.timezone:  # the warehouse's TIMEZONE, as its admin set it
            spark.conf.set(SESSION_CONFS["timezone"], profile.timezone)
        self.operations = {}
        self.last_used = time.monotonic()
        self.lock = threading.Lock()

    @property
    def guid_text(self):
        return str(uuid.UUID(bytes=self.guid))

    def set_parameter(self, key, value):
        """A Databricks session setting: TIMEZONE, ANSI_MODE or STATEMENT_TIMEOUT (seconds);
        any other is accepted and has no effect here."""
        name = key.lower()
        if name == "statement_timeout":
            self.statement_timeout = int(value)
        elif name in SESSION_CONFS:
            self.spark.conf.set(SESSION_CONFS[name], value)

    def touch(self):
        self.last_used = time.monotonic()

    def add(self, operation):
        with self.lock:
            self.operations[operation.guid] = operation

    def remove(self, operation):
        with self.lock:
            self.operations.pop(operation.guid, None)

    def stop_spark(self):
        """Ends the Spark session (a Statement Execution API statement's, once it is done)."""
        try:
            self.spark.stop()
        except Exception:  # Spark may be gone already
            pass

    def close(self):
        with self.lock:
            operations = list(self.operations.values())
            self.operations.clear()
        for operation in operations:
            operation.close()
        self.stop_spark()


class Warehouse:
    def __init__(self, settings, storage, max_running=8):
        self.settings = settings
        self.storage = storage
        self.sessions = {}
        self.operations = {}
        self.gate = threading.BoundedSemaphore(max_running)
        self.lock = threading.Lock()
        self.history = collections.deque(maxlen=1000)  # finished operations, for benchmarks
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap, daemon=True, name="reaper")

    def start(self):
        self._reaper.start()

    def stop(self):
        self._stop.set()
        for session in list(self.sessions.values()):
            session.close()

    # ------------------------------------------------------------ sessions

    def new_spark(self, user):
        """A Spark Connect session of its own for this user."""
        return SparkSession.builder.remote(f"{self.settings.connect_url};user_id={user}").create()

    def open_session(self, profile, user, protocol):
        session = Session(self, profile, user, protocol, self.new_spark(user))
        with self.lock:
            self.sessions[session.guid] = session
        log.info("session %s opened for %s on warehouse %s", session.guid_text, user, profile.id)
        return session

    def session(self, handle):
        guid = handle.sessionId.guid if handle and handle.sessionId else None
        with self.lock:
            session = self.sessions.get(guid)
        if session is None or handle.sessionId.secret != session.secret:
            raise errors.invalid_session(_guid_text(guid))
        session.touch()
        return session

    def close_session(self, handle):
        self.end_session(self.session(handle))

    def end_session(self, session):
        """Closes a session: its operations, their results, and its Spark session."""
        with self.lock:
            self.sessions.pop(session.guid, None)
            for guid in list(session.operations):
                self.operations.pop(guid, None)
        session.close()
        log.info("session %s closed", session.guid_text)

    # ------------------------------------------------------------ operations

    def start_operation(self, session, kind, statement, runner, wanted, timeout_seconds=0,
                        row_limit=None, prepare=None):
        """Starts an operation; `prepare(operation)` is called before it starts."""
        operation = Operation(session, kind, statement, runner, wanted, timeout_seconds, row_limit)
        if prepare is not None:
            prepare(operation)
        session.add(operation)
        with self.lock:
            self.operations[operation.guid] = operation
        operation.start(self.gate)
        return operation

    def operation(self, handle):
        guid = handle.operationId.guid if handle and handle.operationId else None
        with self.lock:
            operation = self.operations.get(guid)
        if operation is None or handle.operationId.secret != operation.secret:
            raise errors.invalid_operation(_guid_text(guid))
        operation.touch()
        operation.session.touch()
        return operation

    def finished(self, operation):
        """Notes how long an operation took to produce its result (GET /admin/operations)."""
        self.history.append(operation.summary())

    def close_operation(self, operation):
        with self.lock:
            self.operations.pop(operation.guid, None)
        operation.session.remove(operation)
        operation.close()

    # ------------------------------------------------------------ the reaper

    def _reap(self):
        while not self._stop.wait(2.0):
            now = time.monotonic()
            with self.lock:
                operations = list(self.operations.values())
                sessions = list(self.sessions.values())
            for operation in operations:
                idle = now - operation.last_used
                if not operation.waiting and idle > operation.session.profile.operation_idle_seconds:
                    log.info("operation %s idle for %d s: closed", operation.guid_text, idle)
                    self.close_operation(operation)
            for session in sessions:
                if now - session.last_used > self.settings.session_idle_seconds:
                    with self.lock:
                        self.sessions.pop(session.guid, None)
                    log.info("session %s idle: closed", session.guid_text)
                    session.close()


def _guid_text(guid):
    try:
        return str(uuid.UUID(bytes=guid))
    except (TypeError, ValueError):
        return "unknown"
