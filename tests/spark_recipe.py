"""A Python recipe shaped as DSS's own Databricks Connect example (with Mortar's import
names), and the tables and datasets it reads and writes: the integration tests run it
with pyspark's Spark Connect client and with the real databricks-connect."""
from mortar_cli import write_json

# Datasets as handles, the session of the input's connection; names work alike.
GROUP_WITH_SPARK = """
import mortar
from pyspark.sql import functions as F
from mortar import DatabricksConnect

# Get a handle on the datasets
sales_dataset = mortar.Dataset("sales")

dbc = DatabricksConnect()
session = dbc.get_session(sales_dataset)

# Read the input as a Spark DataFrame
sales = dbc.get_dataframe(sales_dataset)
by_city = sales.groupBy("city").agg(F.sum("amount").alias("total"), F.count("*").alias("orders"))

# Write the output
dbc.write_with_schema(mortar.Dataset("by_city"), by_city)
assert dbc.get_session("dbx") is session and dbc.get_dataframe("sales").count() == 3
print("session says", session.sql("SELECT 6 * 7 AS answer").collect()[0].answer)
"""


def setup_sales_recipe(dbx, table, code=GROUP_WITH_SPARK):
    """Table `table` of three sales on connection dbx as dataset sales, dataset by_city
    (table `table`_by_city) and the Python recipe `group` (the code) between them."""
    dbx.run("sql", "dbx", f"CREATE TABLE {table} (city STRING, amount INT) USING DELTA")
    dbx.run("sql", "dbx", f"INSERT INTO {table} VALUES ('Paris', 10), ('Oslo', 5), ('Paris', 7)")
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / "sales.json",
               {"name": "sales", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    write_json(project / "datasets" / "by_city.json",
               {"name": "by_city", "connection": "dbx", "type": "sql_table",
                "params": {"table": table + "_by_city"}})
    write_json(project / "recipes" / "group.json",
               {"name": "group", "type": "python", "inputs": ["sales"], "outputs": ["by_city"],
                "params": {"code": code}})


def by_city_rows(dbx, table):
    return dbx.json("sql", "dbx", f"SELECT city, total, orders FROM {table}_by_city ORDER BY city")["rows"]


BY_CITY = [{"city": "Oslo", "total": 5, "orders": 1}, {"city": "Paris", "total": 17, "orders": 2}]
