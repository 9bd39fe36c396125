"""The S3 stores a Distributed Map reads from and writes to: moto's S3 and folders on disk.

Both answer as S3 does: objects by bucket and key, ListObjectsV2 entries (Key, LastModified,
ETag, Size, StorageClass) in key order, and S3's error codes and messages.
"""
import hashlib
import os
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from aslsim.engine.distributed.s3_store import LocalS3Store, MotoS3Store, S3StoreError

REGION = "us-east-1"


@pytest.fixture
def moto_store():
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(Bucket="data")
        yield MotoS3Store(REGION)


@pytest.fixture
def local_store(tmp_path):
    (tmp_path / "data").mkdir()
    return LocalS3Store(tmp_path)


@pytest.fixture(params=["moto", "local"])
def store(request):
    return request.getfixturevalue(f"{request.param}_store")


def test_an_object_put_is_read_back(store):
    store.put_object("data", "dir/file.json", b"[1,2]")
    assert store.get_object("data", "dir/file.json") == b"[1,2]"


def test_an_object_is_also_read_as_a_stream(store):
    store.put_object("data", "file.txt", b"abcdef")
    with store.open_object("data", "file.txt") as body:
        assert body.read(3) == b"abc"
        assert body.read() == b"def"


def test_a_missing_key_is_no_such_key(store):
    with pytest.raises(S3StoreError) as failure:
        store.get_object("data", "missing.json")
    assert (failure.value.code, failure.value.message, failure.value.status) == (
        "NoSuchKey", "The specified key does not exist.", 404)


def test_a_missing_bucket_is_no_such_bucket(store):
    with pytest.raises(S3StoreError) as failure:
        store.list_objects_v2("nobucket")
    assert (failure.value.code, failure.value.message, failure.value.status) == (
        "NoSuchBucket", "The specified bucket does not exist", 404)


def test_putting_into_a_missing_bucket_is_no_such_bucket(store):
    with pytest.raises(S3StoreError) as failure:
        store.put_object("nobucket", "k", b"x")
    assert failure.value.code == "NoSuchBucket"


def test_listing_gives_s3_contents_entries_in_key_order(store):
    for key in ("b.txt", "a/2.txt", "a/10.txt"):
        store.put_object("data", key, key.encode())
    listing = store.list_objects_v2("data")
    assert [entry["Key"] for entry in listing] == ["a/10.txt", "a/2.txt", "b.txt"]
    first = listing[0]
    assert first["ETag"] == '"%s"' % hashlib.md5(b"a/10.txt").hexdigest()
    assert first["Size"] == 8
    assert first["StorageClass"] == "STANDARD"
    assert isinstance(first["LastModified"], datetime)
    assert first["LastModified"].tzinfo is not None


def test_listing_keeps_only_keys_under_the_prefix(store):
    for key in ("logs/1", "logs/2", "logs10/1", "other"):
        store.put_object("data", key, b"x")
    assert [e["Key"] for e in store.list_objects_v2("data", "logs/")] == ["logs/1", "logs/2"]
    assert [e["Key"] for e in store.list_objects_v2("data", "logs")] == [
        "logs/1", "logs/2", "logs10/1"]


def test_moto_listing_follows_pages_past_1000_keys(moto_store):
    s3 = boto3.client("s3", region_name=REGION)
    for index in range(1105):
        s3.put_object(Bucket="data", Key=f"item-{index:05d}", Body=b"")
    listing = moto_store.list_objects_v2("data")
    assert len(listing) == 1105
    assert listing[-1]["Key"] == "item-01104"


def test_moto_store_reads_what_boto3_wrote(moto_store):
    boto3.client("s3", region_name=REGION).put_object(Bucket="data", Key="k", Body=b"hello")
    assert moto_store.get_object("data", "k") == b"hello"


def test_moto_store_reads_a_version(moto_store):
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_bucket_versioning(Bucket="data", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="data", Key="k", Body=b"one")["VersionId"]
    s3.put_object(Bucket="data", Key="k", Body=b"two")
    assert moto_store.get_object("data", "k", first) == b"one"
    assert moto_store.get_object("data", "k") == b"two"


def test_local_buckets_can_be_named_folders(tmp_path):
    (tmp_path / "anywhere").mkdir()
    (tmp_path / "anywhere" / "rows.csv").write_bytes(b"a\n1\n")
    store = LocalS3Store({"my-bucket": tmp_path / "anywhere"})
    assert store.get_object("my-bucket", "rows.csv") == b"a\n1\n"
    with pytest.raises(S3StoreError) as failure:
        store.get_object("anywhere", "rows.csv")
    assert failure.value.code == "NoSuchBucket"


def test_local_put_creates_the_folders_of_the_key(local_store, tmp_path):
    local_store.put_object("data", "results/run/manifest.json", b"{}")
    assert (tmp_path / "data" / "results" / "run" / "manifest.json").read_bytes() == b"{}"


def test_local_keys_cannot_leave_the_bucket(local_store, tmp_path):
    (tmp_path / "secret.txt").write_bytes(b"no")
    with pytest.raises(S3StoreError) as failure:
        local_store.get_object("data", "../secret.txt")
    assert failure.value.code == "NoSuchKey"


def test_local_objects_have_no_versions(local_store):
    local_store.put_object("data", "k", b"x")
    assert local_store.get_object("data", "k", "null") == b"x"
    with pytest.raises(S3StoreError) as failure:
        local_store.get_object("data", "k", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
    assert (failure.value.code, failure.value.message) == (
        "NoSuchVersion", "The specified version does not exist.")


def test_local_last_modified_is_the_file_time_to_the_second(local_store, tmp_path):
    local_store.put_object("data", "k", b"x")
    os.utime(tmp_path / "data" / "k", (1668699881.75, 1668699881.75))
    entry = local_store.list_objects_v2("data")[0]
    assert entry["LastModified"] == datetime(2022, 11, 17, 15, 44, 41, tzinfo=timezone.utc)
