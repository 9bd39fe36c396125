"""The Python API refuses arguments it cannot use with aslsim's documented errors, naming the
argument: DefinitionError from ``load``, InputError from ``run``; never an OverflowError,
ValueError, TypeError or AttributeError from deep inside."""
import math
from datetime import datetime, timezone

import pytest

import aslsim

TASK = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                         "Parameters": {"FunctionName": "f"}, "End": True}}}
MOCKS = {"T": {"return": 1}}


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(TASK)


@pytest.mark.parametrize("source, message", [
    (b"\xff\xfe{}", "not UTF-8 text"), (5, "cannot load a definition from a int"),
    ([TASK], "cannot load a definition from a list"), (b"[1, 2]", "must be a JSON object"),
])
def test_load_refuses_what_is_not_a_definition(source, message):
    with pytest.raises(aslsim.DefinitionError, match=message):
        aslsim.load(source)


@pytest.mark.parametrize("argument, value, message", [
    ("start_time", 10 ** 20, "start_time must be between 1970-01-01T00:00:00Z and 9998-12-31T23:59:59Z"),
    ("start_time", -1, "start_time must be between"),
    ("start_time", datetime(9999, 12, 31, tzinfo=timezone.utc), "start_time must be between"),
    ("start_time", 1.5, "start_time must be a datetime"),
    ("stop_after", math.nan, "stop_after must be a finite number of seconds >= 0, not nan"),
    ("stop_after", math.inf, "stop_after must be a finite number"),
    ("stop_after", -1, "stop_after must be a finite number"),
    ("callbacks", 5, "callbacks must map Task state names"),
    ("callbacks", {"T": "yes"}, "callbacks['T'] must be aslsim.TaskSuccess"),
    ("callbacks", {"T": aslsim.TaskSuccess({1, 2})}, "callbacks['T']: the TaskSuccess output is not JSON"),
    ("machines", [1], "machines[0] must be a StateMachine"),
    ("machines", {"child": "x.asl.json"}, "machines['child'] must be a StateMachine"),
    ("machines", 5, "machines must map state machine names"),
    ("seed", "7", "seed must be an integer"),
    ("seed", 1.5, "seed must be an integer"),
    ("name", 5, "name must be a non-empty string"),
    ("region", "Mars", "region must be an AWS region name"),
    ("execution_type", "FAST", "execution_type must be STANDARD or EXPRESS"),
    ("mocks", [1], "mocks must be an object"),
    ("aws", "real", "aws must be 'moto'"),
])
def test_run_names_the_argument_it_cannot_use(machine, argument, value, message):
    with pytest.raises(aslsim.InputError) as caught:
        machine.run({}, **{"mocks": MOCKS, argument: value})
    assert message in str(caught.value)


def test_the_latest_start_time_still_runs(machine):
    execution = machine.run({}, mocks=MOCKS, start_time="9998-12-31T23:59:59Z")
    assert execution.status == "SUCCEEDED"
    assert execution.history[0]["timestamp"] == "9998-12-31T23:59:59.000Z"


def test_a_result_holding_a_set_is_a_definition_error_naming_the_field():
    with pytest.raises(aslsim.DefinitionError) as caught:
        aslsim.load({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"tags": {"a", "b"}}, "End": True}}})
    assert caught.value.state == "P" and caught.value.field == "Result/tags"
    assert "a set is not a JSON value" in str(caught.value)
