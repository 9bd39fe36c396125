"""Parallel: every branch a thread of its own (with its own variables scope, reading the outer
ones) on the one scheduler; the results in branch order; the first failing branch aborts the
others."""
from __future__ import annotations

from ..attempts import run_attempts
from .. import redrive
from ..context import Frame, Scope
from ..scheduler import ChildFailed, Join
from ..sizes import checked_input, results_size


def prepare(plan) -> None:
    plan.branches_never_wait = all(graph.never_waits for graph in plan.branches)
    plan.arguments_step = "afterArguments" if plan.flow.jsonata else "afterParameters"


def execute(ctx):
    return (yield from run_attempts(ctx, attempt, final_failure=_failed))


def _failed(ctx, error) -> None:
    # recorded: ParallelStateFailed comes only once no retrier will run the state again
    if ctx.started:
        ctx.event("ParallelStateFailed")


def attempt(ctx):
    plan = ctx.plan
    flow = plan.flow
    branch_input = flow.arguments(ctx)
    if ctx.inspect is not None:
        ctx.inspect(plan.arguments_step, branch_input)
    size = checked_input(ctx, branch_input, flow.parameters)
    ctx.event("ParallelStateStarted")
    ctx.started = True
    frame = ctx.frame
    first = ctx.run.recorder.fork(frame, len(plan.branches))
    frames = [Frame(Scope(frame.scope), frame.prev, in_parallel=True, size=size, thread=first + i)
              for i in range(len(plan.branches))]
    ctx.frames = frames
    earlier = redrive.earlier_for(ctx, len(frames))
    if earlier is None:
        thread = ctx.run.thread
        children = [thread(graph, branch_input, f) for graph, f in zip(plan.branches, frames)]
    else:       # redriven: only the branches that did not succeed run (again)
        run = ctx.run
        children = [redrive.thread(run, graph, branch_input, f, before)
                    for graph, f, before in zip(plan.branches, frames, earlier)]
    try:
        results = yield Join(children, never_waits=plan.branches_never_wait)
    except ChildFailed as failed:
        frame.prev = max(f.prev for f in frames)
        raise failed.error from None
    # AWS records no ParallelStateSucceeded event, though the API names one (recorded)
    frame.prev = max(f.prev for f in frames)
    ctx.result_size = results_size(ctx, results, frames)
    result = results
    if ctx.inspect is not None:
        ctx.inspect("result", result)
    assigned = flow.assigned(ctx, result, result=result)
    return flow.with_result(ctx, result), ctx.state.next, assigned
