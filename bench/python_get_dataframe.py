#!/usr/bin/env python3
"""Benchmark: a pandas DataFrame of a whole table of N rows and 10 columns from the
local stand-in, with Mortar's Python API (Dataset.get_dataframe() against `mortar
serve`, as a notebook does) and with PyHive plus pandas (fetchmany of 100,000 rows,
then DataFrame.from_records), one after the other in the same run. Both run with the
stand-in's Python (it has PyHive, pandas and pyarrow). Prints wall time, client CPU
and peak RSS of each Python process, and the ratio.

Usage: bench/python_get_dataframe.py [--rows 5000000]
Needs: scripts/build release, and the stand-in (scripts/workspace up).
"""
import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MORTAR = str(REPO / "build" / "release" / "mortar")

MORTAR_CLIENT = """
import sys, mortar
frame = mortar.Dataset("t").get_dataframe()
print(len(frame), file=sys.stderr)
"""

PYHIVE_CLIENT = """
import ssl, sys
import pandas
from pyhive import hive
import thrift.transport.THttpClient as THttpClient
host, port, path, ca_file, token_file, table = sys.argv[1:7]
transport = THttpClient.THttpClient(f"https://{host}:{port}{path}",
                                    ssl_context=ssl.create_default_context(cafile=ca_file))
transport.setCustomHeaders({"Authorization": "Bearer " + open(token_file).read().strip()})
cursor = hive.connect(thrift_transport=transport).cursor(arraysize=100000)
cursor.execute(f"SELECT * FROM {table}")
rows = []
while True:
    batch = cursor.fetchmany(100000)
    if not batch:
        break
    rows.extend(batch)
frame = pandas.DataFrame.from_records(rows, columns=[d[0] for d in cursor.description])
print(len(frame), file=sys.stderr)
"""


def workspace(*args):
    return subprocess.run([sys.executable, str(REPO / "scripts" / "workspace"), *args], text=True,
                          stdout=subprocess.PIPE, check=False)


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(name, command, env, server_pid):
    server_before = cpu_seconds(server_pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stderr[-2000:]}")
    lines = result.stderr.strip().splitlines()
    rss = int(lines[-1]) / 1024
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    server = cpu_seconds(server_pid) - server_before
    print(f"  {name}: {int(lines[-2]):,} rows, {wall:.1f} s wall, {cpu:.1f} s Python CPU, "
          f"{server:.1f} s mortar serve CPU, {rss:.0f} MiB peak RSS", flush=True)
    return {"name": name, "wall": wall, "cpu": cpu, "server": server, "rss": rss}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    args = parser.parse_args()
    if workspace("status").returncode != 0:
        raise SystemExit("the stand-in is not running: scripts/workspace up")
    ws = json.loads(workspace("env", "--json").stdout)
    table = f"bench_read_{args.rows}"
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-"))
    home = work / "home"

    def cli(*words):
        subprocess.run([MORTAR, "--home", str(home), *words], check=True, stdout=subprocess.DEVNULL)

    cli("init")
    cli("project", "create", "bench")
    token = home / "pat"
    token.write_text(ws["pat"])
    token.chmod(0o600)
    cli("connection", "add", "dbx", "--type", "databricks", "--param", f"host={ws['host']}",
        "--param", f"port={ws['port']}", "--param", f"http_path={ws['http_path']}",
        "--param", f"ca_file={ws['ca_file']}", "--param", f"auth.token_file={token}")
    # The same table as bench/read_databricks.py (created once, then reused).
    cli("sql", "dbx",
        f"CREATE TABLE IF NOT EXISTS {table} USING DELTA AS SELECT id, id % 1000 AS k, "
        "CAST(id * 0.01 AS DECIMAL(18,2)) AS amount, rand(1) AS r, "
        "concat('name-', id % 100000) AS name, date_add(DATE'2020-01-01', CAST(id % 1500 AS INT)) AS day, "
        "id % 2 = 0 AS flag, CAST(id % 32000 AS SMALLINT) AS s, "
        "timestamp_seconds(1600000000 + id) AS ts, md5(CAST(id % 1000 AS STRING)) AS hash "
        f"FROM range({args.rows})")
    cli("dataset", "import", "dbx", table, "--name", "t")
    key = subprocess.run([MORTAR, "--home", str(home), "api-key", "create"], check=True, text=True,
                         stdout=subprocess.PIPE).stdout.strip()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([MORTAR, "--home", str(home), "serve", "--listen", f"127.0.0.1:{port}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "MORTAR_API_URL": f"http://127.0.0.1:{port}",
               "MORTAR_API_KEY": key, "MORTAR_PROJECT": "bench"}
        results = [
            measure("mortar get_dataframe()", [ws["python"], "-c", MORTAR_CLIENT], env, server.pid),
            measure("pyhive + pandas", [ws["python"], "-c", PYHIVE_CLIENT, ws["host"], str(ws["port"]),
                                        ws["http_path"], ws["ca_file"], str(token), table], env, server.pid),
        ]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(f"rows: {args.rows:,} (10 columns), table {table} on the stand-in's Spark Thrift server")
    print(f"{'reader':24} {'wall s':>8} {'Python CPU s':>13} {'serve CPU s':>12} {'Python RSS MiB':>15}")
    for r in results:
        print(f"{r['name']:24} {r['wall']:8.1f} {r['cpu']:13.1f} {r['server']:12.1f} {r['rss']:15.0f}")
    mine, peer = results
    print(f"get_dataframe(): {peer['wall'] / mine['wall']:.2f}x faster than PyHive + pandas in wall time; "
          f"client CPU (Python + mortar serve) {(mine['cpu'] + mine['server']) / peer['cpu']:.2f} of PyHive's")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
