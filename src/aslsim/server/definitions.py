"""Definitions as the API receives them: JSON text, compiled by aslsim, refused with
aslsim's diagnostics in AWS's words (InvalidDefinition, ValidateStateMachineDefinition)."""
from __future__ import annotations

import json

from ..errors import DefinitionError
from .protocol import ApiError
from .registry import operation


def compile_definition(text: str, name: str):
    """The compiled StateMachine for ``text``; InvalidDefinition where AWS would refuse it.

    The message carries aslsim's diagnostics the way AWS words its own:
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required:
    [States] at /'" (recorded) becomes "... 'ASL101: ... at /'".
    """
    from ..machine import load
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise ApiError("InvalidDefinition", "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: "
                       f"{err.msg} at line {err.lineno} column {err.colno}'") from None
    try:
        return load(document, name=name)
    except DefinitionError as err:
        problems = [f"{d['code']}: {d['message']} at {d['location']}" for d in diagnostics(text)
                    if d["severity"] == "ERROR"]
        if not problems:
            where = f" at state '{err.state}'" if err.state is not None else ""
            problems = [f"{err.message}{where}"]
        raise ApiError("InvalidDefinition",
                       "Invalid State Machine Definition: '" + ", ".join(problems) + "'") from None


def diagnostics(text: str) -> list[dict]:
    """aslsim validate's findings in ValidateStateMachineDefinitionDiagnostic's shape."""
    from ..validate import validate_definition
    found = validate_definition(text, file="definition")
    return [{"severity": d.severity.upper(), "code": d.code, "message": d.message,
             "location": d.pointer or "/"} for d in found]


@operation("ValidateStateMachineDefinition")
def validate_state_machine_definition(call, params: dict) -> dict:
    found = diagnostics(params["definition"])
    if params.get("severity", "ERROR") == "ERROR":
        found = [d for d in found if d["severity"] == "ERROR"]
    failed = any(d["severity"] == "ERROR" for d in found)
    limit = params.get("maxResults") or 100
    return {"result": "FAIL" if failed else "OK", "diagnostics": found[:limit],
            "truncated": len(found) > limit}
