"""The server's engine room: its configuration, its store, and the executions it runs.

An execution runs at once on virtual time, in the thread of the request that started it, until
it ends; nothing is held locked meanwhile, so a local Lambda handler may call the server back
(start another execution) while its own execution runs.
"""
from __future__ import annotations

import hashlib
import random
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .protocol import ApiError, validation_error
from .store import Store

TIME_MODES = ("virtual", "real")


@dataclass
class ServerConfig:
    """What every execution of the server is run with."""
    region: str = "us-east-1"          # the region of ARNs when a request names none
    mock_config: Any = None            # a Step Functions Local MockConfig, for #TestCase starts
    lambdas: Any = None                # LocalLambdas (or their spec) answering Lambda Tasks
    aws: str | None = None             # "moto": the remaining Tasks go to moto's in-memory AWS
    mocks: Any = None                  # aslsim mocks applied to every execution
    s3: Any = None                     # where Distributed Maps read and write S3 objects
    time: str = "virtual"
    extra: dict = field(default_factory=dict)


class Backend:
    def __init__(self, config: ServerConfig | None = None):
        self.config = config or ServerConfig()
        if self.config.time not in TIME_MODES:
            raise InputError(f"time must be one of {', '.join(TIME_MODES)}, not {self.config.time!r}")
        self.store = Store()
        self._routing = random.Random()
        self._routing_lock = threading.Lock()
        self._moto = None
        if self.config.aws == "moto":
            # one moto AWS for the server's whole life: what one execution writes, the next reads
            from ..services.moto_backend import own_moto_unless_active
            self._moto = own_moto_unless_active()

    def close(self) -> None:
        if self._moto is not None:
            self._moto.close()
            self._moto = None

    # -- executions ----------------------------------------------------------------------------
    def route(self, alias) -> str:
        """The version an alias sends this execution to, drawn by the routing weights."""
        with self._routing_lock:
            draw = self._routing.uniform(0, 100)
        total = 0
        for route in alias.routing:
            total += route["weight"]
            if draw < total:
                return route["stateMachineVersionArn"]
        return alias.routing[-1]["stateMachineVersionArn"]

    def check_test_case(self, machine_name: str, test_case: str | None) -> None:
        """Refuse ``arn#TestCase`` before anything starts when the mock config cannot serve it."""
        if test_case is None:
            return
        if self.config.mock_config is None:
            raise validation_error(f"The state machine ARN names the test case '{test_case}' but the "
                                   "server has no mock config: start it with --mock-config FILE "
                                   "or SFN_MOCK_CONFIG")
        try:
            self.config.mock_config.answerer(machine_name, test_case)
        except InputError as err:
            raise validation_error(str(err)) from None

    def run(self, record, region: str) -> None:
        """Run the execution to its end and record the outcome."""
        from .map_runs import register_map_runs
        machine = record.revision.machine
        options = dict(mocks=self.config.mocks, lambdas=self.config.lambdas, aws=self.config.aws,
                       s3=self.config.s3, machines=self._machines())
        if record.test_case is not None:
            options.update(mock_config=self.config.mock_config, test_case=record.test_case)
        try:
            execution = machine.run(record.input_value, name=record.name, region=region,
                                    execution_type="EXPRESS" if record.express else "STANDARD",
                                    start_time=record.start_ms, seed=_seed(record.arn),
                                    role_arn=record.revision.role_arn, **options)
        except InputError as err:
            self._abandon(record, "States.Runtime", str(err))
            raise ApiError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{err}'") from None
        except Exception as err:   # a bug in aslsim: the execution fails, the server goes on
            traceback.print_exc(file=sys.stderr)
            self._abandon(record, "States.Runtime", f"aslsim internal error: {type(err).__name__}: {err}")
            return
        with self.store.lock:
            if record.express:
                record.arn = execution.execution_arn
            record.finish(execution)
            register_map_runs(self.store, record)

    def _abandon(self, record, error: str, cause: str) -> None:
        with self.store.lock:
            record.status, record.error, record.cause = "FAILED", error, cause
            record.stop_ms = record.start_ms
            self.store.executions.pop(record.arn, None)
            runs = self.store.executions_by_machine.get(record.machine.arn, [])
            if record in runs:
                runs.remove(record)

    def stop(self, record, error: str | None, cause: str | None) -> int:
        """StopExecution: an execution that has ended keeps its outcome and stop date."""
        with self.store.lock:
            return record.stop_ms if record.stop_ms is not None else record.start_ms

    def _machines(self) -> dict:
        """The server's state machines, for ``states:startExecution`` Tasks that start them."""
        with self.store.lock:
            out = {}
            for record in self.store.machines.values():
                out[record.arn] = record.current.machine
                for version in record.versions.values():
                    out[version.arn] = version.revision.machine
            return out


def _seed(arn: str) -> int:
    """Each execution its own seed, the same on every run of the same ARN."""
    return int.from_bytes(hashlib.sha256(arn.encode("utf-8")).digest()[:8], "big")
