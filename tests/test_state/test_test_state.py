"""TestState offline: AWS's request and response (recorded: LocalStack's TestState snapshots,
validated against AWS), and agreement with the engine on the conformance definitions."""
import json

import pytest

import aslsim
from agreement import measure

IO_PASS = {"Type": "Pass", "InputPath": "$.initialData",
           "Parameters": {"staticValue": "some value", "inputValue.$": "$.fieldFromInput"},
           "ResultPath": "$.modifiedData", "End": True}
IO_INPUT = {"initialData": {"fieldFromInput": "value from input", "otherField": "other"},
            "unrelatedData": {"someOtherField": 1234}}
LAMBDA = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName": "f", "Payload.$": "$"},
          "Retry": [{"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 2, "IntervalSeconds": 3}],
          "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Handle", "ResultPath": "$.error"}],
          "Next": "After"}


def inspection(result):
    return {k: json.loads(v) if isinstance(v, str) else v for k, v in result.to_api()["inspectionData"].items()}


def test_test_state_agrees_with_the_engine_on_every_conformance_state_it_can_express():
    counts, mismatches = measure()
    assert mismatches == []
    assert counts["compared"] > 1000 and counts["agreed"] == counts["compared"]


def test_info_gives_status_output_and_next_state():
    result = aslsim.test_state(IO_PASS, IO_INPUT)
    assert result.to_api() == {"status": "SUCCEEDED", "output": json.dumps({
        **IO_INPUT, "modifiedData": {"staticValue": "some value", "inputValue": "value from input"}},
        separators=(",", ":"))}


def test_debug_shows_each_data_flow_stage_of_a_pass_state_as_recorded():
    data = inspection(aslsim.test_state(IO_PASS, IO_INPUT, inspection_level="DEBUG"))
    assert data == {"input": IO_INPUT, "afterInputPath": IO_INPUT["initialData"],
                    "afterParameters": {"staticValue": "some value", "inputValue": "value from input"},
                    "afterResultSelector": {"staticValue": "some value", "inputValue": "value from input"},
                    "afterResultPath": {**IO_INPUT, "modifiedData": {"staticValue": "some value",
                                                                     "inputValue": "value from input"}}}


def test_a_pass_state_with_a_result_shows_the_result_stages():
    data = inspection(aslsim.test_state({"Type": "Pass", "Result": {"resultKey": "result value"}, "End": True},
                                        {"Value": "HelloWorld"}, inspection_level="TRACE"))
    assert data == {"input": {"Value": "HelloWorld"}, "result": {"resultKey": "result value"},
                    "afterResultSelector": {"resultKey": "result value"},
                    "afterResultPath": {"resultKey": "result value"}}


def test_choice_fail_and_succeed_show_their_input_stages():
    choice = aslsim.test_state({"Type": "Choice", "Choices": [{"Variable": "$.value", "NumericGreaterThanEquals": 20,
                                                              "Next": "ValueInTwenties"}], "Default": "Other"},
                               {"type": "Private", "value": 22}, inspection_level="DEBUG")
    assert (choice.status, choice.next_state) == ("SUCCEEDED", "ValueInTwenties")
    assert inspection(choice) == {"input": {"type": "Private", "value": 22}, "afterInputPath": {"type": "Private", "value": 22}}
    failed = aslsim.test_state({"Type": "Fail", "Error": "SomeFailure", "Cause": "it failed"}, {"Value": 1},
                               inspection_level="DEBUG")
    assert failed.to_api() == {"status": "FAILED", "error": "SomeFailure", "cause": "it failed",
                               "inspectionData": {"input": '{"Value":1}', "afterInputPath": '{"Value":1}'}}


def test_a_mocked_task_result_flows_through_the_state():
    result = aslsim.test_state(LAMBDA, {"a": 1}, mock={"result": json.dumps({"Payload": {"ok": True}, "StatusCode": 200})},
                               inspection_level="DEBUG")
    assert (result.status, result.next_state, result.output) == ("SUCCEEDED", "After", {"Payload": {"ok": True},
                                                                                          "StatusCode": 200})
    assert inspection(result)["afterParameters"] == {"FunctionName": "f", "Payload": {"a": 1}}


def test_a_mocked_error_a_retrier_would_retry_is_retriable():
    result = aslsim.test_state(LAMBDA, {}, mock={"errorOutput": {"error": "Lambda.TooManyRequestsException",
                                                                 "cause": "slow down"}}, inspection_level="DEBUG")
    assert (result.status, result.error, result.cause) == ("RETRIABLE", "Lambda.TooManyRequestsException", "slow down")
    assert inspection(result)["errorDetails"] == {"retryIndex": 0, "retryBackoffIntervalSeconds": 3}


def test_once_the_retries_are_spent_the_catcher_takes_the_error():
    result = aslsim.test_state(LAMBDA, {"a": 1}, mock={"errorOutput": {"error": "Lambda.TooManyRequestsException",
                                                                       "cause": "slow down"}},
                               state_configuration={"retrierRetryCount": 2}, inspection_level="DEBUG")
    assert (result.status, result.next_state) == ("CAUGHT_ERROR", "Handle")
    assert result.output == {"a": 1, "error": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}}
    assert inspection(result)["errorDetails"] == {"catchIndex": 0}


def test_an_error_nothing_handles_fails_the_state():
    bare = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": True}
    result = aslsim.test_state(bare, {}, mock={"errorOutput": {"error": "Boom", "cause": "c"}})
    assert result.to_api() == {"status": "FAILED", "error": "Boom", "cause": "c"}


def test_a_whole_machine_with_a_state_name_and_variables():
    machine = {"QueryLanguage": "JSONata", "StartAt": "First", "States": {
        "First": {"Type": "Pass", "Assign": {"total": 1}, "Next": "Second"},
        "Second": {"Type": "Pass", "Output": {"sum": "{% $total + $states.input.n %}"}, "Assign": {"seen": True},
                   "End": True}}}
    result = aslsim.test_state(machine, {"n": 2}, state_name="Second", variables={"total": 40},
                               inspection_level="DEBUG")
    assert result.output == {"sum": 42} and result.next_state is None
    assert inspection(result)["variables"] == {"total": 40, "seen": True}
    assert aslsim.load(machine).test_state("Second", {"n": 2}, variables={"total": 1}).output == {"sum": 3}


@pytest.mark.parametrize("kind", ["Pass", "Fail", "Succeed"])
def test_states_that_take_no_mock_refuse_one(kind):
    body = {"Type": kind, **({"End": True} if kind == "Pass" else {})}
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(body, {}, mock={"result": "{}"})
    assert (info.value.code, str(info.value)) == (
        "ValidationException", f"State type '{kind}' is not supported when a mock is specified")


def test_map_and_parallel_need_a_mock_and_a_mock_of_their_shape():
    parallel = {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}]}
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(parallel, {})
    assert (info.value.code, str(info.value)) == (
        "InvalidDefinition", "TestState API does not support Map or Parallel states. Supported state types "
                             "include: [Task, Wait, Pass, Succeed, Fail, Choice]")
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(parallel, {}, mock={"result": "[1]"})
    assert str(info.value) == "Mocked result must contain the same number of items as number of Parallel branches."
    assert aslsim.test_state(parallel, {}, mock={"result": "[1, 2]"}).output == [1, 2]
    mapped = {"Type": "Map", "End": True, "MaxConcurrency": 1, "ItemProcessor": {
        "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}}
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(mapped, [1], mock={"result": "{}"})
    assert str(info.value) == "Mocked result must be an array."
    result = aslsim.test_state(mapped, [1, 2], mock={"result": "[1, 1]"}, inspection_level="DEBUG")
    assert result.output == [1, 1] and inspection(result)["maxConcurrency"] == 1


def test_map_iteration_failures_past_the_tolerated_count_fail_the_map():
    mapped = {"Type": "Map", "End": True, "ToleratedFailureCount": 1, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}}
    within = aslsim.test_state(mapped, [1, 2, 3], mock={"result": "[1, 1, 1]"},
                               state_configuration={"mapIterationFailureCount": 1})
    assert within.status == "SUCCEEDED"
    beyond = aslsim.test_state(mapped, [1, 2, 3], mock={"result": "[1, 1, 1]"},
                               state_configuration={"mapIterationFailureCount": 2})
    assert (beyond.status, beyond.error, beyond.cause) == (
        "FAILED", "States.ExceedToleratedFailureThreshold", "The specified tolerated failure threshold was exceeded")


def test_a_mock_with_both_result_and_error_is_refused():
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(LAMBDA, {}, mock={"result": "{}", "errorOutput": {"error": "E"}})
    assert str(info.value) == "A test mock should have only one of the following fields: [result, errorOutput]."


def test_a_mocked_result_is_checked_against_the_service_model_unless_told_not_to():
    events = {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
              "Parameters": {"Entries": [{"Detail": "d", "DetailType": "t", "Source": "s"}]}, "End": True}
    with pytest.raises(aslsim.TestStateError) as info:
        aslsim.test_state(events, {}, mock={"result": '{"Entries": "not a list"}'})
    assert str(info.value) == "Mock result schema validation error: Field 'Entries' must be an array"
    result = aslsim.test_state(events, {}, mock={"result": '{"Entries": "not a list"}', "fieldValidationMode": "NONE"})
    assert result.output == {"Entries": "not a list"}


def test_activities_and_callbacks_need_a_mock_and_answer_with_it():
    activity = {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:a", "End": True}
    with pytest.raises(aslsim.TestStateError):
        aslsim.test_state(activity, {})
    assert aslsim.test_state(activity, {}, mock={"result": '"done"'}).output == "done"


def test_the_context_object_can_be_given():
    result = aslsim.test_state({"Type": "Pass", "Parameters": {"token.$": "$$.Task.Token", "item.$": "$$.Map.Item.Value"},
                                "End": True}, {}, context={"Task": {"Token": "tok"}, "Map": {"Item": {"Index": 0, "Value": 7}}})
    assert result.output == {"token": "tok", "item": 7}
