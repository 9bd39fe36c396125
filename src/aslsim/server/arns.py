"""Step Functions ARNs: built as AWS builds them, read back with AWS's InvalidArn wording.

    arn:aws:states:<region>:<account>:stateMachine:<name>            a state machine
    arn:aws:states:<region>:<account>:stateMachine:<name>:<n>        its version n
    arn:aws:states:<region>:<account>:stateMachine:<name>:<alias>    one of its aliases
    arn:aws:states:<region>:<account>:stateMachine:<name>/<label>    a Distributed Map inside it
    arn:aws:states:<region>:<account>:execution:<machine>:<name>     a Standard execution
    arn:aws:states:<region>:<account>:express:<machine>:<name>:<id>  an Express execution
    arn:aws:states:<region>:<account>:activity:<name>
    arn:aws:states:<region>:<account>:mapRun:<machine>/<label>:<id>
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .protocol import ApiError

ACCOUNT = "123456789012"   # the engine's account, as Step Functions Local uses by default
_ARN = re.compile(r"^arn:(aws[a-z-]*):states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$")


@dataclass(frozen=True)
class Arn:
    partition: str
    region: str
    account: str
    kind: str            # stateMachine, execution, express, activity, mapRun
    resource: str        # everything after the kind

    @property
    def parts(self) -> list[str]:
        return self.resource.split(":")


def invalid_arn(detail: str) -> ApiError:
    return ApiError("InvalidArn", f"Invalid Arn: '{detail}'")


def parse(arn: str, *kinds: str) -> Arn:
    """The parts of ``arn``; InvalidArn unless it is a Step Functions ARN of one of ``kinds``."""
    if not arn.startswith("arn:"):
        raise invalid_arn(f"Invalid ARN prefix: {arn}")
    m = _ARN.match(arn)
    if not m:
        raise invalid_arn(f"Invalid ARN: {arn}" if arn.count(":") >= 6 else f"Invalid ARN prefix: {arn}")
    parsed = Arn(*m.groups())
    if kinds and parsed.kind not in kinds:
        raise invalid_arn(f"Resource type not valid in this context: {parsed.kind}")
    return parsed


def state_machine(region: str, name: str) -> str:
    return f"arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}"


def activity(region: str, name: str) -> str:
    return f"arn:aws:states:{region}:{ACCOUNT}:activity:{name}"


@dataclass(frozen=True)
class MachineRef:
    """A state machine ARN taken apart: the machine, and a version number or an alias name."""
    machine_arn: str
    version: int | None = None
    alias: str | None = None
    label: str | None = None         # a Distributed Map's label: ``machine/label``

    @property
    def qualified(self) -> bool:
        return self.version is not None or self.alias is not None or self.label is not None


def machine_ref(arn: str) -> MachineRef:
    """Read a (possibly qualified) state machine ARN."""
    parsed = parse(arn, "stateMachine")
    parts = parsed.parts
    if len(parts) > 2 or not parts[0]:
        raise invalid_arn(f"Invalid ARN: {arn}")
    name, label = parts[0], None
    if "/" in name:
        name, label = name.split("/", 1)
    base = f"arn:{parsed.partition}:states:{parsed.region}:{parsed.account}:stateMachine:{name}"
    if len(parts) == 1:
        return MachineRef(base, label=label)
    qualifier = parts[1]
    if qualifier.isdigit():
        return MachineRef(base, version=int(qualifier), label=label)
    return MachineRef(base, alias=qualifier, label=label)


def execution_machine_arn(arn: str) -> str:
    """The state machine ARN of a Standard execution ARN (``execution:<machine>:<name>``)."""
    parsed = parse(arn, "execution", "express")
    machine = parsed.parts[0]
    return f"arn:{parsed.partition}:states:{parsed.region}:{parsed.account}:stateMachine:{machine}"


_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f\ufffe\uffff]")


def check_name(name: str) -> None:
    """InvalidName for a name AWS refuses (white space, brackets, wildcards, special and control
    characters), worded as recorded: "Invalid Name: 'TestActivity InvalidName$'"."""
    if _BAD_NAME.search(name) or any(0xD800 <= ord(ch) <= 0xDFFF for ch in name):
        raise ApiError("InvalidName", f"Invalid Name: '{name}'")
