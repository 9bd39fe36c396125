"""State machines of Terraform files: each ``resource "aws_sfn_state_machine"``, its
``definition`` evaluated as Terraform would, offline.

The ``.tf`` text is parsed by python-hcl2 (HCL's grammar) and the expressions a definition is
built from are evaluated here: strings with interpolations, heredocs, numbers, objects, tuples,
``templatefile(path, vars)``, ``file(path)``, ``jsonencode(value)``, ``replace``, ``format``,
``lower``, ``upper``, ``join``, ``merge``, ``tostring``; ``path.module`` is the file's folder;
``var.x`` is the value given (``--sub x=...``), else the variable's ``default``; ``local.x`` the
local; ``data.aws_region`` / ``aws_caller_identity`` / ``aws_partition`` are us-east-1,
123456789012 and aws. A reference to another resource (``aws_lambda_function.hello.arn``) stands
in as an ARN built from its ``function_name`` / ``name`` when that is a plain string, else from
its label (docs/sources.md). ``templatefile`` placeholders take the given variables, then
``--sub``, then stand-ins, and the definition's positions are those of the template file.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Mapping

from .model import MachineSource
from .placeholders import TERRAFORM_PLACEHOLDER, stand_in
from .plain import parse_definition_text
from .text import Locator, SourceError

REGION, ACCOUNT = "us-east-1", "123456789012"
_ARNS = {
    "aws_lambda_function": ("function_name", "arn:aws:lambda:{r}:{a}:function:{name}"),
    "aws_sfn_state_machine": ("name", "arn:aws:states:{r}:{a}:stateMachine:{name}"),
    "aws_sfn_activity": ("name", "arn:aws:states:{r}:{a}:activity:{name}"),
    "aws_sns_topic": ("name", "arn:aws:sns:{r}:{a}:{name}"),
    "aws_sqs_queue": ("name", "arn:aws:sqs:{r}:{a}:{name}"),
    "aws_dynamodb_table": ("name", "arn:aws:dynamodb:{r}:{a}:table/{name}"),
    "aws_s3_bucket": ("bucket", "arn:aws:s3:::{name}"),
    "aws_iam_role": ("name", "arn:aws:iam::{a}:role/{name}"),
    "aws_cloudwatch_event_bus": ("name", "arn:aws:events:{r}:{a}:event-bus/{name}"),
    "aws_ecs_cluster": ("name", "arn:aws:ecs:{r}:{a}:cluster/{name}"),
    "aws_glue_job": ("name", "arn:aws:glue:{r}:{a}:job/{name}"),
    "aws_batch_job_queue": ("name", "arn:aws:batch:{r}:{a}:job-queue/{name}"),
    "aws_batch_job_definition": ("name", "arn:aws:batch:{r}:{a}:job-definition/{name}:1"),
}
_DATA = {("aws_region", "name"): REGION, ("aws_region", "id"): REGION,
         ("aws_region", "region"): REGION, ("aws_caller_identity", "account_id"): ACCOUNT,
         ("aws_partition", "partition"): "aws", ("aws_partition", "dns_suffix"): "amazonaws.com"}


class Unevaluated(Exception):
    """An expression this reader cannot evaluate offline."""


def machines(text: str, path: Path | None, overrides: Mapping[str, Any]) -> list[MachineSource]:
    import hcl2     # imported here: only Terraform files need it
    file = str(path) if path is not None else "<string>"
    try:
        tree = hcl2.parses_to_tree(text)
    except Exception as err:          # lark's syntax errors carry a line and column
        raise SourceError(f"not valid Terraform (HCL): {str(err).splitlines()[0]}",
                          getattr(err, "line", 0) or 0, getattr(err, "column", 0) or 0) from None
    module = _Module(tree, path, overrides)
    found = []
    for label, attributes in module.resources.get("aws_sfn_state_machine", {}).items():
        machine = MachineSource(label, file, "terraform")
        found.append(machine)
        try:
            name = module.try_value(attributes.get("name"))
            machine.aliases = (name,) if isinstance(name, str) else ()
            kind = module.try_value(attributes.get("type"))
            machine.machine_type = kind if kind in ("STANDARD", "EXPRESS") else None
            node = attributes.get("definition")
            if node is None:
                raise SourceError(f'resource "aws_sfn_state_machine" "{label}" has no definition',
                                  *_line(module.blocks[label]))
            _definition(machine, node, module, file)
        except Unevaluated as err:
            machine.error = SourceError(f"the definition of aws_sfn_state_machine.{label} uses "
                                        f"{err}, which cannot be evaluated offline; give the "
                                        "value with --sub NAME=VALUE", *_line(module.blocks.get(label)))
            machine.error_file = file
        except SourceError as err:
            machine.error, machine.error_file = err, machine.error_file or file
    return found


def _line(node) -> tuple[int, int]:
    meta = getattr(node, "meta", None)
    return (getattr(meta, "line", 0) or 0, getattr(meta, "column", 0) or 0) if meta else (0, 0)


def _definition(machine: MachineSource, node, module: "_Module", file: str):
    call = _function_call(node)
    if call is not None and call[0] == "templatefile":
        template, variables = call[1][0], call[1][1] if len(call[1]) > 1 else None
        target = module.path_of(module.value(template))
        machine.definition_file, machine.error_file = target, str(target)
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise SourceError(f"templatefile: cannot read {target}: "
                              f"{getattr(err, 'strerror', None) or err}", *_line(node)) from None
        values = module.value(variables) if variables is not None else {}
        values = {**{k: _text(v) for k, v in (values or {}).items()}, **module.overrides}
        definition, locator, done = parse_definition_text(
            text, str(target), values, pattern=TERRAFORM_PLACEHOLDER,
            choose=lambda name, spot: module.template_value(name, values, spot))
        machine.error_file = None
    else:
        value = module.value(node)
        if isinstance(value, str):
            line = _line(node)[0]
            definition, locator, done = parse_definition_text(
                value, file, {}, pattern=TERRAFORM_PLACEHOLDER,
                position=lambda offset, text=value: (line + text.count("\n", 0, offset), 1))
        else:
            definition, locator, done = value, _AtLine(file, _line(node)), None
    machine.definition, machine.locator = definition, locator
    machine.substitutions = done.used if done else {}


class _AtLine(Locator):
    """A definition written as an HCL object (jsonencode): every position is the attribute's."""

    def __init__(self, file: str, where: tuple[int, int]):
        self.file, self.where = file, where

    def position(self, pointer: str, at_key: bool = False):
        return self.where


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def _function_call(node):
    """(name, argument nodes) when ``node`` is a function call."""
    while getattr(node, "data", None) == "expr_term" and len(node.children) == 1:
        node = node.children[0]
    if getattr(node, "data", None) != "function_call":
        return None
    name = _name(node.children[0])
    arguments = next((c for c in node.children if getattr(c, "data", None) == "arguments"), None)
    return name, [c for c in (arguments.children if arguments else []) if hasattr(c, "data")
                  and c.data != "new_line_or_comment"]


def _name(node) -> str:
    return str(node.children[0]) if hasattr(node, "children") else str(node)


class _Module:
    """The blocks of one .tf file and the evaluation of its expressions."""

    def __init__(self, tree, path: Path | None, overrides: Mapping[str, Any]):
        self.folder = path.parent if path is not None else Path.cwd()
        self.overrides = dict(overrides)
        self.variables: dict = {}
        self.locals: dict = {}
        self.resources: dict = {}
        self.blocks: dict = {}
        body = tree.children[0]
        for block in (c for c in body.children if getattr(c, "data", None) == "block"):
            kind = _name(block.children[0])
            labels = [_string_literal(c) for c in block.children[1:] if getattr(c, "data", None) == "string"]
            attributes = _attributes(block)
            if kind == "variable" and labels:
                self.variables[labels[0]] = attributes.get("default")
            elif kind == "locals":
                self.locals.update(attributes)
            elif kind == "resource" and len(labels) == 2:
                self.resources.setdefault(labels[0], {})[labels[1]] = attributes
                if labels[0] == "aws_sfn_state_machine":
                    self.blocks[labels[1]] = block

    def path_of(self, value: Any) -> Path:
        return self.folder / str(value)

    def try_value(self, node):
        if node is None:
            return None
        try:
            return self.value(node)
        except (Unevaluated, SourceError):
            return None

    def template_value(self, name: str, values: dict, spot) -> str:
        """A templatefile placeholder that is not one of its variables: an expression over them
        (``${jsonencode(x)}``), else a stand-in."""
        try:
            node = _expression_of(name)
            return _text(_Evaluator(self, values).value(node))
        except (Unevaluated, SourceError):
            return stand_in(name, spot)

    def value(self, node) -> Any:
        return _Evaluator(self, {}).value(node)


def _attributes(block) -> dict:
    body = next(c for c in block.children if getattr(c, "data", None) == "body")
    out = {}
    for attribute in (c for c in body.children if getattr(c, "data", None) == "attribute"):
        expression = [c for c in attribute.children if hasattr(c, "data")][-1]
        out[_name(attribute.children[0])] = expression
    return out


def _string_literal(node) -> str:
    return "".join(str(part.children[0]) for part in node.children
                   if getattr(part, "data", None) == "string_part" and not hasattr(part.children[0], "data"))


def _expression_of(text: str):
    import hcl2
    try:
        tree = hcl2.parses_to_tree(f"x = {text}\n")
    except Exception:
        raise Unevaluated(text) from None
    attribute = next(c for c in tree.children[0].children if getattr(c, "data", None) == "attribute")
    return [c for c in attribute.children if hasattr(c, "data")][-1]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


class _Evaluator:
    def __init__(self, module: _Module, scope: dict):
        self.module, self.scope = module, scope

    def value(self, node) -> Any:
        kind = getattr(node, "data", None)
        method = getattr(self, f"_{kind}", None)
        if method is None:
            raise Unevaluated(kind)
        return method(node)

    def _children(self, node):
        return [c for c in node.children if hasattr(c, "data") and c.data != "new_line_or_comment"]

    def _expr_term(self, node):
        inner = self._children(node)
        if len(inner) != 1:
            raise Unevaluated("expression")
        return self.value(inner[0])

    def _int_lit(self, node):
        return int(node.children[0])

    def _float_lit(self, node):
        return float(node.children[0])

    def _literal_value(self, node):
        return {"true": True, "false": False, "null": None}[str(node.children[0])]

    def _string(self, node):
        parts = []
        for part in node.children:
            if getattr(part, "data", None) != "string_part":
                continue
            piece = part.children[0]
            if hasattr(piece, "data"):
                if piece.data != "interpolation":
                    raise Unevaluated("template directive")
                parts.append(_text(self.value(self._children(piece)[0])))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                parts.append(str(piece)[1:])
            else:
                parts.append(re.sub(r"\\(u[0-9a-fA-F]{4}|.)", _unescape, str(piece)))
        return "".join(parts)

    def _heredoc_template(self, node, trim: bool = False):
        text = str(node.children[0])
        body = text[text.index("\n") + 1:]
        body = body[:body.rstrip("\n").rfind("\n") + 1]
        if trim:
            lines = body.splitlines(keepends=True)
            indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
            body = "".join(l[indent:] for l in lines)
        return self.interpolate(body)

    def _heredoc_template_trim(self, node):
        return self._heredoc_template(node, trim=True)

    def interpolate(self, text: str) -> str:
        out, i = [], 0
        while i < len(text):
            if text.startswith("$${", i):
                out.append("${")
                i += 3
                continue
            if text.startswith("${", i):
                end = _closing(text, i + 2)
                out.append(_text(self.value(_expression_of(text[i + 2:end]))))
                i = end + 1
                continue
            out.append(text[i])
            i += 1
        return "".join(out)

    def _tuple(self, node):
        return [self.value(c) for c in self._children(node)]

    def _object(self, node):
        out = {}
        for element in self._children(node):
            key_node, value_node = self._children(element)
            key_term = self._children(key_node)[0]
            inner = self._children(key_term) if getattr(key_term, "data", None) == "expr_term" else []
            if len(inner) == 1 and inner[0].data == "identifier":
                key = _name(inner[0])                 # a bare key is its own name
            else:
                key = _text(self.value(key_term))
            out[key] = self.value(value_node)
        return out

    def _identifier(self, node):
        name = _name(node)
        if name in self.scope:
            return self.scope[name]
        raise Unevaluated(name)

    def _get_attr_expr_term(self, node):
        chain = _reference(node)
        if chain is None:
            raise Unevaluated("attribute")
        return self.reference(chain)

    def reference(self, chain: list) -> Any:
        module, head = self.module, chain[0]
        if head in self.scope and len(chain) > 1:
            value = self.scope[head]
            for part in chain[1:]:
                value = value.get(part) if isinstance(value, dict) else None
            return value
        if head == "path" and len(chain) == 2:
            return str(module.folder)
        if head == "var" and len(chain) >= 2:
            if chain[1] in module.overrides:
                return module.overrides[chain[1]]
            default = module.variables.get(chain[1])
            return self.value(default) if default is not None else chain[1]
        if head == "local" and len(chain) >= 2 and chain[1] in module.locals:
            return self.value(module.locals[chain[1]])
        if head == "data" and len(chain) >= 4 and (chain[1], chain[3]) in _DATA:
            return _DATA[(chain[1], chain[3])]
        if head == "data":
            raise Unevaluated(".".join(chain))
        if len(chain) >= 3:
            return self._resource(chain[0], chain[1], chain[2])
        raise Unevaluated(".".join(chain))

    def _resource(self, kind: str, label: str, attribute: str) -> str:
        spec = _ARNS.get(kind)
        attributes = self.module.resources.get(kind, {}).get(label, {})
        name = label
        if spec and spec[0] in attributes:
            given = self.module.try_value(attributes[spec[0]])
            name = given if isinstance(given, str) and given else label
        if attribute == "arn" or attribute.endswith("_arn"):
            if spec:
                return spec[1].format(r=REGION, a=ACCOUNT, name=name)
            service = kind.split("_")[1] if kind.count("_") >= 1 else "lambda"
            return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{kind}/{name}"
        if attribute in ("url", "id") and kind == "aws_sqs_queue":
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
        if attribute == "id" and kind == "aws_sfn_state_machine":
            return _ARNS[kind][1].format(r=REGION, a=ACCOUNT, name=name)
        return name

    def _function_call(self, node):
        name, arguments = _function_call(node)
        values = lambda: [self.value(a) for a in arguments]   # noqa: E731
        if name == "jsonencode":
            return json.dumps(values()[0], separators=(",", ":"))
        if name in ("file", "templatefile"):
            args = values()
            target = self.module.path_of(args[0])
            try:
                text = target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise SourceError(f"{name}: cannot read {target}: "
                                  f"{getattr(err, 'strerror', None) or err}") from None
            if name == "file":
                return text
            return _Evaluator(self.module, dict(args[1]) if len(args) > 1 else {}).interpolate(text)
        simple = {"lower": lambda s: s.lower(), "upper": lambda s: s.upper(), "tostring": _text,
                  "tonumber": lambda s: json.loads(str(s)), "trimspace": lambda s: s.strip(),
                  "replace": lambda s, a, b: s.replace(a, b), "join": lambda sep, items: sep.join(items),
                  "format": _format, "jsondecode": json.loads,
                  "merge": lambda *maps: {k: v for m in maps for k, v in m.items()},
                  "concat": lambda *lists: [x for items in lists for x in items]}
        if name in simple:
            return simple[name](*values())
        raise Unevaluated(f"{name}()")

    def _conditional(self, node):
        condition, yes, no = self._children(node)
        try:
            return self.value(yes) if self.value(condition) else self.value(no)
        except Unevaluated:
            return self.value(yes)


def _reference(node) -> list | None:
    chain = []
    while getattr(node, "data", None) in ("get_attr_expr_term", "expr_term"):
        children = [c for c in node.children if hasattr(c, "data")]
        if node.data == "expr_term":
            if len(children) != 1:
                return None
            node = children[0]
            continue
        chain.insert(0, _name(children[1].children[-1]))
        node = children[0]
    if getattr(node, "data", None) != "identifier":
        return None
    return [_name(node), *chain]


def _unescape(m) -> str:
    escape = m.group(1)
    if escape.startswith("u") and len(escape) == 5:
        return chr(int(escape[1:], 16))
    return _ESCAPES.get(escape, "\\" + escape)


def _closing(text: str, start: int) -> int:
    depth, quote, i = 0, False, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise SourceError("an interpolation ${ ... } is not closed")


def _format(spec: str, *args) -> str:
    values = iter(args)
    return re.sub(r"%[sdv]", lambda m: _text(next(values, "")), spec)
