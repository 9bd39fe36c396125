"""One-time scheduled events (/work/shared/workflows/one-time-scheduler.md), against moto's S3.

One execution per event: a Wait until the event's ``timestamp``, then
``aws-sdk:s3:putObject`` of its ``content`` to the target ``bucket`` and ``key`` (which, as in
the S3-based library the description starts from, triggers the real work). Cancelling is
StopExecution: ``machine.run(..., stop_after=seconds)`` stops the execution that many virtual
seconds after it started.

Two definitions, run by every behaviour test:
* statemachines/one_time_scheduler.asl.json: JSONPath, Wait ``TimestampPath``;
* statemachines/one_time_scheduler_jsonata.asl.json: JSONata, Wait ``Timestamp`` as ``{% %}``.

The S3 bucket is moto's, inside ``moto.mock_aws()``; the test reads the target object back with
boto3. As AWS does (recorded: conformance ``test_s3_put_object[str|dict]``), the SDK integration
stores the Body as its JSON text: an object as compact JSON, a string in quotes.

The virtual clock starts at 2025-01-01T00:00:00Z; the fixture's event is due at 09:30:00Z. moto's
calls take no virtual time, so the write happens at the very millisecond the Wait ends.
"""
import hashlib
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

moto = pytest.importorskip("moto")
boto3 = pytest.importorskip("boto3")

import aslsim  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = {
    "jsonpath": ROOT / "statemachines" / "one_time_scheduler.asl.json",
    "jsonata": ROOT / "statemachines" / "one_time_scheduler_jsonata.asl.json",
}
FIXTURES = ROOT / "fixtures" / "one_time_scheduler"

WAIT = "Wait until the scheduled time"
WRITE = "Write the content to the target"
PUT_OBJECT_ARN = "arn:aws:states:::aws-sdk:s3:putObject"
PATH = [WAIT, WRITE]

START = datetime(2025, 1, 1, tzinfo=timezone.utc)      # aslsim's default virtual start
START_MS = 1735689600000
SCHEDULED_MS = 1735723800000                            # 2025-01-01T09:30:00Z
SCHEDULED_S = (SCHEDULED_MS - START_MS) // 1000         # 34,200 s: nine and a half hours

BUCKET, KEY = "s3-bucket", "s3_files-important"


def fixture(name):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


EVENT = fixture("input.json")
STORED = json.dumps(EVENT["content"], separators=(",", ":")).encode("utf-8")


def events_of(ex, event_type):
    return [e for e in ex.history if e["type"] == event_type]


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module", params=sorted(DEFINITIONS))
def machine(request):
    return aslsim.load(str(DEFINITIONS[request.param]))


@pytest.fixture
def s3():
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def keys_in(s3, bucket=BUCKET):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def timestamp_error(machine, shown):
    """(error, cause) of a Wait given a timestamp AWS cannot parse, worded as AWS words it
    (recorded: test_wait_timestamp_path[...] and test_wait_timestamp_jsonata[...])."""
    prefix = f"An error occurred while executing the state '{WAIT}' (entered at the event id #2). "
    if machine.definition.get("QueryLanguage") == "JSONata":
        return ("States.QueryEvaluationError", prefix + "The Timestamp field cannot be parsed as "
                f"an ISO-8601 extended offset date-time format string: {shown}")
    return ("States.Runtime", prefix + "The TimestampPath parameter does not reference a valid "
            f"ISO-8601 extended offset date-time format string: $.timestamp == {shown}")


# -- the definitions ---------------------------------------------------------------------------

def test_jsonpath_definition_waits_on_the_inputs_timestamp_then_puts_the_object():
    states = aslsim.load(str(DEFINITIONS["jsonpath"])).definition["States"]
    assert states[WAIT] == {"Type": "Wait", "TimestampPath": "$.timestamp", "Next": WRITE}
    assert states[WRITE]["Resource"] == PUT_OBJECT_ARN
    assert states[WRITE]["Parameters"] == {"Bucket.$": "$.bucket", "Key.$": "$.key",
                                           "Body.$": "$.content"}


def test_jsonata_definition_waits_on_a_timestamp_expression_then_puts_the_object():
    definition = aslsim.load(str(DEFINITIONS["jsonata"])).definition
    states = definition["States"]
    assert definition["QueryLanguage"] == "JSONata"
    assert states[WAIT] == {"Type": "Wait", "Timestamp": "{% $states.input.timestamp %}",
                            "Next": WRITE}
    assert states[WRITE]["Resource"] == PUT_OBJECT_ARN
    assert states[WRITE]["Arguments"] == {"Bucket": "{% $states.input.bucket %}",
                                          "Key": "{% $states.input.key %}",
                                          "Body": "{% $states.input.content %}"}


# -- the object appears exactly at the scheduled time ---------------------------------------------

def test_content_is_written_to_the_target_bucket_and_key(machine, s3):
    ex = machine.run(EVENT, aws="moto")

    assert ex.status == "SUCCEEDED"
    assert ex.path == PATH
    body = s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    assert body == STORED == (b'{"event":"files-important","files":["reports/2024-12.csv",'
                              b'"reports/2024-12-summary.pdf"]}')
    assert keys_in(s3) == [KEY]


def test_output_is_the_event_with_the_etag_of_the_object_written(machine, s3):
    ex = machine.run(EVENT, aws="moto")
    etag = f'"{hashlib.md5(STORED).hexdigest()}"'
    assert ex.output == {**EVENT, "putObject": {"ETag": etag}}
    assert s3.head_object(Bucket=BUCKET, Key=KEY)["ETag"] == etag


def test_text_content_is_stored_in_quotes_as_the_sdk_integration_stores_it(machine, s3):
    ex = machine.run({**EVENT, "content": "run the nightly report"}, aws="moto")
    assert ex.status == "SUCCEEDED"
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == b'"run the nightly report"'


def test_object_is_written_exactly_at_the_scheduled_virtual_time(machine, s3):
    ex = machine.run(EVENT, aws="moto")

    [put] = ex.calls
    assert put["state"] == WRITE
    assert put["resource"] == PUT_OBJECT_ARN
    assert put["parameters"] == {"Bucket": BUCKET, "Key": KEY, "Body": EVENT["content"]}
    assert put["time"] == SCHEDULED_MS
    assert ex.stop_ms == SCHEDULED_MS


def test_history_shows_the_wait_ending_and_the_write_at_the_scheduled_time(machine, s3):
    ex = machine.run(EVENT, aws="moto")

    assert [(e["type"], e["timestamp"]) for e in ex.history] == [
        ("ExecutionStarted", "2025-01-01T00:00:00.000Z"),
        ("WaitStateEntered", "2025-01-01T00:00:00.000Z"),
        ("WaitStateExited", "2025-01-01T09:30:00.000Z"),
        ("TaskStateEntered", "2025-01-01T09:30:00.000Z"),
        ("TaskScheduled", "2025-01-01T09:30:00.000Z"),
        ("TaskStarted", "2025-01-01T09:30:00.000Z"),
        ("TaskSucceeded", "2025-01-01T09:30:00.000Z"),
        ("TaskStateExited", "2025-01-01T09:30:00.000Z"),
        ("ExecutionSucceeded", "2025-01-01T09:30:00.000Z"),
    ]
    scheduled = events_of(ex, "TaskScheduled")[0]["taskScheduledEventDetails"]
    assert (scheduled["resourceType"], scheduled["resource"]) == ("aws-sdk:s3", "putObject")
    assert json.loads(scheduled["parameters"]) == {"Bucket": BUCKET, "Key": KEY,
                                                   "Body": EVENT["content"]}


def test_object_is_absent_one_millisecond_before_the_scheduled_time(machine, s3):
    ex = machine.run(EVENT, aws="moto", stop_after=SCHEDULED_S - 0.001)

    assert ex.status == "ABORTED"
    assert ex.path == [WAIT]
    assert ex.calls == []
    assert ex.history[-1]["type"] == "ExecutionAborted"
    assert ex.history[-1]["timestamp"] == "2025-01-01T09:29:59.999Z"
    assert events_of(ex, "TaskScheduled") == []
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=BUCKET, Key=KEY)


def test_stopping_one_millisecond_after_the_scheduled_time_is_too_late(machine, s3):
    ex = machine.run(EVENT, aws="moto", stop_after=SCHEDULED_S + 0.001)

    assert ex.status == "SUCCEEDED"
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == STORED


def test_timestamp_with_an_offset_is_the_same_instant_in_utc(machine, s3):
    ex = machine.run({**EVENT, "timestamp": "2025-01-01T10:30:00+01:00"}, aws="moto")
    assert ex.calls[0]["time"] == SCHEDULED_MS
    assert keys_in(s3) == [KEY]


def test_timestamp_with_milliseconds_fires_at_that_millisecond(machine, s3):
    ex = machine.run({**EVENT, "timestamp": "2025-01-01T09:30:00.250Z"}, aws="moto")
    assert ex.calls[0]["time"] == SCHEDULED_MS + 250
    assert events_of(ex, "WaitStateExited")[0]["timestamp"] == "2025-01-01T09:30:00.250Z"


def test_schedule_follows_the_execution_start_time(machine, s3):
    ex = machine.run(EVENT, aws="moto", start_time="2025-01-01T09:00:00Z")
    assert ex.calls[0]["time"] == SCHEDULED_MS
    assert ex.stop_ms - ex.start_ms == 30 * 60 * 1000


# -- a timestamp in the past fires at once -------------------------------------------------------

@pytest.mark.parametrize("timestamp", ["2018-08-05T00:00:00Z", "2025-01-01T00:00:00Z"],
                         ids=["years ago", "the start instant"])
def test_timestamp_not_in_the_future_fires_at_once(machine, s3, timestamp):
    ex = machine.run({**EVENT, "timestamp": timestamp}, aws="moto")

    assert ex.status == "SUCCEEDED"
    assert ex.calls[0]["time"] == START_MS
    assert events_of(ex, "WaitStateExited")[0]["timestamp"] == "2025-01-01T00:00:00.000Z"
    assert ex.stop_ms == START_MS
    assert s3.get_object(Bucket=BUCKET, Key=KEY)["Body"].read() == STORED


# -- a malformed timestamp fails with AWS's error ---------------------------------------------------

MALFORMED = {
    "space instead of T": "2025-01-01 09:30:00Z",
    "no offset": "2025-01-01T09:30:00",
    "date only, as the library's keys": "2018-08-05",
    "hour 25": "2025-01-01T25:30:00Z",
}


@pytest.mark.parametrize("timestamp", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_timestamp_fails_the_wait_with_aws_error(machine, s3, timestamp):
    ex = machine.run({**EVENT, "timestamp": timestamp}, aws="moto")

    assert ex.status == "FAILED"
    assert (ex.error, ex.cause) == timestamp_error(machine, timestamp)
    assert ex.path == [WAIT]
    assert ex.calls == []
    assert ex.stop_ms == START_MS           # it fails at once, not at some later time
    assert ex.history[-1]["executionFailedEventDetails"] == {"error": ex.error, "cause": ex.cause}
    assert keys_in(s3) == []


def test_malformed_timestamp_in_jsonata_records_the_evaluation_failure(s3):
    ex = aslsim.load(str(DEFINITIONS["jsonata"])).run({**EVENT, "timestamp": "2018-08-05"},
                                                      aws="moto")
    [failed] = events_of(ex, "EvaluationFailed")
    assert failed["evaluationFailedEventDetails"] == {
        "error": "States.QueryEvaluationError",
        "cause": ex.cause,
        "location": "Timestamp",
        "state": WAIT,
    }


def test_malformed_timestamp_in_jsonpath_fails_without_evaluation_event(s3):
    ex = aslsim.load(str(DEFINITIONS["jsonpath"])).run({**EVENT, "timestamp": "2018-08-05"},
                                                       aws="moto")
    # recorded on AWS (test_wait_timestamp_path[...]): the failure follows the Wait's entry
    assert [(e["type"], e["id"], e["previousEventId"]) for e in ex.history] == [
        ("ExecutionStarted", 1, 0), ("WaitStateEntered", 2, 0), ("ExecutionFailed", 3, 2)]


def test_malformed_timestamp_in_jsonata_links_the_evaluation_failure_to_the_wait(s3):
    """Recorded on AWS (all four test_wait_timestamp_jsonata[...] histories): the Timestamp's
    EvaluationFailed follows the WaitStateEntered event (previousEventId 2)."""
    ex = aslsim.load(str(DEFINITIONS["jsonata"])).run({**EVENT, "timestamp": "2018-08-05"},
                                                      aws="moto")
    assert [(e["type"], e["id"], e["previousEventId"]) for e in ex.history] == [
        ("ExecutionStarted", 1, 0), ("WaitStateEntered", 2, 0),
        ("EvaluationFailed", 3, 2), ("ExecutionFailed", 4, 3)]


# -- cancelling: a stopped execution never writes -------------------------------------------------

def test_stopped_execution_never_writes_the_object(machine, s3):
    ex = machine.run(EVENT, aws="moto", stop_after=600)    # cancelled ten minutes after

    assert ex.status == "ABORTED"
    assert ex.output is None and ex.error is None and ex.cause is None
    assert ex.stop_ms == START_MS + 600_000
    assert [(e["type"], e["timestamp"]) for e in ex.history] == [
        ("ExecutionStarted", "2025-01-01T00:00:00.000Z"),
        ("WaitStateEntered", "2025-01-01T00:00:00.000Z"),
        ("ExecutionAborted", "2025-01-01T00:10:00.000Z"),
    ]
    assert ex.history[-1]["executionAbortedEventDetails"] == {}
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=BUCKET, Key=KEY)
    assert keys_in(s3) == []


def test_cancelling_one_event_leaves_the_others_to_fire(machine, s3):
    events = {name: {**EVENT, "key": name, "timestamp": f"2025-01-0{day}T09:30:00Z"}
              for day, name in enumerate(["monday", "tuesday", "wednesday"], start=2)}

    runs = {name: machine.run(event, aws="moto", stop_after=3600 if name == "tuesday" else None)
            for name, event in events.items()}

    assert {name: ex.status for name, ex in runs.items()} == {
        "monday": "SUCCEEDED", "tuesday": "ABORTED", "wednesday": "SUCCEEDED"}
    assert sorted(keys_in(s3)) == ["monday", "wednesday"]


# -- a thousand scheduled executions ----------------------------------------------------------------

def thousand_events():
    """A thousand events, one every eight hours across the year, each to its own key."""
    return [{**EVENT, "key": f"events/{n:04d}", "timestamp": iso(START + timedelta(hours=8 * (n + 1)))}
            for n in range(1000)]


def run_all(machine, events, **answerers):
    began = time.perf_counter()
    runs = [machine.run(event, **answerers) for event in events]
    return runs, time.perf_counter() - began


def assert_each_fired_on_schedule(runs, events):
    assert all(ex.status == "SUCCEEDED" for ex in runs)
    for ex, event in zip(runs, events):
        [put] = ex.calls
        assert put["parameters"]["Key"] == event["key"]
        assert put["time"] == START_MS + int(
            (datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")) - START)
            / timedelta(milliseconds=1))


def test_a_thousand_scheduled_executions_with_a_declared_mock_take_well_under_five_seconds(machine):
    events = thousand_events()
    runs, elapsed = run_all(machine, events, mocks=fixture("mocks.json"))

    assert_each_fired_on_schedule(runs, events)
    assert runs[-1].stop_ms - runs[-1].start_ms == 8000 * 3600 * 1000   # 333 virtual days
    print(f"\n{machine.name}: 1,000 scheduled executions, putObject mocked: {elapsed:.3f} s "
          f"real time ({elapsed:.2f} ms each)")
    assert elapsed < 5.0


def test_a_thousand_scheduled_executions_against_moto_write_a_thousand_objects(machine, s3):
    """Measured, not bounded: the figure depends on moto and botocore, and is printed."""
    events = thousand_events()
    runs, elapsed = run_all(machine, events, aws="moto")

    assert_each_fired_on_schedule(runs, events)
    assert sorted(keys_in(s3)) == [event["key"] for event in events]
    print(f"\n{machine.name}: 1,000 scheduled executions against moto's S3: {elapsed:.3f} s "
          f"real time ({elapsed:.2f} ms each)")
