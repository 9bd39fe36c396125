"""A Task with Credentials is scheduled as its role: the resolved RoleArn is in the Scheduled event
as taskCredentials (recorded on AWS: credentials/test_credentials_base, cross-account Lambda)."""
from helpers import machine, task

ROLE = "arn:aws:iam::222222222222:role/trusted"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def _scheduled(execution, event_type):
    return next(e for e in execution.history if e["type"] == event_type)


def test_jsonpath_credentials_read_the_input_and_show_in_task_scheduled():
    m = machine({"Invoke": task("arn:aws:states:::lambda:invoke", Parameters={"FunctionName": "f"},
                                Credentials={"RoleArn.$": "$.role"}, End=True)})
    execution = m.run({"role": ROLE}, mocks={"Invoke": {"return": {"Payload": 1}}})
    assert execution.status == "SUCCEEDED"
    details = _scheduled(execution, "TaskScheduled")["taskScheduledEventDetails"]
    assert details["taskCredentials"] == {"roleArn": ROLE}


def test_jsonata_credentials_on_a_lambda_function_task():
    m = machine({"Call": task(LAMBDA, Credentials={"RoleArn": "{% $states.input.role %}"}, End=True)},
                QueryLanguage="JSONata")
    execution = m.run({"role": ROLE}, mocks={"Call": {"return": {"ok": True}}})
    details = _scheduled(execution, "LambdaFunctionScheduled")["lambdaFunctionScheduledEventDetails"]
    assert details["taskCredentials"] == {"roleArn": ROLE}


def test_a_task_without_credentials_has_no_task_credentials():
    m = machine({"Call": task(LAMBDA, End=True)})
    execution = m.run({}, mocks={"Call": {"return": {}}})
    assert "taskCredentials" not in _scheduled(execution, "LambdaFunctionScheduled")["lambdaFunctionScheduledEventDetails"]
