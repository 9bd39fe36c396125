"""The one attempt driver: Retry, backoff on virtual time, then Catch, for any state that has them.

Task, Parallel, Map and Distributed Map each give ``run_attempts`` one function that makes one
attempt of the state (a generator returning ``(output, next, assigned)``). A failed attempt is
worded and recorded (``failures.failed``); the first retrier whose ErrorEquals matches decides
whether it is tried again, after its backoff; once none will, the state's failure event is
recorded and the first matching catcher handles the error, or it goes on up.

``decide`` is the same decision without the loop, for running a single attempt of a state
(TestState): RETRIABLE with the backoff, CAUGHT_ERROR with the catcher, or FAILED.
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

from ..errors import StatesError
from .dataflow import error_output
from .failures import failed
from .retry import backoff_ms, catcher_index, find_retrier
from .scheduler import Sleep


class Decision(NamedTuple):
    retry_ms: int | None      # the backoff before the next attempt, when a retrier retries
    retrier: int | None       # which retrier decided (None: none matched)
    catcher: int | None       # which catcher handles the error once no retrier retries


def decide(state, error: str | None, counters: list, rng) -> Decision:
    """What AWS does with a failed attempt: the first matching retrier decides, even exhausted."""
    index = find_retrier(state.retriers, error)
    if index is not None:
        retrier = state.retriers[index]
        if counters[index] < retrier.max_attempts:
            delay = backoff_ms(retrier, counters[index], rng)
            counters[index] += 1
            return Decision(delay, index, None)
    return Decision(None, index, catcher_index(state.catchers, error))


def run_attempts(ctx, attempt: Callable, *, counts_retries: bool = False,
                 final_failure: Callable | None = None):
    """Run ``attempt(ctx)`` until it succeeds or no retrier retries it; then Catch or raise.

    ``counts_retries``: ``$$.State.RetryCount`` counts the retries (a Task's). ``final_failure``
    is called with (ctx, error) once no retrier will run the state again (the Failed events of
    Parallel and Map come only then).
    """
    state = ctx.state
    counters = [0] * len(state.retriers)
    if counts_retries:
        ctx.retry_count = 0
    while True:
        ctx.started = False
        try:
            return (yield from attempt(ctx))
        except StatesError as err:
            error = failed(ctx, err)
            if ctx.run.tester is not None:       # TestState: one attempt, then its verdict
                return ctx.run.tester.decided(ctx, error)
            decision = decide(state, error.error, counters, ctx.random)
            if decision.retry_ms is None:
                if final_failure is not None:
                    final_failure(ctx, error)
                return catch(ctx, error, decision.catcher)
            ctx.note("retry", decision.retrier)
            if decision.retry_ms:
                yield Sleep(decision.retry_ms)
            if counts_retries:
                ctx.retry_count += 1
                ctx.refresh()


def catch(ctx, error: StatesError, index: int | None) -> tuple[Any, str, dict | None]:
    """The (output, next, assigned) of catcher ``index``; re-raises without one."""
    if index is None:
        raise error
    catcher = ctx.state.catchers[index]
    ctx.note("catch", index)
    caught = error_output(error)
    flow = ctx.plan.flow
    assigned = flow.assigned(ctx, caught, error_output=caught, block=catcher.assign)
    return flow.caught(ctx, catcher, caught), catcher.next, assigned
