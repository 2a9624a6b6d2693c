"""Unity Catalog's REST API for the stand-in's catalogs: tables and temporary table
credentials, as external engines use them to read a table's Delta files directly.

- `GET /api/2.1/unity-catalog/tables/{catalog.schema.table}`: the table's TableInfo
  (table_id, table_type MANAGED, data_source_format DELTA, storage_location
  `s3://<metastore bucket>/<catalog>/<schema>/<table>`, columns), read from its Delta
  log. The table id is the Delta table's own (metaData.id), so a table dropped and made
  again has a new one, as in Unity Catalog.
- `POST /api/2.0/unity-catalog/temporary-table-credentials` `{table_id, operation}`:
  S3 session credentials (access key, secret, session token) that read only the
  table's storage location, for an hour, through the stand-in's storage endpoint
  (table_storage.py). For a table of a catalog in Azure storage (`adls`, on Azurite:
  storage_location `abfss://<container>@<account>.dfs.core.windows.net/catalogs/adls/
  <schema>/<table>`), a SAS token (`azure_user_delegation_sas`) signed with the
  account's key, read and list, for the same hour. Unity Catalog signs a user
  delegation SAS for the table's directory; Azurite has no directories (no
  hierarchical namespace), so this one is for the container. As Unity Catalog does, it
  refuses a caller without the EXTERNAL USE SCHEMA privilege on the table's schema (not
  part of ALL PRIVILEGES, not held by default); only READ is vended (the stand-in's
  tables are managed, which Unity Catalog lets external engines read, not write).

The stand-in has no other table privileges (every user may read every table), so
EXTERNAL USE SCHEMA is the one grant it keeps: in `grants.json` in its state dir,
changed through the admin API (`POST /admin/grants`).
"""

import base64
import datetime
import io
import json
import os
import re
import secrets
import threading
import time

import pyarrow.parquet as pq

from .statement_api import ApiError

EXTERNAL_USE_SCHEMA = "EXTERNAL USE SCHEMA"
NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
COMMIT = re.compile(r"^(\d{20})\.json$")
MAX_CREDENTIALS = 10000


def _not_found(full_name):
    return ApiError(404, "TABLE_DOES_NOT_EXIST", f"Table '{full_name}' does not exist.")


def _invalid(message):
    return ApiError(400, "INVALID_PARAMETER_VALUE", message)


class TableLocation:
    """Where one table of a catalog lives: on disk, and as clients address it in storage
    (or, for a catalog in Azure storage, `azure_root` + schema/table in the container)."""

    def __init__(self, catalog, schema, table, directory, bucket, azure_root=None):
        self.catalog, self.schema, self.table = catalog, schema, table
        self.directory = directory
        self.key_prefix = f"{catalog}/{schema}/{table}/"
        self.url = f"s3://{bucket}/{catalog}/{schema}/{table}"
        self.azure = azure_root is not None
        if self.azure:
            self.url = f"{azure_root}/{schema}/{table}"

    @property
    def full_name(self):
        return f"{self.catalog}.{self.schema}.{self.table}"


class AzureCatalogs:
    """The catalogs in Azure storage: listing their schemas and tables, reading their
    logs, and signing SAS tokens, with the account's key through Azure's own SDK."""

    def __init__(self, settings):
        self.roots = settings.azure_catalog_roots
        self.settings = settings
        self._service = None

    def container(self, root):
        from azure.storage.blob import BlobServiceClient
        if self._service is None:
            self._service = BlobServiceClient.from_connection_string(
                f"DefaultEndpointsProtocol=http;AccountName={self.settings.azure_account};"
                f"AccountKey={self.settings.azure_key};"
                f"BlobEndpoint={self.settings.azure_endpoint};")
        return self._service.get_container_client(_split_abfss(root)[0])

    def children(self, root, path=""):
        """The folders directly under the catalog's root (schemas) or under a schema."""
        prefix = _split_abfss(root)[1] + (path + "/" if path else "")
        try:
            names = [item.name[len(prefix):].rstrip("/")
                     for item in self.container(root).walk_blobs(name_starts_with=prefix)
                     if item.name.endswith("/")]
        except Exception:  # noqa: BLE001 - Azurite down or the root not made yet: no tables
            return []
        return sorted(n for n in names if NAME.match(n))

    def log(self, location):
        root = self.roots[location.catalog]
        prefix = f"{_split_abfss(root)[1]}{location.schema}/{location.table}/_delta_log/"
        return AzureLog(self.container(root), prefix)

    def sas(self, location, expires):
        from azure.storage.blob import ContainerSasPermissions, generate_container_sas
        return generate_container_sas(
            self.settings.azure_account, _split_abfss(self.roots[location.catalog])[0],
            account_key=self.settings.azure_key,
            permission=ContainerSasPermissions(read=True, list=True),
            expiry=datetime.datetime.fromtimestamp(expires, datetime.timezone.utc))


def _split_abfss(root):
    """abfss://container@account.dfs.core.windows.net/path -> (container, "path/")."""
    authority, _, path = root[len("abfss://"):].partition("/")
    return authority.split("@", 1)[0], (path.strip("/") + "/") if path.strip("/") else ""


class AzureLog:
    """A table's _delta_log/ in Azure storage, as latest_metadata reads it."""

    def __init__(self, container, prefix):
        self.container, self.prefix = container, prefix

    def names(self):
        return [b.name[len(self.prefix):]
                for b in self.container.list_blobs(name_starts_with=self.prefix)]

    def read(self, name):
        return self.container.download_blob(self.prefix + name).readall()


class LocalLog:
    """A table's _delta_log/ on disk."""

    def __init__(self, directory):
        self.directory = os.path.join(directory, "_delta_log")

    def names(self):
        return os.listdir(self.directory)

    def read(self, name):
        with open(os.path.join(self.directory, name), "rb") as f:
            return f.read()


def latest_metadata(log):
    """The table's latest Delta metaData action: from the newest commit that has one, else
    from its last checkpoint. None when there is no Delta log (LocalLog, AzureCatalogs.log)."""
    try:
        names = log.names()
    except Exception:  # noqa: BLE001 - no log (a folder, a file, storage unreachable)
        return None
    commits = sorted((n for n in names if COMMIT.match(n)), reverse=True)
    for name in commits:
        try:
            for line in log.read(name).decode("utf-8").splitlines():
                if '"metaData"' in line:
                    return json.loads(line)["metaData"]
        except Exception:  # noqa: BLE001 - a commit gone or torn meanwhile: the one before
            continue
    checkpoints = sorted((n for n in names if n.endswith(".checkpoint.parquet")), reverse=True)
    for name in checkpoints:
        try:
            column = pq.read_table(io.BytesIO(log.read(name)), columns=["metaData"]).column(0)
        except Exception:  # noqa: BLE001
            continue
        for value in column.to_pylist():
            if value:
                return value
    return None


def _type_text(data_type):
    """Spark's SQL name of a Delta schema type (as Unity Catalog's type_text shows it)."""
    if isinstance(data_type, str):
        return {"long": "bigint", "integer": "int", "short": "smallint",
                "byte": "tinyint"}.get(data_type, data_type)
    kind = data_type.get("type")
    if kind == "array":
        return f"array<{_type_text(data_type['elementType'])}>"
    if kind == "map":
        return f"map<{_type_text(data_type['keyType'])},{_type_text(data_type['valueType'])}>"
    if kind == "struct":
        fields = ",".join(f"{f['name']}:{_type_text(f['type'])}" for f in data_type["fields"])
        return f"struct<{fields}>"
    return str(kind)


def _type_name(data_type):
    if not isinstance(data_type, str):
        return str(data_type.get("type", "")).upper()
    if data_type.startswith("decimal"):
        return "DECIMAL"
    return {"integer": "INT", "long": "LONG", "short": "SHORT", "byte": "BYTE"}.get(
        data_type, data_type.upper())


def columns_of(metadata):
    schema = json.loads(metadata["schemaString"])
    columns = []
    for position, field in enumerate(schema.get("fields", [])):
        data_type = field["type"]
        column = {"name": field["name"], "type_text": _type_text(data_type),
                  "type_name": _type_name(data_type), "position": position,
                  "nullable": bool(field.get("nullable", True)),
                  "type_json": json.dumps(field, separators=(",", ":"))}
        match = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", data_type) if isinstance(
            data_type, str) else None
        if match:
            column["type_precision"], column["type_scale"] = int(match[1]), int(match[2])
        columns.append(column)
    return columns


class Credential:
    def __init__(self, secret, token, user, location, expires):
        self.secret, self.token, self.user = secret, token, user
        self.location, self.expires = location, expires


class UnityCatalog:
    def __init__(self, settings):
        self.settings = settings
        self.bucket = settings.metastore_bucket
        self._lock = threading.Lock()
        self._credentials = {}
        self._grants_path = os.path.join(settings.state_dir, "grants.json")
        self.azure = AzureCatalogs(settings)

    # Tables

    def location(self, catalog, schema, table):
        if not NAME.match(schema) or not NAME.match(table):
            return None
        schema, table = schema.lower(), table.lower()
        if catalog in self.azure.roots:
            return TableLocation(catalog, schema, table, None, self.bucket,
                                 azure_root=self.azure.roots[catalog])
        root = self.settings.catalog_roots.get(catalog)
        if root is None:
            return None
        return TableLocation(catalog, schema, table, os.path.join(root, schema, table),
                             self.bucket)

    def _catalog_children(self, catalog, path=""):
        """The schemas of a catalog (`path` empty) or the tables of one of its schemas."""
        if catalog in self.azure.roots:
            return self.azure.children(self.azure.roots[catalog], path)
        return _children(os.path.join(self.settings.catalog_roots[catalog], path))

    def _metadata(self, location):
        log = self.azure.log(location) if location.azure else LocalLog(location.directory)
        return latest_metadata(log)

    def _table(self, full_name):
        parts = full_name.split(".")
        location = self.location(*parts) if len(parts) == 3 else None
        metadata = self._metadata(location) if location else None
        if metadata is None:
            raise _not_found(full_name)
        return location, metadata

    def get_table(self, full_name):
        location, metadata = self._table(full_name)
        created = metadata.get("createdTime")
        info = {"name": location.table, "catalog_name": location.catalog,
                "schema_name": location.schema, "full_name": location.full_name,
                "table_type": "MANAGED", "data_source_format": "DELTA",
                "table_id": metadata["id"], "storage_location": location.url,
                "columns": columns_of(metadata), "owner": "account users",
                "properties": dict(metadata.get("configuration") or {})}
        if created:
            info["created_at"] = int(created)
        return info

    def _table_by_id(self, table_id):
        for catalog in [*self.settings.catalog_roots, *self.azure.roots]:
            for schema in self._catalog_children(catalog):
                for table in self._catalog_children(catalog, schema):
                    location = self.location(catalog, schema, table)
                    metadata = self._metadata(location) if location else None
                    if metadata is not None and metadata.get("id") == table_id:
                        return location
        raise ApiError(404, "TABLE_DOES_NOT_EXIST", f"No table with id '{table_id}'.")

    # Credentials

    def temporary_table_credentials(self, user, body):
        if not isinstance(body, dict):
            raise _invalid("The body is {table_id, operation}.")
        table_id, operation = body.get("table_id"), body.get("operation")
        if not isinstance(table_id, str) or not table_id:
            raise _invalid("table_id is required: the table's id from the Tables API.")
        if operation not in ("READ", "READ_WRITE"):
            raise _invalid("operation must be READ or READ_WRITE.")
        location = self._table_by_id(table_id)
        if not self.has_grant(user, location.catalog, location.schema):
            raise ApiError(403, "PERMISSION_DENIED",
                           f"User does not have {EXTERNAL_USE_SCHEMA} on Schema "
                           f"'{location.catalog}.{location.schema}'.")
        if operation == "READ_WRITE":
            raise ApiError(403, "PERMISSION_DENIED",
                           f"Table '{location.full_name}' is a managed table: external engines "
                           "may read it (operation READ), not write it.")
        ttl = self.settings.table_credential_ttl_seconds
        expires = time.time() + ttl
        if location.azure:
            return {"azure_user_delegation_sas": {"sas_token": self.azure.sas(location, expires)},
                    "expiration_time": int(expires * 1000), "url": location.url}
        access_key = "ASIA" + base64.b32encode(secrets.token_bytes(10)).decode()
        secret = secrets.token_urlsafe(30)
        token = base64.b64encode(secrets.token_bytes(96)).decode()
        with self._lock:
            now = time.time()
            for key in [k for k, c in self._credentials.items() if c.expires <= now]:
                del self._credentials[key]
            if len(self._credentials) >= MAX_CREDENTIALS:
                raise ApiError(429, "RESOURCE_EXHAUSTED",
                               "Too many temporary credentials are live: try again later.")
            self._credentials[access_key] = Credential(secret, token, user, location, expires)
        return {"aws_temp_credentials": {"access_key_id": access_key,
                                         "secret_access_key": secret, "session_token": token},
                "expiration_time": int(expires * 1000), "url": location.url}

    def credential(self, access_key):
        with self._lock:
            return self._credentials.get(access_key)

    # Grants

    def _grants(self):
        try:
            with open(self._grants_path, encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def has_grant(self, user, catalog, schema):
        with self._lock:
            return user in self._grants().get(f"{catalog}.{schema}", [])

    def change_grant(self, change):
        """{schema: "catalog.schema", principal, privilege: EXTERNAL USE SCHEMA, grant: bool}."""
        schema, principal = change.get("schema"), change.get("principal")
        if change.get("privilege") != EXTERNAL_USE_SCHEMA or not isinstance(principal, str) \
                or not isinstance(schema, str) or schema.count(".") != 1:
            raise _invalid(f"A grant is {{schema: catalog.schema, principal, privilege: "
                           f"{EXTERNAL_USE_SCHEMA}, grant: true|false}}.")
        with self._lock:
            grants = self._grants()
            holders = set(grants.get(schema.lower(), []))
            (holders.add if change.get("grant", True) else holders.discard)(principal)
            grants[schema.lower()] = sorted(holders)
            temporary = self._grants_path + ".tmp"
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
                json.dump(grants, f)
            os.replace(temporary, self._grants_path)
            return grants


def _children(directory):
    try:
        return sorted(n for n in os.listdir(directory)
                      if NAME.match(n) and os.path.isdir(os.path.join(directory, n)))
    except OSError:
        return []
