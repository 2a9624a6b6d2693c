"""The studio in the browser (web/), in headless Chromium against `mortar serve` on the
embedded default: log in, the home page, the flow as a graph, the jobs with their log;
and a user without a role on the project does not see it. Each page is saved as a
screenshot (in $MORTAR_SCREENSHOTS when set, else beside the test's files)."""
import gzip
import json
import os
import pathlib
import sqlite3
import time
import urllib.request

import pytest

from browser import chromium
from mortar_cli import MortarServer

PORT = 18195
PASSWORDS = {"alice": "a-long-password", "bob": "another-password"}


@pytest.fixture
def shop(mortar):
    mortar.run("init")
    for user, password in PASSWORDS.items():
        mortar.run("user", "add", user, input=password + "\n")
    mortar.run("--user", "alice", "project", "create", "shop")
    (mortar.home / "files" / "people.csv").write_text("name,city\nAnn,Oslo\nCy,Rome\nDee,Oslo\n")
    shop = ("--user", "alice", "--project", "shop")
    mortar.run(*shop, "dataset", "import", "filesystem_default", "people.csv", "--name", "people")
    mortar.run(*shop, "dataset", "create", "people_copy", "--connection", "sqlite_default",
               "--table", "people_copy")
    mortar.run(*shop, "recipe", "create", "copy", "--type", "sync", "--input", "people",
               "--output", "people_copy")
    mortar.run(*shop, "dataset", "create", "by_city", "--connection", "sqlite_default",
               "--table", "by_city")
    mortar.run(*shop, "recipe", "create", "count_by_city", "--type", "group", "--input",
               "people_copy", "--output", "by_city", "--params",
               json.dumps({"keys": ["city"], "count": True}))
    # A recipe that runs until it is cancelled, over a table it must leave as it was.
    project = mortar.home / "projects" / "shop"
    (project / "recipes" / "slow.py").write_text("import time\ntime.sleep(300)\n")
    mortar.run(*shop, "dataset", "create", "slow_out", "--connection", "sqlite_default",
               "--table", "slow_out")
    mortar.run(*shop, "recipe", "create", "slow", "--type", "python", "--input", "people",
               "--output", "slow_out", "--params", json.dumps({"script": "recipes/slow.py"}))
    with sqlite3.connect(mortar.home / "sqlite" / "default.db") as db:
        db.execute("CREATE TABLE slow_out AS SELECT 'before' AS was")
    # One build: `copy` is up to date, `count_by_city` and `slow` are not.
    mortar.run(*shop, "build", "people_copy")
    return mortar


def screenshots(tmp_path):
    where = pathlib.Path(os.environ.get("MORTAR_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def log_in(driver, wait, url, user, password=None):
    from selenium.webdriver.common.by import By
    driver.get(url + "/")
    wait.until(lambda d: d.find_elements(By.ID, "login-button"))
    driver.find_element(By.ID, "user").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password or PASSWORDS[user])
    driver.find_element(By.ID, "login-button").click()
    wait.until(lambda d: d.find_elements(By.ID, "me"))


def test_the_studio_shows_the_flow_and_the_jobs_to_who_may_see_them(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait
    shots = screenshots(tmp_path)
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            # Pages that open again on what was saved replace their elements.
            wait = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))
            driver.get(server.url + "/")
            wait.until(lambda d: d.find_elements(By.ID, "login-button"))
            driver.save_screenshot(str(shots / "login.png"))
            driver.find_element(By.ID, "user").send_keys("alice")
            driver.find_element(By.ID, "password").send_keys("not-her-password")
            driver.find_element(By.ID, "login-button").click()
            wait.until(lambda d: d.find_element(By.ID, "login-error").text)
            assert not driver.find_elements(By.ID, "me")

            log_in(driver, wait, server.url, "alice")
            assert driver.find_element(By.ID, "my-projects").text == "Your projects: shop (admin)"
            wait.until(lambda d: d.find_elements(By.ID, "connection-sqlite_default"))
            # An API key: shown once, then listed by its id, and revoked.
            driver.find_element(By.ID, "api-key-create").click()
            wait.until(lambda d: "shown once" in d.find_element(By.ID, "api-key-new").text)
            key = driver.find_element(By.ID, "api-key-new").text.split(": ")[1]
            assert server.api("GET", "/api/me", key=key)[0] == 200
            row = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#api-keys tr"))
            key_id = row.get_attribute("id")[len("api-key-"):]
            assert key_id in key and key.split("_")[-1] not in row.text
            driver.find_element(By.ID, "api-key-revoke-" + key_id).click()
            wait.until(lambda d: not d.find_elements(By.ID, "api-key-" + key_id))
            assert server.api("GET", "/api/me", key=key)[0] == 401
            driver.save_screenshot(str(shots / "home.png"))

            # The flow: every dataset and recipe drawn, the recipe not yet run marked.
            driver.find_element(By.ID, "nav-flow").click()
            wait.until(lambda d: d.find_elements(By.ID, "node-recipe-count_by_city"))
            assert driver.find_element(By.ID, "flow-summary").text == \
                "4 datasets, 3 recipes, 2 out of date"
            nodes = {n.get_attribute("id"): n.get_attribute("class")
                     for n in driver.find_elements(By.CSS_SELECTOR, "#flow-graph g.node")}
            assert set(nodes) == {"node-dataset-people", "node-dataset-people_copy", "node-dataset-by_city",
                                  "node-dataset-slow_out", "node-recipe-copy", "node-recipe-count_by_city",
                                  "node-recipe-slow"}
            assert "fresh" in nodes["node-recipe-copy"] and "stale" in nodes["node-recipe-count_by_city"]
            assert "stale" in nodes["node-dataset-by_city"] and "fresh" in nodes["node-dataset-people_copy"]
            assert len(driver.find_elements(By.CSS_SELECTOR, "#flow-graph path.edge")) == 6
            # Laid out left to right: each recipe between what it reads and what it writes.
            x = {name: driver.find_element(By.ID, name).rect["x"] for name in nodes}
            assert x["node-dataset-people"] < x["node-recipe-slow"] < x["node-dataset-slow_out"]
            assert x["node-dataset-people"] < x["node-recipe-copy"] < x["node-dataset-people_copy"] \
                < x["node-recipe-count_by_city"] < x["node-dataset-by_city"]
            driver.find_element(By.ID, "node-dataset-by_city").click()
            details = wait.until(lambda d: d.find_element(By.ID, "flow-details")).text
            assert "sqlite_default" in details and "count_by_city (out of date)" in details
            driver.find_element(By.ID, "node-recipe-copy").click()
            wait.until(lambda d: "up to date" in d.find_element(By.ID, "flow-details").text)
            driver.save_screenshot(str(shots / "flow.png"))
            scale = float(driver.find_element(By.ID, "flow-graph").get_attribute("data-scale"))
            driver.find_element(By.ID, "flow-zoom-in").click()
            wait.until(lambda d: float(d.find_element(By.ID, "flow-graph").get_attribute("data-scale")) > scale)
            driver.find_element(By.ID, "flow-fit").click()
            wait.until(lambda d: float(d.find_element(By.ID, "flow-graph").get_attribute("data-scale")) == scale)

            # Build one dataset from the flow: what it needs runs, what is up to date is skipped.
            driver.find_element(By.ID, "node-dataset-by_city").click()
            assert driver.find_element(By.ID, "flow-build").text == "Build by_city"
            driver.find_element(By.ID, "flow-build").click()
            wait.until(lambda d: d.find_element(By.ID, "build-state").text == "succeeded")
            assert driver.find_element(By.ID, "build-recipe-copy").text == "copy skipped up to date"
            counted = driver.find_element(By.ID, "build-recipe-count_by_city").text
            assert counted.startswith("count_by_city ") and " done" in counted, counted
            wait.until(lambda d: d.find_element(By.ID, "flow-summary").text ==
                       "4 datasets, 3 recipes, 1 out of date")
            assert "done" in driver.find_element(By.ID, "node-recipe-count_by_city").get_attribute("class")
            driver.save_screenshot(str(shots / "flow-built.png"))

            # The dataset it made: schema, rows, and statistics computed in SQLite.
            driver.find_element(By.ID, "node-dataset-by_city").click()
            wait.until(lambda d: d.find_elements(By.ID, "flow-open-dataset"))
            driver.find_element(By.ID, "flow-open-dataset").click()
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 2)
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr")] == \
                ["Oslo 2", "Rome 1"]
            assert driver.find_element(By.ID, "rows-range").text == "rows 1 to 2"
            assert not driver.find_element(By.ID, "rows-next").is_enabled()
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#dataset-schema tr")] == \
                ["city string", "count int64"]
            driver.find_element(By.ID, "statistics-compute").click()
            wait.until(lambda d: d.find_elements(By.ID, "statistics-city"))
            assert driver.find_element(By.ID, "statistics-summary").text == "2 rows, computed in the database"
            assert driver.find_element(By.ID, "statistics-city").text == \
                "city string 0 2 Oslo Rome Oslo (1), Rome (1)"
            driver.save_screenshot(str(shots / "dataset.png"))

            # Import a table by browsing the SQLite connection: a new dataset, detected.
            driver.find_element(By.ID, "dataset-import").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-connection option[value='sqlite_default']"))
            Select(driver.find_element(By.ID, "import-connection")).select_by_value("sqlite_default")
            driver.find_element(By.ID, "import-name").send_keys("cities")
            wait.until(lambda d: d.find_elements(By.ID, "browse-item-main")).pop().click()
            wait.until(lambda d: d.find_elements(By.ID, "browse-pick-by_city")).pop().click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#dataset-view h2"))
            assert driver.find_element(By.CSS_SELECTOR, "#dataset-view h2").text == "cities"
            assert driver.current_url.endswith("#/datasets/cities")
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 2)
            assert "cities" in [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#datasets a")]
            assert shop.json("--project", "shop", "dataset", "show", "cities")["params"] == {"schema": "main", "table": "by_city"}

            # Import a CSV file by browsing the folders of the files connection.
            exports = shop.home / "files" / "exports"
            exports.mkdir(parents=True, exist_ok=True)
            (exports / "towns.csv").write_text("town,people\nOslo,700000\nBergen,290000\n")
            (exports / "_SUCCESS").write_text("")
            driver.find_element(By.ID, "dataset-import").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-connection option[value='filesystem_default']"))
            Select(driver.find_element(By.ID, "import-connection")).select_by_value("filesystem_default")
            driver.find_element(By.ID, "import-name").send_keys("towns")
            wait.until(lambda d: d.find_elements(By.ID, "folder-exports")).pop().click()
            wait.until(lambda d: d.find_elements(By.ID, "file-exports/towns.csv")).pop().click()
            assert driver.find_element(By.ID, "folder-browse-path").text.startswith("exports/")
            assert "_SUCCESS" not in driver.find_element(By.ID, "folder-browse-items").text
            assert driver.find_element(By.ID, "import-path").get_attribute("value") == "exports/towns.csv"
            driver.find_element(By.ID, "import-path-button").click()
            wait.until(lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#dataset-view h2")] == ["towns"])
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 2)
            # The same listing through the REST API, and what it refuses.
            key = shop.run("api-key", "create", "--user", "alice").stdout.strip()
            status, listing = server.api("GET", "/api/connections/filesystem_default/files?path=exports", key=key)
            assert status == 200 and listing["files"] == [{"path": "exports/towns.csv", "size": 38}], listing
            status, body = server.api("GET", "/api/connections/filesystem_default/files?path=../..", key=key)
            assert status == 400 and "leaves the connection's root" in body["error"], body
            status, body = server.api("GET", "/api/connections/sqlite_default/files", key=key)
            assert status == 400 and "has no folders" in body["error"], body

            # A SQL recipe written in the studio, into a new dataset: checked, saved, explained.
            driver.get(server.url + "/#/recipes/+new")
            wait.until(lambda d: d.find_elements(By.ID, "recipe-name"))
            driver.find_element(By.ID, "recipe-name").send_keys("oslo_only")
            driver.find_element(By.ID, "recipe-input-people_copy").click()
            driver.find_element(By.ID, "output-name").send_keys("oslo")
            driver.find_element(By.ID, "output-source").send_keys("oslo")
            # The SQL editor (CodeMirror) completes the columns of what the recipe reads.
            sql = driver.find_element(By.CSS_SELECTOR, "#recipe-sql-text .cm-content")
            sql.click()
            sql.send_keys(Keys.CONTROL, "a")
            sql.send_keys(Keys.DELETE)
            sql.send_keys("SELECT na")
            sql.send_keys(Keys.CONTROL, " ")
            # Read in the wait: the list is drawn again as completions come (a stale
            # element there is retried, not a failure).
            labels = wait.until(lambda d: [o.get_attribute("textContent") for o in d.find_elements(
                By.CSS_SELECTOR, ".cm-tooltip-autocomplete li")])
            assert any(label.startswith("name") for label in labels), labels
            sql.send_keys(Keys.ESCAPE)
            sql.send_keys("me FROM ${people_copy} WHERE city = 'Oslo'")
            assert driver.find_element(By.CSS_SELECTOR, "#recipe-sql-text .cm-content").text == \
                "SELECT name FROM ${people_copy} WHERE city = 'Oslo'"
            driver.find_element(By.ID, "recipe-save").click()
            wait.until(lambda d: d.current_url.endswith("#/recipes/oslo_only"))
            wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#recipe-form h2").text == "Recipe oslo_only"
                       and d.find_element(By.ID, "recipe-engine-chosen").text == "Runs on the in-database engine.")
            assert "WHERE city = 'Oslo'" in driver.find_element(By.ID, "recipe-sql").text
            driver.save_screenshot(str(shots / "recipe.png"))
            recipe = shop.json("--project", "shop", "recipe", "show", "oslo_only")
            assert (recipe["type"], recipe["inputs"], recipe["outputs"]) == ("sql", ["people_copy"], ["oslo"])
            # A python recipe written in the studio: its code starts from what it reads and
            # writes, is saved into its script file, builds, and opens again as saved.
            driver.get(server.url + "/#/recipes/+new")
            wait.until(lambda d: d.find_elements(By.ID, "recipe-name"))
            driver.find_element(By.ID, "recipe-name").send_keys("shout")
            Select(driver.find_element(By.ID, "recipe-type")).select_by_value("python")
            driver.find_element(By.ID, "recipe-input-people_copy").click()
            driver.find_element(By.ID, "output-name").send_keys("shouted")
            driver.find_element(By.ID, "output-source").send_keys("shouted")
            code = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#recipe-python-code .cm-content"))
            wait.until(lambda d: 'mortar.Dataset("shouted")' in code.text)
            assert 'df = mortar.Dataset("people_copy").get_dataframe()' in code.text
            assert json.loads(driver.find_element(By.ID, "recipe-params").get_attribute("value")) == \
                {"script": "recipes/shout.py"}
            code.click()
            code.send_keys(Keys.CONTROL, Keys.END)
            code.send_keys('print("shouting", len(df')
            code.send_keys(Keys.CONTROL, Keys.END)
            driver.find_element(By.ID, "recipe-save").click()
            wait.until(lambda d: d.current_url.endswith("#/recipes/shout"))
            script = shop.home / "projects" / "shop" / "recipes" / "shout.py"
            wait.until(lambda d: script.exists())
            assert script.read_text().endswith('print("shouting", len(df))')
            assert oct(script.stat().st_mode & 0o777) == "0o640"
            built = shop.json("--project", "shop", "--user", "alice", "build", "shouted")
            assert "python: shouting 3" in pathlib.Path(built["log"]).read_text()
            driver.refresh()
            wait.until(lambda d: 'print("shouting"' in d.find_element(
                By.CSS_SELECTOR, "#recipe-python-code .cm-content").text)
            driver.save_screenshot(str(shots / "recipe-python.png"))

            # A group recipe whose params its type refuses: the error, and nothing saved.
            driver.get(server.url + "/#/recipes/+new")
            wait.until(lambda d: d.find_elements(By.ID, "recipe-name"))
            driver.find_element(By.ID, "recipe-name").send_keys("bad_group")
            Select(driver.find_element(By.ID, "recipe-type")).select_by_value("group")
            driver.find_element(By.ID, "recipe-input-people").click()
            Select(driver.find_element(By.ID, "recipe-output")).select_by_value("by_city")
            driver.find_element(By.ID, "recipe-check").click()
            wait.until(lambda d: d.find_element(By.ID, "recipe-error").text)
            assert "'by_city' is the output of two recipes" in driver.find_element(By.ID, "recipe-error").text
            Select(driver.find_element(By.ID, "recipe-output")).select_by_value("cities")
            params = driver.find_element(By.ID, "recipe-params")
            params.send_keys(Keys.CONTROL, "a")
            params.send_keys('{"keys": "city"}')
            driver.find_element(By.ID, "recipe-check").click()
            wait.until(lambda d: "keys" in d.find_element(By.ID, "recipe-error").text)
            assert not (shop.home / "projects" / "shop" / "recipes" / "bad_group.json").exists()
            driver.get(server.url + "/#/flow")
            driver.find_element(By.ID, "nav-flow").click()
            wait.until(lambda d: d.find_elements(By.ID, "node-recipe-slow"))

            # A build that runs until cancelled: live state, cancel, and the table as it was.
            driver.find_element(By.ID, "node-recipe-slow").click()
            driver.find_element(By.ID, "flow-build").click()
            wait.until(lambda d: d.find_elements(By.ID, "build-recipe-slow"))
            assert "running" in driver.find_element(By.ID, "build-recipe-slow").text
            assert "running" in driver.find_element(By.ID, "node-recipe-slow").get_attribute("class")
            driver.find_element(By.ID, "build-cancel").click()
            WebDriverWait(driver, 60).until(lambda d: d.find_element(By.ID, "build-state").text == "cancelled")
            assert shop.json("sql", "sqlite_default", "SELECT was FROM slow_out")["rows"] == [{"was": "before"}]

            # The jobs: the runs above, a log, no cancel for a job that has ended.
            driver.find_element(By.ID, "nav-jobs").click()
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#jobs tr.job")) == 4)
            states = [r.find_element(By.CSS_SELECTOR, ".state").text
                      for r in driver.find_elements(By.CSS_SELECTOR, "#jobs tr.job")]
            assert states == ["cancelled", "succeeded", "succeeded", "succeeded"]
            row = driver.find_elements(By.CSS_SELECTOR, "#jobs tr.job")[-1]
            assert "people_copy" in row.text and "shop" in row.text and "alice" in row.text
            assert not row.find_elements(By.CSS_SELECTOR, "button[id^=job-cancel-]")
            row.find_element(By.CSS_SELECTOR, "button[id^=job-show-]").click()
            wait.until(lambda d: "recipe copy (sync)" in d.find_element(By.ID, "job-log").text)
            driver.save_screenshot(str(shots / "jobs.png"))
            driver.find_element(By.ID, "logout").click()

            # bob has no role on shop: neither its flow nor its jobs.
            log_in(driver, wait, server.url, "bob")
            assert "no role on any project" in driver.find_element(By.ID, "my-projects").text
            driver.find_element(By.ID, "nav-flow").click()
            wait.until(lambda d: "no role on any project" in d.find_element(By.ID, "flow-error").text)
            driver.find_element(By.ID, "nav-datasets").click()
            wait.until(lambda d: "no role on any project" in d.find_element(By.ID, "datasets-error").text)
            assert not driver.find_elements(By.ID, "flow-graph")
            driver.find_element(By.ID, "nav-jobs").click()
            wait.until(lambda d: d.find_elements(By.ID, "jobs-none"))
    finally:
        server.stop()


def test_a_python_recipes_code_is_read_and_written_as_the_role_allows(shop, tmp_path):
    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")
    project = shop.home / "projects" / "shop"
    shop_as_alice = ("--user", "alice", "--project", "shop")

    def python_recipe(name, params):
        shop.run(*shop_as_alice, "dataset", "create", name + "_out", "--connection",
                 "sqlite_default", "--table", name + "_out")
        shop.run(*shop_as_alice, "recipe", "create", name, "--type", "python", "--input",
                 "people", "--output", name + "_out", "--params", json.dumps(params))

    python_recipe("inline", {"code": "print(1)"})
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip() for user in PASSWORDS}
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        def call(method, user, recipe, body=None):
            return server.api(method, f"/api/recipes/{recipe}/script?project=shop", body, key=keys[user])

        assert call("GET", "bob", "slow") == \
            (200, {"script": "recipes/slow.py", "code": "import time\ntime.sleep(300)\n"})
        status, body = call("PUT", "bob", "slow", {"code": "print(2)"})
        assert status == 403 and "may not" in body["error"], body
        assert (project / "recipes" / "slow.py").read_text() == "import time\ntime.sleep(300)\n"
        assert call("PUT", "alice", "slow", {"code": "print(2)\n"}) == \
            (200, {"script": "recipes/slow.py", "code": "print(2)\n"})
        assert (project / "recipes" / "slow.py").read_text() == "print(2)\n"
        # Code kept in params.code is replaced there.
        assert call("GET", "alice", "inline") == (200, {"script": "", "code": "print(1)"})
        assert call("PUT", "alice", "inline", {"code": "print(3)"})[0] == 200
        assert shop.json("--project", "shop", "recipe", "show", "inline")["params"] == {"code": "print(3)"}
        # Refused, with nothing written: other recipe types, bodies without code, code
        # over 512 KiB, and a script path that is not a .py file (project.json holds the
        # project's permissions).
        status, body = call("PUT", "alice", "count_by_city", {"code": "x"})
        assert status == 400 and "only python recipes have code" in body["error"], body
        assert call("PUT", "alice", "slow", {"text": "x"})[0] == 400
        status, body = call("PUT", "alice", "slow", {"code": "#" * (600 << 10)})
        assert status == 400 and "at most 512 KiB" in body["error"], body
        assert (project / "recipes" / "slow.py").read_text() == "print(2)\n"
        before = (project / "project.json").read_text()
        for recipe, script in (("sneaky", "project.json"), ("stateful", "state/python-x.py")):
            python_recipe(recipe, {"script": script})
            status, body = call("PUT", "alice", recipe, {"code": '{"permissions": []}'})
            assert status == 400 and "only as a .py file" in body["error"], body
            assert call("GET", "alice", recipe)[0] == 400
        assert (project / "project.json").read_text() == before
        assert call("GET", "alice", "nosuch")[0] == 404
    finally:
        server.stop()


def test_a_chart_is_built_drawn_saved_and_downloaded_in_the_studio(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip() for user in PASSWORDS}
    charts = shop.home / "projects" / "shop" / "charts"
    shots = screenshots(tmp_path)
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "alice")
            driver.find_element(By.ID, "nav-charts").click()
            wait.until(lambda d: d.find_elements(By.ID, "chart-new")).pop().click()
            wait.until(lambda d: d.find_elements(By.ID, "chart-name")).pop().send_keys("people_by_city")
            Select(driver.find_element(By.ID, "chart-dataset")).select_by_value("people")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-dimension-0 option[value=city]"))
            Select(driver.find_element(By.ID, "chart-dimension-0")).select_by_value("city")
            Select(driver.find_element(By.ID, "chart-sort")).select_by_value("measure")
            driver.find_element(By.ID, "chart-descending").click()
            # A second measure, and a third taken out again.
            driver.find_element(By.ID, "chart-measure-add").click()
            Select(driver.find_element(By.ID, "chart-function-1")).select_by_value("count_distinct")
            Select(driver.find_element(By.ID, "chart-measure-column-1")).select_by_value("name")
            driver.find_element(By.ID, "chart-measure-add").click()
            driver.find_element(By.ID, "chart-measure-remove-2").click()
            assert not driver.find_elements(By.ID, "chart-function-2")
            # Drawn before it is saved: the picture (a data: image the page's policy allows)
            # and the bins, from the local engine on the CSV file.
            driver.find_element(By.ID, "chart-draw").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-bins tr"))
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#chart-bins tr")] == \
                ["city count count_distinct(name)", "Oslo 2 2", "Rome 1 1"]
            picture = driver.find_element(By.ID, "chart-picture")
            assert picture.get_attribute("src").startswith("data:image/svg+xml")
            wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", picture) > 0)
            assert "engine local" in driver.find_element(By.ID, "chart-drawn-caption").text
            assert not charts.exists() or not list(charts.iterdir())
            driver.find_element(By.ID, "chart-save").click()
            wait.until(lambda d: d.current_url.endswith("#/charts/people_by_city"))
            wait.until(lambda d: d.find_elements(By.ID, "chart-download-png"))
            assert json.loads((charts / "people_by_city.json").read_text()) == {
                "name": "people_by_city", "dataset": "people", "type": "bar",
                "dimensions": [{"column": "city"}],
                "measures": [{"function": "count"}, {"function": "count_distinct", "column": "name"}],
                "sort": {"by": "measure", "descending": True}}
            saved = wait.until(lambda d: d.find_element(By.ID, "chart-picture"))
            assert "/api/charts/people_by_city.svg" in saved.get_attribute("src")
            wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", saved) > 0)
            assert driver.find_element(By.ID, "chart-download-png").get_attribute("download") == "people_by_city.png"
            driver.save_screenshot(str(shots / "chart.png"))
            # A formula the chart cannot run: the server's message, nothing saved.
            driver.find_element(By.ID, "chart-filters").send_keys("nosuch > 1")
            driver.find_element(By.ID, "chart-draw").click()
            wait.until(lambda d: d.find_element(By.ID, "chart-builder-error").text)
            assert "nosuch" in driver.find_element(By.ID, "chart-builder-error").text
            assert "filters" not in json.loads((charts / "people_by_city.json").read_text())

        def post(path, body, user="alice"):
            return server.api("POST", path + "?project=shop", body, key=keys[user])
        chart = {"name": "by_count", "dataset": "people_copy", "type": "pie",
                 "dimensions": [{"column": "city"}], "measures": [{"column": "name", "function": "count_distinct"}]}
        status, drawn = post("/api/charts/preview", {"chart": chart}, "bob")
        assert status == 200 and drawn["svg"].startswith("<svg") and drawn["engine"] == "live", drawn
        status, body = post("/api/charts", {"chart": chart}, "bob")
        assert status == 403 and "may not" in body["error"], body
        assert post("/api/charts", {"chart": chart})[0] == 200
        status, body = post("/api/charts", {"chart": chart})
        assert status == 409 and "a chart named 'by_count' exists" in body["error"], body
        assert post("/api/charts", {"chart": chart, "replace": True})[0] == 200
        for bad, says in (({**chart, "type": "radar"}, "type"), ({**chart, "dataset": "nosuch"}, "nosuch"),
                          ({**chart, "name": "../x"}, "name"), ({**chart, "dimensions": []}, "dimension")):
            status, body = post("/api/charts", {"chart": bad})
            assert status in (400, 404) and says in body["error"], (bad, body)
        assert sorted(p.name for p in charts.iterdir()) == ["by_count.json", "people_by_city.json"]
        request = urllib.request.Request(server.url + "/api/charts/by_count.png?project=shop",
                                         headers={"Authorization": "Bearer " + keys["bob"]})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Type"] == "image/png" and response.read(8) == b"\x89PNG\r\n\x1a\n"
    finally:
        server.stop()


def test_who_may_do_what_is_seen_and_changed_as_each_user_may(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shop.run("user", "add", "carl", "--admin", input="carls-password\n")
    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip()
            for user in ("alice", "bob", "carl")}

    def grants():
        return {(g.get("user") or "group " + g["group"], g["role"])
                for g in shop.json("--user", "alice", "project", "permissions", "shop")}

    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            # A project admin changes the grants; the Mortar admin's forms are not theirs.
            log_in(driver, wait, server.url, "alice")
            driver.find_element(By.ID, "nav-access").click()
            wait.until(lambda d: d.find_elements(By.ID, "grant-user-bob"))
            assert driver.find_element(By.ID, "grant-user-alice").text.startswith("user alice admin")
            assert not driver.find_elements(By.ID, "new-user-add")
            driver.find_element(By.ID, "grant-who").send_keys("bob")
            Select(driver.find_element(By.ID, "grant-role")).select_by_value("write")
            driver.find_element(By.ID, "grant-button").click()
            wait.until(lambda d: "write" in d.find_element(By.ID, "grant-user-bob").text)
            assert grants() == {("alice", "admin"), ("bob", "write")}
            driver.find_element(By.ID, "grant-who").clear()
            driver.find_element(By.ID, "grant-who").send_keys("nobody")
            driver.find_element(By.ID, "grant-button").click()
            wait.until(lambda d: d.find_element(By.ID, "grants-error").text)
            assert "nobody" in driver.find_element(By.ID, "grants-error").text
            driver.find_element(By.ID, "revoke-user-alice").click()
            wait.until(lambda d: "admin" in d.find_element(By.ID, "grants-error").text)
            driver.find_element(By.ID, "revoke-user-bob").click()
            wait.until(lambda d: not d.find_elements(By.ID, "grant-user-bob"))
            assert grants() == {("alice", "admin")}
            driver.save_screenshot(str(screenshots(tmp_path) / "access.png"))
            driver.find_element(By.ID, "logout").click()
            # The Mortar admin adds a group, then a user in it, who can log in.
            log_in(driver, wait, server.url, "carl", "carls-password")
            driver.find_element(By.ID, "nav-access").click()
            wait.until(lambda d: d.find_elements(By.ID, "new-group-name")).pop().send_keys("auditors")
            driver.find_element(By.ID, "new-group-add").click()
            wait.until(lambda d: d.find_elements(By.ID, "group-auditors"))
            assert driver.find_element(By.ID, "new-group-error").text == ""
            driver.find_element(By.ID, "new-user-name").send_keys("dora")
            driver.find_element(By.ID, "new-user-password").send_keys("short")
            wait.until(lambda d: d.find_elements(By.ID, "new-user-group-auditors")).pop().click()
            driver.find_element(By.ID, "new-user-add").click()
            wait.until(lambda d: "at least 8 characters" in d.find_element(By.ID, "new-user-error").text)
            driver.find_element(By.ID, "new-user-password").send_keys("-and-longer")
            driver.find_element(By.ID, "new-user-add").click()
            wait.until(lambda d: d.find_elements(By.ID, "user-dora"))
            assert driver.find_element(By.ID, "user-dora").text == "dora dora auditors Delete"
            assert driver.find_element(By.ID, "new-user-password").get_attribute("value") == ""
        users = {u["name"]: u for u in shop.json("user", "list")}
        assert users["dora"]["groups"] == ["auditors"] and users["dora"]["admin"] is False
        assert server.api("POST", "/api/login", {"user": "dora", "password": "short-and-longer"},
                          headers={"Origin": server.url})[0] == 200

        def call(method, path, body, user):
            return server.api(method, path, body, key=keys[user])
        status, body = call("PUT", "/api/permissions?project=shop", {"user": "bob", "role": "admin"}, "bob")
        assert status == 403 and "may not" in body["error"], body
        for bad in ({"user": "bob"}, {"user": "bob", "group": "auditors", "role": "read"},
                    {"user": "bob", "role": "owner"}, {"user": 7, "role": "read"}):
            assert call("PUT", "/api/permissions?project=shop", bad, "alice")[0] == 400, bad
        assert call("PUT", "/api/permissions?project=shop", {"group": "auditors", "role": "read"}, "alice")[0] == 200
        assert ("group auditors", "read") in grants()
        status, body = call("POST", "/api/users", {"name": "eve", "password": "a-long-password"}, "alice")
        assert status == 403 and "only an admin may manage users" in body["error"], body
        assert call("POST", "/api/groups", {"name": "x"}, "bob")[0] == 403
        assert call("POST", "/api/users", {"name": "eve", "password": "a-long-password",
                                           "groups": ["nosuch"]}, "carl")[0] == 404
        assert call("POST", "/api/users", {"name": "dora", "password": "a-long-password"}, "carl")[0] == 409
        assert "eve" not in {u["name"] for u in shop.json("user", "list")}
        assert call("POST", "/api/groups", {"name": "auditors"}, "carl")[0] == 409
        assert "auditors" in [g["name"] for g in call("GET", "/api/groups", None, "bob")[1]["groups"]]
    finally:
        server.stop()


def test_a_datasets_schema_is_edited_beside_the_types_its_data_has(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    (shop.home / "files" / "amounts.csv").write_text("id,amount\n1,2.5\n2,10.25\n")
    shop.run("--user", "alice", "--project", "shop", "dataset", "import", "filesystem_default",
             "amounts.csv", "--name", "amounts")
    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")

    def recorded():
        return {c["name"]: c["type"] for c in shop.json("--project", "shop", "dataset", "show", "amounts")["schema"]}

    assert recorded() == {"id": "int64", "amount": "double"}
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "alice")
            driver.get(server.url + "/#/datasets/amounts")
            wait.until(lambda d: d.find_elements(By.ID, "schema-edit")).pop().click()
            wait.until(lambda d: d.find_element(By.ID, "schema-detected-amount").text == "detected: double")

            def set_type(column, value):
                field = driver.find_element(By.ID, "schema-type-" + column)
                field.send_keys(Keys.CONTROL, "a")
                field.send_keys(value)

            # A type Mortar does not have: refused, nothing recorded.
            set_type("amount", "decimal(99,2)")
            driver.find_element(By.ID, "schema-save").click()
            wait.until(lambda d: d.find_element(By.ID, "schema-error").text)
            assert "decimal" in driver.find_element(By.ID, "schema-error").text
            assert recorded()["amount"] == "double"
            set_type("amount", "decimal(10,2)")
            driver.find_element(By.ID, "schema-save").click()
            wait.until(lambda d: d.find_elements(By.ID, "schema-edit"))
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#dataset-schema tr")] == \
                ["id int64", "amount decimal(10,2)"]
            wait.until(lambda d: [r.text for r in d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")] ==
                       ["1 2.50", "2 10.25"])
            assert recorded() == {"id": "int64", "amount": "decimal(10,2)"}
            # Back to what the data has, in one click.
            driver.find_element(By.ID, "schema-edit").click()
            wait.until(lambda d: d.find_element(By.ID, "schema-detected-amount").text == "detected: double")
            driver.find_element(By.ID, "schema-use-detected").click()
            assert driver.find_element(By.ID, "schema-type-amount").get_attribute("value") == "double"
            driver.find_element(By.ID, "schema-cancel").click()
            assert recorded()["amount"] == "decimal(10,2)"
        key = shop.run("api-key", "create", "--user", "bob").stdout.strip()
        status, detected = server.api("GET", "/api/datasets/amounts/detected-schema?project=shop", key=key)
        assert status == 200 and detected["columns"][1] == {"name": "amount", "type": "double"}, detected
        status, body = server.api("PUT", "/api/datasets/amounts/schema?project=shop",
                                  {"columns": [{"name": "id", "type": "string"}]}, key=key)
        assert status == 403 and "may not" in body["error"], body
        assert recorded()["id"] == "int64"
    finally:
        server.stop()


def test_builds_start_through_the_rest_api_only_for_who_may_build(shop, tmp_path):
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip() for user in PASSWORDS}
    (shop.home / "files" / "notes.csv").write_text("id,note\n1," + "é" * 100000 + "\n")
    shop.run("--user", "alice", "--project", "shop", "dataset", "import", "filesystem_default", "notes.csv",
             "--name", "notes")
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        def build(user, body):
            return server.api("POST", "/api/builds", body, key=keys[user])

        status, document = server.api("GET", "/api/openapi.json")
        assert status == 200 and document["openapi"] == "3.1.0" and "/api/builds" in document["paths"]
        # Large bodies go gzip-compressed to who accepts it (compressed by Mortar, once for
        # the studio's files), as they are to who does not.
        for i in range(30):  # a flow whose answer is over 1 KiB
            (shop.home / "projects" / "shop" / "datasets" / f"extra{i}.json").write_text(json.dumps(
                {"name": f"extra{i}", "connection": "sqlite_default", "type": "sql_table",
                 "params": {"table": f"extra{i}"}}))
        # The page: scripts from its own address only, styles also with a nonce of its own.
        policies = []
        for _ in range(2):
            with urllib.request.urlopen(server.url + "/") as response:
                policy = response.headers["Content-Security-Policy"]
                nonce = policy.split("'nonce-")[1].split("'")[0]
                assert policy == f"default-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:"
                assert f'content="{nonce}"' in response.read().decode()
                policies.append(policy)
        assert policies[0] != policies[1]
        for path, headers in (("/app.js", {}), ("/api/flow?project=shop", {"Authorization": "Bearer " + keys["alice"]})):
            asked = urllib.request.Request(server.url + path, headers={**headers, "Accept-Encoding": "gzip, br"})
            with urllib.request.urlopen(asked) as response:
                assert response.headers["Content-Encoding"] == "gzip", path
                unzipped = gzip.decompress(response.read())
            with urllib.request.urlopen(urllib.request.Request(server.url + path, headers=headers)) as response:
                assert response.headers["Content-Encoding"] is None and response.read() == unzipped, path

        status, body = build("bob", {"project": "shop", "datasets": ["by_city"]})
        assert status == 403 and "may not" in body["error"], body
        status, body = build("alice", {"project": "shop", "datasets": ["nosuch"]})
        assert status == 404 and "no dataset named 'nosuch'" in body["error"], body
        status, body = build("alice", {"project": "shop", "datasets": ["--home=/tmp"]})
        assert status == 400, body
        assert build("alice", {"project": "shop", "datasets": []})[0] == 400
        assert build("alice", {"project": "shop", "datasets": ["by_city"], "force": "yes"})[0] == 400
        assert build("alice", {"datasets": ["by_city"]})[0] == 400

        # A dataset's pages of rows and its statistics, computed locally for a CSV file.
        def get(user, path):
            return server.api("GET", path, key=keys[user])
        status, page = get("alice", "/api/datasets/people/rows?project=shop&offset=1&limit=1")
        assert status == 200 and page["rows"] == [["Cy", "Rome"]] and page["more"] is True, page
        assert get("alice", "/api/datasets/people/rows?project=shop&offset=2&limit=5")[1]["more"] is False
        assert get("alice", "/api/datasets/people/rows?project=shop&limit=1001")[0] == 400
        # A page shows the start of a long cell (4 KiB of UTF-8, cut at a character), not all of it.
        status, page = get("alice", "/api/datasets/notes/rows?project=shop")
        assert status == 200 and page["rows"][0][1] == "é" * 2048 + "\u2026", len(page["rows"][0][1])
        status, stats = get("alice", "/api/datasets/people/statistics?project=shop")
        assert status == 200 and (stats["rows"], stats["engine"]) == (3, "local"), stats
        city = stats["columns"][1]
        assert (city["name"], city["distinct"], city["min"], city["max"], city["nulls"]) == \
            ("city", 2, "Oslo", "Rome", 0)
        assert city["top"] == [{"value": "Oslo", "count": 2}, {"value": "Rome", "count": 1}]
        status, body = server.api("POST", "/api/datasets?project=shop",
                                  {"connection": "filesystem_default", "source": "people.csv"}, key=keys["alice"])
        assert status == 409 and "a dataset named 'people' exists" in body["error"], body
        status, body = server.api("POST", "/api/datasets?project=shop", {"connection": "filesystem_default",
                                  "source": "people.csv", "name": "people2"}, key=keys["bob"])
        assert status == 403, body
        status, body = server.api("POST", "/api/datasets?project=shop",
                                  {"connection": "filesystem_default", "source": "nosuch.csv", "name": "nope"},
                                  key=keys["alice"])
        assert status in (400, 404) and "nosuch.csv" in body["error"], body
        assert not (shop.home / "projects" / "shop" / "datasets" / "nope.json").exists()
        status, imported = server.api("POST", "/api/datasets?project=shop", {
            "connection": "filesystem_default", "source": "people.csv", "name": "people2"}, key=keys["alice"])
        assert status == 200 and imported["columns"] == [{"name": "name", "type": "string"},
                                                          {"name": "city", "type": "string"}], imported
        status, info = get("alice", "/api/datasets/people?project=shop")
        assert status == 200 and info["params"] == {"path": "people.csv"} and info["exists"] is True
        for path in ("/api/datasets/people?project=shop", "/api/datasets/people/rows?project=shop",
                     "/api/datasets/people/statistics?project=shop"):
            assert get("bob", path)[0] == 403, path

        status, body = build("alice", {"project": "shop", "datasets": ["by_city"]})
        assert status == 200, body
        job = body["job"]
        deadline = time.time() + 60
        while True:
            status, shown = server.api("GET", f"/api/jobs/{job}", key=keys["alice"])
            if shown["state"] != "running" or time.time() > deadline:
                break
            time.sleep(0.2)
        assert (shown["state"], shown["user"], shown["project"], shown["label"]) == \
            ("succeeded", "alice", "shop", "by_city"), shown
        assert any("recipe count_by_city (group)" in line for line in shown["log"]), shown["log"]
        rows = shop.json("sql", "sqlite_default", "SELECT city, count FROM by_city ORDER BY city")["rows"]
        assert rows == [{"city": "Oslo", "count": 2}, {"city": "Rome", "count": 1}]
    finally:
        server.stop()


def test_admins_manage_connections_through_the_rest_api_and_secrets_stay_write_only(shop, tmp_path):
    shop.run("user", "add", "root", "--admin", input="root-password-long\n")
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip() for user in ("root", "alice")}
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        def call(user, method, path, body=None):
            return server.api(method, path, body, key=keys[user])

        new = {"name": "lake", "type": "sqlite", "description": "a lake",
               "params": {"path": str(tmp_path / "lake.db")}}
        assert call("alice", "POST", "/api/connections", new)[0] == 403
        status, settings = call("root", "POST", "/api/connections", new)
        assert status == 200 and settings["params"] == new["params"] and settings["secrets"] == [], settings
        assert call("root", "POST", "/api/connections", new)[0] == 409
        status, body = call("root", "POST", "/api/connections", {**new, "name": "bad", "params": {"nope": 1}})
        assert status == 400 and "nope" in body["error"], body
        assert "bad" not in [c["name"] for c in call("root", "GET", "/api/connections")[1]]

        status, settings = call("root", "PUT", "/api/connections/lake/settings", {"description": "the lake"})
        assert status == 200 and settings["description"] == "the lake"
        assert call("root", "PUT", "/api/connections/lake/settings", {"params": {"nope": 1}})[0] == 400
        assert call("root", "GET", "/api/connections/lake/settings")[1]["params"] == new["params"]

        status, settings = call("root", "PUT", "/api/connections/lake/secrets/token", {"value": "s3cr3t-value"})
        assert status == 200 and [s["field"] for s in settings["secrets"]] == ["token"], settings
        assert "s3cr3t-value" not in json.dumps(settings)
        status, body = call("root", "PUT", "/api/connections/lake/secrets/password", {"value": "x"})
        assert status == 400 and "unknown secret field" in body["error"], body
        assert call("alice", "GET", "/api/connections/lake/settings")[0] == 403

        assert call("alice", "DELETE", "/api/connections/lake")[0] == 403
        assert call("root", "DELETE", "/api/connections/lake")[0] == 200
        assert call("root", "GET", "/api/connections/lake/settings")[0] == 404
        assert "s3cr3t-value" not in (tmp_path / "server.log").read_text()
    finally:
        server.stop()


def test_passwords_users_and_connection_rights_are_managed_in_the_studio(shop, tmp_path):
    import http.cookiejar
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shop.run("user", "add", "carl", "--admin", input="carls-password\n")
    shop.run("group", "add", "auditors")
    shop.run("user", "add", "dora", "--group", "auditors", input="doras-password\n")
    shop.run("--user", "alice", "project", "grant", "shop", "user", "dora", "--role", "write")
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip()
            for user in ("bob", "carl")}

    def rules(name):
        return json.loads((shop.home / "connections" / f"{name}.json").read_text()).get("permissions")

    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        # Bob is logged in elsewhere: changing his password ends that session.
        elsewhere = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        assert server.api("POST", "/api/login", {"user": "bob", "password": PASSWORDS["bob"]},
                          opener=elsewhere, headers={"Origin": server.url})[0] == 200
        assert server.api("GET", "/api/me", opener=elsewhere)[0] == 200
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "bob")
            driver.find_element(By.ID, "nav-access").click()
            wait.until(lambda d: d.find_elements(By.ID, "password-current"))
            # Not an admin: no user to choose, no deleting, no connection rights.
            assert not driver.find_elements(By.ID, "password-user")
            assert not driver.find_elements(By.ID, "delete-user-dora")
            assert not driver.find_elements(By.ID, "connection-grants-name")
            driver.find_element(By.ID, "password-current").send_keys("not-my-password")
            driver.find_element(By.ID, "password-new").send_keys("bobs-new-password")
            driver.find_element(By.ID, "password-change").click()
            wait.until(lambda d: d.find_element(By.ID, "password-error").text)
            driver.find_element(By.ID, "password-current").clear()
            driver.find_element(By.ID, "password-current").send_keys(PASSWORDS["bob"])
            driver.find_element(By.ID, "password-change").click()
            wait.until(lambda d: "Changed the password of bob" in d.find_element(By.ID, "password-done").text)
            assert driver.find_element(By.ID, "password-error").text == ""
            # This session goes on; the other one is over.
            driver.find_element(By.ID, "nav-flow").click()
            driver.find_element(By.ID, "nav-access").click()
            wait.until(lambda d: d.find_elements(By.ID, "password-current"))
            driver.find_element(By.ID, "logout").click()

            # The admin deletes a user (asked twice) and grants a group free SQL.
            log_in(driver, wait, server.url, "carl", "carls-password")
            driver.find_element(By.ID, "nav-access").click()
            wait.until(lambda d: d.find_elements(By.ID, "delete-user-dora")).pop().click()
            assert not driver.find_elements(By.ID, "delete-user-carl")
            driver.find_element(By.ID, "delete-user-confirm-dora").click()
            wait.until(lambda d: not d.find_elements(By.ID, "user-dora"))
            Select(driver.find_element(By.ID, "connection-grants-name")).select_by_value("sqlite_default")
            wait.until(lambda d: "every user" in d.find_element(By.ID, "connection-rule-use").text)
            assert "admins only" in driver.find_element(By.ID, "connection-rule-free_sql").text
            Select(driver.find_element(By.ID, "connection-grant-right")).select_by_value("free_sql")
            Select(driver.find_element(By.ID, "connection-grant-who")).select_by_value("auditors")
            driver.find_element(By.ID, "connection-grant").click()
            wait.until(lambda d: "groups auditors" in d.find_element(By.ID, "connection-rule-free_sql").text)
            assert rules("sqlite_default")["free_sql"] == {"mode": "groups", "groups": ["auditors"]}
            # Free SQL came with use for the group: taking use from every user leaves the
            # group's; taking it from the group takes its free SQL too.
            Select(driver.find_element(By.ID, "connection-grant-right")).select_by_value("use")
            Select(driver.find_element(By.ID, "connection-grant-who")).select_by_value("")
            driver.find_element(By.ID, "connection-revoke").click()
            wait.until(lambda d: "groups auditors" in d.find_element(By.ID, "connection-rule-use").text)
            Select(driver.find_element(By.ID, "connection-grant-who")).select_by_value("auditors")
            driver.find_element(By.ID, "connection-revoke").click()
            wait.until(lambda d: "admins only" in d.find_element(By.ID, "connection-rule-use").text)
            assert "admins only" in driver.find_element(By.ID, "connection-rule-free_sql").text
            driver.save_screenshot(str(screenshots(tmp_path) / "access-admin.png"))

        assert server.api("GET", "/api/me", opener=elsewhere)[0] == 401
        assert server.api("POST", "/api/login", {"user": "bob", "password": PASSWORDS["bob"]},
                          headers={"Origin": server.url})[0] == 401
        assert server.api("POST", "/api/login", {"user": "bob", "password": "bobs-new-password"},
                          headers={"Origin": server.url})[0] == 200
        users = {u["name"] for u in shop.json("user", "list")}
        assert "dora" not in users
        assert {g.get("user") for g in shop.json("--user", "alice", "project", "permissions", "shop")} \
            == {"alice"}

        def call(method, path, body, user):
            return server.api(method, path, body, key=keys[user])
        status, body = call("PUT", "/api/users/alice/password", {"password": "alices-new-one"}, "bob")
        assert status == 403 and "only an admin may change another user's password" in body["error"]
        status, body = call("PUT", "/api/users/bob/password", {"password": "and-another-one"}, "bob")
        assert status == 403 and "without the current one" in body["error"], body
        assert call("PUT", "/api/users/bob/password", {"password": "short",
                                                       "current_password": "bobs-new-password"},
                    "bob")[0] == 400
        assert call("PUT", "/api/users/nobody/password", {"password": "long-enough"}, "carl")[0] == 404
        assert call("PUT", "/api/users/alice/password", {"password": 7}, "carl")[0] == 400
        assert call("DELETE", "/api/users/alice", None, "bob")[0] == 403
        status, body = call("DELETE", "/api/users/carl", None, "carl")
        assert status == 400 and "yourself" in body["error"], body
        # Alice is the project's last admin: deleting her is refused, nothing changes.
        status, body = call("DELETE", "/api/users/alice", None, "carl")
        assert status in (400, 409) and "admin" in body["error"], body
        assert "alice" in {u["name"] for u in shop.json("user", "list")}
        grant = {"right": "use", "everyone": True, "grant": True}
        assert call("PUT", "/api/connections/sqlite_default/permissions", grant, "bob")[0] == 403
        for bad in ({"right": "use", "grant": True},
                    {"right": "use", "group": "auditors", "everyone": True, "grant": True},
                    {"right": "drop", "everyone": True, "grant": True},
                    {"right": "use", "everyone": True, "grant": "yes"}):
            assert call("PUT", "/api/connections/sqlite_default/permissions", bad, "carl")[0] == 400, bad
        assert call("PUT", "/api/connections/sqlite_default/permissions",
                    {"right": "use", "group": "nosuch", "grant": True}, "carl")[0] == 404
        assert rules("sqlite_default")["use"] == {"mode": "nobody"}
        status, body = call("PUT", "/api/connections/sqlite_default/permissions", grant, "carl")
        assert status == 200 and body["permissions"]["use"] == {"mode": "analysts"}, body
        # A wrong current password is refused, and guessed no faster than at login: five
        # wrong ones (the right one above cleared the browser's), then a wait.
        wrong = {"password": "yet-another-one", "current_password": "a-wrong-guess"}
        for _ in range(5):
            status, body = call("PUT", "/api/users/bob/password", wrong, "bob")
            assert status == 403 and "current password is not right" in body["error"], body
        request = urllib.request.Request(server.url + "/api/users/bob/password", method="PUT",
                                         data=json.dumps(wrong).encode(),
                                         headers={"Authorization": "Bearer " + keys["bob"],
                                                  "Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request)
            raise AssertionError("a sixth wrong password was not refused")
        except urllib.error.HTTPError as refused:
            assert refused.code == 429 and int(refused.headers["Retry-After"]) > 0
    finally:
        server.stop()


def test_a_recipe_runs_from_its_page_and_shows_what_it_wrote(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")
    keys = {user: shop.run("api-key", "create", "--user", user).stdout.strip() for user in PASSWORDS}
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 60)
            log_in(driver, wait, server.url, "alice")
            driver.get(server.url + "/#/recipes/count_by_city")
            wait.until(lambda d: d.find_elements(By.ID, "recipe-run-button")).pop().click()
            wait.until(lambda d: d.find_element(By.ID, "build-state").text == "succeeded")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#rows tbody tr"))
            rows = sorted(r.text for r in driver.find_elements(By.CSS_SELECTOR, "#rows tbody tr"))
            assert rows == ["Oslo 2", "Rome 1"], rows
            assert "count_by_city" in driver.find_element(By.ID, "build-log").text
            driver.execute_script("document.getElementById('recipe-run').scrollIntoView()")
            driver.save_screenshot(str(screenshots(tmp_path) / "recipe-run.png"))
        jobs = shop.json("--user", "alice", "job", "list")
        assert jobs[0]["label"] == "count_by_city" and jobs[0]["state"] == "succeeded", jobs[0]

        def run(user, body):
            return server.api("POST", "/api/builds", body, key=keys[user])
        status, body = run("bob", {"project": "shop", "recipe": "count_by_city"})
        assert status == 403 and "may not" in body["error"], body
        assert run("alice", {"project": "shop", "recipe": "nosuch"})[0] == 404
        for bad in ({"project": "shop", "recipe": 7},
                    {"project": "shop", "recipe": "copy", "datasets": ["people_copy"]},
                    {"project": "shop", "recipe": "copy", "force": True}):
            assert run("alice", bad)[0] == 400, bad
    finally:
        server.stop()


def test_a_visual_recipe_is_edited_in_its_form_with_errors_at_their_field(shop, tmp_path):
    def saved_params(driver, wait, recipe, check):
        """Waits until the recipe's saved params pass `check` and the page is done saving
        (it then moves to the recipe's address, so leaving before would be undone)."""
        from selenium.webdriver.common.by import By
        wait.until(lambda d: check(shop.json("--project", "shop", "--user", "alice", "recipe",
                                             "show", recipe)["params"]))
        wait.until(lambda d: d.find_element(By.ID, "recipe-save").is_enabled())

    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    # Also a window recipe and a pivot, edited through their forms further down.
    shop_as_alice = ("--user", "alice", "--project", "shop")
    shop.run(*shop_as_alice, "dataset", "create", "ranked", "--connection", "sqlite_default",
             "--table", "ranked")
    shop.run(*shop_as_alice, "recipe", "create", "rank_people", "--type", "window", "--input",
             "people_copy", "--output", "ranked", "--params", json.dumps(
                 {"partition_by": ["city"], "order_by": [{"column": "name"}],
                  "computations": [{"function": "row_number", "output": "rn"}]}))
    shop.run(*shop_as_alice, "dataset", "create", "pivoted", "--connection", "sqlite_default",
             "--table", "pivoted")
    shop.run(*shop_as_alice, "recipe", "create", "pivot_people", "--type", "pivot", "--input",
             "people_copy", "--output", "pivoted", "--params",
             json.dumps({"keys": ["name"], "column": "city"}))
    for name in ("in_oslo", "elsewhere"):
        shop.run(*shop_as_alice, "dataset", "create", name, "--connection", "sqlite_default",
                 "--table", name)
    shop.run(*shop_as_alice, "recipe", "create", "split_people", "--type", "split", "--input",
             "people_copy", "--output", "in_oslo", "--output", "elsewhere", "--params",
             json.dumps({"rules": [{"expression": "city = 'Oslo'", "output": "in_oslo"}],
                         "otherwise": "elsewhere"}))
    shop.run(*shop_as_alice, "dataset", "create", "sampled", "--connection", "sqlite_default",
             "--table", "sampled")
    shop.run(*shop_as_alice, "recipe", "create", "sample_people", "--type", "filter", "--input",
             "people_copy", "--output", "sampled", "--params", json.dumps({"expression": "city <> 'Rome'"}))
    shop.run(*shop_as_alice, "dataset", "create", "prepared", "--connection", "sqlite_default",
             "--table", "prepared")
    shop.run(*shop_as_alice, "recipe", "create", "prepare_people", "--type", "prepare", "--input",
             "people_copy", "--output", "prepared", "--params", json.dumps(
                 {"steps": [{"type": "fill_empty", "columns": ["city"], "value": "?"}]}))
    shop.run(*shop_as_alice, "dataset", "create", "joined", "--connection", "sqlite_default",
             "--table", "joined")
    shop.run(*shop_as_alice, "recipe", "create", "join_people", "--type", "join", "--input",
             "people_copy", "--input", "people", "--output", "joined", "--params", json.dumps(
                 {"joins": [{"type": "inner", "on": [{"left": "name", "right": "city"}]}],
                  "select": [{"input": "people_copy", "columns": ["name", "city"]},
                             {"input": "people", "columns": ["city"], "prefix": "p_"}]}))
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "alice")
            driver.get(server.url + "/#/recipes/count_by_city")
            # The group form shows the recipe's params, with the input's columns offered.
            city = wait.until(lambda d: d.find_elements(By.ID, "param-input-keys-city")).pop()
            assert city.is_selected()
            assert not driver.find_element(By.ID, "param-input-keys-name").is_selected()
            assert driver.find_element(By.ID, "param-input-count").is_selected()
            driver.find_element(By.ID, "param-input-aggregations-add").click()
            Select(driver.find_element(By.ID, "param-input-aggregations-0")).select_by_value("name")
            driver.find_element(By.ID, "param-input-aggregations-0-count").click()  # none left
            assert json.loads(driver.find_element(By.ID, "recipe-params").get_attribute("value"))[
                "aggregations"] == [{"column": "name", "functions": []}]
            driver.find_element(By.ID, "recipe-save").click()
            error = wait.until(lambda d: d.find_elements(By.ID, "param-error-aggregations")).pop()
            assert "list at least one of count" in error.text, error.text
            assert not driver.find_elements(By.ID, "param-error-keys")
            driver.find_element(By.ID, "param-input-aggregations-0-count_distinct").click()
            driver.find_element(By.ID, "param-input-filter_after").send_keys("count > 1")
            Select(driver.find_element(By.ID, "param-input-order_by")).select_by_value("name")
            driver.find_element(By.ID, "recipe-save").click()
            wait.until(lambda d: "COUNT(DISTINCT" in d.find_element(By.ID, "recipe-sql").text)
            assert not driver.find_elements(By.ID, "param-error-aggregations")
            driver.save_screenshot(str(screenshots(tmp_path) / "recipe-visual.png"))
            # A field the JSON gets wrong is shown at its field too.
            params = driver.find_element(By.ID, "recipe-params")
            params.send_keys(Keys.CONTROL, "a")
            params.send_keys('{"keys": "city"}')
            driver.find_element(By.ID, "recipe-save").click()
            error = wait.until(lambda d: d.find_elements(By.ID, "param-error-keys")).pop()
            assert "expected a list of strings" in error.text, error.text
            # A window recipe's computations, and a pivot's values, through their forms.
            driver.get(server.url + "/#/recipes/rank_people")
            wait.until(lambda d: d.find_elements(By.ID, "param-input-computations-0-function"))
            assert driver.find_element(By.ID, "param-input-computations-0-output").get_attribute("value") == "rn"
            assert driver.find_element(By.ID, "param-input-partition_by-city").is_selected()
            driver.find_element(By.ID, "param-input-computations-add").click()
            Select(driver.find_element(By.ID, "param-input-computations-1-function")).select_by_value("lag")
            Select(driver.find_element(By.ID, "param-input-computations-1")).select_by_value("name")
            driver.find_element(By.ID, "param-input-computations-1-offset").send_keys("2")
            Select(driver.find_element(By.ID, "param-input-frame-unit")).select_by_value("rows")
            driver.find_element(By.ID, "param-input-frame-from").send_keys("-1")
            driver.find_element(By.ID, "param-input-frame-to").send_keys("0")
            driver.find_element(By.ID, "param-input-order_by-0-descending").click()
            driver.find_element(By.ID, "recipe-save").click()
            wait.until(lambda d: "LAG(" in d.find_element(By.ID, "recipe-sql").text.upper())
            driver.get(server.url + "/#/recipes/pivot_people")
            values = wait.until(lambda d: d.find_elements(By.ID, "param-input-values")).pop()
            values.send_keys("Oslo, Rome")
            driver.find_element(By.ID, "param-input-max_values").send_keys("10")
            driver.find_element(By.ID, "param-input-count").click()  # counts off...
            driver.find_element(By.ID, "param-input-count").click()  # ...and on again
            driver.find_element(By.ID, "param-input-aggregations-add").click()
            driver.find_element(By.ID, "recipe-save").click()
            # The page showed an explanation before the save: wait for the save itself.
            saved_params(driver, wait, "pivot_people", lambda p: "values" in p and p.get("max_values") == 10)
            # A join: its type, and its conditions between the inputs' columns.
            driver.get(server.url + "/#/recipes/join_people")
            kind = wait.until(lambda d: d.find_elements(By.ID, "param-input-joins-0-type")).pop()
            assert kind.get_attribute("value") == "inner"
            Select(kind).select_by_value("left")
            # The columns to join on come with the inputs' schemas, which load after the form.
            right = wait.until(lambda d: [e for e in d.find_elements(By.ID, "param-input-joins-0-0-right")
                                          if e.find_elements(By.CSS_SELECTOR, "option[value='name']")])
            Select(right[0]).select_by_value("name")
            driver.find_element(By.ID, "param-input-joins-0-add").click()
            Select(driver.find_element(By.ID, "param-input-joins-0-1-left")).select_by_value("city")
            Select(driver.find_element(By.ID, "param-input-joins-0-1-right")).select_by_value("city")
            # The columns kept: fewer of the first input's, all of the second's, prefixed.
            keep = Select(driver.find_element(By.ID, "param-input-select-people_copy-keep"))
            assert keep.first_selected_option.get_attribute("value") == "some"
            assert driver.find_element(By.ID, "param-input-select-people_copy-columns-city").is_selected()
            driver.find_element(By.ID, "param-input-select-people_copy-columns-city").click()
            Select(driver.find_element(By.ID, "param-input-select-people-keep")).select_by_value("all")
            prefix = driver.find_element(By.ID, "param-input-select-people-prefix")
            assert prefix.get_attribute("value") == "p_"
            prefix.send_keys(Keys.CONTROL, "a")
            prefix.send_keys("q_")
            driver.find_element(By.ID, "recipe-save").click()
            saved_params(driver, wait, "join_people", lambda p: p["joins"][0]["type"] == "left")
            # A split recipe's rules through its form; its further outputs stay when it
            # is saved from its page.
            driver.get(server.url + "/#/recipes/split_people")
            more = wait.until(lambda d: d.find_elements(By.ID, "recipe-more-output-elsewhere")).pop()
            assert more.is_selected()
            expression = driver.find_element(By.ID, "param-input-rules-0-expression")
            assert expression.get_attribute("value") == "city = 'Oslo'"
            assert Select(driver.find_element(By.ID, "param-input-otherwise")).first_selected_option.text == "elsewhere"
            expression.send_keys(Keys.CONTROL, "a")
            expression.send_keys("city <> 'Rome'")
            driver.find_element(By.ID, "param-input-rules-add").click()
            driver.find_element(By.ID, "param-input-rules-1-expression").send_keys(Keys.CONTROL, "a")
            driver.find_element(By.ID, "param-input-rules-1-expression").send_keys("name IS NULL")
            Select(driver.find_element(By.ID, "param-input-rules-1-output")).select_by_value("elsewhere")
            driver.find_element(By.ID, "recipe-save").click()
            saved_params(driver, wait, "split_people", lambda p: len(p["rules"]) == 2)
            # Split on a column's values instead: each rule gives a value.
            Select(driver.find_element(By.ID, "param-input-column")).select_by_value("city")
            driver.find_element(By.ID, "param-input-rules-1-remove").click()
            driver.find_element(By.ID, "param-input-rules-0-value").send_keys("Oslo")
            # Every output needs a rule: sending the others nowhere is refused at its field.
            Select(driver.find_element(By.ID, "param-input-otherwise")).select_by_value("")
            driver.find_element(By.ID, "recipe-save").click()
            error = wait.until(lambda d: d.find_elements(By.ID, "param-error-rules")).pop()
            assert "no rule sends rows to the output 'elsewhere'" in error.text, error.text
            Select(driver.find_element(By.ID, "param-input-otherwise")).select_by_value("elsewhere")
            driver.find_element(By.ID, "recipe-save").click()
            saved_params(driver, wait, "split_people", lambda p: "column" in p)
            # A filter that samples: a random share of the rows it keeps.
            driver.get(server.url + "/#/recipes/sample_people")
            wait.until(lambda d: d.find_elements(By.ID, "param-input-ratio")).pop().send_keys("0.25")
            driver.find_element(By.ID, "recipe-save").click()
            saved_params(driver, wait, "sample_people", lambda p: p == {"expression": "city <> 'Rome'", "ratio": 0.25})
            # A prepare recipe's steps: a formula's new column is offered to the steps after it.
            driver.get(server.url + "/#/recipes/prepare_people")
            city = wait.until(lambda d: d.find_elements(By.ID, "param-input-steps-0-columns-city")).pop()
            assert city.is_selected()
            assert Select(driver.find_element(By.ID, "param-input-steps-0-type")).first_selected_option.text == "fill_empty"
            driver.find_element(By.ID, "param-input-steps-add").click()
            driver.find_element(By.ID, "param-input-steps-1-expression").send_keys("upper(name)")
            driver.find_element(By.ID, "param-input-steps-1-output").send_keys("shout")
            driver.find_element(By.ID, "param-input-steps-add").click()
            Select(driver.find_element(By.ID, "param-input-steps-2-type")).select_by_value("rename")
            driver.find_element(By.ID, "param-input-steps-2-renames-add").click()
            Select(driver.find_element(By.ID, "param-input-steps-2-renames-0-from")).select_by_value("shout")
            driver.find_element(By.ID, "param-input-steps-2-renames-0-to").send_keys("loud")
            driver.find_element(By.ID, "param-input-steps-add").click()
            Select(driver.find_element(By.ID, "param-input-steps-3-type")).select_by_value("filter")
            Select(driver.find_element(By.ID, "param-input-steps-3-column")).select_by_value("loud")
            driver.find_element(By.ID, "param-input-steps-3-values").send_keys("ANA, 7")
            driver.find_element(By.ID, "param-input-steps-3-keep").click()  # remove them instead
            driver.find_element(By.ID, "param-input-steps-3-up").click()  # the filter before the rename...
            assert Select(driver.find_element(By.ID, "param-input-steps-2-type")).first_selected_option.text == "filter"
            driver.find_element(By.ID, "param-input-steps-3-up").click()  # ...and the rename back before it
            driver.find_element(By.ID, "recipe-save").click()
            saved_params(driver, wait, "prepare_people", lambda p: len(p["steps"]) == 4)
        prepare = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "prepare_people")["params"]
        assert prepare["steps"] == [
            {"type": "fill_empty", "columns": ["city"], "value": "?"},
            {"type": "formula", "expression": "upper(name)", "output": "shout"},
            {"type": "rename", "renames": [{"from": "shout", "to": "loud"}]},
            {"type": "filter", "column": "loud", "values": ["ANA", 7], "keep": False}], prepare
        split = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "split_people")
        assert split["outputs"] == ["in_oslo", "elsewhere"], split
        assert split["params"] == {"column": "city", "rules": [{"output": "in_oslo", "value": "Oslo"}],
                                   "otherwise": "elsewhere"}, split
        join = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "join_people")["params"]
        assert join["joins"] == [{"type": "left", "on": [{"left": "name", "right": "name"},
                                                         {"left": "city", "right": "city"}]}], join
        assert join["select"] == [{"input": "people_copy", "columns": ["name"]},
                                  {"input": "people", "prefix": "q_"}], join
        saved = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "count_by_city")
        assert saved["params"] == {"keys": ["city"], "count": True, "filter_after": "count > 1", "order_by": "name",
                                   "aggregations": [{"column": "name", "functions": ["count_distinct"]}]}

        window = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "rank_people")["params"]
        assert window["order_by"] == [{"column": "name", "descending": True}]
        assert window["computations"] == [{"function": "row_number", "output": "rn"},
                                          {"function": "lag", "column": "name", "offset": 2}], window
        assert window["frame"] == {"unit": "rows", "from": -1, "to": 0}, window
        pivot = shop.json("--project", "shop", "--user", "alice", "recipe", "show", "pivot_people")["params"]
        assert pivot["values"] == ["Oslo", "Rome"] and pivot["count"] is True, pivot
        assert pivot["aggregations"] == [{"column": "name", "functions": ["count"]}], pivot
    finally:
        server.stop()


def test_a_datasets_settings_are_changed_in_the_studio(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
    from selenium.webdriver.support.ui import WebDriverWait

    (shop.home / "files" / "people2.csv").write_text("name,city\nEd,Lima\n")
    shop.run("--user", "alice", "project", "grant", "shop", "user", "bob", "--role", "read")

    def shown():
        return shop.json("--project", "shop", "--user", "alice", "dataset", "show", "people")

    before = shown()
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "alice")
            driver.get(server.url + "/#/datasets/people")
            wait.until(lambda d: d.find_elements(By.ID, "settings-edit")).pop().click()
            params = wait.until(lambda d: d.find_elements(By.ID, "settings-params")).pop()
            assert json.loads(params.get_attribute("value"))["path"] == "people.csv"
            # A param the files dataset does not know: refused, named, nothing saved.
            params.send_keys(Keys.CONTROL, "a")
            params.send_keys('{"path": "people2.csv", "colour": "red"}')
            driver.find_element(By.ID, "settings-save").click()
            wait.until(lambda d: d.find_element(By.ID, "settings-error").text)
            assert "colour" in driver.find_element(By.ID, "settings-error").text
            assert shown() == before
            # The fields: a file picked by browsing, CSV options; a bad one is refused at
            # its field.
            params.send_keys(Keys.CONTROL, "a")
            params.send_keys("{}")
            path = driver.find_element(By.ID, "dataset-param-path")
            assert path.get_attribute("value") == ""
            driver.find_element(By.ID, "dataset-param-browse").click()
            wait.until(lambda d: d.find_elements(By.ID, "file-people2.csv")).pop().click()
            assert path.get_attribute("value") == "people2.csv"
            delimiter = driver.find_element(By.ID, "dataset-param-csv-delimiter")
            delimiter.send_keys(";;")
            driver.find_element(By.ID, "settings-save").click()
            refused = wait.until(lambda d: d.find_elements(By.ID, "dataset-param-error-csv")).pop()
            assert "delimiter" in refused.text, refused.text
            assert shown() == before
            delimiter.send_keys(Keys.BACKSPACE, Keys.BACKSPACE, ",")
            Select(driver.find_element(By.ID, "dataset-param-csv-compression")).select_by_value("none")
            assert json.loads(params.get_attribute("value")) == {
                "path": "people2.csv", "csv": {"delimiter": ",", "compression": "none"}}
            driver.find_element(By.ID, "settings-save").click()
            wait.until(lambda d: d.find_elements(By.ID, "settings-edit"))
            wait.until(lambda d: [r.text for r in d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")] == ["Ed Lima"])
        after = shown()
        assert after["params"] == {"path": "people2.csv", "csv": {"delimiter": ",", "compression": "none"}}, after
        assert after["connection"] == "filesystem_default"
        key = shop.run("api-key", "create", "--user", "bob").stdout.strip()
        status, body = server.api("PUT", "/api/datasets/people/settings?project=shop",
                                  {"connection": "filesystem_default", "params": {"path": "people.csv"}}, key=key)
        assert status == 403 and "may not" in body["error"], body
        alice = shop.run("api-key", "create", "--user", "alice").stdout.strip()
        for bad in ({"connection": "filesystem_default"}, {"connection": 3, "params": {}},
                    {"connection": "filesystem_default", "params": []}):
            assert server.api("PUT", "/api/datasets/people/settings?project=shop", bad, key=alice)[0] == 400, bad
        assert server.api("PUT", "/api/datasets/people/settings?project=shop",
                          {"connection": "nosuch", "params": {"path": "people.csv"}}, key=alice)[0] == 404
        assert shown()["params"] == after["params"]
    finally:
        server.stop()


def test_a_user_enters_their_own_token_with_the_day_it_expires(shop, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    token = "dapi-alices-own-0123456789abcdef"
    shop.run("connection", "add", "dbx", "--type", "databricks", "--param", "host=example.invalid",
             "--param", "http_path=/sql/1.0/warehouses/x", "--param", "auth.type=pat",
             "--param", "auth.credentials=per_user")
    shop.run("connection", "grant", "dbx", "use", "--everyone")
    server = MortarServer(shop.home, PORT, tmp_path / "server.log")
    try:
        with chromium(None, tmp_path) as driver:
            wait = WebDriverWait(driver, 30)
            log_in(driver, wait, server.url, "alice")

            def shown():
                return driver.find_element(By.CSS_SELECTOR, "#connection-dbx .credentials").text
            wait.until(lambda d: d.find_elements(By.ID, "connection-dbx"))
            assert "not provided yet" in shown()
            driver.find_element(By.ID, "token-dbx").click()
            form = wait.until(lambda d: d.find_elements(By.ID, "token-form")).pop()
            assert "Access tokens" in form.text
            driver.find_element(By.ID, "token-value").send_keys(token)
            expires = driver.find_element(By.ID, "token-expires")

            def set_day(day):  # a date input, set as the browser's date picker would
                driver.execute_script(
                    "const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
                    "setter.call(arguments[0], arguments[1]);"
                    "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", expires, day)
            set_day("2020-01-01")
            driver.find_element(By.ID, "token-save").click()
            wait.until(lambda d: "expired on 2020-01-01" in d.find_element(By.ID, "token-error").text)
            set_day("2999-12-31")
            driver.find_element(By.ID, "token-save").click()
            wait.until(lambda d: not d.find_elements(By.ID, "token-form"))
            wait.until(lambda d: "expires 2999-12-31 (as you said)" in shown())
            assert "provided, entered 20" in shown(), shown()
            driver.save_screenshot(str(screenshots(tmp_path) / "credentials-token.png"))
            assert token not in driver.page_source
        listed = shop.json("credentials", "list", "--user", "alice")
        entry = next(c for c in listed if c["connection"] == "dbx")
        assert entry["provided"] and entry["access_expires_at"] == "2999-12-31", entry
        assert token not in pathlib.Path(server.log_path).read_text()
        alice = shop.run("api-key", "create", "--user", "alice").stdout.strip()
        for bad in ({"token": token, "expires": 20991231}, {"token": token, "expires": "someday"}, {"token": ""}):
            assert server.api("PUT", "/api/connections/dbx/credentials", bad, key=alice)[0] == 400, bad
        assert server.api("DELETE", "/api/connections/dbx/credentials", None, key=alice)[0] == 200
        entry = next(c for c in shop.json("credentials", "list", "--user", "alice") if c["connection"] == "dbx")
        assert not entry["provided"] and not entry["access_expires_at"], entry
    finally:
        server.stop()
