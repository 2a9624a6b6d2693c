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
Databricks it uses the `databricks-connect` package (cluster_id or serverless), with
the connection's token, OAuth tokens asked of Mortar again before they expire; against
a self-hosted Spark Connect server named by the connection's connect_url, pyspark's
Spark Connect client.
"""
import atexit
import os
import threading
import time

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


def _trust_ca_file(ca_file):
    """Makes gRPC and requests (the SDK's REST calls) trust the connection's CA besides
    the public ones, for this process: one bundle of both, readable by the user only."""
    import tempfile
    try:
        import certifi
        public = open(certifi.where(), "rb").read()
    except ImportError:
        public = b""
    try:
        own = open(ca_file, "rb").read()
    except OSError as error:
        raise MortarError(f"the connection's ca_file '{ca_file}' cannot be read ({error.strerror}): "
                          "fix the connection's ca_file") from None
    fd, bundle = tempfile.mkstemp(prefix="mortar-ca-", suffix=".pem")
    with os.fdopen(fd, "wb") as f:
        f.write(public + b"\n" + own)
    atexit.register(os.unlink, bundle)
    os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = bundle
    os.environ["REQUESTS_CA_BUNDLE"] = bundle


class _ConnectionTokens:
    """The connection's token for databricks-connect, as a databricks-sdk credentials
    strategy (auth_type, and a call giving the header factory): asked of Mortar again
    before it expires. Mortar renews OAuth tokens (per user or machine to machine); the
    recipe never holds a refresh token or a client secret."""

    def __init__(self, connect, details):
        self._connect = connect
        self._connection = details["connection"]
        self._lock = threading.Lock()  # gRPC asks for headers from several threads
        self._keep(details)

    def _keep(self, details):
        self._token = details["token"]
        expires_at = details.get("token_expires_at") or 0
        # Asked again when half the time left has passed: Mortar renews a token some
        # minutes before it expires and until then gives the same one.
        self._renew_at = time.time() + (expires_at - time.time()) / 2 if expires_at else None

    def auth_type(self):
        return "mortar"

    def __call__(self, cfg):
        def headers():
            with self._lock:
                if self._renew_at is not None and time.time() >= self._renew_at:
                    self._keep(self._connect.get_credentials(self._connection))
                return {"Authorization": f"Bearer {self._token}"}
        return headers


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

    def _databricks_session(self, details):
        try:
            from databricks.connect import DatabricksSession
            from databricks.sdk.core import Config
        except ImportError:
            raise MortarError("databricks-connect is not installed: pip install "
                              "'databricks-connect' matching the cluster's Databricks Runtime") from None
        if not details.get("cluster_id") and not details.get("serverless"):
            raise MortarError(f"connection '{details['connection']}' names no compute for Databricks "
                              "Connect: set its cluster_id or serverless=true (or connect_url for a "
                              "Spark Connect server)")
        if details.get("ca_file"):
            _trust_ca_file(details["ca_file"])
        port = details.get("port") or 443
        host = "https://" + details["host"] + ("" if port == 443 else f":{port}")
        tokens = _ConnectionTokens(self, details)
        if details.get("cluster_id"):
            config = Config(host=host, cluster_id=details["cluster_id"], credentials_strategy=tokens)
            return DatabricksSession.builder.sdkConfig(config).getOrCreate()
        config = Config(host=host, credentials_strategy=tokens)
        return DatabricksSession.builder.sdkConfig(config).serverless(True).getOrCreate()

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
