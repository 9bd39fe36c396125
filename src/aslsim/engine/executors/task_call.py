"""One attempt of a Task as the service sees it, in four steps: schedule, answer, wait, result.

``schedule`` refuses parameters the service's API model refuses, before anything is recorded
(AWS never schedules such a call: it is in neither the history nor ``Execution.calls``), then
records the call and its Scheduled and Started events. ``ask`` asks the execution's answerers
(and, for ``.waitForTaskToken``, the declared callback); an answer that is the outside world's
(an activity worker, a callback by token) is awaited on the scheduler (``outside``).
``wait`` lets the answer's virtual time pass within TimeoutSeconds and HeartbeatSeconds.
``result`` records how the call ended and checks the result against the payload limit.
"""
from __future__ import annotations

from ...definition.limits import PAYLOAD_BYTES
from ...errors import MockMissing, StatesError
from ...services.calls import Answer, TaskCall
from ..scheduler import Sleep
from ..outside import await_outside
from ..sizes import measure

# a wait nobody ends: longer than any execution may run (a Standard execution lasts a year)
FOREVER_MS = 400 * 24 * 3600 * 1000


class TaskEvents:
    """The event names and details a kind of target gets in the history (one per Task state)."""

    __slots__ = ("prefix", "tail", "scheduled_type", "started_type", "submitted_type",
                 "succeeded_type", "failed_type", "timed_out_type")

    def __init__(self, resource):
        if resource.kind == "lambda-function":
            self.prefix, self.tail = "LambdaFunction", {}
        elif resource.kind == "activity":
            self.prefix, self.tail = "Activity", {}
        else:
            self.prefix = "Task"
            self.tail = {"resourceType": resource.resource_type, "resource": resource.api}
        prefix = self.prefix
        self.scheduled_type, self.started_type = prefix + "Scheduled", prefix + "Started"
        self.submitted_type, self.succeeded_type = prefix + "Submitted", prefix + "Succeeded"
        self.failed_type, self.timed_out_type = prefix + "Failed", prefix + "TimedOut"

    def scheduled(self, call: TaskCall) -> dict:
        resource = call.resource
        if self.prefix == "Task":
            details = {"resourceType": resource.resource_type, "resource": resource.api,
                       "region": call.region, "parameters": call.parameters}
        else:
            details = {"resource": resource.arn, "input": call.parameters}
        if call.timeout_s is not None:
            details["timeoutInSeconds"] = call.timeout_s
        if call.heartbeat_s is not None:
            details["heartbeatInSeconds"] = call.heartbeat_s
        if call.role_arn is not None:
            details["taskCredentials"] = {"roleArn": call.role_arn}
        return details


def call_service(ctx, call: TaskCall, events: TaskEvents):
    """A generator making one call; returns its result or raises its error."""
    slot = schedule(ctx, call, events)
    answer = ask(ctx, call, events, slot)
    if answer.outside is not None:
        answer = yield from await_outside(ctx, call, events, answer.outside, slot)
    if answer.duration_ms:     # an answer at once leaves nothing to wait for, nor to time out
        yield from wait(ctx, call, events, slot, answer)
    return result(ctx, call, events, slot, answer)


def schedule(ctx, call: TaskCall, events: TaskEvents) -> dict:
    run = ctx.run
    if not ctx.plan.parameters_checked:
        run.services.check(call)
    fields = {"state": call.state, "resource": call.resource.arn, "parameters": call.parameters,
              "time": call.time_ms}
    if call.task_token is not None:
        fields["task_token"] = call.task_token
    slot = run.recorder.call_started(fields)
    recorder, frame = run.recorder, ctx.frame
    recorder.event(events.scheduled_type, frame, events.scheduled(call))
    # an activity is Started when a worker takes it, which may be much later (``ask``)
    if call.resource.kind != "activity":
        recorder.event(events.started_type, frame, dict(events.tail) if events.tail else None)
    return slot


def ask(ctx, call: TaskCall, events: TaskEvents, slot: dict) -> Answer:
    run = ctx.run
    try:
        answer = run.services.answer(call)
        if call.resource.kind == "activity" and answer.outside is None:
            ctx.event(events.started_type, None)
        if answer.has_submitted:
            ctx.event(events.submitted_type, {**events.tail, "output": answer.submitted})
        if call.pattern == ".waitForTaskToken" and answer.awaits_callback and not answer.failed:
            # a real service received the token; the test's declared callback ends the wait
            callback = run.services.callback(call)
            if callback is None and call.timeout_s is None and call.heartbeat_s is None:
                raise MockMissing(f"the Task state '{call.state}' waits for a callback with its task "
                                  "token and no callback is declared for it: pass callbacks="
                                  f"{{'{call.state}': aslsim.TaskSuccess(...)}}")
            answer = callback or Answer(duration_ms=FOREVER_MS)
    except MockMissing:
        run.recorder.call_ended(slot, {"error": "aslsim.MockMissing"})
        raise
    return answer


def wait(ctx, call: TaskCall, events: TaskEvents, slot: dict, answer: Answer):
    """Let the answer's duration pass, unless TimeoutSeconds or HeartbeatSeconds ends it first."""
    timeout, heartbeat = call.timeout_s, call.heartbeat_s
    duration = answer.duration_ms
    limit = None if timeout is None else timeout * 1000
    if heartbeat is not None and call.pattern == ".waitForTaskToken":
        beat = answer.heartbeat_ms
        if beat is None or beat > heartbeat * 1000:
            # no heartbeat arrives in time: the wait ends at HeartbeatSeconds (recorded: States.Timeout)
            if limit is None or heartbeat * 1000 < limit:
                limit = heartbeat * 1000
    if limit is not None and duration > limit:
        if limit:
            yield Sleep(limit)
        ctx.run.recorder.call_ended(slot, {"error": "States.Timeout", "cause": "", "time_done": ctx.run.scheduler.now})
        ctx.event(events.timed_out_type, {**events.tail, "error": "States.Timeout"})
        raise StatesError("States.Timeout", "")  # caught as {"Error": "States.Timeout", "Cause": ""} (recorded)
    if duration:
        yield Sleep(duration)


def result(ctx, call: TaskCall, events: TaskEvents, slot: dict, answer: Answer):
    recorder = ctx.run.recorder
    now = ctx.run.scheduler.now
    if answer.failed:
        error, cause = answer.error, answer.cause
        if call.pattern == ".waitForTaskToken":
            # SendTaskFailure without error or cause fields: both are null in the Catch's output
            # (recorded: test_sqs_failure_in_wait_for_task_tok_no_error_field)
            error, cause = error or None, cause or None
        recorder.call_ended(slot, {"time_done": now, "error": error, "cause": cause})
        ctx.event(events.timed_out_type if error == "States.Timeout" else events.failed_type,
                  {**events.tail, "error": error, "cause": cause})
        raise StatesError(error, cause)
    value = answer.result
    size = measure(value)
    if size > PAYLOAD_BYTES:
        name = call.resource.resource_type if events.prefix == "Task" else call.resource.arn
        cause = (f"The state/task '{name}' returned a result with a size exceeding the maximum "
                 "number of bytes service limit.")
        recorder.call_ended(slot, {"time_done": now, "error": "States.DataLimitExceeded", "cause": cause})
        ctx.event(events.failed_type, {**events.tail, "error": "States.DataLimitExceeded", "cause": cause})
        raise StatesError("States.DataLimitExceeded", cause)
    ctx.result_size = size
    recorder.call_ended(slot, {"time_done": now, "result": value})
    recorder.event(events.succeeded_type, ctx.frame, {**events.tail, "output": value})
    return value
