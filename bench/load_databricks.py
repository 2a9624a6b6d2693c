#!/usr/bin/env python3
"""Benchmark: load a generated CSV of N rows and 10 columns from local files into a
Delta table on the local stand-in, three ways in the same run:
  (a) Mortar with fast-write (staged Parquet on the stand-in's S3, loaded by Spark SQL),
  (b) Mortar with plain batched INSERT (timed on a sample and extrapolated when the
      full load would take too long; the output says so),
  (c) Spark loading the same files itself (spark.read.csv then saveAsTable, through
      Spark Connect).
Prints wall times, the ratios against the targets and Mortar's peak RSS.

With --volume, (a) loads through the stand-in's Databricks-faithful warehouse instead:
staged through a Unity Catalog volume (PUT to presigned URLs) into a table in catalog
main; a replace reads the volume's files in one CREATE OR REPLACE TABLE ... AS SELECT
(COPY INTO, which only appends, is what an append uses).

Usage: bench/load_databricks.py [--rows 10000000] [--insert-sample 100000] [--volume]
Needs: scripts/build release, and the stand-in (scripts/workspace up; started if down
unless MORTAR_WORKSPACE_NO_START=1; MORTAR_WORKSPACE_STATE finds one started elsewhere).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MORTAR = os.environ.get("MORTAR_BIN", str(REPO / "build" / "release" / "mortar"))

SPARK_LOAD = r'''
import sys, time
from pyspark.sql import SparkSession
url, path, table, ddl = sys.argv[1:5]
spark = SparkSession.builder.remote(url).getOrCreate()
start = time.perf_counter()
spark.read.csv(path, header=True, schema=ddl).write.format("delta").mode("overwrite").saveAsTable(table)
rows = spark.table(table).count()
print(f"{time.perf_counter() - start:.3f} {rows}")
spark.sql(f"DROP TABLE IF EXISTS {table}")
'''

DDL = ("id BIGINT, k INT, amount DECIMAL(18,2), r DOUBLE, name STRING, day DATE, flag BOOLEAN, "
       "s SMALLINT, ts TIMESTAMP, code STRING")


def workspace(*args):
    return subprocess.run([sys.executable, str(REPO / "scripts" / "workspace"), *args], text=True,
                          stdout=subprocess.PIPE, check=False)


def generate(path: Path, rows: int):
    """The CSV, written in chunks with pyarrow (bounded memory): in the environment
    scripts/setup makes, whatever Python runs this script."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        venv = Path(os.environ.get("MORTAR_CACHE", Path.home() / ".cache" / "mortar")) / "venv"
        subprocess.run([str(venv / "bin" / "python"), __file__, "--generate", str(path), str(rows)],
                       check=True)
        return
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    chunk = 1_000_000
    schema = pa.schema([
            ("id", pa.int64()), ("k", pa.int32()), ("amount", pa.string()), ("r", pa.float64()),
            ("name", pa.string()), ("day", pa.date32()), ("flag", pa.bool_()), ("s", pa.int16()),
            ("ts", pa.timestamp("s")), ("code", pa.string())])
    with pacsv.CSVWriter(str(path), schema) as writer:
        for start in range(0, rows, chunk):
            ids = pa.array(range(start, min(rows, start + chunk)), pa.int64())
            ids_py = ids.to_pylist()
            writer.write_batch(pa.record_batch([
                ids,
                pc.cast(pc.remainder(ids, 1000), pa.int32()),
                pa.array([f"{i // 100}.{i % 100:02d}" for i in ids_py]),
                pc.divide(pc.cast(pc.remainder(ids, 9973), pa.float64()), 9973.0),
                pa.array([f"name-{i % 100000}, x" for i in ids_py]),
                pc.cast(pc.cast(pc.add(pc.remainder(ids, 1500), 18262), pa.int32()), pa.date32()),
                pc.equal(pc.remainder(ids, 2), 0),
                pc.cast(pc.remainder(ids, 32000), pa.int16()),
                pc.cast(pc.add(ids, 1_600_000_000), pa.timestamp("s")),
                pa.array([f"{i % 7919:08x}" for i in ids_py]),
            ], schema=schema))


def mortar(home, *args, check=True):
    return subprocess.run([MORTAR, "--home", str(home), *args], check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def timed_mortar(home, *args):
    """Runs mortar under /usr/bin/time: (wall seconds, peak RSS MiB, stdout)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", MORTAR, "--home", str(home), *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"mortar {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024, result.stdout


def count(home, table):
    return json.loads(mortar(home, "sql", "dbx", f"SELECT COUNT(*) AS n FROM {table}", "--json").stdout)["rows"][0]["n"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--insert-sample", type=int, default=100_000,
                        help="rows loaded with plain INSERT; the full time is extrapolated from them")
    parser.add_argument("--data", type=Path, help="a folder to keep the generated CSV in (reused when it "
                        "already holds one of --rows rows)")
    parser.add_argument("--volume", action="store_true",
                        help="(a) staged through a volume on the Databricks-faithful warehouse")
    args = parser.parse_args()
    if workspace("status").returncode != 0:
        # A stand-in owned by another checkout is found through MORTAR_WORKSPACE_STATE
        # and must not be started from here.
        if os.environ.get("MORTAR_WORKSPACE_NO_START") == "1":
            raise SystemExit("the stand-in is not running and MORTAR_WORKSPACE_NO_START=1")
        subprocess.run([sys.executable, str(REPO / "scripts" / "workspace"), "up"], check=True)
    ws = json.loads(workspace("env", "--json").stdout)
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-load-"))
    os.chmod(work, 0o755)
    home = work / "home"
    run_id = uuid.uuid4().hex[:6]
    try:
        data = args.data.resolve() if args.data else work / "data"
        data.mkdir(parents=True, exist_ok=True)
        os.chmod(data, 0o755)  # Spark reads it
        csv = data / f"load-{args.rows}.csv"
        if not csv.exists():
            print(f"generating {args.rows:,} rows ...", flush=True)
            generate(csv.with_suffix(".tmp"), args.rows)
            csv.with_suffix(".tmp").rename(csv)
        sample = data / "sample.csv"
        with csv.open() as source, sample.open("w") as out:
            for i, line in enumerate(source):
                if i > args.insert_sample:
                    break
                out.write(line)
        print(f"  {csv.stat().st_size / 2**20:.0f} MiB of CSV", flush=True)

        mortar(home, "init")
        mortar(home, "project", "create", "bench")
        token = home / "pat"
        token.write_text(ws["pat"])
        token.chmod(0o600)
        mortar(home, "connection", "add", "stage", "--type", "s3", "--param", f"endpoint={ws['s3_endpoint']}",
               "--param", f"bucket={ws['s3_bucket']}", "--param", "path_style=true",
               "--param", f"region={ws['s3_region']}", "--param", f"access_key_id={ws['s3_access_key_id']}")
        subprocess.run([MORTAR, "--home", str(home), "connection", "set-secret", "stage", "secret_access_key"],
                       input=ws["s3_secret_access_key"] + "\n", text=True, check=True, stdout=subprocess.DEVNULL)
        fast = ["--param", "fast_write.connection=stage",
                "--param", f"fast_write.path=bench-load-staging/{run_id}"]
        fast_path = ws["http_path"]
        if args.volume:
            fast = ["--param", "fast_write.volume=/Volumes/main/bench_load/staging",
                    "--param", f"fast_write.path=bench-load-staging-{run_id}"]
            fast_path = ws["databricks_http_path"]
        for name, path, extra in [("dbx", fast_path, fast), ("dbx_insert", ws["http_path"], [])]:
            mortar(home, "connection", "add", name, "--type", "databricks", "--param", f"host={ws['host']}",
                   "--param", f"port={ws['port']}", "--param", f"http_path={path}",
                   "--param", f"ca_file={ws['ca_file']}", "--param", f"auth.token_file={token}", *extra)
        if args.volume:
            mortar(home, "sql", "dbx", "CREATE SCHEMA IF NOT EXISTS main.bench_load")
            mortar(home, "sql", "dbx", "CREATE VOLUME IF NOT EXISTS main.bench_load.staging")
        mortar(home, "connection", "add", "local", "--type", "filesystem", "--param", f"root={data}")
        mortar(home, "dataset", "import", "local", csv.name, "--name", "load_csv")
        mortar(home, "dataset", "import", "local", "sample.csv", "--name", "sample_csv")
        # The same types as Spark's schema.
        project = home / "projects" / "bench"
        for name in ["load_csv", "sample_csv"]:
            config = json.loads((project / "datasets" / f"{name}.json").read_text())
            for column in config["schema"]:
                column["type"] = {"amount": "decimal(18,2)", "k": "int32", "s": "int16"}.get(
                    column["name"], column["type"])
            (project / "datasets" / f"{name}.json").write_text(json.dumps(config))
        fast_table, insert_table, spark_table = (f"bench_load_{kind}_{run_id}" for kind in ["fast", "insert", "spark"])
        where = {"catalog": "main", "schema": "bench_load"} if args.volume else {}
        for name, connection, table, source in [("fast", "dbx", fast_table, "load_csv"),
                                                 ("insert", "dbx_insert", insert_table, "sample_csv")]:
            params = {"table": table, **(where if name == "fast" else {})}
            (project / "datasets" / f"{name}_out.json").write_text(json.dumps(
                {"name": f"{name}_out", "connection": connection, "type": "sql_table", "params": params}))
            (project / "recipes" / f"{name}.json").write_text(json.dumps(
                {"name": name, "type": "sync", "inputs": [source], "outputs": [f"{name}_out"]}))

        print("(a) fast-write ...", flush=True)
        fast_wall, fast_rss, _ = timed_mortar(home, "recipe", "run", "fast", "--json")
        fast_name = f"main.bench_load.{fast_table}" if args.volume else fast_table
        assert count(home, fast_name) == args.rows, "fast-write loaded the wrong number of rows"
        print(f"  {fast_wall:.1f} s, peak RSS {fast_rss:.0f} MiB", flush=True)

        print(f"(b) plain INSERT of the first {args.insert_sample:,} rows ...", flush=True)
        insert_wall, insert_rss, _ = timed_mortar(home, "recipe", "run", "insert", "--json")
        assert count(home, insert_table) == args.insert_sample
        insert_full = insert_wall * args.rows / args.insert_sample
        print(f"  {insert_wall:.1f} s for {args.insert_sample:,} rows: {insert_full:.0f} s extrapolated "
              f"to {args.rows:,}", flush=True)

        print("(c) Spark's own load (spark.read.csv, saveAsTable, through Spark Connect) ...", flush=True)
        script = work / "spark_load.py"
        script.write_text(SPARK_LOAD)
        start = time.perf_counter()
        spark = subprocess.run([ws["python"], str(script), ws["connect_url"], f"file://{csv}", spark_table, DDL],
                               text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        spark_session_wall = time.perf_counter() - start
        if spark.returncode != 0:
            raise SystemExit("Spark's load failed:\n" + spark.stderr[-3000:])
        spark_wall, spark_rows = spark.stdout.split()[-2:]
        spark_wall = float(spark_wall)
        assert int(spark_rows) == args.rows
        print(f"  {spark_wall:.1f} s ({spark_session_wall:.1f} s with the client's start)", flush=True)

        print()
        print(f"rows: {args.rows:,} (10 columns), {csv.stat().st_size / 2**20:.0f} MiB of CSV")
        print(f"{'load':44} {'wall s':>9} {'peak RSS MiB':>13}")
        kind = "(a) Mortar fast-write" + (", through a volume" if args.volume else "")
        print(f"{kind:44} {fast_wall:9.1f} {fast_rss:13.0f}")
        print(f"{'(b) Mortar INSERT, extrapolated':44} {insert_full:9.1f} {insert_rss:13.0f}")
        print(f"{'(c) Spark spark.read + saveAsTable':44} {spark_wall:9.1f}")
        print(f"fast-write vs INSERT: {insert_full / fast_wall:.1f}x faster (target >= 50x; INSERT extrapolated "
              f"from {args.insert_sample:,} rows)")
        print(f"fast-write vs Spark's own load: {fast_wall / spark_wall:.2f}x its time (target <= 1.3x)")
        print(f"Mortar's peak RSS: {fast_rss:.0f} MiB (target <= 256 MiB)")
    finally:
        for table in [f"bench_load_{kind}_{run_id}" for kind in ["fast", "insert"]]:
            mortar(home, "sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)
        if args.volume:
            mortar(home, "sql", "dbx", f"DROP TABLE IF EXISTS main.bench_load.bench_load_fast_{run_id}",
                   check=False)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--generate"]:
        generate(Path(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
