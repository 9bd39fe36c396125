"""State machines inside CloudFormation and SAM templates.

A template yields one machine per ``AWS::StepFunctions::StateMachine`` /
``AWS::Serverless::StateMachine`` resource, read from ``Definition`` (an object),
``DefinitionString`` (a string, ``Fn::Sub`` or ``Fn::Join``) or ``DefinitionUri`` (a local file;
an S3 location cannot be checked and gets a warning). ``${Name}`` placeholders are replaced by
``DefinitionSubstitutions`` (or ``Fn::Sub`` variables) when those are plain strings, otherwise by a
plausible stand-in (an ARN in a Resource, the name elsewhere), so that deploy-time values never
cause false errors. Positions are reported in the template; inside a ``DefinitionString`` written
as a YAML literal block (``|``) they are exact, elsewhere they point at the string.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from .diagnostics import Findings, escape
from .source import (JsonLocator, LineIndex, Locator, PrefixedLocator, SourceError, YamlLocator,
                     load_json, load_text)

MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")
PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
          "AWS::StackName": "stack", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": "",
          "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/id",
          "AWS::NotificationARNs": ""}
_PLACEHOLDER = re.compile(r"\$\{(!?)([^}]*)\}")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_RESOURCE_BEFORE = re.compile(r'"Resource"\s*:\s*"$')
# what an intrinsic inside Fn::Join stands for: usually an ARN, and any string fits in a string
_INTRINSIC_STAND_IN = "arn:aws:lambda:us-east-1:123456789012:function:stand-in"


def is_template(value: Any) -> bool:
    resources = value.get("Resources") if isinstance(value, dict) else None
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and r.get("Type") in MACHINE_TYPES for r in resources.values())


@dataclass
class Embedded:
    """One machine of a template, ready for the checks (or ``error`` when it cannot be read)."""
    name: str
    definition: Any = None
    locator: Locator | None = None
    findings: Findings = field(default_factory=Findings)
    error: SourceError | None = None
    error_file: str | None = None
    definition_file: Path | None = None    # DefinitionUri, resolved


def machines(template: dict, text: str, locator: Locator, path: Path) -> list[Embedded]:
    known = set(template.get("Parameters") or {}) | set(template.get("Resources") or {})
    found = []
    for name, resource in template["Resources"].items():
        if isinstance(resource, dict) and resource.get("Type") in MACHINE_TYPES:
            props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
            where = f"/Resources/{escape(name)}/Properties"
            found.append(_machine(name, props, where, text, locator, path, known))
    return found


def _substitutions(props: dict) -> dict[str, str | None]:
    subs = props.get("DefinitionSubstitutions")
    if not isinstance(subs, dict):
        return {}
    return {k: (str(v).lower() if isinstance(v, bool) else str(v))
            if isinstance(v, (str, int, float, bool)) else None for k, v in subs.items()}


def _machine(name, props, where, text, locator, path, known) -> Embedded:
    machine = Embedded(name)
    subs = _substitutions(props)
    if "Definition" in props:
        machine.locator = PrefixedLocator(locator, f"{where}/Definition")
        machine.definition = _substitute_values(props["Definition"], subs, set(), machine.findings, "")
    elif "DefinitionString" in props:
        _definition_string(machine, props["DefinitionString"], f"{where}/DefinitionString", subs,
                           text, locator, known)
    elif "DefinitionUri" in props and isinstance(props["DefinitionUri"], str) \
            and not props["DefinitionUri"].startswith("s3://"):
        machine.definition_file = path.parent / props["DefinitionUri"]
        _definition_file(machine, machine.definition_file, subs)
    else:
        key = next((k for k in ("DefinitionUri", "DefinitionS3Location") if k in props), None)
        machine.locator = PrefixedLocator(locator, where)
        message = (f"{key} points to S3: the definition cannot be checked here" if key
                   else "the state machine has no Definition, DefinitionString or DefinitionUri")
        machine.findings.add("ASL003", f"/{key}" if key else "", message, at_key=bool(key),
                             hint="keep the definition in the repository (DefinitionUri: a local "
                                  "path) so that it can be validated")
    return machine


def _definition_file(machine: Embedded, file: Path, subs):
    try:
        text = file.read_text(encoding="utf-8")
        definition, locator = load_text(text, str(file))
    except OSError as err:
        machine.error = SourceError(f"DefinitionUri: cannot read {file}: {err.strerror}")
        return
    except SourceError as err:
        machine.error, machine.error_file = err, str(file)
        return
    machine.locator = locator
    machine.definition = _substitute_values(definition, subs, set(), machine.findings, "")


# ---- substitution ----------------------------------------------------------------------------

def _stand_in(name: str, *, resource: bool, quoted: bool) -> str:
    if name in PSEUDO:
        return PSEUDO[name]
    token = re.sub(r"[^A-Za-z0-9_-]+", "-", name) or "value"
    if resource:
        return f"arn:aws:lambda:us-east-1:123456789012:function:{token}"
    return token if quoted else "1"


def substitute(text: str, values: dict, deploy_names: set, *, resource: bool = False,
               in_json: bool = False) -> tuple[str, list, list[str]]:
    """Replace ``${...}`` in ``text``: (new text, spans (new start, new end, old start, old end),
    names that nothing resolves)."""
    strings = [m.span() for m in _JSON_STRING.finditer(text)] if in_json else []
    starts = [s for s, _ in strings]
    out, spans, unresolved, last, shift = [], [], [], 0, 0
    for m in _PLACEHOLDER.finditer(text):
        bang, name = m.group(1), m.group(2).strip()
        if bang:
            replacement = "${" + m.group(2) + "}"   # ${!Literal} is the literal ${Literal}
        elif values.get(name) is not None:
            replacement = values[name]
        else:
            base = name.split(".", 1)[0]
            if name not in values and name not in PSEUDO and base not in deploy_names:
                unresolved.append(name)
            if in_json:
                i = bisect.bisect_right(starts, m.start()) - 1
                quoted = i >= 0 and strings[i][0] < m.start() < strings[i][1]
                whole = _RESOURCE_BEFORE.search(text, 0, m.start()) is not None \
                    and text[m.end():m.end() + 1] == '"'
                replacement = _stand_in(name, resource=whole, quoted=quoted)
            else:
                replacement = _stand_in(name, resource=resource and m.group(0) == text, quoted=True)
        out.append(text[last:m.start()])
        new_start = m.start() + shift
        out.append(replacement)
        spans.append((new_start, new_start + len(replacement), m.start(), m.end()))
        shift += len(replacement) - (m.end() - m.start())
        last = m.end()
    out.append(text[last:])
    return "".join(out), spans, unresolved


def replace_placeholders(definition, findings: Findings):
    """A definition file outside any template (a SAM DefinitionUri file checked on its own):
    ``${...}`` placeholders get stand-ins and a warning, never a false error."""
    return _substitute_values(definition, {}, set(), findings, "", standalone=True)


def _substitute_values(value, subs, deploy_names, findings: Findings, where: str, key: str = "",
                       *, standalone: bool = False):
    if isinstance(value, str):
        if "${" not in value:
            return value
        new, _, unresolved = substitute(value, subs, deploy_names, resource=key == "Resource")
        for name in unresolved:
            if standalone:
                findings.add("ASL003", where, f"'${{{name}}}' is a template placeholder: this "
                             "field is checked with a stand-in value", hint="validate the "
                             "template that uses this file to check it with its substitutions")
            else:
                findings.add("ASL003", where, f"'${{{name}}}' is not in DefinitionSubstitutions: it "
                             "stays in the deployed definition as written", hint="add it to "
                             "DefinitionSubstitutions, or write the value itself")
        return new
    if isinstance(value, dict):
        return {k: _substitute_values(v, subs, deploy_names, findings, f"{where}/{escape(str(k))}",
                                      str(k), standalone=standalone)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute_values(v, subs, deploy_names, findings, f"{where}/{i}",
                                   standalone=standalone) for i, v in enumerate(value)]
    return value


# ---- DefinitionString ------------------------------------------------------------------------

def _definition_string(machine: Embedded, value, where, subs, template_text, locator, known):
    values, deploy_names, at = dict(subs), set(), where
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        deploy_names = known
        if isinstance(sub, list) and sub and isinstance(sub[0], str):
            if len(sub) > 1 and isinstance(sub[1], dict):
                values.update({k: v if isinstance(v, str) else None for k, v in sub[1].items()})
            value, at = sub[0], f"{where}/Fn::Sub/0"
        else:
            value, at = sub, f"{where}/Fn::Sub"
    elif isinstance(value, dict) and "Fn::Join" in value:
        join = value["Fn::Join"]
        if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list):
            value = str(join[0]).join(p if isinstance(p, str) else _INTRINSIC_STAND_IN for p in join[1])
            at = where
    machine.locator = PrefixedLocator(locator, where)
    if not isinstance(value, str):
        machine.findings.add("ASL003", "", "DefinitionString is built by an intrinsic function "
                             "this validator cannot evaluate, so it is not checked", at_key=True)
        return
    text, spans, unresolved = substitute(value, values, deploy_names, in_json=True)
    to_line_col = _string_positions(value, spans, locator, at, where, template_text)
    try:
        definition, repeated = load_json(text)
    except SourceError as err:
        offset = LineIndex(text).starts[max(err.line - 1, 0)] + max(err.column - 1, 0)
        line, column = to_line_col(offset)
        machine.error = SourceError(f"DefinitionString is {err.message}", line, column)
        machine.error_file = locator.file
        return
    machine.definition = definition
    machine.locator = JsonLocator(text, locator.file, to_line_col, repeated=repeated)
    for name in unresolved:
        machine.findings.add("ASL003", "", f"'${{{name}}}' is not a template parameter, resource "
                             "or substitution; it stays in the deployed definition as written")


def _string_positions(original: str, spans, locator: Locator, at: str, fallback: str,
                      template_text: str) -> Callable[[int], tuple[int, int]]:
    """Offset in the substituted text -> (line, column) in the template."""
    # the string's node: at ``at`` (Fn::Sub: [text, vars]) or the tagged scalar itself (!Sub |)
    nodes = locator.nodes if isinstance(locator, YamlLocator) else {}
    node = nodes.get(at) or nodes.get(fallback)
    start = locator.position(at)
    if node is None or not isinstance(node, yaml.ScalarNode) or node.style != "|":
        return lambda offset: start
    first = node.start_mark.line + 1                   # 0-based line of the block's first line
    lines = template_text.splitlines()
    indent = len(lines[first]) - len(lines[first].lstrip(" ")) if first < len(lines) else 0
    index = LineIndex(original)

    def to_line_col(offset: int) -> tuple[int, int]:
        original_offset = offset
        for new_start, new_end, old_start, old_end in spans:
            if offset < new_start:
                break
            original_offset = old_start if offset < new_end else old_end + (offset - new_end)
        line, column = index.line_col(original_offset)
        return first + line, indent + column
    return to_line_col
