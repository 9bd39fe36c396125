"""The Glue interactive session cost-control workflow (/work/shared/workflows/glue-session-stop.md).

EventBridge matches the CloudTrail record of a Glue ``CreateSession`` call and starts the workflow
with ``{"SessionId": ...}``. It waits ``WaitSeconds`` (an optional input field; 1800 s, 30 minutes,
when absent: a Choice on ``IsPresent`` and a Pass supply the default), stops the session through
the SDK integration ``aws-sdk:glue:stopSession`` (retried twice, 30 s then 60 s later) and emails
a confirmation with ``sns:publish``. There is no Catch: a failed execution is what the CloudWatch
alarm outside the workflow watches for.

Two definitions:
* statemachines/glue_session_stop.asl.json takes the input transformer's extract;
* statemachines/glue_session_stop_cloudtrail.asl.json takes the whole CloudTrail event and picks
  ``detail.requestParameters.id`` in a Pass, then runs the same states.

The virtual clock starts at 2025-01-01T00:00:00Z; StopSession takes 0.4 s (0.2 s when it fails)
and the SNS publish 0.1 s. The 30 minute Wait costs no real time.
"""
import json
import time
from pathlib import Path

import pytest

import aslsim

ROOT = Path(__file__).resolve().parents[2]
DEFINITION = ROOT / "statemachines" / "glue_session_stop.asl.json"
CLOUDTRAIL_DEFINITION = ROOT / "statemachines" / "glue_session_stop_cloudtrail.asl.json"
FIXTURES = ROOT / "fixtures" / "glue_session_stop"

SESSION_ID = "glue-studio-notebook-5c2e9a71-3d4b-4f6e-8a1c-2b3d4e5f6a7b"
STOP_SESSION_ARN = "arn:aws:states:::aws-sdk:glue:stopSession"
SNS_PUBLISH_ARN = "arn:aws:states:::sns:publish"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:glue-session-stopped"

START_MS = 1735689600000            # 2025-01-01T00:00:00Z, the default virtual start
THIRTY_MINUTES_MS = 30 * 60 * 1000

ILLEGAL_STATE = "Glue.IllegalSessionStateException"
PROVISIONING = "Session is in PROVISIONING status (Service: Glue, Status Code: 400, Request ID: null)"

DEFAULT_PATH = ["Is WaitSeconds given?", "Default WaitSeconds", "Wait before stopping",
                "StopSession", "Notify session stopped"]
GIVEN_WAIT_PATH = ["Is WaitSeconds given?", "Wait before stopping", "StopSession",
                   "Notify session stopped"]


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def events_of(ex, event_type):
    return [e for e in ex.history if e["type"] == event_type]


@pytest.fixture(scope="module")
def machine():
    return aslsim.load(str(DEFINITION))


@pytest.fixture(scope="module")
def cloudtrail_machine():
    return aslsim.load(str(CLOUDTRAIL_DEFINITION))


@pytest.fixture(scope="module")
def happy(machine):
    return machine.run(fixture("input.json"), mocks=fixture("mocks.json"))


@pytest.fixture(scope="module")
def always_provisioning(machine):
    return machine.run(fixture("input.json"), mocks=fixture("mocks_always_provisioning.json"))


# -- the definitions ---------------------------------------------------------------------------

def test_definition_stops_the_session_through_the_sdk_integration_with_two_retries(machine):
    states = machine.definition["States"]
    stop = states["StopSession"]
    assert stop["Resource"] == STOP_SESSION_ARN
    assert stop["Parameters"] == {"Id.$": "$.SessionId"}
    assert stop["Retry"] == [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 30,
                              "MaxAttempts": 2, "BackoffRate": 2}]
    assert "Catch" not in stop  # a failure must end the execution FAILED for the alarm
    assert states["Wait before stopping"]["SecondsPath"] == "$.WaitSeconds"
    assert states["Default WaitSeconds"]["Result"] == 1800
    assert states["Notify session stopped"]["Resource"] == SNS_PUBLISH_ARN


def test_cloudtrail_variant_adds_only_the_pass_that_picks_the_session_id(machine, cloudtrail_machine):
    variant = cloudtrail_machine.definition
    pick = variant["States"]["Pick the session id"]
    assert variant["StartAt"] == "Pick the session id"
    assert pick["Parameters"] == {"SessionId.$": "$.detail.requestParameters.id"}
    assert pick["Next"] == machine.definition["StartAt"]
    rest = {name: s for name, s in variant["States"].items() if name != "Pick the session id"}
    assert rest == machine.definition["States"]


# -- happy path: wait, stop, notify ---------------------------------------------------------------

def test_happy_path_waits_stops_and_notifies(happy):
    assert happy.status == "SUCCEEDED"
    assert happy.error is None and happy.cause is None
    assert happy.path == DEFAULT_PATH
    assert happy.output == fixture("sns_publish.json")  # the last Task's whole response
    happy.assert_all_mocks_used()


def test_stop_session_is_called_with_the_session_id_after_thirty_virtual_minutes(happy):
    stop = happy.calls[0]
    assert stop["state"] == "StopSession"
    assert stop["resource"] == STOP_SESSION_ARN
    assert stop["parameters"] == {"Id": SESSION_ID}
    assert stop["result"] == {"Id": SESSION_ID}
    assert stop["time"] == START_MS + THIRTY_MINUTES_MS
    assert "error" not in stop


def test_notification_names_the_session_and_the_wait(happy):
    notify = happy.calls[1]
    assert notify["state"] == "Notify session stopped"
    assert notify["resource"] == SNS_PUBLISH_ARN
    assert notify["parameters"] == {
        "TopicArn": TOPIC_ARN,
        "Subject": "Glue interactive session stopped",
        "Message": f"The Glue interactive session {SESSION_ID} was stopped 1800 seconds after "
                   "it was created.",
    }
    assert notify["time"] == START_MS + THIRTY_MINUTES_MS + 400  # after StopSession's 0.4 s


def test_thirty_minute_wait_costs_no_real_time(machine):
    began = time.perf_counter()
    ex = machine.run(fixture("input.json"), mocks=fixture("mocks.json"))
    elapsed = time.perf_counter() - began
    assert ex.status == "SUCCEEDED"
    assert ex.stop_ms - ex.start_ms == THIRTY_MINUTES_MS + 400 + 100
    assert ex.stop_date == "2025-01-01T00:30:00.500Z"
    assert elapsed < 2.0


def test_history_of_the_happy_path(happy):
    assert [e["type"] for e in happy.history] == [
        "ExecutionStarted",
        "ChoiceStateEntered", "ChoiceStateExited",
        "PassStateEntered", "PassStateExited",
        "WaitStateEntered", "WaitStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in happy.history] == list(range(1, 19))
    wait_entered, wait_exited = happy.history[5], happy.history[6]
    assert wait_entered["timestamp"] == "2025-01-01T00:00:00.000Z"
    assert wait_exited["timestamp"] == "2025-01-01T00:30:00.000Z"
    # the default was merged into the input before the Wait read it
    assert json.loads(wait_entered["stateEnteredEventDetails"]["input"]) == {
        "SessionId": SESSION_ID, "WaitSeconds": 1800}
    scheduled = happy.history[8]["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == ("aws-sdk:glue", "stopSession")
    assert json.loads(scheduled["parameters"]) == {"Id": SESSION_ID}
    # ResultPath $.StopSession keeps the session id for the notification
    stop_exited = happy.history[11]["stateExitedEventDetails"]
    assert json.loads(stop_exited["output"]) == {"SessionId": SESSION_ID, "WaitSeconds": 1800,
                                                 "StopSession": {"Id": SESSION_ID}}


# -- the wait duration from the input ---------------------------------------------------------

def test_wait_duration_is_taken_from_the_input(machine):
    ex = machine.run({"SessionId": SESSION_ID, "WaitSeconds": 1200}, mocks=fixture("mocks.json"))
    assert ex.status == "SUCCEEDED"
    assert ex.path == GIVEN_WAIT_PATH  # no default needed
    assert ex.calls[0]["state"] == "StopSession"
    assert ex.calls[0]["time"] == START_MS + 20 * 60 * 1000
    assert ex.calls[1]["parameters"]["Message"] == (
        f"The Glue interactive session {SESSION_ID} was stopped 1200 seconds after it was created.")


def test_zero_wait_seconds_is_honoured_not_replaced_by_the_default(machine):
    ex = machine.run({"SessionId": SESSION_ID, "WaitSeconds": 0}, mocks=fixture("mocks.json"))
    assert ex.path == GIVEN_WAIT_PATH
    assert ex.calls[0]["time"] == START_MS


def test_stop_session_virtual_time_follows_the_start_time(machine):
    ex = machine.run(fixture("input.json"), mocks=fixture("mocks.json"),
                     start_time="2025-03-14T09:26:53.589Z")
    assert ex.calls[0]["time"] == 1741944413589 + THIRTY_MINUTES_MS
    stop_scheduled = events_of(ex, "TaskScheduled")[0]
    assert stop_scheduled["timestamp"] == "2025-03-14T09:56:53.589Z"


# -- StopSession fails while the session is provisioning ------------------------------------------

def test_stop_session_fails_once_then_succeeds_on_retry(machine):
    ex = machine.run(fixture("input.json"), mocks=fixture("mocks_provisioning_then_stopped.json"))

    assert ex.status == "SUCCEEDED"
    assert ex.path == DEFAULT_PATH  # a retry enters no state again
    assert [c["state"] for c in ex.calls] == ["StopSession", "StopSession", "Notify session stopped"]
    first, second = ex.calls[0], ex.calls[1]
    assert first["error"] == ILLEGAL_STATE
    assert first["cause"] == PROVISIONING
    assert "result" not in first
    assert second["result"] == {"Id": SESSION_ID}
    # the first attempt takes 0.2 s, then IntervalSeconds (30 s) of virtual time
    assert first["time"] == START_MS + THIRTY_MINUTES_MS
    assert second["time"] == first["time"] + 200 + 30_000
    ex.assert_all_mocks_used()


def test_task_failed_event_is_worded_as_on_aws(machine):
    ex = machine.run(fixture("input.json"), mocks=fixture("mocks_provisioning_then_stopped.json"))
    failed = events_of(ex, "TaskFailed")
    assert len(failed) == 1
    assert failed[0]["taskFailedEventDetails"] == {
        "cause": PROVISIONING,
        "error": ILLEGAL_STATE,
        "resource": "stopSession",
        "resourceType": "aws-sdk:glue",
    }
    assert [e["type"] for e in ex.history[7:15]] == [
        "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited"]


def test_three_failures_fail_the_execution_with_the_glue_error(always_provisioning):
    ex = always_provisioning
    assert ex.status == "FAILED"
    assert ex.error == ILLEGAL_STATE
    assert ex.cause == PROVISIONING
    assert ex.output is None
    assert ex.path == DEFAULT_PATH[:4]  # never notifies
    assert [c["state"] for c in ex.calls] == ["StopSession"] * 3
    assert all(c["error"] == ILLEGAL_STATE and c["cause"] == PROVISIONING for c in ex.calls)


def test_retries_back_off_on_virtual_time(always_provisioning):
    times = [c["time"] for c in always_provisioning.calls]
    first = START_MS + THIRTY_MINUTES_MS
    # each attempt takes 0.2 s; then 30 s, then 30 s x BackoffRate 2 = 60 s
    assert times == [first, first + 200 + 30_000, first + 200 + 30_000 + 200 + 60_000]
    assert always_provisioning.stop_date == "2025-01-01T00:31:30.600Z"


def test_history_of_the_failed_execution(always_provisioning):
    events = always_provisioning.history
    assert [e["type"] for e in events[7:]] == [
        "TaskStateEntered",
        "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskScheduled", "TaskStarted", "TaskFailed",
        "TaskScheduled", "TaskStarted", "TaskFailed",
        "ExecutionFailed",
    ]
    assert [e["id"] for e in events] == list(range(1, 19))
    failed = events_of(always_provisioning, "TaskFailed")
    assert [e["id"] for e in failed] == [11, 14, 17]
    assert all(e["taskFailedEventDetails"] == {"cause": PROVISIONING, "error": ILLEGAL_STATE,
                                               "resource": "stopSession",
                                               "resourceType": "aws-sdk:glue"} for e in failed)
    assert [e["timestamp"] for e in events_of(always_provisioning, "TaskScheduled")] == [
        "2025-01-01T00:30:00.000Z", "2025-01-01T00:30:30.200Z", "2025-01-01T00:31:30.400Z"]
    assert events[-1]["id"] == 18
    assert events[-1]["previousEventId"] == 17
    assert events[-1]["executionFailedEventDetails"] == {"error": ILLEGAL_STATE,
                                                         "cause": PROVISIONING}


# -- the variant started with the whole CloudTrail event -------------------------------------------

def test_cloudtrail_event_variant_stops_the_session_named_in_the_request(cloudtrail_machine):
    event = fixture("cloudtrail_create_session.json")
    assert event["detail"]["eventName"] == "CreateSession"
    assert event["detail"]["requestParameters"]["id"] == SESSION_ID
    ex = cloudtrail_machine.run(event, mocks=fixture("mocks.json"))

    assert ex.status == "SUCCEEDED"
    assert ex.path == ["Pick the session id"] + DEFAULT_PATH
    assert ex.calls[0]["parameters"] == {"Id": SESSION_ID}
    assert ex.calls[0]["time"] == START_MS + THIRTY_MINUTES_MS
    pass_exited = events_of(ex, "PassStateExited")[0]["stateExitedEventDetails"]
    assert pass_exited["name"] == "Pick the session id"
    assert json.loads(pass_exited["output"]) == {"SessionId": SESSION_ID}


def test_cloudtrail_event_variant_fails_the_same_way(cloudtrail_machine):
    ex = cloudtrail_machine.run(fixture("cloudtrail_create_session.json"),
                                mocks=fixture("mocks_always_provisioning.json"))
    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == (ILLEGAL_STATE, PROVISIONING)
    assert len(ex.calls) == 3
