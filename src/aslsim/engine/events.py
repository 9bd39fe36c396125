"""One execution's event log: the events AWS records, appended as the execution runs, and the
facts only the engine keeps beside them.

An event is a small tuple ``(type, previous_id, details, time_ms, thread)`` (appending must be
cheap: a Map of 10,000 items appends 40,000); its id is its position (1-based); ``thread``
numbers the thread of control that recorded it (0: the top level), which AWS never shows.
``marks`` are the engine-only entries, in the order they were made: the calls and the coverage
notes (a Distributed Map's children add theirs to the top execution's), and where the path
forks (see ``paths``). Everything else is a view of the log, built when asked: ``typed()``
gives ``Event`` records (payloads as values, times as virtual epoch milliseconds) for tools
that read the history, ``history.aws_events`` the dicts GetExecutionHistory returns (payloads
as JSON text, ISO timestamps), ``paths.path_of`` the path, ``recorder.calls_of`` and
``trace_of`` the calls and the coverage trace. Payload values are never changed after they are
produced, so keeping references is safe.
"""
from __future__ import annotations

import pickle
from typing import NamedTuple


class Event(NamedTuple):
    """One history event, typed: ``details`` holds payloads as values, not JSON text."""
    id: int
    type: str
    previous_id: int
    time_ms: int
    details: dict | None


class EventLog:
    __slots__ = ("records", "marks")

    def __init__(self, records: list | None = None, marks: list | None = None):
        self.records: list = [] if records is None else records
        self.marks: list = [] if marks is None else marks

    def __len__(self) -> int:
        return len(self.records)

    def append(self, event_type: str, previous: int, details: dict | None, time_ms: int,
               thread: int = 0) -> int:
        """Record an event; returns its id (1-based)."""
        records = self.records
        records.append((event_type, previous, details, time_ms, thread))
        return len(records)

    def typed(self) -> list[Event]:
        return [Event(i, event_type, previous, ms, details)
                for i, (event_type, previous, details, ms, _) in enumerate(self.records, start=1)]

    def freeze(self) -> bytes:
        """The events as one compact blob (a finished child execution keeps this and its marks)."""
        return pickle.dumps(self.records, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def thaw(cls, blob: bytes, marks: list | None = None) -> "EventLog":
        return cls(pickle.loads(blob), marks)

    def __repr__(self) -> str:
        return f"<EventLog {len(self.records)} events>"

