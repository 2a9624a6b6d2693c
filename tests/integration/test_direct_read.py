"""Direct reads (params.direct_read) against the stand-in: a Unity Catalog table's Delta
files read from storage with the credentials Unity Catalog vends, partitioned or not,
the same values as Spark's, deletion vectors, column mapping and files named by absolute
URIs included, many small files and their vectors fetched several at once, a long log
listed from its checkpoint, and with the warehouse out of reach; and every reason not
to (no EXTERNAL USE SCHEMA, a timestamp partition value without its zone, a VARIANT
column, a file outside the table, a column's type changed) sending the read through
the warehouse with the reason said, the values the same."""
import json
import os
import re
import time
import uuid
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from azure_container import blobs, get, put
from mortar_cli import REPO, write_json
from stand_in import add_databricks_connection
from test_faithful_warehouse import TYPES_SELECT, same_values, spark_run, spark_table
from warehouse_admin import warehouse_admin

pytestmark = pytest.mark.services("frontdoor", "warehouse", "s3")


def schema_read_directly(mortar, ws, catalog, connection, **direct_read):
    """A new schema of `catalog` and connection `connection` on the Databricks-faithful
    warehouse with these direct_read params (and 'setup', without them); dropped after.
    EXTERNAL USE SCHEMA is granted or not by the test, and revoked after."""
    schema = "dr_" + uuid.uuid4().hex[:8]
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks_connection(mortar, ws, name="setup", http_path=ws["databricks_http_path"])
    mortar.run("sql", "setup", f"CREATE SCHEMA {catalog}.{schema}")
    add_databricks_connection(
        mortar, ws, name=connection, http_path=ws["databricks_http_path"], catalog=catalog,
        schema=schema, **{f"direct_read.{key}": value for key, value in direct_read.items()})
    mortar.schema = schema
    yield mortar
    grant(ws, schema, False, catalog=catalog)
    mortar.run("sql", "setup", f"DROP SCHEMA {catalog}.{schema} CASCADE", check=False)


@pytest.fixture
def direct(mortar, ws):
    """'uc' with direct reads, in a new schema of the catalog main."""
    yield from schema_read_directly(mortar, ws, "main", "uc", storage_endpoint=ws["storage_url"],
                                    region=ws["s3_region"], ca_file=ws["ca_file"])


def grant(ws, schema, given=True, catalog="main"):
    warehouse_admin(ws, "POST", "/grants", {
        "schema": f"{catalog}.{schema}", "principal": ws["user"],
        "privilege": "EXTERNAL USE SCHEMA", "grant": given})


def calls_since(ws, since, method):
    """The stand-in's calls of `method` served from `since` (time.time()) on: by time, as
    its log keeps only the last 10,000 calls."""
    return [call for call in warehouse_admin(ws, "GET", "/calls")
            if call["time"] >= since and call["method"] == method]


def sqlite_output(mortar):
    """Dataset 'out', a table of the embedded SQLite; the project's folder."""
    project = mortar.home / "projects" / "p"
    write_json(project / "datasets" / "out.json",
               {"name": "out", "connection": "sqlite_default", "type": "sql_table",
                "params": {"table": "out"}})
    return project


def export(mortar, ws, dataset, out):
    """Exports the dataset; what it said on stderr, and whether table files were read."""
    since = time.time()
    said = mortar.run("dataset", "export", dataset, str(out)).stderr
    return said, bool(calls_since(ws, since, "TableStorage.GetObject"))


def read_directly(direct, ws, name, tmp_path):
    """Table `name` of the test's schema, EXTERNAL USE SCHEMA granted, imported as a
    dataset and exported, read directly (its files fetched): the rows read, by id, and
    Spark's."""
    grant(ws, direct.schema)
    direct.run("dataset", "import", "uc", name, "--name", name)
    said, read_files = export(direct, ws, name, tmp_path / f"{name}.parquet")
    assert "directly from its Delta files" in said and read_files, said
    expected = spark_table(ws, f"SELECT * FROM main.{direct.schema}.{name} ORDER BY id", tmp_path)
    return pq.read_table(tmp_path / f"{name}.parquet").sort_by("id"), expected


def read_through_the_warehouse(direct, ws, name, tmp_path, select="*"):
    """Table `name` of the test's schema, EXTERNAL USE SCHEMA granted, imported as a
    dataset and exported, read through the warehouse: what Mortar said, the rows read,
    by id, and Spark's (`select` of the table)."""
    grant(ws, direct.schema)
    direct.run("dataset", "import", "uc", name, "--name", name)
    said, _ = export(direct, ws, name, tmp_path / f"{name}.parquet")
    assert "through the warehouse, not directly" in said, said
    expected = spark_table(
        ws, f"SELECT {select} FROM main.{direct.schema}.{name} ORDER BY id", tmp_path)
    return said, pq.read_table(tmp_path / f"{name}.parquet").sort_by("id"), expected


def test_every_type_read_directly_as_spark_returns_it(direct, ws, tmp_path):
    schema = direct.schema
    table = f"main.{schema}.types"
    direct.run("sql", "uc", f"CREATE TABLE {table} AS " + TYPES_SELECT.format(rows=5000))
    # More commits: rows added, rows deleted (files rewritten, as without deletion
    # vectors), and enough commits for a checkpoint (Delta writes one every 10).
    direct.run("sql", "uc", f"INSERT INTO {table} " + TYPES_SELECT.format(rows=10)
               .replace("SELECT id,", "SELECT id + 100000 AS id,", 1))
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id % 7 = 3")
    for n in range(9):
        direct.run("sql", "uc", f"UPDATE {table} SET label = 'u{n}' WHERE id = {n * 10}")
    direct.run("dataset", "import", "uc", "types", "--name", "types")
    expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)

    said, read_files = export(direct, ws, "types", tmp_path / "before.parquet")
    assert "through the warehouse, not directly" in said and "EXTERNAL USE SCHEMA" in said
    assert not read_files
    same_values(pq.read_table(tmp_path / "before.parquet").sort_by("id"), expected)

    grant(ws, schema)
    said_on = direct.json("connection", "test", "uc")["direct reads"]
    assert said_on.startswith("on:") and ws["storage_url"] in said_on, said_on
    said, read_files = export(direct, ws, "types", tmp_path / "direct.parquet")
    assert "directly from its Delta files" in said, said
    assert read_files
    got = pq.read_table(tmp_path / "direct.parquet")
    assert got.num_rows == expected.num_rows
    same_values(got.sort_by("id"), expected)
    assert got.schema == pq.read_table(tmp_path / "before.parquet").schema
    assert direct.json("dataset", "scan", "types")["rows"] == expected.num_rows


def test_a_sync_recipe_reads_directly_and_logs_it(direct, ws):
    schema = direct.schema
    direct.run("sql", "uc", f"CREATE TABLE main.{schema}.src AS SELECT id, "
               "CAST(id AS DECIMAL(38,2)) / 3 AS third, CONCAT('n', id) AS name FROM range(200000)")
    grant(ws, schema)
    direct.run("dataset", "import", "uc", "src", "--name", "src")
    project = sqlite_output(direct)
    write_json(project / "recipes" / "copy.json",
               {"name": "copy", "type": "sync", "inputs": ["src"], "outputs": ["out"]})
    report = direct.json("recipe", "run", "copy")
    assert report["rows"] == 200000
    log = open(report["log"]).read()
    assert "directly from its Delta files" in log, log
    total = direct.json("sql", "sqlite_default", "SELECT COUNT(*) AS n, SUM(id) AS s, "
                        "MAX(name) AS top FROM out")["rows"][0]
    assert (total["n"], total["s"], total["top"]) == (200000, 199999 * 200000 // 2, "n99999")


def test_a_partitioned_table_reads_directly(direct, ws, tmp_path):
    """Each file's partition values come from the log: dates, strings (nulls, slashes,
    accents), decimals, TIMESTAMP (in UTC with its zone in the log) and TIMESTAMP_NTZ
    (without), binary (its bytes as UTF-8 text; empty is null), fractions and nulls
    included; read directly, the values Spark reads."""
    table = f"main.{direct.schema}.parts"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING, day DATE, "
               "region STRING, price DECIMAL(10,2), at TIMESTAMP, local TIMESTAMP_NTZ, "
               "tag BINARY) PARTITIONED BY (day, region, price, at, local, tag)")
    direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('row ', id), "
               "date_add(DATE'2024-02-27', CAST(id % 4 AS INT)), "
               "CASE WHEN id % 5 = 0 THEN NULL ELSE CONCAT('r/', id % 3, ' é') END, "
               "CAST(id % 2 AS DECIMAL(10,2)) + 0.25, "
               "CASE WHEN id % 5 = 0 THEN NULL "
               "ELSE timestamp_micros(1700000000123456 + (id % 4) * 1000001) END, "
               "CASE WHEN id % 4 = 3 THEN NULL ELSE TIMESTAMP_NTZ'1999-12-31 23:59:59.5' + "
               "make_interval(0, 0, 0, 0, 0, 0, id % 2) END, "
               "CASE id % 4 WHEN 0 THEN X'0102' WHEN 1 THEN X'' WHEN 2 THEN NULL "
               "ELSE X'41C3A9' END FROM range(3000)")
    same_values(*read_directly(direct, ws, "parts", tmp_path))


def test_a_timestamp_partition_without_its_zone_goes_through_the_warehouse(
        direct, ws, tmp_path):
    """Older Delta writers wrote TIMESTAMP partition values without a zone, read in the
    reader's session zone: left to the warehouse, with the reason."""
    table = f"main.{direct.schema}.odd"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, at TIMESTAMP) PARTITIONED BY (at)")
    spark_run(ws, [f"INSERT INTO {table} SELECT id, timestamp_seconds(1700000000 + id % 3) "
                   "FROM range(1000)"],
              conf={"spark.databricks.delta.write.utcTimestampPartitionValues": "false"})
    said, got, expected = read_through_the_warehouse(direct, ws, "odd", tmp_path)
    assert "partition value at=2023-11-14 22:13:20 has no time zone" in said, said
    assert got.column("id").to_pylist() == list(range(1000))
    same_values(got, expected)


def test_a_variant_column_goes_through_the_warehouse_saying_why(direct, ws, tmp_path):
    """Delta keeps VARIANT in its binary encoding, which Mortar does not decode: such a
    table is read through the warehouse, with the reason, as the JSON text Spark gives."""
    table = f"main.{direct.schema}.variants"
    direct.run("sql", "uc", f"CREATE TABLE {table} AS SELECT id, CASE WHEN id % 4 = 0 "
               "THEN NULL ELSE parse_json(CONCAT('{\"n\": ', id, ', \"s\": \"é\"}')) END AS v "
               "FROM range(1000)")
    said, got, expected = read_through_the_warehouse(direct, ws, "variants", tmp_path,
                                                     select="id, to_json(v) AS v")
    assert "it uses the reader feature variantType" in said, said
    same_values(got, expected)
    assert got.column("v").to_pylist()[:2] == [None, '{"n":1,"s":"é"}']


@pytest.mark.parametrize("mode", ["name", "id"])
def test_a_table_with_mapped_columns_reads_directly(direct, ws, tmp_path, mode):
    """Column mapping: data files name columns by physical names and ids that stay when
    a column (or a nested field, or the partition column) is renamed or dropped; read
    directly, every column is found as Spark finds it, a column added later is null in
    the older files."""
    schema = direct.schema
    table = f"main.{schema}.mapped"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING, "
               "point STRUCT<x: INT, y: INT>, tags MAP<STRING, STRUCT<v: DECIMAL(10,2)>>, "
               "gone STRING, day DATE) PARTITIONED BY (day) "
               f"TBLPROPERTIES ('delta.columnMapping.mode' = '{mode}')")
    direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('row ', id), "
               "named_struct('x', CAST(id AS INT), 'y', CAST(-id AS INT)), "
               "map('k', named_struct('v', CAST(id / 4 AS DECIMAL(10,2)))), 'g', "
               "date_add(DATE'2024-05-01', CAST(id % 3 AS INT)) FROM range(3000)")
    for change in ("RENAME COLUMN label TO title", "RENAME COLUMN point.x TO px",
                   "RENAME COLUMN day TO d", "DROP COLUMN gone", "ADD COLUMN extra STRING"):
        direct.run("sql", "uc", f"ALTER TABLE {table} {change}")
    direct.run("sql", "uc", f"INSERT INTO {table} (id, title, point, tags, d, extra) "
               "SELECT id, 'new', named_struct('px', 1, 'y', 2), map(), DATE'2024-06-01', "
               "CONCAT('e', id) FROM range(3000, 3100)")
    got, expected = read_directly(direct, ws, "mapped", tmp_path)
    assert expected.column_names == ["id", "title", "point", "tags", "d", "extra"]
    same_values(got, expected)
    assert got.column("point").type.names == ["px", "y"]


def test_rows_deleted_through_deletion_vectors_are_left_out(direct, ws, tmp_path):
    """DELETE and UPDATE on a table with deletion vectors mark rows in vector files
    instead of rewriting the data files: read directly, those rows are gone, as Spark
    reads them, over several files and past checkpoints."""
    schema = direct.schema
    table = f"main.{schema}.dv"
    # A checkpoint every three commits, so that vectors come from one as well.
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING, day DATE) "
               "PARTITIONED BY (day) TBLPROPERTIES ('delta.enableDeletionVectors' = true, "
               "'delta.checkpointInterval' = 3)")
    direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('row ', id), "
               "date_add(DATE'2024-03-01', CAST(id % 2 AS INT)) FROM range(200000)")
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id % 7 = 0")  # many rows
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id BETWEEN 1000 AND 1999")  # a run
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id = 123457")  # one row
    for n in range(2):  # an update moves rows: deleted in a vector, written again
        direct.run("sql", "uc", f"UPDATE {table} SET label = 'u{n}' WHERE id = {n * 1000 + 5}")
    history = direct.json("sql", "uc", f"DESCRIBE HISTORY {table}")["rows"]
    vectors_added = sum(int((row["operationMetrics"] or {}).get("numDeletionVectorsAdded", 0))
                        for row in history)
    assert vectors_added >= 4, history  # the rows were marked, not rewritten
    grant(ws, schema)
    direct.run("dataset", "import", "uc", "dv", "--name", "dv")
    since = time.time()
    said, read_files = export(direct, ws, "dv", tmp_path / "dv.parquet")
    assert "directly from its Delta files" in said and read_files, said
    vectors = calls_since(ws, since, "TableStorage.GetObject")
    assert vectors  # the vector files were read too (besides the log and data files)
    expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
    got = pq.read_table(tmp_path / "dv.parquet").sort_by("id")
    assert got.num_rows == expected.num_rows
    same_values(got, expected)


def test_deleted_rows_are_found_across_the_row_groups_of_a_file(direct, ws, tmp_path):
    """A deletion vector numbers rows from the file's start; written with small row
    groups (several in each file), the rows deleted in later row groups are left out
    too, and no others."""
    table = f"main.{direct.schema}.groups"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING) "
               "TBLPROPERTIES ('delta.enableDeletionVectors' = true)")
    spark_run(ws, [f"INSERT INTO {table} SELECT id, CONCAT('row ', id, ' ', repeat('x', 40)) "
                   "FROM range(300000)"], conf={"parquet.block.size": str(1 << 20)})
    location = direct.json("sql", "uc", f"DESCRIBE DETAIL {table}")["rows"][0]["location"]
    files = list(Path(location.removeprefix("file:")).glob("*.parquet"))
    assert any(pq.ParquetFile(f).num_row_groups > 2 for f in files), files
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id % 1000 = 999 OR id BETWEEN "
               "150000 AND 150099")
    history = direct.json("sql", "uc", f"DESCRIBE HISTORY {table}")["rows"]
    assert int((history[0]["operationMetrics"] or {}).get("numDeletionVectorsAdded", 0)) > 0
    got, expected = read_directly(direct, ws, "groups", tmp_path)
    assert got.num_rows == 300000 - 300 - 100
    same_values(got, expected)


def test_a_table_with_v2_checkpoints_reads_directly(direct, ws, tmp_path):
    """v2 checkpoints (Databricks' for liquid-clustered tables) are UUID-named and keep
    the table's files in sidecar files: read directly, from the checkpoint, its sidecars
    and the commits after it, the log listed from the checkpoint on, Spark's rows."""
    table = f"main.{direct.schema}.v2"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING) TBLPROPERTIES "
               "('delta.checkpointPolicy' = 'v2', 'delta.checkpointInterval' = 2)")
    for n in range(4):
        direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('batch {n} ', id) "
                   f"FROM range({n * 1000}, {n * 1000 + 1000})")
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id % 10 = 0")
    location = direct.json("sql", "uc", f"DESCRIBE DETAIL {table}")["rows"][0]["location"]
    log = Path(location.removeprefix("file:")) / "_delta_log"
    assert list(log.glob("*.checkpoint.*-*-*-*-*.*")) and list((log / "_sidecars").glob("*")), \
        sorted(p.name for p in log.iterdir())
    since = time.time()
    got, expected = read_directly(direct, ws, "v2", tmp_path)
    assert got.num_rows == 3600
    same_values(got, expected)
    read = [call["path"] for call in calls_since(ws, since, "TableStorage.GetObject")]
    assert any("/_delta_log/_sidecars/" in path for path in read), read
    assert not any(path.endswith("/_delta_log/00000000000000000000.json") for path in read), read
    # The log fits in the first page of its listing, asked for beside _last_checkpoint:
    # listed once, from its start (a long log: the test below).
    assert json.loads((log / "_last_checkpoint").read_text())["version"] >= 2
    listings = calls_since(ws, since, "TableStorage.ListObjectsV2")
    assert [call["start_after"] for call in listings] == [""], listings


def test_a_long_log_is_listed_from_its_checkpoint_after_its_first_page(direct, ws, tmp_path):
    """A busy table's log holds a thousand commits and more (a stream's micro-batches,
    most of them empty). The first page of its listing, asked for beside
    `_last_checkpoint`, holds S3's 1,000 keys: without a checkpoint the log is listed on
    after that page; with one past it, from the checkpoint the hint names, as Delta
    lists it. Both times, the rows Spark wrote."""
    table = f"main.{direct.schema}.long_log"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, label STRING) "
               "TBLPROPERTIES ('delta.checkpointInterval' = 1100)")
    location = direct.json("sql", "uc", f"DESCRIBE DETAIL {table}")["rows"][0]["location"]
    log = Path(location.removeprefix("file:")) / "_delta_log"
    # Commits 1 to 1,098, a streaming query's empty micro-batches, written beside Spark's.
    query, now = str(uuid.uuid4()), int(time.time() * 1000)
    for version in range(1, 1099):
        actions = [{"commitInfo": {"timestamp": now, "operation": "STREAMING UPDATE",
                                   "operationParameters": {"outputMode": "Append",
                                                           "queryId": query,
                                                           "epochId": str(version)},
                                   "isBlindAppend": True}},
                   {"txn": {"appId": query, "version": version, "lastUpdated": now}}]
        (log / f"{version:020d}.json").write_text(
            "".join(json.dumps(action) + "\n" for action in actions))

    def insert(first):
        direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('row ', id) "
                   f"FROM range({first}, {first + 1000})")

    def log_listings(since):
        return [call["start_after"].rpartition("/")[2]
                for call in calls_since(ws, since, "TableStorage.ListObjectsV2")
                if call["prefix"].endswith(f"{location.rpartition('/')[2]}/_delta_log/")]

    insert(0)  # version 1099: no checkpoint yet
    assert not (log / "_last_checkpoint").exists()
    keys = sorted(path.relative_to(log).as_posix() for path in log.rglob("*") if path.is_file())
    assert len(keys) > 1100, keys

    def read(rows):
        since = time.time()
        out = tmp_path / f"{rows}.parquet"
        said, read_files = export(direct, ws, "long_log", out)
        assert "directly from its Delta files" in said and read_files, said
        got = pq.read_table(out).sort_by("id").to_pydict()
        assert got == {"id": list(range(rows)), "label": [f"row {n}" for n in range(rows)]}
        return log_listings(since)

    grant(ws, direct.schema)
    direct.run("dataset", "import", "uc", "long_log", "--name", "long_log")
    # The first page, then on after its last key.
    assert read(1000) == ["", keys[999]]

    insert(1000)  # version 1100, checkpointed
    insert(2000)
    assert json.loads((log / "_last_checkpoint").read_text())["version"] == 1100
    # The first page ends before the checkpoint: then listed from it.
    assert read(3000) == ["", f"{1100:020d}"]


def test_a_table_whose_types_were_widened_reads_directly(direct, ws, tmp_path):
    """Type widening: ALTER COLUMN ... TYPE to a wider type leaves the older files with
    the narrower one; read directly, their values come widened, as Spark gives them."""
    table = f"main.{direct.schema}.widened"
    direct.run("sql", "uc", f"CREATE TABLE {table} (id BIGINT, small SHORT, n INT, "
               "price DECIMAL(10,2), f FLOAT, day DATE, point STRUCT<x: INT>) "
               "TBLPROPERTIES ('delta.enableTypeWidening' = true, "
               "'delta.feature.timestampNtz' = 'supported')")
    direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CAST(id % 300 AS SHORT), "
               "CAST(id AS INT) * 1000, CAST(id / 8 AS DECIMAL(10,2)), CAST(id / 4 AS FLOAT), "
               "date_add(DATE'2024-01-01', CAST(id % 30 AS INT)), named_struct('x', CAST(id AS INT)) "
               "FROM range(2000)")
    for change in ("small TYPE INT", "n TYPE BIGINT", "price TYPE DECIMAL(14,4)", "f TYPE DOUBLE",
                   "day TYPE TIMESTAMP_NTZ", "point.x TYPE BIGINT"):
        direct.run("sql", "uc", f"ALTER TABLE {table} ALTER COLUMN {change}")
    direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, 100000, 5000000000, 1234567890.1234, "
               "1.0E300, TIMESTAMP_NTZ'2024-02-01 12:00:00', named_struct('x', 9000000000) "
               "FROM range(2000, 2010)")
    protocol = direct.json("sql", "uc", f"DESCRIBE DETAIL {table}")["rows"][0]["tableFeatures"]
    assert "typeWidening" in protocol, protocol
    got, expected = read_directly(direct, ws, "widened", tmp_path)
    same_values(got, expected)
    assert str(got.schema.field("price").type) == "decimal128(14, 4)"


def test_a_table_whose_types_changed_is_refused_as_through_the_warehouse(direct, ws, tmp_path):
    schema = direct.schema
    table = f"main.{schema}.changed"
    direct.run("sql", "uc", f"CREATE TABLE {table} AS SELECT id, CAST(id AS INT) AS n "
               "FROM range(100)")
    grant(ws, schema)
    direct.run("dataset", "import", "uc", "changed", "--name", "changed")
    direct.run("sql", "uc", f"CREATE OR REPLACE TABLE {table} AS SELECT id, "
               "CONCAT('n', id) AS n FROM range(100)")
    since = time.time()
    refused = direct.run("dataset", "export", "changed", str(tmp_path / "changed.parquet"),
                         check=False)
    assert refused.returncode != 0
    assert "column 'n' is string in table" in refused.stderr, refused.stderr
    assert "mortar dataset detect" in refused.stderr
    # The table's log tells the direct read so before any of its data files is read.
    assert "not directly: Mortar does not read its files: column n is string in the table's " \
        "Delta schema, int32 in the dataset" in refused.stderr, refused.stderr
    read = [call["path"] for call in calls_since(ws, since, "TableStorage.GetObject")]
    assert read and not [path for path in read if path.endswith(".parquet")], read
    assert not (tmp_path / "changed.parquet").exists()


def test_a_table_reads_directly_with_its_warehouse_out_of_reach(direct, ws, tmp_path):
    """A direct read asks Unity Catalog and the table's storage only: the columns and
    their types come from the table's Delta log. So it reads while the connection's
    warehouse cannot be reached (a stopped one would be started by a query, and waited
    for); a read that must go through the warehouse then says why it fails."""
    table = f"main.{direct.schema}.no_warehouse"
    direct.run("sql", "uc", f"CREATE TABLE {table} AS SELECT id, CAST(id / 4 AS DECIMAL(12,2)) "
               "AS price FROM range(5000)")
    expected = read_directly(direct, ws, "no_warehouse", tmp_path)[1]
    direct.run("connection", "set", "uc", "--param",
               "http_path=/sql/1.0/warehouses/0123456789abcdef")
    said, read_files = export(direct, ws, "no_warehouse", tmp_path / "out.parquet")
    assert "directly from its Delta files" in said and read_files, said
    same_values(pq.read_table(tmp_path / "out.parquet").sort_by("id"), expected)
    # A preview has a row limit: through the warehouse, which is not there.
    refused = direct.run("dataset", "preview", "no_warehouse", check=False)
    assert refused.returncode != 0 and "0123456789abcdef" in refused.stderr, refused.stderr


def test_python_reads_the_table_directly(direct, ws, tmp_path):
    schema = direct.schema
    direct.run("sql", "uc", f"CREATE TABLE main.{schema}.types AS " + TYPES_SELECT.format(rows=2000))
    grant(ws, schema)
    direct.run("dataset", "import", "uc", "types", "--name", "types")
    project = sqlite_output(direct)
    arrow_file = tmp_path / "arrow.parquet"
    code = f"""
import decimal, mortar
import pyarrow.parquet as pq
types = mortar.Dataset("types")
pq.write_table(types.to_arrow(), {str(arrow_file)!r})
df = types.get_dataframe()
assert isinstance(df.sort_values("id").iloc[1].d38, decimal.Decimal)
mortar.Dataset("out").write_with_schema(df[["id"]])
"""
    write_json(project / "recipes" / "read.json",
               {"name": "read", "type": "python", "inputs": ["types"], "outputs": ["out"],
                "params": {"code": code}})
    since = time.time()
    direct.run("build", "out", env={**os.environ, "PYTHONPATH": str(REPO / "python")})
    assert calls_since(ws, since, "TableStorage.GetObject")  # the files, not a result
    expected = spark_table(ws, f"SELECT * FROM main.{schema}.types ORDER BY id", tmp_path)
    same_values(pq.read_table(arrow_file).sort_by("id"), expected)


def test_a_read_outlasting_its_credentials_renews_them(direct, ws, tmp_path):
    """Credentials vended for less than the lead (five minutes before expiry) are renewed
    before each read of the table's files: the read goes on with new keys."""
    schema = direct.schema
    table = f"main.{schema}.long"
    direct.run("sql", "uc", f"CREATE TABLE {table} AS SELECT id, CONCAT('r', id) AS label "
               "FROM range(20000)")
    for step in range(3):  # more files, each read with whatever credentials are current
        direct.run("sql", "uc", f"INSERT INTO {table} SELECT id + {(step + 1) * 20000}, "
                   "CONCAT('r', id) FROM range(20000)")
    grant(ws, schema)
    direct.run("dataset", "import", "uc", "long", "--name", "long")
    previous = warehouse_admin(ws, "POST", "/settings", {"table_credential_ttl_seconds": 60})
    try:
        before = time.time()
        said, read_files = export(direct, ws, "long", tmp_path / "renewed.parquet")
        assert "directly from its Delta files" in said and read_files, said
        vended = calls_since(ws, before, "UnityCatalog.TemporaryTableCredentials")
        keys = {call["access_key"] for call in calls_since(ws, before, "TableStorage.GetObject")}
        assert len(vended) >= 3 and len(keys) >= 2, (len(vended), keys)
        got = pq.read_table(tmp_path / "renewed.parquet").sort_by("id")
        assert got.column("id").to_pylist() == list(range(80000))

        refused = direct.run("connection", "set", "uc", "--param",
                             "direct_read.renew_before_seconds=-1", check=False)
        assert refused.returncode != 0 and "renew_before_seconds': must be between" in \
            refused.stderr, refused.stderr
        # With no lead, credentials of a minute serve the whole read: vended once.
        direct.run("connection", "set", "uc", "--param", "direct_read.renew_before_seconds=0")
        before = time.time()
        said, read_files = export(direct, ws, "long", tmp_path / "once.parquet")
        assert "directly from its Delta files" in said and read_files, said
        assert len(calls_since(ws, before, "UnityCatalog.TemporaryTableCredentials")) == 1
        assert pq.read_table(tmp_path / "once.parquet").num_rows == 80000
    finally:
        warehouse_admin(ws, "POST", "/settings", previous)


def test_a_table_of_many_small_files_reads_several_files_at_once(direct, ws, tmp_path):
    """A table written a file per small batch (as streams write them) costs a round trip
    per file, not bytes: footers, row groups and deletion vectors are fetched several at
    once, and so are the commits. The stand-in holds each read of the table's files 50 ms
    (S3's latency; served from disk it has none), so reads asked for together are in
    flight together there."""
    table = f"main.{direct.schema}.small_files"
    direct.run("sql", "uc", f"CREATE TABLE {table} TBLPROPERTIES "
               "('delta.enableDeletionVectors' = true) AS SELECT /*+ REPARTITION(40) */ id, "
               "CONCAT('row ', id) AS label FROM range(4000)")
    direct.run("sql", "uc", f"DELETE FROM {table} WHERE id % 10 = 0")  # a vector per file
    for n in range(3):  # more commits, no checkpoint yet (one every 10)
        direct.run("sql", "uc", f"INSERT INTO {table} SELECT id, CONCAT('row ', id) "
                   f"FROM range({4000 + n * 10}, {4010 + n * 10})")
    previous = warehouse_admin(ws, "POST", "/settings", {"table_storage_latency_ms": 50})
    try:
        since = time.time()
        got, expected = read_directly(direct, ws, "small_files", tmp_path)
    finally:
        warehouse_admin(ws, "POST", "/settings", previous)
    assert got.num_rows == 3630
    same_values(got, expected)
    reads = calls_since(ws, since, "TableStorage.GetObject")
    commits = sorted(call["time"] for call in reads if re.search(r"/\d{20}\.json$", call["path"]))
    # One after another, the five would span at least four holds (200 ms).
    assert len(commits) == 5, reads
    assert max(commits) - min(commits) < 0.1, commits
    data = [call for call in reads if call["path"].endswith(".parquet")]
    assert len({call["path"] for call in data}) >= 30, data  # Spark may leave some empty
    assert max(call["in_flight"] for call in data) >= 4, data
    # More at once than Arrow's default 8 I/O threads, over connections kept from read to
    # read (a connection per read would be some 130 here).
    assert max(call["in_flight"] for call in reads) > 8, reads
    connections = {call["connection"] for call in reads}
    assert None not in connections and len(connections) <= 20, connections
    # The log's listing is asked for beside `_last_checkpoint` (a 404 here), not after it.
    hints = [call for call in reads if call["path"].endswith("/_delta_log/_last_checkpoint")]
    assert len(hints) == 1, hints
    listings = [call for call in calls_since(ws, since, "TableStorage.ListObjectsV2")
                if hints[0]["path"].endswith("/" + call["prefix"] + "_last_checkpoint")]
    assert len(listings) == 1 and abs(listings[0]["time"] - hints[0]["time"]) < 0.04, listings
    # Read one after another, each vector would be asked for 50 ms after the one before.
    vectors = sorted(call["time"] for call in reads if "/deletion_vector_" in call["path"])
    assert len(vectors) >= 30, reads
    assert min(b - a for a, b in zip(vectors, vectors[1:])) < 0.04, vectors


@pytest.fixture
def on_azure(mortar, ws):
    """'az' with direct reads, in a new schema of the catalog adls (tables in Azurite)."""
    # The Blob endpoint, path-style on Azurite, "{account}" standing for the table's account.
    mortar.blob_endpoint = ws["azure_endpoint"].rsplit("/", 1)[0] + "/{account}"
    yield from schema_read_directly(mortar, ws, "adls", "az", azure_endpoint=mortar.blob_endpoint)


@pytest.mark.services("frontdoor", "warehouse", "s3", "azurite")
def test_a_table_in_azure_storage_reads_directly_with_a_sas(on_azure, ws, tmp_path):
    """A table of the catalog in Azure storage (abfss://, on Azurite): Unity Catalog
    vends a SAS token for it and Mortar reads its files from the Blob service, none
    through the S3 endpoint, the values Spark reads, rows deleted left out."""
    mortar, schema = on_azure, on_azure.schema
    table = f"adls.{schema}.types"
    mortar.run("sql", "az", f"CREATE TABLE {table} AS " + TYPES_SELECT.format(rows=3000))
    mortar.run("sql", "az", f"DELETE FROM {table} WHERE id % 7 = 3")
    grant(ws, schema, catalog="adls")
    said_on = mortar.json("connection", "test", "az")["direct reads"]
    assert mortar.blob_endpoint in said_on, said_on
    mortar.run("dataset", "import", "az", "types", "--name", "types")
    before = time.time()
    said, read_s3 = export(mortar, ws, "types", tmp_path / "direct.parquet")
    assert "directly from its Delta files" in said, said
    assert not read_s3
    vended = calls_since(ws, before, "UnityCatalog.TemporaryTableCredentials")
    assert len(vended) == 1, vended
    expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
    assert expected.num_rows == 3000 - len(range(3, 3000, 7))
    same_values(pq.read_table(tmp_path / "direct.parquet").sort_by("id"), expected)

    # SAS tokens of a minute, under the five minutes' lead: a new one before each read.
    previous = warehouse_admin(ws, "POST", "/settings", {"table_credential_ttl_seconds": 60})
    try:
        before = time.time()
        said, _ = export(mortar, ws, "types", tmp_path / "renewed.parquet")
        assert "directly from its Delta files" in said, said
        assert len(calls_since(ws, before, "UnityCatalog.TemporaryTableCredentials")) >= 3
    finally:
        warehouse_admin(ws, "POST", "/settings", previous)
    same_values(pq.read_table(tmp_path / "renewed.parquet").sort_by("id"), expected)


@pytest.mark.services("frontdoor", "warehouse", "s3", "azurite")
def test_files_named_by_absolute_uris_inside_the_table_read_directly(on_azure, ws, tmp_path):
    """A log may name a table's own data files and deletion vectors by absolute URIs
    (storage type 'p') rather than relative paths, as shallow clones and tables converted
    from Parquet do: a commit naming the table's files that way, written beside Spark's,
    is read directly, the rows Spark reads; a shallow clone of it, whose log names the
    source's files, is read through the warehouse."""
    mortar, schema = on_azure, on_azure.schema
    table = f"adls.{schema}.absolute"
    mortar.run("sql", "az", f"CREATE TABLE {table} (id BIGINT, label STRING) "
               "TBLPROPERTIES ('delta.enableDeletionVectors' = true)")
    mortar.run("sql", "az", f"INSERT INTO {table} SELECT id, CONCAT('row ', id) FROM range(3000)")
    mortar.run("sql", "az", f"DELETE FROM {table} WHERE id % 5 = 2")
    root = f"catalogs/adls/{schema}/absolute/"
    uri = f"abfs://{ws['azure_container']}@{ws['azure_account']}.dfs.core.windows.net/{root}"
    names = blobs(ws, root)
    vector_files = [name for name in names if "deletion_vector_" in name]
    assert len(vector_files) == 1, names  # one DELETE: one vector file, a bitmap per data file
    commits = sorted(name for name in names if re.search(r"/_delta_log/\d{20}\.json$", name))
    latest = [json.loads(line) for line in get(ws, commits[-1]).decode().splitlines() if line]
    rewritten = [action["add"] for action in latest if "add" in action]
    assert rewritten and all(add.get("deletionVector") for add in rewritten), latest
    # The DELETE's files again, each named by its URI, the first with its vector still
    # relative ('u'), the others with it at its absolute path ('p').
    actions = [{"commitInfo": {"timestamp": int(time.time() * 1000), "operation": "REORG"}}]
    for n, add in enumerate(rewritten):
        actions.append({"remove": {**add, "dataChange": False, "extendedFileMetadata": True,
                                   "deletionTimestamp": int(time.time() * 1000)}})
        moved = {**add, "path": uri + add["path"], "dataChange": False}
        if n > 0:
            moved["deletionVector"] = {**add["deletionVector"], "storageType": "p",
                                       "pathOrInlineDv": uri + vector_files[0][len(root):]}
        actions.append({"add": moved})
    version = int(commits[-1][-25:-5]) + 1
    put(ws, f"{root}_delta_log/{version:020d}.json",
        "".join(json.dumps(action) + "\n" for action in actions).encode())

    grant(ws, schema, catalog="adls")
    mortar.run("dataset", "import", "az", "absolute", "--name", "absolute")
    said, _ = export(mortar, ws, "absolute", tmp_path / "absolute.parquet")
    assert "directly from its Delta files" in said, said
    expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
    assert expected.num_rows == 3000 - len(range(2, 3000, 5))
    same_values(pq.read_table(tmp_path / "absolute.parquet").sort_by("id"), expected)

    # A shallow clone names its source's files, outside its own location, where its
    # credentials may not reach: read through the warehouse.
    mortar.run("sql", "az", f"CREATE TABLE adls.{schema}.clone SHALLOW CLONE {table}")
    mortar.run("dataset", "import", "az", "clone", "--name", "clone")
    said, _ = export(mortar, ws, "clone", tmp_path / "clone.parquet")
    assert "through the warehouse, not directly" in said and "outside the table" in said, said
    same_values(pq.read_table(tmp_path / "clone.parquet").sort_by("id"), expected)
