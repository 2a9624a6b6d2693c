#!/usr/bin/env python3
"""Benchmark: read a table of N rows and 10 columns from the stand-in's Databricks-faithful
warehouse (Arrow, LZ4, CloudFetch), to nothing and to a Parquet file, with Mortar and
with Databricks' own Python connector (databricks-sql-connector, CloudFetch on, its
defaults otherwise; fetchall_arrow and fetchmany_arrow), plus PyHive against the
open-source warehouse as in bench/read_databricks.py, all in one run on the same table.

The warehouse answers FINISHED once every CloudFetch file of the result is written, so
each read's wall time splits into the server producing the result (from the
warehouse's own record, GET /admin/operations) and the client downloading and decoding
it; both are printed. Client CPU is the reader's user+system time; server CPU sums the
stand-in's Spark, warehouse, S3 and front door processes during the read.

One unmeasured read warms Spark up first; each read starts once the stand-in is idle
(the last read's clean-up done); with --repeat N the readers take turns N times
and each measure's median over a reader's runs is reported, with the range of its client
CPU, since the server's time and the peers' CPU vary from run to run.

Every reader reads the same table in the Unity Catalog catalog `main`. Mortar reads it
twice: through the warehouse, and directly ("mortar direct": its Delta files read from
storage with the credentials Unity Catalog vends, params.direct_read), where the
warehouse makes no result at all.

Usage: bench/read_databricks_warehouse.py [--rows 10000000] [--repeat 3] [--skip-pyhive]
Needs: scripts/build release, and the stand-in (scripts/workspace up; started if down).
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_databricks import MORTAR, REPO, databricks_home, running_workspace, workspace  # noqa: E402


def group_cpu_seconds(pgid: int) -> float:
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def server_cpu(status) -> float:
    return sum(group_cpu_seconds(int(status[part]["pid"]))
               for part in ("spark", "warehouse", "s3", "frontdoor"))


def produced_seconds(ws, since):
    """How long the warehouse took to produce the result of the read started after `since`:
    the operation since then with the most rows (each reader words its SELECT its own way)."""
    request = urllib.request.Request(ws["warehouse_admin_url"] + "/operations", headers={
        "Authorization": f"Bearer {ws['warehouse_admin_token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        operations = json.load(response)
    done = [o for o in operations if o["started_ms"] >= since * 1000 and o["completed_ms"]
            and o["rows"]]
    if not done:
        return None
    read = max(done, key=lambda o: o["rows"])
    return (read["completed_ms"] - read["started_ms"]) / 1000, read.get("format"), read.get("files")


def settle(status, quiet_share=0.1, window=0.5, longest=20.0):
    """Waits until the stand-in's processes are idle (under `quiet_share` of a core over
    `window` seconds; at most `longest`): the last read's clean-up (its result files
    deleted, Spark's garbage collected) must not run on the cores the next reader
    measures its CPU on."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = server_cpu(status)
        time.sleep(window)
        if server_cpu(status) - before < quiet_share * window:
            return


def measure(name, command, ws, status, table=None, env=None, stdout=subprocess.DEVNULL):
    settle(status)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(status)
    since = time.time()
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, stdout=stdout,
                            stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{name} failed:\n{result.stderr[-2000:]}")
    rss = int(result.stderr.strip().splitlines()[-1]) / 1024
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    produced = produced_seconds(ws, since) if table else None
    row = {"name": name, "wall": wall, "cpu": cpu, "rss": rss,
           "server_cpu": server_cpu(status) - server_before,
           "produce": produced[0] if produced else None,
           "form": f"{produced[1]}, {produced[2]} files" if produced and produced[2] else
           (produced[1] if produced else "")}
    client = f", client part {wall - row['produce']:.1f} s" if row["produce"] is not None else ""
    print(f"  {name}: {wall:.1f} s wall{client}, {cpu:.1f} s client CPU, {rss:.0f} MiB, "
          f"{row['server_cpu']:.1f} s server CPU {row['form']}", flush=True)
    return row


def median_row(rows):
    """Each measure's median over the repeated runs of one reader, taken apart (a run
    with the median wall time may not have the median CPU: the peers' CPU varies from
    run to run far more than their wall time), and the client CPU's range."""
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]
    produced = [r["produce"] for r in rows if r["produce"] is not None]
    cpus = [r["cpu"] for r in rows]
    return {"name": rows[0]["name"], "wall": median([r["wall"] for r in rows]),
            "produce": median(produced) if len(produced) == len(rows) else None,
            "client": median([r["wall"] - r["produce"] for r in rows])
            if len(produced) == len(rows) else None,
            "cpu": median(cpus), "cpu_range": f"{min(cpus):.1f}-{max(cpus):.1f} s",
            "rss": median([r["rss"] for r in rows]),
            "server_cpu": median([r["server_cpu"] for r in rows])}


def unity_catalog_copy(home, ws, table):
    """The benchmark table copied into the Unity Catalog catalog main (made once, kept),
    which every reader then reads: dataset 't' through the warehouse, and dataset 'direct'
    on connection 'uc', which reads the table's Delta files directly (params.direct_read)
    with the credentials Unity Catalog vends (EXTERNAL USE SCHEMA granted here)."""
    run = [MORTAR, "--home", str(home)]
    quiet = {"check": True, "stdout": subprocess.DEVNULL}
    subprocess.run(run + ["sql", "dbx", "CREATE SCHEMA IF NOT EXISTS main.bench"], **quiet)
    subprocess.run(run + ["sql", "dbx", f"CREATE TABLE IF NOT EXISTS main.bench.{table} "
                          f"AS SELECT * FROM {table}"], **quiet)
    request = urllib.request.Request(
        ws["warehouse_admin_url"] + "/grants", method="POST",
        data=json.dumps({"schema": "main.bench", "principal": ws["user"],
                         "privilege": "EXTERNAL USE SCHEMA", "grant": True}).encode(),
        headers={"Authorization": f"Bearer {ws['warehouse_admin_token']}"})
    urllib.request.urlopen(request, timeout=10).close()
    subprocess.run(run + ["connection", "add", "uc", "--type", "databricks",
                          "--param", f"host={ws['host']}", "--param", f"port={ws['port']}",
                          "--param", f"http_path={ws['databricks_http_path']}",
                          "--param", f"ca_file={ws['ca_file']}",
                          "--param", f"auth.token_file={home / 'pat'}",
                          "--param", "catalog=main", "--param", "schema=bench",
                          "--param", f"direct_read.storage_endpoint={ws['storage_url']}",
                          "--param", f"direct_read.region={ws['s3_region']}",
                          "--param", f"direct_read.ca_file={ws['ca_file']}"], **quiet)
    datasets = home / "projects" / "bench" / "datasets"
    (datasets / "t.json").unlink()
    subprocess.run(run + ["dataset", "import", "dbx", f"main.bench.{table}", "--name", "t"],
                   **quiet)
    subprocess.run(run + ["dataset", "import", "uc", table, "--name", "direct"], **quiet)
    return f"main.bench.{table}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--skip-pyhive", action="store_true")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ws = running_workspace()
    status = json.loads(workspace("status", "--json").stdout)
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-"))
    home, token, table = databricks_home(work, ws, args.rows, http_path=ws["databricks_http_path"])
    table = unity_catalog_copy(home, ws, table)
    settings = work / "ws.json"
    settings.write_text(json.dumps(ws))
    settings.chmod(0o600)
    connector = [ws["python"], str(REPO / "bench" / "connector_read.py"), str(settings), table]
    pyhive = [ws["python"], str(REPO / "bench" / "pyhive_read.py"), ws["host"], str(ws["port"]),
              ws["http_path"], ws["ca_file"], str(token), table]
    mortar = [MORTAR, "--home", str(home), "dataset"]

    readers = [
        ("mortar, to nothing", mortar + ["scan", "t"], table),
        ("mortar direct, to nothing", mortar + ["scan", "direct"], None),
        ("connector fetchall_arrow, to nothing", connector + ["--fetch", "all"], table),
        ("connector fetchmany_arrow, to nothing", connector + ["--fetch", "many"], table),
        ("mortar, to Parquet", mortar + ["export", "t", str(work / "m.parquet")], table),
        ("mortar direct, to Parquet", mortar + ["export", "direct", str(work / "d.parquet")], None),
        ("connector fetchmany_arrow, to Parquet",
         connector + ["--fetch", "many", "--out", str(work / "c.parquet")], table),
    ]
    if not args.skip_pyhive:
        readers += [("pyhive (open source), to nothing", pyhive, None),
                    ("pyhive (open source), to CSV", pyhive + [str(work / "p.csv")], None)]
    measure("warm-up (not counted)", mortar + ["scan", "t"], ws, status, table)
    runs = {name: [] for name, _, _ in readers}
    for _ in range(max(1, args.repeat)):
        for name, command, read_table in readers:
            runs[name].append(measure(name, command, ws, status, read_table))
    results = [median_row(runs[name]) for name, _, _ in readers]

    print(f"\nrows: {args.rows:,} (10 columns), table {table}")
    print(f"{'reader':40} {'wall s':>7} {'server makes s':>14} {'client s':>9} {'client CPU s':>12} "
          f"{'peak RSS MiB':>12} {'server CPU s':>12}")
    for r in results:
        produce = f"{r['produce']:14.1f}" if r["produce"] is not None else f"{'':>14}"
        client = f"{r['client']:9.1f}" if r["client"] is not None else f"{'':>9}"
        print(f"{r['name']:40} {r['wall']:7.1f} {produce} {client} {r['cpu']:12.1f} {r['rss']:12.0f} "
              f"{r['server_cpu']:12.1f}  (client CPU {r['cpu_range']})")
    for kind, peer_names in (("to nothing", ["connector fetchall_arrow, to nothing",
                                             "connector fetchmany_arrow, to nothing"]),
                             ("to Parquet", ["connector fetchmany_arrow, to Parquet"])):
        for path in ("mortar", "mortar direct"):
            mine = next(r for r in results if r["name"] == f"{path}, {kind}")
            for peer in (r for r in results if r["name"] in peer_names):
                line = (f"{kind}: {path} {mine['wall'] / peer['wall']:.2f}x the wall time of "
                        f"{peer['name']}, {mine['cpu'] / peer['cpu']:.2f}x its client CPU")
                if mine["client"] is not None and peer["client"] is not None:
                    line += f"; client part {mine['client'] / peer['client']:.2f}x"
                print(line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
