"""Source text -> value, plus where each JSON pointer is in the text (line:column) and which
objects repeat a key. Every reader of aslsim (load, run, graph, validate, test) reads text here.

JSON is read by ``json.loads`` (fast, in C); the position pass over the text runs only when a
diagnostic needs a position or the reader saw a repeated key, so a clean file costs one parse.
YAML is composed once with PyYAML; node marks give the positions and the composed mappings keep
repeated keys, which the constructor would silently drop. CloudFormation's short tags (``!Sub``,
``!Ref``, ``!GetAtt``...) load as their long forms (``{"Fn::Sub": ...}``).

YAML is read with the YAML 1.2 core schema, as the deployment tools' readers do (js-yaml for the
Serverless Framework, Jackson for CloudFormation's Step Functions handler): ``Yes``, ``No``,
``On`` and ``Off`` and unquoted dates stay the strings the author wrote; only ``true``/``false``,
``null``/``~`` and numbers are typed. Aliases may not expand a document past
``MAX_EXPANDED_BYTES`` (a few hundred bytes of nested aliases can otherwise stand for gigabytes).
"""
from __future__ import annotations

import bisect
import json
import re
import sys
from typing import Any, Callable

import yaml

from ..definition.limits import DEFINITION_BYTES

# What aliases may expand a YAML document to: the largest definition AWS takes (CloudFormation's
# own template limit, 1 MB, is below it), so no real file comes near it.
MAX_EXPANDED_BYTES = DEFINITION_BYTES


def escape(token: str) -> str:
    """A JSON pointer reference token (RFC 6901: '~' -> '~0', '/' -> '~1')."""
    return token.replace("~", "~0").replace("/", "~1")


class SourceError(Exception):
    """The text is not valid JSON or YAML; ``line``/``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


class NotHere(SourceError):
    """The definition is not in the file (an S3 location, a value only known once deployed):
    ``load`` cannot compile it, ``validate`` says it is not checked. ``pointer`` is the field,
    relative to the machine's properties."""

    def __init__(self, message: str, line: int = 0, column: int = 0, *, pointer: str = ""):
        super().__init__(message, line, column)
        self.pointer = pointer


class Locator:
    """Maps a JSON pointer to (file, line, column, order); subclasses know the text."""

    file: str = "<string>"

    def position(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        return 0, 0

    def order(self, pointer: str) -> int:
        return 0

    def duplicates(self) -> list[tuple[str, str]]:
        """(pointer of the repeated member, key) for each key an object repeats."""
        return []


def ancestors(pointer: str):
    """The pointer, then each parent up to the root ""."""
    while True:
        yield pointer
        if not pointer:
            return
        pointer = pointer[:pointer.rfind("/")]


# ---- JSON ------------------------------------------------------------------------------------

_TOKEN = re.compile(r'[ \t\r\n]*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^ \t\r\n{}\[\]:,"]+))', re.S)


class _JsonIndex:
    """One pass over JSON text: pointer -> (key offset or -1, value offset), and repeated keys."""

    def __init__(self, text: str):
        self.text = text
        self.places: dict[str, tuple[int, int]] = {}
        self.order: dict[str, int] = {}
        self.repeated: list[tuple[str, str]] = []
        self.pos = 0
        try:
            self._value("", -1)
        except (IndexError, ValueError, AttributeError):
            pass   # positions are best effort; the text itself was already parsed

    def _token(self):
        m = _TOKEN.match(self.text, self.pos)
        self.pos = m.end()
        return m

    def _value(self, where: str, key_offset: int):
        m = self._token()
        self.places[where] = (key_offset, m.start(m.lastindex))
        self.order.setdefault(where, len(self.order))
        if m.group(2) == "{":
            seen = set()
            while True:
                m = self._token()
                if m.group(2) == "}":
                    return
                if m.group(2) == ",":
                    continue
                key = json.loads(m.group(1))
                child = f"{where}/{escape(key)}"
                self._token()   # ':'
                if key in seen:
                    self.repeated.append((child, key))
                    # the value of the last occurrence is the one json.loads keeps
                seen.add(key)
                self._value(child, m.start(1))
        elif m.group(2) == "[":
            index = 0
            while True:
                save = self.pos
                m = self._token()
                if m.group(2) == "]":
                    return
                if m.group(2) == ",":
                    continue
                self.pos = save
                self._value(f"{where}/{index}", -1)
                index += 1


class JsonLocator(Locator):
    """Positions in JSON text. ``to_line_col`` maps an offset in ``text`` to (line, column) of
    the file, for text that is embedded in another file (a template's DefinitionString)."""

    def __init__(self, text: str, file: str, to_line_col: Callable[[int], tuple[int, int]] | None = None,
                 *, repeated: bool = True):
        self.text = text
        self.file = file
        self.repeated = repeated      # whether the reader saw a repeated key (else none to find)
        self._index: _JsonIndex | None = None
        self._to_line_col = to_line_col or LineIndex(text).line_col

    @property
    def index(self) -> _JsonIndex:
        if self._index is None:
            self._index = _JsonIndex(self.text)
        return self._index

    def position(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        for where in ancestors(pointer):
            if where in self.index.places:
                key, value = self.index.places[where]
                # a missing member is shown at its parent's key ("Foo": {...} for /States/Foo/X)
                use_key = key >= 0 and (at_key or where != pointer)
                return self._to_line_col(key if use_key else value)
        return 0, 0

    def order(self, pointer: str) -> int:
        for where in ancestors(pointer):
            if where in self.index.order:
                return self.index.order[where]
        return 0

    def duplicates(self):
        return list(self.index.repeated) if self.repeated else []


class LineIndex:
    """Offset -> 1-based (line, column) in a text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def load_json(text: str) -> tuple[Any, bool]:
    """(value, whether some object repeats a key); raises SourceError."""
    repeated = False

    def pairs(items):
        nonlocal repeated
        obj = dict(items)
        if len(obj) != len(items):
            repeated = True
        return obj
    try:
        return json.loads(text, object_pairs_hook=pairs), repeated
    except json.JSONDecodeError as err:
        raise SourceError(f"not valid JSON: {err.msg}", err.lineno, err.colno) from None
    except RecursionError:
        raise SourceError("not valid JSON: nested too deeply") from None
    except ValueError as err:      # Python's guard on integer length (a 5000-digit number)
        raise SourceError(f"not valid JSON: {_too_long(err)}") from None


# ---- YAML ------------------------------------------------------------------------------------

class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2's core schema (yaml.org/spec/1.2.2, 10.3.2), plus the merge key ``<<``."""


for _tag, _pattern, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
        ("merge", r"^(?:<<)$", ["<"])):
    _CoreResolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)


class _Constructor(yaml.constructor.SafeConstructor):
    """The safe constructor with YAML 1.2's integers and floats (0o17, 0x1F; 1_000 is a string)."""

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text)

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node).lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        return float("nan") if text == ".nan" else float(text)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)


class CoreLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,
                 yaml.composer.Composer, _Constructor, _CoreResolver):
    """PyYAML's safe loader on YAML 1.2's core schema (also for ``aslsim test``'s case files)."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Constructor.__init__(self)
        _CoreResolver.__init__(self)

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return self.construct_document(node)


class _Loader(CoreLoader):
    """The core-schema loader reading CloudFormation's short intrinsic tags as their long forms."""


def _cfn_tag(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)       # !GetAtt Res.Attr is [Res, Attr]
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _cfn_tag)


def check_expansion(node: yaml.Node, text: str = "*") -> None:
    """Refuse a document whose aliases expand past MAX_EXPANDED_BYTES (SourceError)."""
    if "*" in text and expanded_size(node) > MAX_EXPANDED_BYTES:
        raise SourceError(f"not valid YAML: its aliases expand it past {MAX_EXPANDED_BYTES} "
                          "bytes, more than any state machine definition AWS accepts")


def expanded_size(root: yaml.Node) -> int:
    """Roughly the bytes of the document once every alias is expanded (computed once per node, so
    an alias bomb costs its size in nodes, not its expansion)."""
    sizes: dict[int, int] = {}
    order, todo = [], [root]
    while todo:                           # children before parents, each node once
        node = todo.pop()
        if id(node) in sizes:
            continue
        sizes[id(node)] = -1
        order.append(node)
        if isinstance(node, yaml.MappingNode):
            todo.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
    for node in reversed(order):
        if isinstance(node, yaml.ScalarNode):
            size = len(node.value) + 2
        elif isinstance(node, yaml.MappingNode):
            size = 2 + sum(sizes[id(k)] + sizes[id(v)] + 2 for k, v in node.value)
        else:
            size = 2 + sum(sizes[id(n)] + 1 for n in node.value)
        sizes[id(node)] = min(size, 1 << 62)
    return sizes[id(root)]


class YamlLocator(Locator):
    def __init__(self, root: yaml.Node, file: str,
                 to_line_col: Callable[[int], tuple[int, int]] | None = None):
        self.file = file
        self._to_line_col = to_line_col
        self.places: dict[str, tuple[Any, Any]] = {}
        self.order_of: dict[str, int] = {}
        self.repeated: list[tuple[str, str]] = []
        self.nodes: dict[str, yaml.Node] = {}
        self._walk(root, "", None)

    def _walk(self, node, where, key_node):
        self.places[where] = (key_node.start_mark if key_node else None, node.start_mark)
        self.order_of[where] = len(self.order_of)
        self.nodes[where] = node
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else str(k.value)
                child = f"{where}/{escape(key)}"
                if key in seen:
                    self.repeated.append((child, key))
                seen.add(key)
                self._walk(v, child, k)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, f"{where}/{i}", None)

    def position(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        for where in ancestors(pointer):
            if where in self.places:
                key_mark, value_mark = self.places[where]
                mark = key_mark if key_mark and (at_key or where != pointer) else value_mark
                if self._to_line_col is not None:
                    return self._to_line_col(mark.index)
                return mark.line + 1, mark.column + 1
        return 0, 0

    def order(self, pointer: str) -> int:
        for where in ancestors(pointer):
            if where in self.order_of:
                return self.order_of[where]
        return 0

    def duplicates(self):
        return list(self.repeated)


def load_yaml(text: str, file: str, to_line_col: Callable[[int], tuple[int, int]] | None = None
              ) -> tuple[Any, "YamlLocator | None"]:
    """(value, locator) of YAML text; raises SourceError. ``to_line_col`` maps an offset in
    ``text`` to the position in the file, when the text is not the file's own."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_expansion(node, text)
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if mark and to_line_col:
            line, column = to_line_col(mark.index)
        raise SourceError(f"not valid YAML: {problem}", line, column) from None
    except RecursionError:
        raise SourceError("not valid YAML: nested too deeply") from None
    except ValueError as err:
        raise SourceError(f"not valid YAML: {_too_long(err)}") from None
    finally:
        loader.dispose()
    return value, (YamlLocator(node, file, to_line_col) if node is not None else None)


def _too_long(err: ValueError) -> str:
    if "digits" in str(err):
        return f"a number has more than {sys.get_int_max_str_digits()} digits, more than aslsim reads"
    return str(err)


# ---- either ----------------------------------------------------------------------------------

def is_json_text(text: str, file: str) -> bool:
    """The loader's rule: text starting with '{' is JSON unless the file is named .yaml/.yml."""
    return text.lstrip().startswith(("{", "[")) and not file.endswith((".yaml", ".yml"))


def load_text(text: str, file: str, to_line_col: Callable[[int], tuple[int, int]] | None = None
              ) -> tuple[Any, Locator]:
    """Parse JSON or YAML text; raises SourceError (positions through ``to_line_col``)."""
    if is_json_text(text, file):
        try:
            value, repeated = load_json(text)
        except SourceError as err:
            if to_line_col is not None and err.line:
                offset = LineIndex(text).starts[err.line - 1] + max(err.column - 1, 0)
                err.line, err.column = to_line_col(offset)
            raise
        return value, JsonLocator(text, file, to_line_col, repeated=repeated)
    value, locator = load_yaml(text, file, to_line_col)
    return value, locator or Locator()


class ObjectLocator(Locator):
    """A definition given as a dict: no text, so no positions; document order from the dict."""

    def __init__(self, value: Any, file: str):
        self.file = file
        self.order_of: dict[str, int] = {}
        self._walk(value, "")

    def _walk(self, value, where):
        self.order_of[where] = len(self.order_of)
        if isinstance(value, dict):
            for key, sub in value.items():
                self._walk(sub, f"{where}/{escape(str(key))}")
        elif isinstance(value, list):
            for i, sub in enumerate(value):
                self._walk(sub, f"{where}/{i}")

    def order(self, pointer: str) -> int:
        for where in ancestors(pointer):
            if where in self.order_of:
                return self.order_of[where]
        return 0


class PrefixedLocator(Locator):
    """A definition embedded in a bigger document at ``prefix`` (a template's Definition)."""

    def __init__(self, inner: Locator, prefix: str):
        self.inner, self.prefix, self.file = inner, prefix, inner.file

    def position(self, pointer: str, at_key: bool = False):
        return self.inner.position(self.prefix + pointer, at_key)

    def order(self, pointer: str) -> int:
        return self.inner.order(self.prefix + pointer)

    def duplicates(self):
        n = len(self.prefix)
        return [(p[n:], k) for p, k in self.inner.duplicates() if p.startswith(self.prefix + "/")]
