"""TestState's ``fieldValidationMode``: a mocked result checked against the service's API model.

STRICT (AWS's default) checks that the required members are there and that every member given
has the model's type; PRESENT checks only the members given; NONE checks nothing. Results of
integrations without a model (plain Lambda ARNs, activities) are not checked. AWS words a
refusal "Mock result schema validation error: Field 'Entries' must be an array" (recorded); the
wording of the other kinds of problem follows it.
"""
from __future__ import annotations

from typing import Any

from .api_models import _members, operation_for
from .resources import describe_resource

_KINDS = {"structure": "an object", "map": "an object", "list": "an array", "string": "a string",
          "boolean": "a boolean", "integer": "an integer", "long": "an integer", "float": "a number",
          "double": "a number"}


def mock_result_problems(resource_arn: str, result: Any, mode: str) -> list[str]:
    """What is wrong with ``result`` as the answer of ``resource_arn`` under ``mode``."""
    if mode == "NONE":
        return []
    resource = describe_resource(resource_arn)
    operation = operation_for(resource) if resource.kind == "integration" else None
    shape = operation.operation.output_shape if operation is not None else None
    if shape is None:
        return []
    problems: list[str] = []
    _check(result, shape, "", mode == "STRICT", problems)
    return problems


def _check(value: Any, shape, field: str, strict: bool, problems: list) -> None:
    kind = shape.type_name
    if value is None or shape.metadata.get("document"):
        return
    if kind in ("blob", "timestamp"):
        return                       # Step Functions passes these on as JSON values or text
    if not _is(value, kind):
        if field:
            problems.append(f"Field '{field}' must be {_KINDS.get(kind, kind)}")
        else:
            problems.append(f"The result must be {_KINDS.get(kind, kind)}")
        return
    if kind == "structure":
        members = _members(shape)
        by_model = {name: key for key, name in zip(members, shape.members)}
        if strict:
            for required in shape.required_members:
                name = next((k for k, n in by_model.items() if n == required), required)
                if name not in value:
                    problems.append(f"Field '{_join(field, name)}' is required")
        for key, item in value.items():
            if key in members:
                _check(item, members[key], _join(field, key), strict, problems)
    elif kind == "list":
        for item in value:
            _check(item, shape.member, field, strict, problems)
    elif kind == "map":
        for item in value.values():
            _check(item, shape.value, field, strict, problems)


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _is(value: Any, kind: str) -> bool:
    if kind in ("structure", "map"):
        return isinstance(value, dict)
    if kind == "list":
        return isinstance(value, list)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True
