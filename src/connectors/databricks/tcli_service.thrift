// The subset of HiveServer2's TCLIService that Mortar's Databricks driver uses,
// written from the protocol's published field ids and constants (see FACTS in the
// project docs). Databricks' extensions use field ids from 1281 (0x501).
//
// Every response field is optional so that a server leaving one out does not make
// decoding fail; request fields Mortar always sends are required.

namespace cpp mortar.databricks.wire

// Protocol versions: HIVE_CLI_SERVICE_PROTOCOL_V1..V11 are 0..10;
// SPARK_CLI_SERVICE_PROTOCOL_V1..V9 are 0xA501..0xA509. Kept as i32.
typedef i32 TProtocolVersion

// Column types (TTypeId): BOOLEAN 0, TINYINT 1, SMALLINT 2, INT 3, BIGINT 4, FLOAT 5,
// DOUBLE 6, STRING 7, TIMESTAMP 8, BINARY 9, ARRAY 10, MAP 11, STRUCT 12, UNION 13,
// USER_DEFINED 14, DECIMAL 15, NULL 16, DATE 17, VARCHAR 18, CHAR 19,
// INTERVAL_YEAR_MONTH 20, INTERVAL_DAY_TIME 21.
typedef i32 TTypeId

union TTypeQualifierValue {
  1: i32 i32Value
  2: string stringValue
}

struct TTypeQualifiers {
  1: optional map<string, TTypeQualifierValue> qualifiers
}

struct TPrimitiveTypeEntry {
  1: optional TTypeId type
  2: optional TTypeQualifiers typeQualifiers
}

struct TArrayTypeEntry {
  1: optional i32 objectTypePtr
}

struct TMapTypeEntry {
  1: optional i32 keyTypePtr
  2: optional i32 valueTypePtr
}

struct TStructTypeEntry {
  1: optional map<string, i32> nameToTypePtr
}

struct TUnionTypeEntry {
  1: optional map<string, i32> nameToTypePtr
}

struct TUserDefinedTypeEntry {
  1: optional string typeClassName
}

union TTypeEntry {
  1: TPrimitiveTypeEntry primitiveEntry
  2: TArrayTypeEntry arrayEntry
  3: TMapTypeEntry mapEntry
  4: TStructTypeEntry structEntry
  5: TUnionTypeEntry unionEntry
  6: TUserDefinedTypeEntry userDefinedTypeEntry
}

struct TTypeDesc {
  1: optional list<TTypeEntry> types
}

struct TColumnDesc {
  1: optional string columnName
  2: optional TTypeDesc typeDesc
  3: optional i32 position
  4: optional string comment
}

struct TTableSchema {
  1: optional list<TColumnDesc> columns
}

// Row-based results (old servers); decoded only to be skipped.
struct TBoolValue { 1: optional bool value }
struct TByteValue { 1: optional i8 value }
struct TI16Value { 1: optional i16 value }
struct TI32Value { 1: optional i32 value }
struct TI64Value { 1: optional i64 value }
struct TDoubleValue { 1: optional double value }
struct TStringValue { 1: optional string value }

union TColumnValue {
  1: TBoolValue boolVal
  2: TByteValue byteVal
  3: TI16Value i16Val
  4: TI32Value i32Val
  5: TI64Value i64Val
  6: TDoubleValue doubleVal
  7: TStringValue stringVal
}

struct TRow {
  1: optional list<TColumnValue> colVals
}

// Column-based results: values plus a null bitmap (bit i of byte i/8 set = null).
struct TBoolColumn { 1: optional list<bool> values, 2: optional binary nulls }
struct TByteColumn { 1: optional list<i8> values, 2: optional binary nulls }
struct TI16Column { 1: optional list<i16> values, 2: optional binary nulls }
struct TI32Column { 1: optional list<i32> values, 2: optional binary nulls }
struct TI64Column { 1: optional list<i64> values, 2: optional binary nulls }
struct TDoubleColumn { 1: optional list<double> values, 2: optional binary nulls }
struct TStringColumn { 1: optional list<string> values, 2: optional binary nulls }
struct TBinaryColumn { 1: optional list<binary> values, 2: optional binary nulls }

union TColumn {
  1: TBoolColumn boolVal
  2: TByteColumn byteVal
  3: TI16Column i16Val
  4: TI32Column i32Val
  5: TI64Column i64Val
  6: TDoubleColumn doubleVal
  7: TStringColumn stringVal
  8: TBinaryColumn binaryVal
}

// Databricks: an inline Arrow IPC record batch.
struct TSparkArrowBatch {
  1: optional binary batch
  2: optional i64 rowCount
}

// Databricks CloudFetch: a presigned link to a file holding a whole Arrow IPC stream.
struct TSparkArrowResultLink {
  1: optional string fileLink
  2: optional i64 expiryTime
  3: optional i64 startRowOffset
  4: optional i64 rowCount
  5: optional i64 bytesNum
  6: optional map<string, string> httpHeaders
}

struct TRowSet {
  1: optional i64 startRowOffset
  2: optional list<TRow> rows
  3: optional list<TColumn> columns
  4: optional binary binaryColumns
  5: optional i32 columnCount
  1281: optional list<TSparkArrowBatch> arrowBatches
  1282: optional list<TSparkArrowResultLink> resultLinks
}

// TStatusCode: SUCCESS 0, SUCCESS_WITH_INFO 1, STILL_EXECUTING 2, ERROR 3, INVALID_HANDLE 4.
struct TStatus {
  1: optional i32 statusCode
  2: optional list<string> infoMessages
  3: optional string sqlState
  4: optional i32 errorCode
  5: optional string errorMessage
  6: optional string displayMessage
}

struct THandleIdentifier {
  1: required binary guid
  2: required binary secret
}

struct TSessionHandle {
  1: required THandleIdentifier sessionId
}

// TOperationType: EXECUTE_STATEMENT 0, GET_TYPE_INFO 1, GET_CATALOGS 2, GET_SCHEMAS 3,
// GET_TABLES 4, GET_TABLE_TYPES 5, GET_COLUMNS 6, GET_FUNCTIONS 7, UNKNOWN 8.
struct TOperationHandle {
  1: required THandleIdentifier operationId
  2: required i32 operationType
  3: required bool hasResultSet
  4: optional double modifiedRowCount
}

struct TNamespace {
  1: optional string catalogName
  2: optional string schemaName
}

struct TOpenSessionReq {
  1: required TProtocolVersion client_protocol
  2: optional string username
  3: optional string password
  4: optional map<string, string> configuration
  1282: optional i64 client_protocol_i64
  1284: optional TNamespace initialNamespace
  1285: optional bool canUseMultipleCatalogs
}

struct TOpenSessionResp {
  1: optional TStatus status
  2: optional TProtocolVersion serverProtocolVersion
  3: optional TSessionHandle sessionHandle
  4: optional map<string, string> configuration
  1284: optional TNamespace initialNamespace
  1285: optional bool canUseMultipleCatalogs
}

struct TCloseSessionReq {
  1: required TSessionHandle sessionHandle
}

struct TCloseSessionResp {
  1: optional TStatus status
}

struct TSparkGetDirectResults {
  1: required i64 maxRows
  2: optional i64 maxBytes
}

struct TSparkArrowTypes {
  1: optional bool timestampAsArrow
  2: optional bool decimalAsArrow
  3: optional bool complexTypesAsArrow
  4: optional bool intervalTypesAsArrow
  5: optional bool nullTypeAsArrow
}

// TOperationState: INITIALIZED 0, RUNNING 1, FINISHED 2, CANCELED 3, CLOSED 4, ERROR 5,
// UKNOWN 6, PENDING 7, TIMEDOUT 8.
struct TGetOperationStatusReq {
  1: required TOperationHandle operationHandle
  2: optional bool getProgressUpdate
}

struct TGetOperationStatusResp {
  1: optional TStatus status
  2: optional i32 operationState
  3: optional string sqlState
  4: optional i32 errorCode
  5: optional string errorMessage
  6: optional string taskStatus
  7: optional i64 operationStarted
  8: optional i64 operationCompleted
  9: optional bool hasResultSet
  11: optional i64 numModifiedRows
  1281: optional string displayMessage
  1282: optional string diagnosticInfo
  1283: optional string errorDetailsJson
}

struct TGetResultSetMetadataReq {
  1: required TOperationHandle operationHandle
}

// resultFormat: ARROW_BASED_SET 0, COLUMN_BASED_SET 1, ROW_BASED_SET 2, URL_BASED_SET 3.
struct TGetResultSetMetadataResp {
  1: optional TStatus status
  2: optional TTableSchema schema
  1281: optional i32 resultFormat
  1282: optional bool lz4Compressed
  1283: optional binary arrowSchema
  // Totals over the whole result (all pages or files), before and after compression.
  1285: optional i64 uncompressedBytes
  1286: optional i64 compressedBytes
  1287: optional bool isStagingOperation
}

struct TFetchResultsReq {
  1: required TOperationHandle operationHandle
  2: required i32 orientation
  3: required i64 maxRows
  4: optional i16 fetchType
  1281: optional i64 maxBytes
  1282: optional i64 startRowOffset
  1283: optional bool includeResultSetMetadata
}

struct TFetchResultsResp {
  1: optional TStatus status
  2: optional bool hasMoreRows
  3: optional TRowSet results
  1281: optional TGetResultSetMetadataResp resultSetMetadata
}

struct TCloseOperationReq {
  1: required TOperationHandle operationHandle
}

struct TCloseOperationResp {
  1: optional TStatus status
}

struct TCancelOperationReq {
  1: required TOperationHandle operationHandle
}

struct TCancelOperationResp {
  1: optional TStatus status
}

struct TSparkDirectResults {
  1: optional TGetOperationStatusResp operationStatus
  2: optional TGetResultSetMetadataResp resultSetMetadata
  3: optional TFetchResultsResp resultSet
  4: optional TCloseOperationResp closeOperation
}

struct TExecuteStatementReq {
  1: required TSessionHandle sessionHandle
  2: required string statement
  3: optional map<string, string> confOverlay
  4: optional bool runAsync
  5: optional i64 queryTimeout
  1281: optional TSparkGetDirectResults getDirectResults
  1282: optional bool canReadArrowResult
  1283: optional bool canDownloadResult
  1284: optional bool canDecompressLZ4Result
  1285: optional i64 maxBytesPerFile
  1286: optional TSparkArrowTypes useArrowNativeTypes
  1287: optional i64 resultRowLimit
}

struct TExecuteStatementResp {
  1: optional TStatus status
  2: optional TOperationHandle operationHandle
  1281: optional TSparkDirectResults directResults
}

struct TGetCatalogsReq {
  1: required TSessionHandle sessionHandle
  1281: optional TSparkGetDirectResults getDirectResults
}

struct TGetCatalogsResp {
  1: optional TStatus status
  2: optional TOperationHandle operationHandle
  1281: optional TSparkDirectResults directResults
}

struct TGetSchemasReq {
  1: required TSessionHandle sessionHandle
  2: optional string catalogName
  3: optional string schemaName
  1281: optional TSparkGetDirectResults getDirectResults
}

struct TGetSchemasResp {
  1: optional TStatus status
  2: optional TOperationHandle operationHandle
  1281: optional TSparkDirectResults directResults
}

struct TGetTablesReq {
  1: required TSessionHandle sessionHandle
  2: optional string catalogName
  3: optional string schemaName
  4: optional string tableName
  5: optional list<string> tableTypes
  1281: optional TSparkGetDirectResults getDirectResults
}

struct TGetTablesResp {
  1: optional TStatus status
  2: optional TOperationHandle operationHandle
  1281: optional TSparkDirectResults directResults
}

struct TGetColumnsReq {
  1: required TSessionHandle sessionHandle
  2: optional string catalogName
  3: optional string schemaName
  4: optional string tableName
  5: optional string columnName
  1281: optional TSparkGetDirectResults getDirectResults
}

struct TGetColumnsResp {
  1: optional TStatus status
  2: optional TOperationHandle operationHandle
  1281: optional TSparkDirectResults directResults
}

service TCLIService {
  TOpenSessionResp OpenSession(1: TOpenSessionReq req)
  TCloseSessionResp CloseSession(1: TCloseSessionReq req)
  TExecuteStatementResp ExecuteStatement(1: TExecuteStatementReq req)
  TGetCatalogsResp GetCatalogs(1: TGetCatalogsReq req)
  TGetSchemasResp GetSchemas(1: TGetSchemasReq req)
  TGetTablesResp GetTables(1: TGetTablesReq req)
  TGetColumnsResp GetColumns(1: TGetColumnsReq req)
  TGetOperationStatusResp GetOperationStatus(1: TGetOperationStatusReq req)
  TCancelOperationResp CancelOperation(1: TCancelOperationReq req)
  TCloseOperationResp CloseOperation(1: TCloseOperationReq req)
  TGetResultSetMetadataResp GetResultSetMetadata(1: TGetResultSetMetadataReq req)
  TFetchResultsResp FetchResults(1: TFetchResultsReq req)
}
