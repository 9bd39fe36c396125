"""One execution as the API shows it: its summary (ListExecutions), its description
(DescribeExecution) and its history (GetExecutionHistory), from the engine's result."""
from __future__ import annotations

import threading

from ..engine import redrive
from ..query.jsonpath import dumps

CLOSED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class ExecutionRecord:
    """An execution the server started (or a Map Run's child): open while RUNNING."""

    def __init__(self, *, arn: str, name: str, machine, revision, input_text: str, input_value,
                 start_ms: int, version_arn: str | None = None, alias_arn: str | None = None,
                 express: bool = False, test_case: str | None = None, trace_header: str | None = None):
        self.arn = arn
        self.name = name
        self.machine = machine                 # the store's MachineRecord
        self.revision = revision               # the configuration it runs (a version's, or current)
        self.input_text = input_text
        self.input_value = input_value
        self.version_arn = version_arn
        self.alias_arn = alias_arn
        self.express = express
        self.test_case = test_case
        self.trace_header = trace_header
        self.start_ms = start_ms
        self.status = "RUNNING"
        self.stop_ms: int | None = None
        self.output = self.error = self.cause = None
        self.redrive_count = 0
        self.redrive_ms: int | None = None
        self.redrive_tokens: dict[str, int] = {}   # RedriveExecution clientToken -> redriveDate
        self.result = None                     # the aslsim Execution, once it has ended
        self.live = None                       # the engine's running execution, while it waits
        # a Map Run's child: the run that started it, and its own state machine (machine/label)
        self.map_run_arn: str | None = None
        self.label: str | None = None
        self.state_machine_arn = machine.arn if machine is not None else None
        self.child_processor: dict | None = None     # its ItemProcessor, as written
        self.child_refused: str | None = None   # why its Map Run will not run it again, if so
        self._events: list | None = None
        self._child_history = None
        # called once it has ended (a parent waiting on it with .sync), with no lock held
        self.on_end: list = []
        self.lock = threading.RLock()             # held while the engine runs it
        self.changed = threading.Condition(self.lock)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def sort_ms(self) -> int:
        """ListExecutions' order: running ones by start (or redrive) date, others by stop date."""
        if self.closed and self.stop_ms is not None:
            return self.stop_ms
        return self.redrive_ms or self.start_ms

    def finish(self, execution) -> None:
        """Take the ended aslsim Execution's outcome."""
        self.result = execution
        self.status, self.error, self.cause = execution.status, execution.error, execution.cause
        self.output = execution.output
        self.stop_ms = execution.stop_ms
        self._events = None

    def events(self) -> list[dict]:
        if self._events is None:
            if self._child_history is not None:
                events = self._child_history()
            elif self.live is not None:
                with self.lock:
                    return self.live.history() if self.live is not None else self.events()
            elif self.result is not None:
                events = self.result.history
            else:
                events = []
            if not self.closed:
                return events
            self._events = events
        return self._events

    def redrive_status(self, now_ms: int) -> tuple[str, str | None]:
        """DescribeExecution's redriveStatus and its reason, by AWS's rules (documented): a
        Map Run's child is redriven with its parent, unless it may not be redriven at all."""
        if self.machine is not None and getattr(self.machine, "deleted", False):
            return "NOT_REDRIVABLE", "State machine is in DELETING status"
        if self.map_run_arn is not None:
            if self.status in ("RUNNING", "SUCCEEDED"):
                return "NOT_REDRIVABLE", f"Execution is {self.status} and cannot be redriven"
            if self.child_refused is None:
                return "REDRIVABLE_BY_MAP_RUN", None
            return "NOT_REDRIVABLE", self.child_refused
        # on virtual time an execution may stop after the wall clock's now
        reason = redrive.refusal(self.status, self.start_ms, self.stop_ms, len(self.events()),
                                 max(now_ms, self.stop_ms or 0))
        return ("REDRIVABLE", None) if reason is None else ("NOT_REDRIVABLE", reason)

    def summary(self) -> dict:
        out = {"executionArn": self.arn, "stateMachineArn": self.state_machine_arn, "name": self.name,
               "status": self.status, "startDate": self.start_ms, "stopDate": self.stop_ms,
               "stateMachineVersionArn": self.version_arn, "stateMachineAliasArn": self.alias_arn,
               "mapRunArn": self.map_run_arn, "redriveDate": self.redrive_ms}
        if not self.express:
            out["redriveCount"] = self.redrive_count
        return out

    def describe(self, now_ms: int) -> dict:
        out = {"executionArn": self.arn, "stateMachineArn": self.state_machine_arn, "name": self.name,
               "status": self.status, "startDate": self.start_ms, "stopDate": self.stop_ms,
               "input": self.input_text, "inputDetails": {"included": True},
               "traceHeader": self.trace_header, "mapRunArn": self.map_run_arn,
               "error": self.error, "cause": self.cause,
               "stateMachineVersionArn": self.version_arn, "stateMachineAliasArn": self.alias_arn}
        if self.status == "SUCCEEDED":
            out["output"] = dumps(self.output)
            out["outputDetails"] = {"included": True}
        if not self.express:
            status, reason = self.redrive_status(now_ms)
            out.update(redriveCount=self.redrive_count, redriveDate=self.redrive_ms,
                       redriveStatus=status, redriveStatusReason=reason)
        elif self.map_run_arn is not None:
            # documented: an Express child's redrive status is its Map Run's; it has no redriveDate
            status, reason = self.redrive_status(now_ms)
            out.update(redriveStatus=status, redriveStatusReason=reason)
        return out

    def billing(self) -> dict:
        """StartSyncExecution's billingDetails: Express bills whole 100 ms and 64 MB steps."""
        duration = max((self.stop_ms or self.start_ms) - self.start_ms, 0)
        return {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": max(100, -(-duration // 100) * 100)}


def child_record(child, map_run, parent: ExecutionRecord, processor: dict | None) -> ExecutionRecord:
    """A Map Run's child execution as the API shows it (DescribeExecution, ListExecutions);
    ``processor`` is the Map's ItemProcessor, the child's definition."""
    record = ExecutionRecord(arn=child.execution_arn, name=child.name, machine=parent.machine,
                             revision=parent.revision, input_text=dumps(child.input),
                             input_value=child.input, start_ms=child.start_ms,
                             express=map_run.execution_type == "EXPRESS")
    record.status, record.output = child.status, child.output
    record.error, record.cause, record.stop_ms = child.error, child.cause, child.stop_ms
    record.redrive_count, record.redrive_ms = child.redrive_count, child.redrive_ms
    record.child_refused = child.refused
    record.map_run_arn, record.label = map_run.arn, map_run.label
    record.state_machine_arn = child.state_machine_arn
    record.child_processor = processor
    record._child_history = lambda: child.history
    return record
