"""Errors as a Databricks SQL warehouse reports them.

Every failure of a statement becomes a WarehouseError carrying Spark's error class,
SQLSTATE and message parameters; thrift_service turns it into the TStatus or the
TGetOperationStatusResp fields Databricks fills in. The recorded form (databricks-jdbc's
test resources): errorMessage "Error running query: [CLASS] <exception>: \\n<message>",
displayMessage the message alone, sqlState, errorCode 0. errorDetailsJson holds Spark's
STANDARD error JSON (no recording of it has been published).
"""

import json

# A statement the warehouse cannot run for a reason of its own (not Spark's).
INTERNAL = "INTERNAL_ERROR"


class WarehouseError(Exception):
    def __init__(self, message, sql_state="XX000", error_class=None, parameters=None,
                 exception_class="org.apache.spark.sql.AnalysisException"):
        super().__init__(message)
        self.message = message
        self.sql_state = sql_state or "XX000"
        self.error_class = error_class
        self.parameters = parameters or {}
        self.exception_class = exception_class

    def display_message(self):
        if self.error_class and not self.message.startswith("["):
            return f"[{self.error_class}] {self.message} SQLSTATE: {self.sql_state}"
        return self.message

    def error_message(self):
        prefix = f"[{self.error_class}] " if self.error_class else ""
        return f"Error running query: {prefix}{self.exception_class}: \n{self.display_message()}"

    def details_json(self):
        details = {"errorClass": self.error_class or INTERNAL, "sqlState": self.sql_state,
                   "messageParameters": self.parameters}
        return json.dumps(details, sort_keys=True)


def user_error(error_class, message, sql_state, **parameters):
    """An error the client caused, in Spark's style: [CLASS] text SQLSTATE: xxxxx."""
    return WarehouseError(f"[{error_class}] {message} SQLSTATE: {sql_state}", sql_state,
                          error_class, {k: str(v) for k, v in parameters.items()})


def from_spark(exception):
    """A pyspark Connect exception, without the JVM stack trace Spark Connect appends."""
    text = str(exception)
    for marker in ("\n\nJVM stacktrace:", "\nJVM stacktrace:"):
        if marker in text:
            text = text.split(marker, 1)[0]
    text = text.rstrip()
    condition = None
    for getter in ("getCondition", "getErrorClass"):
        if hasattr(exception, getter):
            try:
                condition = getattr(exception, getter)()
            except Exception:  # older error classes without a condition
                condition = None
            if condition:
                break
    sql_state = None
    if hasattr(exception, "getSqlState"):
        try:
            sql_state = exception.getSqlState()
        except Exception:
            sql_state = None
    parameters = {}
    if hasattr(exception, "getMessageParameters"):
        try:
            parameters = exception.getMessageParameters() or {}
        except Exception:
            parameters = {}
    java_class = "org.apache.spark.sql.AnalysisException"
    name = type(exception).__name__
    if name == "ParseException":
        java_class = "org.apache.spark.sql.catalyst.parser.ParseException"
    elif name not in ("AnalysisException",):
        java_class = "org.apache.spark.SparkException"
    return WarehouseError(text, sql_state or "XX000", condition, parameters, java_class)


def cancelled():
    return WarehouseError("[OPERATION_CANCELED] Operation has been canceled. SQLSTATE: HY008",
                          "HY008", "OPERATION_CANCELED", exception_class="org.apache.spark.SparkSQLException")


def timed_out(seconds):
    return WarehouseError(
        f"[QUERY_EXECUTION_TIMEOUT_EXCEEDED] Query execution was cancelled because it exceeded "
        f"the timeout ({seconds} s). SQLSTATE: 57KD0", "57KD0", "QUERY_EXECUTION_TIMEOUT_EXCEEDED",
        {"timeoutSec": str(seconds)})


def invalid_operation(guid_text):
    """As recorded for a CloseOperation on an operation already closed by direct results."""
    return WarehouseError(f"Invalid OperationHandle: OperationHandle [opType=UNKNOWN_OPERATION, "
                          f"getHandleIdentifier()={guid_text}]", "08000", None, {},
                          "org.apache.hive.service.cli.HiveSQLException")


def invalid_session(guid_text):
    return WarehouseError(f"Invalid SessionHandle: SessionHandle [{guid_text}]", "08000", None, {},
                          "org.apache.hive.service.cli.HiveSQLException")
