"""The raw definition as the checks see it: scopes (the machine, each Parallel branch, each Map
processor) holding states, each with its JSON pointer and effective query language.

Nothing here judges the definition: malformed parts are simply left out (a state that is not an
object has ``kind`` None, a branch that is not an object has no scope), and the checks that own
those fields report them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diagnostics import escape

JSONPATH, JSONATA = "JSONPath", "JSONata"
STATE_TYPES = ("Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map")
TERMINAL_TYPES = ("Choice", "Succeed", "Fail")   # states that take neither Next nor End


@dataclass(eq=False)
class State:
    name: str
    body: Any
    pointer: str                  # "/States/Foo", "/States/P/Branches/0/States/Foo"
    language: str                 # effective query language
    scope: "Scope"

    @property
    def kind(self) -> str | None:
        kind = self.body.get("Type") if isinstance(self.body, dict) else None
        return kind if kind in STATE_TYPES else None

    def at(self, *tokens) -> str:
        return self.pointer + "".join("/" + escape(str(t)) for t in tokens)


@dataclass(eq=False)
class Scope:
    source: dict
    pointer: str                  # "" for the machine, "/States/P/Branches/0" for a branch
    language: str
    kind: str                     # "machine", "branch" or "processor"
    owner: State | None = None    # the Parallel or Map state it belongs to
    distributed: bool = False     # a Distributed Map processor: a fresh variable scope
    states: dict[str, State] = field(default_factory=dict)
    children: list["Scope"] = field(default_factory=list)
    parent: "Scope | None" = None

    def at(self, *tokens) -> str:
        return self.pointer + "".join("/" + escape(str(t)) for t in tokens)


@dataclass
class Tree:
    root: Scope
    scopes: list[Scope]
    states: list[State]           # every state, in document order (names may repeat)


def language_of(source: dict, inherited: str) -> str:
    value = source.get("QueryLanguage", inherited)
    return value if value in (JSONPATH, JSONATA) else inherited


def build_tree(definition: dict) -> Tree:
    root = Scope(definition, "", language_of(definition, JSONPATH), "machine")
    tree = Tree(root, [], [])
    _fill(root, tree)
    return tree


def _fill(scope: Scope, tree: Tree):
    tree.scopes.append(scope)
    states = scope.source.get("States")
    if not isinstance(states, dict):
        return
    for name, body in states.items():
        language = language_of(body, scope.language) if isinstance(body, dict) else scope.language
        state = State(name, body, scope.at("States", name), language, scope)
        scope.states[name] = state
        tree.states.append(state)
        if not isinstance(body, dict):
            continue
        branches = body.get("Branches") if body.get("Type") == "Parallel" else None
        for i, branch in enumerate(branches if isinstance(branches, list) else []):
            if isinstance(branch, dict):
                _child(scope, tree, Scope(branch, state.at("Branches", i),
                                          language_of(branch, language), "branch", state))
        if body.get("Type") == "Map":
            for key in ("ItemProcessor", "Iterator"):
                processor = body.get(key)
                if isinstance(processor, dict):
                    config = processor.get("ProcessorConfig")
                    distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
                    _child(scope, tree, Scope(processor, state.at(key),
                                              language_of(processor, language), "processor",
                                              state, distributed))


def _child(parent: Scope, tree: Tree, child: Scope):
    child.parent = parent
    parent.children.append(child)
    _fill(child, tree)


def walk_strings(value: Any, where: str):
    """Every string inside a JSON value, with its pointer (keys are not visited)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from walk_strings(sub, f"{where}/{escape(str(key))}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from walk_strings(sub, f"{where}/{i}")
