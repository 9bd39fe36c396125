"""Mutated definitions, inputs and mocks, and the property every one of them must keep.

Shared by the property-based test (``test_fuzz.py``, driven by hypothesis) and the daily runner
(``scripts/fuzz.py``, driven by a seeded ``random.Random``, counting every crash instead of
stopping at the first): both hand a *picker* to the same mutation code, so a crash the runner
counts is one hypothesis can find and shrink.

The property (``check_case``): a case loads or raises DefinitionError; a loaded one runs to a
status with JSON output, within bounds (``stop_after`` and mocks that take virtual time; the
25,000-event history limit ends loops that take none); its graph draws in every format, its
report renders, and ``validate`` reports no internal error.
"""
from __future__ import annotations

import copy
import glob
import json
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

import aslsim
from aslsim.errors import DefinitionError, InputError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
STATUSES = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}
# Virtual seconds a fuzzed STANDARD run may last; every mocked Task takes one second, so a Task
# loop stops here, and a loop of states that take no time stops at the 25,000-event history
# limit. Each case also runs as EXPRESS with no stop: AWS's 5-minute bound must end it.
STOP_AFTER = 600


# -- the corpus ------------------------------------------------------------------------------

def _definitions_in(pattern: str) -> list[dict]:
    out = []
    for file in sorted(glob.glob(str(pattern), recursive=True)):
        try:
            value = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(value, dict) and isinstance(value.get("States"), dict):
            out.append(value)
    return out


def load_corpus() -> tuple[list[dict], list]:
    """(definitions, inputs): the example workflows, the fixtures' definitions, the recorded
    conformance cases and the real-world definitions, with the recorded inputs."""
    definitions = _definitions_in(ROOT / "statemachines" / "*.json")
    definitions += _definitions_in(ROOT / "fixtures" / "**" / "*.json")
    definitions += _definitions_in(SHARED / "realworld" / "defs" / "*.json")
    inputs: list = [{}, {"size": 3145728}, [1, 2, 3], "text", 0, None]
    cases = SHARED / "conformance" / "cases.jsonl"
    if cases.exists():
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            definitions.append(case["definition"])
            inputs.append(case.get("input"))
    unique = {json.dumps(d, sort_keys=True): d for d in definitions}
    return list(unique.values()), inputs


# -- values a mutation puts in --------------------------------------------------------------

HOSTILE = [
    {}, [], "", 0, -1, 1.5, -0.0, None, True, False, 2 ** 63, 99999999, 100000000, 1e308,
    "x" * 300, ["a"], [{}], [[]], {"a": 1}, {"Type": "Pass"}, {"x.$": "$"}, {"x.$": 5},
    "$", "$$", "$.a", "$.a[0:2]", "$[", "$..x", "$.a[*].b", "$.x[?(@.a > 1)]", "$['a','b']",
    "$$.Execution.Input", "$$.Map.Item.Value", "$undefined", "$.a.b.c[5]",
    "States.Format('{}', $.a)", "States.Array($.a, 1)", "States.StringToJson($.s)",
    "States.JsonToString($)", "States.MathAdd($.n, 1)", "States.ArrayRange(1, 99999, 1)",
    "{% $states.input %}", "{% $x %}", "{% ) %}", "{% [1..1000] %}", "{% $number('1e999') %}",
    "{% 1/0 %}", "{% $states.input.a[0] %}", "{% 'x' & $string($states.input) %}",
    "States.ALL", "States.TaskFailed", "2025-01-01T00:00:00Z", "not-a-time", "JSONata", "JSONPath",
    "arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken",
    "arn:aws:states:::sns:publish", "arn:aws:states:::states:startExecution.sync:2",
    "arn:aws:states:::aws-sdk:s3:listBuckets", "arn:aws:lambda:us-east-1:123456789012:function:f",
    "arn:aws:states:::s3:getObject", "DISTRIBUTED", "INLINE", "EXPRESS", "FULL",
]
INPUTS_EXTRA = [
    {"a": [1, 2, 3], "s": '{"a": [1, 2, 3]}', "n": 5, "x": "y"}, '{"a": [1,2,3]}', "$[",
    {"a": "x" * 1000}, [{"id": i} for i in range(30)], {"items": [[1, [2, [3]]]]},
    {"n": 2 ** 53, "f": 1e300, "neg": -1}, {"unicode": "é☃\U0001f600"}, True,
]
FIELDS = ["Type", "Next", "End", "Resource", "Parameters", "Arguments", "Output", "Assign",
          "ResultPath", "ResultSelector", "InputPath", "OutputPath", "Retry", "Catch",
          "TimeoutSeconds", "HeartbeatSeconds", "Seconds", "SecondsPath", "Timestamp", "Choices",
          "Default", "Branches", "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector",
          "MaxConcurrency", "Result", "Error", "Cause", "QueryLanguage", "Comment", "StartAt",
          "States", "ItemReader", "ItemBatcher", "ResultWriter", "ToleratedFailureCount"]


class RandomPick:
    """Choices from a seeded random.Random (the daily runner)."""

    def __init__(self, rng):
        self.rng = rng

    def index(self, n: int) -> int:
        return self.rng.randrange(n)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


class DrawPick:
    """Choices drawn by hypothesis (the property-based test), so failures shrink."""

    def __init__(self, draw):
        from hypothesis import strategies as st
        self._draw, self._st = draw, st

    def index(self, n: int) -> int:
        return self._draw(self._st.integers(0, n - 1))

    def chance(self, percent: int) -> bool:
        return self._draw(self._st.integers(0, 99)) < percent


def _choice(pick, items):
    return items[pick.index(len(items))]


def _nodes(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nodes(item, path + (i,))


def _state_names(definition) -> list[str]:
    return [p[-1] for p, _ in _nodes(definition) if len(p) >= 2 and p[-2] == "States"
            and isinstance(p[-1], str)]


def _value(pick, definition, nodes):
    """A value to put in: a hostile one, a piece of this definition, or a state name."""
    roll = pick.index(10)
    if roll < 6:
        return copy.deepcopy(_choice(pick, HOSTILE))
    if roll < 8:
        return copy.deepcopy(_choice(pick, nodes)[1])
    names = _state_names(definition)
    return _choice(pick, names) if names else "Nowhere"


def _kind(value) -> str:
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else type(value).__name__


def _same_kind(pick, value, nodes):
    """A value of the same JSON type: such a mutation keeps more definitions loadable, so that
    the run, not only the loader, meets the odd values."""
    pool = [v for v in HOSTILE if _kind(v) == _kind(value)]
    pool += [v for _, v in nodes if _kind(v) == _kind(value) and not isinstance(v, (dict, list))]
    return copy.deepcopy(_choice(pick, pool)) if pool else value


def mutate(definition: dict, pick) -> dict:
    """Up to three mutations of a copy of ``definition``: replace (with a value of the same
    type or any), delete, insert, rename a state, or retype a state."""
    definition = copy.deepcopy(definition)
    for _ in range(pick.index(4)):     # none: only the input and the mocks are odd
        nodes = list(_nodes(definition))
        leaves = [n for n in nodes if not isinstance(n[1], (dict, list)) and len(n[0]) > 2]
        # mostly a leaf deep in a state: a definition broken at its root tells little
        path, node = _choice(pick, leaves if leaves and pick.chance(70) else nodes)
        if not path:
            continue
        parent = definition
        for step in path[:-1]:
            parent = parent[step]
        operation = pick.index(12)
        if operation >= 10:
            parent[path[-1]] = _same_kind(pick, node, nodes)
        elif operation < 5:
            parent[path[-1]] = _value(pick, definition, nodes)
        elif operation < 7 and isinstance(parent, dict):
            del parent[path[-1]]
        elif operation < 8 and isinstance(node, dict):
            node[_choice(pick, FIELDS)] = _value(pick, definition, nodes)
        elif operation < 9 and isinstance(parent, dict) and len(path) >= 2 and path[-2] == "States":
            parent[f"{path[-1]}2"] = parent.pop(path[-1])       # a rename leaves Next dangling
        elif isinstance(node, dict) and "Type" in node:
            node["Type"] = _choice(pick, ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail",
                                          "Parallel", "Map"])
    return definition


def pick_input(pick, inputs: list):
    if pick.chance(70):
        return copy.deepcopy(_choice(pick, inputs))
    return copy.deepcopy(_choice(pick, INPUTS_EXTRA + HOSTILE))


def pick_mocks(pick, machine) -> dict:
    """An answer for every Task: a hostile or plausible result, or an error; one second each."""
    mocks = {}
    for name, state in machine.states.items():
        if state.type != "Task":
            continue
        if pick.chance(20):
            answer = {"throw": {"Error": _choice(pick, ["States.TaskFailed", "Lambda.Unknown", "Boom"]),
                                "Cause": "fuzzed"}, "duration": 1}
        else:
            answer = {"return": copy.deepcopy(_choice(pick, HOSTILE + INPUTS_EXTRA)), "duration": 1}
        mocks[name] = [answer, answer, answer] if pick.chance(20) else answer
    return mocks


# -- the property ----------------------------------------------------------------------------

@dataclass
class Crash:
    stage: str
    error: str
    where: str

    @property
    def key(self) -> tuple:
        return (self.stage, self.error, self.where)


def _crash(stage: str, err: BaseException) -> Crash:
    frames = traceback.extract_tb(err.__traceback__)
    last = frames[-1] if frames else None
    where = f"{os.path.basename(last.filename)}:{last.lineno}" if last else "?"
    return Crash(stage, f"{type(err).__name__}: {str(err)[:160]}", where)


def check_case(definition, execution_input, mocks_for, report_dir: Path | None = None) -> str | Crash:
    """How the case ended ("refused" or the execution's status) when it keeps the property,
    else the first Crash. ``mocks_for(machine)`` gives the mocks to run it with."""
    from aslsim.render.cli import FORMATS, draw
    from aslsim.validate.validator import validate_definition
    try:
        for diagnostic in validate_definition(json.dumps(definition)):   # the text: positions too
            if "internal error" in diagnostic.message or "loader failed" in diagnostic.message:
                return Crash("validate", diagnostic.message[:200], diagnostic.code)
    except Exception as err:  # noqa: BLE001 - any exception is the finding
        return _crash("validate", err)
    try:
        machine = aslsim.load(definition)
    except DefinitionError:
        return "refused"
    except Exception as err:  # noqa: BLE001
        return _crash("load", err)
    stage = "graph"
    try:
        for output_format in FORMATS:
            draw(machine, output_format)
        stage = "run"
        mocks = mocks_for(machine)
        execution = machine.run(execution_input, mocks=mocks, stop_after=STOP_AFTER)
        if execution.status not in STATUSES:
            return Crash("run", f"status {execution.status!r}", "")
        # EXPRESS with no stop: AWS's 5-minute bound (or the zero-time loop check) must end it
        stage = "run (EXPRESS)"
        try:
            express = machine.run(execution_input, mocks=mocks, execution_type="EXPRESS")
        except (DefinitionError, InputError):
            express = None          # a state EXPRESS machines cannot have (.sync, callbacks)
        if express is not None and express.status not in STATUSES:
            return Crash(stage, f"status {express.status!r}", "")
        stage = "run"
        json.dumps(execution.to_dict(), allow_nan=False)
        json.dumps(execution.history, allow_nan=False)
        stage = "report"
        if report_dir is not None:
            execution.report(report_dir / "report.html", machine)
    except Exception as err:  # noqa: BLE001
        return _crash(stage, err)
    return execution.status
