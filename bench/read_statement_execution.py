#!/usr/bin/env python3
"""Benchmark: read a table of N rows and 10 columns from the stand-in's Databricks-faithful
warehouse through the Statement Execution API (REST, Arrow through external links) with
Mortar (a connection with transport=rest), beside Mortar over Thrift with CloudFetch and
beside Databricks' SDK (databricks-sdk's statement execution client, reading the same
result as Databricks documents it), all in one run on the same table.

Columns as in bench/read_databricks_warehouse.py: wall time split into the server
producing the result and the client's part; client CPU; peak RSS; server CPU.

Usage: bench/read_statement_execution.py [--rows 10000000] [--repeat 3]
Needs: scripts/build release, and the stand-in (scripts/workspace up; started if down).
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_databricks import (MORTAR, REPO, add_connection, databricks_home,  # noqa: E402
                           running_workspace, workspace)
from read_databricks_warehouse import measure  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    ws = running_workspace()
    status = json.loads(workspace("status", "--json").stdout)
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-"))
    home, token, table = databricks_home(work, ws, args.rows, http_path=ws["databricks_http_path"])
    mortar = [MORTAR, "--home", str(home)]
    add_connection(home, "rest", ws, token, ws["databricks_http_path"], "transport=rest")
    subprocess.run(mortar + ["dataset", "import", "rest", table, "--name", "t_rest"], check=True,
                   stdout=subprocess.DEVNULL)
    settings = work / "ws.json"
    settings.write_text(json.dumps(ws))
    settings.chmod(0o600)
    sdk = [ws["python"], str(REPO / "bench" / "sdk_statement_read.py"), str(settings), table]

    readers = [
        ("mortar rest, to nothing", mortar + ["dataset", "scan", "t_rest"]),
        ("mortar thrift, to nothing", mortar + ["dataset", "scan", "t"]),
        ("databricks-sdk, to nothing", sdk),
        ("mortar rest, to Parquet", mortar + ["dataset", "export", "t_rest", str(work / "r.parquet")]),
        ("mortar thrift, to Parquet", mortar + ["dataset", "export", "t", str(work / "t.parquet")]),
    ]
    measure("warm-up (not counted)", mortar + ["dataset", "scan", "t_rest"], ws, status, table)
    runs = {name: [] for name, _ in readers}
    for _ in range(max(1, args.repeat)):
        for name, command in readers:
            runs[name].append(measure(name, command, ws, status, table))
    results = {name: sorted(rows, key=lambda r: r["wall"])[len(rows) // 2]
               for name, rows in runs.items()}

    print(f"\nrows: {args.rows:,} (10 columns), table {table}")
    print(f"{'reader':30} {'wall s':>7} {'server makes s':>14} {'client s':>9} {'client CPU s':>12} "
          f"{'peak RSS MiB':>12} {'server CPU s':>12}")
    for name, r in results.items():
        produce = f"{r['produce']:14.1f}" if r["produce"] is not None else f"{'':>14}"
        client = f"{r['wall'] - r['produce']:9.1f}" if r["produce"] is not None else f"{'':>9}"
        print(f"{name:30} {r['wall']:7.1f} {produce} {client} {r['cpu']:12.1f} {r['rss']:12.0f} "
              f"{r['server_cpu']:12.1f}")
    mine = results["mortar rest, to nothing"]
    for peer_name in ("mortar thrift, to nothing", "databricks-sdk, to nothing"):
        peer = results[peer_name]
        line = (f"to nothing: Mortar over REST {mine['wall'] / peer['wall']:.2f}x the wall time of "
                f"{peer_name}, {mine['cpu'] / peer['cpu']:.2f}x its client CPU")
        if mine["produce"] is not None and peer["produce"] is not None:
            line += (f"; client part "
                     f"{(mine['wall'] - mine['produce']) / (peer['wall'] - peer['produce']):.2f}x")
        print(line)
    rest, thrift = results["mortar rest, to Parquet"], results["mortar thrift, to Parquet"]
    print(f"to Parquet: Mortar over REST {rest['wall'] / thrift['wall']:.2f}x the wall time of "
          f"Mortar over Thrift, {rest['cpu'] / thrift['cpu']:.2f}x its client CPU")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
