"""Source text -> value, plus where each JSON pointer is in the text (line:column) and which
objects repeat a key.

JSON is read by ``json.loads`` (fast, in C); the position pass over the text runs only when a
diagnostic needs a position or the reader saw a repeated key, so a clean file costs one parse.
YAML is composed once with PyYAML; node marks give the positions and the composed mappings keep
repeated keys, which the constructor would silently drop. CloudFormation's short tags (``!Sub``,
``!Ref``, ``!GetAtt``...) load as their long forms (``{"Fn::Sub": ...}``).
"""
from __future__ import annotations

import bisect
import json
import re
from typing import Any, Callable

import yaml

from .diagnostics import escape


class SourceError(Exception):
    """The text is not valid JSON or YAML; ``line``/``column`` are 1-based (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


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


# ---- YAML ------------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader that reads CloudFormation's short intrinsic tags as their long forms."""


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


class YamlLocator(Locator):
    def __init__(self, root: yaml.Node, file: str):
        self.file = file
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
                return mark.line + 1, mark.column + 1
        return 0, 0

    def order(self, pointer: str) -> int:
        for where in ancestors(pointer):
            if where in self.order_of:
                return self.order_of[where]
        return 0

    def duplicates(self):
        return list(self.repeated)


def load_yaml(text: str, file: str) -> tuple[Any, YamlLocator | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        raise SourceError(f"not valid YAML: {problem}", mark.line + 1 if mark else 0,
                          mark.column + 1 if mark else 0) from None
    except RecursionError:
        raise SourceError("not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return value, (YamlLocator(node, file) if node is not None else None)


# ---- either ----------------------------------------------------------------------------------

def is_json_text(text: str, file: str) -> bool:
    """The loader's rule: text starting with '{' is JSON unless the file is named .yaml/.yml."""
    return text.lstrip().startswith(("{", "[")) and not file.endswith((".yaml", ".yml"))


def load_text(text: str, file: str) -> tuple[Any, Locator]:
    """Parse JSON or YAML text; raises SourceError."""
    if is_json_text(text, file):
        value, repeated = load_json(text)
        return value, JsonLocator(text, file, repeated=repeated)
    value, locator = load_yaml(text, file)
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
