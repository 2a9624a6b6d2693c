"""TCLIService as a Databricks SQL warehouse answers it.

What the answers follow (from responses recorded from real workspaces and from how
Databricks' own clients read them):
- OpenSession answers the lower of the client's version and SPARK_CLI_SERVICE_PROTOCOL_V8,
  echoes the initial namespace, and says canUseMultipleCatalogs.
- ExecuteStatement runs the statement on its own thread; with runAsync it waits up to five
  seconds, then answers with direct results when asked: the status, and when the
  statement finished in time the metadata and first page too, plus closeOperation when
  that page held every row of an inline result (the operation is then closed on the
  server, and a later CloseOperation gets "Invalid OperationHandle", as recorded).
  Without runAsync it answers when the statement is done, an error in the TStatus.
- GetOperationStatus holds the call up to a second while the statement runs.
- Errors travel in a TStatus (HTTP 200), with sqlState, errorMessage and displayMessage.
- Metadata calls answer COLUMN_BASED_SET in direct results.

The authenticated user and the warehouse id come from the HTTP layer (`context`).
"""

import functools
import logging
import threading
import traceback

from databricks.sql.thrift_api.TCLIService import TCLIService, ttypes as T

from . import errors, metadata, statements
from .operations import CANCELED, ERROR, FINISHED, TIMEDOUT
from .result_format import Wanted
from .results import Limits
from .sessions import SESSION_CONFS, enter_namespace

log = logging.getLogger("warehouse")

SERVER_PROTOCOL = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8
CLIENT_ONLY_CONFS = {"spark.thriftserver.arrowBasedRowSet.timestampAsString", "query_tags",
                     "QUERY_TAGS"}

context = threading.local()


def ok():
    return T.TStatus(statusCode=T.TStatusCode.SUCCESS_STATUS)


def error_status(error):
    return T.TStatus(statusCode=T.TStatusCode.ERROR_STATUS,
                     infoMessages=[f"*{error.exception_class}:{error.error_message()}:0:0"],
                     sqlState=error.sql_state, errorCode=0, errorMessage=error.error_message(),
                     displayMessage=error.display_message())


def answers_errors(response_type):
    """Turns any failure of a call into its response with an ERROR TStatus."""
    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, request):
            try:
                return method(self, request)
            except errors.WarehouseError as error:
                return response_type(status=error_status(error))
            except Exception as exception:  # noqa: BLE001 - never a Thrift application error
                if type(exception).__module__.startswith("pyspark"):
                    return response_type(status=error_status(errors.from_spark(exception)))
                log.error("%s failed: %s", method.__name__, traceback.format_exc())
                error = errors.WarehouseError(
                    f"[INTERNAL_ERROR] The stand-in warehouse failed in {method.__name__}: "
                    f"{type(exception).__name__}: {exception}", "XX000", "INTERNAL_ERROR")
                return response_type(status=error_status(error))
        return wrapper
    return decorate


class Handler(TCLIService.Iface):
    def __init__(self, warehouse):
        self.warehouse = warehouse

    # ------------------------------------------------------------ sessions

    @answers_errors(T.TOpenSessionResp)
    def OpenSession(self, request):
        requested = request.client_protocol_i64
        if requested is None:
            requested = request.client_protocol
        if requested is None or requested < 0:
            requested = SERVER_PROTOCOL
        version = min(int(requested), SERVER_PROTOCOL)
        session = self.warehouse.open_session(context.profile, context.user, version)
        try:
            namespace = self._prepare(session, request)
        except BaseException:
            self.warehouse.close_session(T.TSessionHandle(sessionId=T.THandleIdentifier(
                guid=session.guid, secret=session.secret)))
            raise
        handle = T.TSessionHandle(
            sessionId=T.THandleIdentifier(guid=session.guid, secret=session.secret),
            serverProtocolVersion=version)
        return T.TOpenSessionResp(status=ok(), serverProtocolVersion=version, sessionHandle=handle,
                                  configuration={}, initialNamespace=namespace,
                                  canUseMultipleCatalogs=True)

    def _prepare(self, session, request):
        spark = session.spark
        for key, value in (request.configuration or {}).items():
            if key == "spark.thriftserver.arrowBasedRowSet.timestampAsString":
                session.timestamps_as_string = str(value).lower() == "true"
            elif key.lower() in ("statement_timeout", *SESSION_CONFS):
                session.set_parameter(key, value)
            elif key.startswith("spark.") and key not in CLIENT_ONLY_CONFS:
                spark.conf.set(key, value)
        namespace = request.initialNamespace
        catalog = namespace.catalogName if namespace else None
        schema = namespace.schemaName if namespace else None
        echo_catalog = None
        if catalog and catalog.lower() == "spark":  # "SPARK": the JDBC driver's "the default"
            echo_catalog, catalog = catalog.lower(), None
        enter_namespace(spark, session.settings, catalog, schema)
        current = spark.sql("SELECT current_catalog(), current_schema()").collect()[0]
        return T.TNamespace(catalogName=echo_catalog or current[0], schemaName=current[1])

    @answers_errors(T.TCloseSessionResp)
    def CloseSession(self, request):
        self.warehouse.close_session(request.sessionHandle)
        return T.TCloseSessionResp(status=ok())

    @answers_errors(T.TGetInfoResp)
    def GetInfo(self, request):
        self.warehouse.session(request.sessionHandle)
        name = T.TGetInfoType._VALUES_TO_NAMES.get(request.infoType)
        value = metadata.info(name)
        info = T.TGetInfoValue(lenValue=value) if isinstance(value, int) else T.TGetInfoValue(
            stringValue=value)
        return T.TGetInfoResp(status=ok(), infoValue=info)

    # ------------------------------------------------------------ statements

    @answers_errors(T.TExecuteStatementResp)
    def ExecuteStatement(self, request):
        session = self.warehouse.session(request.sessionHandle)
        overlay = dict(request.confOverlay or {})
        as_string = session.timestamps_as_string or str(overlay.get(
            "spark.thriftserver.arrowBasedRowSet.timestampAsString", "false")).lower() == "true"
        wanted = Wanted.from_request(request, timestamps_as_string=as_string)
        try:
            runner = statements.runner_for(request.statement or "", request.parameters)
        except errors.WarehouseError as error:
            runner = statements.FailingRunner(error)
        runner.conf_overlay = {k: v for k, v in overlay.items() if k not in CLIENT_ONLY_CONFS}
        timeout = request.queryTimeout or session.statement_timeout or 0
        operation = self.warehouse.start_operation(
            session, T.TOperationType.EXECUTE_STATEMENT, request.statement, runner, wanted,
            timeout_seconds=int(timeout), row_limit=request.resultRowLimit)
        if not request.runAsync:
            operation.wait()
            if operation.state in (ERROR, CANCELED, TIMEDOUT):
                error = operation.error
                self.warehouse.close_operation(operation)
                return T.TExecuteStatementResp(status=error_status(error))
        response = T.TExecuteStatementResp(status=ok(), operationHandle=operation.handle())
        if request.getDirectResults is not None:
            operation.wait(self.warehouse.settings.direct_results_wait_seconds)
            response.directResults = self._direct_results(operation, request.getDirectResults)
        return response

    def _direct_results(self, operation, wanted):
        direct = T.TSparkDirectResults(operationStatus=operation.status())
        if operation.state != FINISHED:
            return direct
        direct.resultSetMetadata = operation.metadata()
        row_set, has_more = operation.page(0, Limits(wanted.maxRows, wanted.maxBytes),
                                           expired=getattr(context, "expire_links", False))
        direct.resultSet = T.TFetchResultsResp(status=ok(), hasMoreRows=has_more, results=row_set)
        if not has_more and operation.result.format != T.TSparkRowSetType.URL_BASED_SET:
            direct.closeOperation = T.TCloseOperationResp(status=ok())
            self.warehouse.close_operation(operation)
        return direct

    def _metadata_call(self, request, kind, compute):
        session = self.warehouse.session(request.sessionHandle)
        runner = statements.TableRunner(compute)
        operation = self.warehouse.start_operation(session, kind, None, runner, Wanted.for_metadata())
        operation.wait()
        response_status = ok()
        handle = operation.handle()
        if operation.state != FINISHED:
            error = operation.error
            self.warehouse.close_operation(operation)
            raise error
        direct = None
        if request.getDirectResults is not None:
            direct = self._direct_results(operation, request.getDirectResults)
        return response_status, handle, direct

    def _metadata(self, response_type, request, kind, compute):
        status, handle, direct = self._metadata_call(request, kind, compute)
        return response_type(status=status, operationHandle=handle, directResults=direct)

    @answers_errors(T.TGetTypeInfoResp)
    def GetTypeInfo(self, request):
        return self._metadata(T.TGetTypeInfoResp, request, T.TOperationType.GET_TYPE_INFO,
                              metadata.type_info)

    @answers_errors(T.TGetCatalogsResp)
    def GetCatalogs(self, request):
        return self._metadata(T.TGetCatalogsResp, request, T.TOperationType.GET_CATALOGS,
                              metadata.catalogs)

    @answers_errors(T.TGetSchemasResp)
    def GetSchemas(self, request):
        return self._metadata(T.TGetSchemasResp, request, T.TOperationType.GET_SCHEMAS,
                              lambda s: metadata.schemas(s, request.catalogName, request.schemaName))

    @answers_errors(T.TGetTablesResp)
    def GetTables(self, request):
        return self._metadata(T.TGetTablesResp, request, T.TOperationType.GET_TABLES,
                              lambda s: metadata.tables(s, request.catalogName, request.schemaName,
                                                        request.tableName, request.tableTypes))

    @answers_errors(T.TGetTableTypesResp)
    def GetTableTypes(self, request):
        return self._metadata(T.TGetTableTypesResp, request, T.TOperationType.GET_TABLE_TYPES,
                              metadata.table_types)

    @answers_errors(T.TGetColumnsResp)
    def GetColumns(self, request):
        return self._metadata(T.TGetColumnsResp, request, T.TOperationType.GET_COLUMNS,
                              lambda s: metadata.columns(s, request.catalogName, request.schemaName,
                                                         request.tableName, request.columnName))

    @answers_errors(T.TGetFunctionsResp)
    def GetFunctions(self, request):
        return self._metadata(T.TGetFunctionsResp, request, T.TOperationType.GET_FUNCTIONS,
                              lambda s: metadata.functions(s, request.catalogName,
                                                           request.schemaName, request.functionName))

    @answers_errors(T.TGetPrimaryKeysResp)
    def GetPrimaryKeys(self, request):
        return self._metadata(T.TGetPrimaryKeysResp, request, T.TOperationType.UNKNOWN,
                              metadata.primary_keys)

    @answers_errors(T.TGetCrossReferenceResp)
    def GetCrossReference(self, request):
        return self._metadata(T.TGetCrossReferenceResp, request, T.TOperationType.UNKNOWN,
                              metadata.cross_reference)

    # ------------------------------------------------------------ operations

    @answers_errors(T.TGetOperationStatusResp)
    def GetOperationStatus(self, request):
        operation = self.warehouse.operation(request.operationHandle)
        operation.wait(1.0)
        return operation.status()

    @answers_errors(T.TCancelOperationResp)
    def CancelOperation(self, request):
        operation = self.warehouse.operation(request.operationHandle)
        operation.cancel()
        return T.TCancelOperationResp(status=ok())

    @answers_errors(T.TCloseOperationResp)
    def CloseOperation(self, request):
        operation = self.warehouse.operation(request.operationHandle)
        self.warehouse.close_operation(operation)
        return T.TCloseOperationResp(status=ok())

    @answers_errors(T.TGetResultSetMetadataResp)
    def GetResultSetMetadata(self, request):
        operation = self.warehouse.operation(request.operationHandle)
        return operation.metadata()

    @answers_errors(T.TFetchResultsResp)
    def FetchResults(self, request):
        operation = self.warehouse.operation(request.operationHandle)
        if request.fetchType == 1:  # the operation's log: the stand-in keeps none
            return T.TFetchResultsResp(status=ok(), hasMoreRows=False,
                                       results=T.TRowSet(startRowOffset=0, rows=[], columns=[]))
        if operation.state != FINISHED:
            raise operation.not_finished()
        if request.orientation == T.TFetchOrientation.FETCH_FIRST:
            start = 0
        elif request.orientation in (None, T.TFetchOrientation.FETCH_NEXT):
            start = request.startRowOffset if request.startRowOffset is not None else operation.next_row
        else:
            name = T.TFetchOrientation._VALUES_TO_NAMES.get(request.orientation, request.orientation)
            raise errors.WarehouseError(f"The fetch type {name} is not supported for this resultset",
                                        "HY106", None, {}, "org.apache.hive.service.cli.HiveSQLException")
        if start < 0:
            raise errors.WarehouseError(f"startRowOffset {start} is negative", "HY107", None, {},
                                        "org.apache.hive.service.cli.HiveSQLException")
        row_set, has_more = operation.page(start, Limits(request.maxRows, request.maxBytes),
                                           expired=getattr(context, "expire_links", False))
        response = T.TFetchResultsResp(status=ok(), hasMoreRows=has_more, results=row_set)
        if request.includeResultSetMetadata:
            response.resultSetMetadata = operation.metadata()
        return response

    # ------------------------------------------------------------ not offered

    def _unsupported(self, response_type):
        return response_type(status=error_status(errors.WarehouseError(
            "Delegation tokens are not supported by a SQL warehouse.", "0A000")))

    def GetDelegationToken(self, request):
        return self._unsupported(T.TGetDelegationTokenResp)

    def CancelDelegationToken(self, request):
        return self._unsupported(T.TCancelDelegationTokenResp)

    def RenewDelegationToken(self, request):
        return self._unsupported(T.TRenewDelegationTokenResp)
