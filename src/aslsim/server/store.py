"""What the server holds, in memory: state machines with their versions and aliases, activities,
executions, Map Runs and tags, behind one lock.

Records are plain objects the operation modules read and change while they hold ``store.lock``;
nothing slow (an execution running, a long poll waiting) ever happens under it.
"""
from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .protocol import ApiError


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Revision:
    """A state machine's configuration: what UpdateStateMachine changes and a version freezes."""
    definition: str
    role_arn: str
    machine: Any                         # the compiled aslsim.StateMachine
    logging: dict
    tracing: dict
    encryption: dict | None = None
    revision_id: str | None = None       # None until the first update, as on AWS (recorded)

    def same_as(self, other: "Revision") -> bool:
        return (self.definition, self.role_arn, self.logging, self.tracing, self.encryption) == (
            other.definition, other.role_arn, other.logging, other.tracing, other.encryption)


@dataclass
class Version:
    arn: str
    number: int
    revision: Revision
    description: str | None
    creation_ms: int


@dataclass
class Alias:
    arn: str
    name: str
    description: str | None
    routing: list[dict]                  # [{"stateMachineVersionArn", "weight"}]
    creation_ms: int
    update_ms: int


@dataclass
class MachineRecord:
    arn: str
    name: str
    type: str                            # STANDARD or EXPRESS
    creation_ms: int
    current: Revision
    update_ms: int = 0
    versions: dict[int, Version] = field(default_factory=dict)
    next_version: int = 1                # version numbers are never reused (recorded)
    aliases: dict[str, Alias] = field(default_factory=dict)


@dataclass
class ActivityRecord:
    arn: str
    name: str
    creation_ms: int
    encryption: dict | None = None


class Store:
    def __init__(self):
        self.lock = threading.RLock()
        self.machines: dict[str, MachineRecord] = {}
        self.activities: dict[str, ActivityRecord] = {}
        self.executions: dict[str, Any] = {}                  # arn -> executions.ExecutionRecord
        self.executions_by_machine: dict[str, list] = {}      # machine arn -> records, oldest first
        self.map_runs: dict[str, tuple] = {}                  # arn -> (MapRun, ExecutionRecord)
        self.tags: dict[str, dict[str, str]] = {}


def by_name_in(records, region: str) -> list:
    """The records of ``region`` by name, as the List operations give them (recorded)."""
    return sorted((r for r in records if f":{region}:" in r.arn), key=lambda r: r.name)


# -- paging --------------------------------------------------------------------------------------

DEFAULT_PAGE = 100    # AWS's default maxResults; 0 asks for the default


def page(items: list, params: dict, listing: str, key: Callable[[Any], str]) -> tuple[list, str | None]:
    """One page of ``items`` (already in the order AWS lists them) and the token of the next.

    A token names the last item returned, so items added meanwhile never repeat or hide others;
    a token made for another listing (other filters, another resource) is InvalidToken.
    """
    size = params.get("maxResults") or DEFAULT_PAGE
    start = 0
    token = params.get("nextToken")
    if token is not None:
        after = _read_token(token, listing)
        keys = [key(item) for item in items]
        if after not in keys:
            raise _invalid_token(token)
        start = keys.index(after) + 1
    chunk = items[start:start + size]
    more = start + size < len(items)
    return chunk, (_make_token(listing, key(chunk[-1])) if more and chunk else None)


def _make_token(listing: str, after: str) -> str:
    raw = json.dumps([listing, after], separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _read_token(token: str, listing: str) -> str:
    try:
        found_listing, after = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise _invalid_token(token) from None
    if found_listing != listing or not isinstance(after, str):
        raise _invalid_token(token)
    return after


def _invalid_token(token: str) -> ApiError:
    return ApiError("InvalidToken", f"Invalid Token: '{token}'")
