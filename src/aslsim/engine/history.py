"""The execution history, in AWS's shape (GetExecutionHistory), recorded cheaply.

Events are recorded as small tuples while the execution runs; the AWS-shaped dicts (ids,
previousEventId, ISO timestamps, payloads as JSON strings) are built once, when asked for.
Payload values are never changed after they are produced, so keeping references is safe.
"""
from __future__ import annotations

from typing import Any

from ..definition.limits import MAX_HISTORY_EVENTS
from ..definition.timestamps import iso_ms
from ..query.jsonpath import dumps

MAX_EVENTS = MAX_HISTORY_EVENTS

# Detail fields that hold a JSON payload: AWS sends them as JSON text with a *Details sibling.
_PAYLOAD_FIELDS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}


def _details_key(event_type: str) -> str | None:
    """The name of the details field for an event type, as AWS names it."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class History:
    __slots__ = ("_records", "_clock")

    def __init__(self, clock):
        self._records: list = []
        self._clock = clock

    def __len__(self):
        return len(self._records)

    def add(self, event_type: str, previous: int, details: dict | None = None) -> int:
        """Record an event; returns its id (1-based)."""
        self._records.append((event_type, previous, details, self._clock.now))
        return len(self._records)

    def events(self) -> list[dict]:
        """The events as AWS returns them: payloads as JSON strings, timestamps ISO-8601."""
        out = []
        # a state's output is the next state's input, the very same object: serialise it once
        texts: dict[int, tuple] = {}
        for i, (event_type, previous, details, ms) in enumerate(self._records, start=1):
            event: dict[str, Any] = {"timestamp": iso_ms(ms), "type": event_type, "id": i,
                                     "previousEventId": previous}
            if details is not None:
                event[_details_key(event_type)] = _render_details(details, texts)
            out.append(event)
        return out


def _text(value, texts: dict) -> str:
    known = texts.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    text = dumps(value)
    texts[id(value)] = (value, text)  # keeping value alive keeps its id unique
    return text


def _render_details(details: dict, texts: dict) -> dict:
    rendered = {}
    for key, value in details.items():
        if key in _PAYLOAD_FIELDS:
            rendered[key] = _text(value, texts)
            sibling = _PAYLOAD_FIELDS[key]
            if sibling:
                rendered[sibling] = {"truncated": False}
        elif key in ("error", "cause") and (value is None or (key == "cause" and value == "")):
            continue  # AWS leaves out an absent error or cause rather than sending null (recorded)
        elif key == "assignedVariables":
            rendered[key] = {name: dumps(v) for name, v in value.items()}
            rendered["assignedVariablesDetails"] = {"truncated": False}
        else:
            rendered[key] = value
    return rendered
