"""Object stores that misbehave, played by servers of the tests' own (the stand-in's
S3 and Azure servers behave): a store that ignores ranges is cut off after the range,
not after the whole object; an Azure listing that repeats its marker is an error, not a
loop; an Azure upload whose block fails commits nothing, so the blob there stays; an
S3 completion retried after it landed is judged by the object's ETag; a listing page
is cut off at 16 MiB."""
import hashlib
import http.server
import os
import threading
import urllib.parse
from contextlib import contextmanager

import pytest

from mortar_cli import write_json

SECRETS = {**os.environ, "LAKE_SECRET": "not-a-real-secret", "LAKE_SAS": "sv=2021&sig=not-real"}


class Store(http.server.BaseHTTPRequestHandler):
    """Records each request as (method, path, query); subclasses answer."""
    protocol_version = "HTTP/1.1"
    requests = []

    def answer(self, status, body=b"", content_type="application/xml"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def record(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:  # the body, read and dropped
            length -= len(self.rfile.read(min(length, 1 << 20)))
        self.requests.append((self.command, url.path, query))
        return url.path, query

    def log_message(self, *args):
        pass


@contextmanager
def serving(handler):
    handler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def add_store(mortar, kind, endpoint):
    mortar.run("init")
    mortar.run("project", "create", "p")
    if kind == "s3":
        mortar.run("connection", "add", "lake", "--type", "s3", "--param", "bucket=b",
                   "--param", f"endpoint={endpoint}", "--param", "path_style=true",
                   "--param", "access_key_id=AKIAEXAMPLE", "--param", "secret_access_key_env=LAKE_SECRET")
    else:
        mortar.run("connection", "add", "lake", "--type", "azure_blob", "--param", "account=acct",
                   "--param", "container=c", "--param", f"endpoint={endpoint}/acct",
                   "--param", "sas_token_env=LAKE_SAS")


def sync_into_store(mortar, rows):
    """A local CSV of `rows` rows synced into out.csv on the connection 'lake'; the run."""
    files = mortar.home / "files"
    files.mkdir(exist_ok=True)
    (files / "src.csv").write_text("id,name\n" + "".join(f"{i},name number {i}\n" for i in range(rows)))
    mortar.run("dataset", "import", "filesystem_default", "src.csv", "--name", "src")
    project = mortar.home / "projects" / "p"
    write_json(project / "datasets" / "out.json",
               {"name": "out", "connection": "lake", "type": "files", "params": {"path": "out.csv"}})
    write_json(project / "recipes" / "w.json",
               {"name": "w", "type": "sync", "inputs": ["src"], "outputs": ["out"]})
    return mortar.run("recipe", "run", "w", check=False, env=SECRETS)


LISTED_SIZE = 1 << 20        # what the listing says big.csv holds
WHOLE_OBJECT = 256 << 20     # what a GET of it sends, whatever range it asked


class IgnoresRanges(Store):
    """Lists big.csv at 1 MiB, then answers every GET of it with 256 MiB, range or not."""
    sent = 0

    def do_GET(self):
        path, query = self.record()
        if "list-type" in query or "comp" in query:
            entry = (f"<Contents><Key>big.csv</Key><Size>{LISTED_SIZE}</Size></Contents>"
                     if "list-type" in query else
                     f"<Blobs><Blob><Name>big.csv</Name><Properties><Content-Length>{LISTED_SIZE}"
                     "</Content-Length></Properties></Blob></Blobs>")
            root = "ListBucketResult" if "list-type" in query else "EnumerationResults"
            return self.answer(200, f"<{root}>{entry}</{root}>".encode())
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(WHOLE_OBJECT))
        self.end_headers()
        block = b"id,name\n" + b"1,abcdefghijklmnopqrstuvw\n" * 2600
        try:
            while IgnoresRanges.sent < WHOLE_OBJECT:
                self.wfile.write(block)
                IgnoresRanges.sent += len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.mark.parametrize("kind", ["s3", "azure"])
def test_a_store_that_ignores_ranges_is_cut_off_after_the_range(mortar, kind):
    IgnoresRanges.sent = 0
    with serving(IgnoresRanges) as endpoint:
        add_store(mortar, kind, endpoint)
        result = mortar.run("dataset", "import", "lake", "big.csv", "--name", "big", check=False,
                            env=SECRETS)
    assert result.returncode != 0, result.stdout
    assert "the response is larger than" in result.stderr, result.stderr
    # Cut off near the range (plus what sockets hold), not after the whole object.
    assert IgnoresRanges.sent < 48 << 20, IgnoresRanges.sent


class RepeatsItsMarker(Store):
    """An Azure listing that always says more follows, under the same marker."""

    def do_GET(self):
        self.record()
        pages = len(self.requests)
        self.answer(200, ("<EnumerationResults><Blobs><Blob><Name>k%d.csv</Name><Properties>"
                          "<Content-Length>1</Content-Length></Properties></Blob></Blobs>"
                          "<NextMarker>same</NextMarker></EnumerationResults>" % pages).encode())


def test_an_azure_listing_that_repeats_its_marker_is_an_error_not_a_loop(mortar):
    with serving(RepeatsItsMarker) as endpoint:
        add_store(mortar, "azure", endpoint)
        listed = mortar.run("connection", "files", "lake", check=False, env=SECRETS)
    assert listed.returncode != 0, listed.stdout
    assert "the service gave the same marker twice" in listed.stderr, listed.stderr
    assert len(RepeatsItsMarker.requests) == 2


class RefusesSecondBlock(Store):
    """Azure Blob that takes one block of an upload and refuses the others."""

    def do_GET(self):
        self.record()
        self.answer(200, b"<EnumerationResults><Blobs></Blobs><NextMarker/></EnumerationResults>")

    def do_HEAD(self):
        self.record()
        self.answer(404)

    def do_PUT(self):
        path, query = self.record()
        blocks = [r for r in self.requests if r[2].get("comp") == ["block"]]
        if query.get("comp") == ["block"] and len(blocks) > 1:
            return self.answer(400, b"<?xml version=\"1.0\"?><Error><Code>InvalidBlobOrBlock</Code>"
                                    b"<Message>this test refuses the block</Message></Error>")
        self.answer(201)

    def do_DELETE(self):
        self.record()
        self.answer(202)


def test_an_azure_upload_whose_block_fails_commits_nothing(mortar):
    with serving(RefusesSecondBlock) as endpoint:
        add_store(mortar, "azure", endpoint)
        result = sync_into_store(mortar, 600000)  # about 12 MB of CSV: two 8 MiB blocks
    assert result.returncode != 0, result.stdout
    assert "this test refuses the block" in result.stderr, result.stderr
    assert [r for r in RefusesSecondBlock.requests if r[2].get("comp") == ["block"]], "no block sent"
    # Neither a commit of the blocks (an empty list would replace the blob) nor a delete.
    assert [r for r in RefusesSecondBlock.requests
            if r[2].get("comp") == ["blocklist"] or r[0] == "DELETE"] == []


class CompletesThenFails(Store):
    """S3 whose first CompleteMultipartUpload either lands and then answers 500 (as S3
    may), so the retry finds the upload gone (NoSuchUpload), or ("lost") answers
    NoSuchUpload at once and keeps the object that was there."""
    lost = False
    objects = {}
    uploads = {}

    def do_GET(self):
        path, query = self.record()
        if "list-type" in query:
            return self.answer(200, b"<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>")
        return self.answer(404, b"<Error><Code>NoSuchKey</Code></Error>")

    def do_HEAD(self):
        path, _ = self.record()
        if path not in self.objects:
            return self.answer(404)
        self.send_response(200)
        self.send_header("ETag", '"%s"' % self.objects[path][1])
        self.send_header("Content-Length", str(len(self.objects[path][0])))
        self.end_headers()

    def do_PUT(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append((self.command, url.path, query))
        digest = hashlib.md5(body).hexdigest()
        if "partNumber" in query:
            self.uploads[query["uploadId"][0]][int(query["partNumber"][0])] = body
        else:
            self.objects[url.path] = (body, digest)
        self.send_response(200)
        self.send_header("ETag", f'"{digest}"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        path, query = self.record()
        if "uploads" in query:
            self.uploads["u1"] = {}
            return self.answer(200, b"<InitiateMultipartUploadResult><UploadId>u1</UploadId>"
                                    b"</InitiateMultipartUploadResult>")
        parts = self.uploads.pop(query["uploadId"][0], None)
        if parts is None or self.lost:
            return self.answer(404, b"<Error><Code>NoSuchUpload</Code><Message>The specified upload "
                                    b"does not exist</Message></Error>")
        ordered = [parts[n] for n in sorted(parts)]
        digests = b"".join(hashlib.md5(part).digest() for part in ordered)
        self.objects[path] = (b"".join(ordered), f"{hashlib.md5(digests).hexdigest()}-{len(ordered)}")
        self.answer(500, b"<Error><Code>InternalError</Code><Message>We encountered an internal "
                         b"error. Please try again.</Message></Error>")

    def do_DELETE(self):
        self.record()
        self.answer(404, b"<Error><Code>NoSuchUpload</Code></Error>")


@pytest.mark.parametrize("lost", [False, True], ids=["landed", "lost"])
def test_an_s3_completion_retried_after_it_landed_is_not_a_failure(mortar, lost):
    CompletesThenFails.lost = lost
    CompletesThenFails.uploads = {}
    CompletesThenFails.objects = {"/b/out.csv": (b"id,name\n0,the old data\n", "0" * 32)}
    with serving(CompletesThenFails) as endpoint:
        add_store(mortar, "s3", endpoint)
        result = sync_into_store(mortar, 1000000)  # about 20 MB of CSV: two parts of 16 MiB
    completions = [r for r in CompletesThenFails.requests if r[0] == "POST" and "uploadId" in r[2]]
    stored = CompletesThenFails.objects["/b/out.csv"][0]
    if lost:
        assert result.returncode != 0, result.stdout
        assert "the upload did not land" in result.stderr, result.stderr
        assert stored == b"id,name\n0,the old data\n"
        assert len(completions) == 1
    else:
        # The 500 is retried; the retry's NoSuchUpload is judged by the object's ETag.
        assert result.returncode == 0, result.stderr
        assert len(completions) == 2, completions
        assert stored.startswith(b'"id","name"\n0,"name number 0"\n'), stored[:40]
        assert stored.endswith(b'999999,"name number 999999"\n'), stored[-40:]


class EndlessListing(Store):
    """A listing page that never ends: an S3 bucket listing of 256 MiB."""
    sent = 0

    def do_GET(self):
        self.record()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(WHOLE_OBJECT))
        self.end_headers()
        entry = b"<Contents><Key>k.csv</Key><Size>1</Size></Contents>" * 20000
        try:
            self.wfile.write(b"<ListBucketResult>")
            while EndlessListing.sent < WHOLE_OBJECT:
                self.wfile.write(entry)
                EndlessListing.sent += len(entry)
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_a_listing_page_is_cut_off_at_the_control_reply_bound(mortar):
    EndlessListing.sent = 0
    with serving(EndlessListing) as endpoint:
        add_store(mortar, "s3", endpoint)
        listed = mortar.run("connection", "files", "lake", check=False, env=SECRETS)
    assert listed.returncode != 0, listed.stdout
    assert "the response is larger than" in listed.stderr, listed.stderr
    # Cut off at 16 MiB (plus what sockets hold), not read whole.
    assert EndlessListing.sent < 48 << 20, EndlessListing.sent
