"""Who an execution is: its names, ARNs and Context object parts, and the seeds it draws from.

Three apart random streams come from one seed, so that drawing from one never shifts another:
``rng`` ($random, $uuid, States.UUID, States.MathRandom, jitter), ``ids`` (Map Run and child
execution ids, child seeds) and the task tokens. Each is made on first use.
"""
from __future__ import annotations

import base64
import random
import uuid

from .. import arns  # noqa: the module, for its builders
from ..definition.timestamps import iso_ms


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class Seeds:
    __slots__ = ("seed", "_rng", "_ids", "_tokens")

    def __init__(self, seed: int):
        self.seed = seed
        self._rng = self._ids = self._tokens = None

    @property
    def rng(self) -> random.Random:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng

    @property
    def ids(self) -> random.Random:
        if self._ids is None:
            self._ids = random.Random(f"ids:{self.seed}")
        return self._ids

    def new_id(self) -> str:
        """A UUID for a Map Run or a child execution name: deterministic, apart from ``$random``."""
        return new_uuid(self.ids)

    def new_task_token(self) -> str:
        """A task token for a .waitForTaskToken attempt: opaque, unique, the same on every rerun."""
        if self._tokens is None:
            self._tokens = random.Random(f"task-token:{self.seed}")
        raw = self._tokens.getrandbits(512).to_bytes(64, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


class Identity:
    """An execution's names and ARNs, and the ``Execution`` / ``StateMachine`` parts of its
    Context object (the same dicts for every state: they never change)."""

    __slots__ = ("machine_name", "name", "region", "account", "express", "start_ms", "input",
                 "machine_arn", "execution_arn", "role_arn", "execution_context", "machine_context")

    def __init__(self, *, machine_name: str, name: str, region: str, express: bool, start_ms: int,
                 execution_input, seeds: Seeds, account: str = arns.ACCOUNT,
                 role_arn: str | None = None):
        self.machine_name = machine_name
        self.name = name
        self.region = region
        self.account = account
        self.express = express
        self.start_ms = start_ms
        self.input = execution_input
        self.machine_arn = arns.state_machine_arn(region, machine_name, account)
        if express:   # drawn from the execution's rng, as it always was: $random follows it
            self.execution_arn = arns.express_execution_arn(region, machine_name, name,
                                                            new_uuid(seeds.rng), account)
        else:
            self.execution_arn = arns.execution_arn(region, machine_name, name, account)
        self.role_arn = role_arn or arns.execution_role_arn(account)
        self.execution_context = {"Id": self.execution_arn, "Input": execution_input,
                                  "StartTime": iso_ms(start_ms), "Name": name, "RoleArn": self.role_arn}
        if not express:  # Express executions cannot be redriven: no RedriveCount (recorded)
            self.execution_context["RedriveCount"] = 0
        self.machine_context = {"Id": self.machine_arn, "Name": machine_name}
