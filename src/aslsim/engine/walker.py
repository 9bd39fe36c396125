"""The graph walker: one thread of control (the top level, a branch, an iteration) state by state.

For each state it records the Entered event, applies the InputPath, hands a ``StateContext`` to
the state type's executor (``executors.EXECUTORS``), words a failure as AWS does, records the
Exited event with the assigned variables, and follows Next. A thread is a generator run by the
scheduler; executors of states that never wait are plain calls.
"""
from __future__ import annotations

from ..definition.limits import PAYLOAD_BYTES
from ..errors import StatesError, runtime_error
from .context import StateContext, Unfinished
from .failures import failed
from .sizes import measured

# A thread that enters this many states without virtual time passing is in a loop that takes no
# time: on virtual time it would never end. A Standard execution meets its 25,000-event history
# limit first; an Express one (which has no such limit) fails with this (documented in README).
MAX_STATES_AT_ONE_INSTANT = 100_000


def run_graph(run, graph, data, frame, start_at: str | None = None, resume: list | None = None):
    """A generator running ``graph`` (a PlanGraph) from its StartAt (or ``start_at``) to an end;
    returns the output. ``resume``: when a redrive goes on from ``start_at``, a Parallel or Map,
    how its children ended before (``engine.redrive``). The thread's end is left in ``frame.resume``."""
    plans = graph.plans
    name = start_at or graph.start_at
    # room: how many events may still be appended before the limit; most: see above
    recorder, records, append, note, room, clock, most, context_bound = run.walk
    thread = frame.thread
    still_at, still = None, 0       # states entered in a row at one instant of virtual time
    while True:
        plan = plans[name]
        (state, entered_type, exited_type, reads_input_path, waits, execute, size_a, size_b, size_rc,
         transitions) = plan.visit
        now = clock.now
        if still_at != now:
            still_at, still = now, 1
        else:
            still += 1
            if still > most:
                raise _zero_time_loop(name, still - 1)
        before = frame.prev
        if len(records) >= room:
            recorder.refuse_state(name, frame)
        append((entered_type, before, {"name": name, "input": data}, now, thread))
        frame.prev = entered = len(records)
        ctx = StateContext(run, frame, state, plan, data, now, entered, before)
        if resume is not None:
            ctx.resume, resume = resume, None
        try:
            if reads_input_path:
                ctx.data = plan.flow.effective(ctx)
            if waits:
                output, next_name, assigned = yield from execute(ctx)
            else:
                output, next_name, assigned = execute(ctx)
            size = size_a * frame.size + size_b
            if size_rc:
                size += plan.size_r * ctx.result_size + plan.size_c * context_bound
            frame.size = size if size <= PAYLOAD_BYTES else measured(output, name)
        except StatesError as err:
            settled = failed(ctx, err)
            frame.resume = Unfinished.at(name, data, frame, ctx)
            if frame.in_parallel and plan.type == "Task":
                # recorded: a Task failing in a Parallel branch is then marked aborted
                recorder.event("TaskStateAborted", frame)
            raise settled from None
        except GeneratorExit:
            frame.resume = Unfinished.at(name, data, frame, ctx)
            if not run.stopping:   # recorded: a stopped execution's open states get no event
                recorder.add(plan.aborted_type, frame.prev, None, thread)
            raise
        if assigned:
            frame.scope.values.update(assigned)
            details = {"name": name, "output": output, "assignedVariables": assigned}
        else:
            details = {"name": name, "output": output}
        if len(records) >= room:
            recorder.refuse()
        append((exited_type, frame.prev, details, clock.now, thread))
        frame.prev = len(records)
        note(transitions.get(next_name) or ("transition", name, next_name))
        if next_name is None:
            frame.resume = (output,)
            return output
        data = output
        name = next_name


def _zero_time_loop(name: str, entered: int) -> StatesError:
    return runtime_error(
        f"The state '{name}' was entered in a loop that takes no virtual time ({entered} states in a "
        "row at one instant): on virtual time it would never end, so aslsim stops it. Give the loop "
        "a Wait, or a bound.").settled()
