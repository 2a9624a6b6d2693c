"""Datasets of a Mortar project, read and written as Arrow record batches and pandas
data frames. Rows are never turned into Python objects on the way (except by
iter_rows, which exists to do exactly that)."""
import http.client
import json
import socket

import pyarrow as pa
import pyarrow.ipc

from .client import ARROW_STREAM, default_client
from .errors import MortarError, error_for

DEFAULT_CHUNK_ROWS = 65536
_SEND_BYTES = 1 << 20
# How long an upload waits for Mortar to accept its headers before it sends the body
# anyway (a proxy in between may not pass the interim answer on).
_CONTINUE_WAIT_SECONDS = 30
_MAX_REFUSAL_BYTES = 1 << 20


def _broken(error):
    return MortarError(f"the data stream from Mortar broke off ({error}); nothing complete was "
                       "received: check the job log or the server's log")


def read_stream(client, method, path, body=None):
    """Yields the record batches of an Arrow stream reply, then closes the reply."""
    connection, response = client.stream(method, path, body)
    try:
        try:
            reader = pa.ipc.open_stream(response)
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                yield batch
        except (http.client.HTTPException, OSError, pa.ArrowException) as error:
            raise _broken(error) from None
    finally:
        connection.close()


def batches_to_table(batches, schema=None):
    batches = list(batches)
    if not batches and schema is None:
        return pa.table({})
    return pa.Table.from_batches(batches, schema=schema)


class Dataset:
    """A dataset of the project: `Dataset("orders")`.

    In a code recipe only the recipe's declared inputs can be read and its declared
    outputs written; a notebook (API key) reaches every dataset of the project.
    """

    def __init__(self, name, client=None):
        self.name = name
        self._client = client or default_client()

    def __repr__(self):
        return f"Dataset({self.name!r})"

    # ---- schema ----

    def info(self):
        """{"dataset", "connection", "connection_type", "table", "columns"}."""
        return self._client.json("GET", self._client.path("datasets", self.name, "schema"))

    def read_schema(self):
        """The columns as [{"name", "type"}], Mortar's types ("int64", "decimal(10,2)"...)."""
        return self.info()["columns"] or []

    def write_schema(self, columns):
        """Records the schema ([{"name", "type"}]) in the dataset's definition."""
        return self._client.json("PUT", self._client.path("datasets", self.name, "schema"),
                                 {"columns": columns})["columns"]

    def detect_schema(self):
        """Records the schema of the data as it is now (a table written by Spark)."""
        return self._client.json("PUT", self._client.path("datasets", self.name, "schema"),
                                 {"detect": True})["columns"]

    # ---- reading ----

    def iter_batches(self, columns=None, limit=None):
        """Yields pyarrow.RecordBatch objects as they arrive (bounded memory)."""
        path = self._client.path("datasets", self.name, "data",
                                 columns=",".join(columns) if columns else None,
                                 limit=limit)
        return read_stream(self._client, "GET", path)

    def to_arrow(self, columns=None, limit=None):
        """All the rows as a pyarrow.Table."""
        return batches_to_table(self.iter_batches(columns, limit))

    def get_dataframe(self, columns=None, limit=None):
        """All the rows (or the first `limit`) as a pandas DataFrame."""
        return self.to_arrow(columns, limit).to_pandas()

    def iter_dataframes(self, chunksize=10000, columns=None, limit=None):
        """Yields pandas DataFrames of `chunksize` rows (the last may be shorter)."""
        if chunksize < 1:
            raise ValueError("chunksize must be at least 1")
        pending = []
        pending_rows = 0
        for batch in self.iter_batches(columns, limit):
            pending.append(batch)
            pending_rows += batch.num_rows
            if pending_rows < chunksize:
                continue
            table = pa.Table.from_batches(pending)
            start = 0
            while table.num_rows - start >= chunksize:
                yield table.slice(start, chunksize).to_pandas()
                start += chunksize
            rest = table.slice(start)
            pending = rest.to_batches()
            pending_rows = rest.num_rows
        if pending_rows:
            yield pa.Table.from_batches(pending).to_pandas()

    def iter_rows(self, columns=None, limit=None):
        """Yields each row as a dict (convenient, and slow for big data)."""
        for batch in self.iter_batches(columns, limit):
            yield from batch.to_pylist()

    # ---- writing ----

    def get_writer(self, with_schema=False, mode="replace"):
        """A writer to use in a `with` block: everything written in it is one stream,
        committed when the block ends without an exception (in a recipe: when the
        recipe succeeds) and discarded otherwise."""
        return DatasetWriter(self, with_schema=with_schema, mode=mode)

    def write_with_schema(self, df, mode="replace"):
        """Writes a pandas DataFrame (or pyarrow Table) and makes its columns the
        dataset's schema."""
        with self.get_writer(with_schema=True, mode=mode) as writer:
            writer.write(df)
        return writer.result

    def write_dataframe(self, df, mode="replace"):
        """Writes a pandas DataFrame (or pyarrow Table) into the dataset's schema: its
        columns must match, and values are converted to the columns' types."""
        with self.get_writer(with_schema=False, mode=mode) as writer:
            writer.write(df)
        return writer.result


def _await_continue(connection):
    """After headers sent with 'Expect: 100-continue': returns once Mortar says to go
    on, and raises its error when it refused the upload from the headers (no ticket, no
    right to write the dataset), before any data is sent."""
    sock = connection.sock
    timeout = sock.gettimeout()
    sock.settimeout(_CONTINUE_WAIT_SECONDS)
    answer = sock.makefile("rb", buffering=0)  # unbuffered: reads no further than the answer
    try:
        status_line = answer.readline(1024)
    except socket.timeout:
        return  # no interim answer: send the body; the final answer follows it
    finally:
        sock.settimeout(timeout)
    try:
        status = int(status_line.split()[1])
    except (IndexError, ValueError):
        raise MortarError(f"Mortar's answer to an upload is not HTTP: {status_line[:100]!r}") from None
    headers = {}
    while True:
        line = answer.readline(8192).strip()
        if not line:
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if status == 100:
        return
    length = min(int(headers.get("content-length") or 0), _MAX_REFUSAL_BYTES)
    raw = b""
    while len(raw) < length:
        more = answer.read(length - len(raw))
        if not more:
            break
        raw += more
    connection.close()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {"error": raw.decode("utf-8", "replace")[:500]}
    raise error_for(status, body)


class _ChunkedBody:
    """A file-like sink for pyarrow's IPC writer that sends what it gets as HTTP
    chunks of about a megabyte."""

    def __init__(self, connection):
        self._connection = connection
        self._buffer = bytearray()
        self.closed = False

    def writable(self):
        return True

    def write(self, data):
        self._buffer += data
        if len(self._buffer) >= _SEND_BYTES:
            self.flush()
        return len(data)

    def flush(self):
        if self._buffer:
            self._connection.send(b"%x\r\n" % len(self._buffer) + bytes(self._buffer) + b"\r\n")
            self._buffer.clear()

    def close(self):
        self.closed = True

    def finish(self):
        self.flush()
        self._connection.send(b"0\r\n\r\n")


class DatasetWriter:
    """Streams data frames or Arrow batches into a dataset as one Arrow IPC stream
    (one POST with chunked transfer encoding). Use it as a context manager."""

    def __init__(self, dataset, with_schema=False, mode="replace"):
        if mode not in ("replace", "append"):
            raise ValueError("mode must be 'replace' or 'append'")
        self.dataset = dataset
        self.result = None
        self._client = dataset._client
        self._path = self._client.path("datasets", dataset.name, "data", mode=mode,
                                       with_schema="true" if with_schema else None)
        self._connection = None
        self._body = None
        self._writer = None
        self._schema = None

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            self.close()
        else:
            self.abort()
        return False

    def _open(self, schema):
        self._connection = self._client.connect()
        self._connection.putrequest("POST", self._path)
        for key, value in self._client.headers(**{"Content-Type": ARROW_STREAM,
                                                   "Transfer-Encoding": "chunked",
                                                   "Expect": "100-continue"}).items():
            self._connection.putheader(key, value)
        self._connection.endheaders()
        _await_continue(self._connection)
        self._body = _ChunkedBody(self._connection)
        self._schema = schema
        self._writer = pa.ipc.new_stream(self._body, schema)

    def write(self, data):
        """Writes a pandas DataFrame, a pyarrow Table or a RecordBatch."""
        if isinstance(data, pa.RecordBatch):
            table = pa.Table.from_batches([data])
        elif isinstance(data, pa.Table):
            table = data
        else:
            table = pa.Table.from_pandas(data, preserve_index=False)
        if self._writer is None:
            self._open(table.schema)
        elif not table.schema.equals(self._schema):
            table = table.cast(self._schema)
        try:
            for batch in table.to_batches(max_chunksize=DEFAULT_CHUNK_ROWS):
                self._writer.write_batch(batch)
        except (OSError, http.client.HTTPException):
            self._raise_server_error()
            raise

    write_dataframe = write

    def close(self):
        """Ends the stream and waits for Mortar's answer; raises its error if any."""
        if self._writer is None:
            raise MortarError(f"nothing was written to dataset '{self.dataset.name}': write at "
                              "least one data frame (it may be empty) to set the columns")
        try:
            self._writer.close()
            self._body.finish()
        except (OSError, http.client.HTTPException):
            self._raise_server_error()
            raise
        try:
            response = self._connection.getresponse()
            raw = response.read()
        finally:
            self._connection.close()
        body = json.loads(raw or b"{}")
        if response.status >= 400:
            raise error_for(response.status, body)
        self.result = body
        return body

    def _raise_server_error(self):
        # The server may have answered (and stopped reading) before we finished.
        try:
            response = self._connection.getresponse()
            body = json.loads(response.read() or b"{}")
        except Exception:
            return
        if response.status >= 400:
            raise error_for(response.status, body)

    def abort(self):
        """Drops the connection without ending the stream: Mortar writes nothing."""
        if self._connection is not None:
            self._connection.close()
