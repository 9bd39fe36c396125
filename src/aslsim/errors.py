"""The ground floor: errors raised by the query, definition and engine layers alike."""
from __future__ import annotations


class DefinitionError(Exception):
    """A definition AWS's CreateStateMachine would refuse, or a file aslsim cannot read.

    Carries where the problem is: the file, the state and the field, so a message can name them.
    """

    def __init__(self, message: str, *, file: str | None = None, state: str | None = None,
                 field: str | None = None):
        self.message = message
        self.file = file
        self.state = state
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.state is not None:
            where.append(f"state '{self.state}'")
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{': '.join(where)}: {self.message}" if where else self.message

    def located(self, *, file: str | None = None, state: str | None = None,
                field: str | None = None) -> "DefinitionError":
        """The same error with the missing parts of its location filled in."""
        return DefinitionError(self.message, file=self.file or file,
                               state=self.state if self.state is not None else state,
                               field=self.field or field)


class InputError(Exception):
    """Execution input (or a CLI argument) that cannot be used: not JSON, too large, ..."""


class StatesError(Exception):
    """An error inside an execution, named as AWS names it (``States.Runtime``, a task's error...).

    ``cause`` is the text AWS reports. When ``prefix_state`` is true, the engine prepends AWS's
    "An error occurred while executing the state 'X' (entered at the event id #N). " to the cause,
    which is how AWS words the runtime errors it raises itself.
    """

    def __init__(self, error: str | None, cause: str | None = None, *, prefix_state: bool = False,
                 location: str | None = None):
        self.error = error
        self.cause = cause
        self.prefix_state = prefix_state
        self.location = location      # the field a JSONata evaluation failed in (EvaluationFailed)
        # whether EvaluationFailed follows the state's Entered event rather than the event before
        # it: AWS links a value that evaluated but is unusable (a Wait Timestamp) to the state
        self.after_entered = False
        self.recorded = False         # whether the engine has recorded where it happened
        super().__init__(f"{error}: {cause}")


# Errors a Catch or Retry may never handle: AWS ends the execution at once. (A task result over
# the payload limit, States.DataLimitExceeded, is caught on AWS by States.ALL: recorded.)
UNCATCHABLE = frozenset({"States.Runtime"})


def runtime_error(cause: str) -> StatesError:
    """States.Runtime with the state prefix added by the engine."""
    return StatesError("States.Runtime", cause, prefix_state=True)
