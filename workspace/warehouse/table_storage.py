"""The metastore bucket: Unity Catalog tables' files as S3 serves them to the holders of
temporary table credentials (unity_catalog.py).

Requests reach it through the storage endpoint (`/<metastore bucket>/...`, path-style),
signed as S3 wants them: Signature V4 in the Authorization header with the vended access
key, and the session token in `x-amz-security-token`. It serves GetObject (with
`Range`), HeadObject and ListObjectsV2 (prefix, delimiter, start-after, continuation
token, max-keys), only inside the table the credential was vended for, and refuses
everything else as S3 does: AccessDenied for a key outside it or a write,
SignatureDoesNotMatch, ExpiredToken, InvalidAccessKeyId, NoSuchKey, InvalidRange.

Served from local disk, a request takes a millisecond or two where S3 takes tens of
milliseconds to its first byte; `latency_seconds` (set through `/admin/settings`) holds
each request that long before answering, so that benchmarks and tests see what reading
many small objects one after another costs. `in_flight` counts the requests being
served at once.
"""

import base64
import contextlib
import datetime
import email.utils
import hashlib
import hmac
import os
import re
import threading
import time
import urllib.parse
from xml.sax.saxutils import escape

AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{4,128})/(\d{8})/([a-z0-9-]{1,32})/s3/aws4_request,"
    r"\s*SignedHeaders=([a-z0-9;-]{1,1024}),\s*Signature=([0-9a-f]{64})$")
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
MAX_SKEW_SECONDS = 15 * 60
MAX_KEYS = 1000


class S3Error(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _uri_encode(text, safe="-_.~"):
    return urllib.parse.quote(text, safe=safe)


def canonical_query(raw_query):
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        name, _, value = part.partition("=")
        pairs.append((_uri_encode(urllib.parse.unquote(name)),
                      _uri_encode(urllib.parse.unquote(value))))
    return "&".join(f"{n}={v}" for n, v in sorted(pairs))


def _signing_key(secret, day, region):
    key = ("AWS4" + secret).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def access_key_of(headers):
    """The access key a request says it is signed with (not a secret), or None."""
    match = AUTHORIZATION.match(headers.get("Authorization", ""))
    return match.group(1) if match else None


def connection_of(headers):
    """Which client connection to the front door a request came on (nginx's serial
    number, set by the front door), or None when it came another way."""
    serial = headers.get("X-Storage-Connection", "")
    return int(serial) if serial.isascii() and serial.isdigit() else None


def authenticate(method, raw_path, raw_query, headers, catalog, region):
    """The credential a request is signed with, once its signature, token and time pass."""
    match = AUTHORIZATION.match(headers.get("Authorization", ""))
    if match is None:
        raise S3Error(403, "AccessDenied", "Requests must be signed with Signature V4 in the "
                      "Authorization header, with a temporary table credential.")
    access_key, day, signed_region, signed_headers, signature = match.groups()
    credential = catalog.credential(access_key)
    if credential is None:
        raise S3Error(403, "InvalidAccessKeyId",
                      "The AWS Access Key Id you provided does not exist in our records.")
    if credential.expires <= time.time():
        raise S3Error(400, "ExpiredToken", "The provided token has expired.")
    token = headers.get("x-amz-security-token", "")
    if not hmac.compare_digest(token.encode(), credential.token.encode()):
        raise S3Error(403, "InvalidToken", "The provided token is malformed or otherwise invalid.")
    amz_date = headers.get("x-amz-date", "")
    try:
        when = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        raise S3Error(403, "AccessDenied", "x-amz-date is missing or not yyyymmddThhmmssZ.")
    if abs(when.timestamp() - time.time()) > MAX_SKEW_SECONDS or amz_date[:8] != day:
        raise S3Error(403, "RequestTimeTooSkewed", "The difference between the request time "
                      "and the current time is too large.")
    names = signed_headers.split(";")
    if "host" not in names or "x-amz-security-token" not in names or "x-amz-date" not in names:
        raise S3Error(403, "AccessDenied", "host, x-amz-date and x-amz-security-token must be "
                      "signed.")
    canonical_headers = "".join(f"{n}:{' '.join(headers.get(n, '').split())}\n" for n in names)
    payload = headers.get("x-amz-content-sha256", "")
    if not payload:
        raise S3Error(400, "InvalidRequest", "x-amz-content-sha256 is required.")
    canonical = "\n".join([method, raw_path, canonical_query(raw_query), canonical_headers,
                           signed_headers, payload])
    scope = f"{day}/{signed_region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    expected = hmac.new(_signing_key(credential.secret, day, signed_region), to_sign.encode(),
                        hashlib.sha256).hexdigest()
    if signed_region != region or not hmac.compare_digest(expected, signature):
        raise S3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does "
                      "not match the signature you provided. Check your key and signing method.")
    return credential


class TableStorage:
    def __init__(self, settings, catalog):
        self.settings = settings
        self.catalog = catalog
        self.bucket = settings.metastore_bucket
        self.latency_seconds = 0.0
        self._lock = threading.Lock()
        self._in_flight = 0

    @contextlib.contextmanager
    def serving(self):
        """Counts a request in flight while it is served; yields the count with it."""
        with self._lock:
            self._in_flight += 1
            in_flight = self._in_flight
        try:
            yield in_flight
        finally:
            with self._lock:
                self._in_flight -= 1

    def handles(self, path):
        return path == f"/{self.bucket}" or path.startswith(f"/{self.bucket}/") or \
            path.startswith(f"/{self.bucket}?")

    def serve(self, handler, method):
        """Answers one request on the bucket through `handler` (a BaseHTTPRequestHandler)."""
        raw_path, _, raw_query = handler.path.partition("?")
        time.sleep(self.latency_seconds)
        try:
            if method not in ("GET", "HEAD"):
                raise S3Error(403, "AccessDenied", "Temporary table credentials read only: "
                              "this request would change the table's files.")
            credential = authenticate(method, raw_path, raw_query, handler.headers,
                                      self.catalog, self.settings.s3_region)
            key = urllib.parse.unquote(raw_path[len(self.bucket) + 2:])
            query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
            if not key and query.get("list-type") == ["2"] and method == "GET":
                self._list(handler, credential, query)
            elif key:
                self._object(handler, method, credential, key)
            else:
                raise S3Error(403, "AccessDenied", "Only ListObjectsV2 (list-type=2) is "
                              "allowed on the bucket.")
        except S3Error as error:
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{error.code}</Code>'
                    f"<Message>{escape(error.message)}</Message></Error>\n").encode()
            handler.send_response(error.status)
            handler.send_header("Content-Type", "application/xml")
            handler.send_header("Content-Length", str(len(body)) if method != "HEAD" else "0")
            handler.end_headers()
            if method != "HEAD":
                handler.wfile.write(body)

    @staticmethod
    def _inside(credential, key):
        return key.startswith(credential.location.key_prefix)

    def _path_of(self, credential, key):
        if not self._inside(credential, key):
            raise S3Error(403, "AccessDenied", "Access Denied: the credential reads only "
                          f"{credential.location.url}.")
        relative = key[len(credential.location.key_prefix):]
        root = os.path.realpath(credential.location.directory)
        path = os.path.realpath(os.path.join(root, relative))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            raise S3Error(404, "NoSuchKey", "The specified key does not exist.")
        return path

    def _object(self, handler, method, credential, key):
        path = self._path_of(credential, key)
        stat = os.stat(path)
        size = stat.st_size
        start, end, status = 0, size - 1, 200
        wanted = handler.headers.get("Range")
        if wanted:
            match = RANGE.match(wanted.strip())
            if match is None or (not match[1] and not match[2]):
                raise S3Error(416, "InvalidRange", "The requested range is not satisfiable.")
            if match[1]:
                start = int(match[1])
                end = min(int(match[2]), size - 1) if match[2] else size - 1
            else:
                start = max(0, size - int(match[2]))
            if start >= size or start > end:
                raise S3Error(416, "InvalidRange", "The requested range is not satisfiable.")
            status = 206
        handler.send_response(status)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Content-Length", str(end - start + 1))
        handler.send_header("ETag", _etag(stat))
        handler.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        handler.send_header("Accept-Ranges", "bytes")
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        handler.end_headers()
        if method == "HEAD":
            return
        handler.wfile.flush()
        with open(path, "rb") as f:
            handler.connection.sendfile(f, start, end - start + 1)

    def _list(self, handler, credential, query):
        def one(name, default=""):
            return query.get(name, [default])[0]

        prefix, delimiter = one("prefix"), one("delimiter")
        try:
            max_keys = max(0, min(MAX_KEYS, int(one("max-keys", str(MAX_KEYS)))))
        except ValueError:
            raise S3Error(400, "InvalidArgument", "max-keys must be a number.")
        table_prefix = credential.location.key_prefix
        if not prefix.startswith(table_prefix):
            raise S3Error(403, "AccessDenied", "Access Denied: the credential lists only "
                          f"under {table_prefix}.")
        after = one("start-after")
        token = one("continuation-token")
        if token:
            try:
                after = max(after, base64.urlsafe_b64decode(token.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise S3Error(400, "InvalidArgument", "The continuation token is not valid.")
        entries, prefixes, truncated, last = [], [], False, ""
        for key, stat in _walk(credential.location.directory, table_prefix):
            if not key.startswith(prefix) or key <= after:
                continue
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[:cut + len(delimiter)]
                    if prefixes and prefixes[-1] == common:
                        continue
                    if common <= after:
                        continue
                    if len(entries) + len(prefixes) >= max_keys:
                        truncated = True
                        break
                    prefixes.append(common)
                    last = common
                    continue
            if len(entries) + len(prefixes) >= max_keys:
                truncated = True
                break
            entries.append((key, stat))
            last = key
        parts = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
                 f"<Name>{self.bucket}</Name><Prefix>{escape(prefix)}</Prefix>",
                 f"<KeyCount>{len(entries) + len(prefixes)}</KeyCount>",
                 f"<MaxKeys>{max_keys}</MaxKeys>",
                 f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"]
        if delimiter:
            parts.append(f"<Delimiter>{escape(delimiter)}</Delimiter>")
        if token:
            parts.append(f"<ContinuationToken>{escape(token)}</ContinuationToken>")
        if truncated:
            next_token = base64.urlsafe_b64encode(last.encode()).decode()
            parts.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
        for key, stat in entries:
            modified = datetime.datetime.fromtimestamp(stat.st_mtime, datetime.timezone.utc)
            parts.append(f"<Contents><Key>{escape(key)}</Key><LastModified>"
                         f"{modified.strftime('%Y-%m-%dT%H:%M:%S.000Z')}</LastModified>"
                         f"<ETag>{escape(_etag(stat))}</ETag><Size>{stat.st_size}</Size>"
                         "<StorageClass>STANDARD</StorageClass></Contents>")
        for common in prefixes:
            parts.append(f"<CommonPrefixes><Prefix>{escape(common)}</Prefix></CommonPrefixes>")
        parts.append("</ListBucketResult>")
        body = "".join(parts).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _etag(stat):
    digest = hashlib.md5(f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}".encode(),
                         usedforsecurity=False).hexdigest()
    return f'"{digest}"'


def _walk(directory, key_prefix):
    """Every file under the table's directory as (key, stat), in S3's key order."""
    found = []
    for root, dirs, files in os.walk(directory):
        relative = os.path.relpath(root, directory)
        base = key_prefix if relative == "." else key_prefix + relative.replace(os.sep, "/") + "/"
        for name in files:
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((base + name, stat))
    found.sort(key=lambda entry: entry[0].encode())
    return found
