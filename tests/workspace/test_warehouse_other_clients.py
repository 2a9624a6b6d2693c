"""The Databricks-faithful warehouse judged by Databricks' other open-source clients,
unmodified: the JDBC driver (Maven Central com.databricks:databricks-jdbc) and
databricks-sql-go (Go module github.com/databricks/databricks-sql-go).

Each client is driven by a small probe program of ours that prints JSON
(clients/jdbc/JdbcProbe.java, clients/go/main.go). This module installs what they need
on first use, into ${XDG_CACHE_HOME:-~/.cache}/mortar/workspace/: the driver jar with
Maven (m2/, the cache scripts/workspace uses too), the probe compiled with javac
(clients/jdbc/), the Go module and build caches (go/) and the Go probe (clients/go/).
Java 17 (java, javac, keytool), Maven and Go come with the machine; a missing tool or a
failed download fails the test that needs it, with the reason.

Some checks look at the wire: a recording proxy of ours (plain HTTP on loopback, TLS to
the front door) decodes every Thrift call a client makes through it.

Where the warehouse is known to differ from Databricks, the test says so with a strict
xfail naming the difference: it passes again (and must lose its marker) once fixed.
"""
import hashlib
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest
from databricks.sql.thrift_api.TCLIService import TCLIService
from thrift.protocol import TBinaryProtocol
from thrift.transport import TTransport

from warehouse_admin import warehouse_admin
from warehouse_client import V8, operation_tag, running_jobs_tagged, spark

HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS = os.path.join(HERE, "clients")
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                     "mortar", "workspace")
M2 = os.path.join(CACHE, "m2")

JDBC_VERSION = "3.4.5"  # the newest databricks-jdbc Maven Central serves here
JDBC_COORDINATE = f"com.databricks:databricks-jdbc:{JDBC_VERSION}"
GO_MODULE_VERSION = "v1.14.0"  # pinned in clients/go/go.mod and go.sum
V10 = 0xA50A  # SPARK_CLI_SERVICE_PROTOCOL_V10, newer than the Python connector's Thrift file

TABLE = f"other_clients_{uuid.uuid4().hex[:8]}"
TYPES_ROWS = """
    (1, CAST('12345678901234567890123456.789012345678' AS DECIMAL(38,12)),
     CAST('-99999999999999999999999999999999999999' AS DECIMAL(38,0)),
     TIMESTAMP'2024-02-29 23:59:59.123456', TIMESTAMP_NTZ'1999-12-31 00:00:00.5', DATE'0001-01-01',
     X'00FF10', array(1, NULL, 3), map('a', 1, 'b', NULL), named_struct('x', 7, 'y', 'é ü 字'),
     'plain', 1.5D, true, CAST(-3 AS TINYINT), 9223372036854775807L, CAST(1.25 AS FLOAT)),
    (2, CAST('0.000000000001' AS DECIMAL(38,12)), CAST('0' AS DECIMAL(38,0)),
     TIMESTAMP'1970-01-01 00:00:00', TIMESTAMP_NTZ'2038-01-19 03:14:08', DATE'9999-12-31',
     X'', array(), map(), named_struct('x', NULL, 'y', NULL), '', -0.25D, false,
     CAST(127 AS TINYINT), -1L, CAST(-0.5 AS FLOAT)),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"""
COLUMNS = ["id", "d38", "d0", "ts", "ntz", "day", "bin", "arr", "kv", "st", "s", "f", "b", "ti",
           "bi", "fl"]
TYPES_QUERY = f"SELECT * FROM {TABLE} ORDER BY id"

# The same values in each client's canonical text (clients/*: BigDecimal.toPlainString,
# Instant, LocalDate, hex for bytes; Go: fmt, RFC 3339 for time.Time). Spark's session
# time zone is UTC here, and the probes run in UTC.
COMMON = {
    1: {"id": "1", "d38": "12345678901234567890123456.789012345678",
        "d0": "-99999999999999999999999999999999999999", "bin": "00ff10", "arr": "[1,null,3]",
        "kv": '{"a":1,"b":null}', "st": '{"x":7,"y":"é ü 字"}', "s": "plain", "f": "1.5",
        "b": "true", "ti": "-3", "bi": "9223372036854775807", "fl": "1.25"},
    2: {"id": "2", "d38": "0.000000000001", "d0": "0", "bin": "", "arr": "[]", "kv": "{}",
        "st": '{"x":null,"y":null}', "s": "", "f": "-0.25", "b": "false", "ti": "127",
        "bi": "-1", "fl": "-0.5"},
}
JDBC_TIMES = {1: {"ts": "2024-02-29T23:59:59.123456Z", "ntz": "1999-12-31T00:00:00.500Z",
                  "day": "0001-01-01"},
              # The driver renders an empty Arrow map as "[]" (it turns Arrow Java's list of
              # entries into JSON, and an empty list says nothing of keys): the driver's way.
              2: {"ts": "1970-01-01T00:00:00Z", "ntz": "2038-01-19T03:14:08Z", "day": "9999-12-31",
                  "kv": "[]"}}
GO_TIMES = {1: {"ts": "2024-02-29T23:59:59.123456Z", "ntz": "1999-12-31T00:00:00.5Z",
                "day": "0001-01-01T00:00:00Z"},
            2: {"ts": "1970-01-01T00:00:00Z", "ntz": "2038-01-19T03:14:08Z",
                "day": "9999-12-31T00:00:00Z"}}

BIG_QUERY = "SELECT id, CAST(id AS STRING) AS s FROM range(2000000)"
BIG_TEXT_BYTES = sum(len(str(i)) for i in range(2000000))
# 300000 rows in about thirty 256 KiB CloudFetch files on the test warehouse.
PAGED_QUERY = "SELECT id, repeat('x', 40) AS pad FROM range(300000)"
# Runs well past the direct results wait (about 20 s here when idle), then ends on its own
# if a cancel failed: nothing is left running for long. The probes cancel it at 6.5 s,
# once ExecuteStatement has answered with its handle (after the 5 s wait).
SLOW_QUERY = ("SELECT count(*) FROM range(150000) a CROSS JOIN range(100000) b "
              "WHERE a.id + b.id = -1")
ERRORS = {"SELECT * FROM no_such_table_anywhere": ("42P01", "TABLE_OR_VIEW_NOT_FOUND"),
          "SELECT 1/0": ("22012", "DIVIDE_BY_ZERO"),
          "INSER INTO t VALUES (1)": ("42601", "PARSE_SYNTAX_ERROR")}


# ---------------------------------------------------------------- installing the clients


def _tool(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: the machine's Java 17 JDK, Maven and Go are "
                    f"needed to build the warehouse's other clients")
    return path


def _run(cmd, what, timeout, **kwargs):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: no answer within {timeout} s ({' '.join(cmd[:4])} ...)")
    if done.returncode != 0:
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    return done


def _digest(*paths):
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


@pytest.fixture(scope="module")
def jdbc(ws, tmp_path_factory):
    """(classpath, trust store) for the JDBC probe: the driver jar from Maven Central,
    JdbcProbe compiled, and a PKCS12 trust store holding the stand-in's CA."""
    for tool in ("java", "javac", "keytool"):
        _tool(tool)
    group, artifact, version = JDBC_COORDINATE.split(":")
    jar = os.path.join(M2, *group.split("."), artifact, version, f"{artifact}-{version}.jar")
    if not os.path.exists(jar):
        _run([_tool("mvn"), "-B", "-q", f"-Dmaven.repo.local={M2}",
              "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:get",
              f"-Dartifact={JDBC_COORDINATE}", "-Dtransitive=false"],
             f"downloading {JDBC_COORDINATE} from Maven Central", timeout=900)
        if not os.path.exists(jar):
            pytest.fail(f"Maven reported success but {jar} is missing")
    source = os.path.join(CLIENTS, "jdbc", "JdbcProbe.java")
    classes = os.path.join(CACHE, "clients", "jdbc", _digest(source, jar))
    if not os.path.exists(os.path.join(classes, "JdbcProbe.class")):
        building = classes + f".{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        os.makedirs(building)
        _run(["javac", "--release", "17", "-d", building, "-cp", jar, source],
             "compiling JdbcProbe.java", timeout=300)
        shutil.rmtree(classes, ignore_errors=True)
        os.replace(building, classes)
    store = str(tmp_path_factory.mktemp("jdbc") / "truststore.p12")
    _run(["keytool", "-importcert", "-noprompt", "-alias", "mortar-workspace-ca", "-file",
          ws["ca_file"], "-keystore", store, "-storetype", "PKCS12", "-storepass", "changeit"],
         "making a Java trust store of the workspace CA", timeout=60)
    return f"{jar}{os.pathsep}{classes}", store


def _go_env():
    env = dict(os.environ, GOPATH=os.path.join(CACHE, "go"),
               GOMODCACHE=os.path.join(CACHE, "go", "mod"),
               GOCACHE=os.path.join(CACHE, "go", "build"), GOFLAGS="-modcacherw",
               GOTOOLCHAIN="local", CGO_ENABLED="0")
    return env


@pytest.fixture(scope="module")
def go_probe():
    """The Go probe, built against the pinned databricks-sql-go (go.mod, go.sum)."""
    _tool("go")
    module = os.path.join(CLIENTS, "go")
    files = [os.path.join(module, name) for name in ("go.mod", "go.sum", "main.go")]
    binary = os.path.join(CACHE, "clients", "go", f"dbsqlprobe-{_digest(*files)}")
    if not os.path.exists(binary):
        os.makedirs(os.path.dirname(binary), exist_ok=True)
        building = binary + f".{os.getpid()}"
        _run(["go", "build", "-mod=readonly", "-trimpath", "-o", building, "."],
             f"building the Go probe (downloads databricks-sql-go {GO_MODULE_VERSION} and its "
             f"dependencies from the Go module proxy on first use)", timeout=1200, cwd=module,
             env=_go_env())
        os.replace(building, binary)
    return binary


# ---------------------------------------------------------------- running the probes


def _jdbc_url(ws, jdbc, http_path, host=None, port=None, tls=True, extra=""):
    _, store = jdbc
    url = (f"jdbc:databricks://{host or ws['host']}:{port or ws['port']};httpPath={http_path};"
           f"AuthMech=3;UID=token;PWD={ws['pat']};EnableTelemetry=0")
    # The trust store serves CloudFetch downloads too (https on the storage port) even when
    # the Thrift calls go in plain HTTP to the recording proxy. The stand-in's certificates
    # name no OCSP responder or CRL: revocation cannot be determined, which the driver
    # refuses unless told to accept it.
    url += (f";SSL={1 if tls else 0};SSLTrustStore={store};SSLTrustStoreType=PKCS12;"
            "SSLTrustStorePwd=changeit;AcceptUndeterminedRevocation=1")
    return url + extra


def _start_jdbc(jdbc, url, *args):
    classpath, _ = jdbc
    return subprocess.Popen(["java", "-Duser.timezone=UTC", "-Xmx1g", "-cp", classpath, "JdbcProbe",
                             *map(str, args)], env=dict(os.environ, PROBE_JDBC_URL=url),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _results(process, timeout, what):
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"{what}: no end within {timeout} s\n{out[-2000:]}\n{err[-2000:]}")
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    if process.returncode != 0:
        pytest.fail(f"{what} failed (exit {process.returncode}):\n{out[-2000:]}\n{err[-3000:]}")
    return lines


def _go(ws, go_probe, *args, http_path=None, via=None, timeout=120, zone=None):
    env = dict(os.environ, MORTAR_WS_HOST=ws["host"], MORTAR_WS_PORT=str(ws["port"]),
               MORTAR_WS_PAT=ws["pat"], MORTAR_WS_CA_FILE=ws["ca_file"], TZ="UTC",
               PROBE_HTTP_PATH=http_path or ws["databricks_http_path"])
    if zone is not None:
        env["PROBE_TIMEZONE"] = zone
    if via is not None:
        env.update(MORTAR_WS_HOST="127.0.0.1", MORTAR_WS_PORT=str(via.port), PROBE_SCHEME="http")
    done = subprocess.run([go_probe, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)
    if done.returncode != 0 or not done.stdout.strip():
        pytest.fail(f"the Go probe failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Recorder:
    """A plain-HTTP proxy on loopback to the front door that decodes every Thrift call
    (and changes none)."""

    def __init__(self, ws):
        self.upstream = f"https://{ws['host']}:{ws['port']}"
        self.context = ssl.create_default_context(cafile=ws["ca_file"])
        self.calls = []  # (name, request args struct, response struct)
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.forward(self, None)

            def do_POST(self):
                recorder.forward(self, self.rfile.read(int(self.headers.get("Content-Length", 0))))

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _read(data, suffix):
        protocol = TBinaryProtocol.TBinaryProtocol(TTransport.TMemoryBuffer(data))
        name, kind, seq = protocol.readMessageBegin()
        struct = getattr(TCLIService, name + suffix)()
        struct.read(protocol)
        return name, kind, seq, struct

    def forward(self, handler, body):
        headers = {k: v for k, v in handler.headers.items()
                   if k.lower() not in ("host", "content-length", "connection", "accept-encoding")}
        request = urllib.request.Request(self.upstream + handler.path, data=body, headers=headers,
                                         method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=300) as response:
                status, reply, reply_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, reply, reply_headers = error.code, error.read(), error.headers
        if body is not None and status == 200:
            name, _, _, args = self._read(body, "_args")
            _, _, _, result = self._read(reply, "_result")
            with self.lock:
                self.calls.append((name, args.req, result.success))
        handler.send_response(status)
        for key, value in reply_headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(reply)))
        handler.end_headers()
        handler.wfile.write(reply)

    def named(self, name):
        with self.lock:
            return [(request, response) for n, request, response in self.calls if n == name]


# ---------------------------------------------------------------- the runs


@pytest.fixture(scope="module")
def table(ws):
    session = spark(ws)
    session.sql(f"""CREATE TABLE {TABLE} (id INT, d38 DECIMAL(38,12), d0 DECIMAL(38,0),
        ts TIMESTAMP, ntz TIMESTAMP_NTZ, day DATE, bin BINARY, arr ARRAY<INT>, kv MAP<STRING,INT>,
        st STRUCT<x: INT, y: STRING>, s STRING, f DOUBLE, b BOOLEAN, ti TINYINT, bi BIGINT,
        fl FLOAT)""").collect()
    session.sql(f"INSERT INTO {TABLE} VALUES {TYPES_ROWS}").collect()
    yield TABLE
    session.sql(f"DROP TABLE IF EXISTS {TABLE}").collect()
    session.stop()


@pytest.fixture(scope="module")
def jdbc_renewal(ws, jdbc):
    """The JDBC driver on the test warehouse, through the recording proxy, pausing 10 s after
    the first rows. The driver counts a link as expired 60 s before its expiryTime
    (AbstractArrowResultChunk.SECONDS_BUFFER_FOR_EXPIRY): the test warehouse's 8-second
    links would be expired on arrival, so for this run its links live 65 s (the warehouse's
    admin setting): the driver sees 5 s of life and renews them after the pause, as it
    would 15-minute links after 14 minutes. The heartbeat (a real driver option) keeps the
    operation from the test warehouse's 10-second idle reaper during the pause. Started
    early; it runs ~25 s."""
    previous = _link_ttl(ws, 65)
    recorder = Recorder(ws)
    url = _jdbc_url(ws, jdbc, ws["databricks_test_http_path"], host="127.0.0.1", port=recorder.port,
                    tls=False, extra=";EnableHeartbeat=1;HeartbeatIntervalSeconds=2")
    process = _start_jdbc(jdbc, url, "params", "count", PAGED_QUERY, 1000, 10000)
    yield recorder, process
    if process.poll() is None:
        process.kill()
        process.communicate()
    recorder.close()
    _link_ttl(ws, previous)


def _link_ttl(ws, seconds):
    """Sets the test warehouse's CloudFetch link lifetime; the previous one."""
    request = urllib.request.Request(
        ws["warehouse_admin_url"] + "/settings", method="POST",
        data=json.dumps({"warehouse_id": ws["databricks_test_warehouse_id"],
                         "link_ttl_seconds": seconds}).encode(),
        headers={"Authorization": f"Bearer {ws['warehouse_admin_token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["link_ttl_seconds"]


@pytest.fixture(scope="module")
def jdbc_main(ws, jdbc, table, jdbc_renewal):
    """One JDBC connection over TLS to the warehouse with Databricks' defaults, every check
    in turn; a list of the probe's JSON results."""
    url = _jdbc_url(ws, jdbc, ws["databricks_http_path"])
    args = ["types", TYPES_QUERY, "count", BIG_QUERY, -1, 0,
            "metadata", "spark_catalog", "default", table]
    for statement in ERRORS:
        args += ["error", statement]
    args += ["cancel", SLOW_QUERY, 6500]
    return _results(_start_jdbc(jdbc, url, *args), 300, "the JDBC probe")


def _check(results, name, index=0):
    found = [r for r in results if r["check"] == name]
    assert len(found) > index, f"no {name} result from the probe: {results}"
    return found[index]


# ---------------------------------------------------------------- databricks-sql-go


def test_go_reads_every_type(ws, go_probe, table):
    got = _go(ws, go_probe, "query", TYPES_QUERY)
    assert "error" not in got, got
    types = {c["name"]: c["database_type"] for c in got["columns"]}
    assert [c["name"] for c in got["columns"]] == COLUMNS
    assert types == {"id": "INT", "d38": "DECIMAL", "d0": "DECIMAL", "ts": "TIMESTAMP",
                     "ntz": "TIMESTAMP", "day": "DATE", "bin": "BINARY", "arr": "ARRAY",
                     "kv": "MAP", "st": "STRUCT", "s": "STRING", "f": "DOUBLE", "b": "BOOLEAN",
                     "ti": "TINYINT", "bi": "BIGINT", "fl": "FLOAT"}
    rows = got["rows"]
    for row_id in (1, 2):
        row = {k: v["text"] for k, v in rows[row_id - 1].items()}
        expected = {**COMMON[row_id], **GO_TIMES[row_id]}
        if row_id == 2:  # see test_go_small_decimals_as_spark_writes_them
            del row["d38"], expected["d38"]
        assert row == expected
    assert rows[0]["ts"]["go"] == "time.Time" and rows[0]["bin"]["go"] == "[]byte"
    # The driver asks for decimals as text (decimalAsArrow false) and scans them as strings.
    assert rows[0]["d38"]["go"] == "string" and rows[0]["id"]["go"] == "int32"
    assert rows[2] == {**{c: {"go": "nil", "text": None} for c in COLUMNS},
                       "id": {"go": "int32", "text": "3"}}


def test_go_small_decimals_as_spark_writes_them(ws, go_probe, table):
    got = _go(ws, go_probe, "query", f"SELECT d38 FROM {table} WHERE id = 2")
    assert got["rows"][0]["d38"] == {"go": "string", "text": "0.000000000001"}


def test_go_reads_two_million_rows_over_cloudfetch(ws, go_probe):
    got = _go(ws, go_probe, "count", BIG_QUERY)
    assert "error" not in got, got
    assert (got["rows"], got["out_of_order"], got["text_bytes"]) == (2000000, 0, BIG_TEXT_BYTES)


def test_go_reads_a_result_whose_links_come_in_fetch_results(ws, go_probe):
    # On the test warehouse the links come 4 to a FetchResults page, the last page with
    # hasMoreRows=false; on the default one the same happens to any CloudFetch result of a
    # statement slower than the direct results wait (5 s).
    got = _go(ws, go_probe, "count", PAGED_QUERY, http_path=ws["databricks_test_http_path"])
    assert "error" not in got, got
    assert (got["rows"], got["out_of_order"]) == (300000, 0)


def test_go_session_parameters_set_the_sessions_time_zone(ws, go_probe):
    """databricks-sql-go's session parameters (WithSessionParams) go in OpenSession's
    configuration, where Mortar sends its own time zone: the session runs in that zone."""
    sql = ("SELECT current_timezone() AS tz, "
           "CAST(TIMESTAMP'2024-01-01 00:00:00Z' AS STRING) AS wall")
    since = time.time()
    zoned = _go(ws, go_probe, "query", sql, zone="Asia/Tokyo")
    assert zoned["rows"] == [{"tz": {"go": "string", "text": "Asia/Tokyo"},
                              "wall": {"go": "string", "text": "2024-01-01 09:00:00"}}], zoned
    opened = [call["configuration"] for call in warehouse_admin(ws, "GET", "/calls")
              if call["method"] == "OpenSession" and call["time"] >= since]
    assert {"timezone": "Asia/Tokyo"} in opened, opened
    plain = _go(ws, go_probe, "query", sql)
    assert plain["rows"][0]["tz"]["text"] != "Asia/Tokyo", plain


def test_go_errors_carry_the_sqlstate(ws, go_probe):
    for statement, (state, error_class) in ERRORS.items():
        got = _go(ws, go_probe, "query", statement)
        assert got["sql_state"] == state, got
        assert f"[{error_class}]" in got["error"] and uuid.UUID(got["query_id"])


def test_go_native_parameters(ws, go_probe):
    got = _go(ws, go_probe, "params")
    assert "error" not in got, got
    named = {k: v["text"] for k, v in got["named"][0].items()}
    assert named == {"n": "42", "s": "it's", "d": "12.340", "day": "2024-05-06T00:00:00Z",
                     "t": "2024-05-06T07:08:09Z", "b": "true", "literal": ":n"}
    assert {k: v["text"] for k, v in got["positional"][0].items()} == {"a": "1", "b": "two"}


def test_go_context_cancel_stops_the_spark_job(ws, go_probe):
    got = _go(ws, go_probe, "cancel", SLOW_QUERY, 6.5)
    assert got["context_error"] is True and got["seconds"] < 15, got
    tag = operation_tag(uuid.UUID(got["query_id"]).bytes)
    deadline = time.time() + 10
    while running_jobs_tagged(ws, tag) and time.time() < deadline:
        time.sleep(0.5)
    assert running_jobs_tagged(ws, tag) == []


def test_go_wire_protocol_and_request(ws, go_probe):
    recorder = Recorder(ws)
    try:
        got = _go(ws, go_probe, "params", via=recorder)
        assert "error" not in got, got
        ((opened, answer),) = recorder.named("OpenSession")
        executes = recorder.named("ExecuteStatement")
    finally:
        recorder.close()
    assert opened.client_protocol_i64 == V8 and answer.serverProtocolVersion == V8
    request, _ = executes[0]
    assert request.runAsync is True and request.getDirectResults.maxRows == 100000
    assert request.canReadArrowResult is True and request.canDownloadResult is True
    assert request.canDecompressLZ4Result is None  # LZ4 is off by default in this driver
    native = request.useArrowNativeTypes
    assert (native.timestampAsArrow, native.decimalAsArrow, native.complexTypesAsArrow,
            native.intervalTypesAsArrow) == (True, False, True, False)
    assert {p.name for p in request.parameters} == {"n", "s", "d", "day", "t", "b"}


# ---------------------------------------------------------------- JDBC


def test_jdbc_connects_with_a_pat_over_tls(jdbc_main):
    connected = _check(jdbc_main, "connect")
    assert connected["driver"] == f"DatabricksJDBC {JDBC_VERSION}"


def test_jdbc_reads_every_type(jdbc_main):
    got = _check(jdbc_main, "types")
    assert "error" not in got, got
    columns = {c["name"]: c for c in got["columns"]}
    assert list(columns) == COLUMNS
    assert (columns["d38"]["type_name"], columns["d38"]["precision"], columns["d38"]["scale"],
            columns["d38"]["class"]) == ("DECIMAL(38,12)", 38, 12, "java.math.BigDecimal")
    assert [columns[c]["type_name"] for c in ("ts", "ntz", "arr", "kv", "st")] == [
        "TIMESTAMP", "TIMESTAMP_NTZ", "ARRAY<INT>", "MAP<STRING, INT>", "STRUCT<x: INT, y: STRING>"]
    assert [columns[c]["type"] for c in ("ts", "day", "bin", "arr", "st")] == [93, 91, -2, 2003, 2002]
    rows = got["rows"]
    for row_id in (1, 2):
        values = {k: v["value"] for k, v in rows[row_id - 1].items()}
        assert values == {**COMMON[row_id], **JDBC_TIMES[row_id]}
    assert rows[0]["ts"]["class"] == "java.sql.Timestamp" and rows[0]["bin"]["class"] == "[B"
    assert rows[0]["d38"]["class"] == "java.math.BigDecimal"
    assert rows[2] == {**{c: {"class": None, "string": None, "value": None} for c in COLUMNS},
                       "id": {"class": "java.lang.Integer", "string": "3", "value": "3"}}


def test_jdbc_reads_two_million_rows_over_cloudfetch(jdbc_main):
    got = _check(jdbc_main, "count")
    assert "error" not in got, got
    assert (got["rows"], got["out_of_order"], got["text_bytes"]) == (2000000, 0, BIG_TEXT_BYTES)


def test_jdbc_metadata(jdbc_main, table):
    got = _check(jdbc_main, "metadata")
    assert "error" not in got, got
    assert "spark_catalog" in got["catalogs"]
    assert {"TABLE_SCHEM": "default", "TABLE_CATALOG": "spark_catalog"} in got["schemas"]
    assert got["tables"] == [{"TABLE_CAT": "spark_catalog", "TABLE_SCHEM": "default",
                              "TABLE_NAME": table, "TABLE_TYPE": "TABLE"}]
    columns = {c["COLUMN_NAME"]: c for c in got["columns"]}
    assert list(columns) == COLUMNS
    assert (columns["d38"]["DATA_TYPE"], columns["d38"]["COLUMN_SIZE"],
            columns["d38"]["DECIMAL_DIGITS"]) == ("3", "38", "12")
    assert columns["ntz"]["TYPE_NAME"] == "TIMESTAMP_NTZ" and columns["ts"]["DATA_TYPE"] == "93"


def test_jdbc_ordinal_positions_start_at_one(jdbc_main):
    got = _check(jdbc_main, "metadata")
    assert [c["ORDINAL_POSITION"] for c in got["columns"]] == [
        str(i) for i in range(1, len(COLUMNS) + 1)]


def test_jdbc_errors_carry_the_sqlstate(jdbc_main):
    errors = [r for r in jdbc_main if r["check"] == "error"]
    assert len(errors) == len(ERRORS)
    for got, (state, error_class) in zip(errors, ERRORS.values()):
        assert got["sql_state"] == state, got
        assert f"[{error_class}]" in got["error"]


def test_jdbc_cancel_stops_the_spark_job(ws, jdbc_main):
    got = _check(jdbc_main, "cancel")
    assert got["sql_state"] == "HY008" and "was cancelled" in got["error"], got
    assert got["returned_after_seconds"] < 15
    statement = re.search(r"Statement \[([0-9a-f-]{36})\]", got["error"]).group(1)
    tag = operation_tag(uuid.UUID(statement).bytes)
    deadline = time.time() + 10
    while running_jobs_tagged(ws, tag) and time.time() < deadline:
        time.sleep(0.5)
    assert running_jobs_tagged(ws, tag) == []


def test_jdbc_native_parameters_and_protocol(jdbc_renewal):
    recorder, process = jdbc_renewal
    results = _results(process, 240, "the JDBC probe on the test warehouse")
    params = _check(results, "params")
    assert {k: v["value"] for k, v in params["row"].items()} == {
        "n": "42", "s": "it's", "d": "12.340", "day": "2024-05-06", "t": "2024-05-06T07:08:09Z",
        "none": None, "flag": "true", "literal": "?"}
    ((opened, answer),) = recorder.named("OpenSession")
    assert opened.client_protocol_i64 == V10 and answer.serverProtocolVersion == V8
    request = next(r for r, _ in recorder.named("ExecuteStatement") if r.parameters)
    assert request.statement.startswith("SELECT ? + 1 AS n")  # markers travel as they are
    assert [(p.ordinal, p.type) for p in request.parameters][:3] == [
        (1, "INT"), (2, "STRING"), (3, "DECIMAL(5,3)")]
    assert (request.getDirectResults.maxRows, request.getDirectResults.maxBytes) == (100000, 404857600)
    assert request.canReadArrowResult and request.canDownloadResult and request.canDecompressLZ4Result
    # The count that paused: every row, in order, after the links were renewed.
    count = _check(results, "count")
    assert "error" not in count, json.dumps(count)
    assert (count["rows"], count["out_of_order"]) == (300000, 0)


def test_jdbc_renews_expired_links_from_their_start_row(jdbc_renewal):
    recorder, process = jdbc_renewal
    _results(process, 240, "the JDBC probe on the test warehouse")  # ends the run
    fetches = recorder.named("FetchResults")
    renewals = [(request, response) for request, response in fetches
                if request.startRowOffset is not None]
    assert renewals, "the driver never renewed a link"
    starts = set()
    for _, response in fetches:
        starts.update(link.startRowOffset for link in response.results.resultLinks or [])
    for request, response in renewals:
        # A renewal asks from a link's first row and gets fresh links from that row on.
        assert request.startRowOffset in starts
        links = response.results.resultLinks
        assert links and links[0].startRowOffset == request.startRowOffset
    # The operation stayed alive through the pause: the heartbeat polled it.
    assert recorder.named("GetOperationStatus")
