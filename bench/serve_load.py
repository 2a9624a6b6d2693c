"""Load on `mortar serve`: many clients at once, and whether one slow peer stalls the rest.

    ~/.cache/mortar/venv/bin/python bench/serve_load.py [--clients 50] [--seconds 240]

Sets up a data directory (the quickstart project on the embedded default, users with
write rights on it, an API key each), starts `mortar serve`, and runs `--clients`
clients for `--seconds`, each looping over a mix of requests as the web page and the
Python package send them: logins (with the page's Origin) and /api/me, data API reads
(`get_dataframe`, previews), data API writes (an Arrow stream replacing a dataset of
the client's own), charts, free SQL on SQLite, and the connection list.

The run has two halves. In the second, stallers add requests that wait on slow peers
while the clients go on:

- a slow token endpoint: a Databricks connection with OAuth machine-to-machine
  credentials whose token endpoint (run here, on loopback) answers only after
  `--stall-seconds`, and then with an error, so every request waits for it again;
- a slow warehouse, when the local stand-in is up (scripts/workspace up): a Databricks
  connection to its Databricks-faithful warehouse, whose ExecuteStatement is delayed by
  `--stall-seconds` (the stand-in's delay fault, disarmed at the end).

Reported: requests per second, p50/p99 latency per kind and per half, errors (the
target is none outside the stallers' own), and the server's peak memory (VmHWM). The
stallers' requests are reported apart: what matters is that the clients' latencies in
the second half stay those of the first.
"""

import argparse
import http.cookiejar
import io
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
PROJECT = "quickstart"
USERS = 10
PASSWORD = "load-test-password-1"
ORIGIN_HEADERS = {"Sec-Fetch-Site": "same-origin"}


def run(mortar, home, *args, input=None, user=None):
    command = [mortar, "--home", str(home)] + (["--user", user] if user else []) + list(args)
    result = subprocess.run(command, capture_output=True, text=True, input=input, timeout=600)
    if result.returncode != 0:
        sys.exit(f"mortar {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowTokenEndpoint(ThreadingHTTPServer):
    """An OAuth token endpoint that answers after a wait, with an error (nothing cached)."""

    daemon_threads = True

    def __init__(self, delay):
        self.delay = delay
        self.requests = 0
        super().__init__(("127.0.0.1", 0), SlowTokenHandler)


class SlowTokenHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        time.sleep(self.server.delay)
        body = b'{"error":"temporarily_unavailable","error_description":"slow on purpose"}'
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def workspace_env():
    """The stand-in's settings when it is up, else None."""
    result = subprocess.run(["python3", str(REPO / "scripts" / "workspace"), "status"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        return None
    out = subprocess.run(["python3", str(REPO / "scripts" / "workspace"), "env", "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def warehouse_admin(ws, method, path, body=None):
    request = urllib.request.Request(ws["warehouse_admin_url"] + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {ws['warehouse_admin_token']}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def set_up(mortar, home, rows, clients, token_url, ws):
    run(mortar, home, "quickstart", "--rows", str(rows))
    keys = []
    for i in range(USERS):
        name = f"load{i}"
        run(mortar, home, "user", "add", name, "--group", "analysts", input=PASSWORD + "\n" + PASSWORD + "\n")
        run(mortar, home, "project", "grant", PROJECT, "user", name, "--role", "write")
        keys.append(json.loads(run(mortar, home, "--json", "api-key", "create", "--label", "load",
                                   user=name))["key"])
    for connection in ("sqlite_default", "filesystem_default"):
        run(mortar, home, "connection", "grant", connection, "use", "--group", "analysts")
    run(mortar, home, "connection", "grant", "sqlite_default", "free_sql", "--group", "analysts")
    # A dataset of each client's own for its writes.
    datasets = home / "projects" / PROJECT / "datasets"
    for client in range(clients):
        (datasets / f"load_w{client}.json").write_text(json.dumps(
            {"connection": "filesystem_default", "name": f"load_w{client}",
             "type": "files", "params": {"path": f"load/w{client}.csv"}}))
    # The stallers' connections.
    host = ws["host"] if ws else "127.0.0.1"
    port = ws["port"] if ws else 9
    ca = ["--param", f"ca_file={ws['ca_file']}"] if ws else []
    run(mortar, home, "connection", "add", "slow_token", "--type", "databricks",
        "--param", f"host={host}", "--param", f"port={port}",
        "--param", "http_path=/sql/1.0/warehouses/none", *ca,
        "--param", "auth.type=oauth_m2m", "--param", "auth.client_id=load",
        "--param", "auth.client_secret_env=LOAD_CLIENT_SECRET",
        "--param", f"auth.token_endpoint={token_url}")
    if ws:
        token_file = home / "slow_warehouse.token"
        token_file.write_text(ws["pat"])
        os.chmod(token_file, 0o600)
        run(mortar, home, "connection", "add", "slow_warehouse", "--type", "databricks",
            "--param", f"host={ws['host']}", "--param", f"port={ws['port']}",
            "--param", f"http_path={ws['databricks_http_path']}", "--param", f"ca_file={ws['ca_file']}",
            "--param", f"auth.token_file={token_file}")
    for connection in ("slow_token", "slow_warehouse") if ws else ("slow_token",):
        run(mortar, home, "connection", "grant", connection, "use", "--group", "analysts")
        run(mortar, home, "connection", "grant", connection, "free_sql", "--group", "analysts")
    return keys


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []  # (half, kind, seconds, error or None)
        self.retried = {}  # kind: answers of 503 with Retry-After, waited out and retried

    def backpressure(self, kind):
        with self.lock:
            self.retried[kind] = self.retried.get(kind, 0) + 1

    def add(self, half, kind, seconds, error):
        with self.lock:
            self.samples.append((half, kind, seconds, error))


def call(url, method, path, body=None, key=None, headers=None, opener=None, raw=False,
         content_type="application/json"):
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, method=method, data=data)
    request.add_header("Content-Type", content_type)
    if key:
        request.add_header("Authorization", "Bearer " + key)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    with (opener or urllib.request.build_opener()).open(request, timeout=600) as response:
        payload = response.read()
    return payload if raw else json.loads(payload)


def arrow_body(rows, seed):
    rng = random.Random(seed)
    table = pa.table({"id": pa.array(range(rows), pa.int64()),
                      "amount": pa.array([rng.random() * 100 for _ in range(rows)]),
                      "note": pa.array([f"row {i}" for i in range(rows)])})
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def client_loop(number, url, key, user, deadline, half_of, recorder):
    rng = random.Random(number)
    body = arrow_body(1000, number)
    data = f"/api/projects/{PROJECT}/datasets"
    actions = [
        (30, "read", lambda: pa.ipc.open_stream(call(url, "GET", f"{data}/orders/data?limit=1000",
                                                      key=key, raw=True)).read_all()),
        (15, "preview", lambda: pa.ipc.open_stream(call(url, "GET", f"{data}/customer_summary/data?limit=50",
                                                         key=key, raw=True)).read_all()),
        (15, "chart", lambda: call(url, "GET", f"/api/charts/revenue_by_month?project={PROJECT}", key=key)),
        (15, "sql", lambda: call(url, "POST", "/api/sql", {
            "connection": "sqlite_default",
            "query": "SELECT status, COUNT(*) AS n, SUM(amount) AS total FROM qs_orders GROUP BY status"},
            key=key)),
        (10, "write", lambda: call(url, "POST", f"{data}/load_w{number}/data?mode=replace&with_schema=true",
                                   body, key=key, content_type="application/vnd.apache.arrow.stream")),
        (5, "login", lambda: login(url, user)),
        (10, "me", lambda: call(url, "GET", "/api/connections", key=key)),
    ]
    weights = [weight for weight, _, _ in actions]
    while time.time() < deadline:
        _, kind, action = rng.choices(actions, weights)[0]
        start = time.time()
        error = None
        for _attempt in range(10):
            try:
                action()
                break
            except urllib.error.HTTPError as failure:
                # 503 with Retry-After is the server's backpressure (a burst of logins):
                # a client waits and asks again.
                if failure.code == 503 and failure.headers.get("Retry-After"):
                    recorder.backpressure(kind)
                    time.sleep(float(failure.headers["Retry-After"]))
                    continue
                error = f"{kind}: HTTP {failure.code} {failure.read()[:200]!r}"
                break
            except Exception as failure:  # noqa: BLE001 - every failure is counted
                error = f"{kind}: {failure!r}"[:300]
                break
        recorder.add(half_of(start), kind, time.time() - start, error)


def login(url, user):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    call(url, "POST", "/api/login", {"user": user, "password": PASSWORD},
         headers={"Origin": url, **ORIGIN_HEADERS}, opener=opener)
    me = call(url, "GET", "/api/me", opener=opener)
    assert me["user"] == user, me


def staller_loop(url, key, connection, deadline, recorder):
    """Free SQL on a connection whose peer is slow; its failures are expected."""
    while time.time() < deadline:
        start = time.time()
        error = None
        try:
            call(url, "POST", "/api/sql", {"connection": connection, "query": "SELECT 1 AS x"}, key=key)
        except urllib.error.HTTPError as failure:
            error = f"HTTP {failure.code}"
        except Exception as failure:  # noqa: BLE001
            error = repr(failure)[:200]
        recorder.add(2, "stall:" + connection, time.time() - start, error)


def peak_memory(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(recorder, seconds, clients, memory_mib, stall_seconds, token_requests):
    half = seconds / 2
    print(f"\n{clients} clients, {seconds:.0f} s ({half:.0f} s each half); server peak memory "
          f"(VmHWM) {memory_mib} MiB")
    print(f"{'half':<26}{'kind':<10}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    errors = []
    for number, title in ((1, "1: clients alone"), (2, "2: with slow peers")):
        samples = [s for s in recorder.samples if s[0] == number and not s[1].startswith("stall:")]
        kinds = sorted({s[1] for s in samples})
        for kind in kinds + ["all"]:
            chosen = [s for s in samples if kind == "all" or s[1] == kind]
            if not chosen:
                continue
            latencies = [s[2] * 1000 for s in chosen]
            failed = [s[3] for s in chosen if s[3]]
            if kind == "all":
                errors += failed
            print(f"{title if kind == kinds[0] else '':<26}{kind:<10}{len(chosen):>9}"
                  f"{len(chosen) / half:>8.1f}{statistics.median(latencies):>9.1f}"
                  f"{percentile(latencies, 0.99):>9.1f}{len(failed):>8}")
    stalls = [s for s in recorder.samples if s[1].startswith("stall:")]
    for kind in sorted({s[1] for s in stalls}):
        chosen = [s for s in stalls if s[1] == kind]
        print(f"{'stallers':<26}{kind[6:]:<20} {len(chosen)} requests, median "
              f"{statistics.median(s[2] for s in chosen):.1f} s (the peer waits {stall_seconds} s); "
              f"{sum(1 for s in chosen if s[3])} failed as expected")
    print(f"the slow token endpoint was asked {token_requests} times")
    print("answered 503 with Retry-After, waited out and retried (latencies include the wait):",
          recorder.retried or "none")
    print(f"\nerrors outside the stallers: {len(errors)}")
    for error in sorted(set(errors))[:10]:
        print("  ", error)
    return len(errors)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=240)
    parser.add_argument("--stall-seconds", type=float, default=30)
    parser.add_argument("--stallers", type=int, default=4, help="per slow peer")
    parser.add_argument("--rows", type=int, default=100000, help="rows of the quickstart's orders")
    parser.add_argument("--threads", type=int, default=32, help="the server's threads")
    parser.add_argument("--mortar", default=str(REPO / "build" / "release" / "mortar"))
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument("--without-workspace", action="store_true",
                        help="leave the stand-in alone even when it is up (no slow warehouse)")
    args = parser.parse_args()
    if not Path(args.mortar).exists():
        sys.exit(f"{args.mortar} is missing: scripts/build release")

    ws = None if args.without_workspace else workspace_env()
    token_endpoint = SlowTokenEndpoint(args.stall_seconds)
    threading.Thread(target=token_endpoint.serve_forever, daemon=True).start()
    token_url = f"http://127.0.0.1:{token_endpoint.server_address[1]}/oidc/v1/token"
    home = Path(tempfile.mkdtemp(prefix="mortar-load-"))
    server = None
    try:
        print("setting up", home, "(stand-in up: slow warehouse included)" if ws else
              "(stand-in down: no slow warehouse; scripts/workspace up to include it)")
        keys = set_up(args.mortar, home, args.rows, args.clients, token_url, ws)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        environment = dict(os.environ, LOAD_CLIENT_SECRET="load-secret")
        server = subprocess.Popen([args.mortar, "--home", str(home), "serve", "--listen",
                                   f"127.0.0.1:{port}", "--base-url", url, "--threads", str(args.threads)],
                                  stdout=subprocess.DEVNULL, stderr=open(home / "serve.log", "w"),
                                  env=environment)
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        recorder = Recorder()
        start = time.time()
        deadline = start + args.seconds
        middle = start + args.seconds / 2
        threads = [threading.Thread(target=client_loop,
                                    args=(i, url, keys[i % USERS], f"load{i % USERS}", deadline,
                                          lambda t: 1 if t < middle else 2, recorder))
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, middle - time.time()))
        slow = ["slow_token"]
        if ws:
            warehouse_admin(ws, "POST", "/faults", {
                "warehouse_id": ws["databricks_warehouse_id"], "method": "ExecuteStatement",
                "count": 100000, "delay_seconds": args.stall_seconds})
            slow.append("slow_warehouse")
        stallers = [threading.Thread(target=staller_loop,
                                     args=(url, keys[i % USERS], connection, deadline, recorder))
                    for connection in slow for i in range(args.stallers)]
        for thread in stallers:
            thread.start()
        for thread in threads:
            thread.join()
        memory = peak_memory(server.pid)
        if ws:
            warehouse_admin(ws, "DELETE", "/faults")
        for thread in stallers:
            thread.join()
        failures = report(recorder, args.seconds, args.clients, memory, args.stall_seconds,
                          token_endpoint.requests)
        return 1 if failures else 0
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        token_endpoint.shutdown()
        if args.keep:
            print("data directory kept:", home)
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
