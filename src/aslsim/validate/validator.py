"""One definition -> its diagnostics: every family of checks over the raw definition, then the
loader as a backstop, then each finding placed in the source text and sorted by position.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from .. import jsonvalues
from ..definition.parse import parse_machine
from ..errors import DefinitionError
from ..services.api_models import check_definition_resource
from .checks import choice, jsonata, limits, paths, resources, retry, structure, transitions, variables
from .diagnostics import Diagnostic, Findings, escape
from .rules import RULES, matches
from ..sources import SourceError, read_text
from ..sources.text import Locator, ObjectLocator
from .tree import Tree, build_tree

# Order matters only for the backstop: it runs when none of these found an error.
FAMILIES = (structure, transitions, retry, choice, paths, jsonata, variables, resources, limits)


def validate_definition(source: Any, *, file: str = "<string>", select: Iterable[str] = (),
                        ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """Diagnostics for one definition given as JSON/YAML text or as a dict, sorted by position.
    Its ``${...}`` placeholders get the sources layer's stand-ins (ASL003 says so)."""
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    if isinstance(source, str):
        try:
            machine = read_text(source, Path(file), {})[0]
        except SourceError as err:
            return [unreadable(file, err)]
        if machine.error is not None:
            return [unreadable(machine.error_file or file, machine.error)]
        notes = placed_notes(machine.notes, select, ignore)
        found = check(machine.definition, machine.locator, select=select, ignore=ignore)
        return sorted(notes + found, key=lambda d: (d.line, d.column))
    return check(source, ObjectLocator(source, file), select=select, ignore=ignore)


def placed_notes(notes, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """The sources layer's notes as ASL003 warnings (at their text position when they have one)."""
    select, ignore = list(select), list(ignore)
    if (select and not matches("ASL003", select)) or (ignore and matches("ASL003", ignore)):
        return []
    rule = RULES["ASL003"]
    out = []
    for note in notes:
        file, line, column = note.at or ("<string>", 0, 0)
        out.append(Diagnostic("ASL003", rule.severity, file, line, column, note.pointer, None,
                              note.message, note.hint))
    return out


def not_json(definition: Any, findings: Findings) -> bool:
    """Report a definition that is not JSON as AWS reads it (NaN, 1e999, nesting deeper than
    aslsim walks); no other check runs on it."""
    try:
        jsonvalues.check(definition)
    except jsonvalues.NotJSON as err:
        findings.add("ASL103", err.pointer, err.message)
        return True
    return False


def unreadable(file: str, err: SourceError) -> Diagnostic:
    rule = RULES["ASL001"]
    return Diagnostic("ASL001", rule.severity, file, err.line, err.column, "", None, err.message)


def check(definition: Any, locator: Locator, *, select: Iterable[str] = (),
          ignore: Iterable[str] = (), findings: Findings | None = None) -> list[Diagnostic]:
    """Run every check on a parsed definition; ``findings`` may already hold some (templates)."""
    findings = findings if findings is not None else Findings()
    if not_json(definition, findings):
        return place(findings, locator, select=select, ignore=ignore)
    for where, key in locator.duplicates():
        findings.add("ASL002", where, f"the key '{key}' appears more than once in this object; "
                     "only the last value is read", at_key=True)
    if not isinstance(definition, dict):
        findings.add("ASL103", "", "a state machine definition must be a JSON object")
    else:
        tree = build_tree(definition)
        for family in FAMILIES:
            try:
                family.check(tree, findings)
            except Exception as err:  # a bug in a check must not hide the other checks' results
                findings.add("ASL900", "", f"internal error in the {family.__name__.rsplit('.', 1)[-1]} "
                             f"checks ({type(err).__name__}: {err}); please report it")
        if not findings.has_error():
            _backstop(definition, tree, findings)
    return place(findings, locator, select=select, ignore=ignore)


def _backstop(definition: dict, tree: Tree, findings: Findings):
    """What the loader refuses and no check reported is still an error (ASL900)."""
    try:
        parse_machine(definition, check_resource=check_definition_resource)
    except DefinitionError as err:
        state = next((s for s in tree.states if s.name == err.state), None)
        base = state.pointer if state else ""
        findings.add("ASL900", base + field_pointer(err.field), err.message, state=err.state)
    except Exception as err:  # the loader itself failed: aslsim.load would fail the same way
        findings.add("ASL900", "", f"the aslsim loader failed on this definition "
                     f"({type(err).__name__}: {err})")


def field_pointer(field: str | None) -> str:
    """The loader's field names ("Retry[0].ErrorEquals", "Assign/x") as a JSON pointer suffix."""
    if not field:
        return ""
    tokens = []
    for part in re.split(r"[./]", field):
        m = re.fullmatch(r"(.*?)((?:\[\d+\])*)", part)
        if m.group(1):
            tokens.append(m.group(1))
        tokens.extend(re.findall(r"\d+", m.group(2)))
    return "".join("/" + escape(t) for t in tokens)


def place(findings: Findings, locator: Locator, *, select: Iterable[str] = (),
          ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """Findings -> Diagnostics with file, line and column; filtered by codes; sorted."""
    select, ignore = list(select), list(ignore)
    placed = []
    for f in findings.items:
        if (select and not matches(f.code, select)) or (ignore and matches(f.code, ignore)):
            continue
        line, column = locator.position(f.pointer, f.at_key)
        diagnostic = Diagnostic(f.code, f.severity or RULES[f.code].severity, locator.file, line,
                                column, f.pointer, f.state, f.message, f.hint)
        placed.append((line, column, locator.order(f.pointer), len(placed), diagnostic))
    placed.sort(key=lambda item: item[:4])
    return [item[-1] for item in placed]
