"""What a redrive goes on from, thread by thread (RedriveExecution).

AWS reruns a redriven Parallel's or inline Map's failed or aborted branches and iterations only:
those that succeeded keep their outputs and are not run again. So each thread (the top level, a
branch, an iteration) leaves on its Frame, as ``frame.resume``, how it ended:

- None: it never ran (an iteration MaxConcurrency held back, a branch of a Parallel never reached);
- ``(output,)``: it ended with that output;
- an ``Unfinished``: it failed or was aborted in ``state``, entered with ``data`` and the thread's
  ``variables``; ``children`` are the Frames of the branches or iterations that state ran.

``thread`` runs one child of a redriven Parallel or Map from what it left.
"""
from __future__ import annotations

from ..definition.limits import REDRIVABLE_DAYS, REDRIVABLE_EVENTS, REDRIVE_LAUNCH_MS, STANDARD_MAX_DURATION_S
from . import walker
from .context import Unfinished

REDRIVABLE_MS = REDRIVABLE_DAYS * 24 * 3600 * 1000


def refusal(status: str, start_ms: int, stop_ms: int | None, events: int, now_ms: int) -> str | None:
    """Why AWS would not redrive an ended Standard execution at ``now_ms``, in the words of
    DescribeExecution's redriveStatusReason (documented), or None when it may be redriven."""
    if status in ("RUNNING", "SUCCEEDED"):
        return f"Execution is {status} and cannot be redriven"
    if start_ms < REDRIVE_LAUNCH_MS:
        return "Execution was started before the launch of RedriveExecution"
    if events >= REDRIVABLE_EVENTS:      # no room for ExecutionRedriven and one more event
        return "Execution history event limit exceeded"
    if now_ms - start_ms >= STANDARD_MAX_DURATION_S * 1000:
        return "Execution has exceeded the max execution time"
    if stop_ms is not None and now_ms - stop_ms > REDRIVABLE_MS:
        return "Execution redrivable period exceeded"
    return None


def settled_ms(stop_ms: int, map_runs) -> int:
    """When an ended execution has settled: its stop, or the end of its Map Runs if later (their
    Express children go on past an early end); a redrive goes on from then at the earliest."""
    return max([stop_ms] + [run.stop_ms for run in map_runs if run.stop_ms is not None])


def children_of(point):
    """How the children of the state a thread stopped in ended, as ``point`` has it: the ends
    of a Parallel's branches or an inline Map's iterations, or the Map Run of a Distributed Map
    when it may be redriven; None when that state is neither, or had not started them."""
    if not isinstance(point, Unfinished) or point.children is None:
        return None
    children = point.children
    if not isinstance(children, list):          # a Distributed Map's Map Run
        return children if children.redrivable() else None
    return [frame.resume for frame in children]


def child_again(run, graph, log, earlier, count: int):
    """A redriven Standard child execution of a Map Run (``run``): its history ``log`` goes on
    after an ExecutionRedriven event, from the state where it stopped (``earlier``); a
    generator, as ``Run.run_child`` takes it."""
    recorder = run.recorder
    recorder.log.records[:] = log.records
    run.identity.execution_context["RedriveCount"] = count
    run.top.prev = recorder.end("ExecutionRedriven", len(recorder), {"redriveCount": count})
    return thread(run, graph, run.identity.input, run.top, earlier if isinstance(earlier, Unfinished) else None)


def earlier_for(ctx, count: int) -> list | None:
    """The redrive's memory of this state's ``count`` children, once (a retry runs them all)."""
    earlier, ctx.resume = ctx.resume, None
    if earlier is None or len(earlier) != count:
        return None
    return earlier


def succeeded(earlier) -> bool:
    """Whether a child ended with an output (then a redrive keeps it)."""
    return earlier is not None and not isinstance(earlier, Unfinished)


def thread(run, graph, data, frame, earlier):
    """A generator running one child thread again from where it ``earlier`` stopped: a finished
    one gives its output without entering a state, an unfinished one goes on from the state it
    stopped in, with that state's input and the variables it had; one that never ran starts."""
    if earlier is None:
        return walker.run_graph(run, graph, data, frame)
    if isinstance(earlier, Unfinished):
        frame.scope.values.update(earlier.variables)
        return walker.run_graph(run, graph, earlier.data, frame, start_at=earlier.state,
                                resume=children_of(earlier))
    return _succeeded(frame, earlier)


def _succeeded(frame, earlier):
    frame.resume = earlier
    return earlier[0]
    yield  # a generator that never waits


__all__ = ["REDRIVABLE_MS", "refusal", "children_of", "child_again", "earlier_for", "succeeded", "thread"]
