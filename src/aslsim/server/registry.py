"""The table of operations: each module of the server registers the ones it answers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

OPERATIONS: dict[str, Callable[["Call", dict], dict | None]] = {}


@dataclass
class Call:
    """What an operation gets besides its parameters: the server and the caller's region."""
    server: Any            # the Backend: store, configuration, executions
    region: str
    headers: Any = None    # the request's HTTP headers (X-Amzn-Trace-Id)

    @property
    def store(self):
        return self.server.store


def operation(name: str):
    """Register the decorated function as the handler of the model's operation ``name``."""
    def register(handler):
        OPERATIONS[name] = handler
        return handler
    return register
