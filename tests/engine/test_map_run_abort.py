"""A Distributed Map's Map Run and its child executions when the run ends early: the parent is
stopped (StopExecution), times out, or its branch is aborted (a Parallel whose other branch fails),
or the Map Run itself fails with children still running.

Sources: API reference MapRunExecutionCounts / MapRunItemCounts ("aborted": children "that were
running, but were either stopped by the user or by Step Functions because the Map Run failed"),
MapRunStatus (RUNNING, SUCCEEDED, FAILED, ABORTED), HistoryEventType (MapRunAborted, which has no
details, and MapStateAborted); developer guide redrive-map-run.md (a Map Run stops its Standard
children when its parent stops or times out, and a redrive goes on with it). Recorded
(histories.jsonl, test_stop_execution): a stopped execution's history ends with ExecutionAborted
following event 0, its open states getting no event; a Task aborted in a Parallel branch gets
TaskStateAborted, which does not advance the branch's chain. Not recorded: a Map Run aborted
while its parent goes on (MapRunAborted's place is inferred from MapRunFailed's, recorded).
"""
from aslsim.services.calls import Outside

import aslsim

START_MS = 1_735_689_600_000        # 2025-01-01T00:00:00Z, the default start
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:work"


def processor(states, start, execution_type="STANDARD"):
    return {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": execution_type},
            "StartAt": start, "States": states}


WAITING = processor({"Wait": {"Type": "Wait", "Seconds": 100, "End": True}}, "Wait")


def distributed_map(item_processor=WAITING, **fields):
    return {"Type": "Map", "ItemProcessor": item_processor, "End": True, **fields}


def events(history):
    return [(e["type"], e["previousEventId"]) for e in history]


def assert_stopped_child(child, stop_date):
    """A child its Map Run stopped: ABORTED then, its history that of a stopped execution."""
    assert (child.status, child.stop_date) == ("ABORTED", stop_date)
    types = [e["type"] for e in child.history]
    assert types[-1] == "ExecutionAborted" and child.history[-1]["previousEventId"] == 0
    assert not [t for t in types[:-1] if t.endswith("Aborted")]


def test_stopping_the_parent_aborts_its_map_run_and_stops_every_running_child():
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map()}})
    execution = machine.run([1, 2, 3], stop_after=10)
    assert execution.status == "ABORTED"
    # recorded: a stopped execution's open states get no event, so no MapRunAborted either
    assert events(execution.history) == [
        ("ExecutionStarted", 0), ("MapStateEntered", 0), ("MapStateStarted", 2),
        ("MapRunStarted", 3), ("ExecutionAborted", 0)]
    map_run = execution.map_runs[0]
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:00:10.000Z")
    aborted = {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "timedOut": 0,
               "aborted": 3, "total": 3}
    assert map_run.execution_counts() == map_run.item_counts() == aborted
    for child in map_run.children:
        assert_stopped_child(child, "2025-01-01T00:00:10.000Z")
        assert [e["type"] for e in child.history] == ["ExecutionStarted", "WaitStateEntered",
                                                      "ExecutionAborted"]


def test_children_that_ended_keep_their_outcome_and_those_never_started_stay_pending():
    quick_or_slow = processor({
        "Pick": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Quick"}],
                 "Default": "Slow"},
        "Quick": {"Type": "Pass", "End": True},
        "Slow": {"Type": "Wait", "Seconds": 100, "End": True}}, "Pick")
    machine = aslsim.load({"StartAt": "Map", "States": {
        "Map": distributed_map(quick_or_slow, MaxConcurrency=2, ItemBatcher={"MaxItemsPerBatch": 2})}})
    execution = machine.run([1, 2, 3, 4, 5, 6], stop_after=10)
    # batched, each child has two items; two run at once: the third batch never starts
    map_run = execution.map_runs[0]
    assert [c.status for c in map_run.children[:2]] == ["ABORTED", "ABORTED"]
    assert map_run.children[2] is None
    assert map_run.execution_counts()["aborted"] == 2 and map_run.execution_counts()["pending"] == 1
    assert map_run.item_counts() == {"pending": 2, "running": 0, "succeeded": 0, "failed": 0,
                                     "timedOut": 0, "aborted": 4, "total": 6}


def test_a_timed_out_parent_aborts_its_map_run_with_a_map_run_aborted_event():
    machine = aslsim.load({"TimeoutSeconds": 10, "StartAt": "Map", "States": {"Map": distributed_map()}})
    execution = machine.run([1, 2])
    assert execution.status == "TIMED_OUT"
    assert events(execution.history)[3:] == [
        ("MapRunStarted", 3), ("MapRunAborted", 4), ("MapStateAborted", 4), ("ExecutionTimedOut", 6)]
    assert "mapRunAbortedEventDetails" not in execution.history[4]      # MapRunAborted has none
    map_run = execution.map_runs[0]
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:00:10.000Z")
    for child in map_run.children:
        assert_stopped_child(child, "2025-01-01T00:00:10.000Z")


def test_a_failing_parallel_branch_aborts_the_map_run_in_the_other_branch():
    machine = aslsim.load({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Map", "States": {"Map": distributed_map()}},
        {"StartAt": "Later", "States": {"Later": {"Type": "Wait", "Seconds": 5, "Next": "Boom"},
                                        "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "no"}}}]}}})
    execution = machine.run([1, 2])
    assert (execution.status, execution.error) == ("FAILED", "Boom")
    history = events(execution.history)
    started = history.index(("MapRunStarted", 5)) + 1
    fail = history.index(("FailStateEntered", 8)) + 1
    # the aborts follow the Map's last event without advancing its branch: ParallelStateFailed
    # follows the failing branch's last event, as with TaskStateAborted (recorded)
    assert history[fail:] == [("MapRunAborted", started), ("MapStateAborted", started),
                              ("ParallelStateFailed", fail), ("ExecutionFailed", fail + 3)]
    map_run = execution.map_runs[0]
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:00:05.000Z")
    assert map_run.execution_counts()["aborted"] == 2
    for child in map_run.children:
        assert_stopped_child(child, "2025-01-01T00:00:05.000Z")


def test_a_failed_map_run_stops_its_children_still_running():
    one_fails = processor({
        "Pick": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Soon"}],
                 "Default": "Slow"},
        "Soon": {"Type": "Wait", "Seconds": 5, "Next": "Bad"},
        "Bad": {"Type": "Fail", "Error": "Bad"},
        "Slow": {"Type": "Wait", "Seconds": 100, "End": True}}, "Pick")
    execution = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(one_fails)}}).run([1, 2, 3])
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    assert [e["type"] for e in execution.history][3:] == [
        "MapRunStarted", "MapRunFailed", "MapStateFailed", "ExecutionFailed"]
    map_run = execution.map_runs[0]
    assert map_run.status == "FAILED"
    counts = map_run.execution_counts()
    assert (counts["failed"], counts["aborted"], counts["running"]) == (1, 2, 0)
    assert map_run.children[0].history[-1]["type"] == "ExecutionFailed"
    for child in map_run.children[1:]:
        assert_stopped_child(child, "2025-01-01T00:00:05.000Z")


def test_a_parent_stopped_while_its_children_wait_on_the_outside_world():
    waits = []

    def wait(call, kind):
        waits.append(Outside(call.task_token or f"token-{len(waits)}", call, kind))
        return waits[-1]

    world = type("World", (), {"wait": staticmethod(wait)})()
    activity = processor({"Work": {"Type": "Task", "Resource": ACTIVITY, "End": True}}, "Work")
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(activity)}})
    live = machine.start([1, 2], outside=world)
    assert not live.finished and len(waits) == 2
    assert live.deliver(waits[0], ("success", {"done": 1}))
    waiting = live.runner.map_runs[0].children[1]      # its history so far, while it runs
    assert waiting.status == "RUNNING"
    assert [e["type"] for e in waiting.history] == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]
    assert [e.type for e in waiting.events] == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled"]
    execution = live.stop("Manual", "stopped by the test")
    assert (execution.status, execution.error, execution.cause) == ("ABORTED", "Manual", "stopped by the test")
    assert [e["type"] for e in execution.history][-2:] == ["MapRunStarted", "ExecutionAborted"]
    map_run = execution.map_runs[0]
    assert [c.status for c in map_run.children] == ["SUCCEEDED", "ABORTED"]
    assert_stopped_child(map_run.children[1], map_run.stop_date)
    assert [e["type"] for e in map_run.children[1].history] == [
        "ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ExecutionAborted"]
    counts = map_run.execution_counts()
    assert (map_run.status, counts["succeeded"], counts["aborted"]) == ("ABORTED", 1, 1)


def test_redriving_a_stopped_parent_goes_on_with_its_map_run_and_its_stopped_children():
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map()}})
    stopped = machine.run([1, 2], stop_after=10)
    execution = machine.redrive(stopped).execution
    assert execution.status == "SUCCEEDED"
    map_run = execution.map_runs[0]
    assert map_run.arn == stopped.map_runs[0].arn and map_run.redrive_count == 1
    for child in map_run.children:
        # a Standard child goes on from the state it was stopped in, after its ExecutionAborted
        assert [e["type"] for e in child.history] == [
            "ExecutionStarted", "WaitStateEntered", "ExecutionAborted", "ExecutionRedriven",
            "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded"]


class World:
    """The outside world of a test: every wait it is asked for."""

    def __init__(self):
        self.waits: list[Outside] = []

    def wait(self, call, kind):
        self.waits.append(Outside(call.task_token or f"token-{len(self.waits)}", call, kind))
        return self.waits[-1]


def test_stopping_one_child_aborts_it_alone_and_the_map_run_goes_on():
    world = World()
    activity = processor({"Work": {"Type": "Task", "Resource": ACTIVITY, "End": True}}, "Work")
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(activity, ToleratedFailureCount=1)}})
    live = machine.start([1, 2], outside=world)
    map_run = live.runner.map_runs[0]
    first = map_run.children[0]
    assert live.stop_child(first.execution_arn, "Halt", "one of them")
    assert not live.stop_child(first.execution_arn)          # it is no longer running
    assert (first.status, first.error, first.cause) == ("ABORTED", "Halt", "one of them")
    assert events(first.history) == [("ExecutionStarted", 0), ("TaskStateEntered", 0),
                                     ("ActivityScheduled", 2), ("ExecutionAborted", 0)]
    assert first.history[-1]["executionAbortedEventDetails"] == {"error": "Halt", "cause": "one of them"}
    assert world.waits[0].closed and not live.deliver(world.waits[0], ("success", 1))
    assert not live.finished and map_run.status == "RUNNING"
    assert live.deliver(world.waits[1], ("success", 2))
    execution = live.execution
    assert execution.status == "SUCCEEDED"       # one failure tolerated: the aborted child
    assert execution.output[0]["Status"] == "ABORTED" and execution.output[1] == 2
    assert map_run.execution_counts()["aborted"] == 1 and map_run.execution_counts()["succeeded"] == 1


def test_stopped_children_count_against_the_tolerated_failures_wherever_they_wait():
    world = World()
    waits_then_works = processor({
        "Pause": {"Type": "Wait", "Seconds": 100, "Next": "Both"},
        "Both": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": ACTIVITY, "End": True}}}]}},
        "Pause")
    machine = aslsim.load({"StartAt": "Map", "States": {
        "Map": distributed_map(waits_then_works, ToleratedFailureCount=1)}})
    live = machine.start([1, 2], outside=world, until_ms=START_MS + 10_000)
    map_run = live.runner.map_runs[0]
    first, second = map_run.children
    assert live.stop_child(first.execution_arn)           # in its Wait: one failure, tolerated
    assert [e["type"] for e in first.history] == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"]
    assert first.history[-1]["executionAbortedEventDetails"] == {}
    assert not live.advance() and map_run.status == "RUNNING"
    assert second.status == "RUNNING" and len(world.waits) == 1
    assert live.stop_child(second.execution_arn, "Halt")   # in a Parallel branch: one too many
    assert [e["type"] for e in second.history][-4:] == [
        "ParallelStateStarted", "TaskStateEntered", "ActivityScheduled", "ExecutionAborted"]
    execution = live.execution
    assert (execution.status, execution.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert (map_run.status, map_run.execution_counts()["aborted"]) == ("FAILED", 2)
    assert world.waits[0].closed


def test_a_failing_inline_map_iteration_aborts_the_map_run_in_its_sibling():
    inner = distributed_map(ItemsPath="$.items")
    machine = aslsim.load({"StartAt": "Outer", "States": {"Outer": {"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "Pick", "States": {
            "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Later"}],
                     "Default": "Inner"},
            "Later": {"Type": "Wait", "Seconds": 5, "Next": "Boom"},
            "Boom": {"Type": "Fail", "Error": "Boom"},
            "Inner": inner}}}}})
    execution = machine.run([{"fail": False, "items": [1, 2]}, {"fail": True}])
    assert (execution.status, execution.error) == ("FAILED", "Boom")
    types = [e["type"] for e in execution.history]
    assert types[-6:] == ["MapIterationFailed", "MapRunAborted", "MapStateAborted", "MapIterationAborted",
                          "MapStateFailed", "ExecutionFailed"]
    map_run = execution.map_runs[0]
    assert (map_run.status, map_run.execution_counts()["aborted"]) == ("ABORTED", 2)
    for child in map_run.children:
        assert_stopped_child(child, "2025-01-01T00:00:05.000Z")
