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
  (table_storage.py). As Unity Catalog does, it refuses a caller without the EXTERNAL
  USE SCHEMA privilege on the table's schema (not part of ALL PRIVILEGES, not held by
  default); only READ is vended (the stand-in's tables are managed, which Unity
  Catalog lets external engines read, not write).

The stand-in has no other table privileges (every user may read every table), so
EXTERNAL USE SCHEMA is the one grant it keeps: in `grants.json` in its state dir,
changed through the admin API (`POST /admin/grants`).
"""

import base64
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
    """Where one table of a catalog lives: on disk, and as clients address it in storage."""

    def __init__(self, catalog, schema, table, directory, bucket):
        self.catalog, self.schema, self.table = catalog, schema, table
        self.directory = directory
        self.key_prefix = f"{catalog}/{schema}/{table}/"
        self.url = f"s3://{bucket}/{catalog}/{schema}/{table}"

    @property
    def full_name(self):
        return f"{self.catalog}.{self.schema}.{self.table}"


def latest_metadata(directory):
    """The table's latest Delta metaData action: from the newest commit that has one, else
    from its last checkpoint. None when the directory is not a Delta table."""
    log_dir = os.path.join(directory, "_delta_log")
    try:
        names = os.listdir(log_dir)
    except OSError:
        return None
    commits = sorted((n for n in names if COMMIT.match(n)), reverse=True)
    for name in commits:
        try:
            with open(os.path.join(log_dir, name), encoding="utf-8") as f:
                for line in f:
                    if '"metaData"' in line:
                        return json.loads(line)["metaData"]
        except (OSError, ValueError, KeyError):
            continue
    checkpoints = sorted((n for n in names if n.endswith(".checkpoint.parquet")), reverse=True)
    for name in checkpoints:
        try:
            column = pq.read_table(os.path.join(log_dir, name), columns=["metaData"]).column(0)
        except (OSError, ValueError, KeyError):
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

    # Tables

    def location(self, catalog, schema, table):
        root = self.settings.catalog_roots.get(catalog)
        if root is None or not NAME.match(schema) or not NAME.match(table):
            return None
        schema, table = schema.lower(), table.lower()
        return TableLocation(catalog, schema, table, os.path.join(root, schema, table),
                             self.bucket)

    def _table(self, full_name):
        parts = full_name.split(".")
        location = self.location(*parts) if len(parts) == 3 else None
        metadata = latest_metadata(location.directory) if location else None
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
        for catalog, root in self.settings.catalog_roots.items():
            for schema in _children(root):
                for table in _children(os.path.join(root, schema)):
                    location = self.location(catalog, schema, table)
                    metadata = latest_metadata(location.directory) if location else None
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
