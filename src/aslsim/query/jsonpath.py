"""JSONPath as Step Functions uses it: paths, reference paths and payload templates, compiled once.

A path reads from one of three roots: ``$`` (the data), ``$$`` (the Context object) or ``$name``
(a workflow variable). Paths made only of names and indexes are *definite* and yield one value;
they are evaluated here by walking a tuple of steps, which is what almost every real workflow uses
and what must be fast. Any other path (wildcards, slices, filters, unions, ``..``) is *indefinite*:
Step Functions (Jayway JSONPath underneath) returns the list of matches, and we leave the matching
to python-jsonpath.

At run time a path is evaluated against ``(data, env)`` where ``env`` is the engine's view of the
running state: ``env.context`` (the Context object), ``env.variables`` (a mapping) and
``env.random`` (a seeded ``random.Random``). A path used as a value (``PathValue``: a ``key.$``
field, an intrinsic's argument) reads ``env.document``, the value ``$`` stands for where it is
written (see ``templates``).
"""
from __future__ import annotations

import json
import re
from typing import Any

import jsonpath as _jsonpath

from .. import jsonvalues
from ..errors import DefinitionError, StatesError, runtime_error

_VARIABLE_ROOT = re.compile(r"\$([^\W\d]\w*)")   # a Unicode identifier
_DOT_NAME = re.compile(r"\.([^.\[\]\s()'\"*?@]+)")
_INDEX = re.compile(r"\[\s*(\d+)\s*\]")
_QUOTED = re.compile(r"\[\s*(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")\s*\]")

INPUT, CONTEXT, VARIABLE = "input", "context", "variable"

class _Environment(_jsonpath.JSONPathEnvironment):
    """python-jsonpath, evaluating as Jayway: a deep scan ('..') reaches as deep as any value
    aslsim takes (python-jsonpath stops at 100), and a slice selects from arrays, never the
    characters of a string."""

    max_recursion_depth = jsonvalues.MAX_DEPTH

    def getitem(self, obj: Any, key: Any) -> Any:
        if isinstance(obj, str) and isinstance(key, slice):
            return ()
        return super().getitem(obj, key)


_ENV = _Environment()


class PathNotFound(Exception):
    """A definite path that matched nothing; ``detail`` is Jayway's wording for AWS's messages."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(detail)


# JSON text as AWS prints payloads: compact, UTF-8 kept (one encoder, made once)
dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _unescape(text: str, quote: str) -> str:
    # Jayway keeps other backslashes literally: only the escaped quote itself is unescaped
    # (recorded: the path $['Test\""Name"'] reads the key Test\""Name").
    return text.replace("\\" + quote, quote)


def _parse_steps(rest: str) -> tuple | None:
    """Names and indexes after the root, or None when the path needs a full JSONPath engine."""
    steps = []
    pos = 0
    while pos < len(rest):
        m = _DOT_NAME.match(rest, pos)
        if m:
            steps.append(m.group(1))
        else:
            m = _INDEX.match(rest, pos)
            if m:
                steps.append(int(m.group(1)))
            else:
                m = _QUOTED.match(rest, pos)
                if not m:
                    return None
                if m.group(1) is not None:
                    steps.append(_unescape(m.group(1), "'"))
                else:
                    steps.append(_unescape(m.group(2), '"'))
        pos = m.end()
    return tuple(steps)


# Jayway (the JSONPath library under Step Functions) reads a '.' followed by '[' as the bracket
# itself ($.[0], $.['key'], $.Snapshots.[0].State: PathCompiler.readDotToken), and the deployed
# samples compare with unquoted words in filters ([?(@.Name==Receipt)]). Both are rewritten to
# the common form before compiling; messages keep the author's text.
_FILTER_WORD = re.compile(r"(==|!=|<=|>=|<|>)(\s*)([A-Za-z_][A-Za-z0-9_-]*)(?=\s*(?:\)|&&|\|\|))")
_LITERAL_WORDS = {"true", "false", "null"}
_FUNCTION = re.compile(r"\.([A-Za-z]+)\((?:[^()'\"]|'[^']*'|\"[^\"]*\")*\)$")
_NAMES_UNION = re.compile(r"\[\s*'(?:[^'\\]|\\.)*'(?:\s*,\s*'(?:[^'\\]|\\.)*')+\s*\]$")


def jayway_syntax(rest: str) -> str:
    """``rest`` (a path after its root) in the form python-jsonpath and the step parser read."""
    out, i, depth, quote = [], 0, 0, None
    while i < len(rest):
        ch = rest[i]
        if quote:
            if ch == "\\" and i + 1 < len(rest):
                out.append(rest[i:i + 2])
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "[":
            if depth == 0 and out and out[-1] == "." and (len(out) < 2 or out[-2] != "."):
                out.pop()          # $.[0] is $[0]; $..[0] stays a deep scan
            depth += 1
        elif ch == "]":
            depth -= 1
        out.append(ch)
        i += 1
    text = "".join(out)
    if "[?" in text:
        text = _FILTER_WORD.sub(lambda m: m.group(0) if m.group(3) in _LITERAL_WORDS
                                else f"{m.group(1)}{m.group(2)}'{m.group(3)}'", text)
    return text


def normalized(steps) -> str:
    """Jayway's normalised form of a path, as AWS quotes it: ``$['a']['b'][0]``."""
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f"['{s}']" for s in steps)


def _type_name(value: Any) -> str:
    if isinstance(value, list):
        return "net.minidev.json.JSONArray"
    if isinstance(value, dict):
        return "java.util.LinkedHashMap"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, int):
        return "java.lang.Integer"
    if isinstance(value, float):
        return "java.lang.Double"
    return "null"


def walk(value: Any, steps: tuple) -> Any:
    """Follow definite steps; raises PathNotFound with Jayway's wording when a step is missing."""
    last = len(steps) - 1
    for i, step in enumerate(steps):
        if isinstance(step, str):
            if isinstance(value, dict):
                if step in value:
                    value = value[step]
                    continue
                if i == last:
                    raise PathNotFound(f"No results for path: {normalized(steps)}")
                raise PathNotFound(f"Missing property in path {normalized(steps[:i + 1])}")
            raise PathNotFound(
                f"Expected to find an object with property ['{step}'] in path "
                f"{normalized(steps[:i])} but found '{_type_name(value)}'. "
                "This is not a json object according to the JsonProvider: "
                "'com.jayway.jsonpath.spi.json.JsonSmartJsonProvider'.")
        if isinstance(value, list) and step < len(value):
            value = value[step]
            continue
        raise PathNotFound(f"No results for path: {normalized(steps[:i + 1])}")
    return value


class Path:
    """A compiled read path (``$...``, ``$$...`` or ``$var...``)."""

    __slots__ = ("text", "root", "variable", "steps", "_matcher", "definite", "_names", "_prefix",
                 "_function")

    def __init__(self, text: str):
        self.text = text
        if text.startswith("$$"):
            self.root, self.variable, rest = CONTEXT, None, text[2:]
        else:
            m = _VARIABLE_ROOT.match(text)
            if m:
                self.root, self.variable, rest = VARIABLE, m.group(1), text[m.end():]
            elif text.startswith("$"):
                self.root, self.variable, rest = INPUT, None, text[1:]
            else:
                raise DefinitionError(f"The value '{text}' is not a valid JSONPath: it must start with '$'")
        rest = jayway_syntax(rest.strip())
        self._names = self._prefix = None
        # Jayway's path functions ($.items.length(), .sum()): CreateStateMachine accepts them
        # and the state fails when it runs, "The JSONPath ... could not be found in the input"
        # (re:Post, "sum() function returns error about not finding path")
        function = _FUNCTION.search(rest)
        self._function = function.group(1) if function else None
        if function:
            rest = rest[:function.start()]
        union = _NAMES_UNION.search(rest)
        if union:
            # ['a', 'b'] last: Jayway gives each match's object cut down to those keys
            self._names = tuple(_unescape(n, "'") for n in re.findall(r"'((?:[^'\\]|\\.)*)'",
                                                                        union.group(0)))
            root = {CONTEXT: "$$", INPUT: "$"}.get(self.root) or f"${self.variable}"
            self._prefix = Path(root + rest[:union.start()]) if union.start() > 0 else None
        self.steps = _parse_steps(rest)
        self.definite = self.steps is not None
        self._matcher = None
        if not self.definite and self._names is None:
            try:
                self._matcher = _ENV.compile("$" + rest)
            except Exception as err:  # the library's own syntax errors
                raise DefinitionError(f"The value '{text}' is not a valid JSONPath: {err}") from None

    def root_value(self, data: Any, env) -> Any:
        if self.root is INPUT:
            if data is None:
                # AWS (Jayway) refuses to read a path from a null state input (recorded in the
                # WordPress pipeline: OutputPath "$.Payload" of a function that returned nothing)
                raise runtime_error("Unable to apply Path transformation to null or empty input.")
            return data
        if self.root is CONTEXT:
            return env.context
        try:
            return env.variables[self.variable]
        except KeyError:
            raise runtime_error(f"Invalid path '{self.text}': The variable '{self.variable}' "
                                "is not defined.") from None

    def evaluate(self, data: Any, env) -> Any:
        """The value at this path; raises PathNotFound when a definite path matches nothing."""
        if self._function is not None:
            self.root_value(data, env)
            raise PathNotFound(f"Function {self._function}() is not supported")
        if self._names is not None:
            return self._pick_names(data, env)
        value = self.root_value(data, env)
        if self.definite:
            return walk(value, self.steps) if self.steps else value
        return _find_all(self._matcher, value, self.text)

    def _pick_names(self, data, env):
        if self._prefix is None:
            found, single = self.root_value(data, env), True
        else:
            found, single = self._prefix.evaluate(data, env), self._prefix.definite
        def pick(value):
            return {k: value[k] for k in self._names if k in value}
        if single:
            return pick(found) if isinstance(found, dict) else []
        return [pick(v) for v in found if isinstance(v, dict)]

    def __repr__(self) -> str:
        return f"Path({self.text!r})"


def _find_all(matcher, value: Any, text: str) -> list:
    """Every match of an indefinite path. A string is a value here, never a JSON document to
    parse (python-jsonpath parses a str it is given): nothing inside a string matches."""
    if isinstance(value, str):
        return []
    try:
        return matcher.findall(value)
    except RecursionError:       # python-jsonpath's own bound on '..' (JSONPathRecursionError)
        raise runtime_error(f"The JSONPath '{text}' could not be evaluated: the data nests deeper "
                            f"than the {_ENV.max_recursion_depth} levels "
                            "a deep scan ('..') reads") from None


def compile_path(text: str) -> Path:
    """Compile a Path: any JSONPath, rooted at ``$``, ``$$`` or a variable."""
    if not isinstance(text, str):
        raise DefinitionError(f"expected a JSONPath string, got {json.dumps(text)}")
    return Path(text)


class ReferencePath:
    """A path that names one place (ResultPath): names and indexes only, rooted at ``$``."""

    __slots__ = ("text", "steps")

    def __init__(self, text: str):
        if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
            raise DefinitionError(f"The value {json.dumps(text)} is not a valid ReferencePath")
        steps = _parse_steps(jayway_syntax(text[1:].strip()))
        if steps is None:
            raise DefinitionError(
                f"The value '{text}' is not a valid ReferencePath: only names and indexes are allowed")
        self.text = text
        self.steps = steps

    def apply(self, data: Any, value: Any) -> Any:
        """A copy of ``data`` with ``value`` placed at this path, creating missing objects.

        Values are never changed in place: only the containers along the path are copied.
        """
        steps = self.steps
        if not steps:
            return value
        if len(steps) == 1 and type(data) is dict and type(steps[0]) is str:
            copy = dict(data)       # the common case, ResultPath "$.name", without recursion
            copy[steps[0]] = value
            return copy
        return self._put(data, 0, value)

    def _put(self, node: Any, i: int, value: Any) -> Any:
        step = self.steps[i]
        last = i == len(self.steps) - 1
        if isinstance(step, str):
            if node is None:
                node = {}
            if not isinstance(node, dict):
                raise StatesError("States.ResultPathMatchFailure",
                                  f"Unable to apply ReferencePath {self.text} to input {dumps(node)}",
                                  prefix_state=False)
            copy = dict(node)
            copy[step] = value if last else self._put(node.get(step), i + 1, value)
            return copy
        if isinstance(node, list) and step < len(node):
            copy = list(node)
            copy[step] = value if last else self._put(node[step], i + 1, value)
            return copy
        raise StatesError("States.ResultPathMatchFailure",
                          f"Unable to apply ReferencePath {self.text} to input {dumps(node)}")


def compile_reference_path(text: str) -> ReferencePath:
    return ReferencePath(text)


_MISSES = (KeyError, TypeError, IndexError, AttributeError)


def _indexing(steps: tuple, root: str) -> str:
    """Python source indexing ``root`` along ``steps``: a name indexes anything (a list or a
    string refuses it with TypeError, as Jayway finds nothing there); a position indexes only
    a list (``_list`` refuses the rest)."""
    source = root
    for i, step in enumerate(steps):
        source = f"{source}[s{i}]" if type(step) is str else f"_list({source})[s{i}]"
    return source


def _list(value):
    if type(value) is not list:
        raise TypeError
    return value


def _generated(source: str, steps: tuple, **names):
    namespace = {"_list": _list, "_MISSES": _MISSES, **names,
                 **{f"s{i}": step for i, step in enumerate(steps)}}
    exec(source, namespace)
    return namespace["read"]


def inline_reader(path: Path, tag: str) -> tuple[str, dict] | None:
    """Python source of an expression reading ``path`` by plain indexing from ``data`` (the
    document) and ``env``, and the names it uses (each starting with ``tag``); None when the
    path needs more than indexing. The expression raises one of ``_MISSES`` where
    ``compile_reader``'s function would ask ``evaluate``."""
    if not path.definite or path._names is not None or path._function is not None:
        return None
    steps = path.steps
    names: dict = {}
    if path.root is INPUT:
        if not steps:
            return None        # "$" of a null document fails: a read, not an index
        root = "data"
    elif path.root is CONTEXT:
        if steps[:2] == ("Map", "Item") and len(steps) > 2:
            root, steps = "env.map_item", steps[2:]
        else:
            root = "env.context"
    else:
        root = f"env.variables[{tag}v]"
        names[f"{tag}v"] = path.variable
    source = root
    for i, step in enumerate(steps):
        names[f"{tag}_{i}"] = step
        source = f"{source}[{tag}_{i}]" if type(step) is str else f"_list({source})[{tag}_{i}]"
    return source, names


def compile_reader(path: Path, *, document: bool = False, slow=None):
    """A function for ``path`` that reads as ``path.evaluate`` does, but by plain indexing.

    It takes ``(data, env)``, or ``(env)`` reading ``env.document`` when ``document`` is true.
    Only when indexing fails is ``evaluate`` asked, so that the error is worded as Jayway words
    it; a ``$$.Map.Item`` path reads ``env.map_item`` (an ItemSelector's) without building the
    Context object. ``slow(data, env)`` replaces ``path.evaluate`` when indexing fails.
    """
    slow = path.evaluate if slow is None else slow
    if not path.definite or path._names is not None or path._function is not None:
        return (lambda env: slow(env.document, env)) if document else slow
    steps = path.steps
    head = "def read(env):\n    data = env.document\n" if document else "def read(data, env):\n"
    call = "slow(data, env)"
    if path.root is INPUT:
        if not steps:
            body = f"    return {call} if data is None else data\n"
            return _generated(head + body, steps, slow=slow)
        source = _indexing(steps, "data")
    elif path.root is CONTEXT:
        if steps[:2] == ("Map", "Item") and len(steps) > 2:
            source = _indexing(steps[2:], "env.map_item")
            steps = steps[2:]
        else:
            source = _indexing(steps, "env.context")
    else:
        source = _indexing(steps, "env.variables[variable]")
    body = f"    try:\n        return {source}\n    except _MISSES:\n        return {call}\n"
    return _generated(head + body, steps, slow=slow, variable=path.variable)


class PathValue:
    """A path used as a value (a ``key.$`` field, an intrinsic argument): it reads
    ``env.document`` and fails as AWS words it when it finds nothing."""

    __slots__ = ("path", "field", "resolve")

    def __init__(self, path: Path, field: str | None):
        self.path = path
        self.field = field

        def evaluate(data, env):
            try:
                return path.evaluate(data, env)
            except PathNotFound:
                where = f" specified for the field '{field}'" if field else ""
                raise runtime_error(f"The JSONPath '{path.text}'{where} could not be found in "
                                    f"the input '{dumps(data)}'") from None
        self.resolve = compile_reader(path, document=True, slow=evaluate)


def json_type(value: Any) -> str:
    """The JSON type name of a value: null, boolean, number, string, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
