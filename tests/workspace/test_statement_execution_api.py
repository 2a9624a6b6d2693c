"""The Statement Execution API of the Databricks-faithful warehouse, judged by Databricks'
own SDK (`databricks-sdk`, unmodified: its `statement_execution` client), compared value
by value with what Spark itself returns."""
import base64
import csv
import io
import json
import os
import threading
import time
import urllib.error
import urllib.request
import uuid

import lz4.frame
import pyarrow as pa
import pytest
from databricks.sdk import WorkspaceClient
from databricks.sdk.errors import DatabricksError, NotFound
from databricks.sdk.service.sql import (Disposition, ExecuteStatementRequestOnWaitTimeout, Format,
                                        StatementParameterListItem, StatementState)

from warehouse_admin import warehouse_admin
from warehouse_client import (normalise, operation_tag, running_jobs_tagged, spark_rows,
                              types_table_session)

TYPES_TABLE = f"sea_types_{uuid.uuid4().hex[:8]}"
SLOW = "SELECT count(*) FROM range(300000) a CROSS JOIN range(300000) b WHERE a.id + b.id = -1"


@pytest.fixture(scope="module")
def reference(ws):
    with types_table_session(ws, TYPES_TABLE) as session:
        yield session


@pytest.fixture(scope="module")
def client(ws):
    return workspace_client(ws, token=ws["pat"])


def workspace_client(ws, **credentials):
    os.environ["REQUESTS_CA_BUNDLE"] = ws["ca_file"]  # the stand-in's own CA
    if "token" in credentials:
        credentials["auth_type"] = "pat"
    return WorkspaceClient(host=ws["url"], **credentials)


def run(client, ws, statement, warehouse=None, **options):
    options.setdefault("wait_timeout", "50s")
    return client.statement_execution.execute_statement(
        statement=statement, warehouse_id=warehouse or ws["databricks_warehouse_id"], **options)


def download(link, tls):
    """An external link fetched as Databricks says to: with its headers and no credentials."""
    request = urllib.request.Request(link.external_link, headers=link.http_headers or {})
    with urllib.request.urlopen(request, timeout=60, context=tls) as response:
        return response.read()


def every_link(client, response):
    """Every external link of a result, chunk by chunk through the chunk API."""
    links = list(response.result.external_links or [])
    while links and links[-1].next_chunk_index is not None:
        chunk = client.statement_execution.get_statement_result_chunk_n(
            response.statement_id, links[-1].next_chunk_index)
        links.extend(chunk.external_links)
    return links


def lz4_frames(data):
    """LZ4 frames back to back (a result's last file is one frame per batch), decompressed."""
    out = b""
    while data:
        frame = lz4.frame.LZ4FrameDecompressor()
        out += frame.decompress(data)
        data = frame.unused_data
    return out


def arrow_of(client, response, tls):
    tables = [pa.ipc.open_stream(download(link, tls)).read_all()
              for link in every_link(client, response)]
    return pa.concat_tables(tables) if tables else None


# ---------------------------------------------------------------- values


def test_every_type_inline_as_json_array_strings(ws, client, reference):
    query = f"SELECT * FROM {TYPES_TABLE} ORDER BY id"
    response = run(client, ws, query)
    assert response.status.state == StatementState.SUCCEEDED
    manifest = response.manifest
    assert manifest.format == Format.JSON_ARRAY and manifest.total_row_count == 3
    columns = {c.name: c for c in manifest.schema.columns}
    assert [c.position for c in manifest.schema.columns] == list(range(13))
    assert (columns["d38"].type_name.value, columns["d38"].type_text,
            columns["d38"].type_precision, columns["d38"].type_scale) == (
        "DECIMAL", "DECIMAL(38,12)", 38, 12)
    assert columns["arr"].type_text == "ARRAY<INT>" and columns["kv"].type_name.value == "MAP"
    assert columns["id"].type_name.value == "INT" and columns["ts"].type_name.value == "TIMESTAMP"
    rows = response.result.data_array
    # Every value is Spark's own text for it (CAST AS STRING), nulls are null.
    texts = spark_rows(reference, f"SELECT {', '.join(f'CAST({c} AS STRING) {c}' for c in ('id', 'd38', 'd0', 'ts', 'ntz', 'day', 's', 'b'))} FROM {TYPES_TABLE} ORDER BY id")
    names = [c.name for c in manifest.schema.columns]
    for row, text in zip(rows, texts):
        value = dict(zip(names, row))
        for column, expected in text.items():
            assert value[column] == expected, column
    assert rows[0][names.index("d38")] == "12345678901234567890123456.789012345678"
    assert rows[0][names.index("d0")] == "-99999999999999999999999999999999999999"
    assert json.loads(rows[0][names.index("arr")]) == [1, None, 3]
    assert json.loads(rows[0][names.index("kv")]) == {"a": 1, "b": None}
    assert json.loads(rows[0][names.index("st")]) == {"x": 7, "y": "é ü 字"}
    assert rows[0][names.index("f")] == "1.5" and rows[1][names.index("f")] == "-0.25"
    assert rows[2] == ["3"] + [None] * 12


def test_every_type_through_external_links_as_arrow(ws, tls, client, reference):
    query = f"SELECT * FROM {TYPES_TABLE} ORDER BY id"
    response = run(client, ws, query, disposition=Disposition.EXTERNAL_LINKS,
                   format=Format.ARROW_STREAM)
    assert response.status.state == StatementState.SUCCEEDED
    link = response.result.external_links[0]
    assert link.external_link.startswith(ws["storage_url"]) and link.expiration.endswith("Z")
    assert response.manifest.chunks[0].byte_count == link.byte_count
    got = arrow_of(client, response, tls).to_pylist()
    for row in got:
        row["kv"] = dict(row["kv"]) if row["kv"] is not None else None
    expected = spark_rows(reference, query)
    assert [normalise(r) for r in got] == [normalise(r) for r in expected]


def test_two_million_rows_through_external_links(ws, tls, client, reference):
    query = ("SELECT id, id * 7 AS seven, CAST(id AS DECIMAL(20,2)) / 3 AS third, "
             "CAST(id AS STRING) AS text, id % 5 = 0 AS fifth FROM range(2000000)")
    response = run(client, ws, query, disposition=Disposition.EXTERNAL_LINKS,
                   format=Format.ARROW_STREAM)
    manifest = response.manifest
    assert manifest.total_row_count == 2000000 and manifest.total_chunk_count > 1
    links = every_link(client, response)
    assert [link.chunk_index for link in links] == list(range(manifest.total_chunk_count))
    offsets = [(link.row_offset, link.row_count) for link in links]
    assert offsets == [(c.row_offset, c.row_count) for c in manifest.chunks]
    assert all(a + n == b for (a, n), (b, _) in zip(offsets, offsets[1:]))
    got = arrow_of(client, response, tls)
    expected = reference.sql(query).toArrow()
    assert got.num_rows == 2000000
    assert got.cast(expected.schema).equals(expected)


def test_inline_results_come_in_chunks(ws, client):
    # The test warehouse makes chunks of 256 KiB.
    response = run(client, ws, "SELECT id, repeat('x', 100) AS pad FROM range(20000)",
                   warehouse=ws["databricks_test_warehouse_id"])
    manifest = response.manifest
    assert manifest.total_chunk_count > 1 and manifest.total_row_count == 20000
    rows = list(response.result.data_array)
    index = response.result.next_chunk_index
    while index is not None:
        chunk = client.statement_execution.get_statement_result_chunk_n(response.statement_id, index)
        assert chunk.row_offset == len(rows)
        rows.extend(chunk.data_array)
        index = chunk.next_chunk_index
    assert [int(r[0]) for r in rows] == list(range(20000))


@pytest.mark.parametrize("form", ["JSON_ARRAY", "CSV"])
def test_text_formats_through_external_links(ws, tls, client, form):
    response = run(client, ws, "SELECT id, CAST(id AS DECIMAL(10,2)) AS d, "
                   "IF(id = 1, NULL, 'a,b') AS s FROM range(3)",
                   disposition=Disposition.EXTERNAL_LINKS, format=Format(form),
                   warehouse=ws["databricks_test_warehouse_id"])
    body = b"".join(download(link, tls) for link in every_link(client, response)).decode()
    if form == "JSON_ARRAY":
        assert json.loads(body) == [["0", "0.00", "a,b"], ["1", "1.00", None], ["2", "2.00", "a,b"]]
    else:
        assert list(csv.reader(io.StringIO(body))) == [
            ["id", "d", "s"], ["0", "0.00", "a,b"], ["1", "1.00", "null"], ["2", "2.00", "a,b"]]


def test_named_parameters_catalog_schema_and_row_limit(ws, client, reference):
    reference.sql("CREATE SCHEMA IF NOT EXISTS sea_other").collect()
    response = run(client, ws, "SELECT current_schema() AS s, :n + 1 AS n, :d AS d, :t AS t, "
                   ":missing IS NULL AS gone",
                   catalog="spark_catalog", schema="sea_other", parameters=[
                       StatementParameterListItem(name="n", value="41", type="INT"),
                       StatementParameterListItem(name="d", value="12.340", type="DECIMAL(10,3)"),
                       StatementParameterListItem(name="t", value="it's"),
                       StatementParameterListItem(name="missing", type="INT")])
    assert response.result.data_array == [["sea_other", "42", "12.340", "it's", "true"]]
    limited = run(client, ws, "SELECT id FROM range(10)", row_limit=4)
    assert limited.manifest.total_row_count == 4 and limited.manifest.truncated is True
    assert [r[0] for r in limited.result.data_array] == ["0", "1", "2", "3"]
    whole = run(client, ws, "SELECT id FROM range(4)", row_limit=4)
    assert whole.manifest.truncated is False


# ---------------------------------------------------------------- lifecycle


def test_a_statement_runs_on_while_the_client_polls(ws, client):
    response = run(client, ws, "SELECT count(*) FROM range(3000000)", wait_timeout="0s")
    assert response.status.state in (StatementState.PENDING, StatementState.RUNNING,
                                     StatementState.SUCCEEDED)
    deadline = time.time() + 120
    while response.status.state in (StatementState.PENDING, StatementState.RUNNING):
        assert time.time() < deadline
        time.sleep(0.2)
        response = client.statement_execution.get_statement(response.statement_id)
    assert response.status.state == StatementState.SUCCEEDED
    assert response.result.data_array == [["3000000"]]


def test_cancel_stops_the_spark_job(ws, client):
    response = run(client, ws, SLOW, wait_timeout="0s")
    tag = operation_tag(uuid.UUID(response.statement_id).bytes)
    deadline = time.time() + 60
    while not running_jobs_tagged(ws, tag) and time.time() < deadline:
        time.sleep(0.2)
    assert running_jobs_tagged(ws, tag), "the statement never started a Spark job"
    client.statement_execution.cancel_execution(response.statement_id)
    while time.time() < deadline + 30:
        response = client.statement_execution.get_statement(response.statement_id)
        if response.status.state not in (StatementState.PENDING, StatementState.RUNNING):
            break
        time.sleep(0.2)
    assert response.status.state == StatementState.CANCELED
    deadline = time.time() + 15
    while running_jobs_tagged(ws, tag) and time.time() < deadline:
        time.sleep(0.2)
    assert running_jobs_tagged(ws, tag) == []


def test_on_wait_timeout_cancel(ws, client):
    response = run(client, ws, SLOW, wait_timeout="5s",
                   on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CANCEL)
    assert response.status.state == StatementState.CANCELED


def test_sdk_waits_for_a_statement_to_finish(ws, client):
    # The SDK's own polling helper over execute + get.
    response = client.statement_execution.execute_statement(
        statement="SELECT 6 * 7", warehouse_id=ws["databricks_warehouse_id"], wait_timeout="0s")
    while response.status.state in (StatementState.PENDING, StatementState.RUNNING):
        time.sleep(0.1)
        response = client.statement_execution.get_statement(response.statement_id)
    assert response.result.data_array == [["42"]]


# ---------------------------------------------------------------- bad input


def test_a_failing_statement_is_failed_with_its_sqlstate(ws, client):
    response = run(client, ws, "SELECT * FROM no_such_table_here")
    assert response.status.state == StatementState.FAILED
    assert "TABLE_OR_VIEW_NOT_FOUND" in response.status.error.message
    assert response.status.sql_state == "42P01"
    assert response.status.error.error_code.value == "BAD_REQUEST"
    assert response.manifest is None and response.result is None


def test_requests_that_cannot_be_accepted(ws, client):
    with pytest.raises(NotFound, match="No SQL warehouse with id"):
        run(client, ws, "SELECT 1", warehouse="0000000000000000")
    with pytest.raises(DatabricksError, match="wait_timeout must be"):
        run(client, ws, "SELECT 1", wait_timeout="3s")
    with pytest.raises(DatabricksError, match="only with the EXTERNAL_LINKS"):
        run(client, ws, "SELECT 1", format=Format.ARROW_STREAM)
    with pytest.raises(DatabricksError, match="positional parameters"):
        client.api_client.do("POST", "/api/2.0/sql/statements", body={
            "statement": "SELECT ?", "warehouse_id": ws["databricks_warehouse_id"],
            "parameters": [{"value": "1"}]})
    with pytest.raises(NotFound):
        client.statement_execution.get_statement(str(uuid.uuid1()))


def test_a_large_inline_result_fails_and_asks_for_external_links(ws, client):
    response = run(client, ws, "SELECT repeat('x', 1000) AS pad FROM range(40000)")
    assert response.status.state == StatementState.FAILED
    assert "EXTERNAL_LINKS" in response.status.error.message
    capped = run(client, ws, "SELECT repeat('x', 1000) AS pad FROM range(40000)",
                 byte_limit=1 << 20)
    assert capped.status.state == StatementState.SUCCEEDED and capped.manifest.truncated is True
    assert 0 < capped.manifest.total_row_count < 40000


def test_another_users_statement_is_not_found(ws, client):
    mine = run(client, ws, "SELECT 1")
    other = workspace_client(ws, token=ws["pat2"])
    with pytest.raises(NotFound):
        other.statement_execution.get_statement(mine.statement_id)
    with pytest.raises(NotFound):
        other.statement_execution.cancel_execution(mine.statement_id)


def test_a_token_without_the_sql_scope_is_refused(ws, tls):
    from conftest import http_json
    status, body = http_json(ws["oauth_token_url"], tls, data={
        "grant_type": "client_credentials", "scope": ""},
        auth=(ws["oauth_m2m_client_id"], ws["oauth_m2m_client_secret"]))
    assert status == 200 and not body.get("scope"), body
    client = workspace_client(ws, token=body["access_token"])
    with pytest.raises(DatabricksError, match="sql scope"):
        run(client, ws, "SELECT 1")


def test_an_expired_link_is_renewed_by_asking_for_its_chunk_again(ws, tls, client):
    warehouse = ws["databricks_test_warehouse_id"]
    response = run(client, ws, "SELECT id FROM range(100000)", warehouse=warehouse,
                   disposition=Disposition.EXTERNAL_LINKS, format=Format.ARROW_STREAM)
    first = response.result.external_links[0]
    time.sleep(max(0.0, ws["test_link_ttl"]) + 1.5)
    with pytest.raises(urllib.error.HTTPError) as refused:
        download(first, tls)
    assert refused.value.code == 403
    again = client.statement_execution.get_statement_result_chunk_n(response.statement_id, 0)
    table = pa.ipc.open_stream(download(again.external_links[0], tls)).read_all()
    assert table.num_rows == first.row_count


def test_faults_and_the_call_log(ws, client):
    warehouse = ws["databricks_test_warehouse_id"]
    warehouse_admin(ws, "POST", "/faults", {"warehouse_id": warehouse,
                                            "method": "StatementExecution.get", "status": 503,
                                            "retry_after": 1, "count": 1})
    try:
        response = run(client, ws, "SELECT 5", warehouse=warehouse)
        # The SDK retries the 503 (a GET changes nothing) after Retry-After.
        again = client.statement_execution.get_statement(response.statement_id)
        assert again.result.data_array == [["5"]]
    finally:
        warehouse_admin(ws, "DELETE", "/faults")
    calls = [c for c in warehouse_admin(ws, "GET", "/calls")
             if c["method"].startswith("StatementExecution.") and c["warehouse_id"] == warehouse]
    assert [c["method"] for c in calls[-2:]] == ["StatementExecution.execute",
                                                 "StatementExecution.get"]


def test_oauth_machine_to_machine_through_the_sdk(ws):
    client = workspace_client(ws, client_id=ws["oauth_m2m_client_id"],
                              client_secret=ws["oauth_m2m_client_secret"], auth_type="oauth-m2m")
    response = run(client, ws, "SELECT current_user() IS NOT NULL")
    assert response.result.data_array == [["true"]]


def test_statements_run_side_by_side(ws, client):
    answers = {}

    def one(n):
        answers[n] = run(client, ws, f"SELECT {n} * 2").result.data_array

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert answers == {n: [[str(n * 2)]] for n in range(4)}


def test_lz4_compressed_arrow_files_as_the_jdbc_driver_asks(ws, tls, client):
    # Databricks' JDBC driver sends result_compression (the SDK has no field for it).
    reply = client.api_client.do("POST", "/api/2.0/sql/statements", body={
        "statement": "SELECT id, CAST(id AS STRING) AS s FROM range(50000)",
        "warehouse_id": ws["databricks_test_warehouse_id"], "wait_timeout": "50s",
        "format": "ARROW_STREAM", "disposition": "EXTERNAL_LINKS",
        "result_compression": "LZ4_FRAME"})
    assert reply["status"]["state"] == "SUCCEEDED"
    assert reply["manifest"]["result_compression"] == "LZ4_FRAME"
    tables = []
    index = 0
    while index is not None:
        data = (reply["result"] if index == 0 else client.api_client.do(
            "GET", f"/api/2.0/sql/statements/{reply['statement_id']}/result/chunks/{index}"))
        link = data["external_links"][0]
        with urllib.request.urlopen(link["external_link"], timeout=60, context=tls) as response:
            body = response.read()
        assert body[:4] == b"\x04\x22\x4d\x18"  # an LZ4 frame
        assert len(body) == link["byte_count"]
        tables.append(pa.ipc.open_stream(lz4_frames(body)).read_all())
        index = link.get("next_chunk_index")
    assert pa.concat_tables(tables).column("id").to_pylist() == list(range(50000))
    plain = client.api_client.do("POST", "/api/2.0/sql/statements", body={
        "statement": "SELECT 1", "warehouse_id": ws["databricks_test_warehouse_id"],
        "wait_timeout": "50s", "format": "ARROW_STREAM", "disposition": "EXTERNAL_LINKS"})
    assert plain["manifest"]["result_compression"] == "NONE"


ZONED_QUERY = "SELECT current_timezone() AS zone, CAST(TIMESTAMP'2024-01-01 00:00:00Z' AS STRING) AS t"


@pytest.mark.parametrize("backend", [{"use_kernel": True}, {"use_sea": True}, {}],
                         ids=["kernel", "sea", "thrift"])
def test_a_warehouse_time_zone_applies_unless_the_session_sets_its_own(ws, backend):
    """Databricks' connector in its three modes (use_kernel=True: its Rust kernel, and
    use_sea=True, both on sessions of the Statement Execution API; Thrift) on a warehouse
    whose admin set TIMEZONE: a session without a setting has the warehouse's zone, one
    with session_configuration TIMEZONE has its own; what a statement of a session sets
    or creates stays for the next."""
    from warehouse_client import connect
    zone = ws["databricks_zoned_timezone"]
    expected = {zone: "2024-01-01 05:30:00", "UTC": "2024-01-01 00:00:00"}
    for setting, wanted in ((None, zone), ({"TIMEZONE": "UTC"}, "UTC")):
        with connect(ws, ws["databricks_zoned_http_path"], session_configuration=setting,
                     **backend) as connection, connection.cursor() as cursor:
            cursor.execute(ZONED_QUERY)
            assert [tuple(row) for row in cursor.fetchall()] == [(wanted, expected[wanted])]
            cursor.execute("CREATE TEMPORARY VIEW seven AS SELECT 7 AS x")
            cursor.execute("SET TIME ZONE 'America/Sao_Paulo'")
            cursor.execute("SELECT x, current_timezone() FROM seven")
            assert [tuple(row) for row in cursor.fetchall()] == [(7, "America/Sao_Paulo")]


def test_statement_api_sessions_are_their_users_and_refuse_what_no_session_may_set(ws, client):
    """The sessions API as the connector calls it, checked where the connector checks
    nothing: another user's session is not found, an unknown or bad setting is refused,
    and a deleted session runs nothing more."""
    warehouse = ws["databricks_zoned_warehouse_id"]
    api = client.api_client
    created = api.do("POST", "/api/2.0/sql/sessions", body={
        "warehouse_id": warehouse, "session_confs": {"timezone": "UTC"}})
    session = created["session_id"]
    reply = api.do("POST", "/api/2.0/sql/statements", body={
        "warehouse_id": warehouse, "session_id": session, "statement": ZONED_QUERY,
        "wait_timeout": "50s"})
    assert reply["result"]["data_array"] == [["UTC", "2024-01-01 00:00:00"]]
    calls = [c for c in warehouse_admin(ws, "GET", "/calls")
             if c["method"] == "StatementExecution.create_session" and c["warehouse_id"] == warehouse]
    assert calls[-1]["configuration"] == {"timezone": "UTC"}
    other = workspace_client(ws, token=ws["pat2"]).api_client
    for method, path, body in (
            ("POST", "/api/2.0/sql/statements", {"warehouse_id": warehouse, "session_id": session,
                                                 "statement": "SELECT 1"}),
            ("DELETE", f"/api/2.0/sql/sessions/{session}", {"warehouse_id": warehouse,
                                                            "session_id": session})):
        with pytest.raises(NotFound):
            other.do(method, path, body=body)
    with pytest.raises(NotFound):  # a session belongs to its warehouse
        api.do("POST", "/api/2.0/sql/statements", body={
            "warehouse_id": ws["databricks_warehouse_id"], "session_id": session,
            "statement": "SELECT 1"})
    for confs, message in (({"spark.sql.ansi.enabled": "false"}, "is not a SQL configuration"),
                           ({"TIMEZONE": "Mars/Olympus"}, "Mars/Olympus"),
                           ({"statement_timeout": "soon"}, "whole number")):
        with pytest.raises(DatabricksError, match=message):
            api.do("POST", "/api/2.0/sql/sessions", body={"warehouse_id": warehouse,
                                                          "session_confs": confs})
    api.do("DELETE", f"/api/2.0/sql/sessions/{session}", body={"warehouse_id": warehouse,
                                                               "session_id": session})
    with pytest.raises(NotFound):
        api.do("POST", "/api/2.0/sql/statements", body={
            "warehouse_id": warehouse, "session_id": session, "statement": "SELECT 1"})


def test_the_kernel_reads_small_results_inline_and_large_ones_through_links(ws):
    """Databricks' Rust kernel asks for the hybrid disposition (INLINE_OR_EXTERNAL_LINKS)
    with LZ4: a result under the warehouse's CloudFetch threshold comes back inline as
    an Arrow attachment, a larger one as LZ4 files behind external links (over 4 MiB,
    files of about 20 MiB; on the main warehouse, whose links live 15 minutes as on
    Databricks: the kernel renews a link near its expiry before it downloads it)."""
    from warehouse_client import connect
    with connect(ws, use_kernel=True) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id, CAST(id AS STRING) AS s FROM range(100)")
        small = cursor.fetchall_arrow()
        since = time.time()
        cursor.execute("SELECT id, CAST(id AS DECIMAL(38,2)) / 8 AS d FROM range(2000000)")
        large = cursor.fetchall_arrow()
    assert small.column("s").to_pylist() == [str(i) for i in range(100)]
    assert large.num_rows == 2000000
    assert large.column("id").to_pylist() == list(range(2000000))
    assert str(large.column("d")[1999999]) == "249999.875000"  # Spark's scale: 6
    calls = [c for c in warehouse_admin(ws, "GET", "/calls")
             if c["warehouse_id"] == ws["databricks_warehouse_id"] and c["time"] >= since
             and c["method"] == "StatementExecution.chunk"]
    assert calls, "the large result came through chunks of links"


def test_hybrid_results_as_databricks_sends_them(ws, client):
    """INLINE_OR_EXTERNAL_LINKS by plain calls: the attachment is one Arrow stream (an LZ4
    frame when asked), the manifest's one chunk counts its bytes; a large result has
    links as EXTERNAL_LINKS has; CSV is refused, as with INLINE."""
    warehouse = ws["databricks_test_warehouse_id"]
    api = client.api_client
    for compression in ("LZ4_FRAME", "NONE"):
        reply = api.do("POST", "/api/2.0/sql/statements", body={
            "warehouse_id": warehouse, "statement": "SELECT id FROM range(1000)",
            "wait_timeout": "50s", "format": "ARROW_STREAM",
            "disposition": "INLINE_OR_EXTERNAL_LINKS", "result_compression": compression})
        body = base64.b64decode(reply["result"]["attachment"])
        assert reply["manifest"]["result_compression"] == compression
        assert reply["manifest"]["chunks"] == [{"chunk_index": 0, "row_offset": 0,
                                                "row_count": 1000}]
        stream = lz4_frames(body) if compression == "LZ4_FRAME" else body
        assert pa.ipc.open_stream(stream).read_all().column("id").to_pylist() == list(range(1000))
    large = api.do("POST", "/api/2.0/sql/statements", body={
        "warehouse_id": warehouse, "statement": "SELECT id FROM range(100000)",
        "wait_timeout": "50s", "format": "ARROW_STREAM",
        "disposition": "INLINE_OR_EXTERNAL_LINKS"})
    assert "attachment" not in large["result"] and large["result"]["external_links"]
    assert large["manifest"]["total_chunk_count"] > 1
    assert large["manifest"]["total_row_count"] == 100000
    with pytest.raises(DatabricksError, match="CSV is supported only with the EXTERNAL_LINKS"):
        api.do("POST", "/api/2.0/sql/statements", body={
            "warehouse_id": warehouse, "statement": "SELECT 1", "format": "CSV",
            "disposition": "INLINE_OR_EXTERNAL_LINKS"})
