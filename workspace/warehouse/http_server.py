"""The warehouse's HTTP listener, on loopback behind the front door.

Only the front door may call it: every request must carry `Authorization: Basic
<user>:<secret>`, where the secret is the one the front door holds (the user is the one
it authenticated). A Thrift call is a POST of a binary-protocol message to
`/sql/1.0/warehouses/<id>`; the answer is HTTP 200 with `application/x-thrift` whatever
the call's outcome, as on Databricks. A body that is not a Thrift call gets 400 with
the reason in `x-thriftserver-error-message`, and the server carries on.

For fault tests, `POST /admin/faults` (with `Authorization: Bearer <admin token>`, the
`warehouse_admin_token` of `scripts/workspace env`) arms faults: the next `count` calls
of a Thrift method on a warehouse id get an HTTP status (503 with `Retry-After`, 429, 500)
instead of being served; `POST /admin/settings` changes a warehouse id's CloudFetch link
lifetime (`{"warehouse_id", "link_ttl_seconds"}`); `{"expire_links": true}` in a fault instead makes the CloudFetch links of the next
answers to that method expired already, so that clients' renewal is tested, and
`{"delay_seconds": n}` serves the next calls after a wait of n seconds (a slow warehouse,
for load benchmarks). `DELETE /admin/faults` disarms every fault. `GET
/admin/calls` lists the calls served so far (method, warehouse, for ExecuteStatement
the SHA-256 of the statement (statements may hold credentials), for FetchResults the
startRowOffset asked, for OpenSession and the Statement Execution API's
StatementExecution.create_session the session parameters set (`configuration`);
the metastore bucket's reads as `TableStorage.GetObject` and `TableStorage.ListObjectsV2`,
with its prefix and start-after and how many of them were in flight, of warehouse
"metastore"), and `GET /admin/operations` the finished
operations with the time each took to produce its result (for benchmarks),
so a test can check that no statement was sent twice.
`{"table_credential_ttl_seconds": n}` to `/admin/settings` sets how long the next
temporary table credentials last, `{"table_storage_latency_ms": n}` (0 to 2000) how long
each read of the metastore bucket waits before its answer (S3's latency, for benchmarks),
and `POST /admin/grants` grants or revokes EXTERNAL
USE SCHEMA (unity_catalog.py).

Unity Catalog (unity_catalog.py): `GET /api/2.1/unity-catalog/tables/<full name>` and
`POST /api/2.0/unity-catalog/temporary-table-credentials`, through the front door; the
metastore bucket's files (table_storage.py), `/<metastore bucket>/...` through the
storage endpoint, signed with those credentials.
"""

import base64
import collections
import hashlib
import hmac
import json
import logging
import re
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from databricks.sql.thrift_api.TCLIService import TCLIService
from thrift.protocol import TBinaryProtocol
from thrift.transport import TTransport

from . import api_sessions, statement_api, table_storage, thrift_service, unity_catalog

log = logging.getLogger("warehouse")

WAREHOUSE_PATH = re.compile(r"^/sql/1\.0/warehouses/([^/?]+)$")
TABLES_PATH = re.compile(r"^/api/2\.1/unity-catalog/tables/([^/?]{1,800})$")
CREDENTIALS_PATH = re.compile(r"^/api/2\.[01]/unity-catalog/temporary-table-credentials$")
# What _json_body gives for a body it has refused (JSON's null is a body).
REFUSED = object()
STATEMENTS_PATH = re.compile(
    r"^/api/2\.0/sql/statements(?:/([0-9a-f-]{1,64})(?:/(cancel)|/result/chunks/(\d{1,9}))?)?/?$")
SQL_API_PREFIXES = (statement_api.PREFIX, "/api/2.0/sql/sessions")
SESSIONS_PATH = re.compile(r"^/api/2\.0/sql/sessions(?:/([0-9a-f-]{1,64}))?/?$")


def _sql_api_call(verb, path):
    """(call, statement or session id, chunk index) a Statement Execution API request
    names, or (None, None, None)."""
    match = STATEMENTS_PATH.match(path)
    if match:
        statement_id, cancel, chunk = match.groups()
        routes = {("POST", False, False, False): "execute", ("GET", True, False, False): "get",
                  ("GET", True, False, True): "chunk", ("POST", True, True, False): "cancel",
                  ("DELETE", True, False, False): "close"}
        call = routes.get((verb, statement_id is not None, cancel is not None, chunk is not None))
        return (call, statement_id, chunk) if call else (None, None, None)
    match = SESSIONS_PATH.match(path)
    if match:
        session_id = match.group(1)
        call = {("POST", False): "create_session", ("DELETE", True): "delete_session"}.get(
            (verb, session_id is not None))
        return (call, session_id, None) if call else (None, None, None)
    return None, None, None


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, settings, warehouse):
        self.settings = settings
        self.warehouse = warehouse
        self.processor = TCLIService.Processor(thrift_service.Handler(warehouse))
        self.faults = Faults()
        self.api_sessions = api_sessions.ApiSessions(warehouse)
        self.statement_api = statement_api.StatementApi(warehouse, self.api_sessions)
        self.unity_catalog = unity_catalog.UnityCatalog(settings)
        self.table_storage = table_storage.TableStorage(settings, self.unity_catalog)
        super().__init__(("127.0.0.1", settings.port), RequestHandler)


class Faults:
    """Armed faults and the log of calls served (for fault tests)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.armed = []
        self.calls = collections.deque(maxlen=10000)

    def arm(self, fault):
        with self.lock:
            self.armed.append(fault)

    def take(self, warehouse_id, method):
        with self.lock:
            for fault in self.armed:
                if fault["warehouse_id"] == warehouse_id and fault["method"] == method:
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self.armed.remove(fault)
                    return dict(fault)
        return None

    def record(self, warehouse_id, method, statement, start_row, **details):
        digest = hashlib.sha256(statement.encode()).hexdigest() if statement is not None else None
        with self.lock:
            self.calls.append({"time": time.time(), "warehouse_id": warehouse_id,
                               "method": method, "statement_sha256": digest,
                               "start_row_offset": start_row, **details})


class RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "databricks"
    sys_version = ""
    timeout = 600  # a silent client's connection is dropped, its thread freed
    # Headers and body go out in separate writes: with Nagle's algorithm the body waits
    # for the headers' ACK, which the peer delays (40 ms on Linux) on every response.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    def _reply(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-request-id", str(uuid.uuid4()))
        self.send_header("x-databricks-org-id", self.server.settings.workspace_id)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status, error_code, message, headers=()):
        body = (json.dumps({"error_code": error_code, "message": message}) + "\n").encode()
        self._reply(status, body, headers=[("x-thriftserver-error-message", message), *headers])

    def _user(self):
        """The user the front door vouches for, or None."""
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, secret = base64.b64decode(header[6:].strip()).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        expected = self.server.settings.frontdoor_secret
        if not user or not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            return None
        return user

    def _admin(self):
        expected = self.server.settings.admin_token
        given = self.headers.get("Authorization", "")
        return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())

    def do_GET(self):
        if self.path.startswith(statement_api.PREFIX):
            self._statement_api("GET")
            return
        storage = self.server.table_storage
        if storage.handles(self.path):
            query = urllib.parse.parse_qs(self.path.partition("?")[2])
            listing = "list-type" in query
            details = {"prefix": query.get("prefix", [""])[0],
                       "start_after": query.get("start-after", [""])[0]} if listing else {}
            with storage.serving() as in_flight:
                self.server.faults.record("metastore", "TableStorage." + (
                    "ListObjectsV2" if listing else "GetObject"), None, None,
                    access_key=table_storage.access_key_of(self.headers),
                    path=urllib.parse.unquote(self.path.partition("?")[0]),
                    in_flight=in_flight,
                    connection=table_storage.connection_of(self.headers), **details)
                storage.serve(self, "GET")
            return
        match = TABLES_PATH.match(self.path.split("?", 1)[0])
        if match:
            self._unity_catalog(lambda user, _: self.server.unity_catalog.get_table(
                urllib.parse.unquote(match.group(1))))
            return
        if self.path == "/health":
            self._reply(200, b'{"status":"ok"}\n')
            return
        if self.path == "/admin/calls" and self._admin():
            with self.server.faults.lock:
                calls = list(self.server.faults.calls)
            self._reply(200, (json.dumps(calls) + "\n").encode())
            return
        if self.path == "/admin/operations" and self._admin():
            operations = list(self.server.warehouse.history)
            self._reply(200, (json.dumps(operations) + "\n").encode())
            return
        self._json(404, "ENDPOINT_NOT_FOUND", "No API found here.")

    def _arm(self, length_text):
        if not self._admin():
            self._refuse(length_text, 401, "UNAUTHENTICATED", "The admin token is required.")
            return
        try:
            length = int(length_text or 0)
            fault = json.loads(self.rfile.read(length) if 0 < length <= 65536 else b"")
            armed = {"warehouse_id": str(fault["warehouse_id"]), "method": str(fault["method"]),
                     "status": int(fault.get("status", 503)), "count": int(fault.get("count", 1)),
                     "retry_after": fault.get("retry_after"),
                     "expire_links": bool(fault.get("expire_links", False)),
                     "delay_seconds": min(float(fault.get("delay_seconds", 0)), 600.0)}
        except (ValueError, KeyError, TypeError):
            self._json(400, "BAD_REQUEST", "A fault is {warehouse_id, method, status, count, "
                       "retry_after, expire_links, delay_seconds}.")
            return
        self.server.faults.arm(armed)
        self._reply(200, (json.dumps(armed) + "\n").encode())

    def _settings(self, length_text):
        """Changes a warehouse id's link lifetime while running; answers the previous value."""
        if not self._admin():
            self._refuse(length_text, 401, "UNAUTHENTICATED", "The admin token is required.")
            return
        try:
            length = int(length_text or 0)
            change = json.loads(self.rfile.read(length) if 0 < length <= 65536 else b"")
            if isinstance(change, dict) and set(change) == {"table_credential_ttl_seconds"}:
                self._credential_ttl(int(change["table_credential_ttl_seconds"]))
                return
            if isinstance(change, dict) and set(change) == {"table_storage_latency_ms"}:
                self._storage_latency(int(change["table_storage_latency_ms"]))
                return
            profile = self.server.settings.warehouses[str(change["warehouse_id"])]
            ttl = int(change["link_ttl_seconds"])
            if not 1 <= ttl <= 7 * 86400:
                raise ValueError(ttl)
        except (ValueError, KeyError, TypeError):
            self._json(400, "BAD_REQUEST", "Settings are {warehouse_id, link_ttl_seconds} "
                       "(1 s to 7 days) for a known warehouse id, "
                       "{table_credential_ttl_seconds} (1 s to 12 h) or "
                       "{table_storage_latency_ms} (0 to 2000).")
            return
        previous, profile.link_ttl_seconds = profile.link_ttl_seconds, ttl
        self._reply(200, (json.dumps({"link_ttl_seconds": previous}) + "\n").encode())

    def do_HEAD(self):
        if self.server.table_storage.handles(self.path):
            self.server.table_storage.serve(self, "HEAD")
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self):
        self._refuse_write("PUT")

    def _refuse_write(self, verb):
        """A write to the metastore bucket (refused: the credentials read only), else 404."""
        self._discard(self.headers.get("Content-Length"))
        if self.server.table_storage.handles(self.path):
            self.server.table_storage.serve(self, verb)
            return
        self._json(404, "ENDPOINT_NOT_FOUND", "No API found here.")

    def _credential_ttl(self, ttl):
        if not 1 <= ttl <= 12 * 3600:
            raise ValueError(ttl)
        settings = self.server.settings
        previous, settings.table_credential_ttl_seconds = settings.table_credential_ttl_seconds, ttl
        self._reply(200, (json.dumps({"table_credential_ttl_seconds": previous}) + "\n").encode())

    def _storage_latency(self, milliseconds):
        if not 0 <= milliseconds <= 2000:
            raise ValueError(milliseconds)
        storage = self.server.table_storage
        previous, storage.latency_seconds = storage.latency_seconds, milliseconds / 1000
        self._reply(200, (json.dumps({"table_storage_latency_ms": round(previous * 1000)}) +
                          "\n").encode())

    def do_DELETE(self):
        if self.path.startswith(SQL_API_PREFIXES):
            self._statement_api("DELETE")
            return
        if self.server.table_storage.handles(self.path):
            self._refuse_write("DELETE")
            return
        if self.path == "/admin/faults" and self._admin():
            with self.server.faults.lock:
                disarmed, self.server.faults.armed = len(self.server.faults.armed), []
            self._reply(200, (json.dumps({"disarmed": disarmed}) + "\n").encode())
            return
        self._json(404, "ENDPOINT_NOT_FOUND", "No API found here.")

    def do_POST(self):
        if self.path.startswith(SQL_API_PREFIXES):
            self._statement_api("POST")
            return
        if self.path == "/admin/faults":
            self._arm(self.headers.get("Content-Length"))
            return
        if self.path == "/admin/settings":
            self._settings(self.headers.get("Content-Length"))
            return
        if self.path == "/admin/grants":
            self._grant(self.headers.get("Content-Length"))
            return
        if self.server.table_storage.handles(self.path):
            self._refuse_write("POST")
            return
        if CREDENTIALS_PATH.match(self.path):
            self.server.faults.record("metastore", "UnityCatalog.TemporaryTableCredentials",
                                      None, None)
            self._unity_catalog(self.server.unity_catalog.temporary_table_credentials,
                                with_body=True)
            return
        match = WAREHOUSE_PATH.match(self.path)
        length_text = self.headers.get("Content-Length")
        if match is None:
            self._refuse(length_text, 404, "ENDPOINT_NOT_FOUND", "No API found here.")
            return
        profile = self.server.settings.warehouses.get(match.group(1))
        if profile is None:
            self._refuse(length_text, 404, "RESOURCE_DOES_NOT_EXIST",
                         "No SQL warehouse with this id.")
            return
        user = self._user()
        if user is None:
            self._refuse(length_text, 401, "UNAUTHENTICATED",
                         "Requests must come through the front door.")
            return
        if length_text is None:
            self._json(411, "BAD_REQUEST", "A Thrift request needs a Content-Length.",
                       headers=[("Connection", "close")])
            self.close_connection = True
            return
        body = self._body(length_text, "A Thrift request")
        if body is None:
            return
        method, statement, start_row, details = _call_of(body)
        fault = self.server.faults.take(profile.id, method)
        thrift_service.context.expire_links = bool(fault and fault["expire_links"])
        if self._fault_answered(fault, method):
            return
        self.server.faults.record(profile.id, method, statement, start_row, **details)
        thrift_service.context.user = user
        thrift_service.context.profile = profile
        limit = self.server.settings.max_request_bytes
        input_transport = TTransport.TMemoryBuffer(body)
        output_transport = TTransport.TMemoryBuffer()
        input_protocol = TBinaryProtocol.TBinaryProtocolAccelerated(
            input_transport, string_length_limit=limit, container_length_limit=1 << 20)
        output_protocol = TBinaryProtocol.TBinaryProtocolAccelerated(output_transport)
        try:
            self.server.processor.process(input_protocol, output_protocol)
        except Exception as exception:  # noqa: BLE001 - a bad body must not end the server
            log.warning("a Thrift request could not be read: %s", exception)
            self._json(400, "BAD_REQUEST", "The request body is not a TCLIService call in the "
                       "Thrift binary protocol.")
            return
        self._reply(200, output_transport.getvalue(), "application/x-thrift")

    def _statement_api(self, verb):
        """The Statement Execution API (statement_api.py) and its sessions (api_sessions.py).
        Faults and the call log name its calls StatementExecution.execute|get|chunk|cancel|
        close|create_session|delete_session (create_session's with its `configuration`)."""
        length_text = self.headers.get("Content-Length")
        path = self.path.split("?", 1)[0]
        call, target, chunk = _sql_api_call(verb, path)
        if call is None:
            self._refuse(length_text, 404, "ENDPOINT_NOT_FOUND", "No API found here.")
            return
        user = self._user()
        if user is None:
            self._refuse(length_text, 401, "UNAUTHENTICATED",
                         "Requests must come through the front door.")
            return
        # Databricks' Python connector sends a JSON body with GET and DELETE too: it is read
        # whatever the verb, or it would be taken for the next request on the connection.
        body = self._json_body(length_text)
        if body is REFUSED:
            return
        api, sessions = self.server.statement_api, self.server.api_sessions
        if call in ("execute", "create_session"):
            warehouse_id = body.get("warehouse_id") if isinstance(body, dict) else None
            warehouse_id = warehouse_id if isinstance(warehouse_id, str) else None
        elif call == "delete_session":
            warehouse_id = sessions.warehouse_of(user, target)
        else:
            warehouse_id = api.warehouse_of(user, target)
        method = "StatementExecution." + call
        fault = self.server.faults.take(warehouse_id, method) if warehouse_id else None
        if self._fault_answered(fault, method):
            return
        if warehouse_id:
            text = body.get("statement") if call == "execute" else None
            details = {"configuration": body.get("session_confs")} \
                if call == "create_session" else {}
            self.server.faults.record(warehouse_id, method, text if isinstance(text, str) else None,
                                      int(chunk) if chunk is not None else None, **details)
        expired = bool(fault and fault["expire_links"])
        try:
            if call == "execute":
                answer = api.execute(user, body, expired)
            elif call == "get":
                answer = api.get(user, target, expired)
            elif call == "chunk":
                answer = api.chunk(user, target, int(chunk), expired)
            elif call == "create_session":
                answer = sessions.create(user, body)
            elif call == "delete_session":
                answer = sessions.delete(user, target, body)
            else:
                answer = getattr(api, call)(user, target)
        except statement_api.ApiError as error:
            self._json(error.status, error.error_code, error.message)
            return
        self._reply(200, (json.dumps(answer, ensure_ascii=False) + "\n").encode())

    def _unity_catalog(self, call, with_body=False):
        """A Unity Catalog API call (unity_catalog.py) for the user the front door vouches for."""
        length_text = self.headers.get("Content-Length")
        user = self._user()
        if user is None:
            self._refuse(length_text, 401, "UNAUTHENTICATED",
                         "Requests must come through the front door.")
            return
        body = self._json_body(length_text) if with_body else {}
        if body is REFUSED:
            return
        try:
            answer = call(user, body)
        except statement_api.ApiError as error:
            self._json(error.status, error.error_code, error.message)
            return
        self._reply(200, (json.dumps(answer) + "\n").encode())

    def _grant(self, length_text):
        """Grants or revokes EXTERNAL USE SCHEMA (admin only); answers every grant."""
        if not self._admin():
            self._refuse(length_text, 401, "UNAUTHENTICATED", "The admin token is required.")
            return
        raw = self._body(length_text or "0", "A grant")
        if raw is None:
            return
        try:
            grants = self.server.unity_catalog.change_grant(json.loads(raw))
        except (ValueError, UnicodeDecodeError, AttributeError):
            self._json(400, "BAD_REQUEST", "A grant is a JSON object.")
            return
        except statement_api.ApiError as error:
            self._json(error.status, error.error_code, error.message)
            return
        self._reply(200, (json.dumps(grants) + "\n").encode())

    def _json_body(self, length_text):
        """A REST request's JSON body ({} when empty), or REFUSED once it was answered
        (too large, or not JSON)."""
        raw = self._body(length_text or "0", "A request")
        if raw is None:
            return REFUSED
        try:
            return json.loads(raw) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError):
            self._json(400, "MALFORMED_REQUEST", "The request body is not JSON.")
            return REFUSED

    def _refuse(self, length_text, status, error_code, message):
        """Answers an error without reading the request; its body is dropped."""
        self._discard(length_text)
        self._json(status, error_code, message)

    def _body(self, length_text, what):
        """The request's body, or None once a too-large one is refused (413)."""
        try:
            length = int(length_text)
        except ValueError:
            length = -1
        if length < 0 or length > self.server.settings.max_request_bytes:
            self._json(413, "BAD_REQUEST", f"{what} may have at most "
                       f"{self.server.settings.max_request_bytes} bytes.",
                       headers=[("Connection", "close")])
            self.close_connection = True
            return None
        return self.rfile.read(length)

    def _fault_answered(self, fault, method):
        """Serves an armed fault: a wait (then the call is served), or an HTTP status
        answered instead of the call (True)."""
        if fault is not None and fault["delay_seconds"]:
            time.sleep(fault["delay_seconds"])
        elif fault is not None and not fault["expire_links"]:
            headers = [("Retry-After", str(fault["retry_after"]))] if fault["retry_after"] else []
            self._json(fault["status"], "TEMPORARILY_UNAVAILABLE",
                       f"Injected fault: HTTP {fault['status']} for {method}.", headers=headers)
            return True
        return False

    def _discard(self, length_text):
        """Reads and drops a refused request's body, so the connection stays usable."""
        try:
            length = int(length_text or 0)
        except ValueError:
            self.close_connection = True
            return
        if 0 < length <= self.server.settings.max_request_bytes:
            self.rfile.read(length)
        elif length:
            self.close_connection = True


def _call_of(body):
    """The Thrift method a request calls, its statement (ExecuteStatement), the row it
    asks to start from (FetchResults) and details for the call log: the operation a
    GetOperationStatus asks after, the session parameters an OpenSession sets."""
    try:
        protocol = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(body))
        method, _, _ = protocol.readMessageBegin()
        if method in ("ExecuteStatement", "FetchResults", "GetOperationStatus", "OpenSession"):
            arguments = getattr(TCLIService, method + "_args")()
            arguments.read(protocol)
            request = arguments.req
            if method == "ExecuteStatement":
                return method, request.statement if request else None, None, {}
            if method == "OpenSession":
                return method, None, None, {"configuration": dict(request.configuration or {})
                                            if request else {}}
            if method == "GetOperationStatus":
                guid = request and request.operationHandle and \
                    request.operationHandle.operationId and request.operationHandle.operationId.guid
                return method, None, None, {"operation": guid.hex() if guid else None}
            return method, None, request.startRowOffset if request else None, {}
        return method, None, None, {}
    except Exception:  # a malformed body; process() answers it, /admin/calls names it so
        return "(unreadable)", None, None, {}
