#!/usr/bin/env python3
"""Benchmark: Mortar's local engine against DuckDB on the same CSV, in the same run.

Five recipes read a generated CSV of N orders (10 columns, as bench/sync_csv_to_sqlite.py
writes it) and write a Parquet file, on Mortar's local engine (`mortar recipe run`, files
in and out); DuckDB (the `duckdb` package from PyPI, in a virtual environment of its
own under ~/.cache/mortar/bench-duckdb, at its default settings: every core, 80% of the
memory) runs the same query on the same file with COPY ... TO a Parquet file:
  group    by customer (about 100,000 groups): count, sum of amounts, largest quantity
  window   per customer by date: row_number and a running sum of amounts
  join     each order with its customer's row (a second CSV of 100,000 customers)
  sort     every order by amount, largest first, then id
  top_n    the 10 largest orders of each status
Each is timed as one process from start to finish (wall time and peak RSS, by GNU time);
the ratio is Mortar's time over DuckDB's (the issue's target: at most 1.5). Both
outputs' row counts are compared.

Usage: bench/local_engine_vs_duckdb.py [--rows 5000000] [--only group,window]
Needs a release build: scripts/build release.
"""
import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sync_csv_to_sqlite import REPO, generate  # noqa: E402

MORTAR = str(REPO / "build" / "release" / "mortar")
DUCKDB_VERSION = "2.0.0"
DUCKDB_VENV = Path.home() / ".cache" / "mortar" / "bench-duckdb"

RECIPES = {
    "group": ("group", ["orders"], {
        "keys": ["customer_id"], "count": True,
        "aggregations": [{"column": "amount", "functions": ["sum"]},
                         {"column": "quantity", "functions": ["max"]}]}),
    "window": ("window", ["orders"], {
        "partition_by": ["customer_id"], "order_by": [{"column": "order_date"}, {"column": "id"}],
        "computations": [{"function": "row_number", "output": "n"},
                         {"function": "cumulative_sum", "column": "amount"}]}),
    "join": ("join", ["orders", "customers"], {
        "joins": [{"type": "inner", "on": [{"left": "customer_id", "right": "customer_id"}]}],
        "select": [{"input": "orders", "prefix": "o_"}, {"input": "customers", "prefix": "c_"}]}),
    "sort": ("sort", ["orders"], {
        "order_by": [{"column": "amount", "descending": True}, {"column": "id"}]}),
    "top_n": ("top_n", ["orders"], {
        "n": 10, "partition_by": ["status"], "order_by": [{"column": "amount", "descending": True}],
        "rank_column": "rank"}),
}

ORDERS = "read_csv('{orders}', header = true)"
QUERIES = {
    "group": "SELECT customer_id, COUNT(*) AS count, SUM(amount) AS amount_sum, "
             "MAX(quantity) AS quantity_max FROM " + ORDERS + " GROUP BY customer_id",
    "window": "SELECT *, ROW_NUMBER() OVER w AS n, SUM(amount) OVER (w ROWS BETWEEN UNBOUNDED "
              "PRECEDING AND CURRENT ROW) AS amount_cumulative_sum FROM " + ORDERS +
              " WINDOW w AS (PARTITION BY customer_id ORDER BY order_date, id)",
    "join": "SELECT o.*, c.* FROM " + ORDERS + " AS o JOIN read_csv('{customers}', header = true) "
            "AS c USING (customer_id)",
    "sort": "SELECT * FROM " + ORDERS + " ORDER BY amount DESC, id",
    "top_n": "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY status ORDER BY amount DESC) "
             "AS rank FROM " + ORDERS + ") WHERE rank <= 10",
}


def duckdb_python() -> str:
    python = DUCKDB_VENV / "bin" / "python"
    check = [str(python), "-c", f"import duckdb, sys; sys.exit(duckdb.__version__ != '{DUCKDB_VERSION}')"]
    if not python.exists() or subprocess.run(check, capture_output=True).returncode != 0:
        print(f"bench: installing duckdb {DUCKDB_VERSION} in {DUCKDB_VENV}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DUCKDB_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", f"duckdb=={DUCKDB_VERSION}"], check=True)
    return str(python)


def write_customers(path: Path) -> None:
    if path.exists():
        return
    rng = random.Random(7)
    with path.open("w") as out:
        out.write("customer_id,name,segment,since\n")
        for i in range(1, 100000):
            out.write(f"{i},customer {i},{rng.choice(['retail', 'business', 'public'])},"
                      f"20{rng.randrange(10, 25)}-{rng.randrange(1, 13):02d}-01\n")


def measured(command):
    """Wall seconds and peak RSS in MiB of one process (GNU time)."""
    start = time.perf_counter()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench: {command[0]} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return wall, int(result.stderr.strip().splitlines()[-1]) / 1024


def mortar_home(out: Path, orders: Path, customers: Path) -> Path:
    home = out / "duckdb-home"
    shutil.rmtree(home, ignore_errors=True)
    run = lambda *args: subprocess.run([MORTAR, "--home", str(home), *args], check=True, capture_output=True)
    run("init")
    run("project", "create", "bench")
    for name, csv in [("orders", orders), ("customers", customers)]:
        (home / "files" / csv.name).symlink_to(csv)
        run("dataset", "import", "filesystem_default", csv.name, "--name", name)
    project = home / "projects" / "bench"
    for name, (kind, inputs, params) in RECIPES.items():
        (project / "datasets" / f"{name}_out.json").write_text(json.dumps(
            {"name": f"{name}_out", "connection": "filesystem_default", "type": "files",
             "params": {"path": f"out/{name}.parquet"}}))
        (project / "recipes" / f"{name}.json").write_text(json.dumps(
            {"name": name, "type": kind, "inputs": inputs, "outputs": [f"{name}_out"], "params": params}))
    return home


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--out", default=str(REPO / "bench" / "out"))
    parser.add_argument("--only", default=",".join(RECIPES))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    orders = out / f"orders-{args.rows}.csv"
    customers = out / "customers-100000.csv"
    generate(orders, args.rows)
    write_customers(customers)
    python = duckdb_python()
    home = mortar_home(out, orders, customers)

    print(f"rows: {args.rows:,} ({orders.stat().st_size / 2**20:.0f} MiB of CSV); duckdb {DUCKDB_VERSION}")
    print(f"{'recipe':8} {'mortar':>9} {'RSS':>9} {'duckdb':>9} {'RSS':>9} {'ratio':>7}")
    for name in args.only.split(","):
        mortar_wall, mortar_rss = measured([MORTAR, "--home", str(home), "--quiet", "recipe", "run", name])
        query = QUERIES[name].format(orders=orders, customers=customers)
        target = out / f"duckdb-{name}.parquet"
        copy = f"COPY ({query}) TO '{target}' (FORMAT parquet)"
        duck_wall, duck_rss = measured([python, "-c", "import duckdb, sys; duckdb.connect().execute(sys.argv[1])",
                                        copy])
        # Both answers have the same rows (counted by DuckDB in both Parquet files).
        counts = subprocess.run(
            [python, "-c", "import duckdb, sys; print(*(duckdb.sql(f\"SELECT COUNT(*) FROM '{p}'\").fetchall()[0][0] "
             "for p in sys.argv[1:]))", str(home / "files" / "out" / f"{name}.parquet"), str(target)],
            check=True, capture_output=True, text=True).stdout.split()
        same = "same rows" if counts[0] == counts[1] else f"ROWS DIFFER: {counts[0]} against {counts[1]}"
        print(f"{name:8} {mortar_wall:8.2f}s {mortar_rss:7.0f}Mi {duck_wall:8.2f}s {duck_rss:7.0f}Mi "
              f"{mortar_wall / duck_wall:6.2f}x  {counts[0]} rows, {same}", flush=True)


if __name__ == "__main__":
    main()
