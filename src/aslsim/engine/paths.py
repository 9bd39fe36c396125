"""An execution's path: the names of the states it entered, in order, with one nested list per
Parallel attempt (a path per branch), per Map attempt (a path per iteration) and per Distributed
Map attempt (a path per child execution, in the order they ended) right after the state's name.

It is read from the execution's log (``path_of``): the names from its StateEntered events, the
thread each event is tagged with placing it, and the log's marks (``recorder``) saying where a
thread forked (``"threads"``: numbered branches or iterations; ``"children"``: a Distributed
Map's child executions in the order they ended, each path read from the child's own log) and
which state the history had no room to enter (``"refused"``: on the path, not in the history).
"""
from __future__ import annotations

_FORKS = frozenset({"threads", "children", "refused"})


def path_of(log) -> list:
    """The path of the execution whose event log is ``log``; a redriven execution's begins
    after its last ExecutionRedriven event (the states it entered before are the earlier run's)."""
    records = log.records
    start = 0
    for index in range(len(records) - 1, -1, -1):
        if records[index][0] == "ExecutionRedriven":
            start = index + 1
            break
    top: list = []
    threads = {0: top}      # thread number -> its path
    forks = [mark for mark in log.marks if mark[0] in _FORKS]
    forks.append((None, float("inf")))
    k = 0
    at = forks[0][1]        # a mark made at position p comes after event p (the p-th)
    for index in range(start, len(records)):
        while at <= index:
            _fork(forks[k], threads)
            k += 1
            at = forks[k][1]
        event_type, _, details, _, thread = records[index]
        if event_type.endswith("StateEntered"):
            threads[thread].append(details["name"])
    for mark in forks[k:-1]:
        _fork(mark, threads)
    return top


def _fork(mark, threads: dict) -> None:
    kind = mark[0]
    if kind == "threads":
        _, _, parent, first, count = mark
        paths = [[] for _ in range(count)]
        threads[parent].append(paths)
        threads.update(zip(range(first, first + count), paths))
    elif kind == "children":
        _, _, parent, ended = mark
        shared: dict = {}
        threads[parent].append([child.path_among(shared) for child in ended])
    else:   # refused
        threads[mark[2]].append(mark[3])


def path_key(path):
    """The path's names with its nesting as brackets: equal for equal paths, and hashable."""
    for step in path:
        if isinstance(step, list):
            yield "["
            yield from path_key(step)
            yield "]"
        else:
            yield step


def states_entered(path: list) -> list[str]:
    """Every state entered, depth first: Parallel branches and Map iterations in order."""
    out: list[str] = []
    stack = [iter(path)]
    while stack:           # a loop, not recursion: a path may nest as deep as the machine does
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out
