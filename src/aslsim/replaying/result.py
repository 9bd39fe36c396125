"""What a replay found: the same history, or where it diverged; with the local execution."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.execution import Execution
from .compare import Divergence
from .reading import RecordedHistory


@dataclass
class ReplayResult:
    """``same`` is True when the local history is the recorded one, event by event; otherwise
    ``divergence`` says where (which thread and state, which field, recorded vs local)."""
    divergence: Divergence | None
    execution: Execution
    recorded: RecordedHistory
    compared: int                     # recorded events matched with a local one
    threads: int                      # threads compared (top level, branches, iterations)
    answered: int                     # Task attempts answered from the recording
    skipped: int = 0                  # local events standing where the recording lost events
    unanswered: list[str] = field(default_factory=list)   # Task states the recording never ran
    notes: list[str] = field(default_factory=list)
    answers: list = field(default_factory=list, repr=False)   # GivenAnswer, in call order
    pairs: list = field(default_factory=list, repr=False)     # (recorded Event, local Event) matched

    @property
    def same(self) -> bool:
        return self.divergence is None

    @property
    def status(self) -> str:
        return "same" if self.same else "diverged"

    def summary(self) -> str:
        counted = (f"{self.compared} of {len(self.recorded.events)} recorded events compared in "
                   f"{self.threads} thread{'s' if self.threads != 1 else ''}, "
                   f"{self.answered} Task answer{'s' if self.answered != 1 else ''} replayed")
        return f"{self.status}: {counted}; local execution {self.execution.status}"

    def render(self) -> str:
        lines = [self.summary()]
        if self.divergence is not None:
            lines.append(self.divergence.render())
        lines.extend(self.notes)
        return "\n".join(lines)

    def assert_same(self) -> None:
        """Raise AssertionError with the first divergence, side by side."""
        __tracebackhide__ = True
        if not self.same:
            raise AssertionError(self.render())

    def to_dict(self) -> dict:
        return {"status": self.status, "history": self.recorded.source, "form": self.recorded.form,
                "events": len(self.recorded.events), "compared": self.compared,
                "threads": self.threads, "answered": self.answered, "skipped": self.skipped,
                "unanswered": self.unanswered,
                "execution": {"status": self.execution.status, "output": self.execution.output,
                              "error": self.execution.error, "cause": self.execution.cause},
                "divergence": None if self.divergence is None else self.divergence.to_dict(),
                "notes": self.notes}

    def write_case(self, path, *, machine_path=None, name: str | None = None):
        """Save this replay as a case file (``*.aslsim.yaml``) the pytest plugin runs: the
        input, the recorded answers as mocks, and what the recording shows as the expectation."""
        from .case_writer import write_case
        return write_case(self, path, machine_path=machine_path, name=name)
