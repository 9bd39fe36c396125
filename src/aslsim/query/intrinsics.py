"""Intrinsic functions (``States.Format(...)`` and friends), parsed once and evaluated by walking.

An intrinsic is compiled into a small tree: literals, paths (compiled with ``compile_path``) and
calls. What AWS refuses at CreateStateMachine (bad syntax, an unknown name, a wrong argument count
where the count is fixed, nesting deeper than 10) raises DefinitionError here; everything that
depends on the data is checked at run time and fails with ``States.IntrinsicFailure``.

Step Functions runs on Java, and it shows wherever a value becomes text: numbers are printed as
Java's ``Double.toString`` prints them and ``States.Format`` prints objects and arrays as Java's
``Map``/``List`` ``toString`` (recorded: ``{Arg1=1, Arg2=[]}``).
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import uuid
from decimal import Decimal
from random import Random
from typing import Any, Callable

from ..errors import DefinitionError, StatesError
from .jsonpath import PathValue, compile_path, json_type

MAX_DEPTH = 10           # "You can nest up to 10 intrinsic functions within a field" (DG)
MAX_ARRAY_RANGE = 1000   # "The newly generated array can't contain more than 1000 items" (DG)
MAX_INPUT_CHARS = 10000  # Base64Encode/Base64Decode/Hash: "up to 10,000 characters" (DG)

_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}
_ORDINALS = ("first", "second", "third")


def _failure(cause: str) -> StatesError:
    return StatesError("States.IntrinsicFailure", cause)


# --- values as Java prints them ---------------------------------------------------------------

def java_number(value: int | float) -> str:
    """A number as Java prints it: integers as digits, doubles as ``Double.toString`` does."""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    if 1e-3 <= abs(value) < 1e7:
        return repr(value)  # shortest round-trip digits, always with a '.': as Java's
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) - 1 + exponent
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def _json_string(text: str) -> str:
    # Jackson escapes only '"', '\\' and control characters (\uXXXX in upper case); the rest,
    # non-ASCII included, is written as is.
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch < " ":
            out.append(_SHORT_ESCAPES.get(ch) or f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def to_json_text(value: Any) -> str:
    """Compact JSON text as Step Functions (Jackson) writes it."""
    if isinstance(value, str):
        return _json_string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return java_number(value)
    if isinstance(value, list):
        return "[" + ",".join(to_json_text(v) for v in value) + "]"
    return "{" + ",".join(f"{_json_string(k)}:{to_json_text(v)}" for k, v in value.items()) + "}"


def format_value(value: Any) -> str:
    """A value as States.Format inserts it: strings bare, containers as Java's toString."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return java_number(value)
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}={format_value(v)}" for k, v in value.items()) + "}"


def _identity(value: Any):
    """A hashable key equal for values Java's equals() finds equal (1 and 1.0 and true differ)."""
    if isinstance(value, bool) or value is None:
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, float):
        return ("f", repr(value))
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("l", tuple(_identity(v) for v in value))
    return ("o", frozenset((k, _identity(v)) for k, v in value.items()))


# --- argument checks --------------------------------------------------------------------------

def _arg(name: str, i: int) -> str:
    return f"the {_ORDINALS[i] if i < len(_ORDINALS) else f'#{i + 1}'} argument of {name}"


def _want_array(name: str, args: list, i: int) -> list:
    if not isinstance(args[i], list):
        raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must be an array, "
                       f"but got {json_type(args[i])} {to_json_text(args[i])}")
    return args[i]


def _want_string(name: str, args: list, i: int, *, limit: int | None = None) -> str:
    value = args[i]
    if not isinstance(value, str):
        raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must be a string, "
                       f"but got {json_type(value)} {to_json_text(value)}")
    if limit is not None and len(value) > limit:
        raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must not be longer than "
                       f"{limit} characters, but has {len(value)}")
    return value


def _want_integer(name: str, args: list, i: int) -> int:
    # AWS rounds numbers with a fraction the way Java's Math.round does (half up, towards
    # +infinity): recorded, States.MathAdd(1.5, 1.51) is 4 and States.MathAdd(-2.5, 0) is -2.
    value = args[i]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must be an integer, "
                       f"but got {json_type(value)} {to_json_text(value)}")
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must be an integer")
    floor = math.floor(value)
    return floor + 1 if value - floor >= 0.5 else floor


# --- the functions ----------------------------------------------------------------------------

def _format(args, env, template=None):
    name = "States.Format"
    if template is None:  # the template came from a path or a call: no escapes to honour
        template = _want_string(name, args, 0).split("{}")
    values = args[1:]
    if len(template) - 1 != len(values):
        raise _failure(f"Invalid arguments in {name}: the template has {len(template) - 1} "
                       f"placeholder(s) '{{}}' but {len(values)} value(s) were given")
    out = [template[0]]
    for value, piece in zip(values, template[1:]):
        out.append(format_value(value))
        out.append(piece)
    return "".join(out)


def _formatter(pieces: list, resolvers: tuple):
    """States.Format of a literal template with as many values as placeholders, as one function:
    the values resolved in order, each inserted as ``_format`` inserts it."""
    first, rest = pieces[0], tuple(zip(resolvers, pieces[1:]))

    def resolve(env):
        out = [first]
        for value_of, piece in rest:
            value = value_of(env)
            out.append(value if type(value) is str else format_value(value))
            out.append(piece)
        return "".join(out)
    return resolve


def _reject_constant(text: str):
    raise ValueError(f"'{text}' is not JSON")


def _string_to_json(args, env):
    text = _want_string("States.StringToJson", args, 0)
    if not text.strip():
        return None  # recorded: AWS turns "" and " " into null
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError as err:
        raise _failure(f"Invalid arguments in States.StringToJson: the string {_json_string(text)} "
                       f"is not valid JSON ({err})") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _failure("Invalid arguments in States.StringToJson: the number is out of range")
    return value


def _json_to_string(args, env):
    return to_json_text(args[0])


def _array(args, env):
    return list(args)


def _array_partition(args, env):
    name = "States.ArrayPartition"
    array = _want_array(name, args, 0)
    size = _want_integer(name, args, 1)
    if size <= 0:
        raise _failure(f"Invalid arguments in {name}: the chunk size must be a positive integer, "
                       f"but got {size}")
    return [array[i:i + size] for i in range(0, len(array), size)]


def _array_contains(args, env):
    array = _want_array("States.ArrayContains", args, 0)
    wanted = _identity(args[1])
    return any(_identity(item) == wanted for item in array)


def _array_range(args, env):
    name = "States.ArrayRange"
    first, last, step = (_want_integer(name, args, i) for i in range(3))
    if step == 0:
        raise _failure(f"Invalid arguments in {name}: the step must not be 0")
    count = max(0, (last - first) // step + 1)
    if count > MAX_ARRAY_RANGE:
        raise _failure(f"Invalid arguments in {name}: the result would have {count} items; "
                       f"arrays cannot contain more than {MAX_ARRAY_RANGE} items")
    return [first + i * step for i in range(count)]


def _array_get_item(args, env):
    name = "States.ArrayGetItem"
    array = _want_array(name, args, 0)
    index = _want_integer(name, args, 1)
    if not 0 <= index < len(array):
        raise _failure(f"Invalid arguments in {name}: the index {index} is out of bounds for an "
                       f"array of length {len(array)}")
    return array[index]


def _array_length(args, env):
    return len(_want_array("States.ArrayLength", args, 0))


def _array_unique(args, env):
    seen = set()
    unique = []
    for item in _want_array("States.ArrayUnique", args, 0):
        key = _identity(item)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _base64_encode(args, env):
    text = _want_string("States.Base64Encode", args, 0, limit=MAX_INPUT_CHARS)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _base64_decode(args, env):
    # "MIME Base64 decoding scheme" (DG), as Java's MIME decoder reads it: characters outside
    # the alphabet are skipped, '=' ends the data and the padding itself is optional.
    text = _want_string("States.Base64Decode", args, 0, limit=MAX_INPUT_CHARS)
    data = re.sub(r"[^A-Za-z0-9+/=]", "", text).split("=", 1)[0]
    if len(data) % 4 == 1:
        raise _failure(f"Invalid arguments in States.Base64Decode: the string {_json_string(text)} "
                       "is not valid Base64: its last unit does not have enough valid bits")
    raw = base64.b64decode(data + "=" * (-len(data) % 4))
    return raw.decode("utf-8", errors="replace")  # Java's new String(bytes, UTF_8) replaces too


def _hash(args, env):
    name = "States.Hash"
    data = _want_string(name, args, 0, limit=MAX_INPUT_CHARS)
    algorithm = args[1]
    if algorithm not in _HASHES:
        raise _failure(f"Invalid arguments in {name}: the hash algorithm {to_json_text(algorithm)} "
                       f"is not supported; use one of {', '.join(_HASHES)}")
    return hashlib.new(_HASHES[algorithm], data.encode("utf-8")).hexdigest()


def _json_merge(args, env):
    name = "States.JsonMerge"
    for i in (0, 1):
        if not isinstance(args[i], dict):
            raise _failure(f"Invalid arguments in {name}: {_arg(name, i)} must be a JSON object, "
                           f"but got {json_type(args[i])} {to_json_text(args[i])}")
    if args[2] is not False:
        raise _failure(f"Invalid arguments in {name}: only the shallow merge is supported, so the "
                       f"third argument must be false, but got {to_json_text(args[2])}")
    return {**args[0], **args[1]}


def _math_random(args, env):
    # Start inclusive, end exclusive (DG); with a seed the result depends on the seed alone,
    # without one it comes from the execution's seeded generator so runs repeat.
    name = "States.MathRandom"
    start, end = _want_integer(name, args, 0), _want_integer(name, args, 1)
    rng = Random(_want_integer(name, args, 2)) if len(args) > 2 else env.random
    if end < start:
        raise _failure(f"Invalid arguments in {name}: the end {end} is lower than the start "
                       f"{start}")
    return start + rng.randrange(end - start) if end > start else start


def _math_add(args, env):
    return _want_integer("States.MathAdd", args, 0) + _want_integer("States.MathAdd", args, 1)


def _string_split(args, env):
    # Every character of the second argument is a delimiter, and empty pieces are dropped
    # (recorded: ",,,," gives [] and ", , ," gives [" ", " "]).
    text = _want_string("States.StringSplit", args, 0)
    delimiters = _want_string("States.StringSplit", args, 1)
    if not delimiters:
        return [text] if text else []
    pattern = "[" + "".join(re.escape(ch) for ch in delimiters) + "]"
    return [piece for piece in re.split(pattern, text) if piece]


def _uuid(args, env):
    return str(uuid.UUID(int=env.random.getrandbits(128), version=4))


# name -> (implementation, least argument count, most argument count or None for any)
FUNCTIONS: dict[str, tuple[Callable, int, int | None]] = {
    "States.Format": (_format, 1, None),
    "States.StringToJson": (_string_to_json, 1, 1),
    "States.JsonToString": (_json_to_string, 1, 1),
    "States.Array": (_array, 0, None),
    "States.ArrayPartition": (_array_partition, 2, 2),
    "States.ArrayContains": (_array_contains, 2, 2),
    "States.ArrayRange": (_array_range, 3, 3),
    "States.ArrayGetItem": (_array_get_item, 2, 2),
    "States.ArrayLength": (_array_length, 1, 1),
    "States.ArrayUnique": (_array_unique, 1, 1),
    "States.Base64Encode": (_base64_encode, 1, 1),
    "States.Base64Decode": (_base64_decode, 1, 1),
    "States.Hash": (_hash, 2, 2),
    "States.JsonMerge": (_json_merge, 3, 3),
    "States.MathRandom": (_math_random, 2, 3),
    "States.MathAdd": (_math_add, 2, 2),
    "States.StringSplit": (_string_split, 2, 2),
    "States.UUID": (_uuid, 0, 0),
}


# --- the compiled tree ------------------------------------------------------------------------

class _Literal:
    __slots__ = ("value", "template")

    def __init__(self, value, template=None):
        self.value = value
        self.template = template  # for a string: its pieces around unescaped '{}'

    def resolve(self, env):
        return self.value


class Intrinsic:
    """A compiled intrinsic call; ``resolve(env)`` evaluates it, its paths reading ``env.document``."""

    __slots__ = ("text", "name", "args", "_function", "_template", "resolve")

    def __init__(self, text: str, name: str, args: tuple):
        self.text = text
        self.name = name
        self.args = args
        self._function = FUNCTIONS[name][0]
        first = args[0] if args else None
        self._template = (first.template if name == "States.Format"
                          and isinstance(first, _Literal) else None)
        self.resolve = self.resolve_each
        if self._template is not None and len(self._template) == len(args):
            self.resolve = _formatter(self._template, tuple(arg.resolve for arg in args[1:]))

    def resolve_each(self, env) -> Any:
        values = [arg.resolve(env) for arg in self.args]
        if self._template is not None:
            return _format(values, env, self._template)
        return self._function(values, env)

    def __repr__(self) -> str:
        return f"Intrinsic({self.text!r})"


# --- the parser -------------------------------------------------------------------------------

_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORDS = {"true": True, "false": False, "null": None}
_ESCAPABLE = "'{}\\"


class _Parser:
    """Recursive descent over the text: call := NAME '(' [arg (',' arg)*] ')'."""

    def __init__(self, text: str, field: str | None):
        self.text = text
        self.field = field
        self.pos = 0

    def fail(self, message: str):
        raise DefinitionError(f"Invalid intrinsic function '{self.text}': {message} "
                              f"(at character {self.pos + 1})")

    def skip_space(self):
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def parse(self) -> Intrinsic:
        self.skip_space()
        call = self.call(1)
        self.skip_space()
        if self.pos != len(self.text):
            self.fail(f"unexpected '{self.text[self.pos:]}' after the closing parenthesis")
        return call

    def call(self, depth: int) -> Intrinsic:
        start = self.pos
        m = _NAME.match(self.text, self.pos)
        if not m:
            self.fail("expected a function call such as States.Format(...)")
        name = m.group(0)
        if name not in FUNCTIONS:
            self.fail(f"'{name}' is not an intrinsic function; the functions are "
                      f"{', '.join(FUNCTIONS)}")
        if depth > MAX_DEPTH:
            self.fail(f"intrinsic functions can be nested at most {MAX_DEPTH} deep")
        self.pos = m.end()
        self.skip_space()
        if self.peek() != "(":
            self.fail(f"expected '(' after {name}")
        self.pos += 1
        args = []
        self.skip_space()
        if self.peek() == ")":
            self.pos += 1
        else:
            while True:
                args.append(self.argument(depth))
                self.skip_space()
                ch = self.peek()
                self.pos += 1
                if ch == ")":
                    break
                if ch != ",":
                    self.pos -= 1
                    self.fail(f"expected ',' or ')' in the arguments of {name}")
        least, most = FUNCTIONS[name][1:]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = str(least) if least == most else (
                f"at least {least}" if most is None else f"{least} or {most}")
            self.pos = start
            self.fail(f"{name} takes {wanted} argument(s), but {len(args)} were given")
        return Intrinsic(self.text[start:self.pos], name, tuple(args))

    def argument(self, depth: int):
        self.skip_space()
        ch = self.peek()
        if ch == "'":
            return self.string()
        if ch == "$":
            return self.path()
        if ch == "-" or ch.isdigit():
            m = _NUMBER.match(self.text, self.pos)
            if not m:
                self.fail("expected a number")
            self.pos = m.end()
            text = m.group(0)
            return _Literal(float(text) if m.group(1) or m.group(2) else int(text))
        if self.text.startswith("States.", self.pos):
            return self.call(depth + 1)
        m = _WORD.match(self.text, self.pos)
        if m and m.group(0) in _WORDS:
            self.pos = m.end()
            return _Literal(_WORDS[m.group(0)])
        if not ch:
            self.fail("the text ends inside the arguments")
        self.fail("expected a string in single quotes, a number, true, false, null, a path "
                  "or a function call")

    def string(self) -> _Literal:
        # The escapes are \' \{ \} \\ ; an escaped brace is never a States.Format placeholder.
        self.pos += 1
        pieces, current = [], []
        text = self.text
        while True:
            if self.pos >= len(text):
                self.fail("the string literal is not closed with '")
            ch = text[self.pos]
            if ch == "\\":
                nxt = text[self.pos + 1:self.pos + 2]
                if not nxt or nxt not in _ESCAPABLE:
                    self.fail("a backslash in a string literal must escape one of ' { } \\")
                current.append(nxt)
                self.pos += 2
                continue
            self.pos += 1
            if ch == "'":
                break
            if ch == "{" and text.startswith("}", self.pos):
                pieces.append("".join(current))
                current = []
                self.pos += 1
                continue
            current.append(ch)
        pieces.append("".join(current))
        return _Literal("{}".join(pieces), pieces)

    def path(self) -> PathValue:
        # A path runs to the first ',' or ')' outside brackets, parentheses and quotes.
        start = self.pos
        depth = 0
        quote = None
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if quote:
                if ch == "\\":
                    self.pos += 1
                elif ch == quote:
                    quote = None
            elif ch in "'\"":
                quote = ch
            elif ch in "[(":
                depth += 1
            elif ch in "])":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            self.pos += 1
        source = text[start:self.pos].rstrip()
        try:
            return PathValue(compile_path(source), self.field)
        except DefinitionError as err:
            raise DefinitionError(f"Invalid intrinsic function '{self.text}': {err.message}") \
                from None


def compile_intrinsic(text: str, field: str | None = None) -> Intrinsic:
    """Compile ``States.Name(args...)``; raises DefinitionError where AWS would refuse it.

    ``field`` (the payload key, e.g. ``name.$``) is quoted when a path argument finds nothing.
    """
    if not isinstance(text, str):
        raise DefinitionError(f"expected an intrinsic function call, got {json.dumps(text)}")
    return _Parser(text, field).parse()
