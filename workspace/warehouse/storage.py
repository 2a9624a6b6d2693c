"""The workspace's root storage on the S3 stand-in: result files and volumes.

Objects are written straight to the S3 server (moto); clients reach them only through
presigned links (Signature V4 in the query string, as S3 presigns), served by the front
door's storage endpoint, which checks the signature and the expiry before passing the
request on (moto itself checks neither). The bucket is the workspace's own, apart from
the bucket users load from.
"""

import heapq
import itertools
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


class Storage:
    def __init__(self, settings):
        self.bucket = settings.root_bucket
        credentials = dict(region_name=settings.s3_region,
                           aws_access_key_id=settings.s3_access_key_id,
                           aws_secret_access_key=settings.s3_secret_access_key)
        config = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                        retries={"max_attempts": 3, "mode": "standard"},
                        max_pool_connections=16)
        self._direct = boto3.client("s3", endpoint_url=settings.s3_endpoint, config=config,
                                    **credentials)
        self._signer = boto3.client("s3", endpoint_url=settings.storage_url, config=config,
                                    **credentials)
        self._bucket_ready = False
        self._lock = threading.Lock()
        self._due = []  # (when, sequence, keys): deletions waiting for links to expire
        self._sequence = itertools.count()
        self._sweeper = threading.Thread(target=self._sweep, daemon=True, name="storage-sweeper")
        self._sweeper.start()

    def ensure_bucket(self):
        with self._lock:
            if self._bucket_ready:
                return
            try:
                self._direct.head_bucket(Bucket=self.bucket)
            except ClientError:
                self._direct.create_bucket(Bucket=self.bucket)
            self._bucket_ready = True

    def put(self, key, data):
        self.ensure_bucket()
        try:
            self._direct.put_object(Bucket=self.bucket, Key=key, Body=data)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchBucket":
                raise
            # The S3 stand-in keeps buckets in memory and has been restarted: the root
            # bucket is made again (what was in it died with the old process).
            with self._lock:
                self._bucket_ready = False
            self.ensure_bucket()
            self._direct.put_object(Bucket=self.bucket, Key=key, Body=data)

    def delete(self, keys):
        for start in range(0, len(keys), 1000):
            chunk = keys[start:start + 1000]
            if chunk:
                self._direct.delete_objects(Bucket=self.bucket, Delete={
                    "Objects": [{"Key": k} for k in chunk], "Quiet": True})

    def delete_later(self, keys, when):
        """Deletes the objects once `when` (Unix seconds) has passed."""
        with self._lock:
            heapq.heappush(self._due, (when, next(self._sequence), list(keys)))

    def _sweep(self):
        while True:
            time.sleep(1.0)
            now = time.time()
            due = []
            with self._lock:
                while self._due and self._due[0][0] <= now:
                    due.extend(heapq.heappop(self._due)[2])
            if due:
                try:
                    self.delete(due)
                except Exception:  # the S3 stand-in may be down; the objects die with it
                    pass

    def delete_prefix(self, prefix):
        keys = [item["key"] for item in self.list(prefix)]
        self.delete(keys)

    def exists(self, key):
        try:
            self._direct.head_object(Bucket=self.bucket, Key=key)
            return True
        except ClientError:
            return False

    def list(self, prefix):
        """Every object under a prefix: key, size, last modified (ms)."""
        self.ensure_bucket()
        paginator = self._direct.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield {"key": item["Key"], "size": item["Size"],
                       "modified": int(item["LastModified"].timestamp() * 1000)}

    def presign(self, method, key, seconds):
        """A presigned URL on the storage endpoint: get_object, put_object or delete_object."""
        self.ensure_bucket()
        return self._signer.generate_presigned_url(
            method, Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=int(seconds))
