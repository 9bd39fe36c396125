"""Reading an execution history in the forms people have one in.

- the AWS CLI's or an SDK's ``GetExecutionHistory`` response: ``{"events": [...], "nextToken"}``,
  payloads (input, output, parameters, assigned variables) as JSON text, timestamps as ISO-8601
  (``2024-05-01T12:00:00.123000+00:00``, or with a space as Python prints a datetime) or as
  epoch seconds (or milliseconds);
- several such pages concatenated in one file, or a JSON list of pages or of events, in either
  order (``--reverse-order``): events are put in id order and overlapping pages merged;
- the parsed form, where payloads are JSON values and ids, timestamps or ARNs may be
  placeholders (``timestamp``, ``<uuid:1>``, ``[0]``), as test snapshots keep histories.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..definition.timestamps import epoch_ms, parse_timestamp
from ..errors import InputError

# detail fields holding a JSON payload (JSON text in the CLI's form)
PAYLOAD_FIELDS = ("input", "output", "parameters")
_SPACE_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)")


class HistoryError(InputError):
    """A history that cannot be read; the message names the file and the event."""


@dataclass
class Event:
    """One event, its payloads decoded: ``id`` and ``previous`` are None where the recording has
    a placeholder, ``time_ms`` is None where it has no real timestamp."""
    id: int | None
    previous: int | None
    type: str
    time_ms: int | None
    details: dict | None
    details_key: str | None = None
    gap_before: int = 0     # events the recording lost just before this one (ids it skips)

    @property
    def name(self) -> str | None:
        """The state an event names (Entered, Exited, MapIteration*, EvaluationFailed)."""
        if not self.details:
            return None
        name = self.details.get("name", self.details.get("state"))
        return name if isinstance(name, str) else None

    def label(self) -> str:
        text = self.type + (f" #{self.id}" if self.id is not None else "")
        name = self.name
        if name:
            text += f" '{name}'"
            if "Iteration" in self.type:
                text += f" [{self.details.get('index')}]"
        return text

    def to_dict(self) -> dict:
        out: dict[str, Any] = {"id": self.id, "previousEventId": self.previous, "type": self.type,
                               "timestamp": None if self.time_ms is None else _iso(self.time_ms)}
        if self.details_key is not None:
            out[self.details_key] = self.details
        return out


@dataclass
class RecordedHistory:
    events: list[Event]
    source: str = "the history"
    form: str = "text"                  # "text" (the CLI's / SDK's) or "parsed"

    @property
    def lost(self) -> int:
        """How many events the recording lost (ids it skips)."""
        return sum(e.gap_before for e in self.events)

    @property
    def started(self) -> Event:
        return self.events[0]

    @property
    def last(self) -> Event:
        return self.events[-1]


def read_history(source: Any, *, name: str | None = None) -> RecordedHistory:
    """A history from a file path, JSON text, a page dict, or a list of events or pages."""
    where = name or "the history"
    if isinstance(source, Path) or (isinstance(source, str) and not source.lstrip().startswith(("{", "["))):
        where = name or str(source)
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            raise HistoryError(f"{where}: cannot read the history: {reason}") from None
        documents = _documents(text, where)
    elif isinstance(source, str):
        documents = _documents(source, where)
    else:
        documents = [source]
    raw = []
    for document in documents:
        raw.extend(_raw_events(document, where))
    return _history(raw, where)


def _documents(text: str, where: str) -> list:
    """One or more JSON documents, one after another (pages concatenated, or JSON lines)."""
    decoder = json.JSONDecoder()
    documents, pos = [], 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        try:
            document, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:
            raise HistoryError(f"{where}: not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
        documents.append(document)
    if not documents:
        raise HistoryError(f"{where}: the file is empty")
    return documents


def _raw_events(document: Any, where: str) -> list[dict]:
    if isinstance(document, dict) and "events" in document:
        events = document["events"]
        if not isinstance(events, list):
            raise HistoryError(f"{where}: 'events' must be a list of history events")
        return events
    if isinstance(document, dict) and "type" in document:
        return [document]
    if isinstance(document, list):
        out = []
        for item in document:
            out.extend(_raw_events(item, where) if isinstance(item, (dict, list)) else [item])
        return out
    raise HistoryError(f"{where}: expected a GetExecutionHistory response ({{\"events\": [...]}}), "
                       "a list of events, or pages of them")


def _history(raw: list, where: str) -> RecordedHistory:
    for number, event in enumerate(raw, 1):
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise HistoryError(f"{where}: event {number} is not a history event (an object with a 'type')")
    raw = _in_order(_merge_pages(raw, where))
    text_form = _is_text_form(raw)
    events = [_event(e, text_form, where) for e in raw]
    if not events:
        raise HistoryError(f"{where}: the history has no events")
    if events[0].type != "ExecutionStarted":
        raise HistoryError(f"{where}: the history does not begin with ExecutionStarted (its first "
                           f"event is {events[0].label()}); is it the whole history?")
    _count_gaps(events)
    return RecordedHistory(events, where, "text" if text_form else "parsed")


def _merge_pages(raw: list[dict], where: str) -> list[dict]:
    """Pages that overlap repeat events: keep one of each id; two different events with one id
    mean two histories were mixed."""
    seen: dict[int, dict] = {}
    out = []
    for event in raw:
        key = event.get("id")
        if isinstance(key, int) and not isinstance(key, bool):
            if key in seen:
                if seen[key] != event:
                    raise HistoryError(f"{where}: two different events have the id {key}: "
                                       "are two executions' histories mixed?")
                continue
            seen[key] = event
        out.append(event)
    return out


def _in_order(raw: list[dict]) -> list[dict]:
    """Events by id; where some ids are placeholders, the file's order (reversed if newest first)."""
    ids = [e.get("id") for e in raw]
    real = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    if len(real) == len(raw):
        return sorted(raw, key=lambda e: e["id"])
    if len(real) >= 2 and real[0] > real[-1]:
        return list(reversed(raw))
    return raw


def _is_text_form(raw: list[dict]) -> bool:
    """True when every payload is JSON text, as the CLI and the SDKs give them."""
    payloads = [value for event in raw for value in _payload_values(event)]
    return bool(payloads) and all(isinstance(v, str) and _parses(v) for v in payloads)


def _payload_values(event: dict):
    for key, details in event.items():
        if key.endswith("EventDetails") and isinstance(details, dict):
            for name in PAYLOAD_FIELDS:
                if name in details:
                    yield details[name]
            variables = details.get("assignedVariables")
            if isinstance(variables, dict):
                yield from variables.values()


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _event(raw: dict, text_form: bool, where: str) -> Event:
    event_id = raw.get("id")
    event_id = event_id if isinstance(event_id, int) and not isinstance(event_id, bool) else None
    previous = raw.get("previousEventId")
    previous = previous if isinstance(previous, int) and not isinstance(previous, bool) and event_id else None
    keys = [k for k in raw if k.endswith("EventDetails")]
    details_key = keys[0] if keys else None
    details = None
    if details_key is not None:
        value = raw[details_key]
        if not isinstance(value, dict):
            raise HistoryError(f"{where}: event {event_id} ({raw['type']}): '{details_key}' must be an object")
        details = _decoded(value, text_form, f"{where}: event {event_id} ({raw['type']}), {details_key}")
    return Event(event_id, previous, raw["type"], read_time(raw.get("timestamp")), details, details_key)


def _decoded(details: dict, text_form: bool, where: str) -> dict:
    out = dict(details)
    for name in PAYLOAD_FIELDS:
        if name in out:
            out[name] = decode_payload(out[name], text_form, f"{where}.{name}")
    variables = out.get("assignedVariables")
    if isinstance(variables, dict):
        # snapshots keep assigned variables as JSON text even where other payloads are parsed
        out["assignedVariables"] = {k: decode_payload(v, text_form or _parses_str(v), f"{where}.assignedVariables.{k}")
                                    for k, v in variables.items()}
    return out


def _parses_str(value) -> bool:
    return isinstance(value, str) and _parses(value)


def decode_payload(value: Any, text_form: bool, where: str) -> Any:
    """A payload's value: JSON text decoded; in the parsed form a value is kept, except text that
    holds a JSON object, array or string (snapshots keep some payloads as text)."""
    if text_form:
        if not isinstance(value, str):
            raise HistoryError(f"{where}: expected JSON text, got {type(value).__name__}")
        try:
            return json.loads(value)
        except ValueError as err:
            raise HistoryError(f"{where}: not JSON text: {err}") from None
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "[", '"'):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def read_time(value: Any) -> int | None:
    """Epoch milliseconds from an ISO-8601 string or epoch seconds; None for a placeholder."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        # epoch seconds as the CLI prints them; a number this large is milliseconds
        return int(round(value)) if value > 1e11 else int(round(value * 1000))
    if isinstance(value, str):
        moment = parse_timestamp(_SPACE_TIMESTAMP.sub(r"\1T\2", value.strip()))
        if moment is None and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            return read_time(float(value))
        return None if moment is None else epoch_ms(moment)
    return None


def _count_gaps(events: list[Event]) -> None:
    """Mark where the recording skips ids (snapshots drop some events), counting the events whose
    ids are placeholders as filling some of the places in between."""
    last, unnamed = 0, 0
    for event in events:
        if event.id is None:
            unnamed += 1
            continue
        event.gap_before = max(0, event.id - last - 1 - unnamed)
        last, unnamed = event.id, 0


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")
