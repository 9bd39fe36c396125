"""Virtual clock and a deterministic cooperative scheduler (a discrete-event simulation).

Work is written as generators. A generator yields ``Sleep(ms)`` to let virtual time pass, or
``Join(children, max_concurrency)`` to run child generators (Parallel branches, Map iterations)
and wait for all of them. Nothing ever sleeps for real: when every task is waiting, the clock
jumps to the earliest wake-up. Ready tasks run in FIFO order and timers fire in (time, sequence)
order, so the order of events is a function of the program alone, never of thread timing.

A child that raises stops its siblings (fail fast): they are closed, which raises GeneratorExit
inside them so they can record that they were aborted, and the parent resumes with the error.

A task may also yield ``Await(waiter, deadline_ms)``: it then waits on the outside world (an
activity worker, a SendTaskSuccess), and ``wake(waiter, value)`` resumes it with ``value``, or the
deadline passes and it resumes with ``TIMED_OUT``. While any task awaits the outside world,
virtual time stands still: ``advance()`` runs what is ready and returns BLOCKED, and only an
explicit ``advance(until_ms=...)`` (a test moving the clock, or real time passing) fires timers.
"""
from __future__ import annotations

import heapq
from collections import deque
from typing import Any, Generator, Iterable


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
    """Wait until ``wake(waiter, value)`` is called, or until ``deadline_ms`` (then TIMED_OUT)."""
    __slots__ = ("waiter", "deadline_ms")

    def __init__(self, waiter, deadline_ms: int | None = None):
        self.waiter = waiter
        self.deadline_ms = deadline_ms


TIMED_OUT = object()          # what an Await resumes with when its deadline passes first

DONE, BLOCKED = "done", "blocked"


class ChildFailed(Exception):
    """Thrown into a Join's parent: child ``index`` raised ``error``."""

    def __init__(self, index: int, error: BaseException):
        self.index = index
        self.error = error
        super().__init__(index, error)


class _Task:
    __slots__ = ("gen", "group", "index", "done", "join", "timer")

    def __init__(self, gen, group=None, index=0):
        self.gen = gen
        self.group = group      # the _Group this task is a child of
        self.index = index
        self.done = False
        self.join = None        # the _Group this task is waiting on
        self.timer = 0          # the sequence number of the one timer that may resume it


class _Outliving:
    """The root while outliving tasks run on: done once all of them are."""

    __slots__ = ("tasks",)

    def __init__(self, tasks: list):
        self.tasks = tasks

    @property
    def done(self) -> bool:
        return all(task.done for task in self.tasks)


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
        self._root: _Task | None = None
        self._awaiting: dict = {}          # waiter -> the task awaiting it
        self._outliving: list = []         # tasks that go on after what they belonged to ended
        self.at_deadline = None            # called as the deadline closes the remaining work

    def run(self, root: Generator, deadline_ms: int | None = None) -> tuple[bool, Any]:
        """Run ``root``; returns (finished, value). An exception from root propagates.

        With a deadline, when the clock would pass it the remaining work is closed and
        (False, None) is returned: the execution timed out.
        """
        self.start(root)
        state = self.advance(deadline_ms=deadline_ms)
        if state == BLOCKED:     # nothing outside can wake a task of a plain run: a bug
            raise RuntimeError("scheduler deadlock: a task awaits the outside world in a run that has none")
        return self.outcome()

    def start(self, root: Generator) -> None:
        self._root = _Task(root)
        self._outcome = None
        self._ready.append((self._root, None, None))

    def advance(self, until_ms: int | None = None, deadline_ms: int | None = None) -> str:
        """Run until the root ends (DONE) or nothing more can happen now (BLOCKED).

        Without ``until_ms`` the clock jumps from timer to timer as long as no task awaits the
        outside world; with it, timers up to ``until_ms`` fire and the clock ends there. When
        the clock would pass ``deadline_ms`` the remaining work is closed (DONE, not finished).
        """
        task = self._root
        ready, timers, awaiting, step = self._ready, self._timers, self._awaiting, self._step
        while True:
            while ready:
                t, value, error = ready.popleft()
                if not t.done:
                    step(t, value, error)
            if task.done:
                return DONE
            when = timers[0][0] if timers else None
            if until_ms is None and (awaiting or when is None):
                if when is None and not awaiting:
                    raise RuntimeError("scheduler deadlock: no task can run")  # a bug, never user error
                return BLOCKED
            limit = until_ms if when is None or (until_ms is not None and when > until_ms) else when
            if deadline_ms is not None and limit > deadline_ms:
                self.now = max(self.now, deadline_ms)
                if self.at_deadline is not None:
                    self.at_deadline()
                self._cancel(task)
                return DONE
            if when is None or limit < when:
                self.now = max(self.now, limit)
                return BLOCKED
            when, seq, t = heapq.heappop(timers)
            if when > self.now:
                self.now = when
            if not t.done and t.timer == seq:
                waiter = next((w for w, a in awaiting.items() if a is t), None) if awaiting else None
                if waiter is not None:
                    del awaiting[waiter]
                    step(t, TIMED_OUT, None)
                else:
                    step(t, None, None)

    def outcome(self) -> tuple[bool, Any]:
        """After DONE: (finished, value), or the root's exception raised."""
        if self._outcome is None:
            return False, None
        kind, value = self._outcome
        if kind == "error":
            raise value
        return True, value

    @property
    def next_timer(self) -> int | None:
        """When the earliest timer is due (it may have been superseded), or None."""
        return self._timers[0][0] if self._timers else None

    @property
    def awaiting(self) -> list:
        """The waiters tasks are awaiting now."""
        return list(self._awaiting)

    def wake(self, waiter, value) -> bool:
        """Resume the task awaiting ``waiter`` with ``value``; False when none awaits it."""
        task = self._awaiting.pop(waiter, None)
        if task is None or task.done:
            return False
        task.timer = -1       # its deadline timer, if any, no longer counts
        self._ready.append((task, value, None))
        return True

    def stop(self) -> None:
        """Close all remaining work (StopExecution)."""
        if self._root is not None:
            self._cancel(self._root)
            # what outlives the root keeps its waits (run_outliving)
            self._awaiting = {w: t for w, t in self._awaiting.items() if not t.done}

    def run_outliving(self) -> None:
        """After the root ended: run to their end the tasks that outlive what was closed around
        them (a task whose generator says ``outlives_parent``: a Map Run's running Express
        children, when the run ended early), on the clock; those left awaiting the outside world
        are closed."""
        outliving, self._outliving = self._outliving, []
        if not outliving:
            return
        root, self._root = self._root, _Outliving(outliving)
        try:
            # timer to timer, whatever waits on the outside world: no one outside can end that
            # wait for a run that has ended, so what is left once no timer is due is closed
            while not self._root.done and (due := self._next_due()) is not None:
                self.advance(until_ms=due)
        finally:
            for task in outliving:
                self._cancel(task, outlive=False)
            self._awaiting.clear()
            self._root = root

    def _next_due(self) -> int | None:
        """When the earliest timer that still counts is due (those superseded dropped), or None."""
        timers = self._timers
        while timers and (timers[0][2].done or timers[0][2].timer != timers[0][1]):
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def interrupt(self, gen, error: BaseException) -> bool:
        """Throw ``error`` into the task running ``gen`` (a Map Run's child stopped by
        StopExecution) wherever it waits, closing what it joined first; False if none runs it."""
        task = self._find(gen)
        if task is None:
            return False
        if task.join is not None:
            group, task.join = task.join, None
            self._close_group(group)
        self._forget_waits(task)
        task.timer = -1
        self._ready.append((task, None, error))
        return True

    def _find(self, gen) -> _Task | None:
        tasks = [] if self._root is None else [self._root]
        while tasks:
            task = tasks.pop()
            if task.gen is gen:
                return None if task.done else task
            if task.join is not None:
                tasks.extend(task.join.running.values())
        return None

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
        if type(command) is Sleep:
            if command.ms <= 0:
                self._ready.append((task, None, None))
            else:
                self._timer(task, self.now + command.ms)
        elif type(command) is Await:
            self._awaiting[command.waiter] = task
            if command.deadline_ms is not None:
                self._timer(task, max(command.deadline_ms, self.now))
        elif type(command) is Join:
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
        else:
            raise TypeError(f"a task yielded {command!r}")  # programming error in the engine

    def _timer(self, task: _Task, when: int) -> None:
        self._seq += 1
        task.timer = self._seq
        heapq.heappush(self._timers, (when, self._seq, task))

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
            self._close_group(group, outlive=False)    # their own run failed: none outlives it
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

    def _close_group(self, group: _Group, outlive: bool = True) -> None:
        """No more children start in ``group``; the running ones are cancelled (see _cancel)."""
        group.closed = True
        group.pending.clear()
        for child in list(group.running.values()):
            self._cancel(child, outlive)
        group.running.clear()

    def _forget_waits(self, task: _Task) -> None:
        for waiter in [w for w, t in self._awaiting.items() if t is task]:
            del self._awaiting[waiter]

    def _cancel(self, task: _Task, outlive: bool = True):
        """Stop a task and everything it is waiting on, innermost first; one whose generator
        ``outlives_parent`` (and ``outlive``) is left to go on (``run_outliving``), its group closed."""
        if task.done:
            return
        if outlive and getattr(task.gen, "outlives_parent", False):
            self._outliving.append(task)
            return
        if task.join is not None:
            self._close_group(task.join)
        task.done = True
        self._forget_waits(task)
        try:
            task.gen.close()
        except Exception:  # an abort handler failing must not hide the original outcome
            pass
