"""Which thread of control each event of a history belongs to: the top level, a Parallel branch or
a Map iteration (nested as deep as the definition nests them).

Histories interleave branches and iterations, and previousEventId is only a hint (AWS chains a
Map's iterations one after another), so an event is placed by what it says: a state entered goes
to the thread whose graph holds that state and that is between states; a state exited, a Task
event or a Map event to the thread where such a state is open; a Map iteration event by its index.
Where several threads fit, the one holding the event's previousEventId wins, else the one that
moved last.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .reading import Event

# event types whose details do not name their state: the kind of state they belong to
_KIND_BY_PREFIX = (("LambdaFunction", "Task"), ("Activity", "Task"), ("TaskState", "Task"),
                   ("Task", "Task"), ("ParallelState", "Parallel"), ("MapState", "Map"),
                   ("MapRun", "Map"), ("WaitState", "Wait"), ("PassState", "Pass"),
                   ("ChoiceState", "Choice"), ("SucceedState", "Succeed"), ("FailState", "Fail"))
_EXECUTION = ("ExecutionStarted", "ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted",
              "ExecutionTimedOut", "ExecutionRedriven")


@dataclass(eq=False)
class Thread:
    key: tuple                       # () for the top level; then ("branch"|"iteration", state, n, attempt)
    parent: "Thread | None"
    states: frozenset | None         # names of the states its graph holds (None: unknown)
    order: int                       # creation order
    fork: int | None = None          # index of the parent's event that started it
    before: list[str] = field(default_factory=list)   # the parent's trail when it started
    events: list[int] = field(default_factory=list)
    path: list[str] = field(default_factory=list)   # states entered, in order
    open: tuple | None = None        # (state name, state kind) entered and not yet left
    done: bool = False
    last: int = -1                   # index of its latest event
    fork_at: int | None = None       # index of its latest ParallelStateStarted / MapStateStarted

    def label(self) -> str:
        parts = []
        for kind, state, number, attempt in self.key:
            again = f" (attempt {attempt + 1})" if attempt else ""
            parts.append(f"Parallel '{state}' branch {number + 1}{again}" if kind == "branch"
                         else f"Map '{state}' iteration {number}{again}")
        return " > ".join(parts) or "top level"

    def trail(self) -> list[str]:
        """The states entered on the way here: the ancestors' up to the fork, then its own."""
        if self.parent is None:
            return list(self.path)
        return self.before + [f"[{self.label().split(' > ')[-1]}]"] + self.path


class Threads:
    """The threads of one history, built event by event."""

    def __init__(self, events: list[Event], machine):
        self.events = events
        self.states = self._states = machine.states if machine is not None else {}
        self.top = Thread((), None, frozenset(machine._compiled.graph.states) if machine else None, 0)
        self.all: list[Thread] = [self.top]
        self.of: list[Thread] = []              # the thread of each event, by index
        self.open_at: list[tuple | None] = []   # its thread's open (state, kind) just after it
        self._by_id: dict[int, int] = {}
        self._attempts: dict[tuple, int] = {}   # (thread key, state) -> ParallelStateStarted/MapStateStarted count
        for index, event in enumerate(events):
            thread = self._place(index, event)
            self.of.append(thread)
            self.open_at.append(thread.open)
            thread.events.append(index)
            thread.last = index
            if event.id is not None:
                self._by_id[event.id] = index

    # -- placing one event ----------------------------------------------------------------
    def _place(self, index: int, event: Event) -> Thread:
        t = event.type
        if t in _EXECUTION:
            return self.top
        if t.startswith("MapIteration"):
            return self._iteration(index, event)
        if t.endswith("StateEntered"):
            return self._entered(index, event)
        if t.endswith("StateExited"):
            thread = self._pick([th for th in self._live() if th.open and th.open[0] == event.name], event)
            thread = thread or self._fallback(event)
            if thread.open and thread.open[1] in ("Parallel", "Map"):
                self._close_children(thread)
            thread.open = None
            return thread
        if t == "EvaluationFailed":
            fits = [th for th in self._live() if th.open and th.open[0] == event.name]
            return self._pick(fits, event) or self._fallback(event)
        kind = next((k for prefix, k in _KIND_BY_PREFIX if t.startswith(prefix)), None)
        fits = [th for th in self._live() if th.open and th.open[1] == kind]
        thread = self._pick(fits, event) or self._fallback(event)
        if t in ("ParallelStateStarted", "MapStateStarted") and thread.open:
            key = (thread.key, thread.open[0])
            self._attempts[key] = self._attempts.get(key, -1) + 1
            self._close_children(thread)   # a retried Parallel or Map starts its children anew
            thread.fork_at = index
        if t in ("ParallelStateSucceeded", "ParallelStateFailed", "ParallelStateAborted",
                 "MapStateSucceeded", "MapStateFailed", "MapStateAborted"):
            self._close_children(thread)
        return thread

    def _close_children(self, thread: Thread) -> None:
        for child in self.all:
            ancestor = child.parent
            while ancestor is not None and ancestor is not thread:
                ancestor = ancestor.parent
            if ancestor is thread:
                child.done = True

    def _entered(self, index: int, event: Event) -> Thread:
        name = event.name
        fits = [th for th in self._live() if th.open is None and (th.states is None or name in th.states)]
        for thread in self._live():
            if thread.open and thread.open[1] == "Parallel":
                branch = self._branch_of(thread.open[0], name)
                if branch is not None:
                    child = self._child(thread, ("branch", thread.open[0], branch), index,
                                        frozenset(self._states[thread.open[0]].branches[branch].states))
                    if child.open is None and not child.done:
                        fits.append(child)
        thread = self._pick(fits, event) or self._fallback(event)
        thread.open = (name, event.type[: -len("StateEntered")])
        thread.path.append(name)
        return thread

    def _iteration(self, index: int, event: Event) -> Thread:
        name, number = event.name, (event.details or {}).get("index")
        maps = [th for th in self._live() if th.open and th.open[0] == name]
        parent = self._pick(maps, event) or self._fallback(event)
        state = self._states.get(name)
        states = frozenset(state.processor.states) if getattr(state, "processor", None) else None
        child = self._child(parent, ("iteration", name, number), index, states)
        if event.type != "MapIterationStarted":
            child.done = True
        return child

    def _child(self, parent: Thread, head: tuple, index: int, states) -> Thread:
        attempt = self._attempts.get((parent.key, head[1]), 0)
        key = parent.key + (head + (attempt,),)
        for thread in self.all:
            if thread.key == key:
                return thread
        thread = Thread(key, parent, states, len(self.all), fork=parent.fork_at, before=parent.trail())
        self.all.append(thread)
        return thread

    def _branch_of(self, parallel: str, name: str | None) -> int | None:
        state = self._states.get(parallel)
        for number, graph in enumerate(getattr(state, "branches", ()) or ()):
            if name in graph.states:
                return number
        return None

    def _live(self) -> list[Thread]:
        return [th for th in self.all if not th.done]

    def _pick(self, fits: list[Thread], event: Event) -> Thread | None:
        if not fits:
            return None
        if event.previous is not None and event.previous in self._by_id:
            hinted = self.of[self._by_id[event.previous]]
            if hinted in fits:
                return hinted
        return max(fits, key=lambda th: (th.last, -th.order))

    def _fallback(self, event: Event) -> Thread:
        """An event no thread expects (a state the definition lacks): where its previousEventId
        points, else where the latest event went."""
        if event.previous is not None and event.previous in self._by_id:
            return self.of[self._by_id[event.previous]]
        live = self._live()
        return max(live, key=lambda th: th.last) if live else self.top
