"""The car-lookup workflow (/work/shared/workflows/car-lookup-variables.md), end to end.

A Lambda (lambda:invoke) fetches UK car details for a registration number; JSONata ``Assign``
keeps them in workflow variables; a Choice checks ``$statusCode``; DynamoDB PutItem writes a typed
item and SNS announces it with ``$now()``. Any error is caught, published to a failure topic and
ends the execution FAILED with the caught error.

Tasks are answered by mocks with AWS's full response shapes (fixtures/car_lookup/). The virtual
clock starts at 2025-02-25T19:12:58Z (this module's ``aslsim_start_time``) and the mocks take
0.9 s (Lambda) and 0.252 s (DynamoDB), so the success message carries the very timestamp observed
on AWS, 2025-02-25T19:12:59.152Z. What DynamoDB and SNS really receive, read back with boto3
from moto, is tested in test_car_lookup_moto.py.

Two definitions are exercised:
* statemachines/car_lookup.asl.json, the workflow as described (numbers turned into strings
  with ``$string`` in Assign);
* ``before_string()`` below: the earlier version that produced the errors quoted from AWS, with
  no ``$string`` and an item of two attributes (the quoted Parameters text shows exactly
  ``make`` and ``yearOfManufacture``). Its Assign error is the one AWS quotes word for word.

Assign fields are listed with ``yearOfManufacture`` before ``make``: when the body is not an
object every field reading it is undefined, and AWS named 'Assign/yearOfManufacture'.
"""
import json
from datetime import datetime
from pathlib import Path

import pytest

import aslsim
from aslsim.testing import assert_called_with, calls_to, expect

DEFINITION = "statemachines/car_lookup.asl.json"
pytestmark = pytest.mark.aslsim_machine(DEFINITION)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "car_lookup"

START = "2025-02-25T19:12:58Z"
CAR_API_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:car-api:$LATEST"
SUCCESS_TOPIC = "arn:aws:sns:eu-west-1:123456789012:success-stepfunction"
FAILURE_TOPIC = "arn:aws:sns:eu-west-1:123456789012:failure-stepfunction"

HAPPY_PATH = ["Lambda Invoke", "Check API Status Code", "DynamoDB PutItem", "SNS Publish: Success"]
CAUGHT_PATH = ["Lambda Invoke", "SNS Publish: Fail", "Car Lookup Failed"]

FORD_PAYLOAD = {"statusCode": 200, "body": {
    "make": "FORD", "yearOfManufacture": 2014, "engineCapacity": 1242, "co2Emissions": 120,
    "fuelType": "PETROL", "markedForExport": False, "colour": "GREY"}}
THROTTLED_CAUSE = ("Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: "
                   "TooManyRequestsException; Request ID: 5d6e7f80-91a2-43b4-c5d6-e7f8091a2b3c; "
                   "Proxy: null)")

# The cause AWS gives, quoted in the workflow description (definition without $string).
AWS_QUOTED_CAUSE = (
    "An error occurred while executing the state 'Lambda Invoke' (entered at the event id #2). "
    "The JSONata expression '$states.result.Payload.body.yearOfManufacture' specified for the "
    "field 'Assign/yearOfManufacture' returned nothing (undefined).")
# The same error for the definition as described, whose field holds $string(...).
STRING_CAUSE = (
    "An error occurred while executing the state 'Lambda Invoke' (entered at the event id #2). "
    "The JSONata expression '$string($states.result.Payload.body.yearOfManufacture)' specified "
    "for the field 'Assign/yearOfManufacture' returned nothing (undefined).")


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def before_string():
    """The definition before $string was added: the version AWS's quoted errors came from."""
    definition = json.loads((ROOT / DEFINITION).read_text(encoding="utf-8"))
    states = definition["States"]
    states["Lambda Invoke"]["Assign"] = {
        "statusCode": "{% $states.result.Payload.statusCode %}",
        "yearOfManufacture": "{% $states.result.Payload.body.yearOfManufacture %}",
        "make": "{% $states.result.Payload.body.make %}",
    }
    states["DynamoDB PutItem"]["Arguments"]["Item"] = {
        "make": {"S": "{% $make %}"},
        "yearOfManufacture": {"N": "{% $yearOfManufacture %}"},
    }
    states["SNS Publish: Success"]["Arguments"]["Message"] = (
        "{% 'A ' & $yearOfManufacture & ' ' & $make & ' has been added to DynamoDB on ' & $now() %}")
    return definition


def epoch_ms(timestamp):
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)


def events_of(ex, event_type):
    return [e for e in ex.history if e["type"] == event_type]


@pytest.fixture
def aslsim_start_time():
    """Every aslsim_run of this module starts when the run observed on AWS started."""
    return START


@pytest.fixture(scope="module")
def early_machine():
    return aslsim.load(before_string())


# Runs that several tests read, once per module (aslsim_run is per test, load_machine is not).
@pytest.fixture(scope="module")
def ford(load_machine):
    return load_machine(DEFINITION).run(fixture("input_ford.json"), mocks=fixture("mocks.json"),
                                        start_time=START)


@pytest.fixture(scope="module")
def body_as_text(load_machine):
    return load_machine(DEFINITION).run(fixture("input_ford.json"),
                                        mocks=fixture("mocks_body_as_text.json"), start_time=START)


# -- the definition --------------------------------------------------------------------------

def test_definition_is_as_described(aslsim_machine):
    definition = aslsim_machine.definition
    states = definition["States"]
    assert definition["QueryLanguage"] == "JSONata"
    assert definition["StartAt"] == "Lambda Invoke"
    assert states["Lambda Invoke"]["Resource"] == "arn:aws:states:::lambda:invoke"
    assert states["Lambda Invoke"]["Arguments"] == {"FunctionName": CAR_API_ARN,
                                                    "Payload": "{% $states.input %}"}
    assert states["Lambda Invoke"]["Output"] == "{% $states.result.Payload %}"
    retry = [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3,
              "BackoffRate": 2, "JitterStrategy": "FULL"}]
    catch = [{"ErrorEquals": ["States.ALL"], "Next": "SNS Publish: Fail"}]
    for name in ("Lambda Invoke", "DynamoDB PutItem"):
        assert states[name]["Retry"] == retry
        assert states[name]["Catch"] == catch
    assert states["Check API Status Code"]["Choices"] == [
        {"Condition": "{% $statusCode = 200 %}", "Next": "DynamoDB PutItem"}]
    assert states["Check API Status Code"]["Default"] == "SNS Publish: Fail"
    assert states["DynamoDB PutItem"]["Resource"] == "arn:aws:states:::dynamodb:putItem"
    assert states["SNS Publish: Success"]["Resource"] == "arn:aws:states:::sns:publish"
    assert states["SNS Publish: Fail"]["Resource"] == "arn:aws:states:::sns:publish"
    assert states["Car Lookup Failed"]["Type"] == "Fail"


def test_mocks_answer_with_the_full_service_responses():
    mocks = fixture("mocks.json")
    lambda_response = fixture("lambda_ford.json")
    assert mocks["Lambda Invoke"]["return"] == lambda_response
    assert sorted(lambda_response) == ["ExecutedVersion", "Payload", "SdkHttpMetadata",
                                       "SdkResponseMetadata", "StatusCode"]
    assert lambda_response["Payload"] == FORD_PAYLOAD
    assert lambda_response["StatusCode"] == 200
    assert mocks["DynamoDB PutItem"]["return"] == fixture("dynamodb_put_item.json")
    assert sorted(fixture("dynamodb_put_item.json")) == ["SdkHttpMetadata", "SdkResponseMetadata"]
    assert mocks["SNS Publish: Success"]["return"] == fixture("sns_publish_success.json")
    assert fixture("mocks_body_as_text.json")["SNS Publish: Fail"]["return"] == fixture(
        "sns_publish_fail.json")
    assert sorted(fixture("sns_publish_fail.json")) == ["MessageId", "SdkHttpMetadata",
                                                        "SdkResponseMetadata"]


# -- the Ford lookup ---------------------------------------------------------------------------

def test_ford_lookup_succeeds_with_the_sns_publish_response_as_output(ford):
    # no Output on the last state: the execution output is the whole sns:publish response
    expect(ford).succeeded().output(fixture("sns_publish_success.json")).output_contains({
        "MessageId": "6f1c2b3a-4d5e-5f60-8a7b-9c0d1e2f3a4b",
        "SdkResponseMetadata": {"RequestId": "8a7b6c5d-4e3f-5a2b-9c1d-0e9f8a7b6c5d"}})
    assert ford.error is None and ford.cause is None


def test_ford_lookup_path(ford):
    expect(ford).path(HAPPY_PATH).calls(["Lambda Invoke", "DynamoDB PutItem", "SNS Publish: Success"])


def test_ford_lookup_variables(ford):
    expect(ford).variables({
        "statusCode": 200,
        "yearOfManufacture": "2014",
        "make": "FORD",
        "engineCapacity": "1242",
        "co2Emissions": "120",
        "fuelType": "PETROL",
        "markedForExport": False,
        "colour": "GREY",
    })


def test_ford_lookup_assigned_variables_in_history(ford):
    """StateExited carries assignedVariables as name -> JSON text; only Lambda Invoke assigns."""
    exited = [e for e in ford.history if e["type"].endswith("StateExited")]
    assert [e["stateExitedEventDetails"]["name"] for e in exited] == HAPPY_PATH
    details = exited[0]["stateExitedEventDetails"]
    assert details["assignedVariables"] == {
        "statusCode": "200",
        "yearOfManufacture": "\"2014\"",
        "make": "\"FORD\"",
        "engineCapacity": "\"1242\"",
        "co2Emissions": "\"120\"",
        "fuelType": "\"PETROL\"",
        "markedForExport": "false",
        "colour": "\"GREY\"",
    }
    assert details["assignedVariablesDetails"] == {"truncated": False}
    assert all("assignedVariables" not in e["stateExitedEventDetails"] for e in exited[1:])


def test_lambda_invoke_sends_the_execution_input_and_outputs_the_payload(ford):
    [call] = calls_to(ford, "car-api")    # the Lambda function named in FunctionName
    assert call["resource"] == "arn:aws:states:::lambda:invoke"
    assert call["parameters"] == {"FunctionName": CAR_API_ARN,
                                  "Payload": {"registrationNumber": "FD14GRY"}}
    exited = ford.history[5]
    assert exited["type"] == "TaskStateExited"
    assert json.loads(exited["stateExitedEventDetails"]["output"]) == FORD_PAYLOAD
    choice_entered = ford.history[6]
    assert choice_entered["type"] == "ChoiceStateEntered"
    assert json.loads(choice_entered["stateEnteredEventDetails"]["input"]) == FORD_PAYLOAD


def test_dynamodb_put_item_gets_typed_attributes_with_numbers_as_strings(ford):
    [call] = calls_to(ford, "arn:aws:states:::dynamodb:putItem")
    assert call["state"] == "DynamoDB PutItem"
    assert call["parameters"] == {
        "TableName": "cars",
        "Item": {
            "make": {"S": "FORD"},
            "yearOfManufacture": {"N": "2014"},
            "engineCapacity": {"N": "1242"},
            "co2Emissions": {"N": "120"},
            "fuelType": {"S": "PETROL"},
            "markedForExport": {"BOOL": False},
            "colour": {"S": "GREY"},
        },
    }


def test_sns_success_message_carries_now_from_the_virtual_clock(ford):
    [call] = calls_to(ford, "SNS Publish: Success")
    assert call["resource"] == "arn:aws:states:::sns:publish"
    assert call["parameters"] == {
        "TopicArn": SUCCESS_TOPIC,
        "Message": "A 2014 GREY FORD has been added to DynamoDB on 2025-02-25T19:12:59.152Z",
    }
    # the Lambda took 0.9 s and DynamoDB 0.252 s of virtual time
    expect(ford).call_time("SNS Publish: Success", 1.152)


def test_now_is_iso_8601_utc_with_milliseconds_from_the_start_time(aslsim_run):
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks.json"), start_time=None)
    assert_called_with(ex, "SNS Publish: Success",     # aslsim's default start, 2025-01-01
                       {"Message": "A 2014 GREY FORD has been added to DynamoDB on 2025-01-01T00:00:01.152Z"})
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks.json"),
                    start_time="2025-06-30T23:59:59.500Z")
    assert_called_with(ex, "SNS Publish: Success",
                       {"Message": "A 2014 GREY FORD has been added to DynamoDB on 2025-07-01T00:00:00.652Z"})


def test_ford_lookup_history(ford):
    assert [e["type"] for e in ford.history] == [
        "ExecutionStarted",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ChoiceStateEntered", "ChoiceStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ExecutionSucceeded",
    ]
    scheduled = events_of(ford, "TaskScheduled")
    assert [(e["taskScheduledEventDetails"]["resourceType"], e["taskScheduledEventDetails"]["resource"])
            for e in scheduled] == [("lambda", "invoke"), ("dynamodb", "putItem"), ("sns", "publish")]
    assert [e["timestamp"] for e in scheduled] == [
        "2025-02-25T19:12:58.000Z", "2025-02-25T19:12:58.900Z", "2025-02-25T19:12:59.152Z"]
    assert ford.history[-1]["timestamp"] == "2025-02-25T19:12:59.252Z"


def test_audi_lookup_succeeds(aslsim_run):
    ex = aslsim_run(fixture("input_audi.json"), mocks=fixture("mocks_audi.json"))
    (expect(ex).succeeded().path(HAPPY_PATH)
        .output_contains({"MessageId": "8b3c4d5e-6f70-5182-9cad-1e2f3a4b5c6d"}))
    [put] = calls_to(ex, "DynamoDB PutItem")
    assert put["parameters"] == {
        "TableName": "cars",
        "Item": {
            "make": {"S": "AUDI"},
            "yearOfManufacture": {"N": "2019"},
            "engineCapacity": {"N": "1968"},
            "co2Emissions": {"N": "134"},
            "fuelType": {"S": "DIESEL"},
            "markedForExport": {"BOOL": False},
            "colour": {"S": "BLACK"},
        },
    }
    expect(ex).called_with("SNS Publish: Success", {
        "Message": "A 2019 BLACK AUDI has been added to DynamoDB on 2025-02-25T19:12:59.152Z"})


def test_status_code_other_than_200_takes_the_choice_default(aslsim_run):
    """The body is complete, so Assign succeeds; the Condition is false and Default is taken."""
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks_status_not_200.json"))
    (expect(ex).failed("CarLookupFailed", "The car API answered with status code 203")
        .path(["Lambda Invoke", "Check API Status Code", "SNS Publish: Fail", "Car Lookup Failed"])
        .variable("statusCode", 203)
        .calls(["Lambda Invoke", "SNS Publish: Fail"]))
    [publish] = calls_to(ex, "SNS Publish: Fail")
    assert publish["parameters"] == {
        "TopicArn": FAILURE_TOPIC,
        "Message": '{"statusCode":203,"body":{"make":"FORD","yearOfManufacture":2014,'
                   '"engineCapacity":1242,"co2Emissions":120,"fuelType":"PETROL",'
                   '"markedForExport":false,"colour":"GREY"}}',
    }


# -- the Assign error: the body is not an object --------------------------------------------------

def test_body_as_text_fails_assign_and_is_caught(body_as_text):
    # the Choice never runs
    expect(body_as_text).failed("States.QueryEvaluationError", STRING_CAUSE).path(CAUGHT_PATH)
    assert body_as_text.history[-1]["type"] == "ExecutionFailed"
    assert body_as_text.history[-1]["executionFailedEventDetails"] == {
        "error": "States.QueryEvaluationError", "cause": STRING_CAUSE}


def test_body_as_text_assigns_no_variable(body_as_text):
    expect(body_as_text).variables({})
    exited = [e for e in body_as_text.history if e["type"].endswith("StateExited")]
    assert all("assignedVariables" not in e["stateExitedEventDetails"] for e in exited)


def test_body_as_text_records_evaluation_failed(body_as_text):
    """AWS's EvaluationFailed{error, cause, location, state} for a JSONata failure."""
    failed = events_of(body_as_text, "EvaluationFailed")
    assert failed, "no EvaluationFailed event was recorded"
    for event in failed:  # one per attempt, each after that attempt's TaskSucceeded
        assert event["evaluationFailedEventDetails"] == {
            "error": "States.QueryEvaluationError",
            "cause": STRING_CAUSE,
            "location": "Assign/yearOfManufacture",
            "state": "Lambda Invoke",
        }
    types = [e["type"] for e in body_as_text.history]
    assert types[1:6] == ["TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded",
                          "EvaluationFailed"]


def test_body_as_text_error_is_published_to_the_failure_topic(body_as_text):
    assert body_as_text.calls[-1]["state"] == "SNS Publish: Fail"
    assert body_as_text.calls[-1]["parameters"] == {
        "TopicArn": FAILURE_TOPIC,
        "Message": json.dumps({"Error": "States.QueryEvaluationError", "Cause": STRING_CAUSE},
                              separators=(",", ":")),
    }
    # the Catch passes {"Error", "Cause"} on as Lambda Invoke's output
    exited = [e for e in body_as_text.history if e["type"] == "TaskStateExited"][0]
    assert exited["stateExitedEventDetails"]["name"] == "Lambda Invoke"
    assert json.loads(exited["stateExitedEventDetails"]["output"]) == {
        "Error": "States.QueryEvaluationError", "Cause": STRING_CAUSE}


def test_assign_error_is_retried_by_the_states_all_retrier(body_as_text):
    """States.ALL matches States.QueryEvaluationError: three retries, then the Catch."""
    expect(body_as_text).called("Lambda Invoke", times=4)
    assert len(events_of(body_as_text, "EvaluationFailed")) == 4
    succeeded = [epoch_ms(e["timestamp"]) for e in events_of(body_as_text, "TaskSucceeded")][:4]
    scheduled = [epoch_ms(e["timestamp"]) for e in events_of(body_as_text, "TaskScheduled")][1:4]
    for n, (failed_at, retried_at) in enumerate(zip(succeeded, scheduled)):
        assert 0 <= retried_at - failed_at <= 1000 * 2 ** n


def test_invalid_registration_fails_assign_and_is_caught(aslsim_run):
    """The Lambda reports the API's error: statusCode 500 and the error as a JSON string body."""
    mocks = fixture("mocks_invalid_registration.json")
    assert mocks["Lambda Invoke"]["return"]["Payload"]["statusCode"] == 500
    ex = aslsim_run(fixture("input_invalid_registration.json"), mocks=mocks)
    expect(ex).failed("States.QueryEvaluationError", STRING_CAUSE).path(CAUGHT_PATH).variables({})


def test_missing_registration_fails_assign_and_is_caught(aslsim_run):
    """No input: the Lambda answers statusCode 400 and no body at all."""
    mocks = fixture("mocks_missing_registration.json")
    assert "body" not in mocks["Lambda Invoke"]["return"]["Payload"]
    ex = aslsim_run({}, mocks=mocks)
    expect(ex).failed("States.QueryEvaluationError", STRING_CAUSE).path(CAUGHT_PATH)
    assert ex.calls[0]["parameters"] == {"FunctionName": CAR_API_ARN, "Payload": {}}


# -- the errors quoted from AWS, on the definition that produced them ---------------------------

def test_before_string_body_as_text_gives_the_cause_aws_quotes(aslsim_run, early_machine):
    ex = aslsim_run(fixture("input_ford.json"), machine=early_machine,
                    mocks=fixture("mocks_body_as_text.json"))
    expect(ex).failed("States.QueryEvaluationError", AWS_QUOTED_CAUSE).path(CAUGHT_PATH)


def test_before_string_evaluation_failed_event(aslsim_run, early_machine):
    ex = aslsim_run(fixture("input_ford.json"), machine=early_machine,
                    mocks=fixture("mocks_body_as_text.json"))
    assert events_of(ex, "EvaluationFailed")[0]["evaluationFailedEventDetails"] == {
        "error": "States.QueryEvaluationError",
        "cause": AWS_QUOTED_CAUSE,
        "location": "Assign/yearOfManufacture",
        "state": "Lambda Invoke",
    }


def test_before_string_error_payload_gives_the_cause_aws_quotes(aslsim_run, early_machine):
    ex = aslsim_run(fixture("input_invalid_registration.json"), machine=early_machine,
                    mocks=fixture("mocks_invalid_registration.json"))
    expect(ex).failed("States.QueryEvaluationError", AWS_QUOTED_CAUSE).path(CAUGHT_PATH)


def test_before_string_missing_registration_gives_the_cause_aws_quotes(aslsim_run, early_machine):
    ex = aslsim_run({}, machine=early_machine, mocks=fixture("mocks_missing_registration.json"))
    expect(ex).failed("States.QueryEvaluationError", AWS_QUOTED_CAUSE).path(CAUGHT_PATH)


# -- Retry with backoff and full jitter, on virtual time ------------------------------------------

def retry_delays(ex):
    """Milliseconds between each failed Lambda attempt and the next attempt's TaskScheduled."""
    events = ex.history
    delays = []
    for i, event in enumerate(events):
        if event["type"] == "TaskFailed":
            following = next(e for e in events[i + 1:] if e["type"] in ("TaskScheduled", "TaskStateExited"))
            if following["type"] == "TaskScheduled":
                delays.append(epoch_ms(following["timestamp"]) - epoch_ms(event["timestamp"]))
    return delays


def retry_timestamps(run, seed):
    ex = run(fixture("input_ford.json"), mocks=fixture("mocks_lambda_throttled.json"), seed=seed)
    return [e["timestamp"] for e in ex.history if e["type"] in ("TaskScheduled", "TaskFailed")]


def test_throttled_lambda_is_retried_then_succeeds(aslsim_run):
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks_lambda_throttled.json"))
    # a retry is no new visit of the state
    (expect(ex).succeeded().path(HAPPY_PATH)
        .calls(["Lambda Invoke"] * 4 + ["DynamoDB PutItem", "SNS Publish: Success"]))
    assert [c.get("error") for c in ex.calls[:4]] == ["Lambda.TooManyRequestsException"] * 3 + [None]
    lambda_events = [e["type"] for e in ex.history[1:17]]
    assert lambda_events == ["TaskStateEntered"] + [
        "TaskScheduled", "TaskStarted", "TaskFailed"] * 3 + [
        "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ChoiceStateEntered",
        "ChoiceStateExited"]
    assert events_of(ex, "TaskFailed")[0]["taskFailedEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke",
        "error": "Lambda.TooManyRequestsException", "cause": THROTTLED_CAUSE}


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 42])
def test_retry_delays_lie_within_the_full_jitter_windows(aslsim_run, seed):
    """FULL jitter: retry n waits uniformly in [0, IntervalSeconds * BackoffRate^n] = [0, 2^n s]."""
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks_lambda_throttled.json"), seed=seed)
    delays = retry_delays(ex)
    assert len(delays) == 3
    for n, delay in enumerate(delays):
        assert 0 <= delay <= 1000 * 2 ** n, (n, delay)


def test_retry_timestamps_are_identical_for_the_same_seed(aslsim_run):
    assert retry_timestamps(aslsim_run, 7) == retry_timestamps(aslsim_run, 7)


def test_retry_timestamps_differ_for_another_seed(aslsim_run):
    assert retry_timestamps(aslsim_run, 7) != retry_timestamps(aslsim_run, 8)


def test_retries_exhausted_go_to_the_catch(aslsim_run):
    ex = aslsim_run(fixture("input_ford.json"), mocks=fixture("mocks_lambda_down.json"))
    (expect(ex).failed("Lambda.TooManyRequestsException", THROTTLED_CAUSE).path(CAUGHT_PATH)
        .calls(["Lambda Invoke"] * 4 + ["SNS Publish: Fail"]))
    assert len(retry_delays(ex)) == 3
