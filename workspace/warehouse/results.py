"""Where a finished statement's rows wait for the client, and how they are paged.

A statement's rows are drained from Spark as soon as it runs (so Spark never waits on
a slow or vanished client), converted to the client's types, and kept in one of:

- InlineResult: record batches served in FetchResults pages, as Arrow record-batch
  messages (each its own LZ4 frame when the client takes LZ4) or as TColumns. Small
  results stay in memory; larger ones go to an Arrow file on local disk, read back
  memory-mapped, so memory stays bounded whatever the size.
- CloudFetchResult: when the result is larger than the CloudFetch threshold and the
  client can download, Arrow IPC streams of about `file_bytes` each (LZ4 frame
  compressed when asked: one frame per file, and the last file one frame per batch, as
  real warehouses send it) written to the root bucket; each page lists presigned links
  with `startRowOffset`, `rowCount`, `bytesNum` (the size after decompression) and
  `expiryTime` (milliseconds, as recorded), fresh each time they are listed.

Pages honour FETCH_NEXT and a client's `startRowOffset` (how clients renew expired links).
"""

import bisect
import concurrent.futures
import datetime
import os
import time
import uuid

import lz4.frame
import pyarrow as pa
from databricks.sql.thrift_api.TCLIService import ttypes as T

from . import result_format, text_results

EOS = b"\xff\xff\xff\xff\x00\x00\x00\x00"


def compress(data):
    """One LZ4 frame as recorded from real warehouses: FLG 0x60, BD 0x70 (independent 4 MiB
    blocks, no checksums, no content size). (lz4.frame.compress ignores block_size.)"""
    compressor = lz4.frame.LZ4FrameCompressor(block_size=lz4.frame.BLOCKSIZE_MAX4MB,
                                              block_linked=False, content_checksum=False)
    return compressor.begin() + compressor.compress(data) + compressor.flush()


class Limits:
    """How much one page may carry."""

    def __init__(self, max_rows, max_bytes=None):
        self.max_rows = max(1, int(max_rows or 100000))
        self.max_bytes = int(max_bytes) if max_bytes else None


class InlineResult:
    """Batches in memory or in a local Arrow file; pages of record-batch messages."""

    format = T.TSparkRowSetType.ARROW_BASED_SET
    # The Statement Execution API's hybrid answer: the whole result as one stream, made
    # once when first asked for (statement_api.py).
    attachment = None

    def __init__(self, shape, batches=None, spool_path=None):
        self.shape = shape
        self._batches = batches if batches is not None else []
        self._spool_path = spool_path
        self._file = None
        if spool_path:
            self._file = pa.ipc.open_file(pa.memory_map(spool_path))
            counts = [self._file.get_batch(i).num_rows for i in range(self._file.num_record_batches)]
        else:
            counts = [b.num_rows for b in self._batches]
        self._starts = []
        self.arrow_bytes = sum(self._batch(i).nbytes for i in range(self._count()))
        total = 0
        for count in counts:
            self._starts.append(total)
            total += count
        self.total_rows = total
        self.uncompressed_bytes = 0
        self.compressed_bytes = 0
        if not shape.wanted.arrow:
            self.format = T.TSparkRowSetType.COLUMN_BASED_SET

    def _batch(self, index):
        return self._file.get_batch(index) if self._file else self._batches[index]

    def _count(self):
        return self._file.num_record_batches if self._file else len(self._batches)

    def slices(self, start, limits):
        """(record batches holding the rows from `start`, within the limits; their rows)."""
        pieces = []
        rows = 0
        size = 0
        index = bisect.bisect_right(self._starts, start) - 1 if self._starts else 0
        position = start
        while index < self._count() and rows < limits.max_rows:
            batch = self._batch(index)
            offset = position - self._starts[index]
            take = min(batch.num_rows - offset, limits.max_rows - rows)
            if take <= 0:
                index += 1
                continue
            piece = batch.slice(offset, take)
            pieces.append(piece)
            rows += take
            position += take
            size += piece.nbytes
            if limits.max_bytes and size >= limits.max_bytes:
                break
            index += 1
        return pieces, rows

    def page(self, start, limits, expired=False):
        """(TRowSet, rows in it, has more rows after it)."""
        pieces, rows = self.slices(start, limits)
        has_more = start + rows < self.total_rows
        if self.format == T.TSparkRowSetType.COLUMN_BASED_SET:
            if pieces:
                table = pa.Table.from_batches(pieces).combine_chunks()
                batch = table.to_batches()[0] if table.num_rows else pieces[0]
            else:
                batch = self.shape.empty_batch()
            row_set = T.TRowSet(startRowOffset=start, rows=[],
                                columns=result_format.to_columns(batch, self.shape.struct))
            return row_set, rows, has_more
        arrow_batches = []
        for piece in pieces:
            message = piece.serialize().to_pybytes()
            self.uncompressed_bytes += len(message)
            if self.shape.wanted.lz4:
                message = compress(message)
            self.compressed_bytes += len(message)
            arrow_batches.append(T.TSparkArrowBatch(batch=message, rowCount=piece.num_rows))
        return T.TRowSet(startRowOffset=start, rows=[], arrowBatches=arrow_batches), rows, has_more

    def close(self):
        self._file = None
        self._batches = []
        if self._spool_path:
            try:
                os.remove(self._spool_path)
            except FileNotFoundError:
                pass


class ResultFile:
    def __init__(self, key, start, rows, size, compressed):
        self.key = key
        self.start = start
        self.rows = rows
        self.size = size
        self.compressed = compressed


class CloudFetchResult:
    format = T.TSparkRowSetType.URL_BASED_SET

    def __init__(self, shape, storage, files, profile):
        self.shape = shape
        self._storage = storage
        self.files = files
        self._starts = [f.start for f in files]
        self.total_rows = sum(f.rows for f in files)
        self.uncompressed_bytes = sum(f.size for f in files)
        self.compressed_bytes = sum(f.compressed for f in files)
        self._profile = profile  # link lifetime and links a page, read as each page is made
        self._last_expiry = 0.0  # the latest expiry of a link handed out

    def link(self, result_file, expired=False):
        """(presigned URL of one file, when it expires in Unix seconds): fresh each time;
        `expired`: one that has expired already (fault tests)."""
        ttl = 1 if expired else self._profile.link_ttl_seconds
        url = self._storage.presign("get_object", result_file.key, ttl)
        self._last_expiry = max(self._last_expiry, time.time() + ttl)
        return url, time.time() + (-1 if expired else ttl)

    def page(self, start, limits, expired=False):
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        links = []
        for result_file in self.files[index:index + self._profile.links_per_page]:
            url, expiry = self.link(result_file, expired)
            links.append(T.TSparkArrowResultLink(
                fileLink=url, expiryTime=int(expiry * 1000), startRowOffset=result_file.start,
                rowCount=result_file.rows, bytesNum=result_file.size, httpHeaders={}))
        first = links[0].startRowOffset if links else start
        end = links[-1].startRowOffset + links[-1].rowCount if links else start
        row_set = T.TRowSet(startRowOffset=first, rows=[], resultLinks=links)
        return row_set, end - start, end < self.total_rows

    def close(self):
        """The files go when the last link handed out expires: clients may still be
        downloading after they close the operation (databricks-sql-go closes it as soon as
        the last page of links has come)."""
        keys = [f.key for f in self.files]
        self.files = []
        if keys:
            self._storage.delete_later(keys, self._last_expiry)


class ResultBuilder:
    """Drains a statement's batches into the right kind of result."""

    def __init__(self, shape, settings, storage, spool_dir, prefix):
        self.shape = shape
        self.settings = settings
        self.storage = storage
        self.spool_dir = spool_dir
        self.prefix = prefix

    def _file_body(self, batches, last, first):
        """(size after decompression, body) of one CloudFetch file: a whole IPC stream,
        in one LZ4 frame, or one frame per batch for the result's last file. (Or, for the
        Statement Execution API's JSON_ARRAY and CSV formats, that text.)"""
        if self.shape.wanted.file_format != "arrow":
            body = text_results.file_body(self.shape.wanted.file_format, batches,
                                          self.shape.struct, header=first)
            return len(body), body
        sink = pa.BufferOutputStream()
        cuts = []  # where each record batch message ends
        with pa.ipc.new_stream(sink, self.shape.file_schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
                cuts.append(sink.tell())
        stream = sink.getvalue()
        if not self.shape.wanted.lz4:
            return stream.size, stream.to_pybytes()
        view = memoryview(stream)
        if not last:
            return stream.size, compress(view)
        # One frame per batch (the schema goes with the first, the end marker with the last).
        frames = []
        start = 0
        for cut in cuts[:-1]:
            frames.append(compress(view[start:cut]))
            start = cut
        frames.append(compress(view[start:]))
        return stream.size, b"".join(frames)

    def build(self, batches, cancelled):
        if self.shape.wanted.files_only:  # the Statement Execution API's EXTERNAL_LINKS
            return self._cloudfetch([], iter(batches), cancelled)
        buffered = []
        size = 0
        iterator = iter(batches)
        for batch in iterator:
            if cancelled():
                raise InterruptedError
            batch = self.shape.convert(batch)
            buffered.append(batch)
            size += batch.nbytes
            if size > self.settings.cloudfetch_threshold_bytes:
                break
        else:
            return InlineResult(self.shape, buffered)
        if self.shape.wanted.arrow and self.shape.wanted.downloads:
            return self._cloudfetch(buffered, iterator, cancelled)
        return self._spool(buffered, iterator, cancelled)

    def _spool(self, buffered, iterator, cancelled):
        os.makedirs(self.spool_dir, exist_ok=True)
        path = os.path.join(self.spool_dir, f"{uuid.uuid4().hex}.arrow")
        try:
            with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, self.shape.file_schema) as writer:
                for batch in buffered:
                    writer.write_batch(batch)
                buffered.clear()
                for batch in iterator:
                    if cancelled():
                        raise InterruptedError
                    writer.write_batch(self.shape.convert(batch))
        except BaseException:
            if os.path.exists(path):
                os.remove(path)
            raise
        return InlineResult(self.shape, spool_path=path)

    def _cloudfetch(self, buffered, iterator, cancelled):
        """Files of about file_bytes. The loop only gathers batches: writing a file (Arrow
        IPC, LZ4) and uploading it run on worker threads, a few files at a time, so the
        rows keep flowing out of Spark (which holds in its heap whatever is not read yet)."""
        files = []
        pending = []
        workers = concurrent.futures.ThreadPoolExecutor(max_workers=3)
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        folder = f"{self.prefix}/{now:%Y-%m-%d}/{now:%H}"
        state = {"start": 0, "batches": [], "bytes": 0}

        def write_and_upload(result_file, batches, last):
            result_file.size, body = self._file_body(batches, last, result_file.start == 0)
            result_file.compressed = len(body)
            self.storage.put(result_file.key, body)

        def flush(last):
            batches = state["batches"]
            if not batches:
                return
            rows = sum(b.num_rows for b in batches)
            result_file = ResultFile(f"{folder}/results_{stamp}_{uuid.uuid4()}", state["start"],
                                     rows, 0, 0)
            files.append(result_file)
            # At most six files gathered or in flight: memory stays bounded.
            while len([p for p in pending if not p.done()]) >= 6:
                concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
            pending.append(workers.submit(write_and_upload, result_file, batches, last))
            state["start"] += rows
            state["batches"] = []
            state["bytes"] = 0

        def add(batch):
            state["batches"].append(batch)
            state["bytes"] += batch.nbytes
            if state["bytes"] >= self.settings.cloudfetch_file_bytes:
                flush(False)

        try:
            for batch in buffered:
                add(batch)
            buffered.clear()
            for batch in iterator:
                if cancelled():
                    raise InterruptedError
                add(self.shape.convert(batch))
            flush(True)
            for future in pending:
                future.result()
        except BaseException:
            for future in pending:
                future.cancel()
            workers.shutdown(wait=True)
            try:
                self.storage.delete([f.key for f in files])
            except Exception:
                pass
            raise
        workers.shutdown(wait=True)
        return CloudFetchResult(self.shape, self.storage, files, self.settings)
