"""StopExecution (and a timeout) of a parent whose Distributed Map has children waiting on an
activity worker, with boto3: the Map Run ends ABORTED with the parent, the children still running
are stopped (ABORTED, their histories ending with ExecutionAborted), those that ended keep their
outcome, and a worker's task of a stopped child no longer exists.

Sources: API reference MapRunExecutionCounts ("aborted": children that were running but were
stopped), MapRunStatus, StopExecution; recorded (test_stop_execution): ExecutionAborted follows
event 0 and a stopped execution's open states get no event.
"""
import json

import pytest
from botocore.exceptions import ClientError


def map_of_activity(activity, **fields):
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemsPath": "$.items", **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity,
                                                                 "End": True}}}}}}


def events(sfn, arn):
    return sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]


def test_stopping_the_parent_stops_its_map_run_and_the_children_still_waiting(sfn, create):
    activity = sfn.create_activity(name="work")["activityArn"]
    machine = create(map_of_activity(activity, MaxConcurrency=2))
    parent = sfn.start_execution(stateMachineArn=machine, input='{"items": [1, 2, 3]}')["executionArn"]
    first = sfn.get_activity_task(activityArn=activity, workerName="w")
    sfn.send_task_success(taskToken=first["taskToken"], output='"done"')     # the third child starts
    held = sfn.get_activity_task(activityArn=activity, workerName="w")       # a worker holds its task
    (listed,) = sfn.list_map_runs(executionArn=parent)["mapRuns"]
    map_run = listed["mapRunArn"]
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]["running"] == 2
    # a running child's history so far is readable while the parent waits
    running = sfn.list_executions(mapRunArn=map_run, statusFilter="RUNNING")["executions"]
    so_far = sorted([e["type"] for e in events(sfn, child["executionArn"])] for child in running)
    assert so_far == [["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"],
                      ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted"]]

    stopped = sfn.stop_execution(executionArn=parent, error="Halt", cause="stopped by the test")
    described = sfn.describe_execution(executionArn=parent)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Halt", "stopped by the test")
    history = events(sfn, parent)
    assert [e["type"] for e in history][-2:] == ["MapRunStarted", "ExecutionAborted"]
    assert history[-1]["previousEventId"] == 0
    assert history[-1]["executionAbortedEventDetails"] == {"error": "Halt", "cause": "stopped by the test"}

    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "ABORTED" and run["stopDate"] == stopped["stopDate"] == described["stopDate"]
    expected = {"pending": 0, "running": 0, "succeeded": 1, "failed": 0, "timedOut": 0, "aborted": 2,
                "total": 3, "failuresNotRedrivable": 0, "pendingRedrive": 0}
    for counts in (run["executionCounts"], run["itemCounts"]):
        counts.pop("resultsWritten")        # not modelled (docs/distributed-map.md)
        assert counts == expected

    children = sfn.list_executions(mapRunArn=map_run, statusFilter="ABORTED")["executions"]
    assert len(children) == 2
    for child in children:
        described_child = sfn.describe_execution(executionArn=child["executionArn"])
        assert (described_child["status"], described_child["stopDate"]) == ("ABORTED", stopped["stopDate"])
        child_history = events(sfn, child["executionArn"])
        types = [e["type"] for e in child_history]
        # the child whose task a worker holds had its ActivityStarted; no state gets an abort event
        assert types in (["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ExecutionAborted"],
                         ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                          "ExecutionAborted"])
        assert child_history[-1]["previousEventId"] == 0
    with pytest.raises(ClientError) as refused:        # an aborted Map Run has ended
        sfn.update_map_run(mapRunArn=map_run, maxConcurrency=5)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["reason"] == "CANNOT_UPDATE_COMPLETED_MAP_RUN"
    (succeeded,) = sfn.list_executions(mapRunArn=map_run, statusFilter="SUCCEEDED")["executions"]
    assert sfn.describe_execution(executionArn=succeeded["executionArn"])["output"] == '"done"'

    # the task a worker held belonged to a stopped child: it no longer exists
    with pytest.raises(ClientError) as info:
        sfn.send_task_success(taskToken=held["taskToken"], output='"late"')
    assert info.value.response["Error"]["Code"] == "TaskTimedOut"


def test_a_parent_timing_out_aborts_its_map_run_with_a_map_run_aborted_event(aslsim_server, sfn, create):
    activity = sfn.create_activity(name="work")["activityArn"]
    definition = {**map_of_activity(activity), "TimeoutSeconds": 30}
    parent = sfn.start_execution(stateMachineArn=create(definition), input=json.dumps({"items": [1, 2]}))["executionArn"]
    aslsim_server.advance_time(31)
    assert sfn.describe_execution(executionArn=parent)["status"] == "TIMED_OUT"
    assert [e["type"] for e in events(sfn, parent)][-4:] == [
        "MapRunStarted", "MapRunAborted", "MapStateAborted", "ExecutionTimedOut"]
    (listed,) = sfn.list_map_runs(executionArn=parent)["mapRuns"]
    run = sfn.describe_map_run(mapRunArn=listed["mapRunArn"])
    assert run["status"] == "ABORTED" and run["executionCounts"]["aborted"] == 2
    for child in sfn.list_executions(mapRunArn=listed["mapRunArn"])["executions"]:
        assert child["status"] == "ABORTED"
        assert events(sfn, child["executionArn"])[-1]["type"] == "ExecutionAborted"


def test_stopping_one_child_aborts_it_and_its_parent_goes_on(sfn, create):
    activity = sfn.create_activity(name="work")["activityArn"]
    machine = create(map_of_activity(activity, ToleratedFailureCount=1))
    parent = sfn.start_execution(stateMachineArn=machine, input='{"items": [1, 2]}')["executionArn"]
    (listed,) = sfn.list_map_runs(executionArn=parent)["mapRuns"]
    map_run = listed["mapRunArn"]
    first, second = sorted(c["executionArn"] for c in sfn.list_executions(mapRunArn=map_run)["executions"])
    stopped = sfn.stop_execution(executionArn=first, error="Halt", cause="this one only")
    described = sfn.describe_execution(executionArn=first)
    assert (described["status"], described["error"], described["cause"]) == ("ABORTED", "Halt", "this one only")
    assert described["stopDate"] == stopped["stopDate"]
    last = events(sfn, first)[-1]
    assert (last["type"], last["previousEventId"]) == ("ExecutionAborted", 0)
    assert last["executionAbortedEventDetails"] == {"error": "Halt", "cause": "this one only"}
    assert sfn.describe_execution(executionArn=parent)["status"] == "RUNNING"
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]["aborted"] == 1
    # the other child's task is the only one a worker gets; it ends the parent (one failure tolerated)
    task = sfn.get_activity_task(activityArn=activity)
    assert json.loads(task["input"]) == json.loads(sfn.describe_execution(executionArn=second)["input"])
    sfn.send_task_success(taskToken=task["taskToken"], output='"ok"')
    ended = sfn.describe_execution(executionArn=parent)
    assert ended["status"] == "SUCCEEDED"
    statuses = sorted(c["Status"] if isinstance(c, dict) else c for c in json.loads(ended["output"]))
    assert statuses == ["ABORTED", "ok"]
    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "SUCCEEDED" and run["executionCounts"]["succeeded"] == 1
    assert sfn.describe_execution(executionArn=second)["status"] == "SUCCEEDED"
