"""One state executed alone, as AWS's TestState executes it: the engine's own executors and
data flow, with each stage's value kept for inspection and Retry/Catch stopped at their decision.

TestState does not retry: when a retrier would run the state again the test ends RETRIABLE
(with the retrier's index and its backoff), when a catcher takes the error it ends CAUGHT_ERROR
(with the catcher's index and its Next), and when nothing handles it, FAILED.

    tester = StateTester(machine, input, services=..., start_ms=..., seed=0, execution_type=...,
                         name="TestState", machine_name=..., region=..., role_arn=..., retries=0)
    output, next_state, assigned = tester.run_state(state, input)   # or Retriable / StatesError
    tester.inspection, tester.caught
"""
from __future__ import annotations

import inspect
from typing import Any

from ..definition.limits import MAX_HISTORY_EVENTS
from ..errors import StatesError
from .attempts import catch
from .context import StateContext
from .failures import failed
from .identity import Identity, Seeds
from .plan import Plan
from .recorder import Recorder
from .retry import backoff_ms, catcher_index, find_retrier
from .run import Run
from .scheduler import Scheduler


class Retriable(Exception):
    """Raised out of the state when a retrier would run it again."""

    def __init__(self, error: StatesError, index: int, delay_ms: int):
        self.error = error
        self.index = index
        self.delay_ms = delay_ms
        super().__init__(error.error)


class StateTester:
    """One state of ``machine`` (a StateMachine) run alone: ``retries`` is how many times the
    matching retrier has already retried (stateConfiguration.retrierRetryCount)."""

    def __init__(self, machine, execution_input, *, services, start_ms: int, seed: int,
                 execution_type: str, name: str, machine_name: str, region: str,
                 role_arn: str | None = None, retries: int = 0):
        self.machine = machine
        self.input = execution_input
        self.retries = retries
        self.inspection: dict = {}
        self.caught: tuple[int, StatesError] | None = None
        self.scheduler = Scheduler(start_ms)
        express = execution_type == "EXPRESS"
        seeds = Seeds(seed)
        self.identity = Identity(machine_name=machine_name, name=name, region=region, express=express,
                                 start_ms=start_ms, execution_input=execution_input, seeds=seeds,
                                 role_arn=role_arn)
        recorder = Recorder(self.scheduler, limit=None if express else MAX_HISTORY_EVENTS)
        self.run = Run(identity=self.identity, seeds=seeds, recorder=recorder, scheduler=self.scheduler,
                       services=services)
        self.run.tester = self
        self.top = self.run.top

    def run_state(self, state, data: Any, executor=None, context: dict | None = None):
        """Execute ``state`` with input ``data``: (output, next, assigned), or raise StatesError /
        Retriable. ``executor(ctx)`` replaces the state's own (a mocked Map or Parallel);
        ``context`` is merged into the Context object."""
        identity = self.identity
        self.run.recorder.end("ExecutionStarted", 0, {"input": self.input, "roleArn": identity.role_arn})
        self.inspection["input"] = data
        if context:
            for key, section in (("Execution", identity.execution_context),
                                 ("StateMachine", identity.machine_context)):
                if isinstance(context.get(key), dict):
                    section.update(context[key])
        plan = _plan_of(self.machine, state)
        self.scheduler.start(self._visit(plan, data, executor, context or {}))
        self.scheduler.advance()
        finished, value = self.scheduler.outcome()
        return value

    def _visit(self, plan, data, executor, context: dict):
        run = self.run
        ctx = StateContext(run, self.top, plan.state, plan, data, self.scheduler.now)
        ctx.entered_id = run.recorder.event(plan.entered_type, self.top, {"name": plan.name, "input": data})
        ctx.inspect = self.inspection.__setitem__
        ctx.task_token = (context.get("Task") or {}).get("Token")
        ctx.map_item = (context.get("Map") or {}).get("Item")
        try:
            ctx.data = plan.flow.effective(ctx)
            ctx.inspect("afterInputPath", ctx.data)
            execute = executor or plan.execute
            if inspect.isgeneratorfunction(execute):
                return (yield from execute(ctx))
            return execute(ctx)
        except StatesError as err:
            raise failed(ctx, err) from None

    def decided(self, ctx, error: StatesError):
        """What TestState reports for a failed attempt: Retriable raised, the Catch's outcome, or
        the error raised."""
        state = ctx.state
        index = find_retrier(state.retriers, error.error)
        if index is not None and self.retries < state.retriers[index].max_attempts:
            raise Retriable(error, index, backoff_ms(state.retriers[index], self.retries, ctx.random))
        caught = catcher_index(state.catchers, error.error)
        outcome = catch(ctx, error, caught)
        self.caught = (caught, error)
        return outcome


def _plan_of(machine, state) -> Plan:
    """The state's plan in ``machine`` (a StateMachine, or a bare state's own plan)."""
    plans = getattr(machine, "_plan", None)
    if plans is not None and state.name in plans.plans and plans.plans[state.name].state is state:
        return plans.plans[state.name]
    return Plan(state)
