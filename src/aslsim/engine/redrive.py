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

from . import walker
from .context import Unfinished


def children_of(point) -> list | None:
    """How the children (branches, iterations) of the state a thread stopped in ended, as
    ``point`` has it; None when that state is no Parallel or Map, or had not started them."""
    if not isinstance(point, Unfinished) or point.children is None:
        return None
    return [frame.resume for frame in point.children]


def map_run_of(execution, state: str):
    """The Map Run the top-level Distributed Map ``state`` of ``execution`` stopped in, when it
    got as far as starting children (a redrive goes on with it); else None."""
    runs = [run for run in execution.map_runs if run.state_name == state and run.children
            and run.execution_arn == execution.execution_arn and run.status != "SUCCEEDED"]
    return runs[-1] if runs else None


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


__all__ = ["children_of", "map_run_of", "earlier_for", "succeeded", "thread"]
