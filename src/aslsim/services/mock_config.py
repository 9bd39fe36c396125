"""Step Functions Local's MockConfigFile: test cases of mocked Task responses, per state machine.

The file, as AWS documents it for Step Functions Local::

    {"StateMachines": {"<machine name>": {"TestCases": {"<test case>": {"<Task state>": "<response>"}}}},
     "MockedResponses": {"<response>": {"0": {"Return": <full service response>},
                                         "1-2": {"Throw": {"Error": "...", "Cause": "..."}}}}}

Keys of a response are 0-based invocation numbers or inclusive ranges, numbered consecutively
from 0. Each Task state of the test case counts its own invocations per execution, retries
included and shared across Map iterations; once they run out the execution fails. States the test
case leaves out are not mocked: the next answerer (local Lambdas, moto, ...) gets them.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .calls import Answer, MockMissing, TaskCall

__all__ = ["MockConfig", "MockedResponse", "TestCaseMocks"]

SOURCE = "mock-config"
_NUMBER = re.compile(r"^(\d+)$")
_RANGE = re.compile(r"^(\d+)-(\d+)$")
_NEGATIVE = re.compile(r"^-\d+(-\d+)?$|^\d+--\d+$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _place(file: str, *keys: str) -> str:
    """``file: StateMachines.M."odd key"``: where in the file a message points."""
    parts = [k if _PLAIN_KEY.match(k) else json.dumps(k) for k in keys]
    return f"{file}: {'.'.join(parts)}" if parts else file


def _object(value: Any, file: str, *keys: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"{_place(file, *keys)}: must be an object, not {_json_type(value)}")
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), "a number")


@dataclass(frozen=True)
class MockedResponse:
    """One entry of MockedResponses: the answer for each invocation number, as inclusive spans."""
    name: str
    firsts: tuple[int, ...]          # first invocation of each span, ascending from 0
    answers: tuple[Answer, ...]      # the answer of each span
    count: int                       # how many invocations are covered (0 .. count-1)

    def at(self, invocation: int) -> Answer | None:
        if invocation >= self.count:
            return None
        return self.answers[bisect.bisect_right(self.firsts, invocation) - 1]


def _invocations(key: str, where: str) -> tuple[int, int]:
    """``"3"`` -> (3, 3); ``"1-2"`` -> (1, 2)."""
    if _NEGATIVE.match(key):
        raise InputError(f"{where}: invocation numbers cannot be negative")
    m = _NUMBER.match(key)
    if m:
        return int(m.group(1)), int(m.group(1))
    m = _RANGE.match(key)
    if not m:
        raise InputError(f"{where}: a key must be an invocation number such as \"0\" or an "
                         "inclusive range such as \"1-2\"")
    first, last = int(m.group(1)), int(m.group(2))
    if last < first:
        raise InputError(f"{where}: the range ends before it starts ({last} < {first})")
    return first, last


def _answer(entry: Any, file: str, *keys: str) -> Answer:
    where = _place(file, *keys)
    entry = _object(entry, file, *keys)
    kinds = [k for k in ("Return", "Throw") if k in entry]
    if len(kinds) != 1 or set(entry) - {"Return", "Throw"}:
        raise InputError(f"{where}: needs exactly one of 'Return' or 'Throw'; got "
                         f"{', '.join(repr(k) for k in entry) or 'no fields'}")
    if "Return" in entry:
        return Answer(result=entry["Return"], source=SOURCE)
    thrown = _object(entry["Throw"], file, *keys, "Throw")
    for field in ("Error", "Cause"):
        if not isinstance(thrown.get(field), str):
            problem = "is missing" if field not in thrown else f"is {_json_type(thrown[field])}"
            raise InputError(f"{_place(file, *keys, 'Throw', field)}: {problem}; 'Throw' needs "
                             "'Error' and 'Cause' strings")
    extra = sorted(set(thrown) - {"Error", "Cause"})
    if extra:
        raise InputError(f"{where}.Throw: unknown field(s) {', '.join(map(repr, extra))}; "
                         "'Throw' holds only 'Error' and 'Cause'")
    return Answer(error=thrown["Error"], cause=thrown["Cause"], failed=True, source=SOURCE)


def _mocked_response(name: str, entries: Any, file: str) -> MockedResponse:
    entries = _object(entries, file, "MockedResponses", name)
    if not entries:
        raise InputError(f"{_place(file, 'MockedResponses', name)}: declares no invocations; "
                         "add at least {\"0\": {\"Return\": ...}}")
    spans = []
    for key, entry in entries.items():
        first, last = _invocations(key, _place(file, "MockedResponses", name, key))
        spans.append((first, last, key, _answer(entry, file, "MockedResponses", name, key)))
    spans.sort(key=lambda span: span[0])
    # every invocation needs an answer, so the spans must run 0, 1, 2, ... with no gap or overlap
    expected = 0
    for first, last, key, _ in spans:
        if first != expected:
            problem = ("overlaps an earlier key" if first < expected
                       else f"leaves a gap: no response for invocation {expected}")
            raise InputError(f"{_place(file, 'MockedResponses', name, key)}: {problem}; "
                             "invocations must be numbered consecutively from 0")
        expected = last + 1
    return MockedResponse(name, tuple(s[0] for s in spans), tuple(s[3] for s in spans), expected)


class MockConfig:
    """A Step Functions Local MockConfigFile, validated when built. Reusable across runs."""

    def __init__(self, document: Any, *, file: str = "mock_config"):
        self.file = file
        document = _object(document, file)
        for field in ("StateMachines", "MockedResponses"):
            if field not in document:
                hint = " (the field is plural: 'MockedResponses')" if "MockedResponse" in document else ""
                raise InputError(f"{file}: the field '{field}' is missing{hint}")
        responses = _object(document["MockedResponses"], file, "MockedResponses")
        self._responses = {name: _mocked_response(name, entries, file)
                           for name, entries in responses.items()}
        machines = _object(document["StateMachines"], file, "StateMachines")
        self._test_cases = {name: self._read_machine(name, machine)
                            for name, machine in machines.items()}

    @classmethod
    def load(cls, source: "str | Path | dict | MockConfig") -> "MockConfig":
        """A MockConfig from a file path or an already-parsed dict."""
        if isinstance(source, MockConfig):
            return source
        if isinstance(source, dict):
            return cls(source)
        if not isinstance(source, (str, Path)):
            raise InputError("mock_config must be a path to a MockConfigFile or a dict, not "
                             f"{type(source).__name__}")
        file = str(source)
        try:
            with open(file, encoding="utf-8") as f:
                document = json.load(f)
        except OSError as err:
            raise InputError(f"{file}: cannot read the mock config file: {err.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            detail = (f"{err.msg} at line {err.lineno} column {err.colno}"
                      if isinstance(err, json.JSONDecodeError) else str(err))
            raise InputError(f"{file}: the mock config file is not valid JSON: {detail}") from None
        return cls(document, file=file)

    def _read_machine(self, name: str, machine: Any) -> dict[str, dict[str, MockedResponse]]:
        machine = _object(machine, self.file, "StateMachines", name)
        if "TestCases" not in machine:
            raise InputError(f"{_place(self.file, 'StateMachines', name)}: the field 'TestCases' is missing")
        cases = _object(machine["TestCases"], self.file, "StateMachines", name, "TestCases")
        out = {}
        for case, states in cases.items():
            keys = ("StateMachines", name, "TestCases", case)
            states = _object(states, self.file, *keys)
            out[case] = {state: self._response_named(value, *keys, state)
                         for state, value in states.items()}
        return out

    def _response_named(self, value: Any, *keys: str) -> MockedResponse:
        if not isinstance(value, str):
            raise InputError(f"{_place(self.file, *keys)}: must name an entry of MockedResponses, "
                             f"not {_json_type(value)}")
        if value not in self._responses:
            raise InputError(f"{_place(self.file, *keys)}: MockedResponses has no entry '{value}'; "
                             f"it has {_names(self._responses)}")
        return self._responses[value]

    @property
    def state_machines(self) -> list[str]:
        return list(self._test_cases)

    def test_cases(self, machine: str) -> list[str]:
        return list(self._test_cases[self._machine_key(machine)])

    def _machine_key(self, machine: str) -> str:
        if machine in self._test_cases:
            return machine
        if len(self._test_cases) == 1:
            return next(iter(self._test_cases))
        raise InputError(f"{_place(self.file, 'StateMachines')}: no state machine named '{machine}'; "
                         f"the file has {_names(self._test_cases)} (name it with "
                         "aslsim.load(..., name=...) or --state-machine-name)")

    def answerer(self, machine: str, test_case: str | None) -> "TestCaseMocks":
        """The answerer for ``test_case`` of the state machine named ``machine``.

        When the file describes a single state machine, its test cases are used whatever the
        machine's name, so a definition file need not be named after the machine.
        """
        key = self._machine_key(machine)
        cases = self._test_cases[key]
        if test_case is None:
            raise InputError(f"{self.file}: name the test case to run (test_case= or --test-case); "
                             f"'{key}' has {_names(cases)}")
        if test_case not in cases:
            raise InputError(f"{_place(self.file, 'StateMachines', key, 'TestCases')}: no test case "
                             f"named '{test_case}'; '{key}' has {_names(cases)}")
        return TestCaseMocks(self.file, key, test_case, cases[test_case])


def _names(names) -> str:
    return ", ".join(f"'{n}'" for n in names) if names else "none"


class TestCaseMocks:
    """One test case's mocks: Task state name -> its MockedResponse. Each run gets a session."""
    __test__ = False   # not a pytest test class, whatever its name says

    def __init__(self, file: str, machine: str, test_case: str, states: dict[str, MockedResponse]):
        self.file = file
        self.machine = machine
        self.test_case = test_case
        self.states = dict(states)

    def session(self) -> "TestCaseSession":
        return TestCaseSession(self)


class TestCaseSession:
    """One execution's use of a test case: counts invocations per Task state."""
    __test__ = False

    def __init__(self, mocks: TestCaseMocks):
        self._mocks = mocks
        self.counts: dict[str, int] = {}

    def answer(self, call: TaskCall) -> Answer | None:
        response = self._mocks.states.get(call.state)
        if response is None:
            return None   # not in this test case: not mocked, as in Step Functions Local
        invocation = self.counts.get(call.state, 0)
        self.counts[call.state] = invocation + 1
        answer = response.at(invocation)
        if answer is None:
            covered = "invocation 0" if response.count == 1 else f"invocations 0-{response.count - 1}"
            raise MockMissing(
                f"{self._mocks.file}: MockedResponses.{response.name} (Task state '{call.state}', "
                f"test case '{self._mocks.test_case}') ran out: it covers {covered} and this is "
                f"invocation {invocation}; add a response for \"{invocation}\"")
        return answer

    def describe(self) -> str:
        states = ", ".join(f"'{s}'" for s in self._mocks.states) or "no states"
        return f"{self._mocks.file} test case '{self._mocks.test_case}' mocks {states}"

    def unused(self) -> list[str]:
        """States of the test case never invoked, and responses not used to the end."""
        out = []
        for state, response in self._mocks.states.items():
            n = self.counts.get(state, 0)
            if n == 0:
                out.append(f"{state} (test case '{self._mocks.test_case}')")
            elif n < response.count:
                out.append(f"{state} ({n} of {response.count} invocations of "
                           f"MockedResponses.{response.name} used)")
        return out
