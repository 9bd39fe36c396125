"""Executions started by a states:startExecution Task on the server are executions of its own:
listed and described under their own state machine, as AWS shows them; .sync waits for them
when they wait on the outside world; a start AWS refuses fails the Task as recorded."""
import json

import pytest

ACCOUNT_ARN = "arn:aws:states:us-east-1:123456789012"
CHILD = {"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"},
                                                    "End": True}}}


def parent(resource, **parameters):
    return {"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": f"arn:aws:states:::states:{resource}", "End": True,
        "Parameters": {"StateMachineArn": f"{ACCOUNT_ARN}:stateMachine:child", "Input": {"n.$": "$.n"},
                       **parameters}}}}


def executions_of(sfn, machine_arn):
    return [e["executionArn"] for e in sfn.list_executions(stateMachineArn=machine_arn)["executions"]]


def test_a_started_child_is_listed_and_described_under_its_own_machine(sfn, create):
    child_arn = create(CHILD, name="child")
    parent_arn = create(parent("startExecution", Name="from-parent"), name="parent")
    execution = sfn.start_execution(stateMachineArn=parent_arn, input='{"n": 4}')["executionArn"]
    output = json.loads(sfn.describe_execution(executionArn=execution)["output"])
    child = f"{ACCOUNT_ARN}:execution:child:from-parent"
    assert output["ExecutionArn"] == child
    assert executions_of(sfn, child_arn) == [child]
    assert executions_of(sfn, parent_arn) == [execution]
    described = sfn.describe_execution(executionArn=child)
    assert (described["status"], json.loads(described["input"]), json.loads(described["output"])) == (
        "SUCCEEDED", {"n": 4}, {"twice": 8})
    assert sfn.get_execution_history(executionArn=child)["events"][0]["type"] == "ExecutionStarted"


@pytest.mark.parametrize("pattern, output_of", [
    (".sync", json.loads),                    # Output is JSON text with .sync, a value with .sync:2
    (".sync:2", lambda value: value)])
def test_sync_answers_with_the_child_it_ran(sfn, create, pattern, output_of):
    create(CHILD, name="child")
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution" + pattern), name="parent"),
                                    input='{"n": 2}')["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(described["output"])
    assert output_of(output["Output"]) == {"twice": 4} and output["Status"] == "SUCCEEDED"
    assert sfn.describe_execution(executionArn=output["ExecutionArn"])["status"] == "SUCCEEDED"


def test_sync_waits_for_a_child_that_waits_on_a_worker(sfn, create):
    activity = sfn.create_activity(name="work")["activityArn"]
    child_arn = create({"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}},
                       name="child")
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution.sync:2"), name="parent"),
                                    input='{"n": 1}')["executionArn"]
    [child] = executions_of(sfn, child_arn)
    assert [sfn.describe_execution(executionArn=e)["status"] for e in (execution, child)] == ["RUNNING", "RUNNING"]
    task = sfn.get_activity_task(activityArn=activity)
    assert json.loads(task["input"]) == {"n": 1}
    sfn.send_task_success(taskToken=task["taskToken"], output='{"done": true}')
    described = sfn.describe_execution(executionArn=execution)      # moved on in the same request
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["Output"] == {"done": True}
    types = [e["type"] for e in sfn.get_execution_history(executionArn=execution)["events"]]
    assert types[2:6] == ["TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded"]


def test_a_failed_child_fails_the_sync_task_with_its_description(sfn, create):
    create({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Child.Broke", "Cause": "no"}}}, name="child")
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution.sync"), name="parent"),
                                    input='{"n": 1}')["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"]) == ("FAILED", "States.TaskFailed")
    cause = json.loads(described["cause"])
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "Child.Broke", "no")


def test_starting_a_machine_the_server_does_not_have_fails_the_task_as_recorded(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution"), name="parent"),
                                    input='{"n": 1}')["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"]) == ("FAILED", "StepFunctions.StateMachineDoesNotExistException")
    assert described["cause"].startswith(f"State Machine Does Not Exist: '{ACCOUNT_ARN}:stateMachine:child' "
                                         "(Service: AWSStepFunctions; Status Code: 400; Error Code: "
                                         "StateMachineDoesNotExist; Request ID: ")
    assert described["cause"].endswith("; Proxy: null)")


def test_a_name_a_closed_execution_has_fails_the_task_with_execution_already_exists(sfn, create):
    child_arn = create(CHILD, name="child")
    sfn.start_execution(stateMachineArn=child_arn, name="taken", input='{"n": 1}')
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution", Name="taken"), name="parent"),
                                    input='{"n": 1}')["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert described["error"] == "StepFunctions.ExecutionAlreadyExistsException"
    assert len(executions_of(sfn, child_arn)) == 1


def test_wait_for_task_token_goes_on_when_the_child_calls_back(sfn, create):
    child_arn = create({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, name="child")
    definition = parent("startExecution.waitForTaskToken")
    definition["States"]["Start"]["Parameters"]["Input"] = {"token.$": "$$.Task.Token"}
    execution = sfn.start_execution(stateMachineArn=create(definition, name="parent"))["executionArn"]
    [child] = executions_of(sfn, child_arn)
    token = json.loads(sfn.describe_execution(executionArn=child)["output"])["token"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    sfn.send_task_success(taskToken=token, output='{"answer": 42}')
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"answer": 42})


@pytest.mark.aslsim_server(time="real")
def test_on_real_time_sync_goes_on_when_the_child_ends(sfn, create):
    import time
    create({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}, name="child")
    execution = sfn.start_execution(stateMachineArn=create(parent("startExecution.sync:2"), name="parent"),
                                    input='{"n": 1}')["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    deadline = time.monotonic() + 20
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.1)
    described = sfn.describe_execution(executionArn=execution)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"])["Output"] == {"n": 1}
