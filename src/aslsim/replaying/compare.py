"""Comparing a recorded history with the local one, event by event, thread by thread.

The local history is split into its threads (top level, Parallel branches, Map iterations). The
recorded events are taken in their order, and each must be the next event of one of the local
threads that has started: so branches and iterations may interleave differently on the two sides
and each is still compared with itself, in its own order. The first recorded event that is no
thread's next event is the divergence; a local event left over when the recording ends is one too.

Compared: the type and every detail field (state names, inputs, outputs, parameters, errors,
causes, assigned variables), with values matched as ``values.Matcher`` says; ids and
previousEventIds are positions, not content, and are not compared. Times are compared where the
local run let time pass (a Wait, a retry's backoff, a Task's duration): the elapsed time since the
thread's previous event, or the time since the start, must agree within the tolerance. Events
whose ids are placeholders (a snapshot that lost their order) may match in any order, and where the
recording skips ids, as many local events may go unmatched there.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .reading import PAYLOAD_FIELDS, Event
from .threads import Thread, Threads
from .values import Matcher, show

# what a recording may say that a local run cannot know: not compared
_NOT_COMPARED = {"stateMachineAliasArn", "stateMachineVersionArn"}


@dataclass
class Divergence:
    """The first place where the two histories differ."""
    kind: str                        # "different", "missing locally", "extra locally"
    recorded: Event | None
    local: Event | None
    where: str                       # "top level", "Map 'Items' iteration 2", ...
    trail: list[str]                 # the states entered on the way there
    fields: list[tuple] = field(default_factory=list)   # (field, recorded value, local value)
    note: str | None = None

    @property
    def state(self) -> str | None:
        for event in (self.recorded, self.local):
            if event is not None and event.name:
                return event.name
        return next((name for name in reversed(self.trail) if not name.startswith("[")), None)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "where": self.where, "state": self.state, "path": self.trail,
                "recorded": None if self.recorded is None else self.recorded.to_dict(),
                "local": None if self.local is None else self.local.to_dict(),
                "fields": [{"field": f, "recorded": r, "local": l} for f, r, l in
                           ((f, _plain(r), _plain(l)) for f, r, l in self.fields)],
                "note": self.note}

    def render(self) -> str:
        rec = self.recorded.label() if self.recorded else "(nothing: the recording ends)"
        loc = self.local.label() if self.local else "(nothing: the local run ends)"
        lines = [f"diverged in {self.where}, at recorded {rec} / local {loc}"]
        if self.trail:
            lines.append("path: " + " > ".join(self.trail))
        rows = self.fields or []
        if rows:
            width = max(len("field"), *(len(f) for f, _, _ in rows))
            lines.append(f"  {'field':<{width}}  {'recorded':<40}  local")
            for name, recorded, local in rows:
                lines.append(f"  {name:<{width}}  {show(recorded, 40):<40}  {show(local, 60)}")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


@dataclass
class Comparison:
    divergence: Divergence | None
    compared: int                    # recorded events matched with a local event
    skipped: int                     # local events standing where the recording lost events
    threads: int                     # local threads (top level, branches, iterations)
    # where a recording that stops (StopExecution at an unknown time) could have stopped: ms
    # after the start, between the last local event compared and the first one left over
    stop_window: int | None = None
    pairs: list = field(default_factory=list)   # (recorded event, local event), in recorded order


def compare(recorded: list[Event], local: list[Event], threads: Threads, matcher: Matcher,
            tolerance_ms: int, *, given_input: bool = False) -> Comparison:
    """``given_input``: the caller replaced the recorded input, so ExecutionStarted's is not compared."""
    walk = _Walk(recorded, local, threads, matcher, tolerance_ms)
    walk.given_input = given_input
    return walk.run()


class _Walk:
    def __init__(self, recorded, local, threads, matcher, tolerance_ms):
        self.recorded, self.local, self.threads = recorded, local, threads
        self.matcher, self.tolerance = matcher, tolerance_ms
        self.used = [False] * len(local)
        self.pos = {id(th): 0 for th in threads.all}
        self.partner: dict[int, int] = {}        # local index -> recorded index
        self.rec_index = {e.id: i for i, e in enumerate(recorded) if e.id is not None}
        self.local_of: dict[int, int] = {}       # recorded index -> local index
        self.skipped = 0
        self.given_input = False
        self._count_waits()
        self.start_rec = recorded[0].time_ms
        self.start_loc = local[0].time_ms if local else None

    def run(self) -> Comparison:
        budget = 0
        for index, event in enumerate(self.recorded):
            budget += event.gap_before
            found = self._unordered(event) if event.id is None else self._ordered(index, event)
            if found is None and budget and event.id is not None:
                found = self._after_lost(index, event, budget)
                if found is not None:
                    budget -= found[1]
                    found = found[0]
            if found is None:
                return self._result(self._divergence(index, event))
            self._take(index, found)
        last = max(self.local_of.values(), default=-1)
        inside = [i for i in range(last) if not self.used[i]]
        if inside and len(inside) <= budget:
            # events the recording lost somewhere before its end: these stand in their places
            for i in inside:
                self._use(i)
            self.skipped += len(inside)
        leftover = next((i for i in range(len(self.local)) if not self.used[i]), None)
        if leftover is not None:
            thread = self.threads.of[leftover]
            return self._result(Divergence("extra locally", None, self.local[leftover], thread.label(),
                                           self._trail(thread, leftover),
                                           note="the recording ends here; the local run goes on"))
        return self._result(None)

    def _count_waits(self) -> None:
        """A thread's event that came after some of its branches' or iterations' events (the
        Map's or Parallel's end, say) waits for those: ``waiting[l]`` counts them, and each event
        knows whose count it lowers."""
        from bisect import bisect_right
        self.waiting = [0] * len(self.local)
        self.releases: list[list[int]] = [[] for _ in self.local]
        for thread in self.threads.all:
            ancestor = thread.parent
            while ancestor is not None:
                events = ancestor.events
                for index in thread.events:
                    after = bisect_right(events, index)
                    if after < len(events):
                        self.waiting[events[after]] += 1
                        self.releases[index].append(events[after])
                ancestor = ancestor.parent

    def _result(self, divergence):
        pairs = [(self.recorded[r], self.local[l]) for r, l in sorted(self.local_of.items())]
        return Comparison(divergence, len(self.local_of), self.skipped, len(self.threads.all),
                          self._stop_window(), pairs)

    def _stop_window(self) -> int | None:
        times = [e.time_ms for e in self.local]
        left = [t for t, used in zip(times, self.used) if not used and t is not None]
        if not left or self.start_loc is None:
            return None
        done = [t for t, used in zip(times, self.used) if used and t is not None]
        last_done, first_left = max(done, default=self.start_loc), min(left)
        moment = first_left - 1 if first_left > last_done else last_done
        return max(0, moment - self.start_loc)

    # -- candidates -------------------------------------------------------------------------
    def _head(self, thread: Thread) -> int | None:
        events, pos = thread.events, self.pos[id(thread)]
        while pos < len(events) and self.used[events[pos]]:
            pos += 1
        self.pos[id(thread)] = pos
        return events[pos] if pos < len(events) else None

    def _started(self, thread: Thread) -> bool:
        return thread.fork is None or self.used[thread.fork]

    def _ready(self, local_index: int) -> bool:
        return self.waiting[local_index] == 0

    def _heads(self, hint: Thread | None):
        seen = set()
        ordered = ([hint] if hint is not None else []) + self.threads.all
        for thread in ordered:
            if id(thread) in seen or not self._started(thread):
                continue
            seen.add(id(thread))
            head = self._head(thread)
            if head is not None and self._ready(head):
                yield thread, head

    def _hint(self, event: Event) -> Thread | None:
        if event.previous is None or event.previous not in self.rec_index:
            return None
        local = self.local_of.get(self.rec_index[event.previous])
        return None if local is None else self.threads.of[local]

    def _ordered(self, index: int, event: Event) -> int | None:
        for thread, head in self._heads(self._hint(event)):
            if self._matches(index, event, head):
                return head
        return None

    def _unordered(self, event: Event) -> int | None:
        """An event whose place the recording lost: any local event of a started thread."""
        for local_index, local in enumerate(self.local):
            if (not self.used[local_index] and local.type == event.type
                    and self._started(self.threads.of[local_index])
                    and not self._differences(event, local, only_first=True)):
                return local_index
        return None

    def _after_lost(self, index: int, event: Event, budget: int):
        """The recording lost events just before this one: let up to that many local events
        (of the thread, or of its branches and iterations it waits for) stand in their places."""
        for thread in self.threads.all:
            head = self._head(thread) if self._started(thread) else None
            if head is None:
                continue
            start = thread.events.index(head)
            for skip in range(0, budget + 1):
                if start + skip >= len(thread.events):
                    break
                candidate = thread.events[start + skip]
                lost = thread.events[start:start + skip] + self._awaited(thread, candidate)
                if len(lost) > budget or not self._matches(index, event, candidate):
                    continue
                for local_index in lost:
                    self._use(local_index)
                self.skipped += len(lost)
                return candidate, len(lost)
        return None

    def _awaited(self, thread: Thread, local_index: int) -> list[int]:
        """Events of the thread's branches and iterations that must come before this one."""
        out = []
        for i in range(local_index):
            if not self.used[i]:
                ancestor = self.threads.of[i].parent
                while ancestor is not None and ancestor is not thread:
                    ancestor = ancestor.parent
                if ancestor is thread:
                    out.append(i)
        return out

    def _use(self, local_index: int) -> None:
        self.used[local_index] = True
        for waiter in self.releases[local_index]:
            self.waiting[waiter] -= 1

    def _take(self, index: int, local_index: int) -> None:
        self._use(local_index)
        self.local_of[index] = local_index
        self.partner[local_index] = index

    # -- one event against another ----------------------------------------------------------
    def _matches(self, index: int, event: Event, local_index: int) -> bool:
        local = self.local[local_index]
        if local.type != event.type:
            return False
        if self._differences(event, local, only_first=True):
            return False
        return self._timing(event, local_index) is None

    def _differences(self, event: Event, local: Event, only_first: bool = False) -> list[tuple]:
        if event.type != local.type:
            return [("type", event.type, local.type)]
        recorded_details, local_details = _comparable(event.details, local.details)
        if event.type == "ExecutionStarted" and self.given_input and recorded_details and local_details:
            recorded_details, local_details = ({k: v for k, v in d.items() if k not in ("input", "inputDetails")}
                                               for d in (recorded_details, local_details))
        key = event.details_key or local.details_key or "details"
        if only_first:
            return [] if self.matcher.same(recorded_details, local_details) else [(key,)]
        return self.matcher.differences(recorded_details, local_details, key)

    def _timing(self, event: Event, local_index: int):
        """None when the times agree (or cannot be compared), else the difference to show."""
        local = self.local[local_index]
        if event.time_ms is None or local.time_ms is None:
            return None
        thread = self.threads.of[local_index]
        position = thread.events.index(local_index)
        if position == 0:
            return None
        before = thread.events[position - 1]
        local_gap = local.time_ms - self.local[before].time_ms
        if local_gap <= 0:
            return None   # nothing the definition timed happened here: AWS's own latency
        if self._jittered(local_index):
            return None   # a retry after a backoff with full jitter: AWS drew its own delay
        recorded_before = self.partner.get(before)
        recorded_time = None if recorded_before is None else self.recorded[recorded_before].time_ms
        if recorded_time is not None and abs((event.time_ms - recorded_time) - local_gap) <= self.tolerance:
            return None
        if self.start_rec is not None and self.start_loc is not None and abs(
                (event.time_ms - self.start_rec) - (local.time_ms - self.start_loc)) <= self.tolerance:
            return None
        recorded_gap = None if recorded_time is None else (event.time_ms - recorded_time) / 1000
        return ("time since the thread's previous event",
                "unknown" if recorded_gap is None else f"{recorded_gap:g} s", f"{local_gap / 1000:g} s")

    def _jittered(self, local_index: int) -> bool:
        open_state = self.threads.open_at[local_index]
        state = self.threads.states.get(open_state[0]) if open_state else None
        return (self.local[local_index].type.endswith("Scheduled") or
                self.local[local_index].type == "ParallelStateStarted" or
                self.local[local_index].type == "MapStateStarted") and \
            any(r.jitter_full for r in getattr(state, "retriers", ()) or ())

    # -- reporting ---------------------------------------------------------------------------
    def _divergence(self, index: int, event: Event) -> Divergence:
        best = self._counterpart(event)
        if best is None:
            return Divergence("missing locally", event, None, "top level", self._trail(self.threads.top, None),
                              note="the local run has no event left to compare with it")
        thread = self.threads.of[best]
        local = self.local[best]
        fields = self._differences(event, local)
        timing = self._timing(event, best) if not fields else None
        if timing:
            fields = [timing]
        return Divergence("different", event, local, thread.label(), self._trail(thread, best), fields)

    def _counterpart(self, event: Event) -> int | None:
        """The local event most like the one the recording has next: the next event of the
        thread its previousEventId points to, else of a thread at the same state, else any."""
        heads = list(self._heads(self._hint(event)))
        if not heads:
            return None
        hint = self._hint(event)
        for thread, head in heads:
            if thread is hint:
                return head
        name = event.name
        for test in (lambda l: l.type == event.type and l.name == name,
                     lambda l: l.name is not None and l.name == name,
                     lambda l: l.type == event.type):
            for thread, head in heads:
                if test(self.local[head]):
                    return head
        return min(heads, key=lambda pair: pair[1])[1]

    def _trail(self, thread: Thread, upto: int | None) -> list[str]:
        trail = thread.trail()
        if upto is not None:
            # the thread's own path as it was at that event
            entered = sum(1 for i in thread.events if i <= upto and self.local[i].type.endswith("StateEntered"))
            own = len(thread.path)
            trail = trail[: len(trail) - own + entered]
        return trail


def _comparable(recorded: dict | None, local: dict | None) -> tuple:
    """The detail fields both sides can have: what the recording leaves out for lack of execution
    data (fetched without it) or knows only on AWS is not compared."""
    if recorded is None or local is None:
        return recorded, local
    recorded = {k: v for k, v in recorded.items() if k not in _NOT_COMPARED}
    local = dict(local)
    for name in PAYLOAD_FIELDS:
        if name in local and name not in recorded:
            local.pop(name)
            local.pop(name + "Details", None)
    return recorded, local


def _plain(value):
    from .values import _ABSENT
    return None if value is _ABSENT else value
