"""The stand-in's S3 bucket seen directly, to put test files and check what Mortar
left there. Its server takes unsigned puts and listings, but objects written with
signed requests are private: reads are signed (Signature V4)."""
import datetime
import hashlib
import hmac
import urllib.parse
import urllib.request
import uuid


def fast_write_through_s3(mortar, ws, add_databricks, tests, retry_seconds=None, **fast_write):
    """Adds the s3 connection 'stage' on the stand-in's bucket and (re)adds 'dbx' with
    fast-write staging there under a new prefix, which it returns. `fast_write`: more
    fast_write.* settings (min_rows=..., file_rows=...); retry_seconds: the stage's."""
    retry = ["--param", f"retry_seconds={retry_seconds}"] if retry_seconds is not None else []
    mortar.run("connection", "add", "stage", "--type", "s3", "--param", f"endpoint={ws['s3_endpoint']}",
               "--param", f"bucket={ws['s3_bucket']}", "--param", "path_style=true",
               "--param", f"region={ws['s3_region']}", "--param", f"access_key_id={ws['s3_access_key_id']}",
               *retry)
    mortar.run("connection", "set-secret", "stage", "secret_access_key", input=ws["s3_secret_access_key"] + "\n")
    prefix = f"{tests}/" + uuid.uuid4().hex[:8]
    settings = {"fast_write.connection": "stage", "fast_write.path": prefix}
    settings.update({f"fast_write.{key}": value for key, value in fast_write.items()})
    add_databricks(mortar, ws, **settings)
    return prefix


def keys(ws, prefix):
    query = urllib.parse.urlencode({"list-type": "2", "prefix": prefix})
    with urllib.request.urlopen(f"{ws['s3_endpoint']}/{ws['s3_bucket']}?{query}", timeout=30) as r:
        body = r.read().decode()
    return sorted(part.split("</Key>")[0] for part in body.split("<Key>")[1:])


def put(ws, key, body: bytes):
    request = urllib.request.Request(f"{ws['s3_endpoint']}/{ws['s3_bucket']}/{key}", data=body, method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
    urllib.request.urlopen(request, timeout=30).read()


def get(ws, key) -> bytes:
    path = "/" + ws["s3_bucket"] + "/" + urllib.parse.quote(key, safe="/")
    host = urllib.parse.urlparse(ws["s3_endpoint"]).netloc
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    empty = hashlib.sha256(b"").hexdigest()
    headers = f"host:{host}\nx-amz-content-sha256:{empty}\nx-amz-date:{amz_date}\n"
    signed = "host;x-amz-content-sha256;x-amz-date"
    canonical = f"GET\n{path}\n\n{headers}\n{signed}\n{empty}"
    scope = f"{day}/{ws['s3_region']}/s3/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key_bytes = ("AWS4" + ws["s3_secret_access_key"]).encode()
    for part in [day, ws["s3_region"], "s3", "aws4_request"]:
        key_bytes = hmac.new(key_bytes, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key_bytes, to_sign.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(ws["s3_endpoint"] + path, headers={
        "x-amz-date": amz_date, "x-amz-content-sha256": empty,
        "Authorization": f"AWS4-HMAC-SHA256 Credential={ws['s3_access_key_id']}/{scope}, "
                         f"SignedHeaders={signed}, Signature={signature}"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return r.read()
