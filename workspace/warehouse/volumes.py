"""Unity Catalog volumes on the stand-in's storage: the volume DDL, the staging statements
(PUT/GET/REMOVE, answered with presigned links) and LIST.

A volume lives only in a catalog named in `settings.catalogs` (the Unity Catalog-like
ones; on Databricks hive_metastore has no volumes), in a schema that exists. Names are
case-insensitive and kept in lower case, as Unity Catalog keeps them. The registry of
volumes is a JSON file in the warehouse's state dir (`volumes.json`, written under a lock
and replaced atomically), so volumes outlive restarts and `down`; the files are objects:

- a managed volume's files are in the root bucket under `volumes/<catalog>/<schema>/<volume>/`
  (DESCRIBE VOLUME shows `s3://<root bucket>/volumes/...`); DROP VOLUME deletes them;
- an external volume's files are at its LOCATION (`s3://`/`s3a://` on the S3 stand-in, or
  `abfss://` on Azurite, which Spark reaches as `abfs://`); DROP VOLUME leaves them.

`/Volumes/<catalog>/<schema>/<volume>/<path>` in any statement's string literals and
backticked names becomes the place Spark reads and writes (`storage_uri`, applied by
statements.rewrite_paths); a path in a volume that does not exist fails as on Databricks
(UC_VOLUME_NOT_FOUND).

Staging statements, as Databricks answers them and its connectors consume them (one row:
operation, presignedUrl, localFile, headers as a JSON string; isStagingOperation in the
result metadata): the link is presigned (Signature V4, one hour) on the front door's
storage endpoint, which checks it and passes the request to the S3 stand-in. As on
Databricks, a GET of a missing file is answered with a link that then gives 404; PUT
onto an existing file without OVERWRITE fails (FILE_IN_STAGING_PATH_ALREADY_EXISTS), and
REMOVE of a missing file fails (NOT_FOUND). Staging and LIST work on managed volumes and external
volumes on S3; an external volume on Azure is reachable from Spark only (the warehouse
signs no Azure links for volumes and lists none).

LIST '<path>' [LIMIT n]: path, name, size, modification_time (ms), one level deep,
directories with a trailing '/', sorted by name.
"""

import fcntl
import json
import os
import re
import tempfile
import threading
import time
import uuid

import boto3
import pyarrow as pa
from botocore.config import Config
from botocore.exceptions import ClientError
from pyspark.sql import types as st

from . import errors, sql_text

REGISTRY_FILE = "volumes.json"
PRESIGN_SECONDS = 3600
MANAGED_PREFIX = "volumes"

STRING = st.StringType()
LONG = st.LongType()


# ---------------------------------------------------------------- errors


def _syntax(error):
    return errors.user_error("PARSE_SYNTAX_ERROR", f"Syntax error: {error}.", "42601")


def _quoted(*parts):
    return ".".join(sql_text.quote_name(p) for p in parts)


def volume_not_found(catalog, schema, volume):
    # As recorded: [UC_VOLUME_NOT_FOUND] Volume `c`.`s`.`v` does not exist. Please use
    # 'SHOW VOLUMES' to list available volumes. SQLSTATE: 42704
    return errors.user_error("UC_VOLUME_NOT_FOUND", f"Volume {_quoted(catalog, schema, volume)} "
                             "does not exist. Please use 'SHOW VOLUMES' to list available volumes.",
                             "42704", volumeName=_quoted(catalog, schema, volume))


def _staging_not_found(what):
    # What Databricks' staging statements say (its connector's tests match "NOT_FOUND: Catalog").
    return errors.WarehouseError(f"NOT_FOUND: {what} does not exist.", "42704", None, {})


def _catalog_not_found(catalog):
    return errors.user_error("NO_SUCH_CATALOG_EXCEPTION", f"Catalog '{catalog}' was not found. "
                             "Please verify the catalog name and then retry the query or command "
                             "again.", "42704", catalogName=catalog)


def _not_unity_catalog(catalog, settings):
    known = ", ".join(settings.catalogs) or "none yet"
    return errors.user_error("UC_VOLUMES_NOT_SUPPORTED", f"Volumes are supported only in Unity "
                             f"Catalog catalogs; {sql_text.quote_name(catalog)} is not one (the "
                             f"stand-in's Unity Catalog catalogs: {known}).", "0A000",
                             catalogName=catalog)


def _schema_not_found(catalog, schema):
    return errors.user_error("SCHEMA_NOT_FOUND", f"The schema {_quoted(catalog, schema)} cannot be "
                             "found. Verify the spelling and correctness of the schema and catalog.",
                             "42704", schemaName=_quoted(catalog, schema))


def _invalid_path(path, why):
    return errors.user_error("INVALID_STAGING_PATH_IN_STAGING_ACCESS_QUERY", f"Invalid staging "
                             f"path in the staging access query: {path!r}: {why}. A volume path is "
                             "/Volumes/<catalog>/<schema>/<volume>/<path>.", "42604", path=path)


# ---------------------------------------------------------------- the registry


class Registry:
    """The volumes, in `<state dir>/volumes.json`: {"volumes": {"c.s.v": {...}}}."""

    def __init__(self, state_dir):
        self.path = os.path.join(state_dir, REGISTRY_FILE)
        self.lock_path = self.path + ".lock"
        self._lock = threading.Lock()
        self._cache = (None, {})

    def _load(self):
        try:
            stamp = os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return {}
        if self._cache[0] == stamp:
            return self._cache[1]
        with open(self.path) as f:
            volumes = json.load(f).get("volumes", {})
        self._cache = (stamp, volumes)
        return volumes

    def get(self, catalog, schema, name):
        return self._load().get(_key(catalog, schema, name))

    def all(self):
        return list(self._load().values())

    def change(self, update):
        """Runs update(volumes) under the lock and saves what it leaves; its result."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        with self._lock, open(self.lock_path, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                self._cache = (None, {})
                volumes = dict(self._load())
                result = update(volumes)
                fd, temporary = tempfile.mkstemp(dir=os.path.dirname(self.path), prefix=".volumes.")
                with os.fdopen(fd, "w") as f:
                    json.dump({"volumes": volumes}, f, indent=1, sort_keys=True)
                    f.write("\n")
                os.replace(temporary, self.path)
                self._cache = (None, {})
                return result
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


_registries = {}
_registries_lock = threading.Lock()


def registry(settings):
    with _registries_lock:
        found = _registries.get(settings.state_dir)
        if found is None:
            found = _registries[settings.state_dir] = Registry(settings.state_dir)
        return found


def _key(catalog, schema, name):
    return f"{catalog.lower()}.{schema.lower()}.{name.lower()}"


# ---------------------------------------------------------------- paths


def split_path(path):
    """(catalog, schema, volume, rest) of /Volumes/c/s/v[/rest] (also dbfs:/Volumes/...),
    names in lower case; None when the path names no volume."""
    if path.startswith("dbfs:/Volumes/"):
        path = path[len("dbfs:"):]
    if not path.startswith("/Volumes/"):
        return None
    parts = path[len("/Volumes/"):].split("/", 3)
    if len(parts) < 3 or not all(parts[:3]):
        return None
    rest = parts[3] if len(parts) > 3 else ""
    return parts[0].lower(), parts[1].lower(), parts[2].lower(), rest


def _spark_location(location):
    """A location as Spark reaches it on the stand-in (s3:// -> s3a://, abfss:// -> abfs://)."""
    if location.startswith("s3://"):
        return "s3a://" + location[len("s3://"):]
    if location.startswith("abfss://"):
        return "abfs://" + location[len("abfss://"):]
    return location


def _managed_location(settings, catalog, schema, name):
    return f"s3://{settings.root_bucket}/{MANAGED_PREFIX}/{catalog}/{schema}/{name}"


def _location(settings, volume):
    if volume["volume_type"] == "MANAGED":
        return _managed_location(settings, volume["catalog"], volume["schema"], volume["name"])
    return volume["storage_location"]


def _s3_place(settings, volume):
    """(bucket, key prefix ending in '/') of a volume on S3; None for one on Azure."""
    location = _location(settings, volume)
    match = re.match(r"^s3a?://([^/]+)/?(.*)$", location)
    if not match:
        return None
    prefix = match.group(2).strip("/")
    return match.group(1), (prefix + "/" if prefix else "")


def _find(settings, catalog, schema, name):
    if catalog not in [c.lower() for c in settings.catalogs]:
        return None
    return registry(settings).get(catalog, schema, name)


def storage_uri(settings, path):
    """/Volumes/<catalog>/<schema>/<volume>/<rest> -> where Spark reads and writes it."""
    split = split_path(path)
    if split is None:
        return path
    catalog, schema, name, rest = split
    if ".." in rest.split("/"):
        raise errors.user_error("INVALID_VOLUME_PATH", f"The path {path!r} leaves its volume: "
                                "'..' is not allowed in a volume path.", "22023", path=path)
    volume = _find(settings, catalog, schema, name)
    if volume is None:
        raise volume_not_found(catalog, schema, name)
    base = _spark_location(_location(settings, volume)).rstrip("/")
    return base + ("/" + rest if rest else "")


# ---------------------------------------------------------------- S3 access

_clients = {}
_clients_lock = threading.Lock()


def _client(settings, signer):
    """boto3 S3 clients with the stand-in's keys: straight to the S3 server, or naming the
    front door's storage endpoint (for presigned links)."""
    key = (settings.s3_endpoint, settings.storage_url, signer)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            config = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                            retries={"max_attempts": 3, "mode": "standard"})
            client = boto3.client("s3", endpoint_url=settings.storage_url if signer else
                                  settings.s3_endpoint, region_name=settings.s3_region,
                                  aws_access_key_id=settings.s3_access_key_id,
                                  aws_secret_access_key=settings.s3_secret_access_key,
                                  config=config)
            _clients[key] = client
        return client


def _exists(settings, bucket, key):
    try:
        _client(settings, False).head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def _presign(session, bucket, key, method):
    settings = session.settings
    if bucket == settings.root_bucket:
        return session.storage.presign(method, key, PRESIGN_SECONDS)
    return _client(settings, True).generate_presigned_url(
        method, Params={"Bucket": bucket, "Key": key}, ExpiresIn=PRESIGN_SECONDS)


def _list_objects(settings, bucket, prefix, delimiter=None):
    paginator = _client(settings, False).get_paginator("list_objects_v2")
    arguments = {"Bucket": bucket, "Prefix": prefix}
    if delimiter:
        arguments["Delimiter"] = delimiter
    try:
        for page in paginator.paginate(**arguments):
            yield page
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") == "NoSuchBucket":
            return
        raise


def delete_files(settings, bucket, prefix):
    keys = []
    for page in _list_objects(settings, bucket, prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    client = _client(settings, False)
    for start in range(0, len(keys), 1000):
        client.delete_objects(Bucket=bucket, Delete={
            "Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})
    return len(keys)


# ---------------------------------------------------------------- resolving names


def current_namespace(spark):
    row = spark.sql("SELECT current_catalog(), current_schema()").collect()[0]
    return row[0], row[1]


def _schemas_of(spark, catalog):
    rows = spark.sql(f"SHOW SCHEMAS IN {sql_text.quote_name(catalog)}").collect()
    return {row[0].lower() for row in rows}


def check_schema(session, catalog, schema, staging=False):
    """Fails unless `catalog` is a Unity Catalog catalog here and `schema` exists in it."""
    settings = session.settings
    if catalog not in [c.lower() for c in settings.catalogs]:
        if staging:
            raise _staging_not_found(f"Catalog '{catalog}'")
        known = [row[0].lower() for row in session.spark.sql("SHOW CATALOGS").collect()]
        if catalog in known or catalog == "hive_metastore":
            raise _not_unity_catalog(catalog, settings)
        raise _catalog_not_found(catalog)
    try:
        schemas = _schemas_of(session.spark, catalog)
    except Exception:
        schemas = set()
    if schema not in schemas:
        if staging:
            raise _staging_not_found(f"Schema '{catalog}.{schema}'")
        raise _schema_not_found(catalog, schema)


def resolve(session, parts):
    """(catalog, schema, name) of a 1-3 part volume name, in lower case."""
    parts = [p.lower() for p in parts]
    if len(parts) > 3:
        raise errors.user_error("REQUIRES_SINGLE_PART_NAMESPACE", f"The volume name "
                                f"{_quoted(*parts)} has too many parts: at most "
                                "catalog.schema.volume.", "42K05")
    if len(parts) == 1:
        catalog, schema = current_namespace(session.spark)
        return catalog.lower(), schema.lower(), parts[0]
    if len(parts) == 2:
        catalog, _ = current_namespace(session.spark)
        return catalog.lower(), parts[0], parts[1]
    return parts[0], parts[1], parts[2]


def _resolve_schema(session, parts):
    parts = [p.lower() for p in parts]
    if not parts:
        catalog, schema = current_namespace(session.spark)
        return catalog.lower(), schema.lower()
    if len(parts) == 1:
        catalog, _ = current_namespace(session.spark)
        return catalog.lower(), parts[0]
    if len(parts) == 2:
        return parts[0], parts[1]
    raise errors.user_error("REQUIRES_SINGLE_PART_NAMESPACE", f"{_quoted(*parts)} is not a "
                            "schema name: at most catalog.schema.", "42K05")


# ---------------------------------------------------------------- results


def _result(columns, rows):
    struct = st.StructType([st.StructField(name, data_type, True) for name, data_type in columns])
    arrow = {STRING: pa.string(), LONG: pa.int64()}
    schema = pa.schema([pa.field(name, arrow[data_type]) for name, data_type in columns])
    data = {name: [row[i] for row in rows] for i, (name, _) in enumerate(columns)}
    return struct, pa.table(data, schema=schema)


def _table_runner(compute, staging=False):
    from . import statements  # statements imports this module
    return statements.TableRunner(compute, staging=staging)


# ---------------------------------------------------------------- staging statements

STAGING_COLUMNS = [("operation", STRING), ("presignedUrl", STRING), ("localFile", STRING),
                   ("headers", STRING)]


def _volume_file(session, path):
    """(volume, bucket, key) of a file in a volume, checking that the volume exists."""
    split = split_path(path)
    if split is None:
        if path.startswith("/Volumes") or path.startswith("dbfs:/Volumes"):
            raise _invalid_path(path, "it names no volume")
        raise _invalid_path(path, "only volume paths can be staged")
    catalog, schema, name, rest = split
    segments = rest.split("/")
    if not rest or rest.endswith("/") or any(s in ("", ".", "..") for s in segments):
        raise _invalid_path(path, "it names no file in the volume")
    check_schema(session, catalog, schema, staging=True)
    volume = _find(session.settings, catalog, schema, name)
    if volume is None:
        raise _staging_not_found(f"Volume '{catalog}.{schema}.{name}'")
    place = _s3_place(session.settings, volume)
    if place is None:
        raise errors.user_error("NOT_SUPPORTED", f"The stand-in cannot stage files in the external "
                                f"volume {_quoted(catalog, schema, name)} on Azure (it holds no key "
                                "to sign links with); read it from Spark instead.", "0A000")
    bucket, prefix = place
    return volume, bucket, prefix + rest


def staging_runner(parser):
    try:
        operation = parser.next().value
        overwrite = False
        if operation == "PUT":
            local = parser.string()
            parser.expect_word("INTO")
            remote = parser.string()
            overwrite = parser.accept_word("OVERWRITE") is not None
        elif operation == "GET":
            remote = parser.string()
            parser.expect_word("TO")
            local = parser.string()
        else:
            remote = parser.string()
            local = None
        if not parser.at_end():
            raise sql_text.SqlSyntaxError(f"unexpected {parser.peek().text!r}")
    except sql_text.SqlSyntaxError as e:
        raise _syntax(e)
    if local is not None and not local.strip():
        raise errors.user_error("EMPTY_LOCAL_FILE_IN_STAGING_ACCESS_QUERY", "Empty local file in "
                                f"staging {operation} query.", "22023")

    def compute(session):
        _, bucket, key = _volume_file(session, remote)
        settings = session.settings
        if operation == "PUT":
            if not overwrite and _exists(settings, bucket, key):
                raise errors.user_error(
                    "FILE_IN_STAGING_PATH_ALREADY_EXISTS", f"File in staging path {remote} already "
                    "exists but OVERWRITE is not specified.", "42K04", path=remote)
            url = _presign(session, bucket, key, "put_object")
        elif operation == "GET":
            url = _presign(session, bucket, key, "get_object")
        else:
            if not _exists(settings, bucket, key):
                raise _staging_not_found(f"File '{remote}'")
            url = _presign(session, bucket, key, "delete_object")
        return _result(STAGING_COLUMNS, [(operation, url, local, "{}")])

    return _table_runner(compute, staging=True)


# ---------------------------------------------------------------- LIST

LIST_COLUMNS = [("path", STRING), ("name", STRING), ("size", LONG), ("modification_time", LONG)]


def list_runner(parser):
    try:
        parser.expect_word("LIST")
        path = parser.string()
        limit = None
        if parser.accept_word("LIMIT"):
            token = parser.next()
            if token.kind != "number" or not token.value.isdigit():
                raise sql_text.SqlSyntaxError(f"expected a row count at {token.text!r}")
            limit = int(token.value)
        if not parser.at_end():
            raise sql_text.SqlSyntaxError(f"unexpected {parser.peek().text!r}")
    except sql_text.SqlSyntaxError as e:
        raise _syntax(e)

    def compute(session):
        return _result(LIST_COLUMNS, _list(session, path, limit))

    return _table_runner(compute)


def _list(session, path, limit):
    settings = session.settings
    split = split_path(path)
    if split is None:
        raise errors.user_error("NOT_SUPPORTED", f"LIST of {path!r}: the stand-in lists volume "
                                "paths only (/Volumes/<catalog>/<schema>/<volume>/...).", "0A000")
    catalog, schema, name, rest = split
    if any(s in (".", "..") for s in rest.split("/")):
        raise _invalid_path(path, "'.' and '..' are not allowed")
    check_schema(session, catalog, schema)
    volume = _find(settings, catalog, schema, name)
    if volume is None:
        raise volume_not_found(catalog, schema, name)
    place = _s3_place(settings, volume)
    if place is None:
        raise errors.user_error("NOT_SUPPORTED", f"The stand-in cannot LIST the external volume "
                                f"{_quoted(catalog, schema, name)} on Azure.", "0A000")
    bucket, prefix = place
    shown = f"/Volumes/{catalog}/{schema}/{name}/"
    rest = rest.strip("/")
    directory = prefix + (rest + "/" if rest else "")
    rows = []
    for page in _list_objects(settings, bucket, directory, "/"):
        for common in page.get("CommonPrefixes", []):
            child = common["Prefix"][len(directory):]
            rows.append((shown + (rest + "/" if rest else "") + child, child, 0, 0))
        for item in page.get("Contents", []):
            child = item["Key"][len(directory):]
            if not child:
                continue  # a directory marker
            rows.append((shown + (rest + "/" if rest else "") + child, child, item["Size"],
                         int(item["LastModified"].timestamp() * 1000)))
    if not rows and rest:
        # A file named by the path itself, or nothing there.
        try:
            head = _client(settings, False).head_object(Bucket=bucket, Key=prefix + rest)
            rows.append((shown + rest, rest.rsplit("/", 1)[-1], head["ContentLength"],
                         int(head["LastModified"].timestamp() * 1000)))
        except ClientError:
            raise errors.user_error("PATH_NOT_FOUND", f"Path does not exist: {path}.", "42K03",
                                    path=path)
    rows.sort(key=lambda r: r[1])
    return rows[:limit] if limit is not None else rows


# ---------------------------------------------------------------- DDL


def ddl_runner(parser):
    """A runner for CREATE/DROP/SHOW/DESCRIBE VOLUME(S), or None for any other statement."""
    first = parser.peek()
    if first is None or first.kind != "word":
        return None
    words = [parser.peek(i) for i in range(1, 3)]
    second = words[0].value if words[0] is not None and words[0].kind == "word" else None
    third = words[1].value if words[1] is not None and words[1].kind == "word" else None
    kind = None
    if first.value == "CREATE" and (second == "VOLUME" or (second == "EXTERNAL" and third == "VOLUME")):
        kind = _create
    elif first.value == "DROP" and second == "VOLUME":
        kind = _drop
    elif first.value == "SHOW" and second == "VOLUMES":
        kind = _show
    elif first.value in ("DESCRIBE", "DESC") and second == "VOLUME":
        kind = _describe
    if kind is None:
        return None
    try:
        return kind(parser)
    except sql_text.SqlSyntaxError as e:
        raise _syntax(e)


def _end(parser):
    if not parser.at_end():
        raise sql_text.SqlSyntaxError(f"unexpected {parser.peek().text!r}")


def _create(parser):
    parser.expect_word("CREATE")
    external = parser.accept_word("EXTERNAL") is not None
    parser.expect_word("VOLUME")
    if_not_exists = False
    if parser.accept_word("IF"):
        parser.expect_word("NOT")
        parser.expect_word("EXISTS")
        if_not_exists = True
    parts = parser.name()
    location = comment = None
    while not parser.at_end():
        if parser.accept_word("LOCATION"):
            location = parser.string()
        elif parser.accept_word("COMMENT"):
            comment = parser.string()
        else:
            raise sql_text.SqlSyntaxError(f"unexpected {parser.peek().text!r}")
    if external and location is None:
        raise errors.user_error("INVALID_PARAMETER_VALUE.LOCATION", "An external volume needs a "
                                "LOCATION.", "22023")
    if location is not None and not external:
        raise errors.user_error("INVALID_PARAMETER_VALUE.LOCATION", "LOCATION is only for external "
                                "volumes: CREATE EXTERNAL VOLUME ... LOCATION '...'.", "22023")
    if location is not None:
        location = _check_location(location)

    if not re.fullmatch(r"[^./\s`\x00-\x1f]+", parts[-1]):
        raise errors.user_error("INVALID_SCHEMA_OR_RELATION_NAME", f"{sql_text.quote_name(parts[-1])} "
                                "is not a valid volume name: it cannot hold '.', '/', blanks, "
                                "backticks or control characters.", "42602")

    def compute(session):
        catalog, schema, name = resolve(session, parts)
        check_schema(session, catalog, schema)
        settings = session.settings
        if location is not None:
            _check_overlap(settings, location)
        now = int(time.time() * 1000)
        record = {"catalog": catalog, "schema": schema, "name": name, "id": str(uuid.uuid4()),
                  "volume_type": "EXTERNAL" if external else "MANAGED",
                  "storage_location": location, "comment": comment, "owner": session.user,
                  "created_at": now, "created_by": session.user}

        def add(volumes):
            key = _key(catalog, schema, name)
            if key in volumes:
                if if_not_exists:
                    return
                raise errors.user_error(
                    "VOLUME_ALREADY_EXISTS", f"Cannot create volume {_quoted(catalog, schema, name)} "
                    "because it already exists. Choose a different name, drop or replace the "
                    "existing object, or add the IF NOT EXISTS clause to tolerate pre-existing "
                    "objects.", "42000", relationName=_quoted(catalog, schema, name))
            volumes[key] = record

        registry(settings).change(add)

    return _table_runner(lambda session: _empty(compute(session)))


def _empty(_):
    # DDL answers with no columns and no rows, as Spark's own DDL does.
    return st.StructType([]), pa.table({})


def _check_location(location):
    text = location.strip()
    if text.startswith("dbfs:/Volumes/") or text.startswith("/Volumes/"):
        raise errors.user_error("INVALID_PARAMETER_VALUE.LOCATION", "A volume's LOCATION cannot be "
                                "inside a volume.", "22023")
    if not re.match(r"^(s3a?://[^/]+|abfss://[^/@]+@[^/]+)(/.*)?$", text):
        raise errors.user_error("INVALID_PARAMETER_VALUE.LOCATION", f"The stand-in's external "
                                f"volumes live on s3:// or abfss:// locations; {location!r} is "
                                "neither.", "22023")
    return text.rstrip("/")


def _comparable(location):
    location = _spark_location(location).rstrip("/") + "/"
    return location.lower() if location.startswith("abfs://") else location


def _check_overlap(settings, location):
    mine = _comparable(location)
    root = _comparable(f"s3://{settings.root_bucket}/")
    if mine.startswith(root) or root.startswith(mine):
        raise errors.user_error("INVALID_PARAMETER_VALUE.LOCATION", f"The location {location!r} "
                                "overlaps the workspace's root storage.", "22023")
    for volume in registry(settings).all():
        if volume["volume_type"] != "EXTERNAL":
            continue
        theirs = _comparable(volume["storage_location"])
        if mine.startswith(theirs) or theirs.startswith(mine):
            raise errors.user_error(
                "INVALID_PARAMETER_VALUE.LOCATION", f"The location {location!r} overlaps the "
                f"external volume {_quoted(volume['catalog'], volume['schema'], volume['name'])}.",
                "22023")


def _drop(parser):
    parser.expect_word("DROP")
    parser.expect_word("VOLUME")
    if_exists = False
    if parser.accept_word("IF"):
        parser.expect_word("EXISTS")
        if_exists = True
    parts = parser.name()
    _end(parser)

    def compute(session):
        catalog, schema, name = resolve(session, parts)
        check_schema(session, catalog, schema)
        settings = session.settings

        volume = registry(settings).get(catalog, schema, name)
        if volume is None:
            if if_exists:
                return
            raise volume_not_found(catalog, schema, name)
        if volume["volume_type"] == "MANAGED":
            # The files first: a volume made again under the name must start empty.
            bucket, prefix = _s3_place(settings, volume)
            delete_files(settings, bucket, prefix)

        def remove(volumes):
            if volumes.get(_key(catalog, schema, name), {}).get("id") == volume["id"]:
                del volumes[_key(catalog, schema, name)]

        registry(settings).change(remove)

    return _table_runner(lambda session: _empty(compute(session)))


def _show(parser):
    parser.expect_word("SHOW")
    parser.expect_word("VOLUMES")
    parts = []
    if parser.accept_word("IN", "FROM"):
        parts = parser.name()
    pattern = None
    if parser.accept_word("LIKE"):
        pattern = parser.string()
    elif parser.peek() is not None and parser.peek().kind == "string":
        pattern = parser.string()
    _end(parser)
    regex = _show_pattern(pattern)

    def compute(session):
        catalog, schema = _resolve_schema(session, parts)
        check_schema(session, catalog, schema)
        names = sorted(v["name"] for v in registry(session.settings).all()
                       if v["catalog"] == catalog and v["schema"] == schema)
        rows = [(schema, n) for n in names if regex is None or regex.match(n)]
        return _result([("database", STRING), ("volume_name", STRING)], rows)

    return _table_runner(compute)


def _show_pattern(pattern):
    """Databricks' SHOW ... LIKE pattern: '*' any text, '|' alternatives, otherwise a
    regular expression; case-insensitive, blanks around trimmed."""
    if pattern is None:
        return None
    alternatives = [p.strip() for p in pattern.strip().split("|")]
    regex = "|".join("(?:" + re.sub(r"(?<![.\\])\*", ".*", p) + ")" for p in alternatives)
    try:
        return re.compile("^(?:" + regex + ")$", re.IGNORECASE)
    except re.error as e:
        raise errors.user_error("INVALID_FORMAT", f"The pattern {pattern!r} is not valid: {e}.",
                                "42601")


DESCRIBE_COLUMNS = [("name", STRING), ("catalog", STRING), ("database", STRING), ("owner", STRING),
                    ("storage_location", STRING), ("volume_type", STRING), ("comment", STRING)]


def _describe(parser):
    parser.expect_word("DESCRIBE", "DESC")
    parser.expect_word("VOLUME")
    parts = parser.name()
    _end(parser)

    def compute(session):
        catalog, schema, name = resolve(session, parts)
        check_schema(session, catalog, schema)
        volume = _find(session.settings, catalog, schema, name)
        if volume is None:
            raise volume_not_found(catalog, schema, name)
        row = (name, catalog, schema, volume.get("owner"), _location(session.settings, volume),
               volume["volume_type"], volume.get("comment"))
        return _result(DESCRIBE_COLUMNS, [row])

    return _table_runner(compute)
