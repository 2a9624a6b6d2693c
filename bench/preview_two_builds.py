#!/usr/bin/env python3
"""Two builds of Mortar, one after the other, previewing (10 rows) a 1,000-row table on
the stand-in's Databricks-faithful warehouse over Thrift and over the Statement
Execution API: the wall time of each, to see what a change to the read path costs or
saves a user waiting for a preview. Alternates the builds so both see the same load.

Usage: bench/preview_two_builds.py OLD_MORTAR NEW_MORTAR [--runs 10]
Needs: the stand-in (scripts/workspace up; started if down).
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_databricks import MORTAR, add_connection, databricks_home, running_workspace  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    ws = running_workspace()
    work = Path(tempfile.mkdtemp(prefix="mortar-bench-"))
    home, token, table = databricks_home(work, ws, 1000, http_path=ws["databricks_http_path"])
    add_connection(home, "rest", ws, token, ws["databricks_http_path"], "transport=rest")
    subprocess.run([MORTAR, "--home", str(home), "dataset", "import", "rest", table, "--name", "r"],
                   check=True, stdout=subprocess.DEVNULL)
    for transport, dataset in (("thrift", "t"), ("rest", "r")):
        times = {"old": [], "new": []}
        for run in range(args.runs):
            for which in ("old", "new") if run % 2 == 0 else ("new", "old"):
                start = time.perf_counter()
                subprocess.run([getattr(args, which), "--home", str(home), "--project", "bench",
                                "dataset", "preview", dataset, "--limit", "10"],
                               check=True, stdout=subprocess.DEVNULL)
                times[which].append(time.perf_counter() - start)
        for which, seconds in times.items():
            print(f"{transport:6} {which}: median {statistics.median(seconds):.3f} s, "
                  f"{min(seconds):.3f}-{max(seconds):.3f} s")


if __name__ == "__main__":
    main()
