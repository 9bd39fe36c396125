"""Declarative test cases: a YAML (or JSON) file of runs and what each must give.

A case file is named ``*.aslsim.yaml`` (or ``.aslsim.yml``, ``.aslsim.json``)::

    machine: ../../statemachines/file_size_check.asl.json   # for every case below
    cases:
      - name: three megabytes are processed
        input: {size: 3145728}
        mocks:
          CheckFileSize: {return: 3145728}
          ProcessFile: {return: {processed: true}}
        expect:
          status: SUCCEEDED
          path: [CheckFileSize, ChoiceState, ProcessFile, NotifyFileOk]
          calls: {ProcessFile: {times: 1, with: 3145728}}

Any run field (``machine``, ``input``, ``mocks``, ...) may be given at the top as the default of
every case; a case's own field replaces it. Relative paths are read from the case file's folder;
a machine is also looked up in the configured statemachines folders. The format is documented
in docs/testing.md; ``CASE_FIELDS`` and ``EXPECT_FIELDS`` below are the reference.

This module does not need pytest: the plugin collects the cases, and anything else can call
``read_cases`` and ``Case.run`` / ``Case.check``.
"""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..engine.execution import Execution
from ..machine import NO_INPUT, StateMachine, load
from ..sources.text import CoreLoader, SourceError
from . import assertions as a

CASE_FILE_SUFFIXES = (".aslsim.yaml", ".aslsim.yml", ".aslsim.json")

# What a case may say about its run, each with the type it must have ("file" fields are paths
# relative to the case file).
RUN_FIELDS = {
    "machine": "a path to a definition (.asl.json / .asl.yaml) or a file holding machines "
               "(a SAM / CloudFormation / CDK template, serverless.yml, a Terraform .tf file)",
    "state_machine": "which machine of the file (logical id or name); also its name, the key "
                     "of its entry in a mock config",
    "machine_name": "the older name of state_machine",
    "substitutions": "values for the file's placeholders, parameters and variables (an object)",
    "input": "the execution input (any JSON value)",
    "input_file": "a JSON or YAML file holding the execution input",
    "mocks": "mocks (an object), or a JSON or YAML file of mocks",
    "mock_config": "a Step Functions Local MockConfigFile",
    "test_case": "the test case of the mock config to use",
    "start_time": "the virtual start, ISO-8601 (default 2025-01-01T00:00:00Z)",
    "seed": "the seed for jitter and random values (an integer)",
    "execution_type": "STANDARD or EXPRESS",
    "region": "the state machine's region (default us-east-1)",
    "account": "the state machine's AWS account id, 12 digits as a string (default 123456789012)",
    "stop_after": "stop the execution (StopExecution) this many virtual seconds after its start",
}
CASE_FIELDS = {"name": "the case's name (its test id)", **RUN_FIELDS,
               "expect": "what the execution must give"}
EXPECT_FIELDS = {
    "status": "SUCCEEDED, FAILED, TIMED_OUT or ABORTED",
    "error": "the error name",
    "cause": "the cause, exactly",
    "output": "the output, exactly",
    "output_contains": "values the output must contain (a recursive subset)",
    "path": "every state entered, in order (branches and iterations inlined)",
    "path_starts_with": "the first states entered",
    "path_contains": "states entered in this order, others possibly in between",
    "not_visited": "states never entered",
    "calls": "a list: exactly these calls in order; or target -> times, or {times, with, at}",
    "call_order": "calls to these targets happened in this order",
    "variables": "the workflow variables at the end, exactly",
    "variables_contain": "some variables and their values at the end",
}
CALL_FIELDS = {"times", "with", "at"}


class CaseFileError(Exception):
    """A case file that cannot be used; the message names the file, the case and the field."""


class MachineNotFound(FileNotFoundError):
    """No state machine file at any place the name was looked up; the message lists them."""


def is_case_file(path: str | os.PathLike) -> bool:
    return Path(path).name.endswith(CASE_FILE_SUFFIXES)


# -- finding and compiling machines -------------------------------------------------------------

class MachineFinder:
    """Finds state machine files and compiles each once.

    A relative name is looked up next to the file asking for it (the test module or the case
    file), then in the configured folders, then in the project root.
    """

    def __init__(self, folders=(), root: str | os.PathLike | None = None, *,
                 state_machine: str | None = None, substitutions: dict | None = None):
        self.folders = [Path(f) for f in folders]
        self.root = Path(root) if root is not None else None
        # defaults for what a test or case does not say (aslsim test --state-machine / --sub)
        self.state_machine, self.substitutions = state_machine, dict(substitutions or {})
        self._compiled: dict[tuple, StateMachine] = {}

    def find(self, name: str | os.PathLike, near: str | os.PathLike | None = None) -> Path:
        path = Path(name)
        if path.is_absolute():
            places = [path]
        else:
            bases = ([Path(near)] if near is not None else []) + self.folders
            bases += [self.root] if self.root is not None else []
            places = list(dict.fromkeys(base / path for base in bases))
        for place in places:
            if place.is_file():
                return place.resolve()
        looked = "\n".join(f"  {place}" for place in places)
        raise MachineNotFound(f"state machine {str(name)!r} not found; looked for:\n{looked}")

    def load(self, name: str | os.PathLike, near: str | os.PathLike | None = None,
             state_machine: str | None = None, substitutions: dict | None = None) -> StateMachine:
        path = self.find(name, near)
        state_machine = state_machine or self.state_machine
        substitutions = {**self.substitutions, **(substitutions or {})} or None
        # the modification time is in the key so an edited definition is compiled again
        key = (path, path.stat().st_mtime_ns, state_machine,
               tuple(sorted((str(k), str(v)) for k, v in (substitutions or {}).items())))
        if key not in self._compiled:
            self._compiled[key] = load(str(path), state_machine=state_machine,
                                       substitutions=substitutions)
        return self._compiled[key]


# -- reading case files ---------------------------------------------------------------------------

class _CaseLoader(CoreLoader):
    """YAML as every aslsim reader takes it (YAML 1.2's core schema: dates stay strings, only
    true/false are booleans; aliases bounded); duplicate keys are errors; remembers the line
    where each mapping starts."""

    def __init__(self, stream):
        super().__init__(stream)
        self.lines: dict[int, int] = {}

    def construct_yaml_map(self, node):
        data: dict = {}
        self.lines[id(data)] = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)):
                continue   # unhashable keys: SafeLoader reports them itself
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark, f"duplicate key {key!r}",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


_CaseLoader.add_constructor("tag:yaml.org,2002:map", _CaseLoader.construct_yaml_map)


def read_data(path: Path) -> tuple[Any, dict[int, int]]:
    """A YAML or JSON file's content, and the line where each of its mappings starts."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CaseFileError(f"{path}: cannot read the file: {err}") from None
    loader = _CaseLoader(text)
    try:
        return loader.get_single_data(), loader.lines
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise CaseFileError(f"{path}: not valid YAML: {problem}{where}") from None
    except SourceError as err:
        raise CaseFileError(f"{path}: {err.message}") from None
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Case:
    """One case of a case file: how to run the machine and what the execution must give."""
    name: str
    file: Path
    line: int
    run_options: dict = field(repr=False)
    expect: dict = field(repr=False)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}, case '{self.name}'"

    def run(self, finder: MachineFinder | None = None) -> Execution:
        """Run the case's machine as the case says."""
        finder = finder or MachineFinder()
        options, folder = self.run_options, self.file.parent
        machine = finder.load(options["machine"], folder,
                              options.get("state_machine", options.get("machine_name")),
                              options.get("substitutions"))
        if "input_file" in options:
            execution_input = self._data_file(options["input_file"])
        else:
            execution_input = options.get("input", NO_INPUT)      # null when the case says null
        mocks = options.get("mocks")
        if isinstance(mocks, str):
            mocks = self._data_file(mocks)
        mock_config = options.get("mock_config")
        return machine.run(execution_input, mocks=mocks,
                           mock_config=str(folder / mock_config) if mock_config else None,
                           test_case=options.get("test_case"),
                           start_time=options.get("start_time"), seed=options.get("seed", 0),
                           execution_type=options.get("execution_type"),
                           region=options.get("region", "us-east-1"),
                           account=options.get("account", "123456789012"),
                           stop_after=options.get("stop_after"))

    def _data_file(self, name: str) -> Any:
        path = self.file.parent / name
        if not path.is_file():
            raise CaseFileError(f"{self.where}: no such file {str(path)!r}")
        return read_data(path)[0]

    def check(self, execution: Execution) -> None:
        """Raise WorkflowAssertionError at the first expectation the execution does not meet."""
        __tracebackhide__ = True
        for key, check in _CHECKS.items():   # in this order: status first says the most
            if key in self.expect:
                check(execution, self.expect[key])


def _check_calls(execution, spec) -> None:
    __tracebackhide__ = True
    if isinstance(spec, list):
        a.assert_calls(execution, spec)
        return
    for target, rule in spec.items():
        if isinstance(rule, int):
            rule = {"times": rule}
        if "times" in rule:
            if rule["times"] == 0:
                a.assert_not_called(execution, target)
            else:
                a.assert_called(execution, target, times=rule["times"])
        if "with" in rule:
            a.assert_called_with(execution, target, rule["with"])
        if "at" in rule:
            a.assert_call_time(execution, target, rule["at"])


def _check_variables_contain(execution, spec: dict) -> None:
    __tracebackhide__ = True
    for name, value in spec.items():
        a.assert_variable(execution, name, value)


_CHECKS = {
    "status": a.assert_status,
    "error": a.assert_error,
    "cause": a.assert_cause,
    "output": a.assert_output,
    "output_contains": a.assert_output_contains,
    "path": a.assert_path,
    "path_starts_with": lambda ex, states: a.assert_path_starts_with(ex, *states),
    "path_contains": lambda ex, states: a.assert_visited_in_order(ex, *states),
    "not_visited": lambda ex, states: a.assert_not_visited(ex, *states),
    "calls": _check_calls,
    "call_order": lambda ex, targets: a.assert_calls_in_order(ex, *targets),
    "variables": a.assert_variables,
    "variables_contain": _check_variables_contain,
}
assert _CHECKS.keys() == EXPECT_FIELDS.keys()


def read_cases(path: str | os.PathLike) -> list[Case]:
    """The cases of a case file, checked; raises CaseFileError naming the file, case and field."""
    path = Path(path)
    data, lines = read_data(path)
    if not isinstance(data, dict) or "cases" not in data:
        raise CaseFileError(f"{path}: a case file is an object with a 'cases' list "
                            "(see docs/testing.md)")
    _only(data, {*RUN_FIELDS, "cases"}, f"{path}")
    defaults = {key: value for key, value in data.items() if key != "cases"}
    entries = data["cases"]
    if not isinstance(entries, list) or not entries:
        raise CaseFileError(f"{path}: 'cases' must be a non-empty list of cases")
    cases, names = [], set()
    for number, entry in enumerate(entries, 1):
        where = f"{path}, case {number}"
        if not isinstance(entry, dict):
            raise CaseFileError(f"{where}: a case is an object with 'name', its run and 'expect'")
        line = lines.get(id(entry), 1)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise CaseFileError(f"{where} (line {line}): 'name' is required, a non-empty string")
        if "::" in name or name in names:
            reason = "contains '::'" if "::" in name else "is used twice"
            raise CaseFileError(f"{path}:{line}: the case name {name!r} {reason}; names are test ids")
        names.add(name)
        where = f"{path}:{line}, case '{name}'"
        _only(entry, set(CASE_FIELDS), where)
        inherited = dict(defaults)
        if "input" in entry or "input_file" in entry:   # two ways to say one thing: the case's wins
            for key in ("input", "input_file"):
                inherited.pop(key, None)
        options = {**inherited, **{k: v for k, v in entry.items() if k in RUN_FIELDS}}
        _check_run_options(options, where)
        expect = entry.get("expect", {})
        _check_expect(expect, where)
        cases.append(Case(name=name, file=path, line=line, run_options=options, expect=expect))
    return cases


def _only(mapping: dict, allowed: set, where: str) -> None:
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), sorted(allowed), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise CaseFileError(f"{where}: unknown field {unknown[0]!r}{hint}; expected one of "
                            f"{', '.join(sorted(allowed))}")


def _check_run_options(options: dict, where: str) -> None:
    if "machine" not in options:
        raise CaseFileError(f"{where}: no 'machine' (give it on the case or at the top of the file)")
    for key in ("machine", "state_machine", "machine_name", "input_file", "mock_config", "test_case",
                "region", "account"):
        if key in options and not isinstance(options[key], str):
            raise CaseFileError(f"{where}: '{key}' must be a string: {RUN_FIELDS[key]}")
    if "input" in options and "input_file" in options:
        raise CaseFileError(f"{where}: give 'input' or 'input_file', not both")
    if "state_machine" in options and "machine_name" in options:
        raise CaseFileError(f"{where}: give 'state_machine' or its older name 'machine_name', "
                            "not both")
    if "substitutions" in options and not isinstance(options["substitutions"], dict):
        raise CaseFileError(f"{where}: 'substitutions' must be an object of names to values")
    if "mocks" in options and not isinstance(options["mocks"], (dict, str)):
        raise CaseFileError(f"{where}: 'mocks' must be an object or a file name")
    if "test_case" in options and "mock_config" not in options:
        raise CaseFileError(f"{where}: 'test_case' names a test case of a mock config: give "
                            "'mock_config' too")
    if "seed" in options and (not isinstance(options["seed"], int) or isinstance(options["seed"], bool)):
        raise CaseFileError(f"{where}: 'seed' must be an integer")
    if options.get("execution_type", "STANDARD") not in ("STANDARD", "EXPRESS"):
        raise CaseFileError(f"{where}: 'execution_type' must be STANDARD or EXPRESS")
    stop = options.get("stop_after", 0)
    if isinstance(stop, bool) or not isinstance(stop, (int, float)) or stop < 0:
        raise CaseFileError(f"{where}: 'stop_after' must be a number of seconds >= 0")
    if "start_time" in options and not isinstance(options["start_time"], str):
        raise CaseFileError(f"{where}: 'start_time' must be an ISO-8601 string such as "
                            "2025-01-01T00:00:00Z")


def _check_expect(expect: Any, where: str) -> None:
    if not isinstance(expect, dict):
        raise CaseFileError(f"{where}: 'expect' must be an object")
    _only(expect, set(EXPECT_FIELDS), f"{where}, expect")
    if "status" in expect and expect["status"] not in a.STATUSES:
        raise CaseFileError(f"{where}: expect.status must be one of {', '.join(a.STATUSES)}")
    for key in ("error", "cause"):
        if key in expect and not isinstance(expect[key], str):
            raise CaseFileError(f"{where}: expect.{key} must be a string")
    for key in ("path", "path_starts_with", "path_contains", "not_visited", "call_order"):
        if key in expect and not isinstance(expect[key], list):
            raise CaseFileError(f"{where}: expect.{key} must be a list of state names")
    for key in ("variables", "variables_contain"):
        if key in expect and not isinstance(expect[key], dict):
            raise CaseFileError(f"{where}: expect.{key} must be an object of variable names")
    calls = expect.get("calls")
    if calls is None or isinstance(calls, list):
        return
    if not isinstance(calls, dict):
        raise CaseFileError(f"{where}: expect.calls must be a list of targets or an object")
    for target, rule in calls.items():
        if isinstance(rule, int) and not isinstance(rule, bool):
            continue
        if not isinstance(rule, dict) or not rule or set(rule) - CALL_FIELDS:
            raise CaseFileError(f"{where}: expect.calls.{target} must be a number of calls or an "
                                "object with 'times', 'with' and/or 'at'")
