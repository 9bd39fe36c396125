"""``--write-case``: a replay saved as a case file (``*.aslsim.yaml``) the pytest plugin runs.

The case runs the definition with the recorded input and start time, the recorded answers as
mocks (by state name, in the order the run asked for them, with their durations), and expects
what the recording shows: its status, its output or its error and cause, and, when the replay was
"same", the path of states entered.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from ..definition.timestamps import iso_ms
from ..errors import InputError
from ..testing.cases import is_case_file


def write_case(result, path, *, machine_path=None, name: str | None = None) -> Path:
    path = Path(path)
    if not is_case_file(path):
        raise InputError(f"{path}: a case file's name ends in .aslsim.yaml (or .aslsim.yml, .aslsim.json)")
    machine = machine_path or result.execution.machine.file
    if machine is None:
        raise InputError("the case needs the definition's file: the machine was not loaded from "
                         "one (pass machine_path=)")
    case = {"name": name or f"replay of {_stem(result.recorded.source)}",
            "input": result.execution.input,
            "start_time": iso_ms(result.execution.start_ms)}
    if result.execution.execution_arn.split(":")[5] == "express":
        case["execution_type"] = "EXPRESS"
    if result.execution.status == "ABORTED":
        case["stop_after"] = (result.execution.stop_ms - result.execution.start_ms) / 1000
    mocks = _mocks(result.answers)
    if mocks:
        case["mocks"] = mocks
    case["expect"] = _expectation(result)
    relative = os.path.relpath(Path(machine).resolve(), path.resolve().parent)
    header = (f"# Written by `aslsim replay` from {result.recorded.source}: the recorded answers as "
              f"mocks and what the recording shows as the expectation.\n")
    if not result.same:
        header += ("# The replay diverged from the recording, so the path is left out: "
                   + result.divergence.render().splitlines()[0] + "\n")
    body = yaml.safe_dump({"machine": relative.replace(os.sep, "/"), "cases": [case]},
                          sort_keys=False, allow_unicode=True, width=100)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + body, encoding="utf-8")
    except OSError as err:
        raise InputError(f"{path}: cannot write the case file: {err.strerror}") from None
    return path


def _mocks(given) -> dict:
    """The answers the run got, as mocks by state name, in call order."""
    out: dict[str, list] = {}
    for item in given:
        answer = item.answer
        if answer.failed:
            thrown = {"Error": answer.error} if answer.error is not None else {}
            if answer.cause is not None:
                thrown["Cause"] = answer.cause
            spec: dict = {"throw": thrown}
        elif item.attempt.outcome in ("succeeded",):
            spec = {"return": answer.result}
        else:   # timed out, or still running when the recording ends: no answer in time
            spec = {"return": None}
        if answer.duration_ms:
            spec["duration"] = answer.duration_ms / 1000
        if answer.has_submitted:
            spec["submitted"] = answer.submitted
        if answer.heartbeat_ms is not None:
            spec["heartbeat_every"] = answer.heartbeat_ms / 1000
        out.setdefault(item.call.state, []).append(spec)
    return out


def _expectation(result) -> dict:
    """What the recording shows; when the replay was "same", as the local run has it (the same
    values, with the recording's placeholders resolved) and with the path."""
    last = result.recorded.last
    details = last.details or {}
    status = {"ExecutionSucceeded": "SUCCEEDED", "ExecutionFailed": "FAILED",
              "ExecutionTimedOut": "TIMED_OUT", "ExecutionAborted": "ABORTED"}.get(last.type)
    execution = result.execution
    expect: dict = {"status": status or execution.status}
    if status == "SUCCEEDED":
        expect["output"] = execution.output if result.same else details.get("output")
    elif status in ("FAILED", "TIMED_OUT"):
        for key in ("error", "cause"):
            value = getattr(execution, key) if result.same else details.get(key)
            if isinstance(value, str):
                expect[key] = value
    if result.same:
        expect["path"] = execution.flat_path()
    return expect


def _stem(source: str) -> str:
    name = Path(source).name
    return name[: -len(".json")] if name.endswith(".json") else name
