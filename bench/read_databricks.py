#!/usr/bin/env python3
"""Benchmark: read a table of N rows and 10 columns from the local stand-in's Spark
Thrift server (through its TLS front door), to nothing and to a local CSV file, with
Mortar, PyHive and Hive JDBC (beeline), in the same run. Prints wall time, client CPU
time and peak RSS of each, and the server's CPU time during each read.

Usage: bench/read_databricks.py [--rows 10000000]
Needs: scripts/build release, and the stand-in (scripts/workspace up; started if down).
"""
import argparse
import glob
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MORTAR = os.environ.get("MORTAR_BENCH_BIN", str(REPO / "build" / "release" / "mortar"))


def workspace(*args):
    return subprocess.run([sys.executable, str(REPO / "scripts" / "workspace"), *args], text=True,
                          stdout=subprocess.PIPE, check=False)


def running_workspace() -> dict:
    """The stand-in's settings (`scripts/workspace env`), started first if it is down."""
    if workspace("status").returncode != 0:
        subprocess.run([sys.executable, str(REPO / "scripts" / "workspace"), "up"], check=True)
    return json.loads(workspace("env", "--json").stdout)


def add_connection(home: Path, name: str, ws: dict, token: Path, http_path: str, *params: str):
    """Databricks connection `name` on the stand-in, its token read from the file `token`;
    `params`: more KEY=VALUE params (transport=rest)."""
    more = [arg for param in params for arg in ("--param", param)]
    subprocess.run([MORTAR, "--home", str(home), "connection", "add", name, "--type", "databricks",
                    "--param", f"host={ws['host']}", "--param", f"port={ws['port']}",
                    "--param", f"http_path={http_path}", "--param", f"ca_file={ws['ca_file']}",
                    "--param", f"auth.token_file={token}", *more],
                   check=True, stdout=subprocess.DEVNULL)


def server_cpu_seconds(pid: int) -> float:
    # utime + stime of the Spark JVM, in clock ticks.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def databricks_home(work: Path, ws: dict, rows: int, http_path=None):
    """A data directory with the stand-in as connection 'dbx' (the open-source warehouse
    unless `http_path` names another) and the benchmark table of `rows` rows and 10
    columns (made once, kept between runs) imported as dataset 't'."""
    table = f"bench_read_{rows}"
    home = work / "home"
    subprocess.run([MORTAR, "--home", str(home), "init"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([MORTAR, "--home", str(home), "project", "create", "bench"], check=True, stdout=subprocess.DEVNULL)
    token = home / "pat"
    token.write_text(ws["pat"])
    token.chmod(0o600)
    add_connection(home, "dbx", ws, token, http_path or ws["http_path"])
    subprocess.run([MORTAR, "--home", str(home), "sql", "dbx",
                    f"CREATE TABLE IF NOT EXISTS {table} USING DELTA AS SELECT id, id % 1000 AS k, "
                    "CAST(id * 0.01 AS DECIMAL(18,2)) AS amount, rand(1) AS r, "
                    "concat('name-', id % 100000) AS name, date_add(DATE'2020-01-01', CAST(id % 1500 AS INT)) AS day, "
                    "id % 2 = 0 AS flag, CAST(id % 32000 AS SMALLINT) AS s, "
                    "timestamp_seconds(1600000000 + id) AS ts, md5(CAST(id % 1000 AS STRING)) AS hash "
                    f"FROM range({rows})"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([MORTAR, "--home", str(home), "dataset", "import", "dbx", table, "--name", "t"],
                   check=True, stdout=subprocess.DEVNULL)
    return home, token, table


def measure(name, command, spark_pid, env=None, stdout=subprocess.DEVNULL, cap=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu_seconds(spark_pid)
    start = time.perf_counter()
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M", *command], env=env, stdout=stdout,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=cap)
        result = subprocess.CompletedProcess(command, process.returncode, None, stderr)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.communicate()
        print(f"  {name}: stopped after {cap} s without finishing", flush=True)
        return {"name": name, "wall": float("inf"), "cpu": float("inf"), "rss": float("nan"),
                "server_cpu": server_cpu_seconds(spark_pid) - server_before}
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stderr[-2000:]}")
    rss = int(result.stderr.strip().splitlines()[-1]) / 1024
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    row = {"name": name, "wall": wall, "cpu": cpu, "rss": rss,
           "server_cpu": server_cpu_seconds(spark_pid) - server_before}
    print(f"  {name}: {wall:.1f} s wall, {cpu:.1f} s client CPU, {rss:.0f} MiB, "
          f"{row['server_cpu']:.1f} s server CPU", flush=True)
    return row


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--cap", type=int, default=600, help="seconds after which a peer's run is stopped")
    args = parser.parse_args()
    ws = running_workspace()
    spark_pid = int(json.loads(workspace("status", "--json").stdout)["spark"]["pid"])
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-"))
    home, token, table = databricks_home(work, ws, args.rows)

    spark_home = glob.glob(os.path.join(os.path.dirname(os.path.dirname(ws["python"])), "lib", "python*",
                                        "site-packages", "pyspark"))[0]
    truststore = work / "truststore.p12"
    subprocess.run(["keytool", "-importcert", "-noprompt", "-alias", "ca", "-file", ws["ca_file"], "-keystore",
                    str(truststore), "-storetype", "PKCS12", "-storepass", "truststore"], check=True,
                   stdout=subprocess.DEVNULL)
    url = (f"jdbc:hive2://{ws['host']}:{ws['port']}/default;transportMode=http;httpPath={ws['http_path']};"
           f"ssl=true;sslTrustStore={truststore};trustStorePassword=truststore;fetchSize=100000")
    beeline = [os.path.join(spark_home, "bin", "beeline"), "-u", url, "-n", "token", "-w", str(token),
               "--silent=true", "--outputformat=csv2", "--incremental=true", "-e", f"SELECT * FROM {table}"]
    beeline_env = {**os.environ, "SPARK_HOME": spark_home}
    pyhive = [ws["python"], str(REPO / "bench" / "pyhive_read.py"), ws["host"], str(ws["port"]), ws["http_path"],
              ws["ca_file"], str(token), table]

    results = []
    results.append(measure("mortar, to nothing", [MORTAR, "--home", str(home), "dataset", "scan", "t"], spark_pid))
    results.append(measure("pyhive, to nothing", pyhive, spark_pid))
    results.append(measure("beeline, to nothing", beeline, spark_pid, env=beeline_env, cap=args.cap))
    results.append(measure("mortar, to CSV", [MORTAR, "--home", str(home), "dataset", "export", "t",
                                              str(work / "mortar.csv")], spark_pid))
    results.append(measure("pyhive, to CSV", pyhive + [str(work / "pyhive.csv")], spark_pid))
    with (work / "beeline.csv").open("w") as out:
        results.append(measure("beeline, to CSV", beeline, spark_pid, env=beeline_env, stdout=out, cap=args.cap))

    print(f"rows: {args.rows:,} (10 columns), table {table} on the stand-in's Spark Thrift server")
    print(f"{'reader':22} {'wall s':>8} {'client CPU s':>13} {'peak RSS MiB':>13} {'server CPU s':>13}")
    for r in results:
        print(f"{r['name']:22} {r['wall']:8.1f} {r['cpu']:13.1f} {r['rss']:13.0f} {r['server_cpu']:13.1f}")
    for kind in ["to nothing", "to CSV"]:
        mine = next(r for r in results if r["name"] == f"mortar, {kind}")
        peers = [r for r in results if r["name"].endswith(kind) and not r["name"].startswith("mortar")]
        best_wall = min(peers, key=lambda r: r["wall"])
        best_cpu = min(peers, key=lambda r: r["cpu"])
        print(f"{kind}: wall {best_wall['wall'] / mine['wall']:.2f}x the best peer ({best_wall['name']}), "
              f"client CPU {mine['cpu'] / best_cpu['cpu']:.2f} of the best peer's ({best_cpu['name']}), "
              f"peak RSS {mine['rss']:.0f} MiB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
