"""The AWS CLI (``awscli`` from PyPI) against ``aslsim serve``, including the Step Functions Local
walkthrough of the developer guide (mock config, #HappyPath test cases) run unchanged."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

AWS = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
ENV = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
       "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "", "AWS_CONFIG_FILE": os.devnull,
       "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
       # StartSyncExecution and TestState would go to sync-localhost otherwise
       "AWS_DISABLE_HOST_PREFIX_INJECTION": "true"}
ENV.pop("AWS_ENDPOINT_URL_SFN", None)

# The developer guide's walkthrough (sfn-local-test-sm-exec): its mock config and definition
MOCK_CONFIG = {
    "StateMachines": {"LambdaSQSIntegration": {"TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}}}},
    "MockedResponses": {
        "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200,
                                                                               "body": "Hello from Lambda!"}}}},
        "LambdaMockedResourceNotReady": {"0": {"Throw": {"Error": "Lambda.ResourceNotReadyException",
                                                         "Cause": "Lambda resource is not ready."}}},
        "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e-7h85-4375-b0bc-1a59812c6e51",
                                              "MessageId": "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"}}},
        "MockedLambdaRetry": {
            "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
            "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
            "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}}}}
DEFINITION = ('{"Comment":"Thisstatemachineiscalled:LambdaSQSIntegration","StartAt":"LambdaState","States":'
              '{"LambdaState":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":'
              '{"Payload.$":"$","FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:HelloWorldFunction"},'
              '"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":2}],'
              '"Next":"SQSState"},"SQSState":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",'
              '"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/myQueue",'
              '"MessageBody.$":"$"},"End":true}}}')


def aws(endpoint, *args, check=True):
    """Run ``aws stepfunctions ARGS --endpoint ENDPOINT``; the parsed JSON output."""
    if AWS is None:
        pytest.fail("the AWS CLI is needed: pip install -e '.[test]' installs awscli")
    run = subprocess.run([AWS, "stepfunctions", *args, "--endpoint", endpoint], capture_output=True,
                         text=True, env=ENV, timeout=120)
    if check:
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout) if run.stdout.strip() else {}
    return run


@pytest.fixture
def serve(tmp_path):
    """``aslsim serve`` as its users start it: a process with SFN_MOCK_CONFIG, on a free port."""
    config = tmp_path / "MockConfigFile.json"
    config.write_text(json.dumps(MOCK_CONFIG))
    process = subprocess.Popen([sys.executable, "-m", "aslsim.cli", "serve", "--port", "0"], cwd=tmp_path,
                               env={**ENV, "SFN_MOCK_CONFIG": str(config)}, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    assert match, line
    try:
        yield f"http://localhost:{match.group(1)}"
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stderr.read()


def test_the_step_functions_local_walkthrough_runs_unchanged(serve):
    created = aws(serve, "create-state-machine", "--definition", DEFINITION, "--name", "LambdaSQSIntegration",
                  "--role-arn", "arn:aws:iam::123456789012:role/service-role/LambdaSQSIntegration")
    assert created["stateMachineArn"] == "arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration"
    started = aws(serve, "start-execution", "--name", "executionWithHappyPathMockedServices", "--state-machine",
                  "arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration#HappyPath")
    assert started["executionArn"] == ("arn:aws:states:us-east-1:123456789012:execution:LambdaSQSIntegration:"
                                       "executionWithHappyPathMockedServices")
    history = aws(serve, "get-execution-history", "--execution-arn", started["executionArn"])["events"]
    entered = [e for e in history if e["type"] == "TaskStateEntered"]
    assert [e["stateEnteredEventDetails"]["name"] for e in entered] == ["LambdaState", "SQSState"]
    assert json.loads(entered[1]["stateEnteredEventDetails"]["input"])["Payload"]["body"] == "Hello from Lambda!"
    sqs = [e for e in history if e["type"] == "TaskSucceeded"][-1]["taskSucceededEventDetails"]
    assert (sqs["resourceType"], sqs["resource"]) == ("sqs", "sendMessage")
    assert json.loads(sqs["output"])["MessageId"] == "3bcb6e8e-8b51-4375-b0bc-1a59812c6e51"
    described = aws(serve, "describe-execution", "--execution-arn", started["executionArn"])
    assert described["status"] == "SUCCEEDED"


def test_the_retry_path_exhausts_its_mocked_failures_on_virtual_time(serve):
    aws(serve, "create-state-machine", "--definition", DEFINITION, "--name", "LambdaSQSIntegration",
        "--role-arn", "arn:aws:iam::123456789012:role/r")
    started = aws(serve, "start-execution", "--state-machine-arn",
                  "arn:aws:states:us-east-1:123456789012:stateMachine:LambdaSQSIntegration#RetryPath")
    described = aws(serve, "describe-execution", "--execution-arn", started["executionArn"])
    assert described["status"] == "SUCCEEDED"
    history = aws(serve, "get-execution-history", "--execution-arn", started["executionArn"])["events"]
    assert [e["type"] for e in history].count("TaskFailed") == 3


def test_cli_errors_are_awss(serve):
    run = aws(serve, "describe-state-machine", "--state-machine-arn",
              "arn:aws:states:us-east-1:123456789012:stateMachine:nope", check=False)
    assert run.returncode != 0
    assert ("An error occurred (StateMachineDoesNotExist) when calling the DescribeStateMachine operation: "
            "State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope'") in run.stderr


def test_the_cli_pages_through_executions_and_answers_callbacks(serve):
    callback = {"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": True}}}
    arn = aws(serve, "create-state-machine", "--definition", json.dumps(callback), "--name", "Ask",
              "--role-arn", "arn:aws:iam::123456789012:role/r")["stateMachineArn"]
    executions = [aws(serve, "start-execution", "--state-machine-arn", arn)["executionArn"] for _ in range(5)]
    listed = aws(serve, "list-executions", "--state-machine-arn", arn, "--page-size", "2")["executions"]
    assert sorted(e["executionArn"] for e in listed) == sorted(executions)
    history = aws(serve, "get-execution-history", "--execution-arn", executions[0])["events"]
    scheduled = next(e for e in history if e["type"] == "TaskScheduled")
    token = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
    aws(serve, "send-task-success", "--task-token", token, "--task-output", '{"ok": true}')
    assert aws(serve, "describe-execution", "--execution-arn", executions[0])["output"] == '{"ok":true}'


def test_the_cli_tests_a_state(serve):
    answer = aws(serve, "test-state", "--definition", '{"Type": "Pass", "Result": 1, "End": true}',
                 "--inspection-level", "DEBUG")
    assert (answer["status"], answer["output"], answer["inspectionData"]["result"]) == ("SUCCEEDED", "1", "1")
