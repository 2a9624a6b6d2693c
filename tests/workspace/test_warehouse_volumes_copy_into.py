"""Unity Catalog volumes and COPY INTO on the Databricks-faithful warehouse, with
Databricks' own Python connector as the client: volume DDL, the staging statements
(PUT/GET/REMOVE through the connector's staging support, byte for byte), LIST, reading
staged files back with SQL, COPY INTO from a volume, from S3 with a temporary credential
and from Azure with a SAS (files skipped once loaded, force, PATTERN, FILES, mergeSchema,
refusals), and INSERT OVERWRITE DIRECTORY.

Volumes live only in the stand-in's Unity Catalog catalogs (not spark_catalog): the tests
use the first such catalog the warehouse lists, or MORTAR_WS_UC_CATALOG; without one the
volume tests skip, and COPY INTO from S3 and Azure loads into spark_catalog (hive_metastore)
tables instead. Every name is new for each run (a uuid), and everything made is dropped.
"""
import io
import os
import uuid

import boto3
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.config import Config
from databricks.sql.exc import Error, OperationalError, ServerOperationError

from warehouse_client import connect

RUN = uuid.uuid4().hex[:8]
NOT_UNITY = {"spark_catalog", "hive_metastore", "system", "samples"}


def _parquet(columns):
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns), buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    return str(tmp_path_factory.mktemp("staging"))


@pytest.fixture(scope="module")
def connection(ws, local):
    with connect(ws, staging_allowed_local_path=local) as opened:
        yield opened


@pytest.fixture(scope="module")
def cursor(connection):
    with connection.cursor() as opened:
        yield opened


@pytest.fixture(scope="module")
def unity_catalog(cursor):
    """The Unity Catalog catalog the tests use, or None."""
    wanted = os.environ.get("MORTAR_WS_UC_CATALOG")
    if wanted:
        return wanted
    cursor.execute("SHOW CATALOGS")
    found = sorted(row[0] for row in cursor.fetchall() if row[0] not in NOT_UNITY)
    return found[0] if found else None


@pytest.fixture(scope="module")
def catalog(unity_catalog):
    """Where the tests' schema and tables are: the Unity Catalog catalog, or spark_catalog."""
    return unity_catalog or "spark_catalog"


@pytest.fixture(scope="module")
def uc(unity_catalog):
    if unity_catalog is None:
        pytest.skip("the warehouse has no Unity Catalog catalog yet (only spark_catalog)")
    return unity_catalog


@pytest.fixture(scope="module")
def schema(cursor, catalog):
    name = f"vol_{RUN}"
    cursor.execute(f"CREATE SCHEMA `{catalog}`.`{name}`")
    made = {"tables": [], "volumes": []}
    yield name, made
    for table in made["tables"]:
        cursor.execute(f"DROP TABLE IF EXISTS `{catalog}`.`{name}`.`{table}`")
    for volume in made["volumes"]:
        cursor.execute(f"DROP VOLUME IF EXISTS `{catalog}`.`{name}`.`{volume}`")
    cursor.execute(f"DROP SCHEMA IF EXISTS `{catalog}`.`{name}`")


@pytest.fixture(scope="module")
def volume(cursor, uc, catalog, schema):
    name, made = schema
    cursor.execute(f"CREATE VOLUME `{catalog}`.`{name}`.landing COMMENT 'test files'")
    made["volumes"].append("landing")
    return f"/Volumes/{catalog}/{name}/landing"


@pytest.fixture(scope="module")
def s3(ws):
    return boto3.client("s3", endpoint_url=ws["s3_endpoint"], region_name=ws["s3_region"],
                        aws_access_key_id=ws["s3_access_key_id"],
                        aws_secret_access_key=ws["s3_secret_access_key"],
                        config=Config(s3={"addressing_style": "path"}))


@pytest.fixture(scope="module", autouse=True)
def remove_files(ws, s3):
    """The files the tests put straight into the buckets go when they are done."""
    yield
    for prefix in (f"copy_into/{RUN}/", f"unload/{RUN}/", f"external/{RUN}/"):
        listed = s3.list_objects_v2(Bucket=ws["s3_bucket"], Prefix=prefix).get("Contents", [])
        if listed:
            s3.delete_objects(Bucket=ws["s3_bucket"], Delete={
                "Objects": [{"Key": item["Key"]} for item in listed]})
    from azure.storage.blob import ContainerClient
    container = ContainerClient(ws["azure_endpoint"], ws["azure_container"],
                                credential=ws["azure_sas"])
    for prefix in (f"copy_into/{RUN}", f"unload/{RUN}"):  # and the ABFS driver's markers
        for name in sorted((b.name for b in container.list_blobs(name_starts_with=prefix)),
                           key=len, reverse=True):
            container.delete_blob(name)


def _table(cursor, catalog, schema, columns):
    name, made = schema
    table = f"t{len(made['tables'])}_{RUN}"
    cursor.execute(f"CREATE TABLE `{catalog}`.`{name}`.`{table}` ({columns}) USING DELTA")
    made["tables"].append(table)
    return f"`{catalog}`.`{name}`.`{table}`"


def _rows(cursor, query):
    cursor.execute(query)
    return [tuple(row) for row in cursor.fetchall()]


def _copied(cursor, statement):
    cursor.execute(statement)
    names = [d[0] for d in cursor.description]
    rows = [tuple(row) for row in cursor.fetchall()]
    assert names == ["num_affected_rows", "num_inserted_rows"]
    assert len(rows) == 1
    return rows[0]


# ---------------------------------------------------------------- volume DDL


def test_create_show_describe_and_drop_volumes(cursor, uc, catalog, schema):
    name, made = schema
    cursor.execute(f"CREATE VOLUME `{catalog}`.`{name}`.ddl_Vol COMMENT 'first'")
    made["volumes"].append("ddl_vol")
    with pytest.raises(ServerOperationError, match="VOLUME_ALREADY_EXISTS"):
        cursor.execute(f"CREATE VOLUME `{catalog}`.`{name}`.DDL_VOL")
    cursor.execute(f"CREATE VOLUME IF NOT EXISTS `{catalog}`.`{name}`.ddl_vol")

    cursor.execute(f"SHOW VOLUMES IN `{catalog}`.`{name}` LIKE 'ddl*'")
    assert [d[0] for d in cursor.description] == ["database", "volume_name"]
    assert [tuple(r) for r in cursor.fetchall()] == [(name, "ddl_vol")]

    cursor.execute(f"DESCRIBE VOLUME `{catalog}`.`{name}`.ddl_vol")
    assert [d[0] for d in cursor.description] == [
        "name", "catalog", "database", "owner", "storage_location", "volume_type", "comment"]
    described = cursor.fetchall()[0].asDict()
    assert (described["name"], described["catalog"], described["database"]) == (
        "ddl_vol", catalog, name)
    assert (described["volume_type"], described["comment"]) == ("MANAGED", "first")
    assert described["storage_location"].startswith("s3://")

    cursor.execute(f"DROP VOLUME `{catalog}`.`{name}`.ddl_vol")
    with pytest.raises(ServerOperationError, match="UC_VOLUME_NOT_FOUND"):
        cursor.execute(f"DROP VOLUME `{catalog}`.`{name}`.ddl_vol")
    cursor.execute(f"DROP VOLUME IF EXISTS `{catalog}`.`{name}`.ddl_vol")
    with pytest.raises(ServerOperationError, match="SCHEMA_NOT_FOUND"):
        cursor.execute(f"CREATE VOLUME `{catalog}`.`no_schema_{RUN}`.v")


def test_no_volumes_outside_unity_catalog(cursor, unity_catalog):
    if unity_catalog == "spark_catalog":
        pytest.skip("spark_catalog stands for a Unity Catalog catalog in this run")
    # On Databricks hive_metastore has no volumes; here spark_catalog stands for it.
    with pytest.raises(ServerOperationError, match="UC_VOLUMES_NOT_SUPPORTED"):
        cursor.execute(f"CREATE VOLUME spark_catalog.default.v_{RUN}")
    with pytest.raises(ServerOperationError, match="UC_VOLUME_NOT_FOUND"):
        cursor.execute(f"SELECT * FROM parquet.`/Volumes/spark_catalog/default/v_{RUN}/f`")


def test_external_volume_on_s3(ws, cursor, uc, catalog, schema, local, s3):
    name, made = schema
    location = f"s3://{ws['s3_bucket']}/external/{RUN}"
    cursor.execute(f"CREATE EXTERNAL VOLUME `{catalog}`.`{name}`.ext LOCATION '{location}'")
    made["volumes"].append("ext")
    cursor.execute(f"DESCRIBE VOLUME `{catalog}`.`{name}`.ext")
    described = cursor.fetchall()[0].asDict()
    assert (described["volume_type"], described["storage_location"]) == ("EXTERNAL", location)
    with pytest.raises(ServerOperationError, match="overlaps"):
        cursor.execute(f"CREATE EXTERNAL VOLUME `{catalog}`.`{name}`.inner "
                       f"LOCATION '{location}/inner'")
    staged = os.path.join(local, "external.txt")
    with open(staged, "wb") as f:
        f.write(b"kept\n")
    cursor.execute(f"PUT '{staged}' INTO '/Volumes/{catalog}/{name}/ext/a/b.txt'")
    key = f"external/{RUN}/a/b.txt"
    assert s3.get_object(Bucket=ws["s3_bucket"], Key=key)["Body"].read() == b"kept\n"
    # Dropping an external volume leaves its files where they are.
    cursor.execute(f"DROP VOLUME `{catalog}`.`{name}`.ext")
    assert s3.get_object(Bucket=ws["s3_bucket"], Key=key)["Body"].read() == b"kept\n"


# ---------------------------------------------------------------- staging


def test_put_get_remove_through_the_connector(cursor, local, volume):
    original = os.path.join(local, "original.bin")
    fetched = os.path.join(local, "fetched.bin")
    payload = os.urandom(300_000)
    with open(original, "wb") as f:
        f.write(payload)
    target = f"{volume}/staged/file.bin"

    cursor.execute(f"PUT '{original}' INTO '{target}'")
    cursor.execute(f"GET '{target}' TO '{fetched}'")
    with open(fetched, "rb") as f:
        assert f.read() == payload

    # An existing file is replaced only with OVERWRITE.
    with pytest.raises(ServerOperationError, match="FILE_IN_STAGING_PATH_ALREADY_EXISTS"):
        cursor.execute(f"PUT '{original}' INTO '{target}'")
    replacement = b"second version\n" * 1000
    cursor.execute(f"PUT '__input_stream__' INTO '{target}' OVERWRITE",
                   input_stream=io.BytesIO(replacement))
    cursor.execute(f"GET '{target}' TO '{fetched}'")
    with open(fetched, "rb") as f:
        assert f.read() == replacement

    cursor.execute(f"REMOVE '{target}'")
    # As on Databricks: GET of a missing file gets a link, which answers 404.
    with pytest.raises(OperationalError, match="404"):
        cursor.execute(f"GET '{target}' TO '{fetched}'")
    with pytest.raises(ServerOperationError, match="NOT_FOUND"):
        cursor.execute(f"REMOVE '{target}'")

    # Outside an existing volume, or not a volume path at all.
    catalog, schema = volume.split("/")[2:4]
    with pytest.raises(ServerOperationError, match="NOT_FOUND: Volume"):
        cursor.execute(f"PUT '{original}' INTO '/Volumes/{catalog}/{schema}/no_such_volume/f'")
    with pytest.raises(ServerOperationError, match="NOT_FOUND: Catalog"):
        cursor.execute(f"PUT '{original}' INTO '/Volumes/no_such_{RUN}/{schema}/landing/f'")
    with pytest.raises(ServerOperationError, match="INVALID_STAGING_PATH"):
        cursor.execute(f"PUT '{original}' INTO 's3://somewhere/f'")
    with pytest.raises(ServerOperationError, match="EMPTY_LOCAL_FILE"):
        cursor.execute(f"PUT '' INTO '{target}'")
    # The connector keeps local files inside staging_allowed_local_path.
    with pytest.raises(Error, match="staging_allowed_local_path"):
        cursor.execute(f"GET '{volume}/x' TO '/tmp/outside_{RUN}'")


def test_list_and_read_staged_files_back(cursor, local, volume):
    parquet_file = os.path.join(local, "rows.parquet")
    with open(parquet_file, "wb") as f:
        f.write(_parquet({"id": [1, 2, 3], "word": ["one", "two", "three"]}))
    csv_file = os.path.join(local, "rows.csv")
    with open(csv_file, "w") as f:
        f.write("4,four\n5,five\n")
    cursor.execute(f"PUT '{parquet_file}' INTO '{volume}/read/rows.parquet'")
    cursor.execute(f"PUT '{csv_file}' INTO '{volume}/read/csv/rows.csv'")

    cursor.execute(f"LIST '{volume}/read'")
    assert [d[0] for d in cursor.description] == ["path", "name", "size", "modification_time"]
    listed = [tuple(r) for r in cursor.fetchall()]
    assert [(p, n, s) for p, n, s, _ in listed] == [
        (f"{volume}/read/csv/", "csv/", 0),
        (f"{volume}/read/rows.parquet", "rows.parquet", os.path.getsize(parquet_file))]
    assert listed[1][3] > 1_600_000_000_000  # milliseconds
    assert len(_rows(cursor, f"LIST '{volume}/read' LIMIT 1")) == 1
    with pytest.raises(ServerOperationError, match="PATH_NOT_FOUND"):
        cursor.execute(f"LIST '{volume}/no_such_dir'")

    assert _rows(cursor, f"SELECT id, word FROM parquet.`{volume}/read/rows.parquet` ORDER BY id") == [
        (1, "one"), (2, "two"), (3, "three")]
    assert _rows(cursor, f"SELECT _c0, _c1 FROM csv.`{volume}/read/csv` ORDER BY _c0") == [
        ("4", "four"), ("5", "five")]
    with pytest.raises(ServerOperationError, match="UC_VOLUME_NOT_FOUND"):
        cursor.execute(f"SELECT * FROM parquet.`{volume}_missing/read`")


# ---------------------------------------------------------------- COPY INTO


def test_copy_into_from_s3_with_a_temporary_credential(ws, cursor, catalog, schema, s3):
    table = _table(cursor, catalog, schema, "id BIGINT, name STRING, note STRING")
    prefix = f"copy_into/{RUN}"
    bucket = ws["s3_bucket"]
    s3.put_object(Bucket=bucket, Key=f"{prefix}/a.parquet",
                  Body=_parquet({"ID": [1, 2], "Name": ["a", "b"]}))
    s3.put_object(Bucket=bucket, Key=f"{prefix}/b.parquet",
                  Body=_parquet({"id": [3], "name": ["c"]}))
    s3.put_object(Bucket=bucket, Key=f"{prefix}/skip.json", Body=b'{"id": 99}\n')
    source = f"s3://{bucket}/{prefix}"
    credential = (f"WITH (CREDENTIAL (AWS_ACCESS_KEY = '{ws['s3_access_key_id']}', "
                  f"AWS_SECRET_KEY = '{ws['s3_secret_access_key']}'))")

    # FILES: only the file named; columns matched by name whatever their case; note is NULL.
    assert _copied(cursor, f"COPY INTO {table} FROM '{source}' {credential} "
                           "FILEFORMAT = PARQUET FILES = ('a.parquet')") == (2, 2)
    assert _rows(cursor, f"SELECT id, name, note FROM {table} ORDER BY id") == [
        (1, "a", None), (2, "b", None)]
    # PATTERN: a.parquet is skipped (loaded already), b.parquet loads, skip.json does not match.
    assert _copied(cursor, f"COPY INTO {table} FROM '{source}' {credential} "
                           "FILEFORMAT = PARQUET PATTERN = '*.parquet'") == (1, 1)
    # Nothing new: nothing loaded, whatever the form of the path.
    assert _copied(cursor, f"COPY INTO {table} FROM 's3a://{bucket}/{prefix}/' {credential} "
                           "FILEFORMAT = PARQUET PATTERN = '*.parquet'") == (0, 0)
    # force loads them again.
    assert _copied(cursor, f"COPY INTO {table} FROM '{source}' {credential} FILEFORMAT = PARQUET "
                           "PATTERN = '[ab].parquet' COPY_OPTIONS ('force' = 'true')") == (3, 3)

    # A column the table lacks: refused, the table unchanged; added with mergeSchema.
    s3.put_object(Bucket=bucket, Key=f"{prefix}/c.parquet",
                  Body=_parquet({"id": [4], "name": ["d"], "score": [1.5]}))
    with pytest.raises(ServerOperationError, match="DELTA_METADATA_MISMATCH"):
        cursor.execute(f"COPY INTO {table} FROM '{source}' {credential} FILEFORMAT = PARQUET "
                       "FILES = ('c.parquet')")
    assert _copied(cursor, f"COPY INTO {table} FROM '{source}' {credential} FILEFORMAT = PARQUET "
                           "FILES = ('c.parquet') COPY_OPTIONS ('mergeSchema' = 'true')") == (1, 1)

    # A key pair S3 would refuse: access denied, and neither secret in the message.
    wrong_secret = "wRoNg" + uuid.uuid4().hex
    for key_id, secret in ((ws["s3_access_key_id"], wrong_secret),
                           ("AKIA" + uuid.uuid4().hex[:16].upper(), ws["s3_secret_access_key"])):
        with pytest.raises(ServerOperationError) as refused:
            cursor.execute(f"COPY INTO {table} FROM '{source}' WITH (CREDENTIAL (AWS_ACCESS_KEY = "
                           f"'{key_id}', AWS_SECRET_KEY = '{secret}')) FILEFORMAT = PARQUET "
                           "COPY_OPTIONS ('force' = 'true')")
        message = str(refused.value)
        assert "403" in message and "AccessDenied" in message
        assert secret not in message
    # Every load above, once each, and nothing from the ones refused.
    assert _rows(cursor, f"SELECT id, name, note, score FROM {table} ORDER BY id") == [
        (1, "a", None, None), (1, "a", None, None), (2, "b", None, None), (2, "b", None, None),
        (3, "c", None, None), (3, "c", None, None), (4, "d", None, 1.5)]

    name, _ = schema
    with pytest.raises(ServerOperationError, match="TABLE_OR_VIEW_NOT_FOUND"):
        cursor.execute(f"COPY INTO `{catalog}`.`{name}`.no_such_table FROM '{source}' "
                       f"{credential} FILEFORMAT = PARQUET")
    with pytest.raises(ServerOperationError, match="COPY_INTO_FILES_LIMIT"):
        files = ", ".join(f"'f{i}.parquet'" for i in range(1001))
        cursor.execute(f"COPY INTO {table} FROM '{source}' {credential} FILEFORMAT = PARQUET "
                       f"FILES = ({files})")


def test_copy_into_from_a_volume(cursor, catalog, schema, local, volume):
    table = _table(cursor, catalog, schema, "id INT, name STRING")
    csv_file = os.path.join(local, "load.csv")
    with open(csv_file, "w") as f:
        f.write("1,x\n2,y\n")
    cursor.execute(f"PUT '{csv_file}' INTO '{volume}/load/part1.csv'")
    statement = (f"COPY INTO {table} FROM (SELECT CAST(_c0 AS INT) AS id, upper(_c1) AS name "
                 f"FROM '{volume}/load') FILEFORMAT = CSV FORMAT_OPTIONS ('header' = 'false')")
    assert _copied(cursor, statement) == (2, 2)
    assert _copied(cursor, statement) == (0, 0)
    # A value that does not fit the table's type fails the load; the table is unchanged.
    with open(csv_file, "w") as f:
        f.write("3,z\nthree,w\n")
    cursor.execute(f"PUT '{csv_file}' INTO '{volume}/load/part2.csv'")
    with pytest.raises(ServerOperationError, match="CAST_INVALID_INPUT"):
        cursor.execute(f"COPY INTO {table} BY POSITION FROM '{volume}/load' FILEFORMAT = CSV")
    # VALIDATE reads and converts without writing.
    assert _copied(cursor, f"COPY INTO {table} BY POSITION FROM '{volume}/load' FILEFORMAT = CSV "
                           "VALIDATE 1 ROWS FILES = ('part1.csv')") == (1, 0)
    assert _rows(cursor, f"SELECT id, name FROM {table} ORDER BY id") == [(1, "X"), (2, "Y")]


def test_copy_into_from_azure_with_a_sas(ws, cursor, catalog, schema):
    from azure.storage.blob import BlobServiceClient
    table = _table(cursor, catalog, schema, "id INT, name STRING")
    prefix = f"copy_into/{RUN}"
    blobs = BlobServiceClient(account_url=ws["azure_endpoint"], credential=ws["azure_sas"])
    blobs.get_blob_client(ws["azure_container"], f"{prefix}/rows.parquet").upload_blob(
        _parquet({"id": [7, 8], "name": ["g", "h"]}))
    source = f"abfss://{ws['azure_container']}@{ws['azure_account']}.dfs.core.windows.net/{prefix}"
    sas = ws["azure_sas"].lstrip("?")
    assert _copied(cursor, f"COPY INTO {table} FROM '{source}' WITH (CREDENTIAL "
                           f"(AZURE_SAS_TOKEN = '{sas}')) FILEFORMAT = PARQUET") == (2, 2)
    # Azurite checks the SAS itself: a forged signature is refused.
    signature = [p for p in sas.split("&") if p.startswith("sig=")][0]
    forged = sas.replace(signature, "sig=" + "A" * 43 + "%3D")
    with pytest.raises(ServerOperationError) as refused:
        cursor.execute(f"COPY INTO {table} FROM '{source}' WITH (CREDENTIAL (AZURE_SAS_TOKEN = "
                       f"'{forged}')) FILEFORMAT = PARQUET COPY_OPTIONS ('force' = 'true')")
    assert "403" in str(refused.value)
    assert signature not in str(refused.value)
    assert _rows(cursor, f"SELECT id, name FROM {table} ORDER BY id") == [(7, "g"), (8, "h")]


# ---------------------------------------------------------------- unloading


def _unload_and_read_back(cursor, place):
    cursor.execute(f"INSERT OVERWRITE DIRECTORY '{place}' USING parquet "
                   "OPTIONS ('compression' = 'snappy') SELECT id, id * 2 AS twice FROM range(4)")
    assert _rows(cursor, f"SELECT id, twice FROM parquet.`{place}` ORDER BY id") == [
        (0, 0), (1, 2), (2, 4), (3, 6)]


def test_insert_overwrite_directory_to_s3_and_azure(ws, cursor):
    _unload_and_read_back(cursor, f"s3://{ws['s3_bucket']}/unload/{RUN}")
    _unload_and_read_back(cursor, f"abfss://{ws['azure_container']}@{ws['azure_account']}"
                                  f".dfs.core.windows.net/unload/{RUN}")


def test_insert_overwrite_directory_to_a_volume(cursor, volume):
    _unload_and_read_back(cursor, f"{volume}/unload")
    cursor.execute(f"LIST '{volume}/unload'")
    assert any(row[1].endswith(".parquet") for row in cursor.fetchall())
