"""Driver mode "user provided": an ODBC driver an admin puts into
lib/drivers/databricks is loaded and used instead of the built-in one. Tested with a
real driver from Debian (the SQLite ODBC driver, libsqliteodbc) on a real database."""
import os
import shutil
import sqlite3

import pytest

DRIVER = "/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so"


@pytest.fixture
def odbc(mortar):
    if not os.path.exists(DRIVER):
        pytest.fail(f"{DRIVER} is missing: scripts/setup installs libsqliteodbc")
    mortar.run("init")
    shutil.copy(DRIVER, mortar.home / "lib" / "drivers" / "databricks" / "odbc-driver.so")
    database = mortar.home / "warehouse.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE sales (id INTEGER, region TEXT, amount DOUBLE, day DATE)")
        db.executemany("INSERT INTO sales VALUES (?, ?, ?, ?)",
                       [(1, "north", 2.5, "2024-01-01"), (2, "south; 'quoted'", None, "2024-02-29")])
    mortar.run("connection", "add", "wh", "--type", "databricks", "--param", "host=localhost",
               "--param", "http_path=/sql/1.0/warehouses/abc", "--param", "auth.token_env=WH_TOKEN",
               "--param", "driver.mode=user_provided", "--param", "driver.path=odbc-driver.so",
               "--param", f"driver.options.Database={database}")
    return mortar


def with_token():
    return {**os.environ, "WH_TOKEN": "dapiNOTREALLYSECRET"}


def test_the_user_provided_driver_is_loaded_and_used(odbc):
    report = odbc.run("connection", "test", "wh", "--json", env=with_token())
    assert "user-provided ODBC driver" in report.stdout
    assert "odbc-driver.so" in report.stdout and "sqlite3odbc" in report.stdout
    result = odbc.json_env(with_token(), "sql", "wh", "SELECT id, region, amount FROM sales ORDER BY id")
    assert result["rows"] == [{"id": 1, "region": "north", "amount": 2.5},
                              {"id": 2, "region": "south; 'quoted'", "amount": None}]
    tables = odbc.json_env(with_token(), "connection", "tables", "wh")
    assert [t["table"] for t in tables] == ["sales"]
    columns = odbc.json_env(with_token(), "connection", "columns", "wh", "sales")
    assert [c["name"] for c in columns] == ["id", "region", "amount", "day"]
    assert "dapiNOTREALLYSECRET" not in report.stdout + report.stderr


def test_a_driver_outside_the_drivers_folder_or_missing_is_refused(odbc):
    missing = odbc.run("connection", "add", "gone", "--type", "databricks", "--param", "host=h",
                       "--param", "http_path=/x", "--param", "auth.token_env=WH_TOKEN",
                       "--param", "driver.mode=user_provided", "--param", "driver.path=nothing.so", check=False)
    assert missing.returncode == 2
    assert "no driver at" in missing.stderr and "lib/drivers/databricks" in missing.stderr
    escape = odbc.run("connection", "add", "escape", "--type", "databricks", "--param", "host=h",
                      "--param", "http_path=/x", "--param", "auth.token_env=WH_TOKEN",
                      "--param", "driver.mode=user_provided", "--param", "driver.path=../../../etc/passwd",
                      check=False)
    assert escape.returncode == 2 and "must be a file inside" in escape.stderr


def test_driver_options_cannot_load_another_library_or_carry_the_token(odbc):
    # A ';' in a key would have added "Driver=<any library>" after the one an admin put
    # into the drivers folder, and PWD is where the token goes.
    for key, value, says in [("x;Driver", DRIVER, "not an ODBC key"),
                             ("driver", DRIVER, "driver.path names the driver"),
                             ("FILEDSN", "/tmp/other.dsn", "driver.path names the driver"),
                             ("PWD", "dapiNOTREALLYSECRET", "the token")]:
        refused = odbc.run("connection", "add", "bad", "--type", "databricks", "--param", "host=h",
                           "--param", "http_path=/x", "--param", "auth.token_env=WH_TOKEN",
                           "--param", "driver.mode=user_provided", "--param", "driver.path=odbc-driver.so",
                           "--param", f"driver.options.{key}={value}", check=False)
        assert refused.returncode == 2, (key, refused.stderr)
        assert f"driver.options.{key}" in refused.stderr and says in refused.stderr
        assert "dapiNOTREALLYSECRET" not in refused.stderr
    assert "bad" not in odbc.run("connection", "list").stdout
