"""Unity Catalog's Tables API and temporary table credentials on the stand-in, judged by
Databricks' SDK (`WorkspaceClient.tables.get`, `temporary_table_credentials`) and by
AWS's own S3 client (boto3) reading the table's Delta files with what was vended:
the log, the data files (whole and by range), listings page by page; and everything
the credentials must not do refused as S3 refuses it. For a table of the catalog in
Azure storage, the SAS token vended is judged by Azure's own client (azure-storage-blob).
"""
import json
import time
import uuid

import boto3
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import ContainerClient
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from databricks.sdk.errors import NotFound, PermissionDenied
from databricks.sdk.service.catalog import TableOperation

from test_statement_execution_api import workspace_client
from warehouse_admin import warehouse_admin
from warehouse_client import connect

RUN = uuid.uuid4().hex[:8]
SCHEMA = f"uc_direct_{RUN}"
TABLE = f"main.{SCHEMA}.events"
OTHER = f"main.{SCHEMA}.other"


@pytest.fixture(scope="module")
def cursor(ws):
    with connect(ws) as connection, connection.cursor() as opened:
        opened.execute(f"CREATE SCHEMA main.{SCHEMA}")
        for name in (TABLE, OTHER):
            opened.execute(f"CREATE TABLE {name} (id BIGINT, amount DECIMAL(38,6), "
                           "ts TIMESTAMP, name STRING, tags ARRAY<STRING>)")
        # Two commits, so two data files.
        opened.execute(f"INSERT INTO {TABLE} SELECT id, CAST(id AS DECIMAL(38,6)) / 7, "
                       "TIMESTAMP'2026-01-01 00:00:00' + make_interval(0,0,0,0,0,0,id), "
                       "concat('n', id), array('a', string(id)) FROM range(0, 1000)")
        opened.execute(f"INSERT INTO {TABLE} VALUES (5000, 1.5, NULL, NULL, NULL)")
        opened.execute(f"INSERT INTO {OTHER} VALUES (1, 1, NULL, 'secret', NULL)")
        yield opened
        for user in (ws["user"], ws["user2"]):
            grant(ws, user, False)
        opened.execute(f"DROP SCHEMA main.{SCHEMA} CASCADE")


def grant(ws, user, given=True, schema=f"main.{SCHEMA}"):
    return warehouse_admin(ws, "POST", "/grants", {
        "schema": schema, "principal": user,
        "privilege": "EXTERNAL USE SCHEMA", "grant": given})


@pytest.fixture(scope="module")
def client(ws):
    return workspace_client(ws, token=ws["pat"])


def vend(client, table_id, operation=TableOperation.READ):
    return client.temporary_table_credentials.generate_temporary_table_credentials(
        table_id=table_id, operation=operation)


def s3_of(ws, aws, secret=None, token=None):
    return boto3.client(
        "s3", endpoint_url=ws["storage_url"], region_name=ws["s3_region"],
        aws_access_key_id=aws.access_key_id,
        aws_secret_access_key=secret or aws.secret_access_key,
        aws_session_token=token or aws.session_token, verify=ws["ca_file"],
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"},
                      retries={"max_attempts": 1}))


def bucket_and_prefix(url):
    assert url.startswith("s3://"), url
    bucket, _, path = url[5:].partition("/")
    return bucket, path + "/"


def error_code(call):
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value.response["Error"]["Code"]


def test_the_tables_api_describes_the_delta_table(ws, cursor, client):
    info = client.tables.get(TABLE)
    assert info.full_name == TABLE and info.catalog_name == "main" and info.schema_name == SCHEMA
    assert info.table_type.value == "MANAGED" and info.data_source_format.value == "DELTA"
    uuid.UUID(info.table_id)
    assert info.storage_location == f"s3://{ws['metastore_bucket']}/main/{SCHEMA}/events"
    assert [(c.name, c.type_text, c.type_name.value, c.position) for c in info.columns] == [
        ("id", "bigint", "LONG", 0), ("amount", "decimal(38,6)", "DECIMAL", 1),
        ("ts", "timestamp", "TIMESTAMP", 2), ("name", "string", "STRING", 3),
        ("tags", "array<string>", "ARRAY", 4)]
    assert (info.columns[1].type_precision, info.columns[1].type_scale) == (38, 6)
    with pytest.raises(NotFound):
        client.tables.get(f"main.{SCHEMA}.missing")
    with pytest.raises(NotFound):
        client.tables.get("no_such_catalog.a.b")


def test_credentials_need_external_use_schema(ws, cursor, client):
    table_id = client.tables.get(TABLE).table_id
    grant(ws, ws["user"], False)
    with pytest.raises(PermissionDenied, match="EXTERNAL USE SCHEMA"):
        vend(client, table_id)
    grant(ws, ws["user2"])  # someone else's grant is not the caller's
    with pytest.raises(PermissionDenied):
        vend(client, table_id)
    grant(ws, ws["user"])
    vended = vend(client, table_id)
    assert vended.url == client.tables.get(TABLE).storage_location
    assert vended.aws_temp_credentials.session_token
    assert 3000 < vended.expiration_time / 1000 - time.time() <= 3600
    with pytest.raises(PermissionDenied, match="managed table"):
        vend(client, table_id, TableOperation.READ_WRITE)
    with pytest.raises(NotFound):
        vend(client, str(uuid.uuid4()))


def test_vended_credentials_read_the_delta_table(ws, cursor, client):
    grant(ws, ws["user"])
    vended = vend(client, client.tables.get(TABLE).table_id)
    s3 = s3_of(ws, vended.aws_temp_credentials)
    bucket, prefix = bucket_and_prefix(vended.url)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix + "_delta_log/")
    commits = sorted(o["Key"] for o in listed["Contents"] if o["Key"].endswith(".json"))
    assert len(commits) >= 3  # create, two inserts
    live = set()
    for key in commits:
        for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines():
            action = json.loads(line)
            if "add" in action:
                live.add(action["add"]["path"])
            elif "remove" in action:
                live.discard(action["remove"]["path"])
    assert len(live) >= 2
    tables = []
    for path in sorted(live):
        body = s3.get_object(Bucket=bucket, Key=prefix + path)["Body"].read()
        head = s3.head_object(Bucket=bucket, Key=prefix + path)
        assert head["ContentLength"] == len(body)
        tail = s3.get_object(Bucket=bucket, Key=prefix + path, Range="bytes=-4")
        assert tail["Body"].read() == b"PAR1" and tail["ContentRange"].endswith(f"/{len(body)}")
        assert s3.get_object(Bucket=bucket, Key=prefix + path,
                             Range="bytes=0-3")["Body"].read() == b"PAR1"
        tables.append(pq.read_table(pa.BufferReader(body)))
    rows = pa.concat_tables(tables).sort_by("id")
    cursor.execute(f"SELECT id, name FROM {TABLE} ORDER BY id")
    assert list(zip(rows["id"].to_pylist(), rows["name"].to_pylist())) == \
        [tuple(r) for r in cursor.fetchall()]
    # Page by page, one key a page, as with the whole listing.
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": 1})
    keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
    whole = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    assert keys == [o["Key"] for o in whole["Contents"]] and len(keys) >= 5
    folders = s3.list_objects_v2(Bucket=bucket, Prefix=prefix, Delimiter="/")
    assert prefix + "_delta_log/" in [p["Prefix"] for p in folders["CommonPrefixes"]]


def test_vended_credentials_read_only_their_table(ws, cursor, client):
    grant(ws, ws["user"])
    vended = vend(client, client.tables.get(TABLE).table_id)
    aws = vended.aws_temp_credentials
    s3 = s3_of(ws, aws)
    bucket, prefix = bucket_and_prefix(vended.url)
    _, other_prefix = bucket_and_prefix(client.tables.get(OTHER).storage_location)
    log = prefix + "_delta_log/00000000000000000000.json"
    assert s3.get_object(Bucket=bucket, Key=log)["Body"].read()
    assert error_code(lambda: s3.get_object(
        Bucket=bucket, Key=other_prefix + "_delta_log/00000000000000000000.json")) == \
        "AccessDenied"
    assert error_code(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"main/{SCHEMA}/")) == \
        "AccessDenied"
    assert error_code(lambda: s3.get_object(Bucket=bucket, Key=prefix + "../other/x")) in (
        "AccessDenied", "NoSuchKey")
    assert error_code(lambda: s3.get_object(Bucket=bucket, Key=prefix + "nothing")) == "NoSuchKey"
    assert error_code(lambda: s3.get_object(Bucket=bucket, Key=log, Range="bytes=999999-")) == \
        "InvalidRange"
    assert error_code(lambda: s3.put_object(Bucket=bucket, Key=prefix + "x", Body=b"x")) == \
        "AccessDenied"
    assert error_code(lambda: s3.delete_object(Bucket=bucket, Key=log)) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key=log)["Body"].read()  # still there
    assert error_code(lambda: s3_of(ws, aws, secret="x" * 40).get_object(
        Bucket=bucket, Key=log)) == "SignatureDoesNotMatch"
    assert error_code(lambda: s3_of(ws, aws, token="forged").get_object(
        Bucket=bucket, Key=log)) == "InvalidToken"
    unsigned = boto3.client("s3", endpoint_url=ws["storage_url"], region_name=ws["s3_region"],
                            aws_access_key_id="ASIAUNKNOWNKEY000000", aws_secret_access_key="x",
                            aws_session_token="y", verify=ws["ca_file"],
                            config=Config(s3={"addressing_style": "path"}))
    assert error_code(lambda: unsigned.get_object(Bucket=bucket, Key=log)) == \
        "InvalidAccessKeyId"


def test_credentials_expire(ws, cursor, client):
    grant(ws, ws["user"])
    table_id = client.tables.get(TABLE).table_id
    previous = warehouse_admin(ws, "POST", "/settings", {"table_credential_ttl_seconds": 1})
    try:
        vended = vend(client, table_id)
    finally:
        warehouse_admin(ws, "POST", "/settings", previous)
    bucket, prefix = bucket_and_prefix(vended.url)
    time.sleep(1.5)
    assert error_code(lambda: s3_of(ws, vended.aws_temp_credentials).get_object(
        Bucket=bucket, Key=prefix + "_delta_log/00000000000000000000.json")) == "ExpiredToken"


def test_a_table_made_again_has_a_new_id(ws, cursor, client):
    before = client.tables.get(OTHER).table_id
    cursor.execute(f"DROP TABLE {OTHER}")
    cursor.execute(f"CREATE TABLE {OTHER} (id BIGINT)")
    after = client.tables.get(OTHER).table_id
    assert after != before
    grant(ws, ws["user"])
    with pytest.raises(NotFound):
        vend(client, before)
    assert vend(client, after).url.endswith("/other")


def test_a_table_in_azure_storage_gets_a_sas_that_azures_client_reads(ws, cursor, client):
    """The catalog `adls` keeps its tables in Azure storage (Azurite): its tables have
    abfss:// locations, and the credentials vended are a SAS token that reads and lists
    them, and writes nothing."""
    schema = f"uc_azure_{RUN}"
    table = f"adls.{schema}.events"
    cursor.execute(f"CREATE SCHEMA adls.{schema}")
    try:
        cursor.execute(f"CREATE TABLE {table} AS SELECT id, concat('n', id) AS name "
                       "FROM range(100)")
        info = client.tables.get(table)
        location = (f"abfss://{ws['azure_container']}@{ws['azure_account']}"
                    f".dfs.core.windows.net/catalogs/adls/{schema}/events")
        assert info.storage_location == location
        assert [c.name for c in info.columns] == ["id", "name"]
        grant(ws, ws["user"], schema=f"adls.{schema}")
        vended = vend(client, info.table_id)
        assert vended.url == location and vended.aws_temp_credentials is None
        assert 3000 < vended.expiration_time / 1000 - time.time() <= 3600
        container = ContainerClient(ws["azure_endpoint"], ws["azure_container"],
                                    credential=vended.azure_user_delegation_sas.sas_token)
        prefix = f"catalogs/adls/{schema}/events/_delta_log/"
        commits = [b.name for b in container.list_blobs(name_starts_with=prefix)
                   if b.name.endswith(".json")]
        assert commits, "no commit listed"
        first = container.download_blob(commits[0]).readall().decode()
        assert '"metaData"' in first and info.table_id in first
        with pytest.raises(HttpResponseError) as refused:
            container.upload_blob(prefix + "99999999999999999999.json", b"{}")
        assert refused.value.status_code == 403
    finally:
        grant(ws, ws["user"], False, schema=f"adls.{schema}")
        cursor.execute(f"DROP SCHEMA adls.{schema} CASCADE")
