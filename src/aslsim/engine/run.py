"""One execution, put together: its identity, seeds, recorder, scheduler, services and threads.

``Run`` is what executors reach through ``ctx.run``. ``ExecutionRun`` drives a Run from its
ExecutionStarted event to its end:

    execution = ExecutionRun(plan, input, services=..., identity=..., seeds=...)
    execution.run()                    # to the end, on virtual time (machine.run does this)

or in steps, for executions that wait on the outside world (``machine.LiveExecution``, the
server): Task attempts answered by an ``Outside`` wait on the scheduler (``engine.outside``)
while virtual time stands still.

    execution.begin()                              # or begin(start_at, data) after redrive(...)
    outcome = execution.advance(until_ms=None)     # None while it waits on the outside world
    execution.scheduler.wake(outside, message)         # SendTaskSuccess & co., an activity worker
    execution.stop(error, cause)                   # StopExecution: ABORTED

A Distributed Map's children are Runs too (``Run.child``), on the parent's scheduler.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..definition.limits import (EXPRESS_MAX_DURATION_S, MAX_HISTORY_EVENTS, STANDARD_MAX_DURATION_S)
from .. import jsonvalues
from ..errors import MockMissing, StatesError
from . import walker
from .context import Frame, Scope
from .identity import Identity, Seeds
from .recorder import Recorder
from .scheduler import BLOCKED, Scheduler

# What a Context object holds beside the execution's input and a Map item: ids, names, times
# and a task token, bounded generously (bytes of JSON), for the payload-size bounds.
_CONTEXT_OVERHEAD = 8192


class Run:
    """One execution's parts, as its executors see them through ``ctx.run``."""

    __slots__ = ("identity", "seeds", "recorder", "scheduler", "services", "s3", "stopping", "stop_details",
                 "map_runs", "top", "context_bound", "max_states_at_one_instant", "tester", "walk")

    def __init__(self, *, identity: Identity, seeds: Seeds, recorder: Recorder, scheduler: Scheduler,
                 services, s3=None, map_runs: list | None = None, input_size: int = 0):
        self.identity = identity
        self.seeds = seeds
        self.recorder = recorder
        self.scheduler = scheduler              # the scheduler: its .now is the virtual time
        self.services = services
        self.s3 = s3                    # the S3Store a Distributed Map reads and writes (or None)
        self.stopping = False           # the run ends by StopExecution: open states get no event
        self.stop_details: dict = {}    # a stopped child's ExecutionAborted details (error, cause)
        self.map_runs: list = [] if map_runs is None else map_runs
        self.top = Frame(Scope(), 0, size=input_size)
        self.context_bound = input_size + _CONTEXT_OVERHEAD
        self.max_states_at_one_instant = walker.MAX_STATES_AT_ONE_INSTANT
        self.tester = None              # TestState's StateTester: it decides Retry and Catch
        # what every thread's walker reads of the run, in one tuple (see walker.run_graph)
        records = recorder.log.records
        self.walk = (recorder, records, records.append, recorder.notes.append, recorder.room,
                     scheduler, self.max_states_at_one_instant, self.context_bound)

    def thread(self, graph, data, frame: Frame):
        """A generator running ``graph`` (a PlanGraph) as the thread ``frame``."""
        return walker.run_graph(self, graph, data, frame)

    # -- child executions (Distributed Map) --------------------------------------------------
    def child(self, child_input, *, name: str, label: str, express: bool, input_size: int,
              start_ms: int | None = None) -> "Run":
        """A child workflow execution of a Distributed Map, on this execution's clock: its own
        history, ARN and Context object (its state machine is ``machine/label``, as AWS names
        it), no access to this execution's variables; the services shared, its calls and coverage
        notes recorded in this execution's log."""
        parent = self.identity
        seeds = Seeds(self.seeds.ids.getrandbits(64))
        identity = Identity(machine_name=f"{parent.machine_name}/{label}", name=name,
                            region=parent.region, account=parent.account, express=express,
                            start_ms=self.scheduler.now if start_ms is None else start_ms,
                            execution_input=child_input, seeds=seeds,
                            role_arn=parent.role_arn)
        child = Run(identity=identity, seeds=seeds,
                    recorder=self.recorder.child(limit=None if express else MAX_HISTORY_EVENTS),
                    scheduler=self.scheduler, services=self.services, s3=self.s3, map_runs=self.map_runs,
                    input_size=input_size)
        child.stopping = self.stopping
        return child

    def run_child(self, graph, again=None):
        """A generator running this child execution to its end: (status, output, error, cause);
        ``again``: a redriven child's thread, going on after its ExecutionRedriven event."""
        recorder = self.recorder
        if again is None:
            recorder.end("ExecutionStarted", 0, {"input": self.identity.input, "roleArn": self.identity.role_arn})
            self.top.prev = 0
            again = self.thread(graph, self.identity.input, self.top)
        try:
            output = yield from again
        except StatesError as err:
            recorder.end("ExecutionFailed", len(recorder), {"error": err.error, "cause": err.cause})
            if isinstance(err, MockMissing):
                raise
            return "FAILED", None, err.error, err.cause or None
        except GeneratorExit:
            # its Map Run stopped it, or StopExecution did (engine.distributed.map_run): as
            # StopExecution ends an execution, ExecutionAborted follows event 0 (recorded)
            recorder.end("ExecutionAborted", 0, self.stop_details)
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
                 input_size: int = 0):
        self.plan = plan
        self.scheduler = Scheduler(identity.start_ms)
        limit = None if identity.express else MAX_HISTORY_EVENTS
        self.run_state = run = Run(identity=identity, seeds=seeds, recorder=Recorder(self.scheduler, limit=limit),
                                   scheduler=self.scheduler, services=services, s3=s3, input_size=input_size)
        self.input = execution_input
        self.identity = identity
        self.timeout_seconds = timeout_seconds
        self.stop_ms = stop_ms
        self.deadline: int | None = None
        # what an Execution is made of
        self.top, self.recorder, self.map_runs = run.top, run.recorder, run.map_runs

    def run(self) -> Outcome:
        """Run to the end: nothing outside can wake a plain run's waits."""
        self.begin()
        outcome = self.advance()
        if outcome is None:
            raise RuntimeError("an execution without an outside world waits on it")
        return outcome

    def begin(self, start_at: str | None = None, data: Any = None, resume: list | None = None) -> None:
        """Record ExecutionStarted and schedule the top-level graph (from ``start_at`` with
        ``data`` when an execution is redriven: its history then goes on where it was; ``resume``:
        how the children of that state, a Parallel or Map, ended before, see ``engine.redrive``)."""
        run = self.run_state
        if start_at is None:
            run.recorder.end("ExecutionStarted", 0, {"input": self.input, "roleArn": self.identity.role_arn})
            # AWS records the first state as following event 0, not ExecutionStarted (recorded).
            run.top.prev = 0
            data = self.input
        # AWS ends a Standard execution after a year and an Express one after five minutes, as
        # a timeout (States.Timeout); TimeoutSeconds may end it sooner, StopExecution too.
        longest = EXPRESS_MAX_DURATION_S if self.identity.express else STANDARD_MAX_DURATION_S
        seconds = longest if self.timeout_seconds is None else min(self.timeout_seconds, longest)
        self.deadline = self.scheduler.now + seconds * 1000
        if self.stop_ms is not None and self.stop_ms < self.deadline:
            # a stop scheduled: the run is stopping once it comes, not before (a branch aborted
            # meanwhile by its sibling's failure still gets its abort event)
            self.deadline = self.stop_ms
            self.scheduler.at_deadline = self._stopping
        self.scheduler.start(walker.run_graph(run, self.plan, data, run.top, start_at=start_at,
                                                  resume=resume))

    def advance(self, until_ms: int | None = None) -> Outcome | None:
        """Run on until the execution ends (its Outcome), or until it waits on the outside world
        with the clock at ``until_ms`` (or standing still): None."""
        try:
            if self.scheduler.advance(until_ms, self.deadline) == BLOCKED:
                return None
            finished, output = self.scheduler.outcome()
        except StatesError as err:
            recorder = self.recorder
            recorder.end("ExecutionFailed", len(recorder), {"error": err.error, "cause": err.cause})
            # an empty cause is absent on AWS, in the event and in DescribeExecution (recorded)
            outcome = Outcome("FAILED", None, err.error, err.cause or None)
        else:
            outcome = self._ended(finished, output)
        self._outlived()
        return outcome

    def _outlived(self) -> None:
        """Once the execution has ended: its Map Runs' Express children that were running when
        their run ended early go on to their end (documented), on a clock of their own past its
        end; the execution's clock stays where it ended."""
        now = self.scheduler.now
        self.scheduler.run_outliving()
        self.scheduler.now = now

    def _stopping(self) -> None:
        self.run_state.stopping = True

    def _ended(self, finished: bool, output) -> Outcome:
        recorder = self.recorder
        if not finished and self.run_state.stopping:
            # recorded (test_stop_execution): ExecutionAborted follows event 0, with empty details
            recorder.end("ExecutionAborted", 0, {})
            return Outcome("ABORTED")
        if not finished:
            cause = "The execution timed out."
            recorder.end("ExecutionTimedOut", len(recorder), {"error": "States.Timeout", "cause": cause})
            return Outcome("TIMED_OUT", None, "States.Timeout", cause)
        recorder.end("ExecutionSucceeded", self.top.prev, {"output": output})
        # the caller gets its own copy: outputs may share objects with constants or mocks
        return Outcome("SUCCEEDED", jsonvalues.copy(output)[0])

    def stop(self, error: str | None = None, cause: str | None = None) -> Outcome:
        """StopExecution of a waiting execution: its open states end without events (recorded)."""
        self.run_state.stopping = True
        self.scheduler.stop()
        details = {k: v for k, v in (("error", error), ("cause", cause)) if v is not None}
        self.recorder.end("ExecutionAborted", 0, details)
        self._outlived()
        return Outcome("ABORTED", None, error, cause)

    def redrive(self, log, count: int, at_ms: int, variables: dict, map_runs=()) -> None:
        """Go on from an ended execution: its events, its variables, its Map Runs, the clock at
        ``at_ms``, and an ExecutionRedriven event that the redriven state follows."""
        recorder = self.recorder
        recorder.log.records[:] = log.records
        self.map_runs.extend(map_runs)
        self.scheduler.now = max(self.scheduler.now, at_ms)
        self.top.scope.values.update(variables)
        self.identity.execution_context["RedriveCount"] = count
        self.top.prev = recorder.end("ExecutionRedriven", len(recorder), {"redriveCount": count})

    # -- what an Execution is read from -------------------------------------------------------
    @property
    def name(self) -> str:
        return self.identity.name

    @property
    def execution_arn(self) -> str:
        return self.identity.execution_arn

    @property
    def start_ms(self) -> int:
        return self.identity.start_ms


__all__ = ["Run", "ExecutionRun", "Outcome"]
