"""The local S3 folder store (run(s3=folder), --s3) meets keys a file system cannot hold: a NUL,
a path segment over 255 bytes, a prefix that is already a file, an empty segment. A Distributed
Map then fails as on AWS when S3 refuses, with States.ItemReaderFailed or
States.ResultWriterFailed naming the key; never an exception out of the run."""
import json

import pytest

import aslsim
from aslsim.engine.distributed.s3_store import LocalS3Store, S3StoreError


def distributed_map(reader=None, writer=None):
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                 "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}
    state = {"Type": "Map", "ItemProcessor": processor, "End": True}
    if reader is not None:
        state["ItemReader"] = {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
                               "Parameters": reader}
    else:
        state["ItemsPath"] = "$.items"
    if writer is not None:
        state["ResultWriter"] = {"Resource": "arn:aws:states:::s3:putObject", "Parameters": writer}
    return aslsim.load({"StartAt": "Map", "States": {"Map": state}})


@pytest.fixture
def buckets(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "items.json").write_text("[1, 2]")
    (tmp_path / "data" / "taken").write_text("a file where the writer wants a folder")
    (tmp_path / "outside.json").write_text("[3]")      # beside the bucket, never inside it
    return tmp_path


@pytest.mark.parametrize("prefix, reason", [
    ("out\0put", "a file name cannot hold NUL"),
    ("x" * 256, "File name too long"),
    ("taken", "Not a directory"),
    ("a//b", "empty path segment"),
])
def test_a_result_writer_key_the_folder_cannot_hold_is_result_writer_failed(buckets, prefix, reason):
    execution = distributed_map(writer={"Bucket": "data", "Prefix": prefix}).run({"items": [1, 2]}, s3=buckets)
    assert execution.status == "FAILED"
    assert execution.error == "States.ResultWriterFailed"
    assert "The local S3 folder cannot hold the key" in execution.cause and reason in execution.cause


@pytest.mark.parametrize("key", ["items\0.json", "x" * 300 + ".json", "items.json/inside", "../outside.json"])
def test_an_item_reader_key_the_folder_cannot_hold_is_no_such_key(buckets, key):
    execution = distributed_map(reader={"Bucket": "data", "Key": key}).run({}, s3=buckets)
    assert (execution.status, execution.error) == ("FAILED", "States.ItemReaderFailed")
    assert "The specified key does not exist." in execution.cause


@pytest.mark.parametrize("bucket", ["da\0ta", "b" * 300])
def test_a_bucket_name_the_folder_cannot_hold_is_no_such_bucket(buckets, bucket):
    execution = distributed_map(reader={"Bucket": bucket, "Key": "items.json"}).run({}, s3=buckets)
    assert (execution.status, execution.error) == ("FAILED", "States.ItemReaderFailed")
    assert "The specified bucket does not exist" in execution.cause


def test_a_prefix_that_is_not_a_string_fails_the_writer_and_the_lister(buckets):
    execution = distributed_map(writer={"Bucket": "data", "Prefix": 5}).run({"items": [1]}, s3=buckets)
    assert (execution.status, execution.error) == ("FAILED", "States.Runtime")
    assert "must give a Bucket (and a Prefix) as strings" in execution.cause
    lister = aslsim.load({"StartAt": "Map", "States": {"Map": {
        "Type": "Map", "End": True,
        "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "data", "Prefix": 5}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": True}}}}}})
    execution = lister.run({}, s3=buckets)
    assert (execution.error, execution.cause) == ("States.ItemReaderFailed", "The ItemReader's Prefix must be a string, got 5")


def test_nan_in_an_s3_json_object_is_item_reader_failed(buckets):
    (buckets / "data" / "nan.json").write_text("[1, NaN]")
    execution = distributed_map(reader={"Bucket": "data", "Key": "nan.json"}).run({}, s3=buckets)
    assert (execution.status, execution.error) == ("FAILED", "States.ItemReaderFailed")
    assert "The object is not valid JSON: NaN is not JSON" in execution.cause


def test_the_store_itself_answers_with_s3_errors(buckets):
    store = LocalS3Store(buckets)
    with pytest.raises(S3StoreError, match="InvalidArgument"):
        store.put_object("data", "taken/x.json", b"{}")
    with pytest.raises(S3StoreError, match="NoSuchKey"):
        store.get_object("data", "nul\0")
    store.put_object("data", "fine/x.json", b"{}")
    assert json.loads(store.get_object("data", "fine/x.json")) == {}


def test_a_botocore_refusal_is_an_s3_error_too():
    from moto import mock_aws
    from aslsim.engine.distributed.s3_store import MotoS3Store
    with mock_aws():
        with pytest.raises(S3StoreError, match="InvalidParameter"):
            MotoS3Store("us-east-1").get_object("not/a/bucket", "k")
