"""The Map state. Inline: each item runs as its own iteration, a cooperative task with its own
variables scope that reads the enclosing variables, at most MaxConcurrency at a time, results
kept in item order; the first failing iteration stops the others. Distributed: each item (or
batch) runs as a child workflow execution (``distributed.map_run``).
"""
from __future__ import annotations

from ..errors import StatesError, runtime_error
from ..query.jsonpath import Path, dumps, json_type
from . import dataflow
from .context import Frame, Scope, StateEnv
from .scheduler import ChildFailed, Join, Sleep


def run_map(run, state, raw, frame, env, entered):
    if state.distributed:
        from .distributed.map_run import run_distributed_map
        return (yield from run_distributed_map(run, state, raw, frame, env, entered))
    data = dataflow.effective_input(state, raw, env)
    counters = [0] * len(state.retriers)
    while True:
        started = False
        try:
            items = inline_items(state, data, raw, env)
            limit = max_concurrency(state, data, raw, env)
            run.event("MapStateStarted", frame, {"length": len(items)})
            started = True
            paths: list = []
            frame.path.append(paths)
            frames = []
            children = []
            for index, item in enumerate(items):
                child = Frame(Scope(frame.scope), frame.prev)
                frames.append(child)
                paths.append(child.path)
                children.append(_iteration(run, state, index, item, data, raw, child))
            try:
                results = yield Join(children, limit)
            except ChildFailed as failed:
                frame.prev = max(f.prev for f in frames)
                raise failed.error
            if frames:
                frame.prev = max(f.prev for f in frames)
            run.event("MapStateSucceeded", frame)
            return run.finish(state, raw, data, results, env)
        except StatesError as err:
            delay = run.retry_delay(state, err, counters, env, entered)
            if delay is None:
                # recorded: MapStateFailed comes only once no retrier will run the state again
                # recorded: a States.Runtime before the iterations start fails the Map without it
                if started or err.error != "States.Runtime":
                    run.event("MapStateFailed", frame)
                return run.catch(state, raw, err, env)
            if delay:
                yield Sleep(delay)


def _iteration(run, state, index, item, data, raw, frame):
    details = {"index": index, "name": state.name}
    run.event("MapIterationStarted", frame, details)
    try:
        item_input = select_item(run, state, index, item, data, raw, frame)
        output = yield from run.run_graph(state.processor, item_input, frame)
    except StatesError:
        run.event("MapIterationFailed", frame, details)
        raise
    except GeneratorExit:
        run.history.add("MapIterationAborted", frame.prev, details)
        raise
    run.event("MapIterationSucceeded", frame, details)
    return output


def select_item(run, state, index, item, data, raw, frame):
    """The item's input after ItemSelector, which alone sees ``$$.Map.Item``."""
    selector = state.item_selector
    if selector is None:
        return item
    env = StateEnv(run, frame, state, run.clock.now)
    env.map_item = {"Index": index, "Value": item}
    if state.jsonata:
        return dataflow.jsonata_value(selector, env, raw)
    return dataflow.jsonpath_value(selector, data, env)


def inline_items(state, data, raw, env):
    """The array the Map iterates over when no ItemReader reads it: ItemsPath or Items."""
    if state.jsonata:
        if state.items is None:
            items = raw
        else:
            items = dataflow.jsonata_value(state.items, env, raw)
            if not isinstance(items, list):
                raise StatesError(
                    "States.QueryEvaluationError",
                    f"The JSONata expression '{state.items.text}' specified for the field 'Items' returned an "
                    f"unexpected result type. Expected 'array', but was '{json_type(items)}' for value: "
                    f"{dumps(items)}", prefix_state=True, location="Items")
        if not isinstance(items, list):
            # recorded (test_map_state_items_input_types): an EvaluationFailed without a location
            raise StatesError("States.QueryEvaluationError",
                              f"Map state input must be an array but was: {dumps(items)}",
                              prefix_state=True, location="")
        return items
    items = data if state.items_path is None else dataflow.read_path(state.items_path, data, env)
    if not isinstance(items, list):
        path = state.items_path.text if state.items_path is not None else "$"
        raise runtime_error(f"Invalid path '{path}' : the value is not a JSON array: {dumps(items)}"
                            if state.items_path is not None else
                            f"Map state input must be an array but was: {dumps(items)}")
    return items


def max_concurrency(state, data, raw, env) -> int:
    """MaxConcurrency, MaxConcurrencyPath or its JSONata form resolved (0: no limit)."""
    spec = state.max_concurrency
    if isinstance(spec, int):
        return spec
    if isinstance(spec, Path):
        value = dataflow.read_path(spec, data, env)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)  # AWS reads a numeric string here as its number (recorded)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise runtime_error(f"The MaxConcurrencyPath field refers to value \"{dumps(value)}\" which is "
                                f"not a valid integer: {spec.text}")
        return value
    value = dataflow.jsonata_value(spec, env, raw)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        raise StatesError("States.QueryEvaluationError",
                          f"The MaxConcurrency field must evaluate to a non-negative integer, but was: "
                          f"{dumps(value)}", prefix_state=True)
    return int(value)
