"""The WordPress raw-to-bronze pipeline (/work/shared/workflows/wordpress-raw-to-bronze.md).

Every morning at 07:00 (EventBridge Scheduler cron ``0 7 * * ? *``, input ``{}``) two Lambdas
run in order through ``lambda:invoke``: ``data_wordpressapi_raw`` then
``data_wordpressapi_bronze``. Each has ``TimeoutSeconds: 120`` and a Catch of ``States.ALL``
with ``ResultPath: "$.Error"`` to ``PublishFailure``, an ``sns:publish`` whose ``Message`` has
no ``.$``: its text, ``$.Error`` included, is sent literally.

Two definitions:
* statemachines/wordpress_raw_to_bronze.asl.json, the fixed workflow (no OutputPath);
* statemachines/wordpress_raw_to_bronze_output_path.asl.json, the first version with the visual
  editor's default ``OutputPath: "$.Payload"``. The raw function returns nothing, so
  ``lambda:invoke`` answers with ``"Payload": null`` and the bronze state gets ``null`` as its
  input: AWS then fails the execution with States.Runtime.

The raw Lambda takes 38.5 s and the bronze one 12 s of virtual time; the clock starts at
2025-01-01T07:00:00Z, when the schedule fires.
"""
import json
from pathlib import Path

import pytest

import aslsim

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "wordpress_raw_to_bronze.asl.json"
OUTPUT_PATH_DEFINITION = ROOT / "statemachines" / "wordpress_raw_to_bronze_output_path.asl.json"
FIXTURES = ROOT / "fixtures" / "wordpress_raw_to_bronze"

START = "2025-01-01T07:00:00Z"
START_MS = 1735714800000
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
SNS_PUBLISH = "arn:aws:states:::sns:publish"
RAW_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_raw:$LATEST"
BRONZE_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:data_wordpressapi_bronze:$LATEST"
FAILURE_TOPIC = "arn:aws:sns:eu-west-1:123456789012:failure-stepfunction"
# exactly as written in the definition: no ".$", so "$.Error" is not substituted
LITERAL_MESSAGE = 'An error occurred in the state machine: { "error": "$.Error" }'

RUNTIME_CAUSE = ("An error occurred while executing the state 'data_wordpressapi_bronze' "
                 "(entered at the event id #7). Unable to apply Path transformation to null or "
                 "empty input.")

BOTH_LAMBDAS = ["data_wordpressapi_raw", "data_wordpressapi_bronze"]


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def events_of(ex, event_type):
    return [e for e in ex.history if e["type"] == event_type]


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(str(DEFINITION))


@pytest.fixture(scope="module")
def output_path_machine():
    return aslsim.load(str(OUTPUT_PATH_DEFINITION))


@pytest.fixture(scope="module")
def both_succeed(machine):
    return machine.run(fixture("input.json"), mocks=fixture("mocks.json"), start_time=START)


@pytest.fixture(scope="module")
def raw_fails(machine):
    return machine.run(fixture("input.json"), mocks=fixture("mocks_raw_fails.json"), start_time=START)


@pytest.fixture(scope="module")
def bronze_times_out(machine):
    return machine.run(fixture("input.json"), mocks=fixture("mocks_bronze_times_out.json"),
                       start_time=START)


@pytest.fixture(scope="module")
def with_output_path(output_path_machine):
    return output_path_machine.run(fixture("input.json"), mocks=fixture("mocks.json"),
                                   start_time=START)


# -- the definitions -----------------------------------------------------------------------------

def lambda_state(function_arn, **rest):
    return {"Type": "Task", "Resource": LAMBDA_INVOKE,
            "Parameters": {"Payload.$": "$", "FunctionName": function_arn},
            "TimeoutSeconds": 120,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.Error",
                       "Next": "PublishFailure"}],
            **rest}


PUBLISH_FAILURE = {"Type": "Task", "Resource": SNS_PUBLISH,
                   "Parameters": {"TopicArn": FAILURE_TOPIC, "Message": LITERAL_MESSAGE},
                   "TimeoutSeconds": 120, "End": True}


def test_definition_is_the_asl_built_on_aws(machine):
    assert machine.definition["StartAt"] == "data_wordpressapi_raw"
    assert machine.definition["States"] == {
        "data_wordpressapi_raw": lambda_state(RAW_ARN, Next="data_wordpressapi_bronze"),
        "data_wordpressapi_bronze": lambda_state(BRONZE_ARN, End=True),
        "PublishFailure": PUBLISH_FAILURE,
    }


def test_output_path_variant_differs_only_by_the_editor_default(output_path_machine):
    assert output_path_machine.definition["States"] == {
        "data_wordpressapi_raw": lambda_state(RAW_ARN, Next="data_wordpressapi_bronze",
                                              OutputPath="$.Payload"),
        "data_wordpressapi_bronze": lambda_state(BRONZE_ARN, End=True, OutputPath="$.Payload"),
        "PublishFailure": PUBLISH_FAILURE,
    }


def test_raw_mock_is_what_lambda_invoke_returns_for_a_function_returning_nothing():
    response = fixture("lambda_raw_returned_nothing.json")
    assert sorted(response) == ["ExecutedVersion", "Payload", "SdkHttpMetadata",
                                "SdkResponseMetadata", "StatusCode"]
    assert response["Payload"] is None  # Python's None is serialized as "null" by Lambda
    assert response["StatusCode"] == 200
    assert response["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"] == "4"  # "null"


# -- both succeed --------------------------------------------------------------------------------

def test_both_lambdas_run_in_order_and_succeed(both_succeed):
    ex = both_succeed
    assert ex.status == "SUCCEEDED"
    assert ex.error is None and ex.cause is None
    assert ex.path == BOTH_LAMBDAS
    # no OutputPath: the execution output is bronze's whole lambda:invoke response
    assert ex.output == fixture("lambda_bronze.json")
    ex.assert_all_mocks_used()


def test_each_lambda_gets_its_state_input_as_payload(both_succeed):
    raw, bronze = both_succeed.calls
    assert (raw["state"], raw["resource"]) == ("data_wordpressapi_raw", LAMBDA_INVOKE)
    assert raw["parameters"] == {"Payload": {}, "FunctionName": RAW_ARN}
    assert raw["result"] == fixture("lambda_raw_returned_nothing.json")
    assert (bronze["state"], bronze["resource"]) == ("data_wordpressapi_bronze", LAMBDA_INVOKE)
    # bronze receives raw's whole response, its null Payload included: nothing fails
    assert bronze["parameters"] == {"Payload": fixture("lambda_raw_returned_nothing.json"),
                                    "FunctionName": BRONZE_ARN}


def test_bronze_starts_only_once_the_raw_invocation_has_finished(both_succeed):
    raw, bronze = both_succeed.calls
    assert raw["time"] == START_MS
    assert bronze["time"] == START_MS + 38_500  # request-response waits for the function
    assert both_succeed.stop_date == "2025-01-01T07:00:50.500Z"


def test_history_when_both_succeed(both_succeed):
    events = both_succeed.history
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, 13))
    scheduled = events_of(both_succeed, "TaskScheduled")
    assert [e["taskScheduledEventDetails"]["timeoutInSeconds"] for e in scheduled] == [120, 120]
    assert [(e["taskScheduledEventDetails"]["resourceType"],
             e["taskScheduledEventDetails"]["resource"]) for e in scheduled] == [
        ("lambda", "invoke"), ("lambda", "invoke")]
    assert events[6]["stateEnteredEventDetails"]["name"] == "data_wordpressapi_bronze"
    assert events[6]["id"] == 7


# -- raw fails: bronze never runs; SNS gets the literal message -------------------------------------

def test_raw_failure_skips_bronze_and_publishes_the_failure(raw_fails):
    ex = raw_fails
    # the Catch handles the error and PublishFailure ends the execution: it succeeds
    assert ex.status == "SUCCEEDED"
    assert ex.path == ["data_wordpressapi_raw", "PublishFailure"]
    assert [c["state"] for c in ex.calls] == ["data_wordpressapi_raw", "PublishFailure"]
    assert ex.output == fixture("sns_publish_failure.json")
    ex.assert_all_mocks_used()


def test_sns_receives_the_message_text_literally(raw_fails):
    publish = raw_fails.calls[1]
    assert publish["resource"] == SNS_PUBLISH
    assert publish["parameters"] == {"TopicArn": FAILURE_TOPIC, "Message": LITERAL_MESSAGE}
    assert "HTTPError" not in publish["parameters"]["Message"]
    assert publish["time"] == START_MS + 4_200


def test_caught_error_is_kept_under_error_in_the_state_input(raw_fails):
    error = fixture("raw_error.json")
    assert raw_fails.calls[0]["error"] == "HTTPError"
    assert raw_fails.calls[0]["cause"] == error["Cause"]
    entered = [e for e in events_of(raw_fails, "TaskStateEntered")
               if e["stateEnteredEventDetails"]["name"] == "PublishFailure"][0]
    assert json.loads(entered["stateEnteredEventDetails"]["input"]) == {
        "Error": {"Error": "HTTPError", "Cause": error["Cause"]}}


def test_history_when_raw_fails(raw_fails):
    events = raw_fails.history
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert events[4]["taskFailedEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke",
        "error": "HTTPError", "cause": fixture("raw_error.json")["Cause"]}


# -- bronze times out ----------------------------------------------------------------------------

def test_bronze_running_longer_than_timeout_seconds_times_out(bronze_times_out):
    ex = bronze_times_out
    assert ex.status == "SUCCEEDED"  # caught, published
    assert ex.path == ["data_wordpressapi_raw", "data_wordpressapi_bronze", "PublishFailure"]
    bronze = ex.calls[1]
    assert bronze["state"] == "data_wordpressapi_bronze"
    assert bronze["error"] == "States.Timeout"
    assert "result" not in bronze
    assert bronze["time"] == START_MS + 38_500
    # the Task gives up at TimeoutSeconds, not when the 300 s function would have finished
    assert bronze["time_done"] == START_MS + 38_500 + 120_000
    assert ex.calls[2]["time"] == START_MS + 158_500
    assert ex.calls[2]["parameters"] == {"TopicArn": FAILURE_TOPIC, "Message": LITERAL_MESSAGE}


def test_timeout_is_recorded_and_caught_as_states_timeout(bronze_times_out):
    timed_out = events_of(bronze_times_out, "TaskTimedOut")
    assert len(timed_out) == 1
    details = timed_out[0]["taskTimedOutEventDetails"]
    assert (details["resourceType"], details["resource"], details["error"]) == (
        "lambda", "invoke", "States.Timeout")
    assert timed_out[0]["timestamp"] == "2025-01-01T07:02:38.500Z"
    entered = events_of(bronze_times_out, "TaskStateEntered")[-1]["stateEnteredEventDetails"]
    assert entered["name"] == "PublishFailure"
    publish_input = json.loads(entered["input"])
    # ResultPath $.Error merges the error into bronze's input, raw's whole response
    assert publish_input["Error"] == {"Error": "States.Timeout", "Cause": ""}
    assert publish_input["Payload"] is None
    assert publish_input["StatusCode"] == 200


# -- the OutputPath "$.Payload" version ----------------------------------------------------------

def test_output_path_turns_raws_empty_payload_into_a_null_input_for_bronze(with_output_path):
    events = with_output_path.history
    assert events[5]["type"] == "TaskStateExited"
    assert json.loads(events[5]["stateExitedEventDetails"]["output"]) is None
    entered = events[6]
    assert (entered["id"], entered["type"]) == (7, "TaskStateEntered")
    assert entered["stateEnteredEventDetails"]["name"] == "data_wordpressapi_bronze"
    assert entered["stateEnteredEventDetails"]["input"] == "null"


def test_output_path_variant_fails_with_aws_runtime_error_at_event_7(with_output_path):
    ex = with_output_path
    assert ex.status == "FAILED"
    assert ex.error == "States.Runtime"
    assert ex.cause == RUNTIME_CAUSE
    assert ex.path == BOTH_LAMBDAS
    # States.Runtime is not caught by States.ALL: no failure is published, bronze never invoked
    assert [c["state"] for c in ex.calls] == ["data_wordpressapi_raw"]
    assert [e["type"] for e in ex.history][-2:] == ["TaskStateEntered", "ExecutionFailed"]
    failed = ex.history[-1]
    assert (failed["id"], failed["previousEventId"]) == (8, 7)
    assert failed["executionFailedEventDetails"] == {"error": "States.Runtime",
                                                     "cause": RUNTIME_CAUSE}


def test_removing_output_path_fixes_it_with_the_same_mocks(machine):
    ex = machine.run(fixture("input.json"), mocks=fixture("mocks.json"), start_time=START)
    assert ex.status == "SUCCEEDED"
    assert ex.path == BOTH_LAMBDAS
    assert ex.calls[1]["parameters"]["Payload"]["Payload"] is None
