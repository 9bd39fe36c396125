"""One execution's event log: the events AWS records, appended as the execution runs.

An entry is a small tuple ``(type, previous_id, details, time_ms)`` (appending must be cheap: a
Map of 10,000 items appends 40,000). Everything else is a view of the log, built when asked:
``typed()`` gives ``Event`` records (payloads as values, times as virtual epoch milliseconds)
for tools that read the history, and ``history.aws_events`` the dicts GetExecutionHistory
returns (payloads as JSON text, ISO timestamps). Payload values are never changed after they
are produced, so keeping references is safe.
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
    __slots__ = ("records",)

    def __init__(self, records: list | None = None):
        self.records: list = [] if records is None else records

    def __len__(self) -> int:
        return len(self.records)

    def append(self, event_type: str, previous: int, details: dict | None, time_ms: int) -> int:
        """Record an event; returns its id (1-based)."""
        records = self.records
        records.append((event_type, previous, details, time_ms))
        return len(records)

    def typed(self) -> list[Event]:
        return [Event(i, event_type, previous, ms, details)
                for i, (event_type, previous, details, ms) in enumerate(self.records, start=1)]

    def freeze(self) -> bytes:
        """The log as one compact blob (a finished child execution keeps only this)."""
        return pickle.dumps(self.records, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def thaw(cls, blob: bytes) -> "EventLog":
        return cls(pickle.loads(blob))

    def __repr__(self) -> str:
        return f"<EventLog {len(self.records)} events>"

