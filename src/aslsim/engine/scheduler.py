"""Virtual clock and a deterministic cooperative scheduler (a discrete-event simulation).

Work is written as generators. A generator yields ``Sleep(ms)`` to let virtual time pass,
``Join(children, max_concurrency)`` to run child generators (Parallel branches, Map iterations)
and wait for all of them, or ``Await(key, timeout_ms)`` to wait for the outside world (a task
token's callback, an activity worker) until ``resume(key, value)`` is called. Nothing ever
sleeps for real: when every task is waiting, the clock jumps to the earliest wake-up. Ready
tasks run in FIFO order and timers fire in (time, sequence) order, so the order of events is a
function of the program alone, never of thread timing.

A child that raises stops its siblings (fail fast): they are closed, which raises GeneratorExit
inside them so they can record that they were aborted, and the parent resumes with the error.

``run`` drives a root to its end in one go. ``start`` then ``advance`` drive it in steps: advance
returns BLOCKED when nothing can run but tasks await the outside world (virtual time stands
still while they wait, unless ``until_ms`` lets it run on), so a caller can ``resume`` them.
"""
from __future__ import annotations

import heapq
from collections import deque
from typing import Any, Generator, Hashable, Iterable

FINISHED, TIMED_OUT, BLOCKED = "finished", "timed out", "blocked"


class Sleep:
    __slots__ = ("ms",)

    def __init__(self, ms: int):
        self.ms = ms


class Join:
    """Run ``children`` (generators) with at most ``max_concurrency`` at once (0 = all).

    ``never_waits`` promises that no child ever yields: then, when nothing else is ready to
    run, the children run one after the other at once, which is the order the scheduler would
    have run them in anyway (each to its end before the next starts), without its bookkeeping.
    """
    __slots__ = ("children", "max_concurrency", "never_waits")

    def __init__(self, children: Iterable[Generator], max_concurrency: int = 0, *,
                 never_waits: bool = False):
        self.children = children
        self.max_concurrency = max_concurrency
        self.never_waits = never_waits


class Await:
    """Wait for ``resume(key, value)``; after ``timeout_ms`` of virtual time (if given) the
    waiting generator gets AwaitTimedOut thrown in instead."""
    __slots__ = ("key", "timeout_ms")

    def __init__(self, key: Hashable, timeout_ms: int | None = None):
        self.key = key
        self.timeout_ms = timeout_ms


class AwaitTimedOut(Exception):
    """Thrown into a task whose Await passed its timeout."""


class ChildFailed(Exception):
    """Thrown into a Join's parent: child ``index`` raised ``error``."""

    def __init__(self, index: int, error: BaseException):
        self.index = index
        self.error = error
        super().__init__(index, error)


class _Task:
    __slots__ = ("gen", "group", "index", "done", "join", "awaiting", "wait_seq")

    def __init__(self, gen, group=None, index=0):
        self.gen = gen
        self.group = group      # the _Group this task is a child of
        self.index = index
        self.done = False
        self.join = None        # the _Group this task is waiting on
        self.awaiting = None    # the key of the Await it is parked on
        self.wait_seq = None    # the timer of that Await's timeout


class _Group:
    __slots__ = ("parent", "pending", "running", "results", "max_concurrency", "remaining", "closed")

    def __init__(self, parent, children, max_concurrency):
        self.parent = parent
        self.pending = deque(enumerate(children))
        self.results = [None] * len(self.pending)
        self.remaining = len(self.pending)
        self.running = {}
        self.max_concurrency = max_concurrency
        self.closed = False


class Scheduler:
    """Runs one root generator to completion on a virtual clock measured in epoch milliseconds."""

    def __init__(self, now_ms: int):
        self.now = now_ms
        self._ready: deque = deque()
        self._timers: list = []
        self._seq = 0
        self._awaiting: dict = {}
        self._root: _Task | None = None
        self._outcome = None

    # -- driving a root ------------------------------------------------------------------------
    def run(self, root: Generator, deadline_ms: int | None = None) -> tuple[bool, Any]:
        """Run ``root``; returns (finished, value). An exception from root propagates.

        With a deadline, when the clock would pass it the remaining work is closed and
        (False, None) is returned: the execution timed out.
        """
        self.start(root)
        status = self.advance(deadline_ms)
        if status == BLOCKED:
            raise RuntimeError("scheduler deadlock: every task awaits the outside world")  # a bug
        return self.result(status)

    def start(self, root: Generator) -> None:
        self._root = _Task(root)
        self._outcome = None
        self._ready.append((self._root, None, None))

    def advance(self, deadline_ms: int | None = None, *, until_ms: int | None = None,
                stand_still: bool = True) -> str:
        """Run until the root is done (FINISHED), the deadline passes (TIMED_OUT: the rest is
        closed) or nothing can run before ``until_ms`` while tasks await the outside world
        (BLOCKED). With ``stand_still`` virtual time does not move while any task awaits."""
        root = self._root
        while True:
            while self._ready:
                t, value, error = self._ready.popleft()
                if not t.done:
                    self._step(t, value, error)
            if root.done:
                return FINISHED
            if not self._timers:
                if self._awaiting:
                    return BLOCKED
                raise RuntimeError("scheduler deadlock: no task can run")  # a bug, never user error
            if self._awaiting and stand_still and until_ms is None:
                return BLOCKED
            when, seq, t, timeout = self._timers[0]
            if until_ms is not None and when > until_ms and (deadline_ms is None or until_ms < deadline_ms):
                self.now = max(self.now, until_ms)
                return BLOCKED
            if deadline_ms is not None and when > deadline_ms:
                self.now = max(self.now, deadline_ms)
                self._cancel(root)
                return TIMED_OUT
            heapq.heappop(self._timers)
            self.now = max(self.now, when)
            if t.done:
                continue
            if timeout:
                if t.wait_seq != seq:
                    continue           # resumed before its timeout
                self._awaiting.pop(t.awaiting, None)
                t.awaiting = t.wait_seq = None
                self._step(t, None, AwaitTimedOut())
            else:
                self._step(t, None, None)

    def result(self, status: str) -> tuple[bool, Any]:
        """(finished, value) once ``advance`` returned FINISHED or TIMED_OUT; root's error raises."""
        if status == TIMED_OUT:
            return False, None
        kind, value = self._outcome
        if kind == "error":
            raise value
        return True, value

    def awaiting(self) -> list:
        """The keys tasks await, in the order they started waiting."""
        return list(self._awaiting)

    def resume(self, key: Hashable, value: Any = None) -> bool:
        """Wake the task awaiting ``key`` with ``value`` (it runs at the next ``advance``)."""
        task = self._awaiting.pop(key, None)
        if task is None or task.done:
            return False
        task.awaiting = task.wait_seq = None
        self._ready.append((task, value, None))
        return True

    def cancel(self) -> None:
        """Stop everything (StopExecution)."""
        if self._root is not None:
            self._cancel(self._root)

    # -- internals ------------------------------------------------------------------------------
    def _step(self, task: _Task, value, error):
        try:
            command = task.gen.throw(error) if error is not None else task.gen.send(value)
        except StopIteration as stop:
            self._finish(task, "ok", stop.value)
            return
        except Exception as exc:  # the task failed: its parent (or run()) gets the exception
            self._finish(task, "error", exc)
            return
        kind = type(command)
        if kind is Sleep:
            if command.ms <= 0:
                self._ready.append((task, None, None))
            else:
                self._seq += 1
                heapq.heappush(self._timers, (self.now + command.ms, self._seq, task, False))
        elif kind is Join:
            if command.never_waits and not self._ready:
                self._run_at_once(task, command.children)
                return
            group = _Group(task, command.children, command.max_concurrency)
            task.join = group
            if group.remaining == 0:
                task.join = None
                self._ready.append((task, [], None))
            else:
                self._start_children(group)
        elif kind is Await:
            task.awaiting = command.key
            self._awaiting[command.key] = task
            if command.timeout_ms is not None:
                self._seq += 1
                task.wait_seq = self._seq
                heapq.heappush(self._timers, (self.now + command.timeout_ms, self._seq, task, True))
        else:
            raise TypeError(f"a task yielded {command!r}")  # programming error in the engine

    def _run_at_once(self, parent: _Task, children) -> None:
        """Run children that never yield, in order; the first failure closes the rest."""
        results = []
        children = iter(children)
        for index, gen in enumerate(children):
            try:
                gen.send(None)
            except StopIteration as stop:
                results.append(stop.value)
                continue
            except Exception as exc:
                for rest in children:
                    rest.close()
                self._ready.append((parent, None, ChildFailed(index, exc)))
                return
            raise RuntimeError("a child of a Join that never waits yielded")  # an engine bug
        self._ready.append((parent, results, None))

    def _start_children(self, group: _Group):
        limit = group.max_concurrency or len(group.results)
        while group.pending and len(group.running) < limit:
            index, gen = group.pending.popleft()
            child = _Task(gen, group, index)
            group.running[index] = child
            self._ready.append((child, None, None))

    def _finish(self, task: _Task, kind: str, value):
        task.done = True
        group = task.group
        if group is None:
            self._outcome = (kind, value)
            return
        if group.closed:
            return
        group.running.pop(task.index, None)
        if kind == "error":
            group.closed = True
            group.pending.clear()
            for sibling in list(group.running.values()):
                self._cancel(sibling)
            group.running.clear()
            group.parent.join = None
            self._ready.append((group.parent, None, ChildFailed(task.index, value)))
            return
        group.results[task.index] = value
        group.remaining -= 1
        if group.remaining == 0:
            group.closed = True
            group.parent.join = None
            self._ready.append((group.parent, group.results, None))
        else:
            self._start_children(group)

    def _cancel(self, task: _Task):
        """Stop a task and everything it is waiting on, innermost first."""
        if task.done:
            return
        if task.join is not None:
            group = task.join
            group.closed = True
            group.pending.clear()
            for child in list(group.running.values()):
                self._cancel(child)
            group.running.clear()
        if task.awaiting is not None:
            self._awaiting.pop(task.awaiting, None)
            task.awaiting = task.wait_seq = None
        task.done = True
        try:
            task.gen.close()
        except Exception:  # an abort handler failing must not hide the original outcome
            pass
