"""Executions that wait on the outside world (activity workers, callbacks by task token) while
virtual time stands still, and go on when it answers: the engine side of aslsim serve."""
import aslsim
from aslsim.services.calls import Outside
from helpers import machine

ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:work"


class World:
    """The outside world of a test: every wait it is asked for, by token."""

    def __init__(self):
        self.waits: list[Outside] = []

    def wait(self, call, kind):
        outside = Outside(call.task_token or f"token-{len(self.waits)}", call, kind)
        self.waits.append(outside)
        return outside


def test_an_activity_waits_for_its_worker_and_ends_with_its_output():
    world = World()
    live = machine({"T": {"Type": "Task", "Resource": ACTIVITY, "End": True}}).start({"n": 1}, outside=world)
    assert not live.finished and live.awaiting == world.waits
    assert [e["type"] for e in live.history()][-1] == "ActivityScheduled"
    assert live.deliver(world.waits[0], ("started", "worker-1"))
    assert live.deliver(world.waits[0], ("success", {"done": True}))
    execution = live.execution
    assert (execution.status, execution.output) == ("SUCCEEDED", {"done": True})
    types = [e["type"] for e in execution.history]
    assert types == ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                     "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert execution.history[3]["activityStartedEventDetails"] == {"workerName": "worker-1"}
    assert world.waits[0].closed


def test_a_failure_from_outside_is_caught_like_any_task_error():
    world = World()
    live = machine({"T": {"Type": "Task", "Resource": ACTIVITY, "Next": "Ok",
                          "Catch": [{"ErrorEquals": ["Bad"], "Next": "Caught"}]},
                    "Ok": {"Type": "Succeed"}, "Caught": {"Type": "Pass", "End": True}}).start(outside=world)
    live.deliver(world.waits[0], ("failure", "Bad", "worker said so"))
    assert live.execution.status == "SUCCEEDED"
    assert live.execution.output == {"Error": "Bad", "Cause": "worker said so"}


def test_virtual_time_stands_still_while_waiting_and_heartbeats_time_out_when_it_moves():
    world = World()
    live = machine({"T": {"Type": "Task", "Resource": ACTIVITY, "HeartbeatSeconds": 10,
                          "TimeoutSeconds": 100, "End": True}}).start(outside=world)
    start = live.now_ms
    assert not live.advance() and live.now_ms == start          # nothing moves on its own
    assert not live.advance(start + 9_000)
    live.deliver(world.waits[0], ("heartbeat",))               # resets the 10 s heartbeat clock
    assert not live.advance(start + 18_000)
    assert live.advance(start + 30_000)
    assert live.execution.status == "FAILED" and live.execution.error == "States.Timeout"
    timed_out = live.execution.history[-2]
    assert timed_out["type"] == "ActivityTimedOut"
    assert timed_out["timestamp"] == "2025-01-01T00:00:19.000Z"     # the heartbeat at 9 s + 10 s


def test_a_callback_task_waits_for_its_token():
    world = World()
    live = machine({"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                          "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
                          "End": True}}).start(outside=world)
    token = world.waits[0].token
    scheduled = next(e for e in live.history() if e["type"] == "TaskScheduled")
    assert token in scheduled["taskScheduledEventDetails"]["parameters"]
    live.deliver(world.waits[0], ("success", "called back"))
    assert (live.execution.status, live.execution.output) == ("SUCCEEDED", "called back")


def test_stopping_a_waiting_execution_aborts_it_with_the_error_and_cause_given():
    world = World()
    live = machine({"T": {"Type": "Task", "Resource": ACTIVITY, "End": True}}).start(outside=world)
    execution = live.stop("Manual", "probe")
    assert (execution.status, execution.error, execution.cause) == ("ABORTED", "Manual", "probe")
    assert execution.history[-1]["type"] == "ExecutionAborted"
    assert execution.history[-1]["previousEventId"] == 0
    assert execution.history[-1]["executionAbortedEventDetails"] == {"error": "Manual", "cause": "probe"}
    assert world.waits[0].closed and not live.deliver(world.waits[0], ("success", 1))


def test_a_parallel_branch_waits_while_its_sibling_runs_up_to_its_own_wait():
    world = World()
    live = machine({"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ACTIVITY, "End": True}}},
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": True}}}]}},
        start="P").start(outside=world)
    assert not live.finished
    live.deliver(world.waits[0], ("success", "a"))
    assert (live.execution.status, live.execution.output) == ("SUCCEEDED", ["a", {}])
    assert live.execution.stop_ms - live.execution.start_ms == 60_000


def test_a_plain_run_never_waits_on_the_outside_world():
    execution = machine({"T": {"Type": "Task", "Resource": ACTIVITY, "End": True}}).run()
    assert execution.status == "FAILED" and execution.error == "States.Runtime"
