"""The result of one execution, read-only: what AWS's DescribeExecution and history would show."""
from __future__ import annotations

from typing import Any

from ..definition.timestamps import iso_ms
from .history import aws_events
from .paths import path_of, states_entered
from .recorder import calls_of, trace_of


class Execution:
    """One finished execution: ``status``, ``output``, ``error``, ``cause``, ``path``, ``history``,
    ``calls``, ``variables``; times are virtual. ``history``, ``events``, ``path``, ``calls`` and
    ``trace`` are views of its one event log, each built on first read."""

    __slots__ = ("input", "status", "output", "error", "cause", "variables", "name",
                 "execution_arn", "start_ms", "stop_ms", "unused_mocks", "machine", "map_runs",
                 "_log", "_history", "_path", "_calls", "_trace", "_resume")

    def __init__(self, *, status, output, error, cause, variables, name, execution_arn,
                 start_ms, stop_ms, log, unused_mocks=(), input=None, machine=None, map_runs=(),
                 resume=None):
        self.input = input
        # the Distributed Map runs it started, children's included: arn, label, status, counts,
        # children (each with its own status, input, output and history)
        self.map_runs = list(map_runs)
        self.machine = machine   # the StateMachine that ran it, for report()
        self.status = status
        self.output = output
        self.error = error
        self.cause = cause
        self.variables = variables
        self.name = name
        self.execution_arn = execution_arn
        self.start_ms = start_ms
        self.stop_ms = stop_ms
        self.unused_mocks = list(unused_mocks)   # mocks this execution never called
        self._log = log
        self._resume = resume    # how the top level ended, for a redrive (engine.redrive)
        self._history = self._path = self._calls = self._trace = None

    @property
    def history(self) -> list[dict]:
        """The event history as AWS's GetExecutionHistory returns it (built on first use)."""
        if self._history is None:
            self._history = aws_events(self._log)
        return self._history

    @property
    def path(self) -> list:
        """The states it entered, in order, with a nested list per Parallel (a path per branch),
        per Map (a path per iteration) and per Distributed Map (a path per child execution, in
        the order they ended) right after the state's name."""
        if self._path is None:
            self._path = path_of(self._log)
        return self._path

    @property
    def calls(self) -> list:
        """The service calls its Tasks made (its Distributed Maps' children's too), in order, as
        read-only ``CallRecord`` mappings."""
        if self._calls is None:
            self._calls = calls_of(self._log)
        return self._calls

    @property
    def trace(self) -> list:
        """(kind, state, detail), for coverage: ("transition", from, to|None), ("rule", choice,
        index|"Default"), ("retry", state, retrier index), ("catch", state, catcher index)."""
        if self._trace is None:
            self._trace = trace_of(self._log)
        return self._trace

    @property
    def events(self) -> list:
        """The event history as typed ``Event`` records: id, type, previous_id, virtual
        ``time_ms`` and ``details`` with payloads as values (not JSON text)."""
        return self._log.typed()

    @property
    def start_date(self) -> str:
        return iso_ms(self.start_ms)

    @property
    def stop_date(self) -> str:
        return iso_ms(self.stop_ms)

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    def assert_all_mocks_used(self) -> None:
        """Fail when a declared mock (or part of a sequence) was never called."""
        if self.unused_mocks:
            raise AssertionError("mocks never used by this execution: " + ", ".join(self.unused_mocks))

    def report(self, path, machine=None):
        """Write an HTML report of this execution (graph, path taken, timeline) to ``path``."""
        from ..render.report import write_report   # imported on use: rendering is optional
        return write_report(self, path, machine)

    def flat_path(self) -> list[str]:
        """Every state entered, depth first, Parallel branches and Map iterations in order."""
        return states_entered(self.path)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "output": self.output, "error": self.error,
                "cause": self.cause, "path": self.path, "startDate": self.start_date,
                "stopDate": self.stop_date}

    def __repr__(self) -> str:
        detail = f"error={self.error!r}" if self.status != "SUCCEEDED" else f"output={self.output!r}"
        return f"<Execution {self.name} {self.status} {detail[:200]}>"
