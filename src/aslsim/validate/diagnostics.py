"""What the validator reports: one Diagnostic per problem, one FileResult per checked machine."""
from __future__ import annotations

from dataclasses import dataclass, field, asdict

from ..sources.text import escape  # noqa: F401  (checks import it from here)
from .rules import RULES


@dataclass(frozen=True)
class Diagnostic:
    code: str                 # "ASL201", see rules.py
    severity: str             # "error" | "warning"
    file: str                 # the file the position is in
    line: int                 # 1-based; 0 when the position is unknown
    column: int               # 1-based; 0 when the position is unknown
    pointer: str              # JSON pointer into the definition: "/States/Foo/Next"
    state: str | None         # the state the problem is in, when there is one
    message: str
    hint: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class FileResult:
    file: str                                   # "a.asl.json", or "template.yaml#MyMachine"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None                    # the file could not be read or parsed

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]




def pointer(*tokens) -> str:
    return "".join("/" + escape(str(t)) for t in tokens)


@dataclass
class Finding:
    """A problem as a check reports it, before it is placed in the source text."""
    code: str
    pointer: str
    message: str
    state: str | None = None
    hint: str | None = None
    severity: str | None = None     # None: the rule's default
    at_key: bool = False            # point at the key of the member rather than at its value


class Findings:
    """The list every check appends to; one per definition."""

    def __init__(self):
        self.items: list[Finding] = []

    def add(self, code: str, where: str, message: str, *, state: str | None = None,
            hint: str | None = None, severity: str | None = None, at_key: bool = False):
        assert code in RULES, code
        self.items.append(Finding(code, where, message, state, hint, severity, at_key))

    def has_error(self) -> bool:
        return any((f.severity or RULES[f.code].severity) == "error" for f in self.items)

    def __len__(self) -> int:
        return len(self.items)
