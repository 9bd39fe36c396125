"""The AWS history built from a given event log (engine.history.aws_events): field order, payload
texts, the details' shapes, and that the history is the caller's own (changing it changes no event)."""
from __future__ import annotations

import json

import pytest

from aslsim.engine.events import EventLog
from aslsim.engine.history import aws_events

START = 1_700_000_000_000


def _log(*events) -> EventLog:
    log = EventLog()
    for event_type, previous, details, ms in events:
        log.append(event_type, previous, details, ms)
    return log


def test_a_state_entered_and_exited_with_one_payload_object():
    data = {"name": "café", "items": [1, 2.5, None, True], "nested": {"k": "v"}}
    log = _log(("ExecutionStarted", 0, {"input": data, "roleArn": "arn:role"}, START),
               ("PassStateEntered", 1, {"name": "First", "input": data}, START),
               ("PassStateExited", 2, {"name": "First", "output": data}, START + 1500),
               ("ExecutionSucceeded", 3, {"output": data}, START + 1500))
    text = '{"name":"café","items":[1,2.5,null,true],"nested":{"k":"v"}}'
    assert aws_events(log) == [
        {"timestamp": "2023-11-14T22:13:20.000Z", "type": "ExecutionStarted", "id": 1, "previousEventId": 0,
         "executionStartedEventDetails": {"input": text, "inputDetails": {"truncated": False},
                                          "roleArn": "arn:role"}},
        {"timestamp": "2023-11-14T22:13:20.000Z", "type": "PassStateEntered", "id": 2, "previousEventId": 1,
         "stateEnteredEventDetails": {"name": "First", "input": text, "inputDetails": {"truncated": False}}},
        {"timestamp": "2023-11-14T22:13:21.500Z", "type": "PassStateExited", "id": 3, "previousEventId": 2,
         "stateExitedEventDetails": {"name": "First", "output": text, "outputDetails": {"truncated": False}}},
        {"timestamp": "2023-11-14T22:13:21.500Z", "type": "ExecutionSucceeded", "id": 4, "previousEventId": 3,
         "executionSucceededEventDetails": {"output": text, "outputDetails": {"truncated": False}}},
    ]


def test_field_order_is_awss_for_a_state_and_the_details_order_otherwise():
    # a state's {name, input} in another order is rendered in AWS's order; other shapes as given
    log = _log(("PassStateEntered", 0, {"input": "x", "name": "A"}, START),
               ("PassStateExited", 1, {"name": "A", "output": [], "assignedVariables": {"v": {"a": 1}}},
                START),
               ("TaskScheduled", 2, {"resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
                                     "parameters": {"FunctionName": "f"}}, START),
               ("ActivityScheduled", 3, {"resource": "arn:activity", "input": {"a": 1}}, START))
    first, second, third, fourth = aws_events(log)
    assert json.dumps(first["stateEnteredEventDetails"]) == (
        '{"name": "A", "input": "\\"x\\"", "inputDetails": {"truncated": false}}')
    assert list(second["stateExitedEventDetails"]) == [
        "name", "output", "outputDetails", "assignedVariables", "assignedVariablesDetails"]
    assert second["stateExitedEventDetails"]["assignedVariables"] == {"v": '{"a":1}'}
    assert third["taskScheduledEventDetails"] == {
        "resourceType": "lambda", "resource": "invoke", "region": "us-east-1",
        "parameters": '{"FunctionName":"f"}'}
    assert fourth["activityScheduledEventDetails"] == {
        "resource": "arn:activity", "input": '{"a":1}', "inputDetails": {"truncated": False}}


def test_a_null_payload_is_the_text_null_first_and_after_others():
    log = _log(("PassStateEntered", 0, {"name": "A", "input": None}, START),
               ("PassStateExited", 1, {"name": "A", "output": {"a": None}}, START),
               ("PassStateEntered", 2, {"name": "B", "input": None}, START),
               ("PassStateExited", 3, {"name": "B", "output": None}, START))
    entered_a, exited_a, entered_b, exited_b = aws_events(log)
    assert entered_a["stateEnteredEventDetails"]["input"] == "null"
    assert exited_a["stateExitedEventDetails"]["output"] == '{"a":null}'
    assert entered_b["stateEnteredEventDetails"]["input"] == "null"
    assert exited_b["stateExitedEventDetails"]["output"] == "null"


def test_an_absent_error_or_cause_is_left_out():
    log = _log(("TaskFailed", 0, {"resourceType": "lambda", "resource": "invoke", "error": "E",
                                  "cause": ""}, START),
               ("ExecutionFailed", 1, {"error": None, "cause": None}, START))
    failed, ended = aws_events(log)
    assert failed["taskFailedEventDetails"] == {"resourceType": "lambda", "resource": "invoke", "error": "E"}
    assert ended["executionFailedEventDetails"] == {}


def test_equal_payloads_that_are_different_objects_each_get_their_text():
    log = _log(("PassStateEntered", 0, {"name": "A", "input": {"n": 1}}, START),
               ("PassStateExited", 1, {"name": "A", "output": {"n": 2}}, START),
               ("PassStateEntered", 2, {"name": "B", "input": {"n": 2}}, START))
    texts = [e[k]["input" if "input" in e[k] else "output"]
             for e in aws_events(log) for k in e if k.endswith("EventDetails")]
    assert texts == ['{"n":1}', '{"n":2}', '{"n":2}']


def test_the_history_is_the_callers_own():
    details = {"index": 0, "name": "Each"}
    log = _log(("MapIterationStarted", 0, details, START), ("ExecutionAborted", 1, None, START))
    history = aws_events(log)
    history[0]["mapIterationStartedEventDetails"]["index"] = 99
    assert details == {"index": 0, "name": "Each"}
    assert log.typed()[0].details == {"index": 0, "name": "Each"}
    assert aws_events(log)[0]["mapIterationStartedEventDetails"] == {"index": 0, "name": "Each"}
    assert history[1] == {"timestamp": "2023-11-14T22:13:20.000Z", "type": "ExecutionAborted", "id": 2,
                          "previousEventId": 1}


def test_the_collector_is_left_as_the_caller_had_it():
    import gc
    log = _log(("PassStateEntered", 0, {"name": "A", "input": {"tiny": 1e-05}}, START),
               ("PassStateExited", 1, {"name": "A", "output": {"n": 2 ** 70}}, START + 1))
    assert gc.isenabled()
    events = aws_events(log)
    assert gc.isenabled()
    assert events[0]["stateEnteredEventDetails"]["input"] == '{"tiny":1e-05}'
    assert events[1]["stateExitedEventDetails"]["output"] == '{"n":1180591620717411303424}'
    gc.disable()
    try:
        aws_events(log)
        assert not gc.isenabled()
    finally:
        gc.enable()
    broken = _log(("PassStateEntered", 0, {"name": "A", "input": {1, 2}}, START))   # not JSON
    with pytest.raises(TypeError):
        aws_events(broken)
    assert gc.isenabled()
