"""Answers the user declares, keyed by Task state name, by Resource ARN or by Lambda function name.

The format (a dict in Python, or a JSON file for ``--mocks``)::

    {"State name": {"return": <full service response>}}
    {"arn:aws:states:::dynamodb:putItem": {"throw": {"Error": "...", "Cause": "..."}}}
    {"checkSize": [<answer>, <answer>, ...]}     # successive calls: retries, loops, Map items
    {"State name": {"call": fn}}                   # Python only: fn(parameters) or fn(parameters, call)

Each answer may add ``"duration": seconds`` of virtual time the call takes; for ``.sync`` and
``.waitForTaskToken`` Tasks, ``"submitted": <start response>`` (recorded as TaskSubmitted) and
``"heartbeat_every": seconds``. A list is consumed
in order and fails loudly once it is used up; a single answer serves every call. A key is tried
as the state's name first, then as the Resource ARN, then as the Lambda function name the Task
invokes (from a function ARN or the ``FunctionName`` parameter).
"""
from __future__ import annotations

import difflib
import inspect
import math
from typing import Any, Callable

from .. import jsonvalues
from ..errors import InputError
from .resources import describe_resource
from .calls import (Answer, MockMissing, ServiceError, TaskCall, TaskFailure, TaskSuccess,
                    lambda_function_name)

__all__ = ["Mocks", "MockSession", "MockTargets", "Answer", "MockMissing"]


class _Callable:
    """A mock answered by user code, called with the resolved parameters (and the call)."""

    def __init__(self, fn: Callable, duration_ms: int, where: str, extra: dict | None = None):
        self.fn = fn
        self.duration_ms = duration_ms
        self.extra = extra or {}
        try:
            positional = [p for p in inspect.signature(fn).parameters.values()
                          if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
        except (TypeError, ValueError):
            positional = [None]
        self.wants_call = len(positional) >= 2 or any(p is not None and p.kind == p.VAR_POSITIONAL
                                                      for p in positional)
        self.where = where

    def answer(self, call: TaskCall) -> Answer:
        try:
            value = self.fn(call.parameters, call) if self.wants_call else self.fn(call.parameters)
        except ServiceError as err:
            return Answer(error=err.error, cause=err.cause, failed=True,
                          duration_ms=self.duration_ms, source="mock", **self.extra)
        if isinstance(value, (TaskSuccess, TaskFailure)):
            return value.answer()
        _check_json(value, f"{self.where}: the 'call' function returned a value that")
        return Answer(result=value, duration_ms=self.duration_ms, source="mock", **self.extra)


def _check_json(value: Any, what: str) -> None:
    try:
        jsonvalues.check(value)
    except jsonvalues.NotJSON as err:
        raise InputError(f"{what} is not JSON: {err}") from None


def _seconds(spec: dict, key: str, where: str) -> int | None:
    if key not in spec:
        return None
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise InputError(f"{where}: '{key}' must be a finite number of seconds >= 0")
    return int(round(value * 1000))


_ANSWER_KEYS = frozenset({"return", "throw", "call", "duration", "heartbeat_every", "submitted"})
_THROW_KEYS = frozenset({"Error", "Cause"})


def _answer(spec: Any, where: str) -> Answer | _Callable:
    if callable(spec):
        return _Callable(spec, 0, where)
    if isinstance(spec, (TaskSuccess, TaskFailure)):
        return spec.answer()
    if not isinstance(spec, dict):
        raise InputError(f"{where}: a mock answer must be an object with 'return', 'throw' or 'call'")
    kinds = ("return" in spec) + ("throw" in spec) + ("call" in spec)
    if kinds != 1 or not _ANSWER_KEYS.issuperset(spec):
        raise InputError(f"{where}: a mock answer needs exactly one of 'return', 'throw' or 'call' "
                         f"(and optionally 'duration', 'heartbeat_every', 'submitted'); got keys "
                         f"{sorted(spec)}")
    if "return" in spec:
        _check_json(spec["return"], f"{where}: 'return'")
    if "submitted" in spec:
        _check_json(spec["submitted"], f"{where}: 'submitted'")
    ms = (_seconds(spec, "duration", where) or 0) if "duration" in spec else 0
    heartbeat = _seconds(spec, "heartbeat_every", where) if "heartbeat_every" in spec else None
    # .sync / .waitForTaskToken: the response of the call that started the job (TaskSubmitted)
    submitted = {"submitted": spec["submitted"], "has_submitted": True} if "submitted" in spec else {}
    if "call" in spec:
        if not callable(spec["call"]):
            raise InputError(f"{where}: 'call' must be a Python callable")
        return _Callable(spec["call"], ms, where, {**submitted, "heartbeat_ms": heartbeat})
    if "return" in spec:
        return Answer(result=spec["return"], duration_ms=ms, heartbeat_ms=heartbeat, source="mock",
                      **submitted)
    thrown = spec["throw"]
    if (not isinstance(thrown, dict) or not _THROW_KEYS.issuperset(thrown)
            or not all(isinstance(v, str) for v in thrown.values())):
        raise InputError(f"{where}: 'throw' must be an object with 'Error' and optionally 'Cause', "
                         "both strings")
    return Answer(error=thrown.get("Error"), cause=thrown.get("Cause"), failed=True, duration_ms=ms,
                  heartbeat_ms=heartbeat, source="mock", **submitted)


class Mocks:
    """Declared mocks. Reusable: each execution asks for a fresh ``session()``."""

    def __init__(self, spec: dict | None = None):
        spec = spec or {}
        if isinstance(spec, Mocks):
            spec = spec._spec
        if not isinstance(spec, dict):
            raise InputError("mocks must be an object mapping Task state names, resource ARNs or "
                             "Lambda function names to answers")
        self._spec = dict(spec)
        self._by_key: dict[str, list | Answer | _Callable] = {}
        # one answer object repeated in a list ([throw] * 5 + [ok]) is read once: by its id,
        # which stays its own while ``spec`` holds it (a callable is wrapped per place, which
        # names it in its messages)
        seen: dict[int, Answer] = {}
        for key, answers in spec.items():
            where = f"mock '{key}'"
            if isinstance(answers, list):
                if not answers:
                    raise InputError(f"{where}: an empty list answers nothing")
                parsed = []
                for i, a in enumerate(answers):
                    answer = seen.get(id(a))
                    if answer is None:
                        answer = _answer(a, f"{where} [{i}]")
                        if isinstance(answer, Answer):
                            seen[id(a)] = answer
                    parsed.append(answer)
                self._by_key[key] = parsed
            else:
                self._by_key[key] = _answer(answers, where)

    @classmethod
    def from_file(cls, path: str) -> "Mocks":
        try:
            with open(path, "rb") as f:
                spec = jsonvalues.loads(f.read())
        except OSError as err:
            raise InputError(f"{path}: cannot read the mocks file: {err.strerror}") from None
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: the mocks file is not UTF-8 text ({err.reason} at byte "
                             f"{err.start})") from None
        except ValueError as err:    # json.JSONDecodeError, jsonvalues.NotJSON
            raise InputError(f"{path}: the mocks file is not valid JSON: {err}") from None
        try:
            return cls(spec)
        except InputError as err:
            raise InputError(f"{path}: {err}") from None

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def check_keys(self, targets: "MockTargets") -> None:
        """Refuse, before the run, a key that names no Task state, Resource or Lambda function
        of the machines the run may execute: a typo would otherwise surface as a failure later."""
        for key in self._by_key:
            if not targets.may_answer(key):
                close = difflib.get_close_matches(key, sorted(targets.all()), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise InputError(f"mock '{key}' matches no Task state, resource or Lambda function "
                                 f"name of the state machine{hint}")

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def session(self) -> "MockSession":
        return MockSession(self)


class MockTargets:
    """What a mock key may name in the machines of one run: Task state names, Resource ARNs and
    Lambda function names (those a Task gives literally; a computed FunctionName lets any key
    through, since it may name any function)."""

    def __init__(self):
        self.states: set[str] = set()
        self.resources: set[str] = set()
        self.functions: set[str] = set()
        self.any_function = False

    def add_task(self, name: str, resource: str, parameters: Any) -> None:
        self.states.add(name)
        self.resources.add(resource)
        parsed = describe_resource(resource)
        if parsed.function_name:
            self.functions.add(parsed.function_name)
        elif parsed.resource_type == "lambda":
            given = parameters.get("FunctionName") if isinstance(parameters, dict) else None
            if isinstance(given, str) and not given.startswith("{%"):
                self.functions.add(lambda_function_name(given))
            else:
                self.any_function = True

    def may_answer(self, key: str) -> bool:
        return (key in self.states or key in self.resources or key in self.functions
                or self.any_function)

    def all(self) -> set[str]:
        return self.states | self.resources | self.functions


class MockSession:
    """One execution's use of the mocks: counts the calls per key."""

    def __init__(self, mocks: Mocks):
        self._mocks = mocks
        self.counts: dict[str, int] = {}

    def key_for(self, call: TaskCall) -> str | None:
        by_key = self._mocks._by_key
        # call.keys()'s order, the function's name worked out only when it is needed
        if call.state in by_key:
            return call.state
        if call.resource.arn in by_key:
            return call.resource.arn
        name = call.function_name
        return name if name is not None and name in by_key else None

    def answer(self, call: TaskCall) -> Answer | None:
        key = self.key_for(call)
        if key is None:
            return None
        spec = self._mocks._by_key[key]
        n = self.counts.get(key, 0)
        self.counts[key] = n + 1
        if isinstance(spec, list):
            if n >= len(spec):
                raise MockMissing(f"the mock '{key}' has {len(spec)} answer(s) and this is call "
                                  f"number {n + 1} (Task state '{call.state}'); add answers to the list")
            spec = spec[n]
        return spec.answer(call) if isinstance(spec, _Callable) else spec

    def describe(self) -> str:
        keys = self._mocks.keys()
        return "mocks for " + ", ".join(f"'{k}'" for k in keys) if keys else ""

    def unused(self) -> list[str]:
        """Keys never called, and sequences whose answers were not all used."""
        out = []
        for key, spec in self._mocks._by_key.items():
            n = self.counts.get(key, 0)
            if n == 0:
                out.append(key)
            elif isinstance(spec, list) and n < len(spec):
                out.append(f"{key} ({n} of {len(spec)} answers used)")
        return out
