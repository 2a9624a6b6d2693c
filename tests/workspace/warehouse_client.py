"""Clients of the Databricks-faithful warehouse for the smoke tests.

- `connect()`: Databricks' own Python connector (databricks-sql-connector), unmodified.
- `RawClient`: the Thrift client generated inside that connector, for looking at frames
  field by field and for requests the connector never makes (a startRowOffset, a
  query time-out, an abandoned operation).
- `spark()`: Spark Connect to the same Spark, for the values Spark itself returns.
"""
import contextlib
import datetime
import json
import ssl
import urllib.request
import uuid

from databricks import sql
from databricks.sql.thrift_api.TCLIService import TCLIService, ttypes as T
from thrift.protocol import TBinaryProtocol
from thrift.transport import THttpClient

V7 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V7
V8 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8
V9 = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V9


def connect(ws, http_path=None, **options):
    options.setdefault("enable_telemetry", False)  # else connect() waits on port 443
    # The Rust kernel (use_kernel=True) takes the port in the host name, not in _port.
    host = {"server_hostname": ws["server_hostname"]} if options.get("use_kernel") else \
        {"server_hostname": ws["host"], "_port": int(ws["port"])}
    return sql.connect(**host, http_path=http_path or ws["databricks_http_path"],
                       access_token=ws["pat"], _tls_trusted_ca_file=ws["ca_file"], **options)


def spark(ws):
    from pyspark.sql import SparkSession
    return SparkSession.builder.remote(ws["connect_url"]).create()


# Every type the issue names, extreme values, and a row of nulls.
TYPES_COLUMNS = """id INT, d38 DECIMAL(38,12), d0 DECIMAL(38,0), ts TIMESTAMP, ntz TIMESTAMP_NTZ,
    day DATE, bin BINARY, arr ARRAY<INT>, kv MAP<STRING,INT>, st STRUCT<x: INT, y: STRING>,
    s STRING, f DOUBLE, b BOOLEAN"""
TYPES_ROWS = """
    (1, CAST('12345678901234567890123456.789012345678' AS DECIMAL(38,12)),
     CAST('-99999999999999999999999999999999999999' AS DECIMAL(38,0)),
     TIMESTAMP'2024-02-29 23:59:59.123456', TIMESTAMP_NTZ'1999-12-31 00:00:00.5', DATE'0001-01-01',
     X'00FF10', array(1, NULL, 3), map('a', 1, 'b', NULL), named_struct('x', 7, 'y', 'é ü 字'),
     'plain', 1.5D, true),
    (2, CAST('0.000000000001' AS DECIMAL(38,12)), CAST('0' AS DECIMAL(38,0)),
     TIMESTAMP'1970-01-01 00:00:00', TIMESTAMP_NTZ'2038-01-19 03:14:08', DATE'9999-12-31',
     X'', array(), map(), named_struct('x', NULL, 'y', NULL), '', -0.25D, false),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"""


def create_types_table(session, name):
    """A table of every type (TYPES_COLUMNS) holding TYPES_ROWS, made through Spark."""
    session.sql(f"CREATE TABLE {name} ({TYPES_COLUMNS})").collect()
    session.sql(f"INSERT INTO {name} VALUES {TYPES_ROWS}").collect()


@contextlib.contextmanager
def types_table_session(ws, name):
    """A Spark session and the table of every type, dropped afterwards."""
    session = spark(ws)
    create_types_table(session, name)
    try:
        yield session
    finally:
        session.sql(f"DROP TABLE IF EXISTS {name}").collect()
        session.stop()


def spark_rows(session, query):
    return [row.asDict(recursive=True) for row in session.sql(query).collect()]


def normalise(value):
    """Python values from the connector and from Spark, in one form."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if hasattr(value, "tolist"):  # numpy arrays for Arrow lists
        value = value.tolist()
    if isinstance(value, list):
        if value and isinstance(value[0], tuple):  # maps as (key, value) pairs
            return {k: normalise(v) for k, v in value}
        return [normalise(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, float):  # pandas turns ints in a list with a null into floats
        if value != value:
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return value


class RawClient:
    def __init__(self, ws, http_path=None, token=None):
        context = ssl.create_default_context(cafile=ws["ca_file"])
        url = f"https://{ws['host']}:{ws['port']}{http_path or ws['databricks_http_path']}"
        self.transport = THttpClient.THttpClient(url, ssl_context=context)
        self.transport.setCustomHeaders({"Authorization": f"Bearer {token or ws['pat']}"})
        self.client = TCLIService.Client(TBinaryProtocol.TBinaryProtocol(self.transport))
        self.session = None

    def open(self, protocol=V9, catalog=None, schema=None):
        namespace = T.TNamespace(catalogName=catalog, schemaName=schema) if catalog or schema else None
        response = self.client.OpenSession(T.TOpenSessionReq(
            client_protocol_i64=protocol, configuration={}, initialNamespace=namespace,
            canUseMultipleCatalogs=True))
        assert response.status.statusCode == T.TStatusCode.SUCCESS_STATUS, response.status
        self.session = response.sessionHandle
        return response

    def close(self):
        if self.session is not None:
            self.client.CloseSession(T.TCloseSessionReq(sessionHandle=self.session))
            self.session = None
        self.transport.close()

    def execute(self, statement, *, arrow=True, lz4=True, downloads=True, direct=True,
                run_async=True, timeout=0, native=True, max_rows=2000000):
        """As the recorded JDBC driver asks (getDirectResults 2000000 rows / 404857600 bytes)."""
        return self.client.ExecuteStatement(T.TExecuteStatementReq(
            sessionHandle=self.session, statement=statement, runAsync=run_async,
            queryTimeout=timeout,
            getDirectResults=T.TSparkGetDirectResults(maxRows=max_rows, maxBytes=404857600)
            if direct else None,
            canReadArrowResult=arrow, canDownloadResult=downloads, canDecompressLZ4Result=lz4,
            useArrowNativeTypes=T.TSparkArrowTypes(
                timestampAsArrow=native, decimalAsArrow=native, complexTypesAsArrow=native,
                intervalTypesAsArrow=native, nullTypeAsArrow=native),
            parameters=[]))

    def execute_finished(self, statement, **asked):
        """execute, as a statement that finished within the direct-results wait (5 s, as on
        Databricks) answers; a busy machine may take longer the first time: then the answer
        is the status alone, the operation is closed and the statement asked again (at most
        three times)."""
        for attempt in range(3):
            answer = self.execute(statement, **asked)
            direct = answer.directResults
            if direct is None or direct.resultSet is not None or attempt == 2:
                return answer
            assert set_fields(direct) == {"operationStatus"}
            assert direct.operationStatus.operationState in (T.TOperationState.PENDING_STATE,
                                                             T.TOperationState.RUNNING_STATE)
            self.close_operation(answer.operationHandle)

    def status(self, handle):
        return self.client.GetOperationStatus(T.TGetOperationStatusReq(operationHandle=handle))

    def wait(self, handle):
        while True:
            status = self.status(handle)
            if status.operationState not in (T.TOperationState.RUNNING_STATE,
                                             T.TOperationState.PENDING_STATE):
                return status

    def fetch(self, handle, start=None, max_rows=100000):
        return self.client.FetchResults(T.TFetchResultsReq(
            operationHandle=handle, orientation=T.TFetchOrientation.FETCH_NEXT, maxRows=max_rows,
            startRowOffset=start, includeResultSetMetadata=True))

    def close_operation(self, handle):
        return self.client.CloseOperation(T.TCloseOperationReq(operationHandle=handle))


def set_fields(struct):
    """The names of a Thrift struct's fields that are set (not None)."""
    return {spec[2] for spec in struct.thrift_spec if spec is not None
            and getattr(struct, spec[2], None) is not None}


def read_reply(data):
    """A recorded reply message: (method name, response struct)."""
    from thrift.transport import TTransport
    transport = TTransport.TMemoryBuffer(data)
    protocol = TBinaryProtocol.TBinaryProtocol(transport)
    name, _, _ = protocol.readMessageBegin()
    result = getattr(TCLIService, name + "_result")()
    result.read(protocol)
    return name, result.success


def operation_tag(guid):
    return "mortar-op-" + uuid.UUID(bytes=guid).hex


def running_jobs_tagged(ws, tag):
    """Spark jobs still running whose tags name this operation (Spark's REST API)."""
    base = ws["spark_ui_url"] + "/api/v1/applications"
    with urllib.request.urlopen(base, timeout=10) as response:
        application = json.load(response)[0]["id"]
    with urllib.request.urlopen(f"{base}/{application}/jobs?status=running", timeout=10) as response:
        jobs = json.load(response)
    return [job for job in jobs if any(tag in t for t in job.get("jobTags", []))]
