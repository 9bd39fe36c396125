"""A stop scheduled with ``run(stop_after=...)``: the execution is stopping once the stop comes,
not before. Until then a branch aborted by its sibling's failure gets its abort event (as
without a stop: recorded, a Task aborted in a Parallel branch gets TaskStateAborted), in the
execution and in its Map Run's children; when the stop comes, open states get none (recorded).
"""
import aslsim

from tests.engine.test_map_run_abort import distributed_map, processor

RACE = {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 50, "End": True}}},
    {"StartAt": "Soon", "States": {"Soon": {"Type": "Wait", "Seconds": 20, "Next": "F"},
                                   "F": {"Type": "Fail", "Error": "X"}}}]}


def aborts(history):
    return [e["type"] for e in history if e["type"].endswith("Aborted")]


def test_a_branch_aborted_before_a_scheduled_stop_gets_its_abort_event():
    machine = aslsim.load({"StartAt": "P", "States": {
        "P": {**RACE, "End": False, "Next": "Hold", "Catch": [{"ErrorEquals": ["X"], "Next": "Hold"}]},
        "Hold": {"Type": "Wait", "Seconds": 100, "End": True}}})
    execution = machine.run({}, stop_after=60)
    assert execution.status == "ABORTED"
    assert aborts(execution.history) == ["WaitStateAborted", "ExecutionAborted"]
    # the stop itself: the Wait it comes in gets no event
    assert [e["type"] for e in execution.history][-2:] == ["WaitStateEntered", "ExecutionAborted"]


def test_an_express_child_outliving_a_stop_records_its_own_aborted_branch():
    machine = aslsim.load({"StartAt": "Map", "States": {
        "Map": distributed_map(processor({"P": RACE}, "P", "EXPRESS"), ToleratedFailureCount=1)}})
    execution = machine.run([1], stop_after=10)
    (child,) = execution.map_runs[0].children
    assert child.status == "FAILED" and child.stop_date == "2025-01-01T00:00:20.000Z"
    assert aborts(child.history) == ["WaitStateAborted"]
