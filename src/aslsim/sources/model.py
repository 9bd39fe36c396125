"""What a source reader hands on: one state machine found in a file, with the text positions
``validate`` needs and the notes it reports as warnings."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import Locator, SourceError


@dataclass(frozen=True)
class Note:
    """Something the reader could not check or had to stand in for (``validate``'s ASL003)."""
    message: str
    pointer: str = ""                          # in the definition
    hint: str | None = None
    at: tuple[str, int, int] | None = None     # (file, line, column), when known from the text
    at_key: bool = False


@dataclass
class MachineSource:
    """One state machine of a file: its definition (or why it cannot be read), and its names."""
    name: str                                  # logical id, Serverless key, Terraform label, or stem
    file: str | None                           # the file holding it
    kind: str                                  # definition | cloudformation | serverless | terraform
    aliases: tuple = ()                        # other names that choose it (StateMachineName, name)
    definition: Any = None
    locator: Locator | None = None
    notes: list = field(default_factory=list)
    error: SourceError | None = None
    error_file: str | None = None
    definition_file: Path | None = None        # DefinitionUri / templatefile / file(), resolved
    machine_type: str | None = None            # STANDARD or EXPRESS, when the source says
    substitutions: dict = field(default_factory=dict)   # placeholder -> the value used

    @property
    def label(self) -> str:
        """How messages name it: the file, and the machine when the file can hold several."""
        if self.kind == "definition":
            return self.file or "<definition>"
        return f"{self.file or '<template>'}#{self.name}"

    @property
    def names(self) -> tuple:
        return (self.name, *[a for a in self.aliases if a and a != self.name])

    def note(self, message: str, pointer: str = "", **kwargs) -> None:
        self.notes.append(Note(message, pointer, **kwargs))
