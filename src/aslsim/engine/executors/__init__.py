"""One executor per state type, in a table.

An executor gets a ``StateContext`` (the narrow protocol of ``context``) once the walker has
recorded the state's Entered event and applied its InputPath, and returns ``(output, next state
or None, assigned variables or None)``, or raises a StatesError. Executors of states that wait
(Task, Wait, Parallel, Map) are generators that yield scheduler commands (``Sleep``, ``Join``).
``prepare(plan)`` compiles what an executor reads from its state, once, when the machine loads.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from . import choice, map_state, parallel, pass_state, task, terminal, wait


class Executor(NamedTuple):
    choose: Callable      # state -> (execute, waits): the function that runs it
    prepare: Callable     # plan -> None: compile the state's dynamic fields onto its plan


def _fixed(execute, waits: bool):
    return lambda state: (execute, waits)


EXECUTORS: dict[str, Executor] = {
    "Pass": Executor(_fixed(pass_state.execute, False), pass_state.prepare),   # JSONPath: compiled
    "Choice": Executor(_fixed(choice.execute, False), choice.prepare),
    "Succeed": Executor(_fixed(terminal.succeed, False), terminal.prepare),
    "Fail": Executor(_fixed(terminal.fail, False), terminal.prepare),
    "Wait": Executor(_fixed(wait.execute, True), wait.prepare),
    "Task": Executor(_fixed(task.execute, True), task.prepare),
    "Parallel": Executor(_fixed(parallel.execute, True), parallel.prepare),
    "Map": Executor(map_state.choose, map_state.prepare),
}
