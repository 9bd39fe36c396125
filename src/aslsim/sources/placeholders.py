"""``${Name}`` placeholders: replaced in the text before it is parsed, as CloudFormation's
DefinitionSubstitutions, ``Fn::Sub``, Terraform's ``templatefile`` and SAM do (so a number
substituted into ``Seconds: ${Timeout}`` is a number), with a map from positions in the new text
back to the author's text for messages.

A placeholder nothing gives a value to gets a stand-in chosen from where it stands, so that a
definition written for a deployment tool still loads and runs offline (docs/sources.md):

- a CloudFormation pseudo parameter: its usual value (``AWS::Region`` is us-east-1, ...);
- the partition, region or account field of an ARN: ``aws``, ``us-east-1``, ``123456789012``;
- a whole ``Resource``: the ARN of a Lambda function named after the placeholder;
- a whole number field (``Seconds``, ``MaxAttempts``, ...): ``1``;
- in JSON, outside any string: the placeholder's name as a string (``${Table Name}`` is
  ``"Table-Name"``);
- anywhere else it stays as written: AWS takes ``${Name}`` inside a string as the text it is.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

PLACEHOLDER = re.compile(r"\$\{(!?)([^}]*)\}")           # ${!Name} is the literal ${Name}
TERRAFORM_PLACEHOLDER = re.compile(r"(\$?)\$\{([^}]*)\}")  # $${name} is the literal ${name}
PSEUDO = {"AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws",
          "AWS::StackName": "stack", "AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": "",
          "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/id",
          "AWS::NotificationARNs": ""}
ARN_FIELDS = {1: "aws", 3: "us-east-1", 4: "123456789012"}   # partition, region, account
NUMBER_FIELDS = frozenset({
    "Seconds", "TimeoutSeconds", "HeartbeatSeconds", "IntervalSeconds", "MaxAttempts",
    "BackoffRate", "MaxDelaySeconds", "MaxConcurrency", "ToleratedFailureCount",
    "ToleratedFailurePercentage", "MaxItems", "MaxItemsPerBatch", "MaxInputBytesPerBatch"})
_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:\s*"?$')
_YAML_KEY = re.compile(r'^\s*(?:-\s+)?["\']?([^"\':#{}\[\],]+?)["\']?\s*:\s*["\']?$')


@dataclass(frozen=True)
class Spot:
    """Where a placeholder stands: the key of its value, whether it is that whole value, whether
    it is inside quotes, and which field of an ARN it fills (0 when none)."""
    key: str | None
    whole: bool
    quoted: bool
    arn_field: int


def stand_in(name: str, spot: Spot) -> str | None:
    """The documented value of a placeholder nothing gives a value to (see the module doc), or
    None where it stays as written."""
    if name in PSEUDO:
        return PSEUDO[name]
    if spot.arn_field in ARN_FIELDS:
        return ARN_FIELDS[spot.arn_field]
    token = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "value"
    if spot.key == "Resource" and spot.whole:
        arn = f"arn:aws:lambda:us-east-1:123456789012:function:{token}"
        return arn if spot.quoted else f'"{arn}"'
    if spot.whole and not spot.quoted and spot.key in NUMBER_FIELDS:
        return "1"
    return None if spot.quoted else f'"{token}"'


@dataclass
class Substituted:
    """Text after substitution; ``spans`` are (new start, new end, old start, old end)."""
    text: str
    spans: list = field(default_factory=list)
    unresolved: list = field(default_factory=list)     # (name, offset in the original text)
    used: dict = field(default_factory=dict)           # name -> the value put in its place

    def original_offset(self, offset: int) -> int:
        starts = [s[0] for s in self.spans]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return offset
        new_start, new_end, old_start, old_end = self.spans[i]
        return old_start if offset < new_end else old_end + (offset - new_end)


def substitute(text: str, values: Mapping[str, str | None], *, json_text: bool,
               known: Callable[[str], bool] = lambda name: False,
               choose: Callable[[str, Spot], str] = stand_in,
               pattern: re.Pattern = PLACEHOLDER) -> Substituted:
    """Replace every ``${Name}`` of ``text``: by ``values[Name]``, else by a stand-in; a name
    neither in ``values`` nor ``known`` is listed as unresolved. ``${!Name}`` is the literal
    ``${Name}`` (``$${name}`` with ``TERRAFORM_PLACEHOLDER``)."""
    out = Substituted("")
    parts, last, shift = [], 0, 0
    for m in pattern.finditer(text):
        bang, name = m.group(1), m.group(2).strip()
        if bang:
            replacement = "${" + m.group(2) + "}"
        elif values.get(name) is not None:
            replacement = values[name]
        else:
            replacement = choose(name, spot_of(text, m.start(), m.end(), json_text))
            if replacement is None:
                replacement = m.group(0)          # kept as written
            if name not in values and name not in PSEUDO and not known(name):
                out.unresolved.append((name, m.start()))
        if not bang:
            out.used[name] = replacement
        parts.append(text[last:m.start()])
        parts.append(replacement)
        new_start = m.start() + shift
        out.spans.append((new_start, new_start + len(replacement), m.start(), m.end()))
        shift += len(replacement) - (m.end() - m.start())
        last = m.end()
    parts.append(text[last:])
    out.text = "".join(parts)
    return out


def spot_of(text: str, start: int, end: int, json_text: bool) -> Spot:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = text[line_start:start]
    after = text[end:len(text) if line_end < 0 else line_end]
    quoted = _inside_quotes(before, json_text)
    key_match = (_JSON_KEY if json_text else _YAML_KEY).search(before)
    key = key_match.group(1).strip() if key_match else None
    closing = after.lstrip()
    if json_text:
        whole = key_match is not None and (closing.startswith('"') if quoted
                                           else closing[:1] in ("", ",", "}", "]"))
    else:
        whole = key_match is not None and re.match(r"""^["']?\s*(#.*)?$""", after) is not None
    return Spot(key, whole, quoted, _arn_field(before))


def _inside_quotes(before: str, json_text: bool) -> bool:
    if json_text:
        return len(re.findall(r'(?<!\\)"', before)) % 2 == 1
    stripped = before.rstrip()
    return stripped.endswith(("'", '"')) or len(re.findall(r'(?<!\\)"', before)) % 2 == 1


def _arn_field(before: str) -> int:
    """Which ':'-separated field of an ``arn:`` the placeholder starts, 0 when none."""
    m = re.search(r"arn:[^\s\"',]*$", before)
    return m.group(0).count(":") if m else 0


def substitute_strings(value, values: Mapping[str, str | None], *, known=lambda name: False,
                       where: str = "", key: str | None = None, found: list | None = None):
    """The placeholders of every string inside a parsed value (a template's inline Definition):
    each string is text of its own. ``found`` collects (name, pointer) of the unresolved ones."""
    from .text import escape
    if isinstance(value, str):
        if "${" not in value:
            return value
        whole = PLACEHOLDER.fullmatch(value) is not None
        done = substitute(value, values, json_text=False, known=known,
                          choose=lambda name, spot: stand_in(name, Spot(key, whole, True,
                                                                        spot.arn_field)))
        if found is not None:
            found.extend((name, where) for name, _ in done.unresolved)
        return done.text
    if isinstance(value, dict):
        return {k: substitute_strings(v, values, known=known, where=f"{where}/{escape(str(k))}",
                                      key=str(k), found=found) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_strings(v, values, known=known, where=f"{where}/{i}", key=key, found=found)
                for i, v in enumerate(value)]
    return value
