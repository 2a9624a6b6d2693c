"""Visual recipes and charts through the `mortar` command and server on the embedded
default: the SQL shown by `recipe show --sql`, the engine chosen for SQLite and for
files, errors that name the recipe's file and field, and charts as SVG, PNG and JSON."""
import json
import os
import pathlib
import struct
import urllib.error
import urllib.request

import pytest

from mortar_cli import MortarServer, write_json


def setup_people(mortar):
    mortar.run("init")
    mortar.run("project", "create", "p")
    files = mortar.home / "files"
    files.mkdir(exist_ok=True)
    (files / "people.csv").write_text("id,name,city,age\n1,Ann,Paris,34\n2,Bob,Oslo,17\n3,Cy,,52\n")
    mortar.run("dataset", "import", "filesystem_default", "people.csv", "--name", "people_csv")
    project = mortar.home / "projects" / "p"
    for name in ["people", "adults", "adults_csv"]:
        connection = "filesystem_default" if name.endswith("_csv") else "sqlite_default"
        params = {"path": f"{name}.csv"} if name.endswith("_csv") else {"table": name}
        write_json(project / "datasets" / f"{name}.json",
                   {"name": name, "connection": connection,
                    "type": "files" if name.endswith("_csv") else "sql_table", "params": params})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["people_csv"], "outputs": ["people"]})
    return project


STEPS = [{"type": "filter", "expression": "age >= 18"},
         {"type": "fill_empty", "columns": ["city"], "value": "unknown"},
         {"type": "formula", "expression": "concat(upper(name), '@', city)", "output": "tag"}]


def test_prepare_in_database_and_its_sql(mortar):
    project = setup_people(mortar)
    write_json(project / "recipes" / "adults.json",
               {"name": "adults", "type": "prepare", "inputs": ["people"], "outputs": ["adults"],
                "params": {"steps": STEPS}})
    report = mortar.json("build", "adults")
    assert {r["recipe"]: r["engine"] for r in report["recipes"]} == {"load": "streaming",
                                                                     "adults": "in-database"}
    sql = mortar.run("recipe", "show", "adults", "--sql").stdout
    assert "WITH\nstep1_filter AS (" in sql and "step2_fill_empty AS (" in sql
    assert "(UPPER(\"name\") || '@' || \"city\") AS \"tag\"" in sql
    rows = mortar.json("sql", "sqlite_default", "SELECT id, tag FROM adults ORDER BY id")["rows"]
    assert rows == [{"id": 1, "tag": "ANN@Paris"}, {"id": 3, "tag": "CY@unknown"}]


def test_prepare_into_a_file_runs_on_the_local_engine(mortar):
    project = setup_people(mortar)
    write_json(project / "recipes" / "adults_csv.json",
               {"name": "adults_csv", "type": "prepare", "inputs": ["people"], "outputs": ["adults_csv"],
                "params": {"steps": STEPS}})
    report = mortar.json("build", "adults_csv")
    assert report["recipes"][-1]["engine"] == "local"
    # Why not in the database: the job log, `recipe show` and its JSON say so.
    why = "in-database: the output 'adults_csv' is not a SQL table"
    assert f"recipe adults_csv (prepare): engine local ({why})" in pathlib.Path(report["log"]).read_text()
    assert f"engine: local ({why})" in mortar.run("recipe", "show", "adults_csv").stdout
    assert mortar.json("recipe", "show", "adults_csv")["engine_why"] == why
    shown = mortar.run("recipe", "show", "adults_csv", "--sql").stdout
    assert "scratch SQLite database" in shown and "FROM \"people\"" in shown
    text = (mortar.home / "files" / "adults_csv.csv").read_text()
    assert "ANN@Paris" in text and "CY@unknown" in text and "Bob" not in text
    # The scratch database is removed after the run.
    assert not list((mortar.home / "jobs").rglob("scratch-*.sqlite"))


def test_bad_recipe_names_file_field_and_columns(mortar):
    project = setup_people(mortar)
    write_json(project / "recipes" / "adults.json",
               {"name": "adults", "type": "prepare", "inputs": ["people"], "outputs": ["adults"],
                "params": {"steps": [{"type": "formula", "expression": "agee + 1", "output": "x"}]}})
    result = mortar.run("build", "adults", check=False)
    assert result.returncode == 2
    assert "adults.json: field 'params.steps[0].expression': formula 'agee + 1': unknown column 'agee'" \
        in result.stderr
    assert "id int64, name string, city string, age int64" in result.stderr
    write_json(project / "recipes" / "adults.json",
               {"name": "adults", "type": "prepare", "inputs": ["people"], "outputs": ["adults"],
                "params": {"steps": [{"type": "explode", "column": "city"}]}})
    result = mortar.run("recipe", "show", "adults", check=False)
    assert result.returncode == 2
    assert "field 'params.steps[0].type': unknown processor 'explode'" in result.stderr


def test_quickstart_has_visual_recipes_and_a_chart(mortar):
    result = mortar.run("quickstart", "--rows", "500")
    assert "prepare_orders: ran on the in-database engine" in result.stdout
    assert "top_orders: ran on the in-database engine" in result.stdout
    svg = (mortar.home / "files" / "quickstart" / "output" / "revenue_by_month.svg").read_text()
    chart = mortar.json("chart", "render", "revenue_by_month")
    assert chart["engine"] == "live"
    assert svg.count("<rect x=") == len(chart["rows"]) > 1
    kept = mortar.json("sql", "sqlite_default",
                       "SELECT COUNT(*) AS n, SUM(amount) AS total FROM qs_orders "
                       "WHERE status NOT IN ('cancelled', 'returned')")["rows"][0]
    assert sum(row[1] for row in chart["rows"]) == pytest.approx(kept["total"])
    top = mortar.json("sql", "sqlite_default",
                      "SELECT product, MAX(rank) AS most FROM qs_top_orders_per_product GROUP BY product")
    assert top["rows"] and all(row["most"] <= 3 for row in top["rows"])


def test_charts_render_to_png_and_refuse_other_formats(mortar, tmp_path):
    mortar.run("quickstart", "--rows", "300")
    out = tmp_path / "chart.png"
    mortar.run("chart", "render", "revenue_by_month", "--out", str(out), "--scale", "2")
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == (1440, 840)
    bad = mortar.run("chart", "render", "revenue_by_month", "--out", str(tmp_path / "chart.gif"), check=False)
    assert bad.returncode != 0 and "expected a file name ending in .svg or .png" in bad.stderr
    missing = mortar.run("chart", "render", "no_such_chart", check=False)
    assert missing.returncode != 0 and "no chart named 'no_such_chart'" in missing.stderr


def test_without_librsvg_png_is_refused_saying_what_to_install_and_svg_still_drawn(mortar, tmp_path):
    # librsvg is loaded on the first PNG; a broken copy found first on the library path
    # stands for a machine without it (the loader reads it and refuses it).
    mortar.run("quickstart", "--rows", "300")
    libraries = tmp_path / "lib"
    libraries.mkdir()
    (libraries / "librsvg-2.so.2").write_bytes(b"")
    env = {**os.environ, "LD_LIBRARY_PATH": str(libraries)}
    refused = mortar.run("chart", "render", "revenue_by_month", "--out", str(tmp_path / "chart.png"),
                         env=env, check=False)
    assert refused.returncode == 70
    assert "drawing a chart as PNG needs librsvg-2.so.2" in refused.stderr
    assert "install librsvg (Debian: librsvg2-2), or ask for SVG" in refused.stderr
    assert not (tmp_path / "chart.png").exists()
    mortar.run("chart", "render", "revenue_by_month", "--out", str(tmp_path / "chart.svg"), env=env)
    assert (tmp_path / "chart.svg").read_text().startswith("<svg")


def test_the_server_serves_chart_data_and_pictures(mortar):
    mortar.run("quickstart", "--rows", "300")
    mortar.run("user", "add", "carol", input="a-long-password\n")
    key = mortar.run("api-key", "create", "--user", "carol").stdout.strip()
    server = MortarServer(mortar.home, 18193, mortar.home / "server.log")
    try:
        def get(path, authorized=True):
            headers = {"Authorization": "Bearer " + key} if authorized else {}
            request = urllib.request.Request(server.url + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.headers.get("Content-Type"), response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers.get("Content-Type"), error.read()

        assert get("/api/charts", authorized=False)[0] == 401
        status, _, body = get("/api/charts/revenue_by_month.svg")
        assert status == 403 and "user 'carol' may not see project 'quickstart'" in json.loads(body)["error"]
        mortar.run("project", "grant", "quickstart", "user", "carol", "--role", "read")
        status, _, body = get("/api/charts")
        listing = json.loads(body)
        assert status == 200 and "revenue_by_month" in [c["name"] for c in listing["charts"]]
        status, _, body = get("/api/charts/revenue_by_month")
        data = json.loads(body)
        cli = mortar.json("chart", "render", "revenue_by_month")
        assert status == 200 and data["rows"] == cli["rows"] and data["engine"] == "live"
        assert data["columns"] == cli["columns"] and data["type"] == "bar"
        status, content_type, svg = get("/api/charts/revenue_by_month.svg")
        assert status == 200 and content_type.startswith("image/svg+xml")
        assert svg.decode().count("<rect x=") == len(data["rows"])
        status, content_type, png = get("/api/charts/revenue_by_month.png")
        assert status == 200 and content_type == "image/png" and png[:4] == b"\x89PNG"
        status, _, body = get("/api/charts/nope")
        assert status == 404 and "no chart named 'nope'" in json.loads(body)["error"]
        status, _, body = get("/api/charts?project=missing")
        assert status == 404
    finally:
        server.stop()
    assert server.process.returncode == 0
    assert key not in (mortar.home / "server.log").read_text()
