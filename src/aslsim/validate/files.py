"""Paths -> files -> FileResults: folders are searched, globs expanded, each file read once by
the sources layer (the reader ``aslsim.load`` uses) and each machine in it checked: a definition,
or the machines of a CloudFormation/SAM/CDK template, a serverless.yml or a Terraform file.
One unreadable file is reported and never stops the others.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..sources import FileError, NotHere, Note, SourceError, choose, is_source_file, read_file
from .diagnostics import FileResult
from .validator import check, placed_notes, unreadable

DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template", ".tf")
_SKIPPED_DIRS = {"node_modules", "__pycache__", "cdk.out", ".aws-sam"}


def discover(paths: Iterable[str]) -> list[str]:
    """Every file to check, in a stable order, without repeats. Files named explicitly (or by a
    glob) are always checked; folders give only definitions and templates. A path that does not
    exist is returned as given, so that it is reported as unreadable."""
    found: dict[str, bool] = {}
    for raw in paths:
        text = str(raw)
        if any(ch in text for ch in "*?[") and not os.path.exists(text):
            for match in sorted(glob.glob(text, recursive=True)):
                if os.path.isfile(match):
                    found.setdefault(match, True)
        elif os.path.isdir(text):
            for file in _search(Path(text)):
                found.setdefault(file, False)
        else:
            found.setdefault(text, True)
    return list(found)


def _search(folder: Path) -> list[str]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        for name in sorted(names):
            if name.endswith(DEFINITION_SUFFIXES):
                files.append(os.path.join(root, name))
            elif name.endswith(TEMPLATE_SUFFIXES) and _mentions_machine(os.path.join(root, name)):
                files.append(os.path.join(root, name))
    return files


def _mentions_machine(file: str) -> bool:
    try:
        with open(file, encoding="utf-8", errors="replace") as handle:
            text = handle.read(2_000_000)
    except OSError:
        return False
    return is_source_file(file, text)


def validate_paths(paths: Iterable[str], *, select: Iterable[str] = (),
                   ignore: Iterable[str] = (), state_machine: str | None = None,
                   substitutions: dict | None = None,
                   skip_files_without_machines: bool = False) -> list[FileResult]:
    """Check files, folders (searched for *.asl.json/yaml and templates) and globs.

    ``state_machine`` keeps only that machine (logical id or name) of files holding several;
    ``substitutions`` give placeholders and parameters their values, as for ``aslsim.load``.
    ``skip_files_without_machines``: a template, serverless.yml or .tf file holding no state
    machine is passed over (the pre-commit hook is given every such file) instead of refused."""
    results, referenced = [], set()
    reading = _Reading(select, ignore, state_machine, substitutions or {}, skip_files_without_machines)
    for file in discover(paths):
        found, uses = _check_file(file, reading)
        results.extend(found)
        referenced.update(uses)
    # a definition a template uses (DefinitionUri) is checked once, with the template's
    # substitutions, not again on its own
    return [r for r in results if "#" in r.file or _resolved(r.file) not in referenced]


def _resolved(file) -> Path:
    try:
        return Path(file).resolve()
    except OSError:
        return Path(file)


@dataclass(frozen=True)
class _Reading:
    select: Iterable[str]
    ignore: Iterable[str]
    state_machine: str | None
    substitutions: dict
    skip_without_machines: bool = False


def _check_file(file: str, reading: _Reading) -> tuple[list[FileResult], set]:
    select, ignore = reading.select, reading.ignore
    try:
        found = read_file(Path(file), reading.substitutions)
        if reading.state_machine and found and found[0].kind != "definition":
            found = [choose(found, reading.state_machine, file)]
    except FileError as err:
        if err.no_machines and reading.skip_without_machines:
            return [], set()
        if err.unreadable:
            return [FileResult(file, error=err.message)], set()
        return [FileResult(file, [unreadable(file, err)], error=err.message)], set()
    except SourceError as err:
        return [FileResult(file, error=err.message)], set()
    results, referenced = [], set()
    for machine in found:
        name = file if machine.kind == "definition" else f"{file}#{machine.name}"
        if machine.definition_file is not None:
            referenced.add(_resolved(machine.definition_file))
        notes = placed_notes(machine.notes, select, ignore)
        if isinstance(machine.error, NotHere):
            note = Note(machine.error.message, machine.error.pointer,
                        hint="keep the definition in the repository so that "
                        "it can be validated", at=(machine.error_file or file, machine.error.line,
                                                   machine.error.column))
            results.append(FileResult(name, notes + placed_notes([note], select, ignore)))
        elif machine.error is not None:
            where = machine.error_file or file
            results.append(FileResult(name, notes + [unreadable(where, machine.error)],
                                      error=machine.error.message))
        else:
            diagnostics = check(machine.definition, machine.locator, select=select, ignore=ignore)
            results.append(FileResult(name, sorted(notes + diagnostics, key=_by_position)))
    return results, referenced


def _by_position(diagnostic):
    return (diagnostic.file, diagnostic.line, diagnostic.column)
