"""The quickstart from a fresh data directory, and the CLI verbs around it."""
import csv
import json

from mortar_cli import write_json


def test_quickstart_builds_the_whole_flow(mortar):
    result = mortar.run("quickstart", "--rows", "3000")
    assert "customer_summary" in result.stdout
    output = mortar.home / "files" / "quickstart" / "output" / "customer_summary.csv"
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 300
    assert sum(int(row["orders"]) for row in rows) == 3000
    totals = [float(row["total_amount"]) for row in rows]
    assert totals == sorted(totals, reverse=True)

    # The group ran in SQLite and agrees with a query of our own.
    check = mortar.json("sql", "sqlite_default",
                        "SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS c FROM qs_orders")
    assert check["rows"] == [{"n": 3000, "c": 300}]

    # A second build has nothing to do; --force reruns everything.
    again = mortar.json("build", "customer_summary_csv", "--project", "quickstart")
    assert [r["ran"] for r in again["recipes"]] == [False] * 5
    forced = mortar.json("build", "customer_summary_csv", "--force")
    assert [r["ran"] for r in forced["recipes"]] == [True] * 5
    engines = {r["recipe"]: r["engine"] for r in forced["recipes"]}
    assert engines["group_orders"] == "in-database"
    assert engines["sync_orders"] == "streaming"


def test_out_of_date_detection_follows_the_inputs(mortar):
    mortar.run("quickstart", "--rows", "200")
    orders = mortar.home / "files" / "quickstart" / "orders.csv"
    flow = mortar.json("flow")
    assert all(r["up_to_date"] for r in flow["recipes"])
    with orders.open("a") as handle:
        handle.write("201,1,2025-01-01,Scale,1,24.99,delivered\n")
    # `mortar flow` says beforehand what the build then runs: the recipes below the
    # changed file, upstream first.
    flow = mortar.json("flow")
    stale = [r["name"] for r in flow["recipes"] if not r["up_to_date"]]
    order = [r["name"] for r in flow["recipes"]]
    assert "sync_customers" not in stale and "sync_orders" in stale
    assert order.index("sync_orders") < order.index("group_orders") < order.index("export_summary")
    assert {"name": "orders_csv", "connection": "filesystem_default", "type": "files",
            "recipe": ""} in flow["datasets"]
    dot = mortar.run("flow", "--dot").stdout
    assert dot.startswith("digraph flow {")
    assert '"dataset:orders_csv" -> "recipe:sync_orders";' in dot
    assert '"recipe:sync_orders" [shape=ellipse, label="sync_orders\\nsync", style=dashed];' in dot
    assert '"recipe:sync_customers" [shape=ellipse, label="sync_customers\\nsync"];' in dot
    table = mortar.run("flow").stdout
    assert "out of date" in table and "up to date" in table
    report = mortar.json("build", "customer_summary_csv")
    ran = {r["recipe"]: r["ran"] for r in report["recipes"]}
    assert ran == {"sync_customers": False, "sync_orders": True, "group_orders": True,
                   "summarize_customers": True, "export_summary": True}
    assert sorted(r for r in stale if r in ran) == sorted(r for r, did in ran.items() if did)
    check = mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM qs_orders")
    assert check["rows"] == [{"n": 201}]


def test_verbs_list_show_preview_and_export(mortar, tmp_path):
    mortar.run("quickstart", "--rows", "100")
    names = [d["name"] for d in mortar.json("dataset", "list")]
    assert "orders_by_customer" in names
    shown = mortar.json("dataset", "show", "orders")
    assert {"name": "amount", "type": "double"} in shown["schema"]
    preview = mortar.json("dataset", "preview", "customer_summary", "--limit", "3")
    assert len(preview["rows"]) == 3
    sql = mortar.run("recipe", "show", "group_orders", "--sql").stdout
    assert 'GROUP BY "customer_id"' in sql
    assert mortar.json("connection", "test", "sqlite_default")["ok"] is True
    exported = tmp_path / "out.parquet"
    mortar.run("dataset", "export", "customer_summary", str(exported))
    assert exported.stat().st_size > 0
    for verb in ["init", "connection", "dataset", "recipe", "build", "flow", "sql", "quickstart"]:
        assert "Usage" in mortar.run(verb, "--help").stdout


def test_import_detects_the_schema(mortar):
    mortar.run("init")
    mortar.run("project", "create", "p")
    (mortar.home / "files" / "people.csv").write_text("id;name;born\n1;Ada;1815-12-10\n2;\"Grace; H\";1906-12-09\n")
    (mortar.home / "projects" / "p" / "datasets").mkdir(parents=True, exist_ok=True)
    imported = mortar.json("dataset", "import", "filesystem_default", "people.csv")
    assert imported["name"] == "people"
    # The delimiter is a dataset setting: fix it in the file, detect again.
    import json
    path = mortar.home / "projects" / "p" / "datasets" / "people.json"
    config = json.loads(path.read_text())
    config["params"]["csv"] = {"delimiter": ";"}
    del config["schema"]
    path.write_text(json.dumps(config))
    detected = mortar.json("dataset", "detect", "people")
    assert [c["type"] for c in detected["schema"]] == ["int64", "string", "date"]
    rows = mortar.json("dataset", "preview", "people")["rows"]
    assert rows[1] == {"id": 2, "name": "Grace; H", "born": "1906-12-09"}


def test_import_detects_amounts_a_double_cannot_hold_as_decimals(mortar, tmp_path):
    # Money amounts of 26 digits: a double would change their last digits.
    mortar.run("init")
    mortar.run("project", "create", "p")
    amounts = ["12345678901234567890123456.78", "-0.05", "1.10", ""]
    (mortar.home / "files" / "money.csv").write_text(
        "id,amount,price\n" + "".join(f"{i},{a},{i}.5\n" for i, a in enumerate(amounts)))
    imported = mortar.json("dataset", "import", "filesystem_default", "money.csv")
    types = {c["name"]: c["type"] for c in imported["schema"]}
    assert types == {"id": "int64", "amount": "decimal(28,2)", "price": "double"}
    exported = tmp_path / "money.csv"
    mortar.run("dataset", "export", "money", str(exported))
    with exported.open() as out:
        column = [row["amount"] for row in csv.DictReader(out)]
    assert column == ["12345678901234567890123456.78", "-0.05", "1.10", ""]


def test_amounts_keep_every_digit_through_sqlite_and_its_in_database_sums(mortar, tmp_path):
    # The try: a CSV of orders synced into SQLite, grouped in-database, and the
    # table exported back to CSV; a double would change the last seven or eight digits.
    mortar.run("init")
    mortar.run("project", "create", "p")
    orders = [("a", "12345678901234567890123456.78"), ("a", "0.05"), ("b", "99999999999999999999999999.99"),
              ("b", "-0.01"), ("c", "")]
    (mortar.home / "files" / "orders.csv").write_text(
        "customer,amount\n" + "".join(f"{c},{a}\n" for c, a in orders))
    mortar.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders_csv")
    project = mortar.home / "projects" / "p"
    for name in ["orders", "totals"]:
        write_json(project / "datasets" / f"{name}.json",
                   {"name": name, "connection": "sqlite_default", "type": "sql_table",
                    "params": {"table": name}})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["orders_csv"], "outputs": ["orders"]})
    write_json(project / "recipes" / "totals.json",
               {"name": "totals", "type": "group", "inputs": ["orders"], "outputs": ["totals"],
                "params": {"keys": ["customer"], "count": False,
                           "aggregations": [{"column": "amount", "functions": ["sum", "max"]}]}})
    report = mortar.json("build", "totals")
    assert {r["recipe"]: r["engine"] for r in report["recipes"]} == {"load": "streaming",
                                                                     "totals": "in-database"}
    exported = tmp_path / "orders.csv"
    mortar.run("dataset", "export", "orders", str(exported))
    with exported.open() as out:
        assert [(row["customer"], row["amount"]) for row in csv.DictReader(out)] == orders
    totals = mortar.json("sql", "sqlite_default",
                         "SELECT customer, amount_sum, amount_max FROM totals ORDER BY customer")["rows"]
    assert totals == [
        {"customer": "a", "amount_sum": "12345678901234567890123456.83",
         "amount_max": "12345678901234567890123456.78"},
        {"customer": "b", "amount_sum": "99999999999999999999999999.98",
         "amount_max": "99999999999999999999999999.99"},
        {"customer": "c", "amount_sum": None, "amount_max": None}]


def test_tables_show_doubles_without_noise_and_json_keeps_every_digit(mortar):
    mortar.run("init")
    shown = mortar.run("sql", "sqlite_default", "SELECT 0.1 + 0.2 AS x, 24364.949999999997 AS y").stdout
    assert "0.3 " in shown and "24364.95" in shown and "0.30000000000000004" not in shown
    row = mortar.json("sql", "sqlite_default", "SELECT 0.1 + 0.2 AS x")["rows"][0]
    assert row["x"] == 0.1 + 0.2


def test_a_flow_is_made_from_the_command_line_alone(mortar, tmp_path):
    mortar.run("init")
    mortar.run("project", "create", "shop")
    (mortar.home / "files" / "orders.csv").write_text("id,customer,amount\n1,a,1.50\n2,b,2.25\n3,a,3.00\n")
    mortar.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders")
    mortar.run("dataset", "create", "totals", "--connection", "sqlite_default", "--table", "totals")
    mortar.run("dataset", "create", "totals_csv", "--connection", "filesystem_default",
               "--path", "out/totals.csv")
    group = {"keys": ["customer"], "aggregations": [{"column": "amount", "functions": ["sum"]}]}
    mortar.run("recipe", "create", "group_orders", "--type", "group", "--input", "orders",
               "--output", "totals", "--params", json.dumps(group))
    params = tmp_path / "sync.json"
    params.write_text("{}")
    mortar.run("recipe", "create", "export_totals", "--type", "sync", "--input", "totals",
               "--output", "totals_csv", "--params-file", str(params))
    report = mortar.json("build", "totals_csv")
    assert [r["recipe"] for r in report["recipes"]] == ["group_orders", "export_totals"]
    with (mortar.home / "files" / "out" / "totals.csv").open() as handle:
        rows = sorted((row["customer"], row["amount_sum"]) for row in csv.DictReader(handle))
    assert rows == [("a", "4.5"), ("b", "2.25")]

    # Each mistake is refused with what to fix, and nothing is saved.
    recipes = mortar.home / "projects" / "shop" / "recipes"
    before = sorted(p.name for p in recipes.iterdir())

    def refused(*args, code=2):
        result = mortar.run(*args, check=False)
        assert result.returncode == code, result
        return result.stderr

    assert "'params.keys': expected a list" in refused("recipe", "create", "g2", "--type", "group", "--input", "orders",
                               "--output", "totals_csv", "--params", '{"keys": "customer"}')
    assert "the output of two recipes" in refused(
        "recipe", "create", "g2", "--type", "sync", "--input", "orders", "--output", "totals")
    assert "cycle" in refused("recipe", "create", "back", "--type", "sync", "--input", "totals_csv",
                              "--output", "orders")
    assert "nosuch" in refused("recipe", "create", "g2", "--type", "sync", "--input", "nosuch",
                               "--output", "totals", code=3)
    assert "--replace" in refused("recipe", "create", "group_orders", "--type", "sync", "--input",
                                  "orders", "--output", "totals", code=5)
    assert "not JSON" in refused("recipe", "create", "g2", "--type", "group", "--params", "{oops")
    assert sorted(p.name for p in recipes.iterdir()) == before
    assert "holds tables" in refused("dataset", "create", "t2", "--connection", "sqlite_default",
                                     "--path", "x.csv")
    assert "--replace" in refused("dataset", "create", "totals", "--connection", "sqlite_default",
                                  "--table", "totals", code=5)
    assert not (mortar.home / "projects" / "shop" / "datasets" / "t2.json").exists()
    # Redefining with --replace keeps the flow consistent: the new definition runs.
    mortar.run("recipe", "create", "group_orders", "--type", "group", "--input", "orders",
               "--output", "totals", "--replace",
               "--params", json.dumps({**group, "count": False}))
    mortar.run("build", "totals_csv")
    with (mortar.home / "files" / "out" / "totals.csv").open() as handle:
        assert csv.DictReader(handle).fieldnames == ["customer", "amount_sum"]
