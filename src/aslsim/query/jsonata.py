"""JSONata as Step Functions runs it: one compiled expression, evaluated against variables.

This is the only module that knows which JSONata engine runs underneath (jlens, a Rust engine;
see ../shared/research/JSONATA.md). Everything above it sees ``compile_expression`` ->
``Expression.evaluate`` -> a JSON value, ``UNDEFINED``, or one of the exceptions below.

Step Functions' dialect, on top of JSONata 2.0.6:
* ``$partition $range $hash $random([seed]) $uuid $parse`` are added, ``$eval`` is removed
  (calling it fails like calling any unbound name: T1006).
* ``$now()``/``$millis()`` read the execution's virtual clock; ``$random()``, ``$uuid()`` and
  ``$shuffle()`` draw from the execution's seeded ``random.Random``.
* Expressions read ``$states`` and workflow variables, never the input document ``$``, so nothing
  is bound as input (a bare field name is undefined).

Speed (CPython 3.11, x86_64, 2 shared cores, jlens 0.25.0; ``python bench/jsonata_engine.py``):
  ``$states.input.a.b & ' ' & $string($x)``, small variables       ~4 us per evaluate
  the same with a 210 kB ``$states.input`` (3000 items)             ~4 us (jlens alone: 1.5 ms)
  ``$count($states.input.items)`` over those 3000 items             ~0.5 ms (jlens alone: 1.9 ms)
  ``$states.input.items[price > 50].id`` over them                  ~2.1 ms (jlens alone: 2.3 ms)
  ``$partition([1, 2, 3, 4, 5], 2)`` (a Python function)            ~5 us
  ``$uuid()`` (saves and restores the rng's state, see below)       ~14 us
  an undefined result (a second, probing evaluation)                ~4 us
  ``compile_expression``                                            ~9 us
jlens converts every binding whole on every call, so before each call the variables are cut down
to the fields the expression can read (``jlens.Expression.reads``, a static analysis whose
documented promise is that the cut-down bindings give the same result): a big input costs only
what the expression reads of it.
"""
from __future__ import annotations

import contextvars
import hashlib
import json
import math
import random
import re
import uuid
from typing import Any, Callable

import jlens

__all__ = [
    "UNDEFINED", "JsonataError", "JsonataSyntaxError", "UnsupportedResultType", "ResultTooLarge",
    "Expression", "compile_expression", "EVALUATION_TIMEOUT_S",
]

# A guard against expressions that never end (AWS cuts them off too). Wall-clock, but it only
# decides whether a runaway expression fails, never what a terminating one returns.
EVALUATION_TIMEOUT_S = 10.0

# The most items $range will build. AWS has no documented cap on the JSONata $range (the 1000
# items of States.ArrayRange do not apply) but fails evaluations that exhaust its memory.
_RANGE_LIMIT = 10_000_000

_ENGINE_LIMIT_CODES = {"D1011": "Stack overflow error: Check for non-terminating recursive "
                                "function. Consider rewriting as tail-recursive.",
                       "D1012": "Expression evaluation timeout: Check for infinite loop"}


class _Undefined:
    """The type of ``UNDEFINED``: the expression returned nothing."""

    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_Undefined, ())


UNDEFINED = _Undefined()


class JsonataError(Exception):
    """A JSONata error raised while evaluating: ``code`` (``T2001``...) and ``message``.

    ``str(err)`` is ``"<code>: <message>"``, the tail AWS writes after "threw an error during
    evaluation.". Engine limits (stack depth, time) have code ``U1001`` and, as on AWS, no code in
    ``str(err)``. ``position`` is where in the expression text the error was raised, if known.
    """

    def __init__(self, code: str, message: str, *, position: int | None = None,
                 token: str | None = None):
        self.code = code
        self.message = message
        self.position = position
        self.token = token
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.message if self.code == "U1001" else f"{self.code}: {self.message}"

    def __reduce__(self):
        return (JsonataError, (self.code, self.message),
                {"position": self.position, "token": self.token})


class JsonataSyntaxError(Exception):
    """An expression that does not parse: ``code`` (``S0203``...), ``message``, ``position``."""

    def __init__(self, text: str, code: str, message: str, position: int | None):
        self.text = text
        self.code = code
        self.message = message
        self.position = position
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"Invalid JSONata expression '{text}': {code}: {message}{where}")

    def __reduce__(self):
        return (JsonataSyntaxError, (self.text, self.code, self.message, self.position))


class UnsupportedResultType(Exception):
    """The expression returned a value JSON cannot hold (a function).

    AWS fails the state: "The JSONata expression '...' returned an unsupported result type."
    """

    def __init__(self, text: str, type_name: str = "function"):
        self.text = text
        self.type_name = type_name
        super().__init__(f"The JSONata expression '{text}' returned an unsupported result type.")

    def __reduce__(self):
        return (UnsupportedResultType, (self.text, self.type_name))


def _error(code: str, message: str) -> JsonataError:
    return JsonataError(code, message)


class ResultTooLarge(JsonataError):
    """The result's JSON is larger than the ``max_result_bytes`` asked for."""


def _from_engine(err: jlens.JlensError) -> JsonataError:
    code = err.code
    if code == "U1001" and str(err).startswith("The result would exceed the size limit"):
        return ResultTooLarge(code, str(err), position=err.position)
    if code in _ENGINE_LIMIT_CODES:
        return JsonataError("U1001", _ENGINE_LIMIT_CODES[code], position=err.position)
    return JsonataError(code, str(err), position=err.position, token=err.token)


# --- the functions Step Functions adds --------------------------------------------------------
# Argument rules are AWS's as far as they are known: the AWS language service
# (aws/amazon-states-language-service, jsonata/functions.ts) for the documented examples, and
# measurements against AWS published by the Floci emulator (floci-io/floci #2662, #2676) for
# what the docs leave open: numbers are truncated towards zero; an empty result, a zero or
# wrong-way step, a missing step or algorithm give undefined; extra arguments are T0410.

# The execution's random.Random for the evaluation running on this thread.
_RNG: contextvars.ContextVar[random.Random] = contextvars.ContextVar("aslsim_jsonata_rng")

# jlens turns a host function's None into undefined; a NaN reaches JSONata as JSON null (jlens
# converts host results through JSON, where NaN has no spelling). tests pin this.
_JSON_NULL = float("nan")


def _whole(number: float | int) -> int:
    if isinstance(number, float) and not math.isfinite(number):
        raise _error("D3137", f"The number {number} is not a finite number")
    return int(number)  # towards zero, as AWS does: $range(-1.7, 2, 1) starts at -1


def _partition(array, size=None):
    if array is None:
        return None
    if size is None:  # measured on AWS: the whole array as one chunk
        return [array] if array else None
    size = _whole(size)
    if size < 0:
        raise _error("D3137", "Second argument must be zero or greater")
    if size == 0 or not array:
        return None
    return [array[i:i + size] for i in range(0, len(array), size)]


def _range(start, stop, step=None):
    if start is None or stop is None or step is None:
        return None
    start, stop, step = _whole(start), _whole(stop), _whole(step)
    if step == 0 or (stop - start) * step < 0:
        return None
    count = (stop - start) // step + 1
    if count > _RANGE_LIMIT:
        raise _error("D2014", f"$range would generate more than {_RANGE_LIMIT} items")
    if count == 1:  # a sequence of one item is that item (AWS returns 3 for $range(3, 3, 1))
        return start
    return list(range(start, stop + (1 if step > 0 else -1), step))


_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}


def _hash(value, algorithm=None):
    if value is None or algorithm is None:
        return None
    name = _HASHES.get(algorithm)
    if name is None:
        raise _error("D3137", f"Unsupported hash algorithm '{algorithm}'. Supported: "
                              + ", ".join(_HASHES))
    return hashlib.new(name, value.encode("utf-8", "surrogatepass")).hexdigest()


def _java_random_double(seed) -> float:
    """``new java.util.Random(seed).nextDouble()``: what AWS's ``$random(seed)`` returns."""
    mask = (1 << 48) - 1
    state = (max(-(1 << 63), min((1 << 63) - 1, _whole(seed))) ^ 0x5DEECE66D) & mask
    state = (state * 0x5DEECE66D + 0xB) & mask
    high = state >> (48 - 26)
    state = (state * 0x5DEECE66D + 0xB) & mask
    low = state >> (48 - 27)
    return ((high << 27) + low) * 2.0 ** -53


def _random(seed=None):
    if seed is not None:
        return _java_random_double(seed)
    return _RNG.get().random()


def _uuid():
    return str(uuid.UUID(int=_RNG.get().getrandbits(128), version=4))


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _parse(text=None):
    if text is None:
        return None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("number out of range")
    except (ValueError, RecursionError):
        raise _error("D3137", "Invalid JSON") from None
    return _JSON_NULL if value is None else value


def _eval_refused(*_args):
    # AWS removes $eval: the call fails as a call of any unbound name does (T1006, measured).
    raise _error("T1006", "Attempted to invoke a non-function")


# name -> (implementation, JSONata signature, needs the execution's rng)
_AWS_FUNCTIONS: dict[str, tuple[Callable, str | None, bool]] = {
    "partition": (_partition, "<an?:a>", False),
    "range": (_range, "<nnn?:a>", False),
    "hash": (_hash, "<ss?:s>", False),
    "random": (_random, "<n?:n>", True),
    "uuid": (_uuid, "<:s>", True),
    "parse": (_parse, "<s-:x>", False),
    "eval": (_eval_refused, "<x?x?:x>", False),
}


# --- cutting the variables down to what an expression reads -----------------------------------

def _pruner(read) -> Callable[[Any], Any] | None:
    """A function keeping only the fields ``read`` (a jlens Read) names; None keeps everything."""
    if read is True:
        return None
    fields = tuple((key, _pruner(sub)) for key, sub in read.items())

    def prune(value):
        if isinstance(value, dict):
            kept = {}
            for key, sub in fields:
                if key in value:
                    kept[key] = value[key] if sub is None else sub(value[key])
            return kept
        if isinstance(value, list):  # the items of a list are read as the list is
            # Cutting costs more than jlens's conversion saves until a list is long.
            return [prune(item) for item in value] if len(value) > _SHORT_LIST else value
        return value

    return prune


_NO_INPUT = object()
# True in jsonata_sandbox's helper process, which evaluates the isolated expressions itself
_IN_SANDBOX = False
_RISKY = re.compile(r"\.\.|\bfunction\b|λ|\$range\b")
_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|/\*.*?\*/", re.DOTALL)


def _may_exhaust_memory(text: str) -> bool:
    """Whether an expression can build far more data than it reads (a range ``..``, ``$range``,
    a function it defines): those run in a helper process with a memory limit."""
    return bool(_RISKY.search(_STRINGS.sub("", text)))
_SHORT_LIST = 16


class Expression:
    """A compiled JSONata expression (the text between ``{%`` and ``%}``)."""

    __slots__ = ("text", "_compiled", "_probe", "_plan", "_uses_rng", "_seeds_engine", "_isolated",
                 "_fast", "_fast_plan")

    def __init__(self, text: str):
        self.text = text
        self._compiled = _compile(text)
        self._isolated = not _IN_SANDBOX and _may_exhaust_memory(text)
        self._probe = None  # $type(text), compiled when a result of None needs telling apart
        self._uses_rng = False
        for name, (impl, signature, uses_rng) in _AWS_FUNCTIONS.items():
            # A function can only be reached through its name ($eval is gone), so the text
            # tells which ones to register: each one registered slows every evaluate down.
            if "$" + name in text:
                self._compiled.register_function(name, impl, signature)
                self._uses_rng |= uses_rng
        self._seeds_engine = "$shuffle" in text
        self._plan = _binding_plan(self._compiled)
        # the same expression reading $states.input as its input document (``$$``), which
        # jlens reads lazily, where a binding it converts whole (see evaluate_input_as_document)
        self._fast = self._fast_plan = None
        fast_text = None if self._isolated or self.needs_rng else _input_as_document(text)
        if fast_text is not None:
            self._fast = _compile(fast_text)
            for name, (impl, signature, _) in _AWS_FUNCTIONS.items():
                if "$" + name in text:
                    self._fast.register_function(name, impl, signature)
            self._fast_plan = _binding_plan(self._fast)

    def bindings_read(self) -> set | None:
        """The names of the bindings (``$name``) the expression reads, None when jlens cannot
        tell (it reads every binding)."""
        reads = self._compiled.reads()
        return None if reads.get("everyBinding") else set(reads["bindings"])

    @property
    def isolated(self) -> bool:
        """Whether ``evaluate`` runs in the memory-limited helper process (see jsonata_sandbox)."""
        return self._isolated

    @property
    def needs_rng(self) -> bool:
        """Whether ``evaluate`` draws from its ``rng`` ($random, $uuid, $shuffle)."""
        return self._uses_rng or self._seeds_engine

    def may_read(self, binding: str, key: str) -> bool:
        """Whether the expression may read ``$binding.key`` (jlens's static analysis; True when
        it cannot tell): the engine builds the dear parts of ``$states`` only when read."""
        reads = self._compiled.reads()
        if reads.get("everyBinding"):
            return True
        read = reads["bindings"].get(binding)
        return read is True or (isinstance(read, dict) and key in read)

    def input_reads(self):
        """What the expression reads from the input document (``$``), as the engine reports it;
        the validator uses it for AWS's rule that only ``$states`` and variables may be read."""
        return self._compiled.reads().get("input")

    def variables_read(self) -> set[str] | None:
        """The workflow variables the expression reads (``$states``, AWS's functions, local
        bindings and parameters are not among them); None when the engine cannot tell."""
        reads = self._compiled.reads()
        if reads.get("everyBinding"):
            return None
        return set(reads["bindings"]) - {"states"} - set(_AWS_FUNCTIONS)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def evaluate(self, variables: dict, *, now_ms: int, rng: random.Random | None,
                 input: Any = _NO_INPUT, timeout: float | None = EVALUATION_TIMEOUT_S,
                 max_depth: int | None = None, max_result_bytes: int | None = None) -> Any:
        """The expression's value (JSON) or UNDEFINED; raises JsonataError/UnsupportedResultType.

        ``variables`` binds ``$name`` for each key (``states`` included); ``now_ms`` is the
        virtual clock in epoch milliseconds; ``rng`` feeds ``$random``/``$uuid``/``$shuffle``.
        ``input`` (``$``) is for running JSONata's own test suite: Step Functions binds none.
        ``max_result_bytes``: a result whose JSON would be larger raises ResultTooLarge.
        """
        if self._isolated:
            return self._evaluate_isolated(self._bindings(variables), input, rng, dict(
                now_ms=now_ms, timeout=timeout, max_depth=max_depth, max_result_bytes=max_result_bytes))
        bindings = self._bindings(variables)
        options = {"now": now_ms, "timeout": timeout}
        if max_depth is not None:
            options["max_depth"] = max_depth
        if max_result_bytes is not None:
            options["max_result_size"] = max_result_bytes
        if self._seeds_engine:
            options["seed"] = rng.getrandbits(63)
        saved = None
        token = None
        if self._uses_rng:
            token = _RNG.set(rng)
        try:
            if self._uses_rng:
                saved = rng.getstate()
            result = self._run(self._compiled, input, bindings, options)
            if result is None:
                if saved is not None:  # the probe must draw what the first run drew
                    rng.setstate(saved)
                return self._none_result(input, bindings, options)
        finally:
            if token is not None:
                _RNG.reset(token)
        if type(result) is float and result.is_integer() and abs(result) < 1e21:
            return int(result)  # jlens already gives ints; JavaScript prints 3.0 as 3
        return result

    @property
    def reads_input_as_document(self) -> bool:
        """Whether ``evaluate_input_as_document`` can read ``$states.input`` faster."""
        return self._fast is not None

    @property
    def reads_only_input(self) -> bool:
        """Whether the expression reads nothing but ``$states.input`` (and its own names): then
        ``evaluate_input_as_document`` needs no ``variables``."""
        return self._fast is not None and self._fast_plan == ()

    def evaluate_input_as_document(self, variables: dict | None, states_input: Any, *, now_ms: int,
                                   rng: random.Random | None,
                                   max_result_bytes: int | None = None) -> Any:
        """``evaluate`` with ``variables["states"]`` lacking its ``input``, given here: the same
        value, faster (``variables`` None: ``reads_only_input``). Where the fast form gives null
        or undefined, or fails, ``evaluate`` answers, so that results and errors are the
        expression's own, as it is written. Only an object is read as the document: JSONata
        treats an array document in its own ways."""
        if self._fast is None or type(states_input) is not dict:
            return self._evaluate_with_input(variables, states_input, now_ms, rng, max_result_bytes)
        plan = self._fast_plan
        if variables is None:
            bindings = {}
        else:
            bindings = variables if plan is None else _bound(plan, variables)
        options = {"now": now_ms, "timeout": EVALUATION_TIMEOUT_S}
        if max_result_bytes is not None:
            options["max_result_size"] = max_result_bytes
        try:
            result = self._fast.evaluate(states_input, bindings, **options)
        except jlens.JlensError as err:
            error = _from_engine(err)
            if isinstance(error, ResultTooLarge) or error.message in _ENGINE_LIMIT_MESSAGES:
                raise error from None      # too large, a timeout, a stack overflow: not met twice
            result = None
        except BaseException as err:      # a panic inside the engine: as written, it fails the state
            if type(err).__name__ != "PanicException":
                raise
            result = None
        if result is None:
            return self._evaluate_with_input(variables, states_input, now_ms, rng, max_result_bytes)
        if type(result) is float and result.is_integer() and abs(result) < 1e21:
            return int(result)
        return result

    def _evaluate_with_input(self, variables: dict | None, states_input: Any, now_ms: int, rng,
                             max_result_bytes: int | None) -> Any:
        """``evaluate`` as written, ``$states.input`` bound among the variables."""
        variables = {"states": {}} if variables is None else variables
        variables["states"]["input"] = states_input
        return self.evaluate(variables, now_ms=now_ms, rng=rng, max_result_bytes=max_result_bytes)

    def _evaluate_isolated(self, bindings: dict, input: Any, rng, options: dict) -> Any:
        """``evaluate`` in the memory-limited helper process (``jsonata_sandbox``)."""
        from . import jsonata_sandbox
        state = rng.getstate() if rng is not None and self.needs_rng else None
        try:
            answer = jsonata_sandbox.evaluate(self.text, bindings, options, state,
                                              None if input is _NO_INPUT else input,
                                              options["timeout"] or EVALUATION_TIMEOUT_S)
        except jsonata_sandbox.SandboxDied:
            raise JsonataError("U1001", f"The evaluation was stopped: it needed more than the "
                               f"{jsonata_sandbox.MEMORY_LIMIT_MIB} MiB of memory aslsim allows an "
                               "expression (or more time than it allows)") from None
        kind = answer[0]
        if kind in ("ok", "undefined"):
            if state is not None:
                rng.setstate(answer[-1])
            return answer[1] if kind == "ok" else UNDEFINED
        if kind == "unsupported":
            raise UnsupportedResultType(answer[1])
        error_class = ResultTooLarge if answer[1] == "ResultTooLarge" else JsonataError
        raise error_class(answer[2], answer[3], position=answer[4], token=answer[5])

    def _bindings(self, variables: dict) -> dict:
        if self._plan is None:
            return variables
        return _bound(self._plan, variables)

    @staticmethod
    def _run(compiled: jlens.Expression, input: Any, bindings: dict, options: dict) -> Any:
        try:
            if input is _NO_INPUT:
                return compiled.evaluate(None, bindings, **options)
            if input is None:  # JSON null as the input document
                return compiled.evaluate_document(_NULL_DOCUMENT, bindings, **options)
            return compiled.evaluate(input, bindings, **options)
        except jlens.JlensError as err:
            raise _from_engine(err) from None
        except BaseException as err:
            # a panic inside the Rust engine (pyo3's PanicException is a BaseException): the
            # state fails; the process, and a pytest worker with it, goes on
            if type(err).__name__ != "PanicException":
                raise
            raise JsonataError("U1001", f"The JSONata engine failed: {err}") from None

    def _none_result(self, input: Any, bindings: dict, options: dict) -> Any:
        """jlens answers None for undefined, null and a function: ask JSONata which it was."""
        if self._probe is None:
            # Not "$type((text))": jlens reads "(/re/" as a division (its tokenizer bug).
            probe = _compile(f"$type({self.text}\n)")
            for name, (impl, signature, _) in _AWS_FUNCTIONS.items():
                if "$" + name in self.text:
                    probe.register_function(name, impl, signature)
            self._probe = probe
        kind = self._run(self._probe, input, bindings, options)
        if kind == "null":
            return None
        if kind == "function":
            raise UnsupportedResultType(self.text)
        return UNDEFINED


_NULL_DOCUMENT = jlens.Document.from_json("null")
_ENGINE_LIMIT_MESSAGES = frozenset(_ENGINE_LIMIT_CODES.values())


def _binding_plan(compiled: jlens.Expression) -> tuple | None:
    """(name, pruner) of each binding ``compiled`` reads; None when it may read any."""
    reads = compiled.reads()
    if reads.get("everyBinding"):
        return None
    return tuple((name, _pruner(read)) for name, read in reads["bindings"].items())


def _bound(plan: tuple, variables: dict) -> dict:
    bindings = {}
    for name, prune in plan:
        if name in variables:
            value = variables[name]
            bindings[name] = value if prune is None else prune(value)
    return bindings


# Strings, comments and quoted names (kept as they are), and the tokens _input_as_document
# looks at: the root ``$$``, a ``/`` (which may open a regular expression) and ``$states.field``.
_TOKENS = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|/\*.*?\*/|`[^`]*`|\$\$|/"""
                     r"""|\$states\b(?:\s*\.\s*([A-Za-z_][A-Za-z0-9_]*))?""", re.DOTALL)
_STATES_FIELDS = frozenset({"result", "errorOutput", "context"})


def _input_as_document(text: str) -> str | None:
    """``text`` with each ``$states.input`` read as the input document ``$$``, or None when that
    could change what it means: it reads ``$$`` itself, ``$states`` otherwise than by a field
    (it may rebind it), or has a ``/`` (perhaps a regular expression holding the words)."""
    out, last, changed = [], 0, False
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if token[0] in "'\"`" or token.startswith("/*"):
            continue
        if not token.startswith("$states"):
            return None               # "$$" or "/"
        field = match.group(1)
        if field == "input":
            out.append(text[last:match.start()])
            out.append("$$")
            last, changed = match.end(), True
        elif field not in _STATES_FIELDS:
            return None
    if not changed:
        return None
    out.append(text[last:])
    return "".join(out)


def _compile(text: str) -> jlens.Expression:
    try:
        return jlens.Expression(text)
    except jlens.JlensError as err:
        raise JsonataSyntaxError(text, err.code, str(err), err.position) from None
    except UnicodeEncodeError as err:  # a lone surrogate such as "\ud800": jlens reads UTF-8 only
        raise JsonataSyntaxError(text, "U1002", "The expression holds a lone surrogate, which "
                                 "this JSONata engine cannot read", err.start) from None


def compile_expression(text: str) -> Expression:
    """Compile an expression once (the text without ``{%``/``%}``); raises JsonataSyntaxError."""
    if not isinstance(text, str):
        raise TypeError(f"a JSONata expression must be a string, not {type(text).__name__}")
    return Expression(text)
