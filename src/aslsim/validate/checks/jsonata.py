"""JSONata-mode fields: every ``{% %}`` string compiles (ASL401), ``$states.result`` /
``$states.errorOutput`` appear only where AWS provides them (ASL403), and no expression reads the
input document through ``$``, ``$$`` or a bare field name (ASL408).
"""
from __future__ import annotations

import random
import re
from functools import lru_cache

from ...definition import acceptance
from ...definition.variables import check_states_members
from ...errors import DefinitionError
from ...query import jsonata
from ...query.templates import is_expression
from ..tree import JSONATA, State, Tree, walk_strings

def check(tree: Tree, out) -> None:
    for state in tree.states:
        if state.language != JSONATA or not isinstance(state.body, dict) or state.kind is None:
            continue
        for path, value, allowed in acceptance.jsonata_fields(state.body):
            _field(state, state.at(*path), value, allowed, out)


def _field(state: State, where: str, value, allowed: set, out):
    for pointer, text in walk_strings(value, where):
        if not is_expression(text):
            problem = acceptance.expression_problem(text)
            if problem:
                out.add("ASL401", pointer, problem, state=state.name,
                        hint="close the expression with %}, or write the text without {%")
            continue
        expression = text[2:-2].strip()
        try:
            compiled = jsonata.compile_expression(expression)
        except jsonata.JsonataSyntaxError as err:
            out.add("ASL401", pointer, f"JSONata syntax error: {err.code}: {err.message}"
                    + (f" (at character {err.position} of the expression)" if err.position else ""),
                    state=state.name)
            continue
        try:
            check_states_members(expression, state.name, pointer, allowed)
        except DefinitionError as err:
            out.add("ASL403", pointer, err.message, state=state.name)
        _reads_input_document(state, pointer, compiled, out)


def _reads_input_document(state: State, where: str, compiled, out):
    """Step Functions evaluates JSONata with no input document: AWS refuses ``$``, ``$$`` and bare
    field names at the top level (UNSUPPORTED_JSONATA_EXPRESSION)."""
    # jlens's static analysis of what the expression reads of its input document: True (all of
    # it: "$", "$$"), {field: ...} (bare names), {} (nothing definite: an object constructor's
    # own context, and also "$count($)", which is therefore not reported) or absent.
    reads = compiled.input_reads()
    if reads is True and _calls_unknown_function(compiled.text):
        return  # the analysis assumes an unknown function reads all its context: no conclusion
    if reads is True:
        out.add("ASL408", where, "the expression reads '$' or '$$', the input document, which "
                "JSONata expressions in Step Functions do not have", state=state.name,
                hint="read the state input as $states.input (and the Context object as "
                     "$states.context)")
    elif isinstance(reads, dict) and reads:
        names = ", ".join(f"'{name}'" for name in reads)
        out.add("ASL408", where, f"reference to {names} at the top level is not supported: "
                "through '$', '$$' or a bare field name it reads the input document, which "
                "JSONata expressions in Step Functions do not have", state=state.name,
                hint=f"write $states.input.{next(iter(reads))} (or $name for a variable)")


_CALL = re.compile(r"\$(\w+)\s*\(")


def _calls_unknown_function(text: str) -> bool:
    """Whether the expression calls a function that is neither built in (JSONata's and AWS's)
    nor bound by the expression itself; AWS accepts such a call at creation."""
    return any(not _is_function(name) and not re.search(rf"\${name}\s*:=", text)
               for name in set(_CALL.findall(text)))


@lru_cache(maxsize=None)
def _is_function(name: str) -> bool:
    probe = jsonata.compile_expression(f"$type(${name})")
    return probe.evaluate({}, now_ms=0, rng=random.Random(0)) == "function"
