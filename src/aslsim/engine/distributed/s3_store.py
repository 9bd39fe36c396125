"""Where a Distributed Map's S3 data lives: moto's in-memory S3, or folders on disk.

The ItemReader and ResultWriter talk to an ``S3Store``; both stores answer with S3's own error
codes and messages (``S3StoreError``) so the Map fails as it would on AWS. ``open_object`` is an
optional extra: a stream of the body, so that a large object is parsed without first being
read into memory whole.
"""
from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Mapping, Protocol

_NO_SUCH_BUCKET = ("NoSuchBucket", "The specified bucket does not exist", 404)
_NO_SUCH_KEY = ("NoSuchKey", "The specified key does not exist.", 404)
_NO_SUCH_VERSION = ("NoSuchVersion", "The specified version does not exist.", 404)


class S3StoreError(Exception):
    """An S3 call that failed, with S3's error code, message and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400):
        self.code = code
        self.message = message
        self.status = status
        super().__init__(f"{code}: {message}")


class S3Store(Protocol):
    def get_object(self, bucket: str, key: str, version_id: str | None = None) -> bytes: ...

    def list_objects_v2(self, bucket: str, prefix: str | None = None) -> list[dict]: ...

    def put_object(self, bucket: str, key: str, body: bytes) -> None: ...


class MotoS3Store:
    """S3 through boto3; inside an active moto ``mock_aws()`` that is moto's in-memory S3."""

    def __init__(self, region: str = "us-east-1"):
        import boto3            # an optional dependency: only this store needs it
        from botocore.exceptions import ClientError, ParamValidationError
        self._client = boto3.client("s3", region_name=region)
        self._client_error = ClientError
        self._invalid = ParamValidationError

    def get_object(self, bucket: str, key: str, version_id: str | None = None) -> bytes:
        with self.open_object(bucket, key, version_id) as body:
            return body.read()

    def open_object(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        """The object's body as a stream."""
        request = {"Bucket": bucket, "Key": key}
        if version_id is not None:
            request["VersionId"] = version_id
        return self._call("get_object", **request)["Body"]

    def list_objects_v2(self, bucket: str, prefix: str | None = None) -> list[dict]:
        # S3 answers at most 1000 keys a page; the ItemReader lists them all, as AWS does.
        request = {"Bucket": bucket}
        if prefix:
            request["Prefix"] = prefix
        contents = []
        while True:
            page = self._call("list_objects_v2", **request)
            contents.extend(page.get("Contents", []))
            if not page.get("IsTruncated"):
                return contents
            request["ContinuationToken"] = page["NextContinuationToken"]

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        self._call("put_object", Bucket=bucket, Key=key, Body=body)

    def _call(self, operation: str, **request):
        try:
            return getattr(self._client, operation)(**request)
        except self._client_error as failure:
            error = failure.response.get("Error", {})
            status = failure.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
            raise S3StoreError(error.get("Code", "Unknown"), error.get("Message", str(failure)),
                               status) from None
        except self._invalid as failure:     # botocore refuses it before sending (a bucket "a/b")
            raise S3StoreError("InvalidParameter", str(failure)) from None


class LocalS3Store:
    """Buckets that are folders: ``root/<bucket>/<key>``, or ``{bucket: folder}``.

    Keys use "/" whatever the platform. Objects have no versions: a VersionId other than S3's
    "null" is refused with NoSuchVersion. ETags are the MD5 of the content, as S3 gives for a
    single-part upload.
    """

    def __init__(self, root: str | os.PathLike | Mapping[str, str | os.PathLike]):
        if isinstance(root, Mapping):
            self._buckets = {name: Path(folder) for name, folder in root.items()}
            self._root = None
        else:
            self._buckets = {}
            self._root = Path(root)

    def get_object(self, bucket: str, key: str, version_id: str | None = None) -> bytes:
        with self.open_object(bucket, key, version_id) as body:
            return body.read()

    def open_object(self, bucket: str, key: str, version_id: str | None = None) -> BinaryIO:
        """The object's body as a stream."""
        path = self._object_path(bucket, key)
        try:
            if not path.is_file():
                raise S3StoreError(*_NO_SUCH_KEY)
            if version_id not in (None, "null"):
                raise S3StoreError(*_NO_SUCH_VERSION)
            return path.open("rb")
        except OSError:          # a name the file system cannot hold: no such object here
            raise S3StoreError(*_NO_SUCH_KEY) from None

    def list_objects_v2(self, bucket: str, prefix: str | None = None) -> list[dict]:
        folder = self._bucket_folder(bucket)
        keys = []
        for directory, _, files in os.walk(folder):
            for name in files:
                key = (Path(directory) / name).relative_to(folder).as_posix()
                if not prefix or key.startswith(prefix):
                    keys.append(key)
        # S3 lists keys in the order of their UTF-8 bytes
        keys.sort(key=lambda k: k.encode("utf-8"))
        return [self._describe(folder, key) for key in keys]

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        if "\0" in key:
            raise _cannot_hold(key, "a file name cannot hold NUL")
        if not key or key.endswith("/") or "//" in key:
            raise _cannot_hold(key, "a key with an empty path segment is not a file name")
        self._bucket_folder(bucket)
        try:
            path = self._object_path(bucket, key)
        except S3StoreError:
            raise _cannot_hold(key, "it leads outside the bucket's folder") from None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
        except OSError as err:   # a segment over 255 bytes, a prefix that is already a file ...
            raise _cannot_hold(key, err.strerror or str(err)) from None

    def _describe(self, folder: Path, key: str) -> dict:
        path = folder / key
        stat = path.stat()
        digest = hashlib.md5(path.read_bytes()).hexdigest()
        # S3 keeps LastModified to the second
        modified = datetime.fromtimestamp(int(stat.st_mtime), tz=timezone.utc)
        return {"Key": key, "LastModified": modified, "ETag": f'"{digest}"',
                "Size": stat.st_size, "StorageClass": "STANDARD"}

    def _bucket_folder(self, bucket: str) -> Path:
        folder = self._buckets.get(bucket)
        if folder is None and self._root is not None and bucket and "/" not in bucket \
                and "\0" not in bucket and bucket not in (".", ".."):
            folder = self._root / bucket
        try:
            found = folder is not None and folder.is_dir()
        except OSError:          # a name too long for the file system
            found = False
        if not found:
            raise S3StoreError(*_NO_SUCH_BUCKET)
        return folder

    def _object_path(self, bucket: str, key: str) -> Path:
        folder = self._bucket_folder(bucket)
        if not key or "\0" in key:      # no file can have this name: no such object here
            raise S3StoreError(*_NO_SUCH_KEY)
        path = folder.joinpath(*key.split("/"))
        # a key such as "../x" must not reach outside the bucket's folder
        try:
            inside = path.resolve().is_relative_to(folder.resolve())
        except (OSError, ValueError):
            inside = False
        if not inside:
            raise S3StoreError(*_NO_SUCH_KEY)
        return path


def _cannot_hold(key: str, reason: str) -> S3StoreError:
    """What the local folder store cannot be, though S3 could: an object under this key."""
    return S3StoreError("InvalidArgument", f"The local S3 folder cannot hold the key {key!r}: {reason}")
