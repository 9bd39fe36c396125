"""One execution, put together: its identity, seeds, recorder, scheduler, services and threads.

``Run`` is what executors reach through ``ctx.run``. ``ExecutionRun`` drives a Run from its
ExecutionStarted event to its end:

    execution = ExecutionRun(plan, input, services=..., identity=..., seeds=...)
    execution.run()                    # to the end, on virtual time (machine.run does this)

or in steps, for executions that wait on the outside world (a server, a replay):

    execution.start()
    while execution.advance() == BLOCKED:          # virtual time stands still meanwhile
        for wait in execution.waiting():           # task tokens and activity tasks
            execution.send_task_success(wait.token, {...})   # or _failure, _heartbeat
    execution.stop()                               # StopExecution: ABORTED
    execution.outcome                              # (status, output, error, cause)

A Distributed Map's children are Runs too (``Run.child``), on the parent's scheduler.
"""
from __future__ import annotations

import json
from typing import Any, NamedTuple

from ..definition.limits import (EXPRESS_MAX_DURATION_S, MAX_HISTORY_EVENTS, STANDARD_MAX_DURATION_S)
from ..errors import MockMissing, StatesError
from ..query.jsonpath import dumps
from . import walker
from .context import Frame, Scope
from .identity import Identity, Seeds
from .recorder import Recorder
from .scheduler import BLOCKED, FINISHED, TIMED_OUT, Scheduler

# What a Context object holds beside the execution's input and a Map item: ids, names, times
# and a task token, bounded generously (bytes of JSON), for the payload-size bounds.
_CONTEXT_OVERHEAD = 8192


class Run:
    """One execution's parts, as its executors see them through ``ctx.run``."""

    __slots__ = ("identity", "seeds", "recorder", "clock", "services", "s3", "stopping", "map_runs",
                 "top", "context_bound", "max_states_at_one_instant", "outside")

    def __init__(self, *, identity: Identity, seeds: Seeds, recorder: Recorder, clock: Scheduler,
                 services, s3=None, map_runs: list | None = None, input_size: int = 0,
                 outside=None):
        self.identity = identity
        self.seeds = seeds
        self.recorder = recorder
        self.clock = clock              # the scheduler: its .now is the virtual time
        self.services = services
        self.s3 = s3                    # the S3Store a Distributed Map reads and writes (or None)
        self.stopping = False           # the run ends by StopExecution: open states get no event
        self.map_runs: list = [] if map_runs is None else map_runs
        self.top = Frame(Scope(), 0, size=input_size)
        self.context_bound = input_size + _CONTEXT_OVERHEAD
        self.max_states_at_one_instant = walker.MAX_STATES_AT_ONE_INSTANT
        self.outside = outside          # the mailbox of callbacks from outside (None: nobody calls)

    def thread(self, graph, data, frame: Frame):
        """A generator running ``graph`` (a PlanGraph) as the thread ``frame``."""
        return walker.run_graph(self, graph, data, frame)

    # -- child executions (Distributed Map) --------------------------------------------------
    def child(self, child_input, *, name: str, label: str, express: bool, input_size: int) -> "Run":
        """A child workflow execution of a Distributed Map, on this execution's clock: its own
        history, ARN and Context object (its state machine is ``machine/label``, as AWS names
        it), no access to this execution's variables; the services, calls and trace shared."""
        parent = self.identity
        seeds = Seeds(self.seeds.ids.getrandbits(64))
        identity = Identity(machine_name=f"{parent.machine_name}/{label}", name=name,
                            region=parent.region, account=parent.account, express=express,
                            start_ms=self.clock.now, execution_input=child_input, seeds=seeds)
        child = Run(identity=identity, seeds=seeds,
                    recorder=self.recorder.child(limit=None if express else MAX_HISTORY_EVENTS),
                    clock=self.clock, services=self.services, s3=self.s3, map_runs=self.map_runs,
                    input_size=input_size, outside=self.outside)
        child.stopping = self.stopping
        return child

    def run_child(self, graph):
        """A generator running this child execution to its end: (status, output, error, cause)."""
        recorder = self.recorder
        recorder.end("ExecutionStarted", 0, {"input": self.identity.input, "roleArn": self.identity.role_arn})
        self.top.prev = 0
        try:
            output = yield from self.thread(graph, self.identity.input, self.top)
        except StatesError as err:
            recorder.end("ExecutionFailed", len(recorder), {"error": err.error, "cause": err.cause})
            if isinstance(err, MockMissing):
                raise
            return "FAILED", None, err.error, err.cause or None
        except GeneratorExit:
            if not self.stopping:
                recorder.add("ExecutionAborted", len(recorder), {})
            raise
        recorder.end("ExecutionSucceeded", self.top.prev, {"output": output})
        return "SUCCEEDED", output, None, None


class Outcome(NamedTuple):
    status: str                 # SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    output: Any = None
    error: str | None = None
    cause: str | None = None


class ExecutionRun:
    """Drives one execution of a compiled machine plan on virtual time (see the module doc)."""

    def __init__(self, plan, execution_input, *, services, identity: Identity, seeds: Seeds,
                 timeout_seconds: int | None = None, stop_ms: int | None = None, s3=None,
                 input_size: int = 0, outside=None):
        self.plan = plan
        self.clock = Scheduler(identity.start_ms)
        limit = None if identity.express else MAX_HISTORY_EVENTS
        self.run_state = Run(identity=identity, seeds=seeds, recorder=Recorder(self.clock, limit=limit),
                             clock=self.clock, services=services, s3=s3, input_size=input_size,
                             outside=outside)
        self.input = execution_input
        self.outcome: Outcome | None = None
        # AWS ends a Standard execution after a year and an Express one after five minutes, as
        # a timeout (States.Timeout); TimeoutSeconds may end it sooner, StopExecution too.
        longest = EXPRESS_MAX_DURATION_S if identity.express else STANDARD_MAX_DURATION_S
        seconds = longest if timeout_seconds is None else min(timeout_seconds, longest)
        self.deadline = identity.start_ms + seconds * 1000
        if stop_ms is not None and stop_ms < self.deadline:
            self.deadline = stop_ms
            self.run_state.stopping = True

    @property
    def recorder(self) -> Recorder:
        return self.run_state.recorder

    def run(self) -> Outcome:
        """Run to the end; BLOCKED cannot happen when nothing outside is awaited."""
        self.start()
        status = self.advance()
        if status == BLOCKED:
            raise RuntimeError("the execution awaits the outside world: drive it with advance()")
        return self.outcome

    def start(self) -> None:
        run = self.run_state
        identity = run.identity
        run.recorder.end("ExecutionStarted", 0, {"input": self.input, "roleArn": identity.role_arn})
        # AWS records the first state as following event 0, not ExecutionStarted (recorded).
        run.top.prev = 0
        self.clock.start(run.thread(self.plan, self.input, run.top))

    def advance(self, *, until_ms: int | None = None) -> str:
        """Run on until the execution ends (FINISHED) or only waits for the outside world
        (BLOCKED); with ``until_ms`` virtual time may run on to then while it waits."""
        if self.outcome is not None:
            return FINISHED
        try:
            status = self.clock.advance(self.deadline, until_ms=until_ms)
            if status == BLOCKED:
                return BLOCKED
            finished, output = self.clock.result(status)
        except StatesError as err:
            self._end_failed(err)
            return FINISHED
        self._end(finished, output)
        return FINISHED

    def _end_failed(self, err: StatesError) -> None:
        recorder = self.recorder
        recorder.end("ExecutionFailed", len(recorder), {"error": err.error, "cause": err.cause})
        # an empty cause is absent on AWS, in the event and in DescribeExecution (recorded)
        self.outcome = Outcome("FAILED", None, err.error, err.cause or None)

    def _end(self, finished: bool, output) -> None:
        recorder = self.recorder
        if not finished and self.run_state.stopping:
            # recorded (test_stop_execution): ExecutionAborted follows event 0, with empty details
            recorder.end("ExecutionAborted", 0, {})
            self.outcome = Outcome("ABORTED")
        elif not finished:
            cause = "The execution timed out."
            recorder.end("ExecutionTimedOut", len(recorder), {"error": "States.Timeout", "cause": cause})
            self.outcome = Outcome("TIMED_OUT", None, "States.Timeout", cause)
        else:
            recorder.end("ExecutionSucceeded", self.run_state.top.prev, {"output": output})
            # the caller gets its own copy: outputs may share objects with constants or mocks
            self.outcome = Outcome("SUCCEEDED", json.loads(dumps(output)))

    # -- the outside world (serve) ------------------------------------------------------------
    def waiting(self) -> list:
        """What the execution waits for from outside: ``External`` records (task tokens of
        ``.waitForTaskToken`` Tasks, activity tasks), oldest first."""
        outside = self.run_state.outside
        return [] if outside is None else outside.pending(self.clock.awaiting())

    def send_task_success(self, token: str, output: Any) -> bool:
        return self._send(token, ("success", output, None))

    def send_task_failure(self, token: str, error: str | None = None, cause: str | None = None) -> bool:
        return self._send(token, ("failure", error, cause))

    def send_task_heartbeat(self, token: str) -> bool:
        return self._send(token, ("heartbeat", None, None))

    def _send(self, token: str, message) -> bool:
        return self.clock.resume(("task", token), message)

    def stop(self) -> None:
        """StopExecution: whatever was still to happen never happens; the execution is ABORTED."""
        if self.outcome is not None:
            return
        self.run_state.stopping = True
        self.clock.cancel()
        self.recorder.end("ExecutionAborted", 0, {})
        self.outcome = Outcome("ABORTED")


__all__ = ["Run", "ExecutionRun", "Outcome", "FINISHED", "BLOCKED", "TIMED_OUT"]
