"""The event log as AWS's GetExecutionHistory returns it: ids, previousEventId, ISO timestamps,
payloads as JSON text with their ``*Details`` siblings, absent error and cause left out."""
from __future__ import annotations

import json
from typing import Any

from ..definition.timestamps import iso_ms
from .events import EventLog

# Detail fields that hold a JSON payload: AWS sends them as JSON text with a *Details sibling.
_PAYLOAD_FIELDS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}
_TEXT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


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
    # a state's output is the next state's input, the very same object: serialise it once
    texts: dict[int, tuple] = {}
    stamps: dict[int, str] = {}   # virtual time: a handful of distinct instants
    keys: dict[str, str] = {}
    for i, (event_type, previous, details, ms) in enumerate(log.records, start=1):
        stamp = stamps.get(ms)
        if stamp is None:
            stamp = stamps[ms] = iso_ms(ms)
        event: dict[str, Any] = {"timestamp": stamp, "type": event_type, "id": i,
                                 "previousEventId": previous}
        if details is not None:
            key = keys.get(event_type)
            if key is None:
                key = keys[event_type] = _details_key(event_type)
            event[key] = _render_details(details, texts)
        out.append(event)
    return out


def _text(value, texts: dict) -> str:
    known = texts.get(id(value))
    if known is not None and known[0] is value:
        return known[1]
    text = _TEXT(value)
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
            rendered[key] = {name: _TEXT(v) for name, v in value.items()}
            rendered["assignedVariablesDetails"] = {"truncated": False}
        else:
            rendered[key] = value
    return rendered
