"""The file-size-check workflow (/work/shared/workflows/file-size-check.md), end to end.

A Lambda (checkSize) returns an S3 object's size in bytes as the state's whole result; a Choice
routes it with NumericGreaterThan / NumericLessThanEquals 2097152 on ``$``, with a Fail state as
Default for results that are not numbers.

Not covered here: "a local Python handler file stands in for checkSize and reads its
environment" belongs to the later issue on local Lambda handlers.
"""
import json
from pathlib import Path

import pytest

import aslsim

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "file_size_check.asl.json"
FIXTURES = ROOT / "fixtures" / "file_size_check"

CHECK_SIZE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkSize"
PROCESS_FILE_ARN = "arn:aws:lambda:us-east-1:123456789012:function:processFile"
TWO_MB = 2097152


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(str(DEFINITION))


@pytest.fixture(scope="module")
def execution_input():
    return fixture("input.json")


def test_definition_is_as_described(machine):
    states = machine.definition["States"]
    assert machine.definition["StartAt"] == "CheckFileSize"
    assert states["CheckFileSize"]["Resource"] == CHECK_SIZE_ARN
    assert states["ProcessFile"]["Resource"] == PROCESS_FILE_ARN
    assert states["ChoiceState"]["Choices"] == [
        {"Variable": "$", "NumericGreaterThan": TWO_MB, "Next": "ProcessFile"},
        {"Variable": "$", "NumericLessThanEquals": TWO_MB, "Next": "NotifyFileTooSmall"},
    ]
    assert states["ChoiceState"]["Default"] == "DefaultState"
    assert states["DefaultState"]["Type"] == "Fail"


def test_three_megabytes_goes_through_process_file(machine, execution_input):
    mocks = fixture("mocks.json")
    assert mocks["CheckFileSize"] == {"return": 3145728}
    ex = machine.run(execution_input, mocks=mocks)

    assert ex.status == "SUCCEEDED"
    assert ex.output == {"processed": True, "size": 3145728}
    assert ex.error is None and ex.cause is None
    assert ex.path == ["CheckFileSize", "ChoiceState", "ProcessFile", "NotifyFileOk"]

    # processFile receives checkSize's whole result (the number) as its input
    assert [c["state"] for c in ex.calls] == ["CheckFileSize", "ProcessFile"]
    assert ex.calls[1]["resource"] == PROCESS_FILE_ARN
    assert ex.calls[1]["parameters"] == 3145728


def test_one_megabyte_is_too_small(machine, execution_input):
    ex = machine.run(execution_input, mocks=fixture("mocks_small.json"))

    assert ex.status == "SUCCEEDED"
    assert ex.output == 1048576  # Pass states pass the size through untouched
    assert ex.error is None and ex.cause is None
    assert ex.path == ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]
    assert [c["state"] for c in ex.calls] == ["CheckFileSize"]  # processFile is never invoked


def test_exactly_two_megabytes_is_too_small(machine, execution_input):
    mocks = fixture("mocks_exactly_2mb.json")
    assert mocks["CheckFileSize"] == {"return": TWO_MB}
    ex = machine.run(execution_input, mocks=mocks)

    assert ex.status == "SUCCEEDED"
    assert ex.output == TWO_MB
    assert ex.path == ["CheckFileSize", "ChoiceState", "NotifyFileTooSmall"]
    assert [c["state"] for c in ex.calls] == ["CheckFileSize"]


def test_string_result_ends_in_default_state_failure(machine, execution_input):
    mocks = fixture("mocks_not_a_number.json")
    assert mocks["CheckFileSize"] == {"return": "3145728"}  # a numeric-looking string is not a number
    ex = machine.run(execution_input, mocks=mocks)

    assert ex.status == "FAILED"
    assert ex.output is None
    assert ex.error == "UnexpectedFileSize"
    assert ex.cause == "checkSize did not return a number of bytes"
    assert ex.path == ["CheckFileSize", "ChoiceState", "DefaultState"]
    assert [c["state"] for c in ex.calls] == ["CheckFileSize"]

    types = [e["type"] for e in ex.history]
    assert types[-2:] == ["FailStateEntered", "ExecutionFailed"]
    assert ex.history[-1]["executionFailedEventDetails"] == {
        "error": "UnexpectedFileSize", "cause": "checkSize did not return a number of bytes"}


def test_history_of_the_three_megabyte_run(machine, execution_input):
    ex = machine.run(execution_input, mocks=fixture("mocks.json"))
    events = ex.history

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


def test_recorded_check_size_call(machine, execution_input):
    ex = machine.run(execution_input, mocks=fixture("mocks.json"))
    call = ex.calls[0]

    assert call["state"] == "CheckFileSize"
    assert call["resource"] == CHECK_SIZE_ARN
    assert call["parameters"] == {"size": 3145728}  # no Parameters: the Lambda gets the state input
    assert call["result"] == 3145728
    assert "error" not in call


def test_check_size_failure_fails_the_execution(machine, execution_input):
    """No Retry or Catch: a Lambda error ends the execution with that error."""
    mocks = {"CheckFileSize": {"throw": {"Error": "Lambda.ResourceNotFoundException",
                                         "Cause": "Function not found"}}}
    ex = machine.run(execution_input, mocks=mocks)

    assert ex.status == "FAILED"
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert ex.cause == "Function not found"
    assert ex.path == ["CheckFileSize"]
    assert ex.calls[0]["error"] == "Lambda.ResourceNotFoundException"
    assert [e["type"] for e in ex.history][-3:] == [
        "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"]


@pytest.mark.parametrize("result", [True, None, {"size": 3145728}, [3145728], ""])
def test_other_non_numbers_also_end_in_default_state(machine, execution_input, result):
    """Numeric rules never match a value that is not a JSON number (a boolean included)."""
    ex = machine.run(execution_input, mocks={"CheckFileSize": {"return": result}})

    assert ex.status == "FAILED"
    assert ex.error == "UnexpectedFileSize"
    assert ex.path == ["CheckFileSize", "ChoiceState", "DefaultState"]


@pytest.mark.parametrize("size, path_end", [
    (2097153, "ProcessFile"),            # one byte over
    (2097152.5, "ProcessFile"),          # fractional sizes compare as numbers
    (2097152.0, "NotifyFileTooSmall"),   # 2097152.0 equals 2097152
    (0, "NotifyFileTooSmall"),
])
def test_boundary_sizes(machine, execution_input, size, path_end):
    ex = machine.run(execution_input, mocks={"CheckFileSize": {"return": size},
                                             "ProcessFile": {"return": {"processed": True}}})
    assert ex.status == "SUCCEEDED"
    assert ex.path[:3] == ["CheckFileSize", "ChoiceState", path_end]
