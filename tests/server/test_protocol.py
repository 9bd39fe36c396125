"""The wire: AWS JSON 1.0 framing, model validation in AWS's words, responses in the model's
shapes (nothing the engine records is lost on the way)."""
import json
from pathlib import Path

import pytest
import urllib3

import aslsim
from aslsim.server.protocol import operation_names, render_response
from aslsim.server.registry import OPERATIONS

CASES = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "cases.jsonl"


def post(server, target, body, headers=None):
    http = urllib3.PoolManager()
    response = http.request("POST", server.endpoint + "/", body=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target, **(headers or {})})
    return response.status, json.loads(response.data), response.headers


def test_every_operation_of_the_model_has_a_handler():
    import aslsim.server.app  # noqa: F401 (registers the handlers)
    assert len(operation_names()) >= 37
    assert sorted(set(operation_names()) - set(OPERATIONS)) == []


def test_an_unknown_operation_is_refused(aslsim_server):
    status, body, _ = post(aslsim_server, "AWSStepFunctions.DanceTheTango", b"{}")
    assert status == 400 and body["__type"] == "com.amazon.coral.service#UnknownOperationException"
    status, body, _ = post(aslsim_server, "", b"{}")
    assert status == 400 and body["__type"].endswith("#UnknownOperationException")


def test_a_body_that_is_not_json_or_of_wrong_types_is_a_serialization_error(aslsim_server):
    status, body, _ = post(aslsim_server, "AWSStepFunctions.ListStateMachines", b"{nope")
    assert status == 400 and body["__type"] == "com.amazon.coral.service#SerializationException"
    status, body, _ = post(aslsim_server, "AWSStepFunctions.ListStateMachines", b'{"maxResults": "ten"}')
    assert body["__type"].endswith("#SerializationException") and "maxResults" in body["message"]


def test_service_errors_carry_their_namespace_and_the_error_type_header(aslsim_server):
    status, body, headers = post(aslsim_server, "AWSStepFunctions.DescribeActivity",
                                 b'{"activityArn": "arn:aws:states:us-east-1:123456789012:activity:x"}')
    assert status == 400
    assert body == {"__type": "com.amazonaws.swf.service.v2.model#ActivityDoesNotExist",
                    "message": "Activity Does Not Exist: 'arn:aws:states:us-east-1:123456789012:activity:x'"}
    assert headers["x-amzn-ErrorType"] == "ActivityDoesNotExist"
    assert headers["Content-Type"] == "application/x-amz-json-1.0" and headers["x-amzn-RequestId"]


def test_several_violations_are_listed_together_and_sensitive_values_are_not_echoed(aslsim_server):
    status, body, _ = post(aslsim_server, "AWSStepFunctions.CreateStateMachine",
                           json.dumps({"name": "n" * 81, "definition": "x" * 1048577}).encode())
    assert status == 400 and body["__type"] == "com.amazon.coral.validate#ValidationException"
    assert body["message"] == (
        "3 validation errors detected: "
        f"Value '{'n' * 81}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80; "
        "Value at 'definition' failed to satisfy constraint: Member must have length less than or equal to 1048576; "
        "Value null at 'roleArn' failed to satisfy constraint: Member must not be null")


def test_timestamps_travel_as_epoch_seconds(aslsim_server):
    status, body, _ = post(aslsim_server, "AWSStepFunctions.CreateActivity", b'{"name": "a"}')
    assert status == 200 and isinstance(body["creationDate"], float)


def _histories():
    for line in CASES.read_text(encoding="utf-8").splitlines()[::7]:
        case = json.loads(line)
        if case["expected"]["status"] == "CREATE_FAILED" or {"s3-objects", "unresolved"} & set(case["requires"]):
            continue
        try:
            machine = aslsim.load(case["definition"])
        except aslsim.DefinitionError:
            continue
        yield case["id"], machine.run(case["input"], mocks=case.get("mocks"),
                                      execution_type=case["execution_type"]).history


def test_the_history_shape_keeps_every_field_the_engine_records():
    checked = 0
    for case_id, events in _histories():
        rendered = render_response("GetExecutionHistory", {"events": events})["events"]
        for event, shown in zip(events, rendered):
            assert {k: v for k, v in shown.items() if k != "timestamp"} == \
                   {k: v for k, v in event.items() if k != "timestamp"}, case_id
        checked += 1
    assert checked > 50
