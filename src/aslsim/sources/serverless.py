"""State machines of a Serverless Framework ``serverless.yml``, as the serverless-step-functions
plugin reads them: ``stepFunctions.stateMachines.<key>`` with a ``definition`` object (or
``${file(...)}``), an optional ``name`` and ``type``.

Serverless variables are resolved as the framework would, offline: ``${self:...}`` from the file,
``${opt:stage}`` / ``${sls:stage}`` (``--sub stage=...``, else ``provider.stage``, else dev),
``${opt:region}`` / ``${aws:region}`` (us-east-1), ``${aws:accountId}`` (123456789012),
``${env:NAME}`` (``--sub NAME=...``, else the fallback), ``${file(path)}`` and
``${file(path):key}`` (read beside the file); other sources (``cf:``, ``ssm:``, ``s3:``) take
their fallback, else a stand-in named after them. ``#{AWS::Region}`` (serverless-pseudo-
parameters) and CloudFormation intrinsics (``Fn::GetAtt: [hello, Arn]`` naming a function of
``functions:``, ``Ref`` to ``resources``) are resolved with the stand-ins of ``intrinsics.py``.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from .intrinsics import Intrinsics
from .model import MachineSource
from .placeholders import PSEUDO
from .text import PrefixedLocator, SourceError, escape, load_text

_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_PSEUDO_HASH = re.compile(r"#\{([^{}]+)\}")
_WHOLE = re.compile(r"^\$\{([^{}]*)\}$")


def is_serverless(value: Any) -> bool:
    steps = value.get("stepFunctions") if isinstance(value, dict) else None
    return isinstance(steps, dict) and isinstance(steps.get("stateMachines"), dict)


def machines(document: dict, locator, path: Path | None, overrides: Mapping[str, Any]) -> list[MachineSource]:
    variables = _Variables(document, path, overrides)
    evaluator = Intrinsics(_template(document, variables), overrides)
    found = []
    for key, spec in document["stepFunctions"]["stateMachines"].items():
        where = f"/stepFunctions/stateMachines/{escape(str(key))}"
        machine = MachineSource(str(key), locator.file if path is not None else None, "serverless")
        found.append(machine)
        if not isinstance(spec, dict):
            machine.error = SourceError("a state machine of stepFunctions.stateMachines must be an "
                                        "object with a definition", *locator.position(where))
            continue
        name, kind = variables.resolve(spec.get("name")), variables.resolve(spec.get("type"))
        machine.aliases = (name,) if isinstance(name, str) else ()
        machine.machine_type = kind.upper() if isinstance(kind, str) and kind.upper() in (
            "STANDARD", "EXPRESS") else None
        try:
            _definition(machine, spec, where, variables, evaluator, locator)
        except SourceError as err:
            machine.error, machine.error_file = err, machine.error_file or locator.file
    return found


def _definition(machine, spec, where, variables, evaluator, locator):
    raw = spec.get("definition")
    if raw is None:
        raise SourceError("the state machine has no definition", *locator.position(where, True))
    machine.locator = PrefixedLocator(locator, f"{where}/definition")
    whole = _WHOLE.match(raw.strip()) if isinstance(raw, str) else None
    if whole and whole.group(1).strip().startswith("file("):
        file, value, file_locator = variables.file(whole.group(1).strip())
        machine.definition_file, machine.error_file = file, str(file)
        machine.locator = file_locator
        raw = value
    value = variables.resolve(raw)
    if isinstance(value, str):                     # a definition written as JSON text
        value, machine.locator = load_text(value, machine.error_file or locator.file)
    machine.definition = _hash_pseudo(evaluator.resolve(value), evaluator)
    machine.error_file = None


class _Variables:
    def __init__(self, document: dict, path: Path | None, overrides: Mapping[str, Any]):
        self.document, self.overrides = document, dict(overrides)
        self.base = path.parent if path is not None else Path.cwd()
        provider = document.get("provider") if isinstance(document.get("provider"), dict) else {}
        self.stage = str(self.overrides.get("stage") or self._plain(provider.get("stage")) or "dev")
        self.region = str(self.overrides.get("region") or self._plain(provider.get("region"))
                          or "us-east-1")
        self._depth = 0

    @staticmethod
    def _plain(value):
        return value if isinstance(value, str) and "${" not in value else None

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._string(value)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _string(self, text: str) -> Any:
        for _ in range(20):                       # nested variables resolve from the inside out
            whole = _WHOLE.match(text)
            if whole:
                return self.resolve(self._value(whole.group(1)))
            new = _VARIABLE.sub(lambda m: str(self._value(m.group(1))), text)
            if new == text:
                return text
            text = new
        return text

    def _value(self, expression: str) -> Any:
        options = [o.strip() for o in _split_fallbacks(expression)]
        for option in options:
            found = self._source(option)
            if found is not None:
                return found
        return re.sub(r"[^A-Za-z0-9_-]+", "-", options[0]).strip("-") if options else ""

    def _source(self, option: str) -> Any:
        if option[:1] in "'\"" and option[-1:] == option[:1]:
            return option[1:-1]
        if re.fullmatch(r"-?\d+(\.\d+)?", option):
            return float(option) if "." in option else int(option)
        source, _, rest = option.partition(":")
        if source == "self":
            return self._lookup(rest)
        if source in ("opt", "sls") and rest == "stage":
            return self.stage
        if source in ("opt", "aws") and rest == "region":
            return self.region
        if source == "aws" and rest == "accountId":
            return "123456789012"
        if source == "sls" and rest == "instanceId":
            return "instance"
        if source in ("opt", "env", "param", "cf", "ssm", "s3", "aws"):
            return self.overrides.get(rest)
        if option.startswith("file("):
            return self.file(option)[1]
        return self.overrides.get(option)

    def _lookup(self, dotted: str) -> Any:
        value: Any = self.document
        for part in dotted.split("."):
            if part == "":
                continue
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    def file(self, option: str) -> tuple[Path, Any, Any]:
        m = re.fullmatch(r"file\(([^)]*)\)(?::(.+))?", option)
        if not m:
            raise SourceError(f"cannot read the Serverless variable ${{{option}}}")
        file = self.base / m.group(1).strip().strip("'\"")
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SourceError(f"${{{option}}}: cannot read {file}: "
                              f"{getattr(err, 'strerror', None) or err}") from None
        value, locator = load_text(text, str(file))
        if m.group(2):
            for part in m.group(2).strip().split("."):
                value = value.get(part) if isinstance(value, dict) else None
            locator = PrefixedLocator(locator, "".join("/" + escape(p) for p in m.group(2).split(".")))
        return file, value, locator


def _split_fallbacks(expression: str) -> list[str]:
    """``opt:stage, 'dev'`` -> ["opt:stage", "'dev'"] (commas inside quotes or parentheses stay)."""
    parts, depth, quote, current = [], 0, None, []
    for ch in expression:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _template(document: dict, variables: _Variables) -> dict:
    """The CloudFormation the framework would generate, as far as definitions refer to it: the
    ``resources`` section, and one AWS::Lambda::Function per function (under its key and under
    the framework's logical id, ``hello`` -> ``HelloLambdaFunction``)."""
    resources = document.get("resources") if isinstance(document.get("resources"), dict) else {}
    template = {"Resources": dict(variables.resolve(resources.get("Resources") or {})),
                "Parameters": {}}
    service = variables.resolve(document.get("service"))
    service = service.get("name") if isinstance(service, dict) else service
    functions = document.get("functions") if isinstance(document.get("functions"), dict) else {}
    for key, spec in functions.items():
        name = variables.resolve(spec.get("name")) if isinstance(spec, dict) else None
        if not isinstance(name, str):
            name = f"{service}-{variables.stage}-{key}"
        function = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": name}}
        logical = str(key)[:1].upper() + str(key)[1:].replace("-", "Dash").replace("_", "Underscore")
        template["Resources"].setdefault(str(key), function)
        template["Resources"].setdefault(f"{logical}LambdaFunction", function)
    return template


def _hash_pseudo(value: Any, evaluator: Intrinsics) -> Any:
    """``#{AWS::Region}`` and ``#{Resource}`` (serverless-pseudo-parameters) in strings."""
    if isinstance(value, str) and "#{" in value:
        return _PSEUDO_HASH.sub(lambda m: str(PSEUDO.get(m.group(1), evaluator.ref(m.group(1)))), value)
    if isinstance(value, dict):
        return {k: _hash_pseudo(v, evaluator) for k, v in value.items()}
    if isinstance(value, list):
        return [_hash_pseudo(v, evaluator) for v in value]
    return value
