"""The studio's analyst workflow against the stand-in's Databricks-faithful warehouse, in
headless Chromium: a table imported by browsing Unity Catalog, a flow of a visual recipe,
a SQL recipe and a Python recipe built with its progress watched, and a chart computed
on the live engine. Each page is saved as a screenshot ($MORTAR_SCREENSHOTS)."""
import json
import os
import uuid

from mortar_cli import MortarServer

PORT = 18099
PASSWORD = "dana-mortar-pw-7"


def test_an_analyst_builds_a_flow_on_databricks_and_charts_it_in_the_studio(mortar, ws, add_databricks, tmp_path):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    import browser
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks(mortar, ws, http_path=ws["databricks_http_path"])
    schema = "it_" + uuid.uuid4().hex[:8]
    mortar.run("sql", "dbx", f"CREATE SCHEMA main.{schema}")
    mortar.run("sql", "dbx", f"CREATE TABLE main.{schema}.orders (city STRING, amount DECIMAL(10,2))")
    mortar.run("sql", "dbx", f"INSERT INTO main.{schema}.orders VALUES ('Oslo', 1.50), ('Oslo', 2.25), "
                             "('Rome', 3.00), ('Paris', 4.75), ('Paris', 5.10)")
    mortar.run("user", "add", "dana", input=PASSWORD + "\n")
    mortar.run("project", "grant", "p", "user", "dana", "--role", "write")
    mortar.run("connection", "grant", "dbx", "free_sql", "--everyone")
    mortar.run("connection", "grant", "sqlite_default", "use", "--everyone")
    shots = os.environ.get("MORTAR_SCREENSHOTS") or str(tmp_path / "screenshots")
    os.makedirs(shots, exist_ok=True)
    server = MortarServer(mortar.home, PORT, tmp_path / "server.log")
    try:
        with browser.chromium(ws["ca_file"], tmp_path) as driver:
            wait = WebDriverWait(driver, 120, ignored_exceptions=(StaleElementReferenceException,))

            def click(element_id):
                wait.until(lambda d: d.find_elements(By.ID, element_id)).pop().click()

            def type_into(element_id, text):
                wait.until(lambda d: d.find_elements(By.ID, element_id)).pop().send_keys(text)

            def new_output(name):
                Select(driver.find_element(By.ID, "output-connection")).select_by_value("dbx")
                type_into("output-name", name)
                type_into("output-source", f"main.{schema}.{name}")

            def saved_as(recipe, engine):
                wait.until(lambda d: d.current_url.endswith("#/recipes/" + recipe))
                wait.until(lambda d: d.find_elements(By.ID, "recipe-engine-chosen")
                           or d.find_element(By.ID, "recipe-error").text)
                assert driver.find_element(By.ID, "recipe-error").text == ""
                assert driver.find_element(By.ID, "recipe-engine-chosen").text == f"Runs on the {engine} engine."

            driver.get(server.url + "/")
            wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
            type_into("user", "dana")
            type_into("password", PASSWORD)
            click("login-button")
            wait.until(lambda d: d.find_elements(By.ID, "me"))

            # A table imported by browsing the warehouse's catalogs and schemas.
            driver.get(server.url + "/#/datasets/+import")
            # The connections' list arrives after the page: wait for its option.
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-connection option[value='dbx']"))
            Select(driver.find_element(By.ID, "import-connection")).select_by_value("dbx")
            for step in ("browse-item-main", f"browse-item-{schema}", "browse-pick-orders"):
                click(step)
            wait.until(lambda d: d.current_url.endswith("#/datasets/orders"))
            wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 5)
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#dataset-schema tr")] == \
                ["city string", "amount decimal(10,2)"]
            driver.save_screenshot(os.path.join(shots, "databricks-dataset.png"))

            # A visual recipe, pushed down into the warehouse.
            driver.get(server.url + "/#/recipes/+new")
            type_into("recipe-name", "by_city")
            Select(driver.find_element(By.ID, "recipe-type")).select_by_value("group")
            click("recipe-input-orders")
            new_output("by_city")
            params = driver.find_element(By.ID, "recipe-params")
            params.send_keys(Keys.CONTROL, "a")
            params.send_keys(json.dumps({"keys": ["city"], "count": True,
                                         "aggregations": [{"column": "amount", "functions": ["sum"]}]}))
            click("recipe-save")
            saved_as("by_city", "in-database")
            assert "GROUP BY" in driver.find_element(By.ID, "recipe-sql").text

            # A SQL recipe written in the code editor.
            driver.get(server.url + "/#/recipes/+new")
            type_into("recipe-name", "big_cities")
            click("recipe-input-by_city")
            new_output("big_cities")
            sql = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#recipe-sql-text .cm-content"))
            sql.click()
            sql.send_keys(Keys.CONTROL, "a")
            sql.send_keys(Keys.DELETE)
            sql.send_keys("SELECT city, amount_sum FROM ${by_city} WHERE count >= 2")
            click("recipe-save")
            saved_as("big_cities", "in-database")

            # A Python recipe, its code as it starts: read the input, write the output.
            driver.get(server.url + "/#/recipes/+new")
            type_into("recipe-name", "copy_big")
            Select(driver.find_element(By.ID, "recipe-type")).select_by_value("python")
            click("recipe-input-big_cities")
            Select(driver.find_element(By.ID, "output-connection")).select_by_value("sqlite_default")
            type_into("output-name", "big_local")
            type_into("output-source", "big_local")
            wait.until(lambda d: 'mortar.Dataset("big_local")' in d.find_element(
                By.CSS_SELECTOR, "#recipe-python-code .cm-content").text)
            click("recipe-save")
            saved_as("copy_big", "python")

            # The whole flow built, its progress watched recipe by recipe.
            click("nav-flow")
            wait.until(lambda d: d.find_elements(By.ID, "node-recipe-copy_big"))
            assert "stale" in driver.find_element(By.ID, "node-recipe-by_city").get_attribute("class")
            click("flow-build")
            wait.until(lambda d: d.find_elements(By.ID, "build-state")
                       and d.find_element(By.ID, "build-state").text in ("succeeded", "failed"))
            log = driver.find_element(By.ID, "build-log").text if driver.find_elements(By.ID, "build-log") else ""
            assert driver.find_element(By.ID, "build-state").text == "succeeded", log
            rows = {r: driver.find_element(By.ID, "build-recipe-" + r).text
                    for r in ("by_city", "big_cities", "copy_big")}
            assert "in-database" in rows["by_city"] and "done" in rows["by_city"], rows
            assert "python" in rows["copy_big"] and "done" in rows["copy_big"], rows
            wait.until(lambda d: d.find_element(By.ID, "flow-summary").text ==
                       "4 datasets, 3 recipes, all up to date")
            driver.save_screenshot(os.path.join(shots, "databricks-flow.png"))

            # A chart of the recipe's output, computed in the warehouse.
            driver.get(server.url + "/#/charts/+new")
            type_into("chart-name", "city_totals")
            Select(wait.until(lambda d: d.find_element(By.ID, "chart-dataset"))).select_by_value("by_city")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-dimension-0 option[value=city]"))
            Select(driver.find_element(By.ID, "chart-dimension-0")).select_by_value("city")
            Select(driver.find_element(By.ID, "chart-function")).select_by_value("sum")
            Select(wait.until(lambda d: d.find_element(By.ID, "chart-measure-column"))).select_by_value("amount_sum")
            click("chart-draw")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-bins tr")
                       or d.find_element(By.ID, "chart-builder-error").text)
            assert driver.find_element(By.ID, "chart-builder-error").text == ""
            assert [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#chart-bins tr")][1:] == \
                ["Oslo 3.75", "Paris 9.85", "Rome 3.00"]
            assert "engine live" in driver.find_element(By.ID, "chart-drawn-caption").text
            click("chart-save")
            wait.until(lambda d: d.current_url.endswith("#/charts/city_totals"))
            driver.save_screenshot(os.path.join(shots, "databricks-chart.png"))
        big = mortar.json("sql", "dbx", f"SELECT city, amount_sum FROM main.{schema}.big_cities ORDER BY city")
        assert big["rows"] == [{"city": "Oslo", "amount_sum": "3.75"}, {"city": "Paris", "amount_sum": "9.85"}]
        local = mortar.json("sql", "sqlite_default", "SELECT city FROM big_local ORDER BY city")
        assert local["rows"] == [{"city": "Oslo"}, {"city": "Paris"}]
    finally:
        server.stop()
        mortar.run("sql", "dbx", f"DROP SCHEMA IF EXISTS main.{schema} CASCADE", check=False)
