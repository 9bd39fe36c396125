"""State machines inside CloudFormation and SAM templates, CDK's synthesised templates included.

A template yields one machine per ``AWS::StepFunctions::StateMachine`` /
``AWS::Serverless::StateMachine`` resource, read from ``Definition`` (an object whose intrinsic
functions CloudFormation resolves first), ``DefinitionString`` (a string, ``Fn::Sub`` or CDK's
``Fn::Join``) or ``DefinitionUri`` (a local file). ``DefinitionSubstitutions`` (themselves
intrinsics, resolved) replace ``${Name}`` in the text before it is parsed, as the Step Functions
handler does. What only exists once deployed gets the stand-ins of ``intrinsics.py``. Positions
are reported in the template (inside a ``DefinitionString`` written as a YAML literal block they
are exact, elsewhere they point at the string), or in the DefinitionUri file.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from .intrinsics import Intrinsics
from .model import MachineSource
from .placeholders import PSEUDO, substitute_strings
from .plain import parse_definition_text
from .text import (LineIndex, Locator, NotHere, PrefixedLocator, SourceError, YamlLocator,
                   escape)

MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine")


def is_template(value: Any) -> bool:
    resources = value.get("Resources") if isinstance(value, dict) else None
    return isinstance(resources, dict) and any(
        isinstance(r, dict) and r.get("Type") in MACHINE_TYPES for r in resources.values())


def looks_like_template(value: Any) -> bool:
    return isinstance(value, dict) and ("Resources" in value or "AWSTemplateFormatVersion" in value)


def machines(template: dict, text: str, locator: Locator, path: Path | None,
             overrides: Mapping[str, Any]) -> list[MachineSource]:
    evaluator = Intrinsics(template, overrides)
    found = []
    for name, resource in template["Resources"].items():
        if isinstance(resource, dict) and resource.get("Type") in MACHINE_TYPES:
            props = resource.get("Properties") if isinstance(resource.get("Properties"), dict) else {}
            reader = _Reader(name, resource["Type"], props, evaluator, text, locator, path, overrides)
            found.append(reader.read())
    return found


class _Reader:
    """Reads one state machine resource."""

    def __init__(self, name, kind, props, evaluator: Intrinsics, text, locator, path, overrides):
        self.props, self.evaluator, self.text, self.locator, self.path = props, evaluator, text, locator, path
        self.where = f"/Resources/{escape(name)}/Properties"
        serverless = kind == "AWS::Serverless::StateMachine"
        own_name = evaluator.resolve(props.get("Name" if serverless else "StateMachineName"))
        machine_type = evaluator.resolve(props.get("Type" if serverless else "StateMachineType"))
        self.machine = MachineSource(
            name, locator.file if path is not None else None, "cloudformation",
            aliases=(own_name,) if isinstance(own_name, str) else (),
            machine_type=machine_type if machine_type in ("STANDARD", "EXPRESS") else None)
        self.overrides = dict(overrides)
        self.values = {**self._substitutions(), **self.overrides}

    def _substitutions(self) -> dict:
        subs = self.evaluator.resolve(self.props.get("DefinitionSubstitutions"))
        values = {}
        if isinstance(subs, dict):
            for key, value in subs.items():
                text = self.evaluator.text(value)
                values[key] = text if isinstance(text, (str, int, float)) else None
        return values

    def read(self) -> MachineSource:
        props, machine = self.props, self.machine
        try:
            if "Definition" in props:
                self._object(props["Definition"])
            elif "DefinitionString" in props:
                self._string(props["DefinitionString"])
            else:
                uri = self.evaluator.resolve(props.get("DefinitionUri"))
                if isinstance(uri, str) and not uri.startswith("s3://"):
                    self._file(uri)
                else:
                    self._elsewhere()
        except SourceError as err:
            machine.error = err
            machine.error_file = machine.error_file or self.locator.file
        return machine

    def _object(self, definition):
        machine = self.machine
        machine.locator = PrefixedLocator(self.locator, f"{self.where}/Definition")
        found: list = []
        resolved = self.evaluator.resolve(definition)
        machine.definition = substitute_strings(resolved, self.values, found=found)
        machine.substitutions = {k: v for k, v in self.values.items() if v is not None}
        for name, pointer in found:
            machine.note(f"'${{{name}}}' is not in DefinitionSubstitutions: it stays in the "
                         "deployed definition as written", pointer,
                         hint="add it to DefinitionSubstitutions, or write the value itself")

    def _string(self, value):
        machine, where = self.machine, f"{self.where}/DefinitionString"
        at, values, known = where, dict(self.values), (lambda name: False)
        if isinstance(value, dict) and "Fn::Sub" in value:
            # Fn::Sub runs first (its variables, then the template's names); the handler's
            # DefinitionSubstitutions replace what is left; --sub wins over all
            sub, variables = value["Fn::Sub"], {}
            known = self.evaluator.knows
            if isinstance(sub, list) and sub and isinstance(sub[0], str):
                for key, item in (sub[1] if len(sub) > 1 and isinstance(sub[1], dict) else {}).items():
                    text = self.evaluator.text(item)
                    variables[key] = text if isinstance(text, (str, int, float)) else None
                value, at = sub[0], f"{where}/Fn::Sub/0"
            else:
                value, at = sub, f"{where}/Fn::Sub"
            if isinstance(value, str):
                values = {**values, **_template_names(self.evaluator, value), **variables,
                          **self.overrides}
        elif isinstance(value, dict):
            value = self.evaluator.resolve(value)      # CDK: Fn::Join of text and GetAtt
        machine.locator = PrefixedLocator(self.locator, where)
        if not isinstance(value, str):
            raise NotHere("DefinitionString is built by an intrinsic function that cannot be "
                          "evaluated here, so it is not checked", *self.locator.position(where),
                          pointer="/DefinitionString")
        position = _string_positions(value, self.locator, at, where, self.text)
        try:
            definition, locator, done = parse_definition_text(value, self.locator.file, values,
                                                              known=known, position=position)
        except SourceError as err:
            raise SourceError(f"DefinitionString is {err.message}", err.line, err.column) from None
        machine.definition, machine.locator, machine.substitutions = definition, locator, done.used
        index = LineIndex(value)
        for name, offset in done.unresolved:
            line, column = position(offset) if position else index.line_col(offset)
            machine.note(f"'${{{name}}}' is not a template parameter, resource or substitution; it "
                         "stays in the deployed definition as written",
                         at=(self.locator.file, line, column))

    def _file(self, uri: str):
        machine = self.machine
        base = self.path.parent if self.path is not None else Path.cwd()
        file = base / uri
        machine.definition_file = file
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SourceError(f"DefinitionUri: cannot read {file}: "
                              f"{getattr(err, 'strerror', None) or err}",
                              *self.locator.position(f"{self.where}/DefinitionUri")) from None
        machine.error_file = str(file)
        definition, locator, done = parse_definition_text(text, str(file), self.values)
        machine.error_file = None
        machine.definition, machine.locator, machine.substitutions = definition, locator, done.used
        index = LineIndex(text)
        for name, offset in done.unresolved:
            line, column = index.line_col(offset)
            machine.note(f"'${{{name}}}' is not in DefinitionSubstitutions: it stays in the "
                         "deployed definition as written", at=(str(file), line, column),
                         hint="add it to DefinitionSubstitutions, or write the value itself")

    def _elsewhere(self):
        key = next((k for k in ("DefinitionUri", "DefinitionS3Location") if k in self.props), None)
        self.machine.locator = PrefixedLocator(self.locator, self.where)
        if key:
            raise NotHere(f"{key} points to S3: the definition is not in this repository, so "
                              "it cannot be read here; keep the definition beside the template "
                              "(DefinitionUri: a local path)",
                          *self.locator.position(f"{self.where}/{key}", True), pointer=f"/{key}")
        raise SourceError("the state machine has no Definition, DefinitionString or DefinitionUri",
                          *self.locator.position(self.where, True))


def _template_names(evaluator: Intrinsics, text: str) -> dict:
    """What Fn::Sub puts for each ``${Name}`` of ``text`` that the template defines."""
    from .placeholders import PLACEHOLDER
    values = {}
    for m in PLACEHOLDER.finditer(text):
        name = m.group(2).strip()
        if m.group(1) or not evaluator.knows(name):
            continue
        if "." in name and name not in PSEUDO and name.split(".", 1)[0] in evaluator.resources:
            values[name] = str(evaluator.get_att(*name.split(".", 1)))
        else:
            value = evaluator.text(evaluator.ref(name))
            values[name] = value if isinstance(value, (str, int, float)) else ""
    return values


def _string_positions(original: str, locator: Locator, at: str, fallback: str,
                      template_text: str) -> Callable[[int], tuple[int, int]] | None:
    """Offset in a DefinitionString's text -> (line, column) in the template."""
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
        line, column = index.line_col(offset)
        return first + line, indent + column
    return to_line_col
