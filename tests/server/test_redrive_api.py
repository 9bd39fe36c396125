"""RedriveExecution over the API, with boto3: a redriven Parallel runs again only the branch that
failed, an inline Map only the iterations that did not succeed; the history after
ExecutionRedriven enters only their states, and the mocks are called only for them."""
import json

import pytest

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
CALLS: list = []


def flaky(item):
    """Fails the first time it is given a 3 (or "ship"), as a service that is down for a while."""
    CALLS.append(item)
    if item in (3, "ship") and CALLS.count(item) == 1:
        from aslsim import ServiceError
        raise ServiceError("Down", f"{item} failed")
    return item * 10 if isinstance(item, int) else f"{item}ped"


MOCKS = {"work": {"call": flaky}}


@pytest.fixture(autouse=True)
def fresh_calls():
    CALLS.clear()


def entered_after_redrive(sfn, execution):
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    start = [e["type"] for e in events].index("ExecutionRedriven")
    assert events[start]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    return [e["stateEnteredEventDetails"]["name"] for e in events[start:] if "stateEnteredEventDetails" in e]


def redriven(sfn, create, definition, given):
    execution = sfn.start_execution(stateMachineArn=create(definition), input=json.dumps(given))["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["error"]) == ("FAILED", "Down")
    sfn.redrive_execution(executionArn=execution)
    return execution, sfn.describe_execution(executionArn=execution)


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_redriven_parallel_reruns_only_its_failed_branch(sfn, create):
    work = {"Type": "Task", "Resource": LAMBDA + "work", "End": True}
    definition = {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Pack", "States": {"Pack": {**work, "InputPath": "$.pack"}}},
        {"StartAt": "Label", "States": {"Label": {"Type": "Pass", "InputPath": "$.ship", "Next": "Ship"},
                                        "Ship": work}}]}}}
    execution, described = redriven(sfn, create, definition, {"pack": 1, "ship": "ship"})
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", [10, "shipped"])
    assert described["redriveCount"] == 1
    assert CALLS == [1, "ship", "ship"]                # Pack ran once: its output was kept
    assert entered_after_redrive(sfn, execution) == ["Fan", "Ship"]


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_redriven_inline_map_reruns_only_its_failed_iteration(sfn, create):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": LAMBDA + "work", "End": True}}}}}}
    execution, described = redriven(sfn, create, definition, {"items": [1, 2, 3]})
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", [10, 20, 30])
    assert CALLS == [1, 2, 3, 3]
    assert entered_after_redrive(sfn, execution) == ["Each", "Work"]
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    rerun = [e["mapIterationStartedEventDetails"] for e in events[[e["type"] for e in events].index(
        "ExecutionRedriven"):] if e["type"] == "MapIterationStarted"]
    assert rerun == [{"index": 2, "name": "Each"}]


def test_a_stopped_parallel_reruns_only_the_branch_that_was_waiting(sfn, create):
    activity = sfn.create_activity(name="approve")["activityArn"]
    definition = {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "Result": "quick", "End": True}}},
        {"StartAt": "Approve", "States": {"Approve": {"Type": "Task", "Resource": activity, "End": True}}}]}}}
    execution = sfn.start_execution(stateMachineArn=create(definition))["executionArn"]
    sfn.get_activity_task(activityArn=activity)
    sfn.stop_execution(executionArn=execution, error="Paused")
    assert sfn.describe_execution(executionArn=execution)["status"] == "ABORTED"
    sfn.redrive_execution(executionArn=execution)
    task = sfn.get_activity_task(activityArn=activity)
    sfn.send_task_success(taskToken=task["taskToken"], output='"approved"')
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", ["quick", "approved"])
    assert entered_after_redrive(sfn, execution) == ["Fan", "Approve"]


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_redriven_distributed_map_redrives_its_map_run(sfn, create):
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemsPath": "$.items",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {
                              "Work": {"Type": "Task", "Resource": LAMBDA + "work", "End": True}}}}}}
    execution = sfn.start_execution(stateMachineArn=create(definition), input='{"items": [1, 2, 3]}')["executionArn"]
    (run,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert sfn.describe_map_run(mapRunArn=run["mapRunArn"])["status"] == "FAILED"
    sfn.redrive_execution(executionArn=execution)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", [10, 20, 30])
    assert CALLS == [1, 2, 3, 3]
    (same,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert same["mapRunArn"] == run["mapRunArn"]
    map_run = sfn.describe_map_run(mapRunArn=run["mapRunArn"])
    assert (map_run["status"], map_run["redriveCount"]) == ("SUCCEEDED", 1)
    assert map_run["executionCounts"]["succeeded"] == 3 and "redriveDate" in map_run
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    redriven = [e for e in events if e["type"] == "MapRunRedriven"]
    assert [e["mapRunRedrivenEventDetails"] for e in redriven] == [{"mapRunArn": run["mapRunArn"], "redriveCount": 1}]


def distributed_each(items_path="$.items"):
    return {"Type": "Map", "End": True, "ItemsPath": items_path,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                              "StartAt": "Work", "States": {
                                  "Work": {"Type": "Task", "Resource": LAMBDA + "work", "End": True}}}}


def child_named(sfn, map_run_arn, status):
    (child,) = [c for c in sfn.list_executions(mapRunArn=map_run_arn)["executions"] if c["status"] == status]
    return child["executionArn"]


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_distributed_map_in_a_parallel_branch_is_redriven_with_its_map_run(sfn, create):
    definition = {"StartAt": "Fan", "States": {"Fan": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "Result": "kept", "End": True}}},
        {"StartAt": "Each", "States": {"Each": distributed_each()}}]}}}
    execution = sfn.start_execution(stateMachineArn=create(definition), input='{"items": [1, 2, 3]}')["executionArn"]
    (run,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    failed = child_named(sfn, run["mapRunArn"], "FAILED")
    described = sfn.describe_execution(executionArn=failed)
    assert (described["redriveStatus"], described["redriveCount"]) == ("REDRIVABLE_BY_MAP_RUN", 0)
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=failed)        # only its parent's redrive runs it again
    sfn.redrive_execution(executionArn=execution)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", ["kept", [10, 20, 30]])
    assert CALLS == [1, 2, 3, 3]
    (same,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    assert same["mapRunArn"] == run["mapRunArn"]
    map_run = sfn.describe_map_run(mapRunArn=run["mapRunArn"])
    assert (map_run["status"], map_run["redriveCount"], map_run["executionCounts"]["succeeded"]) == ("SUCCEEDED", 1, 3)
    assert entered_after_redrive(sfn, execution) == ["Fan", "Each"]
    # the child that failed was redriven: the same execution, its history goes on
    child = sfn.describe_execution(executionArn=failed)
    assert (child["status"], child["redriveCount"], child["redriveStatus"]) == ("SUCCEEDED", 1, "NOT_REDRIVABLE")
    assert child["redriveStatusReason"] == "Execution is SUCCEEDED and cannot be redriven"
    assert child["redriveDate"] >= child["startDate"]
    events = sfn.get_execution_history(executionArn=failed)["events"]
    kinds = [e["type"] for e in events]
    assert kinds[0] == "ExecutionStarted" and kinds.count("ExecutionStarted") == 1
    assert kinds.index("ExecutionFailed") < kinds.index("ExecutionRedriven") < kinds.index("ExecutionSucceeded")
    assert events[kinds.index("ExecutionRedriven")]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    kept = [c for c in sfn.list_executions(mapRunArn=run["mapRunArn"])["executions"] if c["executionArn"] != failed]
    assert [c["redriveCount"] for c in kept] == [0, 0]


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_distributed_map_in_an_inline_map_iteration_redrives_its_own_map_run(sfn, create):
    definition = {"StartAt": "Groups", "States": {"Groups": {
        "Type": "Map", "End": True, "ItemsPath": "$.groups",
        "ItemProcessor": {"StartAt": "Each", "States": {"Each": distributed_each("$")}}}}}
    execution = sfn.start_execution(stateMachineArn=create(definition),
                                    input='{"groups": [[1, 2], [3]]}')["executionArn"]
    before = {r["mapRunArn"]: sfn.describe_map_run(mapRunArn=r["mapRunArn"])["status"]
              for r in sfn.list_map_runs(executionArn=execution)["mapRuns"]}
    assert sorted(before.values()) == ["FAILED", "SUCCEEDED"]
    sfn.redrive_execution(executionArn=execution)
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], json.loads(described["output"])) == ("SUCCEEDED", [[10, 20], [30]])
    assert CALLS == [1, 2, 3, 3]
    after = {r["mapRunArn"]: sfn.describe_map_run(mapRunArn=r["mapRunArn"])
             for r in sfn.list_map_runs(executionArn=execution)["mapRuns"]}
    assert set(after) == set(before)                 # no new Map Run
    assert {arn: (run["status"], run["redriveCount"]) for arn, run in after.items()} == {
        arn: ("SUCCEEDED", 1 if status == "FAILED" else 0) for arn, status in before.items()}


# -- what may be redriven, and what DescribeExecution says of it (documented reasons) ----------------

def assert_not_redrivable(sfn, execution, reason):
    """DescribeExecution gives the reason, and RedriveExecution refuses with it."""
    described = sfn.describe_execution(executionArn=execution)
    assert (described["redriveStatus"], described["redriveStatusReason"]) == ("NOT_REDRIVABLE", reason)
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable) as raised:
        sfn.redrive_execution(executionArn=execution)
    assert raised.value.response["Error"]["Message"] == reason


def test_a_succeeded_execution_is_not_redrivable(sfn, create):
    definition = {"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}}
    execution = sfn.start_execution(stateMachineArn=create(definition))["executionArn"]
    assert_not_redrivable(sfn, execution, "Execution is SUCCEEDED and cannot be redriven")


def test_a_running_execution_is_not_redrivable(sfn, create):
    activity = sfn.create_activity(name="approve")["activityArn"]
    definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Task", "Resource": activity, "End": True}}}
    execution = sfn.start_execution(stateMachineArn=create(definition))["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["redriveStatus"], described["redriveStatusReason"]) == (
        "RUNNING", "NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven")
    with pytest.raises(sfn.exceptions.ExecutionNotRedrivable):
        sfn.redrive_execution(executionArn=execution)


@pytest.mark.aslsim_server(mocks=MOCKS)
def test_a_failed_execution_is_redrivable_for_14_days_after_its_stop(sfn, create, monkeypatch):
    from aslsim.server import executions
    definition = {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA + "work",
                                                         "InputPath": "$.item", "End": True}}}
    execution = sfn.start_execution(stateMachineArn=create(definition), input='{"item": 3}')["executionArn"]
    described = sfn.describe_execution(executionArn=execution)
    assert (described["status"], described["redriveStatus"]) == ("FAILED", "REDRIVABLE")
    assert "redriveStatusReason" not in described
    stopped = int(described["stopDate"].timestamp() * 1000)
    monkeypatch.setattr(executions, "now_ms", lambda: stopped + 14 * 24 * 3600 * 1000 + 1000)
    assert_not_redrivable(sfn, execution, "Execution redrivable period exceeded")
    assert sfn.describe_execution(executionArn=execution)["redriveCount"] == 0


def test_an_express_execution_cannot_be_redriven(sfn, create):
    definition = {"StartAt": "Fail", "States": {"Fail": {"Type": "Fail", "Error": "Down"}}}
    machine = create(definition, type="EXPRESS")
    execution = sfn.start_execution(stateMachineArn=machine)["executionArn"]
    assert ":express:" in execution
    with pytest.raises(sfn.exceptions.InvalidArn):
        sfn.redrive_execution(executionArn=execution)


OUTAGE = {"on": True}


def down_while_the_outage_lasts(n):
    CALLS.append(n)
    if OUTAGE["on"] and n == 3:
        from aslsim import ServiceError
        raise ServiceError("Down", f"{n} failed")
    return n * 10


@pytest.mark.aslsim_server(mocks={"work": {"call": down_while_the_outage_lasts}})
def test_a_redriven_map_run_counts_its_children_anew(sfn, create):
    processor = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                 "StartAt": "Hold", "States": {
                     "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "Next": "Work"},
                     "Work": {"Type": "Task", "Resource": LAMBDA + "work", "InputPath": "$.n", "End": True}}}
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": True, "ItemsPath": "$.items",
                                                         "ToleratedFailureCount": 1, "ItemProcessor": processor}}}
    # the first child fails at once, the second 15 days later, which is one failure too many
    items = [{"wait": 0, "n": 3}, {"wait": 15 * 24 * 3600, "n": 3}, {"wait": 0, "n": 1}]
    OUTAGE["on"] = True
    execution = sfn.start_execution(stateMachineArn=create(definition), input=json.dumps({"items": items}))["executionArn"]
    assert sfn.describe_execution(executionArn=execution)["error"] == "States.ExceedToleratedFailureThreshold"
    (run,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    counts = sfn.describe_map_run(mapRunArn=run["mapRunArn"])["executionCounts"]
    assert (counts["failed"], counts["succeeded"], counts["failuresNotRedrivable"]) == (2, 1, 0)
    OUTAGE["on"] = False
    CALLS.clear()
    sfn.redrive_execution(executionArn=execution)
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
    assert CALLS == [3]         # the child that closed 15 days before the redrive is not run again
    map_run = sfn.describe_map_run(mapRunArn=run["mapRunArn"])
    assert (map_run["status"], map_run["redriveCount"]) == ("SUCCEEDED", 1)
    assert map_run["executionCounts"] == {
        "pending": 0, "running": 0, "succeeded": 2, "failed": 1, "timedOut": 0, "aborted": 0, "total": 3,
        "resultsWritten": 2, "failuresNotRedrivable": 1, "pendingRedrive": 0}
    assert map_run["itemCounts"]["failuresNotRedrivable"] == 1
    children = sfn.list_executions(mapRunArn=run["mapRunArn"])["executions"]
    states = {c["executionArn"]: sfn.describe_execution(executionArn=c["executionArn"]) for c in children}
    (early,) = [d for d in states.values() if d["status"] == "FAILED"]
    assert (early["redriveStatus"], early["redriveStatusReason"], early["redriveCount"]) == (
        "NOT_REDRIVABLE", "Execution redrivable period exceeded", 0)
    redriven = sfn.list_executions(mapRunArn=run["mapRunArn"], redriveFilter="REDRIVEN")["executions"]
    assert [states[c["executionArn"]]["redriveCount"] for c in redriven] == [1]


def test_a_map_run_counts_the_children_waiting_to_be_redriven(sfn, create):
    activity = sfn.create_activity(name="work")["activityArn"]
    definition = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemsPath": "$.items", "MaxConcurrency": 1, "ToleratedFailureCount": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": activity, "End": True}}}}}}
    execution = sfn.start_execution(stateMachineArn=create(definition), input='{"items": [1, 2, 3]}')["executionArn"]
    (running,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]     # readable while it runs
    assert sfn.describe_map_run(mapRunArn=running["mapRunArn"])["executionCounts"]["running"] == 1
    for _ in range(2):      # two failures, one more than tolerated: the third child never starts
        task = sfn.get_activity_task(activityArn=activity)
        sfn.send_task_failure(taskToken=task["taskToken"], error="Down")
    assert sfn.describe_execution(executionArn=execution)["status"] == "FAILED"
    (run,) = sfn.list_map_runs(executionArn=execution)["mapRuns"]
    sfn.redrive_execution(executionArn=execution)
    counts = sfn.describe_map_run(mapRunArn=run["mapRunArn"])["executionCounts"]
    # one child redriven and running, the other failed one waiting its turn (MaxConcurrency 1)
    assert (counts["running"], counts["failed"], counts["pendingRedrive"], counts["pending"]) == (1, 1, 1, 1)
    assert sfn.describe_map_run(mapRunArn=run["mapRunArn"])["status"] == "RUNNING"
    for _ in range(3):
        task = sfn.get_activity_task(activityArn=activity)
        sfn.send_task_success(taskToken=task["taskToken"], output='"ok"')
    assert sfn.describe_execution(executionArn=execution)["status"] == "SUCCEEDED"
    counts = sfn.describe_map_run(mapRunArn=run["mapRunArn"])["executionCounts"]
    assert (counts["succeeded"], counts["pendingRedrive"], counts["total"]) == (3, 0, 3)
