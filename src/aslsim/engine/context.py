"""What a state visit sees: its thread's variables and last event, and the evaluation context
every compiled value resolves against.

``StateContext`` is the narrow protocol between the engine and a state's executor, and between
the engine and the query layer (see ``query.templates``): the state and its plan, the raw input
and the effective one, the result and error output once there are any, the Context object
(built only when read), the variables, the virtual clock and the seeded random numbers; and
``event``/``note`` to record, ``run`` for what only Task, Map and Parallel need (services,
child threads). An ``inspect`` hook, when set (TestState), is told each step of the data flow.
"""
from __future__ import annotations

from typing import Any, NamedTuple

from ..definition.timestamps import iso_ms
from ..query.templates import ABSENT


class Scope:
    """Workflow variables of one scope: the execution, a Parallel branch or a Map iteration.

    Reads fall through to the enclosing scopes; assignments land in this scope, so a branch's
    or an iteration's own variables never leak out and siblings never share them.
    """

    __slots__ = ("values", "parent")

    def __init__(self, parent: "Scope | None" = None, values: dict | None = None):
        self.values: dict[str, Any] = {} if values is None else values
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


class Frame:
    """One thread of control (the top level, a branch, an iteration): its variables, its last
    event id (AWS's previousEventId), its number in the log (``thread``: what its events are
    tagged with, see ``events``) and a bound on the size of the data it carries (bytes of JSON,
    for the 256 KiB limit)."""

    __slots__ = ("scope", "prev", "thread", "in_parallel", "size", "resume")

    def __init__(self, scope: Scope, prev: int, in_parallel: bool = False, size: int = 0,
                 thread: int = 0):
        self.scope = scope
        self.prev = prev
        self.thread = thread
        self.in_parallel = in_parallel
        self.size = size
        self.resume = None      # how the thread ended, for a redrive (see engine.redrive)


class Unfinished(NamedTuple):
    """A thread that failed or was aborted in ``state`` (see engine.redrive)."""
    state: str
    data: Any                  # the state's input, as its Entered event has it
    variables: dict            # the thread's variables then
    children: list | None      # the Frames of the children it ran, when it is a Parallel or Map

    @classmethod
    def at(cls, name: str, data, frame: "Frame", ctx: "StateContext") -> "Unfinished":
        return cls(name, data, dict(frame.scope.values), ctx.frames)


class StateContext:
    """One state visit; also the evaluation context of every value the state resolves.

    No ``__slots__``: the fields most visits never set are class-level defaults, so making a
    context costs eight assignments.
    """

    result = ABSENT              # the state's result, once it has one ($states.result)
    error_output = ABSENT        # the error a Catch handles ($states.errorOutput)
    retry_count = None
    task_token = None
    map_item = None
    inspect = None               # TestState's hook: told the value after each data-flow step
    started = False              # whether this attempt got as far as its Started event
    frames = None                # a Parallel's or Map's children's Frames, once it starts them
    resume = None                # a redriven Parallel's or Map's children's ends (engine.redrive)
    result_size = 0              # a bound on the size of the result, once there is one
    _context = None

    def __init__(self, run, frame: Frame, state, plan, data: Any, entered_ms: int,
                 entered_id: int = 0, entered_prev: int = 0):
        self.entered_id = entered_id      # the id of the state's Entered event
        self.entered_prev = entered_prev  # the event before it
        self.run = run
        self.frame = frame
        self.state = state
        self.plan = plan
        self.entered_ms = entered_ms
        self.input = data            # the raw state input ($states.input)
        self.data = data             # the effective input (after InputPath)
        self.document = data         # what a JSONPath "$" reads in the value being resolved

    # -- the evaluation context --------------------------------------------------------------
    @property
    def variables(self) -> Scope:
        return self.frame.scope

    @property
    def random(self):
        return self.run.seeds.rng

    @property
    def now_ms(self) -> int:
        return self.run.scheduler.now

    @property
    def context(self) -> dict:
        """The Context object ($$), built on first read."""
        if self._context is None:
            state = {"EnteredTime": iso_ms(self.entered_ms), "Name": self.state.name}
            if self.retry_count is not None:
                state["RetryCount"] = self.retry_count
            identity = self.run.identity
            context = {"Execution": identity.execution_context, "State": state,
                       "StateMachine": identity.machine_context}
            if self.task_token is not None:
                context["Task"] = {"Token": self.task_token}
            if self.map_item is not None:
                context["Map"] = {"Item": self.map_item}
            self._context = context
        return self._context

    def refresh(self) -> None:
        """Forget the built Context object (RetryCount, the task token or the Map item changed)."""
        self._context = None

    # -- recording -----------------------------------------------------------------------------
    def event(self, event_type: str, details: dict | None = None) -> int:
        """An event of this state's thread."""
        return self.run.recorder.event(event_type, self.frame, details)

    def note(self, kind: str, detail) -> None:
        self.run.recorder.note(kind, self.state.name, detail)
