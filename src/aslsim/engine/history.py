"""The event log as AWS's GetExecutionHistory returns it: ids, previousEventId, ISO timestamps,
payloads as JSON text with their ``*Details`` siblings, absent error and cause left out."""
from __future__ import annotations

import gc

from ..definition.timestamps import iso_ms
from ..jsontext import text as _payload_text
from .events import EventLog

# Detail fields that hold a JSON payload: AWS sends them as JSON text with a *Details sibling.
_PAYLOAD_FIELDS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}
_OTHER = object()
_SPECIAL = frozenset({"error", "cause", "assignedVariables"})
_NOT_PLAIN = _SPECIAL | frozenset(_PAYLOAD_FIELDS)


def aws_events(log: EventLog) -> list[dict]:
    """The events as AWS returns them: payloads as JSON strings, timestamps ISO-8601."""
    # Tens of thousands of new dicts, none of them in a cycle: the collector would only walk
    # them (and the whole log with them) again and again while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _events(log.records)
    finally:
        if collecting:
            gc.enable()


def _events(records: list) -> list[dict]:
    out = []
    append = out.append
    # A state's output is the next state's input, the very same object: each payload object is
    # encoded once, its text found by id (or, most often, by being the one just encoded). The
    # log keeps every payload alive and unchanged while this runs, so an id names one object.
    texts: dict[int, str] = {}
    stamps: dict[int, str] = {}   # virtual time: a handful of distinct instants
    shapes: dict[str, tuple] = {}
    payload_fields, other, special = _PAYLOAD_FIELDS, _OTHER, _SPECIAL
    plain = _NOT_PLAIN
    encode = _payload_text
    last_ms = stamp = last_text = None
    last_value = other   # (a payload may be null)
    for i, (event_type, previous, details, ms, _) in enumerate(records, 1):
        if ms != last_ms:
            stamp = stamps.get(ms)
            if stamp is None:
                stamp = stamps[ms] = iso_ms(ms)
            last_ms = ms
        if details is None:
            append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous})
            continue
        try:
            key, field, sibling = shapes[event_type]
        except KeyError:
            key, field, sibling = shapes[event_type] = _shape(event_type)
        if field is not None and len(details) == 2:
            # most events: a state entered or exited, {"name": ..., "input" | "output": ...},
            # rendered in AWS's order (any other shape is rendered below as given)
            try:
                name = details["name"]
                value = details[field]
            except KeyError:
                pass
            else:
                if value is last_value:
                    text = last_text
                else:
                    text = texts.get(id(value))
                    if text is None:
                        text = texts[id(value)] = encode(value)
                    last_value, last_text = value, text
                append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                        key: {"name": name, field: text, sibling: {"truncated": False}}})
                continue
        if plain.isdisjoint(details):   # no payload, no error: the details as they are
            append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                    key: details.copy()})
            continue
        rendered = {}
        for name, value in details.items():
            payload_sibling = payload_fields.get(name, other)
            if payload_sibling is other:
                if name in special:
                    _render_special(rendered, name, value)
                else:
                    rendered[name] = value
                continue
            text = texts.get(id(value))
            if text is None:
                text = texts[id(value)] = encode(value)
            rendered[name] = text
            if payload_sibling:
                rendered[payload_sibling] = {"truncated": False}
        append({"timestamp": stamp, "type": event_type, "id": i, "previousEventId": previous,
                key: rendered})
    return out


def _shape(event_type: str) -> tuple:
    """The name AWS gives the event type's details, with the payload a state's entered or
    exited event carries and that payload's sibling."""
    if event_type.endswith("StateEntered"):
        return "stateEnteredEventDetails", "input", "inputDetails"
    if event_type.endswith("StateExited"):
        return "stateExitedEventDetails", "output", "outputDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails", None, None


def _render_special(rendered: dict, key: str, value) -> None:
    """assignedVariables (each value as JSON text), error and cause (left out when absent)."""
    if key == "assignedVariables":
        rendered[key] = {name: _payload_text(v) for name, v in value.items()}
        rendered["assignedVariablesDetails"] = {"truncated": False}
    elif not (value is None or (key == "cause" and value == "")):
        # AWS leaves out an absent error or cause rather than sending null (recorded)
        rendered[key] = value
