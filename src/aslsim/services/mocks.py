"""Answers declared by the user, keyed by Task state name.

The format (a dict in Python, or a JSON file for ``--mocks``)::

    {"State name": {"return": <full service response>}}
    {"State name": {"throw": {"Error": "...", "Cause": "..."}}}
    {"State name": [<answer>, <answer>, ...]}     # successive calls: retries, loops, Map items

Each answer may add ``"duration": seconds`` of virtual time the call takes. A list is consumed
in order and fails loudly once it is used up; a single answer serves every call.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import InputError


@dataclass(frozen=True)
class Answer:
    result: Any = None
    error: str | None = None
    cause: str | None = None
    failed: bool = False
    duration_ms: int = 0


class MockMissing(Exception):
    """No mock answers this call; the message lists what is registered."""


def _answer(spec: Any, where: str) -> Answer:
    if not isinstance(spec, dict):
        raise InputError(f"{where}: a mock answer must be an object with 'return' or 'throw'")
    extra = set(spec) - {"return", "throw", "duration"}
    if extra or ("return" in spec) == ("throw" in spec):
        raise InputError(f"{where}: a mock answer needs exactly one of 'return' or 'throw' "
                         f"(and optionally 'duration'); got keys {sorted(spec)}")
    duration = spec.get("duration", 0)
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration < 0:
        raise InputError(f"{where}: 'duration' must be a number of seconds >= 0")
    ms = int(round(duration * 1000))
    if "return" in spec:
        return Answer(result=spec["return"], duration_ms=ms)
    thrown = spec["throw"]
    if not isinstance(thrown, dict) or set(thrown) - {"Error", "Cause"}:
        raise InputError(f"{where}: 'throw' must be an object with 'Error' and optionally 'Cause'")
    return Answer(error=thrown.get("Error"), cause=thrown.get("Cause"), failed=True, duration_ms=ms)


class Mocks:
    """Mocks by state name. Reusable: each execution asks for a fresh ``session()``."""

    def __init__(self, spec: dict | None = None):
        spec = spec or {}
        if not isinstance(spec, dict):
            raise InputError("mocks must be an object mapping Task state names to answers")
        self._by_state: dict[str, list[Answer] | Answer] = {}
        for state, answers in spec.items():
            if isinstance(answers, list):
                if not answers:
                    raise InputError(f"mock for state '{state}': an empty list answers nothing")
                self._by_state[state] = [_answer(a, f"mock for state '{state}' [{i}]")
                                         for i, a in enumerate(answers)]
            else:
                self._by_state[state] = _answer(answers, f"mock for state '{state}'")

    @classmethod
    def from_file(cls, path: str) -> "Mocks":
        try:
            with open(path, encoding="utf-8") as f:
                spec = json.load(f)
        except OSError as err:
            raise InputError(f"{path}: cannot read the mocks file: {err.strerror}") from None
        except json.JSONDecodeError as err:
            raise InputError(f"{path}: the mocks file is not valid JSON: {err}") from None
        try:
            return cls(spec)
        except InputError as err:
            raise InputError(f"{path}: {err}") from None

    def states(self) -> list[str]:
        return sorted(self._by_state)

    def session(self) -> "MockSession":
        return MockSession(self)


class MockSession:
    """One execution's use of the mocks: counts calls per state."""

    def __init__(self, mocks: Mocks):
        self._mocks = mocks
        self.counts: dict[str, int] = {}

    def answer(self, state: str, resource: str) -> Answer:
        spec = self._mocks._by_state.get(state)
        if spec is None:
            registered = ", ".join(f"'{s}'" for s in self._mocks.states()) or "none"
            raise MockMissing(f"no mock answers the Task state '{state}' (resource {resource}); "
                              f"mocks are registered for: {registered}")
        n = self.counts.get(state, 0)
        self.counts[state] = n + 1
        if isinstance(spec, Answer):
            return spec
        if n >= len(spec):
            raise MockMissing(f"the mock for Task state '{state}' has {len(spec)} answer(s) and "
                              f"this is call number {n + 1}; add answers to the list")
        return spec[n]
