"""Writes the seed corpora of the fuzz targets into fuzz/corpus/<target>/.

Run with the stand-in's Python (it has pyarrow, lz4 and databricks-sql-connector,
whose Thrift types encode the replies; nothing of theirs is copied here):

    "$(python3 scripts/workspace env --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["python"])')" fuzz/make_corpus.py

The recorded Databricks replies in test/recorded/databricks/ seed the driver's target.
"""

import io
import json
import pathlib
import struct
import zlib
import datetime
import decimal

import lz4.frame
import pyarrow as pa
from thrift.protocol import TBinaryProtocol
from thrift.transport import TTransport
from databricks.sql.thrift_api.TCLIService import TCLIService as service
from databricks.sql.thrift_api.TCLIService import ttypes as t

ROOT = pathlib.Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
RECORDED = ROOT.parent / "test" / "recorded" / "databricks"
PART = b"\n--MORTAR-FUZZ-PART--\n"  # fuzz_input.h's kPartSeparator


def write(target, name, data):
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def every_type_table():
    return pa.table(
        {
            "id": pa.array([1, 2, None], pa.int64()),
            "small": pa.array([1, -2, 3], pa.int16()),
            "price": pa.array([1.5, None, -0.0], pa.float64()),
            "amount": pa.array(
                [decimal.Decimal("12345678901234567890.123456"), None, decimal.Decimal("-1")],
                pa.decimal128(38, 6),
            ),
            "name": pa.array(["a", "é,\"q\"\n", None]),
            "day": pa.array([datetime.date(2024, 2, 29), None, datetime.date(1, 1, 1)]),
            "at": pa.array([datetime.datetime(2024, 1, 1, 12), None, None], pa.timestamp("us", "UTC")),
            "local": pa.array([datetime.datetime(2024, 1, 1, 12), None, None], pa.timestamp("us")),
            "ok": pa.array([True, None, False]),
            "raw": pa.array([b"\x00\x01", None, b""]),
            "tags": pa.array([["x", "y"], None, []], pa.list_(pa.string())),
            "attrs": pa.array([[("k", 1)], None, []], pa.map_(pa.string(), pa.int32())),
            "point": pa.array([{"x": 1, "y": "a"}, None, {"x": None, "y": None}]),
        }
    )


def ipc_stream(table, max_chunksize=None):
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max_chunksize)
    return sink.getvalue()


def ipc_schema_and_batches(table):
    schema = table.schema.serialize().to_pybytes()
    batches = [batch.serialize().to_pybytes() for batch in table.to_batches(max_chunksize=2)]
    return schema, batches


def misaligned(stream):
    """The stream with a byte of padding after each record batch's metadata, so that
    every batch body starts at an odd offset (src/testing/misaligned_arrow.h)."""
    out, pos = b"", 0
    while pos + 8 <= len(stream):
        marker, length = struct.unpack_from("<Ii", stream, pos)
        if length == 0:
            break
        message = pa.ipc.read_message(pa.py_buffer(stream[pos:]))
        body = message.body.size if message.body is not None else 0
        batch = message.type == "record batch"
        out += struct.pack("<Ii", marker, length + batch) + stream[pos + 8 : pos + 8 + length]
        out += b"\0" * batch + stream[pos + 8 + length : pos + 8 + length + body]
        pos += 8 + length + body
    return out + stream[pos:]


def thrift_body(result):
    """The result struct alone: the fuzz harness adds the message header."""
    buffer = TTransport.TMemoryBuffer()
    result.write(TBinaryProtocol.TBinaryProtocol(buffer))
    return buffer.getvalue()


def without_header(reply):
    """A recorded reply message without its header (strict binary protocol)."""
    (name_length,) = struct.unpack(">i", reply[4:8])
    return reply[8 + name_length + 4 :]


def splitter():
    write("statement_splitter_fuzzer", "simple.sql", "SELECT 1; SELECT 'a;b' AS x;\n")
    write(
        "statement_splitter_fuzzer",
        "comments.sql",
        "-- a; comment\nSELECT /* ; */ `col;umn` FROM t;\nINSERT INTO t VALUES ('it''s', \"q;\");",
    )
    write("statement_splitter_fuzzer", "backslash.sql", "SELECT 'a\\';b'; SELECT \"\\\\\";")


def formulas():
    for i, text in enumerate(
        [
            "qty * price > 10 AND name IS NOT NULL",
            "if(ok, round(amount, 2), -1)",
            "concat(upper(name), '-', `a``b\"c;\nd`) IN ('A-x', 'B-y')",
            "datediff(day, '2024-01-01') BETWEEN 1 AND 30 OR NOT ok",
            "coalesce(qty, 0) % 3 = 1 and length(tags) >= 2",
        ]
    ):
        write("formula_fuzzer", f"formula_{i}.txt", text)


def connection_strings():
    cfg = "[DEFAULT]\nhost = https://adb-1.azuredatabricks.net\ntoken = dapi0000\n\n[oauth]\nhost = https://x.cloud.databricks.com\nclient_id = id\nclient_secret = s\n"
    write(
        "connection_string_fuzzer",
        "jdbc_and_profile",
        "jdbc:databricks://adb-1.azuredatabricks.net:443/default;transportMode=http;ssl=1;"
        "httpPath=/sql/1.0/warehouses/abc;AuthMech=11;Auth_Flow=2;ConnCatalog=main;ConnSchema=sales"
        + PART.decode()
        + cfg
        + PART.decode()
        + "oauth",
    )
    write("connection_string_fuzzer", "jdbc_token_refused", "jdbc:spark://h:443/db;httpPath=/p;AuthMech=3;UID=token;PWD=dapi1")


def configs():
    import json

    documents = {
        "databricks_pat.json": {
            "type": "databricks",
            "description": "warehouse",
            "params": {
                "host": "adb-1.azuredatabricks.net",
                "http_path": "/sql/1.0/warehouses/abc",
                "catalog": "main",
                "schema": "default",
                "auth": {"type": "pat", "token_env": "DATABRICKS_TOKEN"},
                "fast_write": {"enabled": True, "volume": "main.default.staging"},
            },
        },
        "databricks_oauth_user.json": {
            "type": "databricks",
            "params": {
                "host": "x.cloud.databricks.com",
                "http_path": "/sql/1.0/warehouses/abc",
                "auth": {"type": "oauth_user", "client_id": "mortar"},
            },
            "permissions": {"usable_by": ["analysts"], "free_sql": ["admins"]},
        },
        "s3.json": {"type": "s3", "params": {"bucket": "b", "region": "eu-west-1", "endpoint": "http://127.0.0.1:9000"}},
        "azure.json": {"type": "azure_blob", "params": {"account": "a", "container": "c", "sas_token_env": "SAS"}},
        "dataset.json": {
            "type": "sql_table",
            "connection": "warehouse",
            "params": {"catalog": "main", "schema": "s", "table": "t"},
            "schema": {"columns": [{"name": "id", "type": "bigint"}, {"name": "amount", "type": "decimal(38,6)"}]},
        },
        "recipe.json": {
            "type": "group",
            "inputs": ["orders"],
            "outputs": ["by_day"],
            "params": {"keys": ["day"], "aggregates": [{"column": "amount", "function": "sum"}]},
        },
    }
    for name, document in documents.items():
        write("config_json_fuzzer", name, json.dumps(document, indent=1))


def csv_files():
    write("csv_reader_fuzzer", "header_comma.csv", b"\x00id,name,amount,day\n1,\"a,b\",1.50,2024-01-01\n2,,-3,\n")
    write("csv_reader_fuzzer", "no_header_semicolon.csv", bytes([1 | 4]) + b"1;x;true\n2;\"multi\nline\";false\n")
    write("csv_reader_fuzzer", "tabs_single_quote.csv", bytes([8 | 16]) + b"a\tb\n'x\ty'\t2\n")


def arrow_inputs():
    table = every_type_table()
    write("arrow_input_fuzzer", "every_type_whole", bytes([255]) + ipc_stream(table))
    write("arrow_input_fuzzer", "every_type_in_pieces", bytes([0]) + ipc_stream(table, max_chunksize=1))
    write("arrow_input_fuzzer", "regression_misaligned_bodies", bytes([255]) + misaligned(ipc_stream(table)))


def arrow_results():
    table = every_type_table()
    stream = ipc_stream(table, max_chunksize=2)
    write("arrow_result_fuzzer", "cloudfetch_plain", bytes([0]) + stream)
    write("arrow_result_fuzzer", "cloudfetch_lz4", bytes([1]) + lz4.frame.compress(stream))
    write("arrow_result_fuzzer", "regression_misaligned_bodies", bytes([0]) + misaligned(stream))
    # The last file of a result is often several frames back to back.
    half = len(stream) // 2
    write(
        "arrow_result_fuzzer",
        "cloudfetch_lz4_two_frames",
        bytes([1]) + lz4.frame.compress(stream[:half]) + lz4.frame.compress(stream[half:]),
    )
    schema, batches = ipc_schema_and_batches(table)
    write("arrow_result_fuzzer", "inline_plain", bytes([2]) + PART.join([schema] + batches))
    write(
        "arrow_result_fuzzer",
        "inline_lz4",
        bytes([3]) + PART.join([schema] + [lz4.frame.compress(b) for b in batches]),
    )
    write("arrow_result_fuzzer", "lz4_frames", bytes([4]) + lz4.frame.compress(b"x" * 1000))


# The driver's choice byte (databricks_replies_fuzzer.cc): protocol version index in the
# low three bits (5: SPARK_CLI_SERVICE_PROTOCOL_V8), the call in the next three.
QUERY = 5 | (4 << 3)
EXECUTE = 5 | (0 << 3)
TABLES = 5 | (2 << 3)
HIVE_QUERY = 0 | (4 << 3)


def handle():
    return t.TOperationHandle(
        operationId=t.THandleIdentifier(guid=b"o" * 16, secret=b"s" * 16),
        operationType=t.TOperationType.EXECUTE_STATEMENT,
        hasResultSet=True,
    )


def ok():
    return t.TStatus(statusCode=t.TStatusCode.SUCCESS_STATUS)


def session_input(name, choice, replies, files=()):
    """A seed of the driver's target: its choice byte, the replies in order, then the
    CloudFetch files."""
    parts = [thrift_body(reply) for reply in replies] + list(files)
    write("databricks_replies_fuzzer", name, bytes([choice]) + PART.join(parts))


def last_page(rows):
    return service.FetchResults_result(success=t.TFetchResultsResp(status=ok(), hasMoreRows=False, results=rows))


def metadata(result_format, lz4_compressed=False, arrow_schema=None):
    columns = [
        t.TColumnDesc(
            columnName="id",
            position=1,
            typeDesc=t.TTypeDesc(types=[t.TTypeEntry(primitiveEntry=t.TPrimitiveTypeEntry(type=t.TTypeId.BIGINT_TYPE))]),
        ),
        t.TColumnDesc(
            columnName="amount",
            position=2,
            typeDesc=t.TTypeDesc(
                types=[
                    t.TTypeEntry(
                        primitiveEntry=t.TPrimitiveTypeEntry(
                            type=t.TTypeId.DECIMAL_TYPE,
                            typeQualifiers=t.TTypeQualifiers(
                                qualifiers={
                                    "precision": t.TTypeQualifierValue(i32Value=38),
                                    "scale": t.TTypeQualifierValue(i32Value=6),
                                }
                            ),
                        )
                    )
                ]
            ),
        ),
    ]
    return t.TGetResultSetMetadataResp(
        status=ok(),
        schema=t.TTableSchema(columns=columns),
        resultFormat=result_format,
        lz4Compressed=lz4_compressed,
        arrowSchema=arrow_schema,
    )


def replies():
    for recorded in sorted(RECORDED.glob("*.response.bin")):
        body = without_header(recorded.read_bytes())
        choice = TABLES if "gettables" in recorded.name else QUERY
        parts = [body]
        if "url_based" in recorded.name:
            # The two CloudFetch files its links name (their sizes will not match: the
            # driver must say so, not crash).
            table = pa.table({"x": pa.array(range(10), pa.int64())})
            parts += [lz4.frame.compress(ipc_stream(table))] * 2
        write("databricks_replies_fuzzer", recorded.name.replace(".response.bin", ""), bytes([choice]) + PART.join(parts))

    # Asynchronous: ExecuteStatement, two polls, metadata, a column page, the last page.
    execute = service.ExecuteStatement_result(success=t.TExecuteStatementResp(status=ok(), operationHandle=handle()))
    running = service.GetOperationStatus_result(
        success=t.TGetOperationStatusResp(status=ok(), operationState=t.TOperationState.RUNNING_STATE)
    )
    finished = service.GetOperationStatus_result(
        success=t.TGetOperationStatusResp(status=ok(), operationState=t.TOperationState.FINISHED_STATE)
    )
    columns = service.GetResultSetMetadata_result(success=metadata(t.TSparkRowSetType.COLUMN_BASED_SET))
    page = service.FetchResults_result(
        success=t.TFetchResultsResp(
            status=ok(),
            hasMoreRows=True,
            results=t.TRowSet(
                startRowOffset=0,
                rows=[],
                columns=[
                    t.TColumn(i64Val=t.TI64Column(values=[1, 2], nulls=b"\x00")),
                    t.TColumn(stringVal=t.TStringColumn(values=["1.500000", ""], nulls=b"\x02")),
                ],
            ),
        )
    )
    last = last_page(t.TRowSet(startRowOffset=2, rows=[]))
    sequence = [execute, running, finished, columns, page, last]
    session_input("async_column_pages", QUERY, sequence)
    session_input("hive_column_pages", HIVE_QUERY, sequence)
    session_input("execute_then_poll", EXECUTE, [execute, running, finished])

    # Arrow pages with LZ4, fetched after the metadata.
    table = pa.table({"id": pa.array([1, 2, 3], pa.int64()), "amount": pa.array([None] * 3, pa.decimal128(38, 6))})
    schema, batches = ipc_schema_and_batches(table)
    arrow_metadata = service.GetResultSetMetadata_result(
        success=metadata(t.TSparkRowSetType.ARROW_BASED_SET, True, schema)
    )
    arrow_page = last_page(
        t.TRowSet(
            startRowOffset=0,
            rows=[],
            arrowBatches=[t.TSparkArrowBatch(batch=lz4.frame.compress(b), rowCount=2) for b in batches],
        )
    )
    session_input("async_arrow_lz4_pages", QUERY, [execute, finished, arrow_metadata, arrow_page])

    # CloudFetch: links in a page, then the files.
    stream = ipc_stream(table)
    link = t.TSparkArrowResultLink(
        fileLink="https://storage.example.invalid/results/file-0",
        expiryTime=4102444800000,
        startRowOffset=0,
        rowCount=3,
        bytesNum=len(stream),
    )
    url_metadata = service.GetResultSetMetadata_result(
        success=metadata(t.TSparkRowSetType.URL_BASED_SET, True, schema)
    )
    url_page = last_page(t.TRowSet(startRowOffset=0, rows=[], resultLinks=[link]))
    session_input("async_cloudfetch_lz4", QUERY, [execute, finished, url_metadata, url_page],
                  [lz4.frame.compress(stream)])


def delta_tables():
    """A commit as Delta writes one, deletion vectors as the protocol stores them."""
    target = "delta_table_fuzzer"
    schema = '{"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}}]}'
    vector = ('"deletionVector":{"storageType":"u","pathOrInlineDv":"ab009c61o!#m2NH?C3>iWS",'
              '"offset":1,"sizeInBytes":34,"cardinality":3}')
    commit = "\n".join([
        '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"]}}',
        '{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":'
        + json.dumps(schema) + ',"partitionColumns":[],"configuration":{}}}',
        '{"add":{"path":"a.parquet","size":10,"partitionValues":{},"dataChange":true}}',
        '{"add":{"path":"a.parquet","size":10,"partitionValues":{},"dataChange":true,' + vector + '}}',
        '{"remove":{"path":"a.parquet","dataChange":true}}',
    ])
    write(target, "commit.json", "\0" + commit + "\n")
    mapped = json.dumps({"type": "struct", "fields": [{
        "name": "p", "nullable": True,
        "type": {"type": "array", "containsNull": True, "elementType": {
            "type": "struct", "fields": [{"name": "x", "type": "integer", "nullable": True,
                                          "metadata": {"delta.columnMapping.id": 2,
                                                       "delta.columnMapping.physicalName": "col-2"}}]}},
        "metadata": {"delta.columnMapping.id": 1, "delta.columnMapping.physicalName": "col-1"}}]})
    write(target, "mapped.json", "\0" + "\n".join([
        '{"protocol":{"minReaderVersion":2,"minWriterVersion":5}}',
        '{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":'
        + json.dumps(mapped) + ',"partitionColumns":[],'
        '"configuration":{"delta.columnMapping.mode":"name"}}}']) + "\n")
    write(target, "v2_checkpoint.json", "\4" + "\n".join([
        '{"checkpointMetadata":{"version":0}}',
        '{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"]}}',
        '{"metaData":{"id":"t","format":{"provider":"parquet","options":{}},"schemaString":'
        + json.dumps(schema) + ',"partitionColumns":[],"configuration":{}}}',
        '{"sidecar":{"path":"016ae953.parquet","sizeInBytes":9,"modificationTime":1}}']) + "\n")
    # Rows 3, 9 and 65543: one 32-bit bitmap of two array containers (Roaring's portable
    # form) after the magic number and the count of bitmaps.
    bitmap = struct.pack("<IQI", 1681511377, 1, 0) + struct.pack("<II", 12346, 2) + \
        struct.pack("<HHHH", 0, 1, 1, 0) + struct.pack("<II", 0, 0) + struct.pack("<HHH", 3, 9, 7)
    write(target, "bitmap.bin", b"\1\3" + bitmap)
    stored = struct.pack(">I", len(bitmap)) + bitmap + struct.pack(">I", zlib.crc32(bitmap))
    write(target, "vector_file.bin", b"\2" + stored)
    write(target, "z85.txt", "\3ab009c61o!#m2NH?C3>iWS")


if __name__ == "__main__":
    delta_tables()
    splitter()
    formulas()
    connection_strings()
    configs()
    csv_files()
    arrow_inputs()
    arrow_results()
    replies()
    print("wrote", sum(1 for _ in CORPUS.rglob("*") if _.is_file()), "seed files under", CORPUS)
