"""A Distributed Map's run: one child workflow execution per item or batch, on virtual time.

The parent's history gets only MapStateStarted, MapRunStarted, MapRunSucceeded / MapRunFailed /
MapRunAborted and MapStateSucceeded / MapStateFailed; each child keeps its own history, ARN and Context
object (its event log is frozen compactly when it ends and rendered when asked for). A failing
child never fails the Map by itself: the run fails with States.ExceedToleratedFailureThreshold
once its failed items pass the tolerated count or percentage (none tolerated unless one is
given). A child that found no answer for a Task (MockMissing) is the test's gap: it fails the
Map at once instead of counting. When the run ends early (its parent stopped, timed out or
aborted, or the run failed) the children still running are stopped as StopExecution stops an
execution: ABORTED, their histories ending with ExecutionAborted; but when the parent ended it,
running Express children go on to their end (documented), the run ending ABORTED after them.
"""
from __future__ import annotations

from typing import Any

from ... import arns
from ...definition.limits import MAX_MAP_RUN_REDRIVES, PAYLOAD_BYTES, REDRIVABLE_EVENTS
from ...definition.timestamps import iso_ms
from ...errors import StatesError, runtime_error
from .. import map_items, redrive
from ..attempts import run_attempts
from ..failures import data_limit
from ..events import EventLog
from ..history import aws_events
from ..paths import path_key, path_of
from ..scheduler import ChildFailed, Join
from ..sizes import measure
from .batching import batch_inputs
from .settings import prepare_settings, resolve_settings
from .stopping import ChildStopped, Stoppable

EXCEEDED = "States.ExceedToleratedFailureThreshold"
EXCEEDED_CAUSE = "The specified tolerated failure threshold was exceeded"     # documented
# documented: a new Map Run, not a redrive, when the Map Run failed with these
NEW_MAP_RUN_ERRORS = ("States.DataLimitExceeded", "States.Runtime")
# AWS runs at most 10,000 child executions of a Map Run at once (documented)
MAX_CHILDREN_AT_ONCE = 10_000


class ChildExecution:
    """One child workflow execution: what it was given, how it ended, and its history."""

    __slots__ = ("index", "name", "execution_arn", "state_machine_arn", "input", "item_count",
                 "status", "output", "error", "cause", "start_ms", "stop_ms", "express",
                 "resume", "event_count", "redrive_count", "redrive_ms", "refused", "_history", "_live",
                 "_marks", "_path", "stopper")

    def __init__(self, index: int, run, item_count: int):
        identity = run.identity
        self.index = index
        self.name = identity.name
        self.execution_arn = identity.execution_arn
        self.state_machine_arn = identity.machine_arn
        self.input = identity.input
        self.item_count = item_count
        self.status = "RUNNING"
        self.output = self.error = self.cause = None
        self.start_ms = run.scheduler.now
        self.stop_ms = None
        self.express = identity.express
        self.resume = None          # how its top level ended (engine.redrive), once it has
        self.event_count = 0        # the length of its history, once it has ended
        self.redrive_count = 0
        self.redrive_ms: int | None = None
        # why a redrive of its Map Run may not run it again (None: it may): AWS never reruns a
        # Standard child whose history is full or that closed more than 14 days before
        # (documented: "The last error or output of the execution is permanent")
        self.refused: str | None = None
        self._history: Any = None
        self._live: EventLog | None = None      # its event log while it runs (readable meanwhile)
        self._marks: list | None = None         # its log's marks (the events are frozen once it ends)
        self._path: list | None = None          # its path, once read
        self.stopper: Stoppable | None = None  # how StopExecution stops it while it runs

    def finish(self, status: str, output, error, cause, now: int, log: EventLog) -> None:
        self.status, self.output, self.error, self.cause = status, output, error, cause
        self.stop_ms = now
        self.event_count = len(log.records)
        if not self.express and self.event_count >= REDRIVABLE_EVENTS:
            self.refused = "Execution history event limit exceeded"
        self._history = log.freeze()
        self._marks = log.marks or None     # most children fork nowhere: no list kept
        self._live = None

    @property
    def path(self) -> list:
        """The states it entered (as ``Execution.path``), read from its log (so far, while it runs)."""
        return self.path_among(None)

    def path_among(self, shared: dict | None) -> list:
        """Its path; ``shared``: its siblings' paths by ``paths.path_key``, an identical one
        kept instead of its own (100,000 children that took the same way cost one list)."""
        path = self._path
        if path is None:
            if self._history is None:
                return [] if self._live is None else path_of(self._live)
            path = self._path = path_of(EventLog.thaw(self._history, self._marks))
        if shared is not None:
            path = self._path = shared.setdefault(tuple(path_key(path)), path)
        return path

    @property
    def redrivable(self) -> bool:
        return self.refused is None

    def log(self) -> EventLog:
        """Its event log as it ended (a redrive goes on with it)."""
        return EventLog.thaw(self._history)

    @property
    def history(self) -> list[dict]:
        """The child's event history as GetExecutionHistory returns it (rendered on each call):
        so far, while it runs."""
        if self._history is None:
            return [] if self._live is None else aws_events(self._live)
        return aws_events(EventLog.thaw(self._history))

    @property
    def events(self) -> list:
        """The child's history as typed events (so far, while it runs)."""
        if self._history is None:
            return [] if self._live is None else self._live.typed()
        return EventLog.thaw(self._history).typed()

    @property
    def start_date(self) -> str:
        return iso_ms(self.start_ms)

    @property
    def stop_date(self) -> str | None:
        return None if self.stop_ms is None else iso_ms(self.stop_ms)

    def outcome(self):
        """The child as the ResultWriter reports it."""
        from .result_writer import ChildOutcome
        return ChildOutcome(execution_arn=self.execution_arn, name=self.name, input=self.input,
                            output=self.output, status=self.status, error=self.error,
                            cause=self.cause, start_date=self.start_date, stop_date=self.stop_date,
                            state_machine_arn=self.state_machine_arn)

    def __repr__(self) -> str:
        return f"<ChildExecution {self.index} {self.status}>"


class MapRun:
    """One Map Run (what DescribeMapRun shows): its ARN, settings, counts and children."""

    def __init__(self, *, arn: str, label: str, state_name: str, execution_arn: str,
                 execution_type: str, max_concurrency: int, settings, start_ms: int):
        self.arn = arn
        self.label = label
        self.state_name = state_name
        self.execution_arn = execution_arn          # the execution that started the run
        self.execution_type = execution_type        # of the children: STANDARD or EXPRESS
        self.max_concurrency = max_concurrency
        self.tolerated_failure_count = settings.tolerated_count
        self.tolerated_failure_percentage = settings.tolerated_percentage
        self.status = "RUNNING"
        self.error = self.cause = None
        self.start_ms = start_ms
        self.stop_ms: int | None = None
        self.total_items = 0
        self.failed_items = 0
        self.redrive_count = 0
        self.redrive_ms: int | None = None
        self.children: list[ChildExecution | None] = []   # by item (or batch) index; None: never started
        self.inputs: list | None = None     # the children's inputs, once it started them (a redrive reuses them)
        self.awaiting: set[int] = set()     # the children a redrive has yet to run again (pendingRedrive)
        self.outliving = 0      # its Express children still running after its early end

    def record(self, child: ChildExecution) -> None:
        if child.status != "SUCCEEDED":
            self.failed_items += child.item_count

    def exceeded(self) -> bool:
        """Whether the failed items pass the tolerated threshold (either one, when both are given)."""
        failed = self.failed_items
        if not failed:
            return False
        count, percentage = self.tolerated_failure_count, self.tolerated_failure_percentage
        if count is None and percentage is None:
            return True
        if count is not None and failed > count:
            return True
        return percentage is not None and failed * 100 > percentage * self.total_items

    def end(self, status: str, now: int, error=None, cause=None) -> None:
        self.status, self.stop_ms, self.error, self.cause = status, now, error, cause
        self.awaiting.clear()       # documented: pendingRedrive is 0 once the run has ended

    def end_early(self, now: int) -> None:
        """Its parent stopped, timed out or was aborted: ABORTED now, or RUNNING until its running
        Express children have ended (documented: it may be "waiting for ... Express type")."""
        self.outliving = sum(1 for child in self.children if child is not None and child.status == "RUNNING")
        self.awaiting.clear()
        if not self.outliving:
            self.end("ABORTED", now)

    def outlived(self, now: int) -> None:
        """A child that outlived the run's early end has ended: the last one ends the run."""
        if self.outliving:
            self.outliving -= 1
            if not self.outliving:
                self.end("ABORTED", now)

    def redrivable(self) -> bool:
        """Whether a redrive of its parent goes on with this Map Run (documented: a failed or
        aborted one is redriven, unless it failed with States.DataLimitExceeded or States.Runtime:
        then a new Map Run starts)."""
        return self.status in ("FAILED", "ABORTED") and self.error not in NEW_MAP_RUN_ERRORS

    def redrive(self, now: int) -> None:
        """Redriven with its parent: running again, its failures counted anew (the tolerated
        failure threshold is judged on this attempt's children, those kept failed included)."""
        if self.redrive_count >= MAX_MAP_RUN_REDRIVES:
            raise StatesError("States.Runtime", f"The Map Run '{self.arn}' has been redriven "
                              f"{MAX_MAP_RUN_REDRIVES} times, the most a Map Run may be redriven")
        self.redrive_count += 1
        self.redrive_ms = now
        self.status, self.stop_ms, self.error, self.cause = "RUNNING", None, None, None
        self.failed_items = 0

    def item_counts(self, redrives: bool = False) -> dict:
        """Items by the status of the child that had them (DescribeMapRun's itemCounts; with
        ``redrives``, failuresNotRedrivable and pendingRedrive too)."""
        return self._counts(lambda child: child.item_count, self.total_items, redrives)

    def execution_counts(self, redrives: bool = False) -> dict:
        """Child executions by status (DescribeMapRun's executionCounts)."""
        return self._counts(lambda child: 1, len(self.children), redrives)

    def _counts(self, weight, total: int, redrives: bool) -> dict:
        counts = {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "timedOut": 0,
                  "aborted": 0, "total": total, "failuresNotRedrivable": 0, "pendingRedrive": 0}
        started = 0
        for child in self.children:
            if child is None:
                continue
            key = {"SUCCEEDED": "succeeded", "FAILED": "failed", "TIMED_OUT": "timedOut",
                   "ABORTED": "aborted", "RUNNING": "running"}[child.status]
            counts[key] += weight(child)
            started += weight(child)
            if key not in ("succeeded", "running"):
                if not child.redrivable:
                    counts["failuresNotRedrivable"] += weight(child)
                elif child.index in self.awaiting:
                    counts["pendingRedrive"] += weight(child)
        counts["pending"] = total - started
        if not redrives:
            del counts["failuresNotRedrivable"], counts["pendingRedrive"]
        return counts

    @property
    def start_date(self) -> str:
        return iso_ms(self.start_ms)

    @property
    def stop_date(self) -> str | None:
        return None if self.stop_ms is None else iso_ms(self.stop_ms)

    def __repr__(self) -> str:
        return f"<MapRun {self.label} {self.status} children={len(self.children)}>"


# -- running a Distributed Map ----------------------------------------------------------------------

def prepare(plan) -> None:
    prepare_settings(plan)


def execute(ctx):
    return (yield from run_attempts(ctx, attempt, final_failure=_failed))


def _failed(ctx, error) -> None:
    if ctx.started:
        ctx.event("MapStateFailed")


def attempt(ctx):
    state, plan, run = ctx.state, ctx.plan, ctx.run
    # recorded: with an ItemReader the length is 0, the items are read by the run
    items = None if state.item_reader is not None else plan.items.resolve(ctx)
    limit = plan.max_concurrency.resolve(ctx)
    ctx.event("MapStateStarted", {"length": 0 if items is None else len(items)})
    # recorded: a bad ToleratedFailure*Path or MaxItemsPath fails after MapStateStarted,
    # with no MapRun events and no MapStateFailed
    settings = resolve_settings(plan, ctx)
    # a redrive goes on with the Map Run that failed: same ARN, its succeeded children kept
    map_run, ctx.resume = ctx.resume, None
    if isinstance(map_run, MapRun):
        map_run.redrive(run.scheduler.now)
        if map_run not in run.map_runs:
            run.map_runs.append(map_run)
        ctx.event("MapRunRedriven", {"mapRunArn": map_run.arn, "redriveCount": map_run.redrive_count})
    else:
        map_run = _new_map_run(ctx, limit, settings)
        run.map_runs.append(map_run)
        ctx.event("MapRunStarted", {"mapRunArn": map_run.arn})
    ctx.frames = map_run        # a redrive of this thread goes on with it (engine.redrive)
    ctx.started = True
    try:
        output = yield from _execute(ctx, map_run, items, settings)
    except StatesError as err:
        map_run.end("FAILED", run.scheduler.now, err.error, err.cause)
        ctx.event("MapRunFailed", {"error": err.error, "cause": err.cause})
        raise
    except GeneratorExit:       # the parent was stopped or timed out, or its branch aborted
        map_run.end_early(run.scheduler.now)
        # as the aborted state's own event (the walker's), it follows the thread's last event
        # without advancing it; a stopped execution's open states get no event (recorded)
        if not run.stopping:
            run.recorder.add("MapRunAborted", ctx.frame.prev, None, ctx.frame.thread)
        raise
    map_run.end("SUCCEEDED", run.scheduler.now)
    succeeded = ctx.event("MapRunSucceeded")
    ctx.event("MapStateSucceeded")
    ctx.frame.prev = succeeded  # recorded (most often): MapStateExited follows MapRunSucceeded
    ctx.result_size = measure(output)
    flow = plan.flow
    assigned = flow.assigned(ctx, output, result=output)
    return flow.with_result(ctx, output), state.next, assigned


def _new_map_run(ctx, limit: int, settings) -> MapRun:
    state, run = ctx.state, ctx.run
    identity = run.identity
    label = state.label or state.name
    arn = arns.map_run_arn(identity.region, identity.machine_name, label, run.seeds.new_id(),
                           identity.account)
    return MapRun(arn=arn, label=label, state_name=state.name, execution_arn=identity.execution_arn,
                  execution_type=state.execution_type, max_concurrency=limit, settings=settings,
                  start_ms=run.scheduler.now)


def _execute(ctx, map_run: MapRun, items, settings):
    """Read, select, batch, run the children; returns the Map's result. A redriven Map Run that
    had started children runs them again on the same inputs (documented), those that succeeded
    kept as they were."""
    earlier = map_run.children if map_run.inputs is not None else None
    if earlier is None:
        map_run.inputs = _inputs(ctx, map_run, items, settings)
        map_run.children = [None] * len(map_run.inputs[0])
    inputs, sizes = map_run.inputs
    earlier = earlier or map_run.children
    map_run.awaiting = {c.index for c in earlier if c is not None and c.status != "SUCCEEDED"}
    ended = ctx.run.recorder.children(ctx.frame)
    children = (Stoppable(_again, ctx, map_run, before, ended) if before is not None else
                Stoppable(_child, ctx, map_run, index, child_input,
                           1 if sizes is None else sizes[index], ended)
                for index, (child_input, before) in enumerate(zip(inputs, earlier)))
    limit = min(map_run.max_concurrency or MAX_CHILDREN_AT_ONCE, MAX_CHILDREN_AT_ONCE)
    try:
        yield Join(children, limit, never_waits=ctx.plan.processor.never_waits)
    except ChildFailed as failed:
        raise failed.error from None
    return _results(ctx, map_run)


def _inputs(ctx, map_run: MapRun, items, settings) -> tuple:
    """The children's inputs (items read, selected, batched) and, batched, their item counts."""
    state = ctx.state
    sources = None      # the items are the state's data
    if items is None:
        items, sources = _read_items(ctx, settings)
    map_run.total_items = len(items)
    if state.item_selector is not None:
        select = map_items.ItemSelection(ctx, ctx.frame.size, sources).select
        items = [select(index, item, ctx.frame)[0] for index, item in enumerate(items)]
    if state.item_batcher is None:
        return items, None
    inputs = list(batch_inputs(items, max_items=settings.batch_items, max_bytes=settings.batch_bytes,
                               head=_batch_head(ctx)))
    return inputs, [len(batch["Items"]) for batch in inputs]


def _again(ctx, map_run: MapRun, before: ChildExecution, ended: list, *, stop: Stoppable):
    """A child that had run before the Map Run's redrive: one that succeeded keeps its output;
    one that may not be redriven keeps its failure (counted again against the threshold); the
    others run again (documented: a Standard child is redriven from the state it stopped in,
    an Express one started anew)."""
    if before.status == "SUCCEEDED":
        return before.output
    if before.redrivable and not before.express and ctx.run.scheduler.now - before.stop_ms > redrive.REDRIVABLE_MS:
        before.refused = "Execution redrivable period exceeded"
    if before.redrivable:
        return (yield from _child(ctx, map_run, before.index, before.input, before.item_count,
                                  ended, before, stop=stop))
    map_run.awaiting.discard(before.index)
    map_run.record(before)
    if map_run.exceeded():
        raise StatesError(EXCEEDED, EXCEEDED_CAUSE)
    return None


def _child(ctx, map_run: MapRun, index: int, child_input, item_count: int, ended: list,
           before: ChildExecution | None = None, *, stop: Stoppable):
    """One child execution, as a task of the parent's scheduler; returns its output. Redriven,
    a child that did not succeed runs again under its name (``before``'s): a Standard one goes on
    with its history, from the state it stopped in, counted and dated as redriven."""
    run = ctx.run
    state = ctx.state
    again = before is not None and not before.express
    name = run.seeds.new_id() if before is None else before.name
    child_run = run.child(child_input, name=name, label=map_run.label,
                          express=state.execution_type == "EXPRESS",
                          input_size=_input_size(ctx, child_input),
                          start_ms=before.start_ms if again else None)
    stop.child_run = child_run
    child = ChildExecution(index, child_run, item_count)
    child._live, child.stopper = child_run.recorder.log, stop
    thread = None
    if again:
        child.start_ms = before.start_ms
        child.redrive_count, child.redrive_ms = before.redrive_count + 1, run.scheduler.now
        thread = redrive.child_again(child_run, ctx.plan.processor, before.log(), before.resume,
                                     child.redrive_count)
    map_run.awaiting.discard(index)
    map_run.children[index] = child
    try:
        status, output, error, cause = yield from child_run.run_child(ctx.plan.processor, thread)
    except ChildStopped as stopped:     # StopExecution of this child: the others go on
        status, output, error, cause = "ABORTED", None, stopped.error, stopped.cause
    except GeneratorExit:
        child.finish("ABORTED", None, None, None, run.scheduler.now, child_run.recorder.log)
        raise
    except StatesError as err:      # nothing answered a Task: the test must say so, not a threshold
        child.finish("FAILED", None, err.error, err.cause, run.scheduler.now, child_run.recorder.log)
        raise
    finally:
        map_run.outlived(run.scheduler.now)
        child.resume = child_run.top.resume
        ended.append(child)     # the "children" mark's list; its path is read from its own log
    child.finish(status, output, error, cause, run.scheduler.now, child_run.recorder.log)
    child.stopper = None
    map_run.record(child)
    if map_run.exceeded():
        raise StatesError(EXCEEDED, EXCEEDED_CAUSE)
    return output


def _input_size(ctx, child_input) -> int:
    """A bound on a child's input: the Map's input holds a plain inline item; others are measured."""
    state = ctx.state
    if state.item_reader is None and state.item_selector is None and state.item_batcher is None \
            and not ctx.plan.flow.jsonata:
        return ctx.frame.size
    size = measure(child_input)
    if size > PAYLOAD_BYTES:
        raise data_limit(state.name)
    return size


def _batch_head(ctx) -> dict:
    template = ctx.state.item_batcher.batch_input
    if template is None:
        return {}
    return {"BatchInput": ctx.plan.flow.value(ctx, template)}


def _read_items(ctx, settings) -> tuple:
    """The items the ItemReader reads, and where each came from."""
    from .item_reader import read_sourced_items
    reader = ctx.state.item_reader
    store = _store(ctx, "reads its items from S3 (ItemReader)")
    arguments = {}
    if reader.arguments is not None:
        arguments = ctx.plan.flow.arguments(ctx, reader.arguments)
    config = dict(reader.reader_config)
    if settings.max_items is not None:
        config["MaxItems"] = settings.max_items
    return read_sourced_items(reader.resource, arguments, config, store)


def _results(ctx, map_run: MapRun):
    from .result_writer import execution_record, format_results, write_results
    state = ctx.state
    children = map_run.children
    writer = state.result_writer
    if writer is None:
        # COMPACT: the outputs; a failed child appears as its whole execution record (documented)
        return [child.output if child.status == "SUCCEEDED" else execution_record(child.outcome())
                for child in children]
    config = {key: value for key, value in (("OutputType", writer.output_type),
                                            ("Transformation", writer.transformation)) if value}
    outcomes = [child.outcome() for child in children]
    if writer.resource is None:
        return format_results(outcomes, config)
    store = _store(ctx, "writes its results to S3 (ResultWriter)")
    arguments = ctx.plan.flow.arguments(ctx, writer.arguments)
    if (not isinstance(arguments, dict) or not isinstance(arguments.get("Bucket"), str)
            or not isinstance(arguments.get("Prefix", ""), str)):
        raise runtime_error(f"The ResultWriter's {'Arguments' if state.jsonata else 'Parameters'} "
                            f"must give a Bucket (and a Prefix) as strings, but were: {arguments!r}")
    details = write_results(store, bucket=arguments["Bucket"], prefix=arguments.get("Prefix"),
                            map_run_arn=map_run.arn, writer_config=config, children=outcomes)
    return {"MapRunArn": map_run.arn, "ResultWriterDetails": details}


def _store(ctx, what: str):
    if ctx.run.s3 is None:
        raise runtime_error(f"the Distributed Map '{ctx.state.name}' {what}, and this run has no S3: pass "
                            "s3='folder' (a folder whose sub-folders are buckets; --s3 on the command "
                            "line) or aws='moto' to machine.run")
    return ctx.run.s3
