"""JSONPath-mode fields: paths, reference paths, intrinsic functions and payload templates
(ASL301-305). Each value is compiled with the engine's own compilers (query/jsonpath.py,
query/intrinsics.py), so what passes here is what ``aslsim.load`` and the engine accept.
"""
from __future__ import annotations

import difflib
import re

from ...errors import DefinitionError
from ...query.intrinsics import FUNCTIONS
from ...query.jsonpath import compile_path, compile_reference_path
from ...query.templates import compile_dynamic_value
from ..diagnostics import escape
from ..tree import JSONPATH, State, Tree

# Fields whose value is a Path (null allowed where AWS gives null a meaning).
_NULLABLE_PATHS = ("InputPath", "OutputPath")
_PATHS = ("ItemsPath",)
# Fields that read one value (a number or a timestamp): Reference Paths, no wildcards or filters
_ONE_VALUE_PATHS = ("TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath", "TimestampPath",
                    "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath")
_DYNAMIC = ("ErrorPath", "CausePath")
_TEMPLATES = ("Parameters", "ResultSelector", "ItemSelector", "Credentials", "Assign")
# Distributed Map sub-objects: (object, field) -> what the field is
_NESTED_TEMPLATES = {("ItemReader", "Parameters"): "template", ("ItemBatcher", "BatchInput"): "template",
           ("ResultWriter", "Parameters"): "template",
           ("ItemBatcher", "MaxItemsPerBatchPath"): "one value",
           ("ItemBatcher", "MaxInputBytesPerBatchPath"): "one value"}


# A string a template key without '.$' holds that was surely meant to be evaluated: a path into
# the input or the Context object ($.x, $$.x, $[0]) or an intrinsic call. "$name" alone is not
# included: it is as often a literal (a price, a shell variable) as a forgotten variable read.
_LOOKS_DYNAMIC = re.compile(r"\$\$?(?:\.|\[)|States\.[A-Za-z]+\(.*\)$", re.S)
_UNKNOWN_FUNCTION = re.compile(r"'(States\.[A-Za-z0-9]+)' is not an intrinsic function")


def first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def check(tree: Tree, out) -> None:
    for state in tree.states:
        if state.language != JSONPATH or not isinstance(state.body, dict) or state.kind is None:
            continue
        body = state.body
        for key in _NULLABLE_PATHS:
            if key in body and body[key] is not None:
                path(state, state.at(key), body[key], out)
        for key in _PATHS:
            if key in body:
                path(state, state.at(key), body[key], out)
        for key in _ONE_VALUE_PATHS:
            if key in body:
                path(state, state.at(key), body[key], out, one_value=True)
        if "ResultPath" in body and body["ResultPath"] is not None:
            reference_path(state, state.at("ResultPath"), body["ResultPath"], out)
        for key in _DYNAMIC:
            if key in body:
                dynamic(state, state.at(key), key, body[key], out)
        for key in _TEMPLATES:
            if key in body:
                template(state, state.at(key), body[key], out)
        _rules_and_catchers(state, body, out)
        _distributed(state, body, out)


def _rules_and_catchers(state: State, body, out):
    choices = body.get("Choices") if state.kind == "Choice" else None
    for i, rule in enumerate(choices if isinstance(choices, list) else []):
        if isinstance(rule, dict) and "Assign" in rule:
            template(state, state.at("Choices", i, "Assign"), rule["Assign"], out)
    catchers = body.get("Catch")
    for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if not isinstance(catcher, dict):
            continue
        if catcher.get("ResultPath") is not None:
            reference_path(state, state.at("Catch", i, "ResultPath"), catcher["ResultPath"], out)
        if "Assign" in catcher:
            template(state, state.at("Catch", i, "Assign"), catcher["Assign"], out)


def _distributed(state: State, body, out):
    for (owner, key), what in _NESTED_TEMPLATES.items():
        holder = body.get(owner)
        if isinstance(holder, dict) and key in holder:
            where = state.at(owner, key)
            if what == "template":
                template(state, where, holder[key], out)
            else:
                path(state, where, holder[key], out, one_value=True)
    reader = body.get("ItemReader")
    config = reader.get("ReaderConfig") if isinstance(reader, dict) else None
    if isinstance(config, dict) and "MaxItemsPath" in config:
        path(state, state.at("ItemReader", "ReaderConfig", "MaxItemsPath"), config["MaxItemsPath"], out,
             one_value=True)


def path(state: State, where: str, value, out, *, one_value: bool = False) -> bool:
    """Report an invalid Path (or, with ``one_value``, one that can select several values)."""
    try:
        compiled = compile_path(value)
    except DefinitionError as err:
        code = "ASL301" if isinstance(value, str) else "ASL103"
        out.add(code, where, first_line(err.message), state=state.name,
                hint="a path starts with $ (the state input), $$ (the Context object) or "
                     "$name (a variable)" if isinstance(value, str) and not value.startswith("$") else None)
        return False
    if one_value and not compiled.definite:
        out.add("ASL302", where, f"'{value}' can select more than one value; this field reads one "
                "(a reference path: names and indexes only)", state=state.name)
        return False
    return True


def reference_path(state: State, where: str, value, out):
    try:
        compile_reference_path(value)
    except DefinitionError as err:
        out.add("ASL302", where, first_line(err.message), state=state.name,
                hint="a reference path names one place: $.a.b, $['a'], $.list[0]")


def dynamic(state: State, where: str, key: str, value, out):
    """The value of a ``key.$`` field (or ErrorPath/CausePath): a path or an intrinsic."""
    try:
        compile_dynamic_value(value, key)
    except DefinitionError as err:
        text = value.strip() if isinstance(value, str) else ""
        if text.startswith("$"):
            code = "ASL301"
        elif text.startswith("States."):
            code = "ASL303"
        else:
            code = "ASL305"
        hint, message = None, first_line(err.message)
        unknown = _UNKNOWN_FUNCTION.search(message)
        if unknown:
            close = difflib.get_close_matches(unknown.group(1), list(FUNCTIONS), n=1, cutoff=0.6)
            message = f"'{unknown.group(1)}' is not an intrinsic function"
            hint = f"did you mean {close[0]}?" if close else "the functions are " + ", ".join(FUNCTIONS)
        if code == "ASL305":
            hint = ("remove '.$' from the key to use the value as it is" if key.endswith(".$")
                    else "give a path ($...) or an intrinsic function (States.Format(...))")
        out.add(code, where, message, state=state.name, hint=hint)


def _literal_dynamic(state: State, where: str, key: str, value: str, out):
    try:
        compile_dynamic_value(value, key + ".$")
    except DefinitionError:
        return  # not a valid path or intrinsic either: most likely meant as text
    kind = "an intrinsic function" if value.startswith("States.") else "a path"
    out.add("ASL306", where, f"'{key}' holds {kind} ('{value}') but its key does not end in "
            "'.$', so it is passed as the literal text", state=state.name,
            hint=f"write \"{key}.$\" to evaluate it")


def template(state: State, where: str, value, out):
    """A payload template: ``.$`` values compiled, keys unique once ``.$`` is removed."""
    if isinstance(value, dict):
        names: dict[str, str] = {}
        for key, sub in value.items():
            child = f"{where}/{escape(key)}"
            if key.endswith(".$"):
                name = key[:-2]
                dynamic(state, child, key, sub, out)
            else:
                name = key
                template(state, child, sub, out)
                if isinstance(sub, str) and _LOOKS_DYNAMIC.match(sub):
                    _literal_dynamic(state, child, key, sub, out)
            if name in names:
                out.add("ASL304", child, f"the keys '{names[name]}' and '{key}' are both '{name}' "
                        "once '.$' is removed", state=state.name, at_key=True)
            else:
                names[name] = key
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            template(state, f"{where}/{i}", sub, out)
