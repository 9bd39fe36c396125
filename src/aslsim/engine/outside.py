"""A Task attempt that waits on the outside world: an activity worker that polls for its task,
or a callback by task token (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat).

Virtual time stands still while it waits (the scheduler's Await); TimeoutSeconds and
HeartbeatSeconds are deadlines on the same clock, so they fire when the clock is moved past
them. A heartbeat resets the HeartbeatSeconds deadline, never the TimeoutSeconds one
(SendTaskHeartbeat's documentation).
"""
from __future__ import annotations

from ..errors import StatesError
from ..services.calls import Answer, Outside
from .scheduler import TIMED_OUT, Await


def await_outside(ctx, call, events, outside: Outside, record: dict):
    """A generator: the Answer the outside world gives (result or failure); a timeout raises
    States.Timeout after recording the TimedOut event."""
    run = ctx.run
    started = last_beat = run.scheduler.now
    timeout = None if call.timeout_s is None else call.timeout_s * 1000
    heartbeat = None if call.heartbeat_s is None else call.heartbeat_s * 1000
    try:
        while True:
            deadlines = [d for d in (timeout and started + timeout, heartbeat and last_beat + heartbeat)
                         if d is not None]
            message = yield Await(outside, min(deadlines) if deadlines else None)
            if message is TIMED_OUT:
                run.recorder.call_ended(record, {"error": "States.Timeout", "cause": "",
                                                 "time_done": run.scheduler.now})
                ctx.event(events.timed_out_type, {**events.tail, "error": "States.Timeout"})
                raise StatesError("States.Timeout", "")
            kind = message[0]
            if kind == "started":           # an activity worker took the task
                worker = message[1]
                ctx.event(events.started_type, {"workerName": worker} if worker else None)
            elif kind == "heartbeat":
                last_beat = run.scheduler.now
            elif kind == "success":
                return Answer(result=message[1], source="outside")
            elif kind == "failure":
                return Answer(error=message[1], cause=message[2], failed=True, source="outside")
    finally:
        outside.close()       # the token is spent: later SendTask* calls are TaskTimedOut
