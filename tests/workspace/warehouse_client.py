"""Clients of the Databricks-faithful warehouse for the smoke tests.

- `connect()`: Databricks' own Python connector (databricks-sql-connector), unmodified.
- `RawClient`: the Thrift client generated inside that connector, for looking at frames
  field by field and for requests the connector never makes (a startRowOffset, a
  query time-out, an abandoned operation).
- `spark()`: Spark Connect to the same Spark, for the values Spark itself returns.
"""
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
    return sql.connect(server_hostname=ws["host"], _port=int(ws["port"]),
                       http_path=http_path or ws["databricks_http_path"],
                       access_token=ws["pat"], _tls_trusted_ca_file=ws["ca_file"], **options)


def spark(ws):
    from pyspark.sql import SparkSession
    return SparkSession.builder.remote(ws["connect_url"]).create()


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
