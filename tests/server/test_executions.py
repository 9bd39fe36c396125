"""Executions over the API: start, describe, list, history, stop, sync (recorded shapes)."""
import json
from datetime import timedelta

import pytest

from conftest import error_of

WAIT_HOUR = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "Next": "P"},
                                        "P": {"Type": "Pass", "Result": {"done": True}, "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}


def test_an_execution_runs_at_once_on_virtual_time(sfn, create):
    arn = create(WAIT_HOUR, name="hourly")
    started = sfn.start_execution(stateMachineArn=arn, name="run-1", input='{"a": 1}')
    assert started["executionArn"] == "arn:aws:states:us-east-1:123456789012:execution:hourly:run-1"
    described = sfn.describe_execution(executionArn=started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    assert described["stopDate"] - described["startDate"] == timedelta(hours=1)
    assert described["startDate"] == started["startDate"]
    assert json.loads(described["output"]) == {"done": True}
    assert described["input"] == '{"a": 1}'
    assert (described["inputDetails"], described["outputDetails"]) == ({"included": True}, {"included": True})
    assert (described["redriveCount"], described["redriveStatus"], described["redriveStatusReason"]) == (
        0, "NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven")


def test_a_failed_execution_has_its_error_and_cause_and_can_be_redriven(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(FAIL))["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("FAILED", "Boom", "it broke")
    assert "output" not in described
    assert described["redriveStatus"] == "REDRIVABLE" and "redriveStatusReason" not in described


def test_an_execution_gets_a_uuid_name_when_none_is_given(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create())["executionArn"]
    name = execution.rsplit(":", 1)[1]
    assert len(name) == 36 and name.count("-") == 4


def test_a_name_used_by_a_closed_execution_is_refused_whatever_the_input(sfn, create):
    arn = create()
    first = sfn.start_execution(stateMachineArn=arn, name="once", input="{}")["executionArn"]
    assert error_of(sfn.start_execution, stateMachineArn=arn, name="once", input="{}") == (
        "ExecutionAlreadyExists", f"Execution Already Exists: '{first}'")


@pytest.mark.parametrize("text, message", [
    ("not json", "Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or "
                 "token 'null', 'true' or 'false')"),
    ("{'a': 1}", "Unexpected character (''' (code 39)): was expecting double-quote to start field name"),
    ("", "Invalid execution input."),
])
def test_an_input_that_is_not_json_is_refused_as_recorded(sfn, create, text, message):
    assert error_of(sfn.start_execution, stateMachineArn=create(), input=text) == (
        "InvalidExecutionInput", f"Invalid State Machine Execution Input: '{message}'")


@pytest.mark.parametrize("text", ["1", '"text"'])
def test_any_json_value_is_an_input(sfn, create, text):
    execution = sfn.start_execution(stateMachineArn=create({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "End": True}}}), input=text)["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["output"] == json.dumps(json.loads(text))


def test_a_null_input_is_null_and_no_input_is_an_empty_object(sfn, create):
    # the developer guide: any JSON value is state machine data, null too; without an input, {}
    arn = create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
    null = sfn.start_execution(stateMachineArn=arn, input="null")["executionArn"]
    described = sfn.describe_execution(executionArn=null)
    assert (described["input"], json.loads(described["output"])) == ("null", None)
    started = sfn.get_execution_history(executionArn=null)["events"][0]["executionStartedEventDetails"]
    assert started["input"] == "null"
    empty = sfn.describe_execution(executionArn=sfn.start_execution(stateMachineArn=arn)["executionArn"])
    assert (empty["input"], json.loads(empty["output"])) == ("{}", {})


def test_starting_a_missing_machine_or_describing_a_missing_execution_is_refused(sfn):
    machine = "arn:aws:states:us-east-1:123456789012:stateMachine:nope"
    assert error_of(sfn.start_execution, stateMachineArn=machine) == (
        "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{machine}'")
    execution = "arn:aws:states:us-east-1:123456789012:execution:nope:e"
    assert error_of(sfn.describe_execution, executionArn=execution) == (
        "ExecutionDoesNotExist", f"Execution Does Not Exist: '{execution}'")
    assert error_of(sfn.get_execution_history, executionArn="invalid")[0] == "InvalidArn"


def test_executions_are_listed_newest_first_in_pages_and_filtered_by_status(sfn, create):
    arn = create(WAIT_HOUR)
    names = [sfn.start_execution(stateMachineArn=arn, name=f"e{i:02d}")["executionArn"] for i in range(13)]
    first = sfn.list_executions(stateMachineArn=arn, maxResults=10)
    second = sfn.list_executions(stateMachineArn=arn, maxResults=10, nextToken=first["nextToken"])
    listed = [e["executionArn"] for e in first["executions"] + second["executions"]]
    assert listed == names[::-1]
    item = first["executions"][0]
    assert set(item) == {"executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate",
                         "redriveCount"}
    assert sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"] == []
    assert len(sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]) == 13
    assert sfn.list_executions(stateMachineArn=arn, redriveFilter="REDRIVEN")["executions"] == []


def test_list_executions_refuses_what_aws_refuses(sfn, create):
    arn = create()
    code, message = error_of(sfn.list_executions, stateMachineArn=arn, statusFilter="succeeded")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'succeeded' at 'statusFilter' failed "
                              "to satisfy constraint: Member must satisfy enum value set: [")
    assert error_of(sfn.list_executions, stateMachineArn="invalid_state_machine_arn") == (
        "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'")
    express = create(name="fast", type="EXPRESS")
    assert error_of(sfn.list_executions, stateMachineArn=express) == (
        "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")
    assert error_of(sfn.list_executions)[0] == "ValidationException"


def test_the_history_pages_forwards_and_backwards(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(WAIT_HOUR))["executionArn"]
    whole = sfn.get_execution_history(executionArn=execution)["events"]
    assert [e["type"] for e in whole] == ["ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                                          "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
    assert whole[0]["executionStartedEventDetails"]["roleArn"].endswith("role/aslsim-tests")
    pages, token = [], None
    while True:
        kwargs = {"nextToken": token} if token else {}
        page = sfn.get_execution_history(executionArn=execution, maxResults=4, reverseOrder=True, **kwargs)
        pages.append([e["id"] for e in page["events"]])
        token = page.get("nextToken")
        if not token:
            break
    assert pages == [[6, 5, 4, 3], [2, 1]]
    assert whole[-1]["timestamp"] - whole[0]["timestamp"] == timedelta(hours=1)


def test_the_history_without_execution_data_has_no_payloads(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(), input='{"secret": 1}')["executionArn"]
    events = sfn.get_execution_history(executionArn=execution, includeExecutionData=False)["events"]
    assert "input" not in events[0]["executionStartedEventDetails"]
    assert "output" not in events[-1]["executionSucceededEventDetails"]
    assert "secret" not in json.dumps(events, default=str)


def test_start_sync_execution_runs_an_express_machine_and_answers_its_outcome(sfn, create):
    arn = create(name="fast", type="EXPRESS")
    result = sfn.start_sync_execution(stateMachineArn=arn, name="now", input='{"x": 1}')
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == {"Arg1": "argument1"}
    assert result["executionArn"].startswith("arn:aws:states:us-east-1:123456789012:express:fast:now:")
    assert result["billingDetails"] == {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": 100}
    assert result["input"] == '{"x": 1}'
    failed = sfn.start_sync_execution(stateMachineArn=create(FAIL, name="fails", type="EXPRESS"))
    assert (failed["status"], failed["error"], failed["cause"]) == ("FAILED", "Boom", "it broke")


def test_start_sync_execution_of_a_standard_machine_is_not_supported(sfn, create):
    assert error_of(sfn.start_sync_execution, stateMachineArn=create()) == (
        "StateMachineTypeNotSupported", "This operation is not supported by this type of state machine")


def test_an_express_execution_is_not_described(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(name="fast", type="EXPRESS"))["executionArn"]
    assert ":express:fast:" in execution
    assert error_of(sfn.describe_execution, executionArn=execution) == (
        "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'")


def test_describe_state_machine_for_execution_shows_the_revision_it_ran(sfn, create):
    arn = create()
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(WAIT_HOUR))
    described = sfn.describe_state_machine_for_execution(executionArn=execution)
    assert json.loads(described["definition"])["StartAt"] == "P"
    assert set(described) - {"ResponseMetadata"} == {"stateMachineArn", "name", "definition", "roleArn",
                                                     "updateDate", "loggingConfiguration",
                                                     "tracingConfiguration"}


def test_stopping_an_ended_execution_keeps_its_outcome(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create())["executionArn"]
    stopped = sfn.stop_execution(executionArn=execution, error="Manual", cause="probe")
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED" and stopped["stopDate"] == described["stopDate"]


def test_test_state_answers_over_the_api(sfn):
    result = sfn.test_state(definition=json.dumps({"Type": "Pass", "Result": {"k": 1}, "Next": "Then"}),
                            input='{"a": 1}', inspectionLevel="DEBUG")
    assert (result["status"], result["nextState"], json.loads(result["output"])) == ("SUCCEEDED", "Then", {"k": 1})
    assert json.loads(result["inspectionData"]["result"]) == {"k": 1}
    code, message = error_of(sfn.test_state, definition=json.dumps({"Type": "Pass", "End": True}),
                             mock={"result": "{}"})
    assert (code, message) == ("ValidationException", "State type 'Pass' is not supported when a mock is specified")
    assert error_of(sfn.test_state, definition=json.dumps({"Type": "Pass", "End": True}), input="nope")[0] == \
        "InvalidExecutionInput"
