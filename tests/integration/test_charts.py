"""Charts on the stand-in: the live engine runs one aggregation query in Spark and only
the bins come back; the bin limit is enforced there too; the web page shows a chart
computed live."""
import pytest

import browser
from mortar_cli import MortarServer, write_json

pytestmark = pytest.mark.services("frontdoor", "spark")

PORT = 18097


def test_chart_runs_in_spark_and_renders(dbx, table):
    dbx.run("sql", "dbx", f"CREATE TABLE {table} USING DELTA AS SELECT id, id % 7 AS k, "
                          f"date_add(DATE'2024-01-01', CAST(id % 60 AS INT)) AS day, id * 0.5 AS amount, "
                          f"TIMESTAMP'2023-12-31 22:00:00' + make_interval(0, 0, 0, 0, 0, CAST(id * 7 AS INT)) AS at "
                          f"FROM range(1000)")
    try:
        project = dbx.home / "projects" / "p"
        write_json(project / "datasets" / "events.json",
                   {"name": "events", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
        write_json(project / "charts" / "by_month.json",
                   {"name": "by_month", "dataset": "events", "type": "bar",
                    "dimensions": [{"column": "day", "bin": "month"}],
                    "measures": [{"function": "count"}, {"column": "amount", "function": "sum"}],
                    "filters": ["amount >= 0"]})
        result = dbx.json("chart", "render", "by_month")
        assert result["engine"] == "live"
        # Grouped on the truncated date; only the bins are formatted.
        assert "GROUP BY trunc(`day`, 'MM')" in result["sql"]
        assert "date_format(trunc(`day`, 'MM'), 'yyyy-MM') AS `d0`" in result["sql"]
        assert result["columns"] == ["day (month)", "count", "sum(amount)"]
        assert [row[:2] for row in result["rows"]] == [["2024-01", 527], ["2024-02", 473]]
        assert sum(float(row[2]) for row in result["rows"]) == sum(i * 0.5 for i in range(1000))

        out = dbx.home / "by_month.svg"
        report = dbx.run("chart", "render", "by_month", "--out", str(out)).stdout
        assert "2 bins, engine live" in report
        svg = out.read_text()
        assert svg.startswith("<svg") and svg.count("<rect x=") == 2

        write_json(project / "charts" / "too_fine.json",
                   {"name": "too_fine", "dataset": "events", "dimensions": [{"column": "id"}], "max_bins": 50})
        refused = dbx.run("chart", "render", "too_fine", check=False)
        assert refused.returncode == 2
        assert "the chart has more than 50 bins (the bin limit)" in refused.stderr

        # Every date bin of a timestamp, computed by Spark and by the local engine (SQLite
        # over the pulled rows), gives the same bins and counts.
        for bin in ["year", "month", "day", "hour"]:
            for engine in ["live", "local"]:
                write_json(project / "charts" / f"at_{bin}_{engine}.json",
                           {"name": f"at_{bin}_{engine}", "dataset": "events", "engine": engine,
                            "dimensions": [{"column": "at", "bin": bin}], "measures": [{"function": "count"}],
                            "max_bins": 2000})
            live = dbx.json("chart", "render", f"at_{bin}_live")
            local = dbx.json("chart", "render", f"at_{bin}_local")
            assert live["engine"] == "live" and local["engine"].startswith("local"), (live["engine"], local["engine"])
            assert live["rows"] == local["rows"], bin
            assert sum(row[1] for row in live["rows"]) == 1000
        assert live["rows"][0] == ["2023-12-31 22:00", 9]
    finally:
        dbx.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_chart_on_the_web_page_from_the_live_engine(dbx, ws, table, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    dbx.run("sql", "dbx", f"CREATE TABLE {table} USING DELTA AS SELECT id, "
                          f"CASE WHEN id < 3 THEN 0.1D WHEN id < 6 THEN 0.2D ELSE 0D END AS x, "
                          f"CASE WHEN id % 3 = 0 THEN 'north' WHEN id % 3 = 1 THEN 'south' ELSE 'west' END AS region "
                          f"FROM range(300)")
    server = None
    try:
        project = dbx.home / "projects" / "p"
        write_json(project / "datasets" / "sites.json",
                   {"name": "sites", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
        write_json(project / "charts" / "by_region.json",
                   {"name": "by_region", "dataset": "sites", "type": "pie",
                    "dimensions": [{"column": "region"}],
                    "measures": [{"function": "count"}, {"function": "sum", "column": "x"}]})
        dbx.run("user", "add", "dana", input="dana-mortar-pw-4\n")
        dbx.run("project", "grant", "p", "user", "dana", "--role", "read")
        dbx.run("connection", "grant", "dbx", "use", "--everyone")
        server = MortarServer(dbx.home, PORT, tmp_path / "server.log")
        with browser.chromium(ws["ca_file"], tmp_path) as driver:
            wait = WebDriverWait(driver, 60)
            driver.get(server.url + "/")
            wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
            driver.find_element(By.ID, "user").send_keys("dana")
            driver.find_element(By.ID, "password").send_keys("dana-mortar-pw-4")
            driver.find_element(By.ID, "login-button").click()
            wait.until(lambda d: d.find_elements(By.ID, "chart-by_region"))
            # The page says what dana may do: read p, use dbx, no free SQL anywhere.
            assert driver.find_element(By.ID, "my-projects").text == "Your projects: p (read)"
            assert "use" == driver.find_element(By.CSS_SELECTOR, "#connection-dbx .may").text
            assert not driver.find_element(By.ID, "sql-run").is_enabled()
            driver.find_element(By.ID, "chart-by_region").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-data tr + tr")
                       or d.find_element(By.ID, "chart-error").text)
            assert driver.find_element(By.ID, "chart-error").text == ""
            rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#chart-data tr + tr")]
            # Each region's sum of x is 0.1 + 0.2: shown as people write it, not as
            # 0.30000000000000004 (the API's JSON keeps every digit).
            assert rows == ["north 100 0.3", "south 100 0.3", "west 100 0.3"]
            assert "engine live" in driver.find_element(By.ID, "chart-caption").text
            # The picture itself loaded (an <img> of the server's SVG, with the session).
            wait.until(lambda d: d.execute_script("return document.getElementById('chart-image').complete"))
            width = driver.execute_script("return document.getElementById('chart-image').naturalWidth")
            assert width == 720
    finally:
        if server:
            server.stop()
        dbx.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_a_per_user_connections_chart_is_cached_for_each_user_apart(dbx, ws, table):
    # Each user reads with their own token, so what one may see is never served to another.
    try:
        dbx.run("connection", "add", "mine", "--type", "databricks", "--param", f"host={ws['host']}",
                "--param", f"port={ws['port']}", "--param", f"http_path={ws['http_path']}",
                "--param", f"ca_file={ws['ca_file']}", "--param", "auth.type=pat",
                "--param", "auth.credentials=per_user")
        dbx.run("connection", "grant", "mine", "use", "--everyone")
        dbx.run("credentials", "set", "mine", input=ws["pat"] + "\n")
        for user, token in (("dana", ws["pat"]), ("eve", ws["pat2"])):
            dbx.run("user", "add", user, input=f"{user}-mortar-pw-4\n")
            dbx.run("project", "grant", "p", "user", user, "--role", "read")
            dbx.run("credentials", "set", "mine", "--user", user, input=token + "\n")
        project = dbx.home / "projects" / "p"
        # Built once by the admin, so that the table has a version the cache can key on.
        (dbx.home / "files").mkdir(exist_ok=True)
        (dbx.home / "files" / "ks.csv").write_text("k\n" + "".join(f"{i % 4}\n" for i in range(40)))
        dbx.run("dataset", "import", "filesystem_default", "ks.csv", "--name", "ks_csv")
        write_json(project / "datasets" / "ks.json",
                   {"name": "ks", "connection": "mine", "type": "sql_table", "params": {"table": table}})
        write_json(project / "recipes" / "load_ks.json",
                   {"name": "load_ks", "type": "sync", "inputs": ["ks_csv"], "outputs": ["ks"]})
        dbx.run("build", "ks")
        write_json(project / "charts" / "by_k.json",
                   {"name": "by_k", "dataset": "ks", "type": "bar",
                    "dimensions": [{"column": "k"}], "measures": [{"function": "count"}]})
        first = dbx.json("chart", "render", "by_k", "--user", "dana")
        again = dbx.json("chart", "render", "by_k", "--user", "dana")
        other = dbx.json("chart", "render", "by_k", "--user", "eve")
        assert not first["cached"] and again["cached"] and not other["cached"]
        assert first["rows"] == other["rows"] == [[0, 10], [1, 10], [2, 10], [3, 10]]
        assert not (project / "state" / "chart_cache" / "by_k.json").exists()
        assert len(list((project / "state" / "chart_cache" / "users").glob("*/by_k.json"))) == 2
    finally:
        dbx.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)
