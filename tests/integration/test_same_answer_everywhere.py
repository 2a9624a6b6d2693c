"""One small flow run three times, on SQLite in-database, on the local engine (Parquet
files) and on the stand-in's Spark: every output cell must be the same. The orders hold
26-digit decimal amounts (a double keeps 15 to 17 digits), region names that differ
only in case, in other scripts, and NULL."""
import json

import pytest

from mortar_cli import write_json

pytestmark = pytest.mark.services("frontdoor", "spark")

ORDERS = [
    ("North", "12345678901234567890123456.01", 1),
    ("North", "12345678901234567890123456.02", 2),
    ("north", "0.10", 3),
    ("north", "0.25", 4),
    ("Zürich", "-0.01", 5),
    ("東京", "99999999999999999999999999.99", 6),
    ("", "1.00", 7),
    ("", "", 8),
]
REGIONS = [("North", "Ann"), ("north", "Bob"), ("Zürich", "Cy"), ("東京", "Di"), ("South", "Eve")]


def dataset(engine, name, table):
    if engine == "sqlite":
        return {"name": name, "connection": "sqlite_default", "type": "sql_table",
                "params": {"table": f"{table}_{name}"}}
    if engine == "local":
        return {"name": name, "connection": "filesystem_default", "type": "files",
                "params": {"path": f"out/{name}.parquet"}}
    return {"name": name, "connection": "dbx", "type": "sql_table", "params": {"table": f"{table}_{name}"}}


def rows_of(mortar, name):
    preview = mortar.json("dataset", "preview", name, "--limit", "1000")
    return sorted(json.dumps([row[c["name"]] for c in preview["schema"]], ensure_ascii=False)
                  for row in preview["rows"])


def test_a_flow_gives_the_same_cells_on_sqlite_the_local_engine_and_spark(dbx, table):
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    (files / "orders.csv").write_text(
        "region,amount,qty\n" + "".join(f"{r},{a},{q}\n" for r, a, q in ORDERS), encoding="utf-8")
    (files / "regions.csv").write_text(
        "region,manager\n" + "".join(f"{r},{m}\n" for r, m in REGIONS), encoding="utf-8")
    dbx.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders_csv")
    dbx.run("dataset", "import", "filesystem_default", "regions.csv", "--name", "regions_csv")
    project = dbx.home / "projects" / "p"
    assert {c["name"]: c["type"] for c in
            json.loads((project / "datasets" / "orders_csv.json").read_text())["schema"]} == {
        "region": "string", "amount": "decimal(28,2)", "qty": "int64"}

    outputs = []
    for engine in ["sqlite", "local", "dbx"]:
        def recipe(name, type_, inputs, params=None):
            write_json(project / "recipes" / f"{name}_{engine}.json",
                       {"name": f"{name}_{engine}", "type": type_, "inputs": inputs,
                        "outputs": [f"{name}_{engine}"], "params": params or {}})
            write_json(project / "datasets" / f"{name}_{engine}.json",
                       dataset(engine, f"{name}_{engine}", table))

        recipe("orders", "sync", ["orders_csv"])
        recipe("regions", "sync", ["regions_csv"])
        recipe("big", "filter", [f"orders_{engine}"], {"expression": "amount > 0.10 OR qty = 5"})
        recipe("totals", "group", [f"big_{engine}"],
               {"keys": ["region"], "count": True,
                "aggregations": [{"column": "amount", "functions": ["sum", "min", "max"]},
                                 {"column": "qty", "functions": ["sum"]}]})
        recipe("named", "join", [f"totals_{engine}", f"regions_{engine}"],
               {"joins": [{"type": "full", "on": [{"left": "region", "right": "region"}]}],
                "select": [{"input": f"totals_{engine}", "prefix": "t_"},
                           {"input": f"regions_{engine}", "prefix": "r_"}]})
        recipe("ranked", "window", [f"named_{engine}"],
               {"order_by": [{"column": "t_amount_sum", "descending": True}],
                "computations": [{"function": "row_number", "output": "rank"},
                                 {"function": "cumulative_sum", "column": "t_amount_sum"}]})
        outputs.append(f"ranked_{engine}")

    report = dbx.json("build", *outputs)
    engines = {r["recipe"]: r["engine"] for r in report["recipes"]}
    for step in ["big", "totals", "named", "ranked"]:
        assert engines[f"{step}_sqlite"] == "in-database"
        assert engines[f"{step}_local"] == "local"
        assert engines[f"{step}_dbx"] == "in-database"

    sqlite, local, spark = (rows_of(dbx, name) for name in outputs)
    assert sqlite == local == spark
    # Ranked by the exact sums: 東京's 99999999999999999999999999.99 first; the cumulative
    # sums need 27 digits; "north" (0.10 filtered out) is a group of its own; the empty
    # region is text, not NULL; South has no orders (the full join's NULLs, ranked last).
    assert [json.loads(row) for row in sqlite] == [
        ["", 1, "1.00", "1.00", "1.00", 7, None, None, 3, "124691357802469135780246913.02"],
        ["North", 2, "24691357802469135780246912.03", "12345678901234567890123456.01",
         "12345678901234567890123456.02", 3, "North", "Ann", 2, "124691357802469135780246912.02"],
        ["Zürich", 1, "-0.01", "-0.01", "-0.01", 5, "Zürich", "Cy", 5, "124691357802469135780246913.26"],
        ["north", 1, "0.25", "0.25", "0.25", 4, "north", "Bob", 4, "124691357802469135780246913.27"],
        ["東京", 1, "99999999999999999999999999.99", "99999999999999999999999999.99",
         "99999999999999999999999999.99", 6, "東京", "Di", 1, "99999999999999999999999999.99"],
        [None, None, None, None, None, None, "South", "Eve", 6, "124691357802469135780246913.26"]]
