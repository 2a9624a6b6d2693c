#!/usr/bin/env python3
"""Benchmark: one chart on a table of N rows (10 columns) on the local stand-in.

- live: Mortar's live engine, one aggregation query run by Spark; only the bins come back;
- local: the same chart with "engine": "local" and a sample as large as the table, so
  every row is pulled over Thrift and aggregated by Mortar's local engine (the same
  query in a scratch SQLite file); and, as a second way of aggregating locally, the rows
  pulled with `mortar dataset export` to Parquet and grouped with pandas;
- cached: the chart of a dataset built by a Mortar recipe (so its version is known),
  asked again from `mortar serve` as the web page does (GET /api/charts/NAME): the
  repeat is answered from the cache without asking the database.

Prints each figure and the ratios. Both charts' bins are compared, so a wrong answer
fails the run instead of making it look fast.

Usage: bench/chart_live.py [--rows 10000000] [--repeats 30]
Needs: scripts/build release, and the stand-in (scripts/workspace up; started if down).
"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_databricks import MORTAR, databricks_home, running_workspace  # noqa: E402

PORT = 18099


def mortar(home, *args, **kwargs):
    return subprocess.run([MORTAR, "--home", str(home), *args], check=True, text=True,
                          stdout=subprocess.PIPE, **kwargs)


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def write_chart(home, name, dataset, **extra):
    chart = {"name": name, "dataset": dataset, "type": "bar",
             "dimensions": [{"column": "day", "bin": "month"}],
             "measures": [{"function": "count"}, {"column": "amount", "function": "sum"}],
             "max_bins": 100, **extra}
    path = home / "projects" / "bench" / "charts" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chart))


def pandas_aggregation(home, work, python):
    """Pull every row to Parquet with Mortar, then group by month with pandas."""
    out = work / "rows.parquet"
    mortar(home, "dataset", "export", "t", str(out))
    script = ("import sys, pandas as pd\n"
              "df = pd.read_parquet(sys.argv[1], columns=['day', 'amount'])\n"
              "g = df.groupby(pd.to_datetime(df['day']).dt.strftime('%Y-%m'))['amount']"
              ".agg(['count', 'sum'])\n"
              "print(len(g), int(g['count'].sum()))\n")
    result = subprocess.run([python, "-c", script, str(out)], check=True, text=True, stdout=subprocess.PIPE)
    out.unlink()
    return result.stdout.split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    ws = running_workspace()
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-chart-"))
    home, _, table = databricks_home(work, ws, args.rows)
    print(f"rows: {args.rows:,} (10 columns), table {table} on the stand-in's Spark Thrift server", flush=True)

    write_chart(home, "live", "t")
    write_chart(home, "local", "t", engine="local", sample_rows=args.rows + 1)
    mortar(home, "chart", "render", "live", "--json")  # warm the server's caches and plans once
    live_runs = [timed(lambda: json.loads(mortar(home, "chart", "render", "live", "--json").stdout))
                 for _ in range(3)]
    live = statistics.median(t for t, _ in live_runs)
    live_chart = live_runs[0][1]
    assert live_chart["engine"] == "live" and not live_chart["cached"]
    print(f"  live engine: {live:.2f} s (median of 3), {len(live_chart['rows'])} bins", flush=True)
    local, local_chart = timed(lambda: json.loads(mortar(home, "chart", "render", "local", "--json").stdout))
    assert local_chart["engine"] == f"local (the first {args.rows} rows)", local_chart["engine"]
    assert [r[:2] for r in local_chart["rows"]] == [r[:2] for r in live_chart["rows"]], "the engines disagree"
    print(f"  local engine (every row pulled, aggregated in SQLite): {local:.2f} s", flush=True)
    pandas, (bins, counted) = timed(lambda: pandas_aggregation(home, work, str(Path(sys.executable))))
    assert int(bins) == len(live_chart["rows"]) and int(counted) == args.rows
    print(f"  rows pulled to Parquet, grouped with pandas: {pandas:.2f} s", flush=True)

    # The cached repeat: a dataset that a recipe builds has a version, so its chart is
    # cached until the next build.
    recipe = home / "projects" / "bench" / "recipes" / "built.json"
    recipe.parent.mkdir(parents=True, exist_ok=True)
    (home / "projects" / "bench" / "datasets" / "built.json").write_text(json.dumps(
        {"name": "built", "connection": "dbx", "type": "sql_table", "params": {"table": f"{table}_built"}}))
    recipe.write_text(json.dumps({"name": "built", "type": "sql", "inputs": ["t"], "outputs": ["built"],
                                  "params": {"sql": "SELECT * FROM ${t}"}}))
    build, _ = timed(lambda: mortar(home, "recipe", "run", "built", stderr=subprocess.DEVNULL))
    write_chart(home, "cached", "built")
    subprocess.run([MORTAR, "--home", str(home), "user", "add", "bench"], input="bench-password-1\n",
                   text=True, check=True, stdout=subprocess.DEVNULL)
    # The server checks what the user may do: read the project, use its connection.
    mortar(home, "project", "grant", "bench", "user", "bench", "--role", "read")
    mortar(home, "connection", "grant", "dbx", "use", "--everyone")
    key = mortar(home, "api-key", "create", "--user", "bench", stderr=subprocess.DEVNULL).stdout.strip()
    server = subprocess.Popen([MORTAR, "--home", str(home), "serve", "--listen", f"127.0.0.1:{PORT}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{PORT}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)

        def get():
            request = urllib.request.Request(url + "/api/charts/cached",
                                             headers={"Authorization": "Bearer " + key})
            with urllib.request.urlopen(request, timeout=600) as response:
                return json.loads(response.read())

        first_time, first = timed(get)
        assert not first["cached"] and first["engine"] == "live"
        repeats = [timed(get) for _ in range(args.repeats)]
        assert all(data["cached"] and data["rows"] == first["rows"] for _, data in repeats)
    finally:
        server.terminate()
        server.wait(timeout=20)
    times = sorted(t * 1000 for t, _ in repeats)
    cached = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  recipe building the {args.rows:,}-row dataset 'built' in Spark: {build:.1f} s", flush=True)
    print(f"  server, first request (live): {first_time * 1000:.0f} ms; cached repeat: median "
          f"{cached:.1f} ms, p95 {p95:.1f} ms over {args.repeats} requests", flush=True)
    print(f"live engine: {local / live:.1f}x faster than the local engine, {pandas / live:.1f}x faster than "
          f"pulling the rows and grouping with pandas; cached repeat {cached:.1f} ms "
          f"({first_time * 1000 / cached:.0f}x faster than the first request)")
    mortar(home, "sql", "dbx", f"DROP TABLE IF EXISTS {table}_built")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
