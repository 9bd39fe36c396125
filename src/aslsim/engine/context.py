"""What a state's expressions can see: the Context object, workflow variables, the seeded RNG."""
from __future__ import annotations

from typing import Any

from ..definition.timestamps import iso_ms


class Scope:
    """Workflow variables of one scope: the execution, a Parallel branch or a Map iteration.

    Reads fall through to the enclosing scopes; assignments land in this scope, so a branch's
    or an iteration's own variables never leak out and siblings never share them.
    """

    __slots__ = ("values", "parent")

    def __init__(self, parent: "Scope | None" = None):
        self.values: dict[str, Any] = {}
        self.parent = parent

    def __getitem__(self, name: str) -> Any:
        scope = self
        while scope is not None:
            values = scope.values
            if name in values:
                return values[name]
            scope = scope.parent
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        try:
            self[name]
        except KeyError:
            return False
        return True

    def visible(self) -> dict:
        """Every variable visible here, inner scopes winning."""
        chain = []
        scope = self
        while scope is not None:
            chain.append(scope.values)
            scope = scope.parent
        merged: dict = {}
        for values in reversed(chain):
            merged.update(values)
        return merged


class Frame:
    """One thread of control (the top level, a branch, an iteration): its variables, its last
    event id (for AWS's previousEventId) and the path of state names it took."""

    __slots__ = ("scope", "prev", "path", "in_parallel")

    def __init__(self, scope: Scope, prev: int, in_parallel: bool = False):
        self.scope = scope
        self.prev = prev
        self.path: list = []
        self.in_parallel = in_parallel


class StateEnv:
    """The view one state visit has; ``context`` ($$) is built only when an expression reads it."""

    __slots__ = ("run", "frame", "state", "entered_ms", "retry_count", "task_token", "map_item",
                 "entered_prev", "_context", "document", "input", "result", "error_output")

    def __init__(self, run, frame, state, entered_ms: int):
        self.run = run
        self.frame = frame
        self.state = state
        self.entered_ms = entered_ms
        self.retry_count = None
        self.task_token = None
        self.map_item = None
        self.entered_prev = 0
        self._context = None
        self.document = self.input = self.result = self.error_output = None

    @property
    def now_ms(self) -> int:
        return self.run.clock.now

    @property
    def variables(self) -> Scope:
        return self.frame.scope

    @property
    def random(self):
        return self.run.rng

    @property
    def context(self) -> dict:
        if self._context is None:
            state = {"EnteredTime": iso_ms(self.entered_ms), "Name": self.state.name}
            if self.retry_count is not None:
                state["RetryCount"] = self.retry_count
            context = {"Execution": self.run.execution_context, "State": state,
                       "StateMachine": self.run.state_machine_context}
            if self.task_token is not None:
                context["Task"] = {"Token": self.task_token}
            if self.map_item is not None:
                context["Map"] = {"Item": self.map_item}
            self._context = context
        return self._context

    def refresh(self):
        """Forget the built Context object (RetryCount or the Map item changed)."""
        self._context = None
