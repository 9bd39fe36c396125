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

    A value: nothing changes it once raised. ``cause`` is the text AWS reports. The engine words
    an error where it happened with ``worded`` (AWS prefixes the errors it raises itself,
    ``prefix_state``, with "An error occurred while executing the state 'X' (entered at the event
    id #N). ") and then passes on the ``settled`` error, which outer states never word again.
    ``location`` is the field a JSONata evaluation failed in (AWS records an EvaluationFailed
    event for it); ``after_entered`` says that event follows the state's Entered event rather
    than the event before it.
    """

    def __init__(self, error: str | None, cause: str | None = None, *, prefix_state: bool = False,
                 location: str | None = None, after_entered: bool = False):
        self._error = error
        self._cause = cause
        self._prefix_state = prefix_state
        self._location = location
        self._after_entered = after_entered
        super().__init__(f"{error}: {cause}")

    error = property(lambda self: self._error)
    cause = property(lambda self: self._cause)
    prefix_state = property(lambda self: self._prefix_state)
    location = property(lambda self: self._location)
    after_entered = property(lambda self: self._after_entered)

    def _replace(self, **fields) -> "StatesError":
        copy = Exception.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update({"_" + name: value for name, value in fields.items()})
        Exception.__init__(copy, f"{copy._error}: {copy._cause}")
        return copy

    def worded(self, state_name: str, entered_id: int) -> "StatesError":
        """The error as AWS reports it from the state ``state_name`` entered at ``entered_id``."""
        if not self._prefix_state:
            return self
        return self._replace(prefix_state=False, cause=(
            f"An error occurred while executing the state '{state_name}' "
            f"(entered at the event id #{entered_id}). {self._cause}"))

    def settled(self) -> "StatesError":
        """The error as it leaves the state it happened in: worded, its EvaluationFailed recorded."""
        if self._location is None and not self._prefix_state:
            return self
        return self._replace(location=None, prefix_state=False, after_entered=False)

    def __reduce__(self):
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls, fields):
    error = Exception.__new__(cls)
    error.__dict__.update(fields)
    Exception.__init__(error, f"{error._error}: {error._cause}")
    return error


class MockMissing(StatesError):
    """Nothing answers a Task: the test's own gap, not the workflow's.

    It fails the execution with States.Runtime (never caught or retried, as AWS treats the errors
    of its own machinery), and a Distributed Map passes it on instead of counting a failed item.
    Answerers raise it with a message that lists what is registered.
    """

    def __init__(self, message: str):
        super().__init__("States.Runtime", message, prefix_state=True)


class PayloadTooLarge(StatesError):
    """A value larger than AWS's 256 KiB payload limit (States.DataLimitExceeded); the engine
    words it for the state that made it."""

    def __init__(self, what: str):
        super().__init__("States.DataLimitExceeded",
                         f"{what} returned a result with a size exceeding the maximum number of bytes "
                         "service limit.")


# Errors a Catch or Retry may never handle: AWS ends the execution at once. (A task result over
# the payload limit, States.DataLimitExceeded, is caught on AWS by States.ALL: recorded.)
UNCATCHABLE = frozenset({"States.Runtime"})


def runtime_error(cause: str) -> StatesError:
    """States.Runtime with the state prefix added by the engine."""
    return StatesError("States.Runtime", cause, prefix_state=True)
