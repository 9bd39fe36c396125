"""With boto3: a parent stopped or timed out while its Distributed Map's Express children run.
The parent ends as before (ABORTED / TIMED_OUT, its own history unchanged), its Map Run ABORTED;
the Express children go on to their end (developer guide redrive-map-run: the Map Run waits "for
child workflow executions of Express type to complete"), counted by how they ended.
Not recorded: the Map Run's stopDate, taken as the end of its last Express child.
"""
import json
from datetime import timedelta


def express_map(**fields):
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemsPath": "$.items", **fields,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "Wait", "States": {
                              "Wait": {"Type": "Wait", "SecondsPath": "$", "Next": "Check"},
                              "Check": {"Type": "Choice", "Default": "Done", "Choices": [
                                  {"Variable": "$", "NumericGreaterThan": 50, "Next": "TooSlow"}]},
                              "TooSlow": {"Type": "Fail", "Error": "TooSlow"},
                              "Done": {"Type": "Pass", "End": True}}}}}}


def map_run_of(sfn, parent):
    (listed,) = sfn.list_map_runs(executionArn=parent)["mapRuns"]
    return listed["mapRunArn"]


def test_a_timed_out_parent_lets_its_express_children_finish(aslsim_server, sfn, create):
    machine = create({**express_map(), "TimeoutSeconds": 30})
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": [10, 40, 60]}))["executionArn"]
    aslsim_server.advance_time(31)
    described = sfn.describe_execution(executionArn=parent)
    assert described["status"] == "TIMED_OUT"
    assert described["stopDate"] - described["startDate"] == timedelta(seconds=30)
    assert [e["type"] for e in sfn.get_execution_history(executionArn=parent)["events"]][-4:] == [
        "MapRunStarted", "MapRunAborted", "MapStateAborted", "ExecutionTimedOut"]
    map_run = map_run_of(sfn, parent)
    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "ABORTED"
    assert run["stopDate"] - described["startDate"] == timedelta(seconds=60)
    counts = run["executionCounts"]
    assert (counts["succeeded"], counts["failed"], counts["aborted"], counts["running"]) == (2, 1, 0, 0)
    assert len(sfn.list_executions(mapRunArn=map_run, statusFilter="SUCCEEDED")["executions"]) == 2
    (failed,) = sfn.list_executions(mapRunArn=map_run, statusFilter="FAILED")["executions"]
    assert failed["stopDate"] - described["startDate"] == timedelta(seconds=60)
    assert sfn.list_executions(mapRunArn=map_run, statusFilter="ABORTED")["executions"] == []


def test_a_stopped_parent_lets_its_express_children_finish_but_starts_no_more(aslsim_server, sfn, create):
    activity = sfn.create_activity(name="held")["activityArn"]
    each = express_map(MaxConcurrency=2)
    machine = create({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        each, {"StartAt": "Hold", "States": {"Hold": {"Type": "Task", "Resource": activity, "End": True}}}]}}})
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": [20, 30, 5]}))["executionArn"]
    aslsim_server.advance_time(10)
    assert sfn.describe_execution(executionArn=parent)["status"] == "RUNNING"
    map_run = map_run_of(sfn, parent)
    assert sfn.describe_map_run(mapRunArn=map_run)["executionCounts"]["running"] == 2
    stopped = sfn.stop_execution(executionArn=parent)
    described = sfn.describe_execution(executionArn=parent)
    assert described["status"] == "ABORTED" and described["stopDate"] == stopped["stopDate"]
    assert described["stopDate"] - described["startDate"] == timedelta(seconds=10)
    history = sfn.get_execution_history(executionArn=parent)["events"]
    assert history[-1]["type"] == "ExecutionAborted" and history[-1]["previousEventId"] == 0
    assert not [e for e in history if e["type"] in ("MapRunAborted", "MapStateAborted")]
    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "ABORTED" and run["stopDate"] - described["startDate"] == timedelta(seconds=30)
    counts = run["itemCounts"]
    assert (counts["succeeded"], counts["pending"], counts["aborted"], counts["total"]) == (2, 1, 0, 3)
    children = sfn.list_executions(mapRunArn=map_run)["executions"]
    assert sorted(c["status"] for c in children) == ["SUCCEEDED", "SUCCEEDED"]


def test_describe_map_run_shows_it_running_while_its_express_children_outlive_the_abort(
        aslsim_server, sfn, create):
    activity = sfn.create_activity(name="after")["activityArn"]
    each = express_map()
    machine = create({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Next": "Hold", "Catch": [{"ErrorEquals": ["Boom"], "Next": "Hold"}],
                 "Branches": [each, {"StartAt": "Soon", "States": {
                     "Soon": {"Type": "Wait", "Seconds": 5, "Next": "Boom"},
                     "Boom": {"Type": "Fail", "Error": "Boom"}}}]},
        "Hold": {"Type": "Task", "Resource": activity, "End": True}}})
    parent = sfn.start_execution(stateMachineArn=machine, input=json.dumps({"items": [20, 40]}))["executionArn"]
    aslsim_server.advance_time(10)
    started = sfn.describe_execution(executionArn=parent)["startDate"]
    assert "MapRunAborted" in [e["type"] for e in sfn.get_execution_history(executionArn=parent)["events"]]
    map_run = map_run_of(sfn, parent)
    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "RUNNING" and "stopDate" not in run
    assert run["executionCounts"]["running"] == 2
    aslsim_server.advance_time(40)
    run = sfn.describe_map_run(mapRunArn=map_run)
    assert run["status"] == "ABORTED" and run["stopDate"] - started == timedelta(seconds=40)
    assert run["executionCounts"]["succeeded"] == 2
    assert sfn.describe_execution(executionArn=parent)["status"] == "RUNNING"     # it waits in Hold
