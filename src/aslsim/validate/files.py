"""Paths -> files -> FileResults: folders are searched, globs expanded, each file read once and
checked as a definition or, when it is a CloudFormation/SAM template, as the machines inside it.
One unreadable file is reported and never stops the others.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Iterable

from .diagnostics import FileResult
from .source import SourceError, load_text
from .templates import MACHINE_TYPES, is_template, machines
from .validator import check, check_standalone, place, unreadable

DEFINITION_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
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
    return any(kind in text for kind in MACHINE_TYPES)


def validate_paths(paths: Iterable[str], *, select: Iterable[str] = (),
                   ignore: Iterable[str] = ()) -> list[FileResult]:
    """Check files, folders (searched for *.asl.json/yaml and templates) and globs."""
    results, referenced = [], set()
    for file in discover(paths):
        found, uses = _check_file(file, select, ignore)
        results.extend(found)
        referenced.update(uses)
    # a definition a template uses (DefinitionUri) is checked once, with the template's
    # substitutions, not again on its own
    return [r for r in results if "#" in r.file or _resolved(r.file) not in referenced]


def validate_file(file: str, *, select=(), ignore=()) -> list[FileResult]:
    """One file: a definition, or a template with one FileResult per machine."""
    return _check_file(file, select, ignore)[0]


def _resolved(file) -> Path:
    try:
        return Path(file).resolve()
    except OSError:
        return Path(file)


def _check_file(file: str, select, ignore) -> tuple[list[FileResult], set]:
    try:
        text = Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [FileResult(file, error="no such file")], set()
    except IsADirectoryError:
        return [FileResult(file, error="is a directory")], set()
    except (OSError, UnicodeDecodeError) as err:
        return [FileResult(file, error=f"cannot read the file: "
                                       f"{getattr(err, 'strerror', None) or err}")], set()
    try:
        value, locator = load_text(text, file)
    except SourceError as err:
        return [FileResult(file, [unreadable(file, err)], error=err.message)], set()
    if not is_template(value):
        return [FileResult(file, check_standalone(value, locator, select=select, ignore=ignore))], set()
    results, referenced = [], set()
    for machine in machines(value, text, locator, Path(file)):
        name = f"{file}#{machine.name}"
        if machine.definition_file is not None:
            referenced.add(_resolved(machine.definition_file))
        if machine.error is not None:
            where = machine.error_file or file
            results.append(FileResult(name, [unreadable(where, machine.error)],
                                      error=machine.error.message))
        elif machine.definition is None:
            results.append(FileResult(name, place(machine.findings, machine.locator,
                                                  select=select, ignore=ignore)))
        else:
            results.append(FileResult(name, check(machine.definition, machine.locator, select=select,
                                                  ignore=ignore, findings=machine.findings)))
    return results, referenced
