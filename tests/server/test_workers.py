"""Executions waiting on the outside world over the API: activity workers long-polling
GetActivityTask, SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat by token, timeouts on the
virtual clock, StopExecution of a waiting execution, RedriveExecution."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import error_of

ACTIVITY_NAME = "work"


def activity_machine(activity_arn, **task):
    return {"StartAt": "Prepare", "States": {
        "Prepare": {"Type": "Pass", "Result": {"job": 7}, "Next": "Work"},
        "Work": {"Type": "Task", "Resource": activity_arn, "Next": "Done", **task},
        "Done": {"Type": "Pass", "End": True}}}


@pytest.fixture
def activity(sfn):
    return sfn.create_activity(name=ACTIVITY_NAME)["activityArn"]


def test_a_worker_takes_the_activity_task_and_its_answer_ends_the_execution(sfn, create, activity):
    execution = sfn.start_execution(stateMachineArn=create(activity_machine(activity)))["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    assert [e["executionArn"] for e in sfn.list_executions(
        stateMachineArn=execution.replace(":execution:", ":stateMachine:").rsplit(":", 1)[0],
        statusFilter="RUNNING")["executions"]] == [execution]
    task = sfn.get_activity_task(activityArn=activity, workerName="worker-7")
    assert json.loads(task["input"]) == {"job": 7}
    sfn.send_task_success(taskToken=task["taskToken"], output='{"result": "ok"}')
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", {"result": "ok"})
    events = sfn.get_execution_history(executionArn=execution)["events"]
    started = next(e for e in events if e["type"] == "ActivityStarted")
    assert started["activityStartedEventDetails"] == {"workerName": "worker-7"}
    assert [e["type"] for e in events][4:7] == ["ActivityScheduled", "ActivityStarted", "ActivitySucceeded"]


def test_a_long_poll_returns_as_soon_as_a_task_is_scheduled(sfn, create, activity):
    arn = create(activity_machine(activity))
    with ThreadPoolExecutor(1) as pool:
        polled = pool.submit(sfn.get_activity_task, activityArn=activity)
        execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
        task = polled.result(timeout=30)
    sfn.send_task_success(taskToken=task["taskToken"], output="1")
    assert sfn.describe_execution(executionArn=execution)["output"] == "1"


def test_a_poll_with_nothing_to_do_returns_no_token(aslsim_server, sfn, activity):
    aslsim_server.server.backend.poll_seconds = 0.05
    assert "taskToken" not in sfn.get_activity_task(activityArn=activity)


def test_polling_a_missing_activity_is_refused(sfn):
    arn = "arn:aws:states:us-east-1:123456789012:activity:gone"
    assert error_of(sfn.get_activity_task, activityArn=arn) == (
        "ActivityDoesNotExist", f"Activity Does Not Exist: '{arn}'")


def test_a_worker_failure_is_caught_by_the_machine(sfn, create, activity):
    arn = create(activity_machine(activity, Catch=[{"ErrorEquals": ["Worker.Broke"], "Next": "Done"}]))
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_failure(taskToken=task["taskToken"], error="Worker.Broke", cause="disk full")
    described = sfn.describe_execution(executionArn=execution)
    assert json.loads(described["output"]) == {"Error": "Worker.Broke", "Cause": "disk full"}


def test_a_starting_again_while_open_is_the_same_execution_unless_the_input_differs(sfn, create, activity):
    arn = create(activity_machine(activity))
    first = sfn.start_execution(stateMachineArn=arn, name="job", input='{"a": 1}')
    again = sfn.start_execution(stateMachineArn=arn, name="job", input='{"a": 1}')
    assert (again["executionArn"], again["startDate"]) == (first["executionArn"], first["startDate"])
    assert error_of(sfn.start_execution, stateMachineArn=arn, name="job", input='{"a": 2}') == (
        "ExecutionAlreadyExists", f"Execution Already Exists: '{first['executionArn']}'")


CALLBACK = {"StartAt": "Ask", "States": {"Ask": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                   "MessageBody": {"token.$": "$$.Task.Token"}},
    "HeartbeatSeconds": 60, "End": True}}}


def token_of(sfn, execution):
    events = sfn.get_execution_history(executionArn=execution)["events"]
    scheduled = next(e for e in events if e["type"] == "TaskScheduled")
    return json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]


def test_a_callback_by_token_ends_a_wait_for_task_token(sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(CALLBACK))["executionArn"]
    token = token_of(sfn, execution)
    sfn.send_task_heartbeat(taskToken=token)
    sfn.send_task_success(taskToken=token, output='{"approved": true}')
    assert json.loads(sfn.describe_execution(executionArn=execution)["output"]) == {"approved": True}
    assert error_of(sfn.send_task_success, taskToken=token, output="{}") == (
        "TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
    assert error_of(sfn.send_task_success, taskToken="made-up", output="{}") == (
        "InvalidToken", "Invalid Token: 'Invalid token'")


def test_a_heartbeat_missed_on_the_virtual_clock_times_the_task_out(aslsim_server, sfn, create):
    execution = sfn.start_execution(stateMachineArn=create(CALLBACK))["executionArn"]
    token = token_of(sfn, execution)
    assert aslsim_server.advance_time(59) == 1
    sfn.send_task_heartbeat(taskToken=token)                  # at 59 s: the next is due at 119 s
    aslsim_server.advance_time(59)
    assert sfn.describe_execution(executionArn=execution)["status"] == "RUNNING"
    aslsim_server.advance_time(2)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"]) == ("FAILED", "States.Timeout")
    assert [e["type"] for e in sfn.get_execution_history(executionArn=execution)["events"]][-2] == "TaskTimedOut"
    assert error_of(sfn.send_task_success, taskToken=token, output="{}")[0] == "TaskTimedOut"


def test_time_can_be_moved_over_http_too(aslsim_server, sfn, create):
    import urllib3
    execution = sfn.start_execution(stateMachineArn=create(CALLBACK))["executionArn"]
    response = urllib3.PoolManager().request("POST", aslsim_server.endpoint + "/_aslsim/advance",
                                             body=b'{"seconds": 61}')
    assert json.loads(response.data) == {"executions": 1}
    assert sfn.describe_execution(executionArn=execution)["status"] == "FAILED"


def test_stopping_a_waiting_execution_aborts_it(sfn, create, activity):
    execution = sfn.start_execution(stateMachineArn=create(activity_machine(activity)))["executionArn"]
    stopped = sfn.stop_execution(executionArn=execution, error="Manual", cause="probe")
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Manual", "probe")
    assert described["stopDate"] == stopped["stopDate"]
    last = sfn.get_execution_history(executionArn=execution)["events"][-1]
    assert (last["type"], last["previousEventId"]) == ("ExecutionAborted", 0)
    assert described["redriveStatus"] == "REDRIVABLE"


def test_redrive_goes_on_from_the_failed_state_and_keeps_the_history(sfn, create, activity):
    execution = sfn.start_execution(stateMachineArn=create(activity_machine(activity)))["executionArn"]
    sfn.send_task_failure(taskToken=sfn.get_activity_task(activityArn=activity)["taskToken"], error="Flaky")
    assert sfn.describe_execution(executionArn=execution)["status"] == "FAILED"
    before = len(sfn.get_execution_history(executionArn=execution)["events"])
    redriven = sfn.redrive_execution(executionArn=execution)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["redriveCount"]) == ("RUNNING", 1)
    assert described["redriveDate"] == redriven["redriveDate"]
    task = sfn.get_activity_task(activityArn=activity)
    assert json.loads(task["input"]) == {"job": 7}          # the failed state's own input again
    sfn.send_task_success(taskToken=task["taskToken"], output='"second time"')
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["output"]) == ("SUCCEEDED", '"second time"')
    events = sfn.get_execution_history(executionArn=execution)["events"]
    redrive = events[before]
    assert (redrive["type"], redrive["executionRedrivenEventDetails"]) == ("ExecutionRedriven", {"redriveCount": 1})
    assert events[before + 1]["type"] == "TaskStateEntered" and events[before + 1]["previousEventId"] == before + 1
    assert [e["type"] for e in events].count("PassStateEntered") == 2          # Prepare once, Done once
    assert error_of(sfn.redrive_execution, executionArn=execution) == (
        "ExecutionNotRedrivable", "Execution is SUCCEEDED and cannot be redriven")
    assert [e["name"] for e in sfn.list_executions(
        stateMachineArn=described["stateMachineArn"], redriveFilter="REDRIVEN")["executions"]] == [described["name"]]


def test_a_running_execution_cannot_be_redriven(sfn, create, activity):
    execution = sfn.start_execution(stateMachineArn=create(activity_machine(activity)))["executionArn"]
    assert error_of(sfn.redrive_execution, executionArn=execution) == (
        "ExecutionNotRedrivable", "Execution is RUNNING and cannot be redriven")


def test_many_clients_and_workers_at_once(sfn, create, activity):
    arn = create(activity_machine(activity))

    def start(i):
        return sfn.start_execution(stateMachineArn=arn, name=f"e{i}", input=json.dumps({"i": i}))["executionArn"]

    def work(_):
        task = sfn.get_activity_task(activityArn=activity)
        sfn.send_task_success(taskToken=task["taskToken"], output=task["input"])

    with ThreadPoolExecutor(8) as pool:
        executions = list(pool.map(start, range(40)))
        list(pool.map(work, range(40)))
    statuses = {sfn.describe_execution(executionArn=e)["status"] for e in executions}
    assert statuses == {"SUCCEEDED"}
    assert len(sfn.list_executions(stateMachineArn=arn, statusFilter="SUCCEEDED")["executions"]) == 40
