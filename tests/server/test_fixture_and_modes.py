"""The pytest fixture for applications (AWS_ENDPOINT_URL_SFN, local Lambdas that call the server
back), Step Functions Local's mock config, real time, Map Runs."""
import json
import os
import time
from pathlib import Path

import boto3
import pytest

import aslsim
from conftest import ROLE, error_of

HANDLERS = Path(__file__).with_name("handlers.py")


def test_the_fixture_points_boto3_at_the_server(aslsim_server):
    assert os.environ["AWS_ENDPOINT_URL_SFN"] == aslsim_server.endpoint
    plain = boto3.client("stepfunctions")           # what application code writes
    arn = aslsim_server.create_state_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                                             name="app")
    assert [m["stateMachineArn"] for m in plain.list_state_machines()["stateMachines"]] == [arn]


@pytest.mark.aslsim_server(lambdas={"starter": f"{HANDLERS}:start_child"})
def test_a_local_lambda_can_start_another_execution_on_the_same_server(aslsim_server, sfn):
    child = aslsim_server.create_state_machine({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}},
                                               name="child")
    parent = aslsim_server.create_state_machine({"StartAt": "L", "States": {"L": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:starter",
        "End": True}}}, name="parent")
    execution = sfn.start_execution(stateMachineArn=parent, input=json.dumps({"child": child}))["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    started = json.loads(described["output"])["executionArn"]
    assert sfn.describe_execution(executionArn=started)["status"] == "SUCCEEDED"


class _Meeting:
    """Two handler calls and the test, all inside at once: each handler reports the environment
    its call sees; the test looks at its own meanwhile."""

    def __init__(self):
        import threading
        self.inside = threading.Barrier(3, timeout=20)
        self.leaving = threading.Barrier(3, timeout=20)

    def handler(self, event, context):
        self.inside.wait()
        seen = {key: os.environ.get(key) for key in ("WHO", "AWS_LAMBDA_FUNCTION_NAME", "AWS_ENDPOINT_URL_SFN")}
        self.leaving.wait()
        return seen


MEETING = _Meeting()
WHO_READER = {"StartAt": "Read", "States": {"Read": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
    "Parameters": {"FunctionName.$": "$.function", "Payload": {}}, "End": True}}}


@pytest.mark.aslsim_server(lambdas={"reader-a": {"handler": MEETING.handler, "environment": {"WHO": "a"}},
                                    "reader-b": {"handler": MEETING.handler, "environment": {"WHO": "b"}}})
def test_concurrent_executions_handlers_each_see_their_own_environment(aslsim_server, create):
    import threading
    arn = create(WHO_READER, name="reader")
    started = {}

    def start(who):
        client = aslsim_server.client()     # one client per thread, as an application has
        started[who] = client.start_execution(stateMachineArn=arn, name=f"read-{who}",
                                              input=json.dumps({"function": f"reader-{who}"}))["executionArn"]
    threads = [threading.Thread(target=start, args=(who,)) for who in ("a", "b")]
    for thread in threads:
        thread.start()
    MEETING.inside.wait()           # both handlers are inside their calls, in the server's threads
    during = {key: os.environ.get(key) for key in ("WHO", "AWS_LAMBDA_FUNCTION_NAME")}
    MEETING.leaving.wait()
    for thread in threads:
        thread.join(20)
    assert during == {"WHO": None, "AWS_LAMBDA_FUNCTION_NAME": None}
    sfn = aslsim_server.client()
    for who in ("a", "b"):
        described = sfn.describe_execution(executionArn=started[who])
        assert described["status"] == "SUCCEEDED", described
        assert json.loads(described["output"]) == {"WHO": who, "AWS_LAMBDA_FUNCTION_NAME": f"reader-{who}",
                                                   "AWS_ENDPOINT_URL_SFN": aslsim_server.endpoint}


@pytest.mark.aslsim_server(time="real")
def test_on_real_time_a_wait_takes_its_time(sfn, create):
    arn = create({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}})
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    deadline = time.monotonic() + 20
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED"
    assert (described["stopDate"] - described["startDate"]).total_seconds() >= 1


MOCK_CONFIG = {
    "StateMachines": {"Greeter": {"TestCases": {"HappyPath": {"Greet": "Hello"},
                                                "SadPath": {"Greet": "Broken"}}}},
    "MockedResponses": {"Hello": {"0": {"Return": {"StatusCode": 200, "Payload": {"greeting": "hi"}}}},
                        "Broken": {"0": {"Throw": {"Error": "Lambda.Unknown", "Cause": "down"}}}}}
GREETER = {"StartAt": "Greet", "States": {"Greet": {
    "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
    "Parameters": {"FunctionName": "greet", "Payload.$": "$"}, "End": True}}}


@pytest.mark.aslsim_server(mock_config=MOCK_CONFIG)
def test_a_test_case_of_the_mock_config_is_chosen_by_arn_suffix(sfn, create):
    arn = create(GREETER, name="Greeter")
    happy = sfn.start_execution(stateMachineArn=arn + "#HappyPath", name="happy")["executionArn"]
    assert happy == "arn:aws:states:us-east-1:123456789012:execution:Greeter:happy"
    assert json.loads(sfn.describe_execution(executionArn=happy)["output"]) == {"greeting": "hi"}
    sad = sfn.start_execution(stateMachineArn=arn + "#SadPath")["executionArn"]
    assert sfn.describe_execution(executionArn=sad)["error"] == "Lambda.Unknown"
    code, message = error_of(sfn.start_execution, stateMachineArn=arn + "#NoSuchCase")
    assert code == "ValidationException" and "NoSuchCase" in message and "HappyPath" in message


def test_a_test_case_without_a_mock_config_is_refused(sfn, create):
    arn = create(GREETER, name="Greeter")
    code, message = error_of(sfn.start_execution, stateMachineArn=arn + "#HappyPath")
    assert code == "ValidationException" and "no mock config" in message


DISTRIBUTED = {"StartAt": "M", "States": {"M": {
    "Type": "Map", "Label": "Fan", "End": True, "MaxConcurrency": 2,
    "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                      "StartAt": "Double", "States": {"Double": {"Type": "Pass", "End": True}}}}}}


def test_map_runs_are_described_listed_and_their_children_readable(sfn, create):
    arn = create(DISTRIBUTED, name="fan")
    execution = sfn.start_execution(stateMachineArn=arn, input="[1, 2, 3]")["executionArn"]
    runs = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert len(runs) == 1 and runs[0]["stateMachineArn"] == arn + "/Fan"
    run = sfn.describe_map_run(mapRunArn=runs[0]["mapRunArn"])
    assert (run["status"], run["maxConcurrency"], run["executionArn"]) == ("SUCCEEDED", 2, execution)
    assert run["itemCounts"]["succeeded"] == 3 and run["executionCounts"]["total"] == 3
    children = sfn.list_executions(mapRunArn=runs[0]["mapRunArn"])["executions"]
    assert len(children) == 3 and {c["mapRunArn"] for c in children} == {runs[0]["mapRunArn"]}
    child = sfn.describe_execution(executionArn=children[0]["executionArn"])
    assert child["mapRunArn"] == runs[0]["mapRunArn"] and child["status"] == "SUCCEEDED"
    assert sfn.get_execution_history(executionArn=children[0]["executionArn"])["events"][0]["type"] == "ExecutionStarted"
    assert error_of(sfn.update_map_run, mapRunArn=runs[0]["mapRunArn"], maxConcurrency=5)[0] == "ValidationException"
    labeled = sfn.describe_state_machine(stateMachineArn=arn + "/Fan")
    assert labeled["label"] == "Fan" and json.loads(labeled["definition"])["StartAt"] == "Double"
