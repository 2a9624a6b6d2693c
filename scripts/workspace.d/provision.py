"""Creates the S3 buckets (the users' and the workspace root) and the Azure container, and a
SAS for the container.

Run by scripts/workspace with the workspace venv's Python; reads the settings
from MORTAR_WS_SETTINGS (JSON) and the parts that are up from MORTAR_WS_PROVISION
("s3,azurite", or fewer: only those are provisioned), and prints {"azure_sas": ...}
on stdout. Idempotent: existing bucket and container are kept.
"""
import datetime
import json
import os

import boto3
from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas

settings = json.loads(os.environ["MORTAR_WS_SETTINGS"])
parts = os.environ.get("MORTAR_WS_PROVISION", "s3,azurite").split(",")

if "s3" in parts:
    s3 = boto3.client(
        "s3",
        endpoint_url=settings["s3_endpoint"],
        region_name=settings["s3_region"],
        aws_access_key_id=settings["s3_access_key_id"],
        aws_secret_access_key=settings["s3_secret_access_key"],
    )
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    # The S3 stand-in keeps its buckets in memory: after a restart both are made again.
    for bucket in (settings["s3_bucket"], settings["root_bucket"]):
        if bucket not in existing:
            s3.create_bucket(Bucket=bucket)

if "azurite" in parts:
    blobs = BlobServiceClient.from_connection_string(settings["azure_connection_string"])
    try:
        blobs.create_container(settings["azure_container"])
    except ResourceExistsError:
        pass

sas = settings.get("azure_sas") or ""
if not sas:
    sas = generate_container_sas(
        account_name=settings["azure_account"],
        container_name=settings["azure_container"],
        account_key=settings["azure_key"],
        permission=ContainerSasPermissions(read=True, write=True, delete=True, list=True,
                                           add=True, create=True),
        expiry=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3650),
        start=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5),
        protocol="http,https",
    )
print(json.dumps({"azure_sas": sas}))
