"""Bad input: each gives an error that says what and where, exits non-zero, and
leaves existing outputs as they were."""
import http.server
import json
import os
import threading


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_missing_data_directory(mortar):
    result = mortar.run("dataset", "list", check=False)
    assert result.returncode == 3
    assert "no Mortar data directory" in result.stderr and "mortar init" in result.stderr


def test_malformed_connection_file_names_file_line_and_column(mortar):
    mortar.run("init")
    write(mortar.home / "connections" / "bad.json", '{"name": "bad",\n "type": "sqlite",,}')
    result = mortar.run("connection", "show", "bad", check=False)
    assert result.returncode == 2
    assert "bad.json: line 2, column 19" in result.stderr


def test_unknown_connection_type(mortar):
    mortar.run("init")
    result = mortar.run("connection", "add", "x", "--type", "oracle", check=False)
    assert result.returncode == 2
    assert "unknown connection type 'oracle'" in result.stderr and "sqlite" in result.stderr


def test_wrong_field_type_names_the_field(mortar):
    mortar.run("init")
    write(mortar.home / "connections" / "odd.json", json.dumps({"name": "odd", "type": "sqlite", "params": {"path": 3}}))
    result = mortar.run("connection", "test", "odd", check=False)
    assert result.returncode == 2
    assert "odd.json: field 'params.path': expected a string, found a number" in result.stderr


def test_a_port_too_large_for_any_number_is_an_error_not_a_crash(mortar):
    mortar.run("init")
    result = mortar.run("connection", "add", "dbx", "--type", "databricks",
                        "--param", "host=example.cloud.databricks.com:99999999999999999999",
                        "--param", "http_path=/sql/1.0/warehouses/x",
                        "--param", "auth.token_env=MORTAR_TEST_TOKEN", check=False)
    assert result.returncode == 2, result.stderr
    assert "the port in 'example.cloud.databricks.com:99999999999999999999' is too large" in result.stderr


def test_oauth_endpoints_are_https_or_plain_http_to_this_machine_only(mortar):
    # The client secret and the tokens travel to these endpoints; http is for a local
    # server, and a host that only starts with "127.0.0.1" is another machine.
    mortar.run("init")

    def add(name, endpoint):
        return mortar.run("connection", "add", name, "--type", "databricks", "--param", "host=h.example",
                          "--param", "http_path=/sql/1.0/warehouses/x", "--param", "auth.type=oauth_m2m",
                          "--param", "auth.client_id=app", "--param", "auth.client_secret_env=APP_SECRET",
                          "--param", f"auth.token_endpoint={endpoint}", check=False)

    for endpoint in ["http://127.0.0.1.nip.io/oidc/v1/token", "http://example.net/token", "ftp://127.0.0.1/t"]:
        refused = add("bad", endpoint)
        assert refused.returncode == 2, (endpoint, refused.stderr)
        assert "field 'params.auth.token_endpoint': expected an https:// URL" in refused.stderr, refused.stderr
    for i, endpoint in enumerate(["https://h.example/oidc/v1/token", "http://127.0.0.1:8123/token",
                                  "http://localhost:8123/token"]):
        assert add(f"ok{i}", endpoint).returncode == 0, endpoint


def test_an_object_store_retry_time_out_of_range_names_the_field(mortar):
    mortar.run("init")
    for kind, params in [("s3", ["bucket=b", "access_key_id=k"]), ("azure_blob", ["account=a", "container=c"])]:
        args = [arg for param in params + ["retry_seconds=7200"] for arg in ("--param", param)]
        result = mortar.run("connection", "add", "store", "--type", kind, *args, check=False)
        assert result.returncode == 2, result.stderr
        assert "field 'params.retry_seconds': expected a number of seconds from 0 to 3600" in result.stderr


def test_dataset_on_a_missing_file(mortar):
    mortar.run("quickstart", "--rows", "50")
    (mortar.home / "files" / "quickstart" / "orders.csv").unlink()
    result = mortar.run("build", "orders", "--force", check=False)
    assert result.returncode == 3
    assert "dataset 'orders_csv': no file at 'quickstart/orders.csv'" in result.stderr


def test_sql_error_in_a_recipe_leaves_the_previous_output(mortar):
    mortar.run("quickstart", "--rows", "100")
    before = mortar.json("sql", "sqlite_default", "SELECT * FROM qs_customer_summary")["rows"]
    recipe = mortar.home / "projects" / "quickstart" / "recipes" / "summarize_customers.json"
    config = json.loads(recipe.read_text())
    config["params"]["sql"] = "SELECT c.customer_id, no_such_column FROM ${customers} c"
    recipe.write_text(json.dumps(config))
    result = mortar.run("build", "customer_summary", check=False)
    assert result.returncode == 2
    assert "recipe 'summarize_customers'" in result.stderr and "no such column: no_such_column" in result.stderr
    after = mortar.json("sql", "sqlite_default", "SELECT * FROM qs_customer_summary")["rows"]
    assert after == before
    tables = mortar.json("sql", "sqlite_default", "SELECT name FROM sqlite_master WHERE name LIKE '__mortar%'")
    assert tables["rows"] == []


def test_value_that_does_not_convert_leaves_the_output(mortar):
    mortar.run("quickstart", "--rows", "100")
    before = mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM qs_orders")["rows"]
    orders = mortar.home / "files" / "quickstart" / "orders.csv"
    with orders.open("a") as handle:
        handle.write("101,1,2025-02-30,Scale,1,24.99,delivered\n")
    result = mortar.run("build", "orders", check=False)
    assert result.returncode == 2
    assert "value '2025-02-30' in column 'order_date' is not a valid date" in result.stderr
    assert "quickstart/orders.csv, row 101" in result.stderr
    assert mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM qs_orders")["rows"] == before


def test_ragged_csv_rows(mortar):
    mortar.run("quickstart", "--rows", "100")
    orders = mortar.home / "files" / "quickstart" / "orders.csv"
    with orders.open("a") as handle:
        handle.write("101,1,2025-01-01\n")
    result = mortar.run("build", "orders", check=False)
    assert result.returncode == 2
    assert "ragged CSV row" in result.stderr and "expected 7 fields, found 3" in result.stderr


def test_unknown_verb_and_option(mortar):
    result = mortar.run("frobnicate", check=False)
    assert result.returncode == 2 and "unknown verb 'frobnicate'" in result.stderr
    mortar.run("init")
    result = mortar.run("connection", "list", "--bogus", "1", check=False)
    assert result.returncode == 2 and "unknown option --bogus" in result.stderr


def test_recipe_cycle_and_two_producers(mortar):
    mortar.run("quickstart", "--rows", "20")
    recipes = mortar.home / "projects" / "quickstart" / "recipes"
    write(recipes / "again.json", json.dumps({"name": "again", "type": "sync", "inputs": ["orders_csv"],
                                              "outputs": ["orders"]}))
    result = mortar.run("build", "orders", check=False)
    assert result.returncode == 2 and "is the output of two recipes" in result.stderr


class RepeatingListing(http.server.BaseHTTPRequestHandler):
    """An S3-compatible server whose listing says every page is followed by another,
    always under the same continuation token."""
    pages = 0

    def do_GET(self):
        RepeatingListing.pages += 1
        body = ("<ListBucketResult><IsTruncated>true</IsTruncated>"
                "<NextContinuationToken>same</NextContinuationToken>"
                f"<Contents><Key>k{RepeatingListing.pages}.csv</Key><Size>1</Size></Contents>"
                "</ListBucketResult>").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_listing_that_repeats_its_page_is_an_error_not_a_loop(mortar):
    RepeatingListing.pages = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RepeatingListing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        mortar.run("init")
        mortar.run("connection", "add", "lake", "--type", "s3", "--param", "bucket=b",
                   "--param", f"endpoint=http://127.0.0.1:{server.server_address[1]}",
                   "--param", "path_style=true", "--param", "access_key_id=AKIAEXAMPLE",
                   "--param", "secret_access_key_env=LAKE_SECRET")
        listed = mortar.run("connection", "files", "lake", check=False,
                            env={**os.environ, "LAKE_SECRET": "not-a-real-secret"})
        assert listed.returncode != 0, listed.stdout
        assert "the server gave the same continuation token twice" in listed.stderr, listed.stderr
        assert RepeatingListing.pages == 2
    finally:
        server.shutdown()
