"""Sources before definitions: the state machines a file holds, read the way the tool that
deploys it reads it, handed on as plain definitions with positions for messages.

One reader per kind of file: a plain definition (``.asl.json`` / ``.asl.yaml`` / any JSON or
YAML with ``StartAt`` and ``States``), a CloudFormation or SAM template (CDK's ``cdk.out/*.template
.json`` among them), a Serverless Framework ``serverless.yml`` and a Terraform ``.tf`` file.
``aslsim.load``, ``run``, ``graph``, ``validate``, ``test`` and the pytest plugin all read files
here. ``substitutions`` (``--sub KEY=VALUE``) give placeholders, template parameters, Terraform
variables and Serverless options their values; what nothing gives a value to gets a documented
stand-in (docs/sources.md).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from . import cloudformation, serverless, terraform
from .model import MachineSource, Note
from .plain import plain_machine
from .text import Locator, NotHere, ObjectLocator, SourceError, load_text

__all__ = ["MachineSource", "Note", "SourceError", "NotHere", "FileError", "NoMachines", "read_source", "read_file", "read_text",
           "choose", "MACHINE_TYPES", "is_source_file"]
MACHINE_TYPES = cloudformation.MACHINE_TYPES


def read_source(source: Any, *, substitutions: Mapping[str, Any] | None = None) -> list[MachineSource]:
    """The machines of a path, a dict, or JSON/YAML text; raises SourceError (with the file)."""
    subs = dict(substitutions or {})
    if isinstance(source, dict):
        return read_value(source, None, ObjectLocator(source, "<definition>"), None, subs)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and _looks_like_path(source)):
        return read_file(Path(source), subs)
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as err:
            raise SourceError(f"the definition is not UTF-8 text: {err}") from None
    if isinstance(source, str):
        return read_text(source, None, subs)
    raise SourceError(f"cannot load a definition from a {type(source).__name__}")


def _looks_like_path(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and stripped[0] not in "{[" and "\n" not in stripped


class NoMachines(SourceError):
    """A template, serverless.yml or Terraform file that holds no state machine."""


class FileError(SourceError):
    """A file that cannot be read (``unreadable``: not even its bytes) or parsed; ``file`` names it."""

    def __init__(self, message: str, file: str, line: int = 0, column: int = 0, *,
                 unreadable: bool = False, no_machines: bool = False):
        super().__init__(message, line, column)
        self.file = file
        self.unreadable = unreadable
        self.no_machines = no_machines


def read_file(path: Path, substitutions: Mapping[str, Any] | None = None) -> list[MachineSource]:
    subs = dict(substitutions or {})
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileError("no such file", str(path), unreadable=True) from None
    except IsADirectoryError:
        raise FileError("is a directory", str(path), unreadable=True) from None
    except (OSError, UnicodeDecodeError) as err:
        raise FileError(f"cannot read the file: {getattr(err, 'strerror', None) or err}",
                        str(path), unreadable=True) from None
    try:
        return read_text(text, path, subs)
    except FileError:
        raise
    except SourceError as err:
        raise FileError(err.message, str(path), err.line, err.column,
                        no_machines=isinstance(err, NoMachines)) from None


def read_text(text: str, path: Path | None, substitutions: Mapping[str, Any]) -> list[MachineSource]:
    file = str(path) if path is not None else "<string>"
    if path is not None and path.name.endswith(".tf"):
        return _none_found(terraform.machines(text, path, substitutions), file, "Terraform file",
                           'resource "aws_sfn_state_machine"')
    try:
        value, locator = load_text(text, file)
    except SourceError:
        if "${" not in text:
            raise
        # a placeholder where JSON needs a value ("Seconds": ${Timeout}): substituted first
        return [plain_machine(text, None if path is None else file, _stem(path), substitutions)]
    found = read_value(value, text, locator, path, substitutions)
    if found and found[0].kind == "definition" and "${" in text:
        return [plain_machine(text, None if path is None else file, _stem(path), substitutions)]
    return found


def read_value(value: Any, text: str | None, locator: Locator, path: Path | None,
               substitutions: Mapping[str, Any]) -> list[MachineSource]:
    if cloudformation.is_template(value):
        return cloudformation.machines(value, text or "", locator, path, substitutions)
    if serverless.is_serverless(value):
        return serverless.machines(value, locator, path, substitutions)
    if cloudformation.looks_like_template(value):
        raise NoMachines("this CloudFormation template holds no state machine (no resource of "
                         "type AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine)")
    if path is not None and path.name in ("serverless.yml", "serverless.yaml", "serverless.json"):
        raise NoMachines("this serverless.yml holds no state machine (stepFunctions.stateMachines)")
    file = str(path) if path is not None else None
    if text is None and substitutions:
        from .placeholders import substitute_strings
        value = substitute_strings(value, substitutions)
    return [MachineSource(_stem(path), file, "definition", definition=value, locator=locator)]


def _none_found(found: list, file: str, what: str, wanted: str) -> list:
    if not found:
        raise NoMachines(f"this {what} holds no state machine ({wanted})")
    return found


def _stem(path: Path | None) -> str:
    if path is None:
        return "StateMachine"
    stem = path.name
    for suffix in (".asl.json", ".asl.yaml", ".asl.yml", ".json", ".yaml", ".yml"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    return stem


def choose(found: list[MachineSource], wanted: str | None, where: str) -> MachineSource:
    """The machine named ``wanted`` (logical id or name); the only one when ``wanted`` is None.
    Raises SourceError naming every machine when the choice is missing or matches none."""
    if len(found) == 1 and (wanted is None or found[0].kind == "definition"
                            or wanted in found[0].names):
        return found[0]
    listed = ", ".join(_describe(m) for m in found)
    if wanted is None:
        raise SourceError(f"{where} holds {len(found)} state machines: {listed}; choose one with "
                          "--state-machine NAME (state_machine= in Python)")
    for machine in found:
        if wanted in machine.names:
            return machine
    raise SourceError(f"{where} has no state machine named {wanted!r}; it holds {listed}")


def _describe(machine: MachineSource) -> str:
    others = [a for a in machine.aliases if a and a != machine.name]
    return f"{machine.name} ({', '.join(others)})" if others else machine.name


def is_source_file(path: str, text: str) -> bool:
    """Whether a file found in a folder holds state machines (for ``validate``'s search)."""
    if path.endswith(".tf"):
        return "aws_sfn_state_machine" in text
    return any(kind in text for kind in MACHINE_TYPES) or (
        "stepFunctions" in text and "stateMachines" in text)
