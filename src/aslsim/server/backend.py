"""The server's engine room: its configuration, its store, and the executions it runs.

On virtual time an execution runs at once, in the thread of the request that started it, until
it ends or waits on the outside world (an activity worker, a callback); the request that answers
it (GetActivityTask, SendTask*) runs it on. Only the execution's own lock is held meanwhile, so
a local Lambda handler may call the server back (start another execution) while its own runs.
On real time a thread per execution runs it as the wall clock goes.
"""
from __future__ import annotations

import contextvars
import hashlib
import random
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

from ..engine import redrive
from ..errors import InputError
from .children import ChildExecutions
from .protocol import ApiError, validation_error
from .store import Store, now_ms
from .workers import POLL_SECONDS, Tasks

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
        self.tasks = Tasks()
        self.poll_seconds = POLL_SECONDS
        self._closed = False
        self._local = threading.local()
        self._moto = None
        if self.config.aws == "moto":
            # one moto AWS for the server's whole life: what one execution writes, the next reads
            from ..services.moto_backend import own_moto_unless_active
            self._moto = own_moto_unless_active()

    def close(self) -> None:
        self._closed = True
        self.tasks.close()
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
        """Start the execution: on virtual time it runs here until it ends or waits on the
        outside world; on real time a driver thread runs it as the wall clock goes."""
        machine = record.revision.machine
        options = self._options(record)
        options.update(name=record.name, region=region, start_time=record.start_ms, seed=_seed(record.arn),
                       execution_type="EXPRESS" if record.express else "STANDARD",
                       role_arn=record.revision.role_arn)
        if record.test_case is not None:
            options.update(mock_config=self.config.mock_config, test_case=record.test_case)
        world = self.tasks.for_execution(self, record)
        self._launch(record, lambda until: machine.start(record.input_value, outside=world, until_ms=until,
                                                         **options))

    def redrive(self, record) -> int:
        """RedriveExecution: the execution goes on from where it stopped, counted and dated."""
        with record.lock:
            previous = record.result
            record.redrive_count += 1
            record.redrive_ms = now_ms()
            record.status, record.stop_ms, record.error, record.cause = "RUNNING", None, None, None
            record.output = None
        machine = record.revision.machine
        options = self._options(record)
        options.update(region=record.arn.split(":")[3], role_arn=record.revision.role_arn,
                       seed=_seed(record.arn))
        if record.test_case is not None:
            options.update(mock_config=self.config.mock_config, test_case=record.test_case)
        world = self.tasks.for_execution(self, record)
        at = max(record.redrive_ms, redrive.settled_ms(previous.stop_ms, previous.map_runs))
        self._launch(record, lambda until: machine.redrive(previous, redrive_count=record.redrive_count,
                                                           at=at, outside=world, until_ms=until, **options))
        return record.redrive_ms

    def _options(self, record) -> dict:
        # the machines for the mocks' key check; the children are started as the server's own
        return dict(mocks=self.config.mocks, lambdas=self.config.lambdas, aws=self.config.aws,
                    s3=self.config.s3, machines=self._machines(), children=ChildExecutions(self, record))

    def _launch(self, record, start) -> None:
        real = self.config.time == "real"
        try:
            with record.lock:
                record.live = start(record.start_ms if real else None)
                self._settle(record)
        except InputError as err:
            self._abandon(record, "States.Runtime", str(err))
            raise ApiError("InvalidExecutionInput", f"Invalid State Machine Execution Input: '{err}'") from None
        except Exception as err:   # a bug in aslsim: the execution fails, the server goes on
            traceback.print_exc(file=sys.stderr)
            self._abandon(record, "States.Runtime", f"aslsim internal error: {type(err).__name__}: {err}")
            return
        if real and not record.closed:
            threading.Thread(target=contextvars.copy_context().run, args=(self._drive, record),
                             name=f"aslsim-{record.name}",
                             daemon=True).start()

    def _settle(self, record) -> None:
        """Take the outcome of an execution that has ended (under its lock)."""
        from .map_runs import register_map_runs
        live = record.live
        if live is None:
            return
        if not live.finished:       # waiting: its Map Runs so far are readable meanwhile
            with self.store.lock:
                register_map_runs(self.store, record, live.runner.map_runs)
            return
        with self.store.lock:
            if record.express:
                record.arn = live.execution.execution_arn
            record.finish(live.execution)
            record.live = None
            register_map_runs(self.store, record)
        record.changed.notify_all()
        self._ended().extend(record.on_end)
        record.on_end = []

    def _ended(self) -> list:
        """This thread's callbacks of executions that have ended (a parent waiting on a child)."""
        if not hasattr(self._local, "ended"):
            self._local.ended = []
        return self._local.ended

    def run_ended(self) -> None:
        """Run the callbacks of the executions that ended in this thread: once its request is
        done with them and holds no lock (a parent goes on under its own lock, so never while
        a child's is held), before the response is sent."""
        ended = self._ended()
        while ended:
            ended.pop(0)()

    def _abandon(self, record, error: str, cause: str) -> None:
        with self.store.lock:
            record.status, record.error, record.cause = "FAILED", error, cause
            record.stop_ms = record.start_ms
            record.live = None
            if record.redrive_count == 0:
                self.store.executions.pop(record.arn, None)
                runs = self.store.executions_by_machine.get(record.machine.arn, [])
                if record in runs:
                    runs.remove(record)

    # -- the outside world ---------------------------------------------------------------------
    def virtual_now(self, record) -> int | None:
        """Where the execution's clock may go now: None on virtual time, the wall clock on real."""
        return int(time.time() * 1000) if self.config.time == "real" else None

    def deliver(self, record, outside, message) -> None:
        """A worker's or a callback's message to the execution waiting on ``outside``."""
        with record.lock:
            live = record.live
            if live is None or not live.deliver(outside, message, self.virtual_now(record)):
                raise ApiError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
            self._settle(record)
            record.changed.notify_all()

    def stop(self, record, error: str | None, cause: str | None) -> int:
        """StopExecution: a waiting execution ends ABORTED now; one that has ended keeps its outcome.
        A running child of a Map Run is stopped within its parent, which goes on without it."""
        if record.live is None and record.map_run_arn is not None and record.status == "RUNNING":
            return self._stop_child(record, error, cause)
        with record.lock:
            if record.live is not None:
                record.live.stop(error, cause)
                self._settle(record)
            return record.stop_ms if record.stop_ms is not None else record.start_ms

    def _stop_child(self, child, error: str | None, cause: str | None) -> int:
        with self.store.lock:
            parent = self.store.map_runs[child.map_run_arn].parent
        with parent.lock:
            live = parent.live
            if live is not None:
                live.stop_child(child.arn, error, cause, self.virtual_now(parent))
                self._settle(parent)
            parent.changed.notify_all()
        with self.store.lock:
            now = self.store.executions.get(child.arn, child)      # its record as it is now
        return now.stop_ms if now.stop_ms is not None else now.start_ms

    def advance(self, seconds: float) -> int:
        """Move the clock of every waiting execution ``seconds`` on (their timeouts and
        heartbeats fire, waits end); returns how many executions were moved."""
        moved = 0
        with self.store.lock:
            records = [r for r in self.store.executions.values() if r.live is not None]
        for record in records:
            with record.lock:
                live = record.live
                if live is None:
                    continue
                live.advance(live.now_ms + int(round(seconds * 1000)))
                self._settle(record)
                moved += 1
        self.run_ended()
        return moved

    def _drive(self, record) -> None:
        """Real time: run the execution as the wall clock goes, waking for its next timer."""
        while True:
            with record.lock:
                live = record.live
                if live is None or self._closed:
                    return
                live.advance(int(time.time() * 1000))
                self._settle(record)
                ended = record.live is None
                if not ended:
                    due = live.runner.scheduler.next_timer
                    wait = 1.0 if due is None else max(0.0, min(1.0, (due - time.time() * 1000) / 1000))
                    record.changed.wait(wait)
            self.run_ended()
            if ended:
                return

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
