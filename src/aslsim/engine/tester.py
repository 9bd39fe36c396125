"""One state executed alone, as AWS's TestState executes it: the engine's own state executors,
with the data-flow stages kept for inspection and Retry/Catch stopped at their decision.

TestState does not retry: when a retrier would run the state again the test ends RETRIABLE
(with the retrier's index and its backoff), when a catcher takes the error it ends CAUGHT_ERROR
(with the catcher's index and its Next), and when nothing handles it, FAILED.
"""
from __future__ import annotations

from typing import Any

from ..errors import StatesError
from .context import StateEnv
from .interpreter import _HANDLERS, _WAITING, Runner
from .retry import backoff_ms, find_catcher, find_retrier


class Retriable(Exception):
    """Raised out of the state when a retrier would run it again."""

    def __init__(self, error: StatesError, index: int, delay_ms: int):
        self.error = error
        self.index = index
        self.delay_ms = delay_ms
        super().__init__(error.error)


class StateTester(Runner):
    """A Runner for one state: ``retries`` is how many times the matching retrier has already
    retried (stateConfiguration.retrierRetryCount); ``run_state`` gives the outcome."""

    def __init__(self, *args, retries: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.retries = retries
        self.inspection = {}
        self.caught: tuple[int, StatesError] | None = None

    def retry_delay(self, state, err: StatesError, counters: list, env, entered: int):
        self.record_failure(err, state, env, entered)
        index = find_retrier(state.retriers, err.error)
        if index is None or self.retries >= state.retriers[index].max_attempts:
            return None
        raise Retriable(err, index, backoff_ms(state.retriers[index], self.retries, self.rng))

    def catch(self, state, raw, err: StatesError, env):
        output, next_name, assigned = super().catch(state, raw, err, env)
        catcher = find_catcher(state.catchers, err.error)
        self.caught = (next(i for i, c in enumerate(state.catchers) if c is catcher), err)
        return output, next_name, assigned

    def run_state(self, state, data: Any, executor=None, context: dict | None = None):
        """Execute ``state`` with input ``data``: (output, next, assigned), or raise StatesError /
        Retriable. ``executor(run, state, raw, frame, env)`` replaces the state's own (a mocked
        Map or Parallel); ``context`` is merged into the Context object."""
        self.history.add("ExecutionStarted", 0, {"input": self.input, "roleArn": self.execution_context["RoleArn"]})
        self.inspection["input"] = data
        env = StateEnv(self, self.top, state, self.clock.now)
        if context:
            env.task_token = (context.get("Task") or {}).get("Token", env.task_token)
            env.map_item = (context.get("Map") or {}).get("Item", env.map_item)
            for key, section in (("Execution", self.execution_context), ("StateMachine", self.state_machine_context)):
                if isinstance(context.get(key), dict):
                    section.update(context[key])
        self._state, self._data, self._env, self._executor = state, data, env, executor
        self.clock.start(self._visit())
        self._deadline = None
        outcome = self.advance()
        return outcome

    def _visit(self):
        state, data, env = self._state, self._data, self._env
        entered = self.event(state.type + "StateEntered", self.top, {"name": state.name, "input": data})
        try:
            handler = self._executor or _HANDLERS[state.type]
            if handler in _WAITING or self._executor is not None and _is_generator(handler):
                return (yield from handler(self, state, data, self.top, env, entered))
            return handler(self, state, data, self.top, env)
        except StatesError as err:
            self.record_failure(err, state, env, entered)
            raise

    def advance(self, until_ms: int | None = None):
        """(output, next, assigned) once the state has ended; StatesError or Retriable raised."""
        self.clock.advance(until_ms, self._deadline)
        finished, value = self.clock.outcome()
        return value


def _is_generator(function) -> bool:
    import inspect
    return inspect.isgeneratorfunction(function)
