"""SQL on a connection of the project, with the results as Arrow or pandas."""
from .client import default_client
from .dataset import batches_to_table, read_stream


class SQLExecutor:
    """Runs queries on a connection: `SQLExecutor("dbx").query_to_df("SELECT ...")`.

    In a code recipe, only the connections of the recipe's inputs and outputs."""

    def __init__(self, connection, client=None):
        self.connection = connection
        self._client = client or default_client()

    def iter_batches(self, query):
        path = self._client.path("connections", self.connection, "query")
        return read_stream(self._client, "POST", path, {"query": query})

    def query_to_arrow(self, query):
        return batches_to_table(self.iter_batches(query))

    def query_to_df(self, query):
        return self.query_to_arrow(query).to_pandas()
