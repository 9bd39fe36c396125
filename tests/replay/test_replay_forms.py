"""Reading histories in every form people have them, and what the comparison follows: threads
that interleave, times, heartbeats, timeouts, a stop; and clear errors for unreadable input."""
import copy
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

import aslsim
from aslsim.cli import main
from aslsim.replaying import HistoryError, read_history
from aslsim.replaying.reading import read_time

START = "2024-05-01T12:00:00Z"

WAIT_AND_TASK = {
    "StartAt": "Wait", "States": {
        "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "End": True}}}

PARALLEL = {
    "StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A1", "States": {"A1": {"Type": "Pass", "Next": "A2"}, "A2": {"Type": "Pass", "End": True}}},
        {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Result": "b", "Next": "B2"},
                                     "B2": {"Type": "Pass", "End": True}}}]}}}

MAP = {"StartAt": "Each", "States": {"Each": {
    "Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Double", "States": {
        "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True}}}}}}


def recorded(definition, run_input=None, **run):
    """A history as AWS would give it for this run: aslsim's, with times moved by some latency."""
    execution = aslsim.load(definition).run(run_input, start_time=START, **run)
    events = copy.deepcopy(execution.history)
    for number, event in enumerate(events):
        seconds = read_time(event["timestamp"]) / 1000 + 0.012 * number
        event["timestamp"] = seconds
    return events


def interleave(events, first, second):
    """The events of two threads (lists of event ids) taken in turn, renumbered as AWS numbers."""
    by_id = {e["id"]: e for e in events}
    order = [i for i in range(1, len(events) + 1) if i not in first and i not in second]
    cut = order.index(min(first + second) - 1) + 1
    mixed = [x for pair in zip(first, second) for x in pair]
    order = order[:cut] + mixed + order[cut:]
    new_id = {old: new for new, old in enumerate(order, 1)}
    out = []
    for old in order:
        event = dict(by_id[old], id=new_id[old])
        event["previousEventId"] = new_id.get(event["previousEventId"], 0)
        out.append(event)
    return out


# -- forms ----------------------------------------------------------------------------------------

def test_the_cli_text_form_with_iso_times_pages_and_newest_first():
    events = recorded(WAIT_AND_TASK, {"n": 1}, mocks={"Charge": {"return": {"ok": True}, "duration": 3}})
    for event in events:
        event["timestamp"] = datetime.fromtimestamp(event["timestamp"], tz=timezone.utc).isoformat()
    pages = [{"events": list(reversed(events))[:4], "nextToken": "x"}, {"events": list(reversed(events))[3:]}]
    text = "\n".join(json.dumps(p) for p in pages)          # pages overlap by one event
    history = read_history(text)
    assert history.form == "text" and [e.id for e in history.events] == list(range(1, len(events) + 1))
    assert history.started.details["input"] == {"n": 1}
    result = aslsim.replay(WAIT_AND_TASK, text)
    result.assert_same()
    assert result.execution.start_date == "2024-05-01T12:00:00.000Z"


def test_epoch_seconds_and_python_printed_times_are_read():
    assert read_history([{"type": "ExecutionStarted", "id": 1, "timestamp": 1714564800.25,
                          "executionStartedEventDetails": {"input": "{}"}}]).started.time_ms == 1714564800250
    spaced = {"type": "ExecutionStarted", "id": 1, "timestamp": "2024-05-01 12:00:00.250000+00:00",
              "executionStartedEventDetails": {"input": "{}"}}
    assert read_history([spaced]).started.time_ms == 1714564800250


def test_the_parsed_form_with_placeholders_replays_as_same():
    events = recorded(WAIT_AND_TASK, {"n": 1}, mocks={"Charge": {"return": {"ok": True}}})
    for event in events:
        event["timestamp"] = "timestamp"
        for key, details in event.items():
            if key.endswith("EventDetails"):
                for field in ("input", "output", "parameters"):
                    if field in details:
                        details[field] = json.loads(details[field])
                if "roleArn" in details:
                    details["roleArn"] = "arn:<partition>:iam::111111111111:role/<resource:1>"
    history = read_history({"events": events})
    assert history.form == "parsed" and history.started.time_ms is None
    aslsim.replay(WAIT_AND_TASK, events, placeholders={"timestamp"}).assert_same()


# -- threads --------------------------------------------------------------------------------------

def test_parallel_branches_interleaved_otherwise_than_locally_are_each_compared_on_their_own():
    events = recorded(PARALLEL, {"x": 1})
    branch_a = [e["id"] for e in events if (e.get("stateEnteredEventDetails") or e.get("stateExitedEventDetails") or {}).get("name") in ("A1", "A2")]
    branch_b = [e["id"] for e in events if (e.get("stateEnteredEventDetails") or e.get("stateExitedEventDetails") or {}).get("name") in ("B1", "B2")]
    mixed = interleave(events, branch_a, branch_b)
    assert [e["type"] for e in mixed] != [e["type"] for e in events] or mixed != events
    result = aslsim.replay(PARALLEL, mixed)
    result.assert_same()
    assert result.threads == 3

    changed = copy.deepcopy(PARALLEL)
    changed["States"]["Fan"]["Branches"][1]["States"]["B1"]["Result"] = "c"
    divergence = aslsim.replay(changed, mixed).divergence
    assert divergence.where == "Parallel 'Fan' branch 2"
    assert divergence.recorded.type == "PassStateExited" and divergence.recorded.name == "B1"
    assert divergence.fields == [("stateExitedEventDetails.output", "b", "c")]
    assert divergence.trail == ["Fan", "[Parallel 'Fan' branch 2]", "B1"]


def test_map_iterations_are_followed_by_their_index():
    events = recorded(MAP, [1, 2, 3])
    assert aslsim.replay(MAP, events).same
    events[9]["stateExitedEventDetails"]["output"] = '{"v":5}'     # iteration 1 ran otherwise
    divergence = aslsim.replay(MAP, events).divergence
    assert divergence.where == "Map 'Each' iteration 1"
    assert divergence.fields == [("stateExitedEventDetails.output.v", 5, 4)]


# -- times, heartbeats, timeouts, stops ------------------------------------------------------------

def test_a_changed_wait_diverges_on_time_and_latency_does_not():
    events = recorded(WAIT_AND_TASK, {}, mocks={"Charge": {"return": 1}})
    aslsim.replay(WAIT_AND_TASK, events).assert_same()
    longer = copy.deepcopy(WAIT_AND_TASK)
    longer["States"]["Wait"]["Seconds"] = 60
    divergence = aslsim.replay(longer, events).divergence
    assert divergence.recorded.type == "WaitStateExited"
    assert divergence.fields[0][0] == "time since the thread's previous event"
    assert divergence.fields[0][1:] == ("10.012 s", "60 s")


CALLBACK = {"StartAt": "Approve", "States": {"Approve": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 60,
    "TimeoutSeconds": 3600, "Parameters": {"QueueUrl": "q", "MessageBody": {"Token.$": "$$.Task.Token"}},
    "End": True}}}


def test_a_callback_that_came_after_many_heartbeats_replays_with_them():
    answer = {"return": {"approved": True}, "submitted": {"MessageId": "m-1"}, "duration": 300,
              "heartbeat_every": 50}
    events = recorded(CALLBACK, {}, mocks={"Approve": answer})
    result = aslsim.replay(CALLBACK, events)
    result.assert_same()
    assert result.answers[0].answer.heartbeat_ms == 60000 and result.execution.status == "SUCCEEDED"


def test_a_heartbeat_timeout_replays_as_a_timeout():
    events = recorded(CALLBACK, {}, mocks={"Approve": {"return": {}, "submitted": {"MessageId": "m-1"}, "duration": 600}})
    assert [e["type"] for e in events][-2:] == ["TaskTimedOut", "ExecutionFailed"]
    result = aslsim.replay(CALLBACK, events)
    result.assert_same()
    assert result.execution.error == "States.Timeout"


def test_a_stopped_execution_stops_where_the_recording_stops():
    events = recorded(WAIT_AND_TASK, {}, stop_after=4)
    assert events[-1]["type"] == "ExecutionAborted"
    result = aslsim.replay(WAIT_AND_TASK, events)
    result.assert_same()
    assert result.execution.status == "ABORTED"


# -- unreadable input ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("{not json", "not JSON"),
    ('{"events": []}', "has no events"),
    ('{"events": [{"id": 1, "type": "PassStateEntered", "timestamp": 1}]}', "does not begin with ExecutionStarted"),
    ('{"events": [{"id": 1, "type": "ExecutionStarted", "timestamp": 1, "executionStartedEventDetails": {"input": "{}"}}]}'
     '{"events": [{"id": 1, "type": "ExecutionStarted", "timestamp": 2, "executionStartedEventDetails": {"input": "{}"}}]}',
     "two different events have the id 1"),
    ('{"events": [{"id": 1, "type": "ExecutionStarted", "timestamp": 1, "executionStartedEventDetails": {}}]}',
     "has no input"),
])
def test_an_unreadable_history_is_exit_2_naming_the_file(tmp_path, text, message):
    history = tmp_path / "history.json"
    history.write_text(text)
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps(WAIT_AND_TASK))
    out = CliRunner().invoke(main, ["replay", str(definition), str(history)])
    assert out.exit_code == 2, out.output
    assert str(history) in out.output and message in out.output
    with pytest.raises(HistoryError, match=message):
        aslsim.replay(WAIT_AND_TASK, history)


def test_a_missing_history_file_or_a_bad_definition_is_exit_2(tmp_path):
    definition = tmp_path / "m.asl.json"
    definition.write_text(json.dumps({"StartAt": "Nowhere", "States": {}}))
    out = CliRunner().invoke(main, ["replay", str(definition), str(tmp_path / "none.json")])
    assert out.exit_code == 2 and "Traceback" not in out.output
    definition.write_text(json.dumps(WAIT_AND_TASK))
    out = CliRunner().invoke(main, ["replay", str(definition), str(tmp_path / "none.json")])
    assert out.exit_code == 2 and "cannot read the history" in out.output


def test_a_stopped_execution_written_as_a_case_stops_there_too(tmp_path):
    from aslsim.testing.cases import read_cases
    definition = tmp_path / "wait.asl.json"
    definition.write_text(json.dumps(WAIT_AND_TASK))
    result = aslsim.replay(aslsim.load(definition), recorded(WAIT_AND_TASK, {}, stop_after=4))
    [case] = read_cases(result.write_case(tmp_path / "stopped.aslsim.yaml"))
    assert abs(case.run_options["stop_after"] - 4) < 0.1 and case.expect == {"status": "ABORTED", "path": ["Wait"]}
    case.check(case.run())


def test_a_case_file_needs_a_case_file_name(tmp_path):
    result = aslsim.replay(WAIT_AND_TASK, recorded(WAIT_AND_TASK, {}, mocks={"Charge": {"return": 1}}))
    with pytest.raises(aslsim.InputError, match="aslsim.yaml"):
        result.write_case(tmp_path / "case.yaml")
