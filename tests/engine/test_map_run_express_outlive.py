"""A Distributed Map's Express children when their Map Run ends early because the parent was
stopped, timed out or aborted: they go on to their own end, on virtual time, while the Standard
ones are stopped (tests/engine/test_map_run_abort.py); those not started never start.

Source: developer guide redrive-map-run ("Step Functions might still be ... waiting for child
workflow executions of Express type to complete"); API reference MapRunExecutionCounts (each
child counted by how it ended). Not recorded: the Map Run's stopDate, taken as the end of the
last Express child (the run ends once they have); its status stays ABORTED.
"""
import aslsim

from aslsim.services.calls import Outside
from tests.engine.test_map_run_abort import ACTIVITY, distributed_map, events, processor

WAITING = processor({"Wait": {"Type": "Wait", "Seconds": 100, "Next": "Ship"},
                     "Ship": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                              "Parameters": {"FunctionName": "ship", "Payload.$": "$"},
                              "OutputPath": "$.Payload"}}, "Wait", "EXPRESS")
MOCKS = {"Ship": {"return": {"Payload": "shipped"}}}


def assert_outlived(map_run, stop_date, statuses):
    assert (map_run.status, map_run.stop_date) == ("ABORTED", stop_date)
    assert [c.status for c in map_run.children if c is not None] == statuses
    for child in map_run.children:
        if child is not None and child.status == "SUCCEEDED":
            assert child.stop_date == stop_date and child.output == "shipped"
            assert child.history[-1]["type"] == "ExecutionSucceeded"
            assert not [e for e in child.history if e["type"].endswith("Aborted")]


def test_a_stopped_parent_lets_its_running_express_children_finish_and_their_outcome_counts():
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(WAITING)}})
    execution = machine.run([1, 2, 3], mocks=MOCKS, stop_after=10)
    # the parent's own history is that of a stopped execution, as with Standard children
    assert (execution.status, execution.stop_date) == ("ABORTED", "2025-01-01T00:00:10.000Z")
    assert events(execution.history) == [
        ("ExecutionStarted", 0), ("MapStateEntered", 0), ("MapStateStarted", 2),
        ("MapRunStarted", 3), ("ExecutionAborted", 0)]
    map_run = execution.map_runs[0]
    assert_outlived(map_run, "2025-01-01T00:01:40.000Z", ["SUCCEEDED"] * 3)
    assert map_run.execution_counts() == {"pending": 0, "running": 0, "succeeded": 3, "failed": 0,
                                          "timedOut": 0, "aborted": 0, "total": 3}
    child = map_run.children[0]
    assert [e["type"] for e in child.history] == [
        "ExecutionStarted", "WaitStateEntered", "WaitStateExited", "TaskStateEntered",
        "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    # their Task calls were made, after the parent had ended
    assert [c.state for c in execution.calls].count("Ship") == 3


def test_express_children_not_yet_started_never_start():
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(WAITING, MaxConcurrency=1)}})
    execution = machine.run([1, 2, 3], mocks=MOCKS, stop_after=10)
    map_run = execution.map_runs[0]
    assert map_run.children[1:] == [None, None]
    assert_outlived(map_run, "2025-01-01T00:01:40.000Z", ["SUCCEEDED"])
    assert map_run.item_counts() == {"pending": 2, "running": 0, "succeeded": 1, "failed": 0,
                                     "timedOut": 0, "aborted": 0, "total": 3}


def test_a_timed_out_parent_counts_its_express_children_that_fail_afterwards():
    fails_late = processor({"Wait": {"Type": "Wait", "SecondsPath": "$", "Next": "Bad"},
                            "Bad": {"Type": "Fail", "Error": "Bad", "Cause": "late"}}, "Wait", "EXPRESS")
    machine = aslsim.load({"TimeoutSeconds": 10, "StartAt": "Map", "States": {
        "Map": distributed_map(fails_late, ToleratedFailureCount=5)}})
    execution = machine.run([5, 30, 60])
    assert execution.status == "TIMED_OUT" and execution.stop_date == "2025-01-01T00:00:10.000Z"
    assert events(execution.history)[3:] == [
        ("MapRunStarted", 3), ("MapRunAborted", 4), ("MapStateAborted", 4), ("ExecutionTimedOut", 6)]
    map_run = execution.map_runs[0]
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:01:00.000Z")
    assert [c.stop_date for c in map_run.children] == [
        "2025-01-01T00:00:05.000Z", "2025-01-01T00:00:30.000Z", "2025-01-01T00:01:00.000Z"]
    assert map_run.execution_counts()["failed"] == 3
    assert all(c.history[-1]["type"] == "ExecutionFailed" for c in map_run.children)


def test_an_aborted_branch_lets_its_express_children_finish_while_the_parent_goes_on():
    machine = aslsim.load({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Next": "After", "Catch": [{"ErrorEquals": ["Boom"], "Next": "After"}],
                 "Branches": [
                     {"StartAt": "Map", "States": {"Map": distributed_map(WAITING)}},
                     {"StartAt": "Later", "States": {
                         "Later": {"Type": "Wait", "Seconds": 5, "Next": "Boom"},
                         "Boom": {"Type": "Fail", "Error": "Boom"}}}]},
        "After": {"Type": "Wait", "Seconds": 300, "End": True}}})
    execution = machine.run([1, 2], mocks=MOCKS)
    assert execution.status == "SUCCEEDED" and execution.stop_date == "2025-01-01T00:05:05.000Z"
    types = [e["type"] for e in execution.history]
    assert types.count("MapRunAborted") == 1 and types.count("MapStateAborted") == 1
    assert_outlived(execution.map_runs[0], "2025-01-01T00:01:40.000Z", ["SUCCEEDED"] * 2)


def test_a_parent_that_ends_before_its_express_children_keeps_its_own_end():
    machine = aslsim.load({"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Map", "States": {"Map": distributed_map(WAITING)}},
        {"StartAt": "Soon", "States": {"Soon": {"Type": "Wait", "Seconds": 1, "Next": "Boom"},
                                       "Boom": {"Type": "Fail", "Error": "Boom"}}}]}}})
    execution = machine.run([1], mocks=MOCKS)
    assert (execution.status, execution.error, execution.stop_date) == (
        "FAILED", "Boom", "2025-01-01T00:00:01.000Z")
    assert execution.history[-1]["type"] == "ExecutionFailed"
    assert execution.history[-1]["timestamp"] == execution.history[-2]["timestamp"]
    assert_outlived(execution.map_runs[0], "2025-01-01T00:01:40.000Z", ["SUCCEEDED"])


def test_a_failed_map_run_still_stops_its_express_children():
    one_fails = processor({
        "Pick": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Bad"}],
                 "Default": "Slow"},
        "Bad": {"Type": "Fail", "Error": "Bad"},
        "Slow": {"Type": "Wait", "Seconds": 100, "End": True}}, "Pick", "EXPRESS")
    execution = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(one_fails)}}).run([2, 1])
    assert execution.error == "States.ExceedToleratedFailureThreshold"
    map_run = execution.map_runs[0]
    assert map_run.status == "FAILED" and map_run.stop_date == "2025-01-01T00:00:00.000Z"
    assert [c.status for c in map_run.children] == ["ABORTED", "FAILED"]
    assert map_run.children[0].history[-1]["type"] == "ExecutionAborted"


def test_an_express_child_left_waiting_on_the_outside_world_is_stopped_with_its_run():
    # a wait no one outside can end once the parent has gone: the child is stopped once nothing
    # else is left to run (AWS's Express workflows have no activities nor callbacks)
    waits = []

    def wait(call, kind):
        waits.append(Outside(f"token-{len(waits)}", call, kind))
        return waits[-1]

    world = type("World", (), {"wait": staticmethod(wait)})()
    items = processor({"Pick": {"Type": "Choice", "Default": "Quick", "Choices": [
                           {"Variable": "$", "NumericEquals": 1, "Next": "Work"}]},
                       "Work": {"Type": "Task", "Resource": ACTIVITY, "End": True},
                       "Quick": {"Type": "Wait", "Seconds": 50, "End": True}}, "Pick", "EXPRESS")
    live = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(items)}}).start([1, 2], outside=world)
    assert not live.finished and len(waits) == 1
    execution = live.stop()
    map_run = execution.map_runs[0]
    assert [c.status for c in map_run.children] == ["ABORTED", "SUCCEEDED"]
    assert map_run.children[0].history[-1]["type"] == "ExecutionAborted"
    assert execution.stop_date == "2025-01-01T00:00:00.000Z"
    assert map_run.children[0].stop_date == map_run.children[1].stop_date == "2025-01-01T00:00:50.000Z"
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:00:50.000Z")


def test_redriving_the_parent_keeps_the_express_children_that_succeeded_after_it_stopped():
    late = processor({"Wait": {"Type": "Wait", "SecondsPath": "$", "Next": "Check"},
                      "Check": {"Type": "Choice", "Default": "Done", "Choices": [
                          {"Variable": "$", "NumericGreaterThan": 50, "Next": "TooSlow"}]},
                      "TooSlow": {"Type": "Fail", "Error": "TooSlow"},
                      "Done": {"Type": "Pass", "End": True}}, "Wait", "EXPRESS")
    machine = aslsim.load({"StartAt": "Map", "States": {"Map": distributed_map(late, ToleratedFailureCount=1)}})
    stopped = machine.run([20, 60], stop_after=10)
    kept = stopped.map_runs[0].children[0]
    assert [c.status for c in stopped.map_runs[0].children] == ["SUCCEEDED", "FAILED"]
    execution = machine.redrive(stopped).execution
    assert execution.status == "SUCCEEDED"
    map_run = execution.map_runs[0]
    assert map_run.redrive_count == 1 and map_run.status == "SUCCEEDED"
    assert map_run.children[0] is kept           # it succeeded: not run again
    rerun = map_run.children[1]
    # the redrive goes on once the Express children that outlived the stop have ended
    assert rerun.status == "FAILED" and rerun.start_date == "2025-01-01T00:01:00.000Z"
    assert execution.output[0] == 20 and execution.output[1]["Error"] == "TooSlow"


def test_the_map_run_is_running_while_its_express_children_outlive_the_abort():
    machine = aslsim.load({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Next": "After", "Catch": [{"ErrorEquals": ["Boom"], "Next": "After"}],
                 "Branches": [
                     {"StartAt": "Map", "States": {"Map": distributed_map(WAITING)}},
                     {"StartAt": "Boom", "States": {"Boom": {"Type": "Wait", "Seconds": 5, "Next": "Fail"},
                                                    "Fail": {"Type": "Fail", "Error": "Boom"}}}]},
        "After": {"Type": "Wait", "Seconds": 300, "End": True}}})
    world = type("World", (), {"wait": None})()
    start = 1_735_689_600_000
    live = machine.start([1, 2], mocks=MOCKS, outside=world, until_ms=start + 50_000)
    map_run = live.runner.map_runs[0]
    # aborted at 5 s (MapRunAborted is in the parent's history), waiting for its Express children
    assert "MapRunAborted" in [e["type"] for e in live.history()]
    assert (map_run.status, map_run.stop_date) == ("RUNNING", None)
    assert map_run.execution_counts()["running"] == 2
    live.advance(start + 100_000)
    assert (map_run.status, map_run.stop_date) == ("ABORTED", "2025-01-01T00:01:40.000Z")
    assert map_run.execution_counts()["succeeded"] == 2
    live.advance(start + 400_000)
    assert live.execution.status == "SUCCEEDED"
