"""A Distributed Map's run: one child workflow execution per item or batch, on virtual time.

The parent's history gets only MapStateStarted, MapRunStarted, MapRunSucceeded / MapRunFailed
and MapStateSucceeded / MapStateFailed; each child keeps its own history, ARN and Context
object (its history is stored compactly and rendered when asked for). A failing child never
fails the Map by itself: the run fails with States.ExceedToleratedFailureThreshold once its
failed items pass the tolerated count or percentage (none tolerated unless one is given).
"""
from __future__ import annotations

import pickle
from typing import Any

from ...definition.timestamps import iso_ms
from ...errors import StatesError, runtime_error
from .. import dataflow
from ..history import History
from ..scheduler import ChildFailed, Join, Sleep
from .batching import batch_inputs
from .settings import resolve_settings

EXCEEDED = "States.ExceedToleratedFailureThreshold"
EXCEEDED_CAUSE = "The specified tolerated failure threshold was exceeded"     # documented
# AWS runs at most 10,000 child executions of a Map Run at once (documented)
MAX_CHILDREN_AT_ONCE = 10_000


class ChildExecution:
    """One child workflow execution: what it was given, how it ended, and its history."""

    __slots__ = ("index", "name", "execution_arn", "state_machine_arn", "input", "item_count",
                 "status", "output", "error", "cause", "start_ms", "stop_ms", "path", "_history")

    def __init__(self, index: int, runner, item_count: int):
        self.index = index
        self.name = runner.name
        self.execution_arn = runner.execution_arn
        self.state_machine_arn = runner.state_machine_context["Id"]
        self.input = runner.input
        self.item_count = item_count
        self.status = "RUNNING"
        self.output = self.error = self.cause = None
        self.start_ms = runner.clock.now
        self.stop_ms = None
        self.path: list = []
        self._history: Any = None

    def finish(self, status: str, output, error, cause, now: int, history) -> None:
        self.status, self.output, self.error, self.cause = status, output, error, cause
        self.stop_ms = now
        self._history = history.freeze()

    @property
    def history(self) -> list[dict]:
        """The child's event history as GetExecutionHistory returns it (rendered on each call)."""
        return _ChildHistory.thaw(self._history).events() if self._history is not None else []

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
        self.children: list[ChildExecution | None] = []   # by item (or batch) index; None: never started
        self.result_writer_details: dict | None = None

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

    def item_counts(self) -> dict:
        """Items by the status of the child that had them (DescribeMapRun's itemCounts)."""
        return self._counts(lambda child: child.item_count, self.total_items)

    def execution_counts(self) -> dict:
        """Child executions by status (DescribeMapRun's executionCounts)."""
        return self._counts(lambda child: 1, len(self.children))

    def _counts(self, weight, total: int) -> dict:
        counts = {"pending": 0, "running": 0, "succeeded": 0, "failed": 0, "timedOut": 0,
                  "aborted": 0, "total": total}
        started = 0
        for child in self.children:
            if child is None:
                continue
            key = {"SUCCEEDED": "succeeded", "FAILED": "failed", "TIMED_OUT": "timedOut",
                   "ABORTED": "aborted", "RUNNING": "running"}[child.status]
            counts[key] += weight(child)
            started += weight(child)
        counts["pending"] = total - started
        return counts

    @property
    def start_date(self) -> str:
        return iso_ms(self.start_ms)

    @property
    def stop_date(self) -> str | None:
        return None if self.stop_ms is None else iso_ms(self.stop_ms)

    def __repr__(self) -> str:
        return f"<MapRun {self.label} {self.status} children={len(self.children)}>"


class _ChildHistory(History):
    """A child's history, frozen into one compact blob once the child has ended."""

    __slots__ = ()

    def freeze(self) -> bytes:
        return pickle.dumps(self._records, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def thaw(cls, blob: bytes) -> "_ChildHistory":
        history = cls(None)
        history._records = pickle.loads(blob)
        return history


# -- running a Distributed Map ----------------------------------------------------------------------

def run_distributed_map(run, state, raw, frame, env, entered):
    from ..mapping import inline_items, max_concurrency
    data = dataflow.effective_input(state, raw, env)
    counters = [0] * len(state.retriers)
    while True:
        run_started = False
        try:
            # recorded: with an ItemReader the length is 0, the items are read by the run
            items = None if state.item_reader is not None else inline_items(state, data, raw, env)
            limit = max_concurrency(state, data, raw, env)
            run.event("MapStateStarted", frame, {"length": 0 if items is None else len(items)})
            # recorded: a bad ToleratedFailure*Path or MaxItemsPath fails after MapStateStarted,
            # with no MapRun events and no MapStateFailed
            settings = resolve_settings(state, data, raw, env)
            map_run = _new_map_run(run, state, limit, settings)
            run.map_runs.append(map_run)
            run.event("MapRunStarted", frame, {"mapRunArn": map_run.arn})
            run_started = True
            try:
                output = yield from _execute(run, state, map_run, items, settings, data, raw, frame, env)
            except StatesError as err:
                map_run.end("FAILED", run.clock.now, err.error, err.cause)
                run.event("MapRunFailed", frame, {"error": err.error, "cause": err.cause})
                raise
            map_run.end("SUCCEEDED", run.clock.now)
            succeeded = run.event("MapRunSucceeded", frame)
            run.event("MapStateSucceeded", frame)
            frame.prev = succeeded  # recorded (most often): MapStateExited follows MapRunSucceeded
            return run.finish(state, raw, data, output, env)
        except StatesError as err:
            delay = run.retry_delay(state, err, counters, env, entered)
            if delay is None:
                if run_started:
                    run.event("MapStateFailed", frame)
                return run.catch(state, raw, err, env)
            if delay:
                yield Sleep(delay)


def _new_map_run(run, state, limit: int, settings) -> MapRun:
    label = state.label or state.name
    arn = f"arn:aws:states:{run.region}:{run.account}:mapRun:{run.machine_name}/{label}:{run.new_id()}"
    return MapRun(arn=arn, label=label, state_name=state.name, execution_arn=run.execution_arn,
                  execution_type=state.execution_type, max_concurrency=limit, settings=settings,
                  start_ms=run.clock.now)


def _execute(run, state, map_run: MapRun, items, settings, data, raw, frame, env):
    """Read, select, batch, run the children; returns the Map's result."""
    if items is None:
        items = _read_items(run, state, settings, data, raw, env)
    map_run.total_items = len(items)
    if state.item_selector is not None:
        from ..mapping import select_item
        items = [select_item(run, state, index, item, data, raw, frame) for index, item in enumerate(items)]
    if state.item_batcher is not None:
        inputs = list(batch_inputs(items, max_items=settings.batch_items, max_bytes=settings.batch_bytes,
                                   head=_batch_head(state, data, raw, env)))
        sizes = [len(batch["Items"]) for batch in inputs]
    else:
        inputs, sizes = items, None
    map_run.children = [None] * len(inputs)
    paths: list = []
    frame.path.append(paths)
    shared_paths: dict = {}
    children = (_child(run, state, map_run, index, child_input, 1 if sizes is None else sizes[index],
                       paths, shared_paths)
                for index, child_input in enumerate(inputs))
    limit = min(map_run.max_concurrency or MAX_CHILDREN_AT_ONCE, MAX_CHILDREN_AT_ONCE)
    try:
        yield Join(children, limit)
    except ChildFailed as failed:
        raise failed.error
    return _results(run, state, map_run, data, raw, env)


def _child(run, state, map_run: MapRun, index: int, child_input, item_count: int, paths, shared_paths):
    """One child execution, as a task of the parent's scheduler; returns its output."""
    runner = run.child(child_input, name=run.new_id(), label=map_run.label,
                       express=state.execution_type == "EXPRESS")
    runner.history = _ChildHistory(run.clock)
    child = ChildExecution(index, runner, item_count)
    map_run.children[index] = child
    try:
        status, output, error, cause = yield from runner.run_child(state.processor)
    except GeneratorExit:
        child.finish("ABORTED", None, None, None, run.clock.now, runner.history)
        raise
    except StatesError as err:      # nothing answered a Task: the test must say so, not a threshold
        child.finish("FAILED", None, err.error, err.cause, run.clock.now, runner.history)
        raise
    finally:
        # identical paths share one list: 100,000 children that took the same way cost one
        path = runner.top.path
        child.path = shared_paths.setdefault(tuple(_flat(path)), path)
        paths.append(child.path)
    child.finish(status, output, error, cause, run.clock.now, runner.history)
    map_run.record(child)
    if map_run.exceeded():
        raise StatesError(EXCEEDED, EXCEEDED_CAUSE)
    return output


def _flat(path):
    for step in path:
        if isinstance(step, list):
            yield "["
            yield from _flat(step)
            yield "]"
        else:
            yield step


def _batch_head(state, data, raw, env) -> dict:
    template = state.item_batcher.batch_input
    if template is None:
        return {}
    if state.jsonata:
        return {"BatchInput": template.render(env, dataflow.states_binding(env, raw))}
    return {"BatchInput": template.render(data, env)}


def _read_items(run, state, settings, data, raw, env) -> list:
    from .item_reader import read_items
    reader = state.item_reader
    store = _store(run, state, "reads its items from S3 (ItemReader)")
    arguments = {}
    if reader.arguments is not None:
        arguments = dataflow.arguments(state, reader.arguments, data, raw, env)
    config = dict(reader.reader_config)
    if settings.max_items is not None:
        config["MaxItems"] = settings.max_items
    return read_items(reader.resource, arguments, config, store)


def _results(run, state, map_run: MapRun, data, raw, env):
    from .result_writer import execution_record, format_results, write_results
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
    store = _store(run, state, "writes its results to S3 (ResultWriter)")
    arguments = dataflow.arguments(state, writer.arguments, data, raw, env)
    if (not isinstance(arguments, dict) or not isinstance(arguments.get("Bucket"), str)
            or not isinstance(arguments.get("Prefix", ""), str)):
        raise runtime_error(f"The ResultWriter's {'Arguments' if state.jsonata else 'Parameters'} "
                            f"must give a Bucket (and a Prefix) as strings, but were: {arguments!r}")
    details = write_results(store, bucket=arguments["Bucket"], prefix=arguments.get("Prefix"),
                            map_run_arn=map_run.arn, writer_config=config, children=outcomes)
    map_run.result_writer_details = details
    return {"MapRunArn": map_run.arn, "ResultWriterDetails": details}


def _store(run, state, what: str):
    if run.s3 is None:
        raise runtime_error(f"the Distributed Map '{state.name}' {what}, and this run has no S3: pass "
                            "s3='folder' (a folder whose sub-folders are buckets; --s3 on the command "
                            "line) or aws='moto' to machine.run")
    return run.s3
