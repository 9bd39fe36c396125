"""The one writer of what an execution did: its event log, and the service calls and coverage
trace it shares with the child executions of its Distributed Maps.

The history (AWS's view of the log), ``Execution.calls``, ``path`` and ``trace`` are read from
what the recorder wrote, never kept anywhere else. The 25,000-event limit of a Standard
execution is kept here, exactly: the event that would be the 25,000th is refused (the
execution fails with States.Runtime), nothing but the execution's own end is recorded after
that, so the history holds at most 25,000 events and ends with ExecutionFailed.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import StatesError
from .events import EventLog

_NOT_SET = object()


class HistoryLimitReached(StatesError):
    """The Standard execution's history is full."""

    def __init__(self, limit: int):
        super().__init__("States.Runtime",
                         f"The execution reached the maximum number of history events ({limit}).")


class CallRecord(Mapping):
    """One call a Task made (``Execution.calls``), frozen: ``state``, ``resource``,
    ``parameters``, ``time`` (virtual epoch ms), and once answered ``time_done`` with ``result``
    or ``error`` and ``cause``; ``task_token`` for ``.waitForTaskToken``. Read it as a mapping
    (``call["parameters"]``, ``call.get("error")``) or by attribute; absent fields are not keys."""

    __slots__ = ("_fields",)

    def __init__(self, fields: dict):
        object.__setattr__(self, "_fields", fields)

    def completed(self, fields: dict) -> "CallRecord":
        """This call with how it ended."""
        merged = self._fields.copy()
        merged.update(fields)
        return CallRecord(merged)

    def __getitem__(self, key: str) -> Any:
        return self._fields[key]

    def __iter__(self):
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._fields[name]
        except KeyError:
            if name in ("result", "error", "cause", "time_done", "task_token"):
                return None
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("a CallRecord cannot be changed")

    def __eq__(self, other) -> bool:
        if isinstance(other, CallRecord):
            return self._fields == other._fields
        return isinstance(other, Mapping) and self._fields == dict(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"CallRecord({self._fields!r})"


class Recorder:
    __slots__ = ("log", "clock", "limit", "room", "sealed", "calls", "trace")

    def __init__(self, clock, *, limit: int | None, calls: list | None = None,
                 trace: list | None = None):
        self.log = EventLog()
        self.clock = clock                  # reads .now: the scheduler's virtual time
        self.limit = limit                  # None: no history limit (Express)
        # events a thread may append while one more is left for the execution's end
        self.room = float("inf") if limit is None else limit - 1
        self.sealed = False
        self.calls: list = [] if calls is None else calls
        self.trace: list[tuple] = [] if trace is None else trace

    def child(self, *, limit: int | None) -> "Recorder":
        """The recorder of a child execution: its own log, this one's calls and trace."""
        return Recorder(self.clock, limit=limit, calls=self.calls, trace=self.trace)

    # -- events --------------------------------------------------------------------------------
    def event(self, event_type: str, frame, details: dict | None = None) -> int:
        """An event of the thread ``frame``, following its last one."""
        records = self.log.records
        if len(records) >= self.room:
            self.refuse()
        records.append((event_type, frame.prev, details, self.clock.now))
        frame.prev = len(records)
        return frame.prev

    def add(self, event_type: str, previous: int, details: dict | None = None) -> int:
        """An event that follows ``previous`` (aborts, EvaluationFailed): dropped once the
        history is full, for only the execution's end may follow."""
        log = self.log
        if self.sealed or len(log.records) >= self.room:
            self.sealed = True
            return len(log.records)
        return log.append(event_type, previous, details, self.clock.now)

    def refuse(self):
        """The history is full: nothing but the execution's end may follow."""
        self.sealed = True
        raise HistoryLimitReached(self.limit)

    def end(self, event_type: str, previous: int, details: dict | None = None) -> int:
        """The execution's last event: always recorded."""
        return self.log.append(event_type, previous, details, self.clock.now)

    def __len__(self) -> int:
        return len(self.log.records)

    # -- calls and trace -----------------------------------------------------------------------
    def call_started(self, fields: dict) -> dict:
        """Record a call as it is made. The record is read-only to everyone else; the engine
        completes it once (``call_ended``) with how the call ended."""
        self.calls.append(CallRecord(fields))
        return fields

    @staticmethod
    def call_ended(fields: dict, outcome: dict) -> None:
        fields.update(outcome)

    def note(self, kind: str, state: str, detail) -> None:
        """A coverage trace entry: ("transition", from, to), ("rule", choice, index|"Default"),
        ("retry", state, retrier index), ("catch", state, catcher index)."""
        self.trace.append((kind, state, detail))
