"""Map. Inline: each item runs as its own iteration, a thread with its own variables scope that
reads the enclosing variables, at most MaxConcurrency at a time, results kept in item order;
the first failing iteration stops the others. Distributed: each item (or batch) runs as a child
workflow execution (``distributed.map_run``)."""
from __future__ import annotations

from ...errors import StatesError
from .. import map_items, redrive
from ..attempts import run_attempts
from ..context import Frame, Scope
from ..distributed import map_run
from ..scheduler import ChildFailed, Join
from ..sizes import results_size
from ..walker import run_graph


def choose(state):
    return (map_run.execute if state.distributed else execute), True


def prepare(plan) -> None:
    map_items.prepare(plan)
    if plan.state.distributed:
        map_run.prepare(plan)


def execute(ctx):
    return (yield from run_attempts(ctx, attempt, final_failure=_failed))


def _failed(ctx, error) -> None:
    # recorded: MapStateFailed comes only once no retrier will run the state again, and a
    # States.Runtime before the iterations start fails the Map without it
    if ctx.started or error.error != "States.Runtime":
        ctx.event("MapStateFailed")


def attempt(ctx):
    plan = ctx.plan
    items = plan.items.resolve(ctx)
    if ctx.inspect is not None:
        ctx.inspect("afterItemsPath", items)
    limit = plan.max_concurrency.resolve(ctx)
    ctx.event("MapStateStarted", {"length": len(items)})
    ctx.started = True
    frame = ctx.frame
    selection = map_items.ItemSelection(ctx, map_items.items_size(ctx, items))
    frames = []
    children = []
    ctx.frames = frames
    earlier = redrive.earlier_for(ctx, len(items))
    scope, prev = frame.scope, frame.prev
    first = ctx.run.recorder.fork(frame, len(items))
    for index, item in enumerate(items):
        child = Frame(Scope(scope), prev, thread=first + index)
        frames.append(child)
        if earlier is None:
            children.append(_iteration(ctx, selection, index, item, child))
            continue
        before = earlier[index]
        if redrive.succeeded(before):   # redriven: it keeps its output and enters no state again
            children.append(redrive.thread(ctx.run, None, None, child, before))
        else:
            children.append(_iteration(ctx, selection, index, item, child, before))
    try:
        results = yield Join(children, limit, never_waits=plan.processor.never_waits)
    except ChildFailed as failed:
        frame.prev = max(f.prev for f in frames)
        raise failed.error from None
    if frames:
        frame.prev = max(f.prev for f in frames)
    ctx.event("MapStateSucceeded")
    ctx.result_size = results_size(ctx, results, frames)
    result = results
    if ctx.inspect is not None:
        ctx.inspect("result", result)
    flow = plan.flow
    assigned = flow.assigned(ctx, result, result=result)
    return flow.with_result(ctx, result), ctx.state.next, assigned


def _iteration(ctx, selection, index: int, item, frame: Frame, earlier=None):
    run = ctx.run
    recorder = run.recorder
    records = recorder.log.records
    details = {"index": index, "name": ctx.state.name}
    if len(records) >= recorder.room:
        recorder.refuse()
    records.append(("MapIterationStarted", frame.prev, details, run.scheduler.now, frame.thread))
    frame.prev = len(records)
    try:
        item_input, frame.size = selection.select(index, item, frame)
        if earlier is None:
            output = yield from run_graph(run, ctx.plan.processor, item_input, frame)
        else:
            output = yield from redrive.thread(run, ctx.plan.processor, item_input, frame, earlier)
    except StatesError:
        recorder.event("MapIterationFailed", frame, details)
        raise
    except GeneratorExit:
        recorder.add("MapIterationAborted", frame.prev, details, frame.thread)
        raise
    recorder.event("MapIterationSucceeded", frame, details)
    return output
