"""AWS JSON 1.0 as botocore's ``stepfunctions`` model defines it: requests checked against the
model's input shapes, responses rendered in its output shapes, errors in AWS's wire form.

The model is the contract: no shape is written by hand here. Constraint violations are worded as
AWS's request validation words them (recorded: "1 validation error detected: Value '1001' at
'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000";
list members are addressed as ``routingConfiguration.1.member.weight``), and the value of a
sensitive member is never echoed ("Value at 'definition' ...").
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

SERVICE_ERRORS = "com.amazonaws.swf.service.v2.model"    # Step Functions' own exceptions
VALIDATION_ERRORS = "com.amazon.coral.validate"           # model constraint violations
SERVICE_FRAMEWORK = "com.amazon.coral.service"            # unknown operation, unreadable body
TARGET_PREFIX = "AWSStepFunctions."


class ApiError(Exception):
    """An error response: ``code`` is the exception's name, as clients match it."""

    def __init__(self, code: str, message: str, *, status: int = 400, namespace: str = SERVICE_ERRORS,
                 reason: str | None = None):
        self.code = code
        self.message = message
        self.status = status
        self.namespace = namespace
        self.reason = reason            # ValidationException's optional reason field
        super().__init__(f"{code}: {message}")

    def body(self) -> dict:
        body = {"__type": f"{self.namespace}#{self.code}", "message": self.message}
        if self.reason is not None:
            body["reason"] = self.reason
        return body


def validation_error(message: str, *, reason: str | None = None) -> ApiError:
    """A ValidationException raised by the service itself (not by the model's constraints)."""
    return ApiError("ValidationException", message, reason=reason)


@lru_cache(maxsize=1)
def service_model():
    import botocore.session
    return botocore.session.get_session().get_service_model("stepfunctions")


def operation_names() -> list[str]:
    return list(service_model().operation_names)


def operation_model(name: str):
    return service_model().operation_model(name)


# -- requests ------------------------------------------------------------------------------------

class _Violations:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, value: Any, path: str, shape, constraint: str):
        if shape.metadata.get("sensitive") or value is _NULL:
            shown = "Value null" if value is _NULL else "Value"
        else:
            shown = f"Value '{_java_text(value, shape)}'"
        self.messages.append(f"{shown} at '{path}' failed to satisfy constraint: {constraint}")


_NULL = object()


def check_request(operation: str, params: Any) -> dict:
    """The request's members, checked against the operation's input shape.

    Raises ApiError: SerializationException for a body of the wrong JSON types,
    ValidationException for values outside the model's constraints.
    """
    shape = operation_model(operation).input_shape
    if not isinstance(params, dict):
        raise ApiError("SerializationException", "Start of structure or map found where not expected."
                       if isinstance(params, list) else "The request body must be a JSON object.",
                       namespace=SERVICE_FRAMEWORK)
    if shape is None:
        return {}
    violations = _Violations()
    _check_structure(params, shape, "", violations)
    if violations.messages:
        count = len(violations.messages)
        noun = "error" if count == 1 else "errors"
        raise ApiError("ValidationException",
                       f"{count} validation {noun} detected: " + "; ".join(violations.messages),
                       namespace=VALIDATION_ERRORS)
    return {k: v for k, v in params.items() if k in shape.members and v is not None}


def _check_structure(value: dict, shape, prefix: str, violations: _Violations):
    for name, member in shape.members.items():
        path = f"{prefix}{name}"
        item = value.get(name)
        if item is None:
            if name in shape.required_members:
                violations.add(_NULL, path, member, "Member must not be null")
            continue
        _check_value(item, member, path, violations)


def _check_value(value: Any, shape, path: str, violations: _Violations):
    kind = shape.type_name
    if not _has_type(value, kind):
        raise ApiError("SerializationException",
                       f"Unexpected value at '{path}': expected {_JSON_KIND.get(kind, kind)}",
                       namespace=SERVICE_FRAMEWORK)
    meta = shape.metadata
    if kind == "structure":
        _check_structure(value, shape, path + ".", violations)
        return
    if kind in ("string", "list", "map"):
        length = _java_length(value) if kind == "string" else len(value)
        if "min" in meta and length < meta["min"]:
            violations.add(value, path, shape, f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and length > meta["max"]:
            violations.add(value, path, shape, f"Member must have length less than or equal to {meta['max']}")
    if kind == "string":
        if "enum" in meta and value not in meta["enum"]:
            violations.add(value, path, shape,
                           "Member must satisfy enum value set: [" + ", ".join(meta["enum"]) + "]")
        pattern = meta.get("pattern")
        if pattern and not _pattern(pattern).fullmatch(value):
            violations.add(value, path, shape, f"Member must satisfy regular expression pattern: {pattern}")
    elif kind in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            violations.add(value, path, shape, f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            violations.add(value, path, shape, f"Member must have value less than or equal to {meta['max']}")
    elif kind == "list":
        for index, item in enumerate(value, start=1):
            if item is not None:
                _check_value(item, shape.member, f"{path}.{index}.member", violations)
    elif kind == "map":
        for key, item in value.items():
            _check_value(key, shape.key, f"{path}.key", violations)
            if item is not None:
                _check_value(item, shape.value, f"{path}.value", violations)


_JSON_KIND = {"structure": "an object", "list": "an array", "map": "an object", "string": "a string",
              "boolean": "a boolean", "integer": "an integer", "long": "an integer",
              "float": "a number", "double": "a number", "timestamp": "a timestamp", "blob": "a string"}


def _has_type(value: Any, kind: str) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind in ("string", "blob"):
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double", "timestamp"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


def _java_length(text: str) -> int:
    """A Java string's length, in UTF-16 code units, as AWS's length constraints count."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


@lru_cache(maxsize=None)
def _pattern(pattern: str):
    # The model's patterns are Java's; \p{ASCII} is the only construct Python's re lacks.
    return re.compile(pattern.replace(r"\p{ASCII}", r"\x00-\x7f" if "[" in pattern else r"[\x00-\x7f]"))


def _java_text(value: Any, shape) -> str:
    """A value as AWS's validation messages print it (Java's toString of the request member)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        member = getattr(shape, "member", None)
        return "[" + ", ".join(_java_text(v, member) for v in value) + "]"
    if isinstance(value, dict):
        if shape is not None and shape.type_name == "structure":
            parts = [f"{k}={_java_text(v, shape.members.get(k))}" for k, v in value.items()
                     if k in shape.members]
            return f"{shape.name}({', '.join(parts)})"
        return "{" + ", ".join(f"{k}={_java_text(v, None)}" for k, v in value.items()) + "}"
    return str(value)


# -- responses -----------------------------------------------------------------------------------

def render_response(operation: str, result: dict | None) -> dict:
    """The operation's result in its output shape: members the model does not name are dropped,
    absent (None) members left out, timestamps as epoch seconds."""
    shape = operation_model(operation).output_shape
    if shape is None or not result:
        return {}
    return _render(result, shape)


def _render(value: Any, shape) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            item = value.get(name)
            if item is not None:
                out[name] = _render(item, member)
        return out
    if kind == "list":
        return [_render(v, shape.member) for v in value]
    if kind == "map":
        return {k: _render(v, shape.value) for k, v in value.items()}
    if kind == "timestamp":
        return epoch_seconds(value)
    return value


def epoch_seconds(value: Any) -> float:
    """A timestamp on the wire: epoch seconds with milliseconds, as AWS JSON 1.0 sends them."""
    if isinstance(value, str):        # the engine's history prints ISO-8601 times
        from ..definition.timestamps import parse_timestamp
        value = parse_timestamp(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return round(value.timestamp(), 3)
    return round(value / 1000, 3)      # epoch milliseconds, the engine's clock
