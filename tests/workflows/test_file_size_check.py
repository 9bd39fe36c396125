"""The file-size-check workflow (/work/shared/workflows/file-size-check.md), end to end.

A Lambda (checkSize) returns an S3 object's size in bytes as the state's whole result; a Choice
routes it with NumericGreaterThan / NumericLessThanEquals 2097152 on ``$``, with a Fail state as
Default for results that are not numbers.

Written as a user of the pytest plugin writes workflow tests: the module's marker names the
machine, ``aslsim_run`` runs it, ``expect`` checks the run and prints what happened when a check
fails. The same cases, without Python, are in file_size_check.aslsim.yaml beside this file.

Not covered here: "a local Python handler file stands in for checkSize and reads its
environment" belongs to the tests of local Lambda handlers.
"""
import json
from pathlib import Path

import pytest

from aslsim.testing import assert_path_starts_with, calls_to, expect

pytestmark = pytest.mark.aslsim_machine("statemachines/file_size_check.asl.json")

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "file_size_check"

CHECK_SIZE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkSize"
PROCESS_FILE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:processFile"
TWO_MB = 2097152
HAPPY_PATH = ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]
TOO_SMALL_PATH = ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]
DEFAULT_PATH = ["CheckFileSize", "ChoiceState", "DefaultState"]


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


INPUT = fixture("input.json")


def test_definition_is_as_described(aslsim_machine):
    states = aslsim_machine.definition["States"]
    assert aslsim_machine.definition["StartAt"] == "CheckFileSize"
    assert states["CheckFileSize"]["Resource"] == CHECK_SIZE_ARN
    assert states["ProcessFile"]["Resource"] == PROCESS_FILE_ARN
    assert states["ChoiceState"]["Choices"] == [
        {"Variable": "$", "NumericGreaterThan": TWO_MB, "Next": "ProcessFile"},
        {"Variable": "$", "NumericLessThanEquals": TWO_MB, "Next": "NotifyFileTooSmall"},
    ]
    assert states["ChoiceState"]["Default"] == "DefaultState"
    assert states["DefaultState"]["Type"] == "Fail"


def test_three_megabytes_goes_through_process_file(aslsim_run):
    mocks = fixture("mocks.json")
    assert mocks["CheckFileSize"] == {"return": 3145728}
    ex = aslsim_run(INPUT, mocks=mocks)

    expect(ex).succeeded().output({"processed": True, "size": 3145728}).path(HAPPY_PATH)
    assert ex.error is None and ex.cause is None
    # processFile receives checkSize's whole result (the number) as its input
    expect(ex).calls(["CheckFileSize", "ProcessFile"]).called_with(PROCESS_FILE_ARN, 3145728)


def test_one_megabyte_is_too_small(aslsim_run, aslsim_mocks):
    aslsim_mocks.load("../../fixtures/file_size_check/mocks_small.json")
    ex = aslsim_run(INPUT)

    # Pass states pass the size through untouched; processFile is never invoked
    expect(ex).succeeded().output(1048576).path(TOO_SMALL_PATH).not_called("ProcessFile")
    assert ex.error is None and ex.cause is None


def test_exactly_two_megabytes_is_too_small(aslsim_run):
    mocks = fixture("mocks_exactly_2mb.json")
    assert mocks["CheckFileSize"] == {"return": TWO_MB}
    ex = aslsim_run(INPUT, mocks=mocks)

    expect(ex).succeeded().output(TWO_MB).path(TOO_SMALL_PATH).calls(["CheckFileSize"])


def test_string_result_ends_in_default_state_failure(aslsim_run):
    mocks = fixture("mocks_not_a_number.json")
    assert mocks["CheckFileSize"] == {"return": "3145728"}  # a numeric-looking string is not a number
    ex = aslsim_run(INPUT, mocks=mocks)

    (expect(ex).failed("UnexpectedFileSize", "checkSize did not return a number of bytes")
        .output(None).path(DEFAULT_PATH).calls(["CheckFileSize"]))
    types = [e["type"] for e in ex.history]
    assert types[-2:] == ["FailStateEntered", "ExecutionFailed"]
    assert ex.history[-1]["executionFailedEventDetails"] == {
        "error": "UnexpectedFileSize", "cause": "checkSize did not return a number of bytes"}


def test_history_of_the_three_megabyte_run(aslsim_run):
    events = aslsim_run(INPUT, mocks=fixture("mocks.json")).history

    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
        "LambdaFunctionSucceeded", "TaskStateExited",
        "ChoiceStateEntered", "ChoiceStateExited",
        "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
        "LambdaFunctionSucceeded", "TaskStateExited",
        "PassStateEntered", "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))

    started = events[0]["executionStartedEventDetails"]
    assert json.loads(started["input"]) == {"size": 3145728}

    assert events[1]["stateEnteredEventDetails"]["name"] == "CheckFileSize"
    scheduled = events[2]["lambdaFunctionScheduledEventDetails"]
    assert scheduled["resource"] == CHECK_SIZE_ARN
    assert json.loads(scheduled["input"]) == {"size": 3145728}
    assert events[3]["previousEventId"] == 3
    assert json.loads(events[4]["lambdaFunctionSucceededEventDetails"]["output"]) == 3145728
    exited = events[5]["stateExitedEventDetails"]
    assert exited["name"] == "CheckFileSize"
    assert json.loads(exited["output"]) == 3145728
    assert events[6]["stateEnteredEventDetails"]["name"] == "ChoiceState"
    assert json.loads(events[6]["stateEnteredEventDetails"]["input"]) == 3145728
    assert events[8]["stateEnteredEventDetails"]["name"] == "ProcessFile"
    assert events[9]["lambdaFunctionScheduledEventDetails"]["resource"] == PROCESS_FILE_ARN
    assert events[13]["stateEnteredEventDetails"]["name"] == "NotifyFileOk"
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == {
        "processed": True, "size": 3145728}


def test_recorded_check_size_call(aslsim_run):
    ex = aslsim_run(INPUT, mocks=fixture("mocks.json"))
    [call] = calls_to(ex, "CheckFileSize")

    assert call["resource"] == CHECK_SIZE_ARN
    assert call["parameters"] == {"size": 3145728}  # no Parameters: the Lambda gets the state input
    assert call["result"] == 3145728
    assert "error" not in call
    expect(ex).call_time("checkSize", "2025-01-01T00:00:00Z")   # the default virtual start


def test_check_size_failure_fails_the_execution(aslsim_run, aslsim_mocks):
    """No Retry or Catch: a Lambda error ends the execution with that error."""
    aslsim_mocks.throws("CheckFileSize", "Lambda.ResourceNotFoundException", "Function not found")
    ex = aslsim_run(INPUT)

    expect(ex).failed("Lambda.ResourceNotFoundException", "Function not found").path(["CheckFileSize"])
    assert ex.calls[0]["error"] == "Lambda.ResourceNotFoundException"
    assert [e["type"] for e in ex.history][-3:] == [
        "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"]


@pytest.mark.parametrize("result", [True, None, {"size": 3145728}, [3145728], ""])
def test_other_non_numbers_also_end_in_default_state(aslsim_run, aslsim_mocks, result):
    """Numeric rules never match a value that is not a JSON number (a boolean included)."""
    aslsim_mocks.returns("CheckFileSize", result)
    expect(aslsim_run(INPUT)).failed("UnexpectedFileSize").path(DEFAULT_PATH)


@pytest.mark.parametrize("size, path_end", [
    (2097153, "ProcessFile"),            # one byte over
    (2097152.5, "ProcessFile"),          # fractional sizes compare as numbers
    (2097152.0, "NotifyFileTooSmall"),   # 2097152.0 equals 2097152
    (0, "NotifyFileTooSmall"),
])
def test_boundary_sizes(aslsim_run, aslsim_mocks, size, path_end):
    aslsim_mocks.returns("CheckFileSize", size).returns("ProcessFile", {"processed": True})
    ex = aslsim_run(INPUT)
    expect(ex).succeeded()
    assert_path_starts_with(ex, "CheckFileSize", "ChoiceState", path_end)
