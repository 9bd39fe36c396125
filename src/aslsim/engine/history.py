"""The event log as AWS's GetExecutionHistory returns it: ids, previousEventId, ISO timestamps,
payloads as JSON text with their ``*Details`` siblings, absent error and cause left out."""
from __future__ import annotations

from typing import Any

from ..definition.timestamps import iso_ms
from ..jsontext import text as _payload_text
from .events import EventLog

# Detail fields that hold a JSON payload: AWS sends them as JSON text with a *Details sibling.
_PAYLOAD_FIELDS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}
_SIBLINGS = {"input": "inputDetails", "output": "outputDetails"}
_OTHER = object()
_SPECIAL = frozenset({"error", "cause", "assignedVariables"})
_NOT_PLAIN = _SPECIAL | frozenset(_PAYLOAD_FIELDS)


def _details_key(event_type: str) -> str:
    """The name of the details field for an event type, as AWS names it."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


def aws_events(log: EventLog) -> list[dict]:
    """The events as AWS returns them: payloads as JSON strings, timestamps ISO-8601."""
    out = []
    append = out.append
    # A state's output is the next state's input, the very same object: each payload object is
    # encoded once, its text found by id. The log keeps every payload alive and unchanged while
    # this runs, so an id names one object throughout.
    texts: dict[int, str] = {}
    stamps: dict[int, str] = {}   # virtual time: a handful of distinct instants
    keys: dict[str, str] = {}
    siblings, payload_fields, other, special = _SIBLINGS, _PAYLOAD_FIELDS, _OTHER, _SPECIAL
    plain = _NOT_PLAIN
    encode = _payload_text
    i = 0
    for event_type, previous, details, ms in log.records:
        i += 1
        stamp = stamps.get(ms)
        if stamp is None:
            stamp = stamps[ms] = iso_ms(ms)
        if details is None:
            append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous})
            continue
        key = keys.get(event_type)
        if key is None:
            key = keys[event_type] = _details_key(event_type)
        if len(details) == 2:
            # most events: a state entered or exited, {"name": ..., "input" | "output": ...}
            first, second = details
            if first == "name" and second in siblings:
                value = details[second]
                text = texts.get(id(value))
                if text is None:
                    text = texts[id(value)] = encode(value)
                append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                        key: {"name": details["name"], second: text,
                              siblings[second]: {"truncated": False}}})
                continue
        if plain.isdisjoint(details):   # no payload, no error: the details as they are
            append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                    key: details.copy()})
            continue
        rendered = {}
        for field, value in details.items():
            sibling = payload_fields.get(field, other)
            if sibling is other:
                if field in special:
                    _render_special(rendered, field, value)
                else:
                    rendered[field] = value
                continue
            text = texts.get(id(value))
            if text is None:
                text = texts[id(value)] = encode(value)
            rendered[field] = text
            if sibling:
                rendered[sibling] = {"truncated": False}
        append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                key: rendered})
    return out


def _render_special(rendered: dict, key: str, value) -> None:
    """assignedVariables (each value as JSON text), error and cause (left out when absent)."""
    if key == "assignedVariables":
        rendered[key] = {name: _payload_text(v) for name, v in value.items()}
        rendered["assignedVariablesDetails"] = {"truncated": False}
    elif not (value is None or (key == "cause" and value == "")):
        # AWS leaves out an absent error or cause rather than sending null (recorded)
        rendered[key] = value
