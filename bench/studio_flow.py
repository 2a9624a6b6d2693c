"""The studio's flow page on a large project, in headless Chromium.

    ~/.cache/mortar/venv/bin/python bench/studio_flow.py [--recipes 500] [--repeat 5]

Sets up a data directory with one project of `--recipes` recipes and `--recipes` + 1
datasets (a CSV source and a SQLite table per recipe, the recipes reading each other
as a binary tree, every one of them out of date), starts `mortar serve` (the release
build), and measures:

- the flow page in headless Chromium (Debian's chromium and chromedriver, through
  Selenium): from the page asking for the flow to its graph drawn (the page's own
  performance marks `mortar:flow-open` and `mortar:flow-drawn`, the latter in the
  animation frame after React committed the SVG), the layout alone (dagre), and from
  the page's navigation start to the graph drawn; the median of `--repeat` loads;
- every API call the page makes (`/api/me`, `/api/connections`, `/api/charts`,
  `/api/flow`, `/api/jobs`), each `--calls` times with an API key and the browser's
  Accept-Encoding: median and p95, and the size of the flow's answer.

Targets (issue 19): the flow drawn within 1 s, each call's median within 100 ms.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser import chromium  # noqa: E402

PASSWORD = "studio-bench-password"
PORT = 18480


def run(mortar, home, *args, input=None):
    result = subprocess.run([mortar, "--home", str(home), *args], capture_output=True, text=True,
                            input=input, timeout=600)
    if result.returncode != 0:
        sys.exit(f"mortar {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def make_project(mortar, home, recipes):
    run(mortar, home, "init")
    run(mortar, home, "user", "add", "analyst", input=PASSWORD + "\n")
    run(mortar, home, "--user", "analyst", "project", "create", "big")
    (home / "files" / "source.csv").write_text("id,city,amount\n1,Oslo,2.50\n2,Rome,3.75\n")
    run(mortar, home, "--user", "analyst", "--project", "big", "dataset", "import",
        "filesystem_default", "source.csv", "--name", "d0")
    project = home / "projects" / "big"
    for i in range(1, recipes + 1):
        parent = f"d{i // 2}"
        (project / "datasets" / f"d{i}.json").write_text(json.dumps(
            {"name": f"d{i}", "connection": "sqlite_default", "type": "sql_table",
             "params": {"table": f"d{i}"}}))
        (project / "recipes" / f"r{i}.json").write_text(json.dumps(
            {"name": f"r{i}", "type": "sync", "inputs": [parent], "outputs": [f"d{i}"]}))
    flow = json.loads(run(mortar, home, "--user", "analyst", "--project", "big", "flow", "--json"))
    assert len(flow["recipes"]) == recipes, flow


def start_server(mortar, home):
    server = subprocess.Popen([mortar, "--home", str(home), "serve", "--listen", f"127.0.0.1:{PORT}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("mortar serve did not start")


def api_timings(key, calls):
    paths = ["/api/me", "/api/connections", "/api/charts?project=big", "/api/flow?project=big",
             "/api/jobs?limit=50"]
    timings = {}
    for path in paths:
        seconds = []
        for _ in range(calls):
            # As Chromium asks, so that the answer is compressed as the page gets it.
            request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={
                "Authorization": "Bearer " + key, "Accept-Encoding": "gzip, deflate, br, zstd"})
            start = time.perf_counter()
            with urllib.request.urlopen(request, timeout=60) as response:
                size = len(response.read())
            seconds.append(time.perf_counter() - start)
        seconds.sort()
        timings[path] = (statistics.median(seconds), seconds[int(len(seconds) * 0.95) - 1], size)
    return timings


def page_timings(repeat, scratch):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    marks = []
    with chromium(None, scratch) as driver:
        wait = WebDriverWait(driver, 60)
        driver.get(f"http://127.0.0.1:{PORT}/")
        wait.until(lambda d: d.find_elements(By.ID, "login-button"))
        driver.find_element(By.ID, "user").send_keys("analyst")
        driver.find_element(By.ID, "password").send_keys(PASSWORD)
        driver.find_element(By.ID, "login-button").click()
        wait.until(lambda d: d.find_elements(By.ID, "me"))
        for _ in range(repeat + 1):  # the first load warms the browser's caches
            driver.get(f"http://127.0.0.1:{PORT}/#/flow")
            driver.refresh()
            wait.until(lambda d: d.execute_script(
                "return performance.getEntriesByName('mortar:flow-drawn').length") > 0)
            nodes = len(driver.find_elements(By.CSS_SELECTOR, "#flow-graph g.node"))
            marks.append(driver.execute_script("""
                const at = (name) => performance.getEntriesByName(name)[0].startTime;
                return {open_to_drawn: at('mortar:flow-drawn') - at('mortar:flow-open'),
                        layout: at('mortar:flow-layout-end') - at('mortar:flow-layout-start'),
                        navigation_to_drawn: at('mortar:flow-drawn'),
                        navigation_to_open: at('mortar:flow-open'),
                        navigation_to_script_run:
                            performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd};"""))
            marks[-1]["nodes"] = nodes
    return marks[1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipes", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--mortar", default=str(REPO / "build" / "release" / "mortar"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mortar-studio-bench-") as scratch:
        scratch = Path(scratch)
        home = scratch / "home"
        make_project(args.mortar, home, args.recipes)
        key = run(args.mortar, home, "api-key", "create", "--user", "analyst").strip()
        server = start_server(args.mortar, home)
        try:
            timings = api_timings(key, args.calls)
            marks = page_timings(args.repeat, scratch)
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(f"project: {args.recipes + 1} datasets, {args.recipes} recipes; "
          f"{marks[0]['nodes']} nodes drawn")
    for name in ("open_to_drawn", "layout", "navigation_to_drawn", "navigation_to_open",
                 "navigation_to_script_run"):
        values = sorted(m[name] for m in marks)
        print(f"flow page {name}: median {statistics.median(values):.0f} ms "
              f"(min {values[0]:.0f}, max {values[-1]:.0f}, {len(values)} loads)")
    for path, (median, p95, size) in timings.items():
        print(f"GET {path}: median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
              f"{size:,} bytes sent ({args.calls} calls)")


if __name__ == "__main__":
    main()
