"""Who is told of each finished execution: observers registered in a context.

An observer is called with ``(machine, execution)`` after every run, child executions included
(the pytest plugin's coverage and its failure reports observe this way). Observers live in a
``contextvars`` context, as pytest's plugins live in one session and Temporal's interceptors in
one worker: a test observes the runs of its own context, and code that runs an execution in a
thread of its own starts the thread in a copy of its context (``contextvars.copy_context``) so
that the same observers see it.
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterator, Protocol


class ExecutionObserver(Protocol):
    def __call__(self, machine: Any, execution: Any) -> None: ...


_observers: contextvars.ContextVar[tuple] = contextvars.ContextVar("aslsim_observers", default=())


def add_observer(observer: ExecutionObserver) -> None:
    """Observe the executions of this context from now on (once, however often it is added)."""
    current = _observers.get()
    if observer not in current:
        _observers.set(current + (observer,))


def remove_observer(observer: ExecutionObserver) -> None:
    current = _observers.get()
    if observer in current:
        _observers.set(tuple(o for o in current if o is not observer))


@contextlib.contextmanager
def observing(observer: ExecutionObserver) -> Iterator[ExecutionObserver]:
    """``with observing(observer):`` the executions that finish inside the block are observed."""
    added = observer not in _observers.get()
    add_observer(observer)
    try:
        yield observer
    finally:
        if added:
            remove_observer(observer)


def notify(machine: Any, execution: Any) -> None:
    for observer in _observers.get():
        observer(machine, execution)
