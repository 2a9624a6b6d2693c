"""Databricks Connect: Spark sessions on a Mortar Databricks connection, and Spark
DataFrames on its datasets.

    import mortar
    from mortar import DatabricksConnect
    dbc = DatabricksConnect()
    session = dbc.get_session("dbx")                 # or a dataset: its connection
    df = dbc.get_dataframe("orders")                 # session.read.table(<the table>)
    dbc.write_with_schema(mortar.Dataset("orders_by_day"), df.groupBy("day").count())

Datasets are given by name or as `Dataset` handles alike.

The session is built from the connection's credentials, which Mortar gives only when
the connection's "details readable by" setting covers the current user. Against
Databricks it uses the `databricks-connect` package (cluster_id or serverless);
against a Spark Connect server named by the connection's connect_url (the local
stand-in), pyspark's Spark Connect client.
"""
import os

from .client import default_client
from .dataset import Dataset
from .errors import MortarError


def _quote(part):
    return "`" + part.replace("`", "``") + "`"


def table_name(info):
    """The dataset's table as catalog.schema.table (or schema.table), quoted."""
    table = info.get("table")
    if not table:
        raise MortarError(f"dataset '{info['dataset']}' is not a table on a SQL connection, "
                          "so Spark cannot read it by name")
    parts = [table.get("catalog"), table.get("schema"), table.get("table")]
    return ".".join(_quote(part) for part in parts if part)


class DatabricksConnect:
    """Spark sessions and DataFrames for a project's Databricks datasets."""

    def __init__(self, client=None):
        self._client = client or default_client()
        self._sessions = {}

    def get_credentials(self, connection):
        """The connection's host, token and compute as a dict (holds a secret)."""
        return self._client.json("GET", self._client.path("connections", connection,
                                                          "client-credentials"))

    def _dataset(self, dataset):
        return dataset if isinstance(dataset, Dataset) else Dataset(dataset, self._client)

    def get_session(self, connection):
        """A SparkSession on the connection (one per connection, reused). `connection` is
        a connection's name, or a dataset (a name's `Dataset`) whose connection to use."""
        if isinstance(connection, Dataset):
            connection = connection.info()["connection"]
        if connection in self._sessions:
            return self._sessions[connection]
        details = self.get_credentials(connection)
        if details.get("connect_url"):
            session = self._spark_connect_session(details)
        else:
            session = self._databricks_session(details)
        self._sessions[connection] = session
        return session

    @staticmethod
    def _spark_connect_session(details):
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise MortarError("pyspark's Spark Connect client is not installed: "
                              "pip install 'pyspark[connect]' (the version of the server)") from None
        url = details["connect_url"].split(";")[0].rstrip("/")
        # pyspark (4.0 and later) reads the token from this variable when the URL has
        # none: kept out of the URL, it cannot appear in pyspark's error messages.
        os.environ["SPARK_CONNECT_AUTHENTICATE_TOKEN"] = details.get("connect_token") or details["token"]
        return SparkSession.builder.remote(url).getOrCreate()

    @staticmethod
    def _databricks_session(details):
        try:
            from databricks.connect import DatabricksSession
        except ImportError:
            raise MortarError("databricks-connect is not installed: pip install "
                              "'databricks-connect' matching the cluster's Databricks Runtime") from None
        port = details.get("port") or 443
        host = "https://" + details["host"] + ("" if port == 443 else f":{port}")
        builder = DatabricksSession.builder
        if details.get("cluster_id"):
            builder = builder.remote(host=host, token=details["token"], cluster_id=details["cluster_id"])
        elif details.get("serverless"):
            builder = builder.remote(host=host, token=details["token"], serverless=True)
        else:
            raise MortarError(f"connection '{details['connection']}' names no compute for Databricks "
                              "Connect: set its cluster_id or serverless=true (or connect_url for a "
                              "Spark Connect server)")
        return builder.getOrCreate()

    def get_dataframe(self, dataset, session=None):
        """A Spark DataFrame on the dataset's table (session.read.table). `dataset` is a
        `Dataset` or a dataset's name."""
        info = self._dataset(dataset).info()
        session = session or self.get_session(info["connection"])
        return session.read.table(table_name(info))

    def write_with_schema(self, dataset, df, mode="overwrite"):
        """Saves the Spark DataFrame as the dataset's table and records its schema in
        Mortar. Returns the recorded columns. `dataset` is a `Dataset` or a name."""
        target = self._dataset(dataset)
        info = target.info()
        df.write.mode(mode).saveAsTable(table_name(info))
        return target.detect_schema()
