"""The mock API: keys by state, ARN or function name; callables; sequences; unused mocks;
task tokens and callbacks; nested executions run in aslsim."""
import json

import pytest

import aslsim
from helpers import task

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:checkSize"


def one_task(resource, **fields):
    return aslsim.load({"StartAt": "T", "States": {"T": task(resource, End=True, **fields)}})


def test_a_mock_keyed_by_resource_arn_answers_every_state_with_that_resource():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": task("arn:aws:states:::dynamodb:getItem", ResultPath="$.a", Next="B",
                  Parameters={"TableName": "t", "Key": {"id": {"S": "1"}}}),
        "B": task("arn:aws:states:::dynamodb:getItem", ResultPath="$.b", End=True,
                  Parameters={"TableName": "t", "Key": {"id": {"S": "2"}}})}})
    run = machine.run({}, mocks={"arn:aws:states:::dynamodb:getItem": {"return": {"Item": {}}}})
    assert run.output == {"a": {"Item": {}}, "b": {"Item": {}}}
    assert [c["state"] for c in run.calls] == ["A", "B"]


def test_a_mock_keyed_by_function_name_answers_a_plain_arn_and_lambda_invoke():
    machine = aslsim.load({"StartAt": "A", "States": {
        "A": task(LAMBDA_ARN, Next="B"),
        "B": task("arn:aws:states:::lambda:invoke", End=True,
                  Parameters={"FunctionName": LAMBDA_ARN + ":$LATEST", "Payload.$": "$"})}})
    run = machine.run({}, mocks={"checkSize": [{"return": 5}, {"return": {"Payload": 6}}]})
    assert run.output == {"Payload": 6}
    assert run.calls[1]["parameters"] == {"FunctionName": LAMBDA_ARN + ":$LATEST", "Payload": 5}


def test_the_state_name_wins_over_the_arn_and_the_function_name():
    machine = one_task(LAMBDA_ARN)
    run = machine.run({}, mocks={"checkSize": {"return": "by name"}, LAMBDA_ARN: {"return": "by arn"},
                                 "T": {"return": "by state"}})
    assert run.output == "by state"
    assert run.unused_mocks == ["checkSize", LAMBDA_ARN]


def test_a_callable_mock_receives_the_resolved_parameters_and_may_fail_the_task():
    seen = []

    def stop_session(parameters):
        seen.append(parameters)
        if len(seen) == 1:
            raise aslsim.ServiceError("Glue.IllegalSessionStateException", "still provisioning")
        return {"Id": parameters["Id"]}

    machine = one_task("arn:aws:states:::aws-sdk:glue:stopSession", Parameters={"Id.$": "$.id"},
                       Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5}])
    run = machine.run({"id": "s-1"}, mocks={"T": {"call": stop_session, "duration": 2}})
    assert run.output == {"Id": "s-1"}
    assert seen == [{"Id": "s-1"}, {"Id": "s-1"}]
    failed = [e for e in run.history if e["type"] == "TaskFailed"]
    assert failed[0]["taskFailedEventDetails"]["error"] == "Glue.IllegalSessionStateException"
    # 2 s call, 5 s backoff, 2 s call
    assert run.stop_ms - run.start_ms == 9000


def test_a_callable_taking_two_arguments_also_gets_the_call():
    def answer(parameters, call):
        return {"state": call.state, "attempt": call.attempt, "function": call.function_name}
    run = one_task(LAMBDA_ARN).run({}, mocks={"T": answer})
    assert run.output == {"state": "T", "attempt": 0, "function": "checkSize"}


def with_unreached_task(resource, name):
    """T, and a Task state ``name`` only a Choice the input never takes reaches."""
    return aslsim.load({"StartAt": "Which", "States": {
        "Which": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": True, "Next": name}],
                  "Default": "T"},
        "T": task(resource, End=True), name: task(resource, End=True)}})


def test_assert_all_mocks_used_names_what_was_never_called():
    run = with_unreached_task(LAMBDA_ARN, "Other").run(
        {}, mocks={"T": [{"return": 1}, {"return": 2}], "Other": {"return": 3}})
    with pytest.raises(AssertionError) as caught:
        run.assert_all_mocks_used()
    assert "Other" in str(caught.value) and "T (1 of 2 answers used)" in str(caught.value)


def test_nothing_answering_fails_with_states_runtime_listing_what_is_registered():
    run = with_unreached_task(LAMBDA_ARN, "Elsewhere").run({}, mocks={"Elsewhere": {"return": 1}})
    assert (run.status, run.error) == ("FAILED", "States.Runtime")
    assert "nothing answers the Task state 'T'" in run.cause and "'Elsewhere'" in run.cause


# -- .waitForTaskToken ---------------------------------------------------------------------------

SQS_WAIT = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def wait_machine(**fields):
    return one_task(SQS_WAIT, Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                    **fields)


def test_a_wait_for_task_token_gets_a_token_and_the_mock_answer_is_the_callback_output():
    run = wait_machine().run({}, mocks={"T": {"return": {"approved": True}, "duration": 3600}})
    token = run.calls[0]["parameters"]["MessageBody"]["token"]
    assert isinstance(token, str) and len(token) > 40
    assert run.calls[0]["task_token"] == token
    assert run.output == {"approved": True}
    assert run.stop_ms - run.start_ms == 3_600_000


def test_task_tokens_are_unique_per_attempt_and_the_same_on_every_rerun():
    machine = wait_machine(Retry=[{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1}])
    mocks = {"T": [{"throw": {"Error": "E"}}, {"return": 1}]}
    first, second = machine.run({}, mocks=mocks), machine.run({}, mocks=mocks)
    tokens = [c["task_token"] for c in first.calls]
    assert len(set(tokens)) == 2
    assert tokens == [c["task_token"] for c in second.calls]


def test_a_callback_later_than_heartbeat_seconds_without_heartbeats_times_out():
    run = wait_machine(HeartbeatSeconds=60).run({}, mocks={"T": {"return": 1, "duration": 120}})
    assert (run.status, run.error) == ("FAILED", "States.Timeout")
    assert run.stop_ms - run.start_ms == 60_000
    assert [e["type"] for e in run.history][-2] == "TaskTimedOut"


def test_heartbeats_keep_a_long_wait_alive():
    run = wait_machine(HeartbeatSeconds=60).run(
        {}, mocks={"T": {"return": 1, "duration": 600, "heartbeat_every": 30}})
    assert run.status == "SUCCEEDED"
    assert run.stop_ms - run.start_ms == 600_000


def test_timeout_seconds_still_bounds_a_wait_with_heartbeats():
    run = wait_machine(HeartbeatSeconds=60, TimeoutSeconds=300).run(
        {}, mocks={"T": {"return": 1, "duration": 600, "heartbeat_every": 30}})
    assert run.error == "States.Timeout" and run.stop_ms - run.start_ms == 300_000


def test_a_callable_may_answer_with_task_success_or_task_failure():
    ok = wait_machine().run({}, mocks={"T": lambda p: aslsim.TaskSuccess({"ok": 1}, after=10)})
    assert ok.output == {"ok": 1} and ok.stop_ms - ok.start_ms == 10_000
    bad = wait_machine().run({}, mocks={"T": lambda p: aslsim.TaskFailure("Rejected", "no")})
    assert (bad.error, bad.cause) == ("Rejected", "no")


# -- states:startExecution runs the child in aslsim -------------------------------------------------

CHILD = {"StartAt": "W", "States": {
    "W": {"Type": "Wait", "Seconds": 30, "Next": "P"},
    "P": {"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}}}
FAILING_CHILD = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "why"}}}


def parent(resource):
    return one_task(resource, Parameters={"StateMachineArn":
                                          "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
                                          "Input": {"n.$": "$.n"}, "Name": "kid"})


def test_start_execution_sync_runs_the_child_and_waits_for_it_on_virtual_time():
    child = aslsim.load(CHILD, name="Child")
    run = parent("arn:aws:states:::states:startExecution.sync").run({"n": 4}, machines=[child])
    assert run.status == "SUCCEEDED"
    assert run.output["Output"] == '{"doubled":8}' and run.output["Input"] == '{"n":4}'
    assert run.output["Status"] == "SUCCEEDED" and run.output["Name"] == "kid"
    assert run.output["ExecutionArn"].endswith(":execution:Child:kid")
    assert run.stop_ms - run.start_ms == 30_000
    assert "TaskSubmitted" in [e["type"] for e in run.history]


def test_start_execution_sync2_returns_json_values():
    child = aslsim.load(CHILD, name="Child")
    run = parent("arn:aws:states:::states:startExecution.sync:2").run({"n": 1}, machines={"Child": child})
    assert run.output["Output"] == {"doubled": 2} and run.output["Input"] == {"n": 1}


def test_a_failing_child_fails_the_task_with_states_task_failed_and_its_description():
    child = aslsim.load(FAILING_CHILD, name="Child")
    run = parent("arn:aws:states:::states:startExecution.sync").run({"n": 1}, machines=[child])
    assert run.error == "States.TaskFailed"
    cause = json.loads(run.cause)
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "Child.Broke", "why")


def test_request_response_start_execution_returns_the_arn_without_waiting():
    child = aslsim.load(CHILD, name="Child")
    run = parent("arn:aws:states:::states:startExecution").run({"n": 1}, machines=[child])
    assert set(run.output) == {"ExecutionArn", "StartDate"}
    assert run.stop_ms == run.start_ms


def test_children_share_the_parents_mocks():
    child = aslsim.load({"StartAt": "C", "States": {"C": task(LAMBDA_ARN, End=True)}}, name="Child")
    run = parent("arn:aws:states:::states:startExecution.sync:2").run(
        {"n": 1}, machines=[child], mocks={"checkSize": {"return": 42}})
    assert run.output["Output"] == 42


def test_a_callback_failure_without_error_or_cause_gives_nulls_to_the_catcher():
    machine = aslsim.load({"StartAt": "T", "States": {
        "T": task(SQS_WAIT, Parameters={"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                  Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught", "ResultPath": "$.error"}],
                  End=True),
        "Caught": {"Type": "Pass", "End": True}}})
    run = machine.run({}, mocks={"T": lambda p: aslsim.TaskFailure()})
    assert run.output == {"error": {"Error": None, "Cause": None}}


def test_one_answer_object_repeated_in_a_list_answers_each_of_its_places_in_order():
    throw = {"throw": {"Error": "Busy", "Cause": "try again"}}
    ok, other = {"return": "ok"}, {"return": "other"}
    machine = one_task(LAMBDA_ARN, Retry=[{"ErrorEquals": ["Busy"], "MaxAttempts": 5,
                                           "IntervalSeconds": 1}])
    mocks = {"T": [throw, throw, ok, throw, other]}
    assert machine.run({}, mocks=mocks).output == "ok"
    run = machine.run({}, mocks={"T": [throw] * 3 + [other] + [ok] * 2})
    assert run.output == "other" and len(run.calls) == 4
    assert run.unused_mocks == ["T (4 of 6 answers used)"]
