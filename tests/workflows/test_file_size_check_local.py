"""The file-size-check workflow with local Python handlers for its Lambdas, against moto's S3.

checkSize (statemachines/handlers/check_size.py) reads the bucket and key from its environment
and asks S3 (moto, inside ``mock_aws``) for the object's size; processFile
(statemachines/handlers/process_file.py) reports the file processed. See
/work/shared/workflows/file-size-check.md.
"""
import json
import os
from pathlib import Path

import pytest

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

import aslsim  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "file_size_check.asl.json"
BUCKET, KEY = "uploads", "incoming/report.csv"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(str(DEFINITION))


def handlers(bucket=BUCKET, key=KEY):
    # paths relative to the state machine's directory, as a project would keep them
    return {
        "checkSize": {"handler": "handlers/check_size.py:handler",
                      "environment": {"BUCKET": bucket, "KEY": key}},
        "processFile": "handlers/process_file.py:handler",
    }


@pytest.fixture
def s3():
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def upload(s3, size):
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"x" * size)


def test_three_megabytes_goes_through_process_file_to_notify_file_ok(machine, s3):
    upload(s3, 3 * MB)
    ex = machine.run({}, lambdas=handlers())
    assert ex.status == "SUCCEEDED"
    assert ex.path == ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]
    assert ex.output == {"processed": True, "size": 3 * MB}
    assert ex.calls[1]["parameters"] == 3 * MB      # processFile gets checkSize's bare result


def test_one_megabyte_is_too_small(machine, s3):
    upload(s3, 1 * MB)
    ex = machine.run({}, lambdas=handlers())
    assert ex.status == "SUCCEEDED"
    assert ex.path == ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]
    assert ex.output == 1 * MB
    assert ex.unused_mocks == ["processFile"]


def test_exactly_two_megabytes_is_too_small(machine, s3):
    upload(s3, 2 * MB)
    ex = machine.run({}, lambdas=handlers())
    assert ex.path == ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]
    assert ex.output == 2 * MB


def test_check_size_reads_the_object_its_environment_names(machine, s3):
    s3.put_object(Bucket=BUCKET, Key="other/big.bin", Body=b"y" * (5 * MB))
    upload(s3, 1 * MB)
    ex = machine.run({}, lambdas=handlers(key="other/big.bin"))
    assert ex.output == {"processed": True, "size": 5 * MB}
    assert "BUCKET" not in os.environ and "KEY" not in os.environ   # restored after the call


def test_a_missing_object_fails_check_size_with_the_handlers_exception(machine, s3):
    ex = machine.run({}, lambdas=handlers(key="not/there.csv"))
    assert ex.status == "FAILED"
    assert ex.error == "ClientError"               # the exception's class name, as Lambda reports
    cause = json.loads(ex.cause)
    assert cause["errorType"] == "ClientError"
    assert "HeadObject" in cause["errorMessage"] and "404" in cause["errorMessage"]
    assert "check_size.py" in cause["stackTrace"][0]
