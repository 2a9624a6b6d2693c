#!/usr/bin/env python3
"""Benchmark: sync a generated CSV (10 columns) into SQLite with Mortar, against the
sqlite3 shell's .import of the same file, in the same run. Prints wall times, the
ratio, and Mortar's peak RSS at N and 2N rows (it should stay flat).

Usage: bench/sync_csv_to_sqlite.py [--rows 5000000] [--out bench/out]
Needs a release build: scripts/build release.
"""
import argparse
import json
import random
import resource
import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def generate(path: Path, rows: int) -> None:
    if path.exists():
        return
    rng = random.Random(42)
    statuses = ["delivered", "shipped", "cancelled", "returned"]
    with path.open("w") as out:
        out.write("id,customer_id,order_date,amount,quantity,status,product,discount,city,note\n")
        for i in range(1, rows + 1):
            out.write(f"{i},{rng.randrange(1, 100000)},2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d},"
                      f"{rng.randrange(100, 100000) / 100:.2f},{rng.randrange(1, 10)},{statuses[i % 4]},"
                      f"product-{rng.randrange(1, 500)},{rng.random():.4f},city {i % 977},\"note, {i}\"\n")


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_maxrss / 1024  # MiB (ru_maxrss is the largest child so far)


def peak_rss(command, **kwargs):
    # GNU time gives this child's own peak, unlike RUSAGE_CHILDREN's running maximum.
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], check=True, capture_output=True,
                            text=True, **kwargs)
    return int(result.stderr.strip().splitlines()[-1]) / 1024


def mortar_home(out: Path, name: str, csv: Path) -> Path:
    home = out / name
    shutil.rmtree(home, ignore_errors=True)
    mortar = str(REPO / "build" / "release" / "mortar")
    subprocess.run([mortar, "--home", str(home), "init"], check=True, capture_output=True)
    subprocess.run([mortar, "--home", str(home), "project", "create", "bench"], check=True, capture_output=True)
    (home / "files" / csv.name).symlink_to(csv)
    subprocess.run([mortar, "--home", str(home), "dataset", "import", "filesystem_default", csv.name,
                    "--name", "source"], check=True, capture_output=True)
    (home / "projects" / "bench" / "datasets" / "target.json").write_text(json.dumps(
        {"name": "target", "connection": "sqlite_default", "type": "sql_table", "params": {"table": "target"}}))
    (home / "projects" / "bench" / "recipes" / "load.json").write_text(json.dumps(
        {"name": "load", "type": "sync", "inputs": ["source"], "outputs": ["target"]}))
    return home


def run_mortar(home: Path):
    mortar = str(REPO / "build" / "release" / "mortar")
    command = [mortar, "--home", str(home), "--quiet", "recipe", "run", "load"]
    start = time.perf_counter()
    rss = peak_rss(command)
    return time.perf_counter() - start, rss


def run_sqlite_import(out: Path, csv: Path) -> float:
    database = out / "import.db"
    database.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(["sqlite3", str(database)], input=f".mode csv\n.import {csv} target\n", text=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--out", default=str(REPO / "bench" / "out"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    csv = out / f"orders-{args.rows}.csv"
    csv2 = out / f"orders-{2 * args.rows}.csv"
    generate(csv, args.rows)
    generate(csv2, 2 * args.rows)

    sqlite_seconds = run_sqlite_import(out, csv)
    mortar_seconds, mortar_rss = run_mortar(mortar_home(out, "home", csv))
    _, mortar_rss_double = run_mortar(mortar_home(out, "home2", csv2))
    print(f"rows: {args.rows:,} (10 columns, {csv.stat().st_size / 2**20:.0f} MiB)")
    print(f"sqlite3 .import: {sqlite_seconds:.2f} s")
    print(f"mortar sync:     {mortar_seconds:.2f} s")
    print(f"speed-up (sqlite3 / mortar): {sqlite_seconds / mortar_seconds:.2f}x  (target >= 1.5x)")
    print(f"mortar peak RSS: {mortar_rss:.0f} MiB at {args.rows:,} rows, "
          f"{mortar_rss_double:.0f} MiB at {2 * args.rows:,} rows  (target <= 256 MiB, flat)")


if __name__ == "__main__":
    main()
