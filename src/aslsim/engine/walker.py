"""The graph walker: one thread of control (the top level, a branch, an iteration) state by state.

For each state it records the Entered event, applies the InputPath, hands a ``StateContext`` to
the state type's executor (``executors.EXECUTORS``), words a failure as AWS does, records the
Exited event with the assigned variables, and follows Next. A thread is a generator run by the
scheduler; executors of states that never wait are plain calls.
"""
from __future__ import annotations

from ..definition.limits import PAYLOAD_BYTES
from ..errors import StatesError, runtime_error
from .context import StateContext
from .failures import data_limit, failed
from .sizes import measure

# A thread that enters this many states without virtual time passing is in a loop that takes no
# time: on virtual time it would never end. A Standard execution meets its 25,000-event history
# limit first; an Express one (which has no such limit) fails with this (documented in README).
MAX_STATES_AT_ONE_INSTANT = 100_000


def run_graph(run, graph, data, frame):
    """A generator running ``graph`` (a PlanGraph) from its StartAt to an end; returns the output."""
    plans = graph.plans
    name = graph.start_at
    recorder = run.recorder
    clock = run.clock
    while True:
        plan = plans[name]
        state = plan.state
        _count_entry(run, frame, name)
        frame.path.append(name)
        before = frame.prev
        entered = recorder.event(plan.entered_type, frame, {"name": name, "input": data})
        ctx = StateContext(run, frame, state, plan, data, clock.now)
        ctx.entered_id, ctx.entered_prev = entered, before
        try:
            ctx.data = plan.flow.effective(ctx)
            if plan.waits:
                output, next_name, assigned = yield from plan.execute(ctx)
            else:
                output, next_name, assigned = plan.execute(ctx)
            frame.size = checked_output(plan, output, frame.size, ctx)
        except StatesError as err:
            settled = failed(ctx, err)
            if frame.in_parallel and plan.type == "Task":
                # recorded: a Task failing in a Parallel branch is then marked aborted
                recorder.event("TaskStateAborted", frame)
            raise settled from None
        except GeneratorExit:
            if not run.stopping:   # recorded: a stopped execution's open states get no event
                recorder.add(plan.aborted_type, frame.prev)
            raise
        details = {"name": name, "output": output}
        if assigned:
            frame.scope.values.update(assigned)
            details["assignedVariables"] = assigned
        recorder.event(plan.exited_type, frame, details)
        recorder.trace.append(("transition", name, next_name))
        if next_name is None:
            return output
        data = output
        name = next_name


def _count_entry(run, frame, name: str) -> None:
    now = run.clock.now
    if frame.still_at != now:
        frame.still_at, frame.still = now, 0
    frame.still += 1
    if frame.still > run.max_states_at_one_instant:
        raise runtime_error(
            f"The state '{name}' is in a loop that takes no virtual time: {frame.still - 1} states were "
            "entered at one instant, and on virtual time such a loop never ends (aslsim: give the "
            "loop a Wait, or bound it)").settled()


def checked_output(plan, output, input_size: int, ctx) -> int:
    """The state's output within the payload limit: returns a bound on its size in bytes.

    Sizes are bounded from the state's input and its compiled fields (``sizes``); only when the
    bound passes the limit is the output measured.
    """
    bound = plan.output_bound(input_size, ctx)
    if bound <= PAYLOAD_BYTES:
        return bound
    size = measure(output)
    if size > PAYLOAD_BYTES:
        raise data_limit(ctx.state.name)
    return size
