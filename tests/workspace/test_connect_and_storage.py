"""Spark Connect sees the Thrift side's Delta tables; S3 (moto) and Azure Blob (Azurite) store objects."""
import uuid

from conftest import bearer


def test_spark_connect_reads_the_table_thrift_wrote(ws, thrift):
    from pyspark.sql import SparkSession
    name = f"connect_{uuid.uuid4().hex[:8]}"
    auth = bearer(ws["pat"])
    thrift.query(auth, f"CREATE TABLE {name} USING DELTA AS SELECT id, id * 10 AS tens FROM range(5)")
    spark = SparkSession.builder.remote(ws["connect_url"]).create()
    try:
        rows = spark.table(name).orderBy("id").collect()
        assert [(r.id, r.tens) for r in rows] == [(i, i * 10) for i in range(5)]
        spark.sql(f"INSERT INTO {name} VALUES (5, 50)")
    finally:
        spark.stop()
    assert thrift.query(auth, f"SELECT count(*) FROM {name}") == [(6,)]
    thrift.query(auth, f"DROP TABLE {name}")


def test_spark_connect_refuses_a_wrong_token(ws):
    import pytest
    from pyspark.sql import SparkSession
    from pyspark.errors.exceptions.connect import SparkConnectGrpcException
    url = f"sc://{ws['connect_host']}:{ws['connect_port']}/;token=wrong"
    spark = SparkSession.builder.remote(url).create()
    with pytest.raises(SparkConnectGrpcException, match="UNAUTHENTICATED|authentication"):
        spark.sql("SELECT 1").collect()


def test_s3_put_and_get(ws):
    import boto3
    s3 = boto3.client("s3", endpoint_url=ws["s3_endpoint"], region_name=ws["s3_region"],
                      aws_access_key_id=ws["s3_access_key_id"],
                      aws_secret_access_key=ws["s3_secret_access_key"])
    key = f"smoke/{uuid.uuid4().hex}.txt"
    s3.put_object(Bucket=ws["s3_bucket"], Key=key, Body=b"hello s3")
    assert s3.get_object(Bucket=ws["s3_bucket"], Key=key)["Body"].read() == b"hello s3"
    s3.delete_object(Bucket=ws["s3_bucket"], Key=key)


def test_azure_blob_put_and_get_with_sas_and_key(ws):
    from azure.storage.blob import BlobServiceClient, ContainerClient
    name = f"smoke/{uuid.uuid4().hex}.txt"
    container = ContainerClient.from_container_url(
        f"{ws['azure_endpoint']}/{ws['azure_container']}?{ws['azure_sas']}")
    container.upload_blob(name, b"hello azure")
    service = BlobServiceClient.from_connection_string(ws["azure_connection_string"])
    blob = service.get_blob_client(ws["azure_container"], name)
    assert blob.download_blob().readall() == b"hello azure"
    blob.delete_blob()


def test_spark_reads_and_writes_s3_through_s3a(ws, thrift):
    prefix = f"s3a://{ws['s3_bucket']}/smoke/{uuid.uuid4().hex[:8]}"
    auth = bearer(ws["pat"])
    thrift.query(auth, f"INSERT OVERWRITE DIRECTORY '{prefix}' USING parquet "
                       "SELECT id, id * 2 AS doubled FROM range(10)")
    assert thrift.query(auth, f"SELECT count(*), sum(doubled) FROM parquet.`{prefix}`") == [(10, 90)]


def test_spark_reads_and_writes_azurite_through_abfs(ws, thrift):
    from azure.storage.blob import BlobServiceClient
    name = f"smoke/{uuid.uuid4().hex[:8]}"
    prefix = f"abfs://{ws['azure_container']}@{ws['azure_account']}.dfs.core.windows.net/{name}"
    auth = bearer(ws["pat"])
    thrift.query(auth, f"INSERT OVERWRITE DIRECTORY '{prefix}' USING parquet "
                       "SELECT id, id * 2 AS doubled FROM range(10)")
    assert thrift.query(auth, f"SELECT count(*), sum(doubled) FROM parquet.`{prefix}`") == [(10, 90)]
    # The files are ordinary blobs in Azurite's container.
    service = BlobServiceClient.from_connection_string(ws["azure_connection_string"])
    container = service.get_container_client(ws["azure_container"])
    parts = [b.name for b in container.list_blobs(name_starts_with=name + "/") if b.name.endswith(".parquet")]
    assert parts
    for blob in container.list_blobs(name_starts_with=name):
        container.delete_blob(blob.name)
