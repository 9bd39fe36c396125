"""The one writer of what an execution did: its event log (see ``events``), with the service
calls and coverage notes of the child executions of its Distributed Maps among its marks.

The history (AWS's view of the log), ``Execution.calls``, ``path`` and ``trace`` are read from
the log the recorder wrote (``calls_of``, ``trace_of``, ``paths.path_of``), never kept anywhere
else. The 25,000-event limit of a Standard execution is kept here, exactly: the event that
would be the 25,000th is refused (the execution fails with States.Runtime), nothing but the
execution's own end is recorded after that, so the history holds at most 25,000 events and
ends with ExecutionFailed.
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
    __slots__ = ("log", "clock", "limit", "room", "sealed", "notes", "threads")

    def __init__(self, clock, *, limit: int | None, notes: list | None = None):
        self.log = EventLog()
        self.clock = clock                  # reads .now: the scheduler's virtual time
        self.limit = limit                  # None: no history limit (Express)
        # events a thread may append while one more is left for the execution's end
        self.room = float("inf") if limit is None else limit - 1
        self.sealed = False
        # where calls and coverage notes go: the log's marks, the top execution's for a child
        self.notes: list = self.log.marks if notes is None else notes
        self.threads = 1                    # the next thread number (0: the top level)

    def child(self, *, limit: int | None) -> "Recorder":
        """The recorder of a child execution: its own log; its calls and notes go to this one's."""
        return Recorder(self.clock, limit=limit, notes=self.notes)

    # -- events --------------------------------------------------------------------------------
    def event(self, event_type: str, frame, details: dict | None = None) -> int:
        """An event of the thread ``frame``, following its last one."""
        records = self.log.records
        if len(records) >= self.room:
            self.refuse()
        records.append((event_type, frame.prev, details, self.clock.now, frame.thread))
        frame.prev = len(records)
        return frame.prev

    def add(self, event_type: str, previous: int, details: dict | None = None, thread: int = 0) -> int:
        """An event that follows ``previous`` (aborts, EvaluationFailed): dropped once the
        history is full, for only the execution's end may follow."""
        log = self.log
        if self.sealed or len(log.records) >= self.room:
            self.sealed = True
            return len(log.records)
        return log.append(event_type, previous, details, self.clock.now, thread)

    def refuse(self):
        """The history is full: nothing but the execution's end may follow."""
        self.sealed = True
        raise HistoryLimitReached(self.limit)

    def refuse_state(self, name: str, frame):
        """The history is full as ``frame`` enters the state ``name``: it is on the path still."""
        log = self.log
        log.marks.append(("refused", len(log.records), frame.thread, name))
        self.refuse()

    def end(self, event_type: str, previous: int, details: dict | None = None) -> int:
        """The execution's last event: always recorded."""
        return self.log.append(event_type, previous, details, self.clock.now)

    def __len__(self) -> int:
        return len(self.log.records)

    # -- where the path forks ------------------------------------------------------------------
    def fork(self, frame, count: int) -> int:
        """``count`` threads started by ``frame``'s thread (a Parallel attempt's branches, a Map
        attempt's iterations), numbered from the number returned, in order."""
        first = self.threads
        self.threads = first + count
        log = self.log
        log.marks.append(("threads", len(log.records), frame.thread, first, count))
        return first

    def children(self, frame) -> list:
        """A Distributed Map attempt's child executions, started by ``frame``'s thread: the list
        each is appended to as it ends (8 bytes a child: a run may have 100,000)."""
        ended: list = []
        log = self.log
        log.marks.append(("children", len(log.records), frame.thread, ended))
        return ended

    # -- calls and notes -----------------------------------------------------------------------
    def call_started(self, fields: dict) -> dict:
        """Record a call as it is made. The record is read-only to everyone else; the engine
        completes it once (``call_ended``) with how the call ended."""
        self.notes.append(("call", fields))
        return fields

    @staticmethod
    def call_ended(fields: dict, outcome: dict) -> None:
        fields.update(outcome)

    def note(self, kind: str, state: str, detail) -> None:
        """A coverage note: ("transition", from, to), ("rule", choice, index|"Default"),
        ("retry", state, retrier index), ("catch", state, catcher index)."""
        self.notes.append((kind, state, detail))


_TRACE = frozenset({"transition", "rule", "retry", "catch"})


def calls_of(log: EventLog) -> list:
    """The calls recorded in ``log`` (a top execution's: its children's too), in order."""
    return [CallRecord(mark[1]) for mark in log.marks if mark[0] == "call"]


def trace_of(log: EventLog) -> list:
    """The coverage notes recorded in ``log`` (a top execution's: its children's too), in order."""
    trace = _TRACE
    return [mark for mark in log.marks if mark[0] in trace]
