"""An execution's path: the names of the states it entered, in order, with one nested list per
Parallel (a path per branch) and per Map (a path per iteration) right after the state's name."""
from __future__ import annotations


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
